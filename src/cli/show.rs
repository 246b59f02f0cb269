//! `charts show chart|values|readme|crds|all CHART`.

use std::path::PathBuf;

use crate::chart::{self, Chart};
use crate::cli::output;
use crate::error::{Error, Result};

#[derive(Debug, clap::Subcommand)]
pub enum ShowCommand {
    /// Show Chart.yaml
    Chart(ShowArgs),
    /// Show values.yaml as written (comments kept)
    Values(ShowArgs),
    /// Show the README
    Readme(ShowArgs),
    /// Show the CRDs from `crds/`
    Crds(ShowArgs),
    /// Show all of the above
    All(ShowArgs),
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Chart directory or `.tgz`
    #[arg(value_name = "CHART")]
    pub chart: PathBuf,
}

pub fn show(command: ShowCommand) -> Result<()> {
    let (part, args) = match command {
        ShowCommand::Chart(a) => ("chart", a),
        ShowCommand::Values(a) => ("values", a),
        ShowCommand::Readme(a) => ("readme", a),
        ShowCommand::Crds(a) => ("crds", a),
        ShowCommand::All(a) => ("all", a),
    };
    let chart = chart::load(&args.chart)?;
    let text = match part {
        "chart" => text_of(&chart.chart_yaml),
        "values" => chart.values_yaml().unwrap_or("").to_string(),
        "readme" => readme(&chart)?,
        "crds" => crds(&chart),
        _ => {
            let mut text = text_of(&chart.chart_yaml);
            if let Some(values) = chart.values_yaml() {
                text = format!("{}\n---\n{values}", text.trim_end());
            }
            if let Some(readme) = chart.readme() {
                text = format!("{}\n---\n{}", text.trim_end(), text_of(&readme.data));
            }
            let crds = crds(&chart);
            if !crds.is_empty() {
                text = format!("{}\n{crds}", text.trim_end());
            }
            text
        }
    };
    let mut text = text;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    output::print(&text)
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn readme(chart: &Chart) -> Result<String> {
    chart
        .readme()
        .map(|f| text_of(&f.data))
        .ok_or_else(|| Error::message(format!("chart `{}` has no README", chart.name())))
}

fn crds(chart: &Chart) -> String {
    let mut text = String::new();
    for file in chart.crds() {
        crate::render::manifest::push_text_document(
            &mut text,
            &format!("{}/{}", chart.name(), file.name),
            &text_of(&file.data),
        );
    }
    text
}
