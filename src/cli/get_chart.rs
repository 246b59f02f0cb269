//! `charts get chart NAME [--revision N] [-d DIR]`: the chart a revision was rendered from, as
//! stored with the release. With `-d`, the package is written back out byte for byte as it was
//! installed (`<name>-<version>.tgz`); without, a summary (name, version, digest, files).

use std::path::PathBuf;

use crate::action::chart_snapshot;
use crate::cli::get::GetArgs;
use crate::cli::output;
use crate::error::{Error, Result};
use crate::release::Release;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct GetChartArgs {
    #[command(flatten)]
    pub release: GetArgs,
    /// Write the package to this directory as `<name>-<version>.tgz`, byte for byte as installed
    #[arg(short = 'd', long, value_name = "DIR")]
    pub destination: Option<PathBuf>,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

/// Shows or writes out the stored chart of `release` (read already by `get`).
pub fn show(
    cluster: &crate::cluster::ClusterSettings,
    release: &Release,
    args: &GetChartArgs,
) -> Result<()> {
    let stored = crate::support::block_on(async {
        let store = SecretStore::connect(cluster).await?;
        chart_snapshot::read(&store, release).await
    })?;
    if let Some(directory) = &args.destination {
        let path = directory.join(stored.file_name());
        std::fs::create_dir_all(directory)
            .and_then(|()| std::fs::write(&path, &stored.package))
            .map_err(|e| Error::io(format!("cannot write `{}`", path.display()), e))?;
        return output::print(&format!(
            "Wrote the chart of release `{}` revision {} to: {}\n",
            release.name,
            release.revision,
            path.display()
        ));
    }
    let (_, files) = crate::chart::archive::read_tgz(&stored.package, &stored.file_name())?;
    let mut names: Vec<String> = files.into_iter().map(|f| f.name).collect();
    names.sort();
    let summary = serde_json::json!({
        "release": release.name,
        "namespace": release.namespace,
        "revision": release.revision,
        "name": release.chart.name,
        "version": release.chart.version,
        "appVersion": release.chart.app_version,
        "digest": stored.digest,
        "size": stored.package.len(),
        "files": names,
    });
    output::show(
        args.output,
        || Ok(summary.clone()),
        || {
            let mut text = format!(
                "NAME: {}\nVERSION: {}\nAPP_VERSION: {}\nDIGEST: {}\nSIZE: {} bytes\nFILES:\n",
                release.chart.name,
                release.chart.version,
                release.chart.app_version,
                stored.digest,
                stored.package.len()
            );
            for name in &names {
                text.push_str(&format!("  {name}\n"));
            }
            Ok(text)
        },
    )
}
