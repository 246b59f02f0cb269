//! `charts package CHART... [-d DIR] [--version V] [--app-version V]`.

use std::path::PathBuf;

use crate::chart::{self, package::PackageOptions};
use crate::cli::output;
use crate::error::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct PackageArgs {
    /// Chart directories
    #[arg(value_name = "CHART", required = true)]
    pub charts: Vec<PathBuf>,
    /// Directory to write the packages to
    #[arg(short = 'd', long, value_name = "DIR", default_value = ".")]
    pub destination: PathBuf,
    /// Set the chart version (SemVer 2)
    #[arg(long)]
    pub version: Option<String>,
    /// Set the chart's appVersion
    #[arg(long)]
    pub app_version: Option<String>,
}

pub fn package(args: PackageArgs) -> Result<()> {
    let mtime = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text.trim().parse::<u64>().map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH `{text}` is not a number of seconds"
            ))
        })?,
        Err(_) => 0,
    };
    let options = PackageOptions {
        version: args.version.clone(),
        app_version: args.app_version.clone(),
        mtime,
    };
    for path in &args.charts {
        let chart = chart::load(path)?;
        let written = chart::package::package(&chart, &args.destination, &options)?;
        output::print(&format!(
            "Successfully packaged chart and saved it to: {}\n",
            written.display()
        ))?;
    }
    Ok(())
}
