//! `charts convert HELM_CHART -o DIR`: a Helm chart to a `charts` chart.

use std::path::PathBuf;

use crate::cli::output;
use crate::error::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// The Helm chart: a directory holding Chart.yaml, or a .tgz
    #[arg(value_name = "HELM_CHART")]
    pub chart: PathBuf,
    /// Directory to write the converted chart to (must not exist, or be empty)
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    pub output: PathBuf,
}

/// Converts, writes the report to stderr, and exits 0 when everything converted, 3 when the
/// chart was written with `cannot convert` places, 1 on error.
pub fn convert(args: ConvertArgs) -> Result<()> {
    let report = crate::convert::convert(&args.chart, &args.output)?;
    for (file, issues) in &report.files {
        for issue in issues {
            output::note(&format!(
                "{file}:{}:{}: cannot convert: {}",
                issue.line, issue.col, issue.message
            ));
        }
    }
    let summary = format!(
        "Converted {} and {} into {}",
        output::count(report.charts, "chart"),
        output::count(report.templates, "template"),
        args.output.display()
    );
    let count = report.issue_count();
    if count == 0 {
        output::print(&format!("{summary}\n"))?;
        return Ok(());
    }
    output::print(&format!("{summary}\n"))?;
    Err(Error::NeedsAttention(format!(
        "{} could not be converted: each renders as `fail(\"cannot convert: ...\")` until changed by hand (see the lines above)",
        output::count(count, "place")
    )))
}
