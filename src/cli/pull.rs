//! `charts pull REF [--version C] [--untar] [-d DIR]`: download a verified chart package.

use std::path::{Path, PathBuf};

use crate::cli::output;
use crate::cli::repo::RemoteArgs;
use crate::error::{Error, Result};
use crate::repo::{self, resolve};

#[derive(Debug, clap::Args)]
pub struct PullArgs {
    /// `repo/name`, a URL to a `.tgz`, or `oci://host/path/name[:tag|@sha256:digest]`
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Version or constraint [default: the newest stable version]
    #[arg(long, value_name = "CONSTRAINT")]
    pub version: Option<String>,
    /// Unpack the chart after downloading it
    #[arg(long)]
    pub untar: bool,
    /// Directory to write into
    #[arg(short = 'd', long, value_name = "DIR", default_value = ".")]
    pub destination: PathBuf,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

pub fn pull(args: PullArgs) -> Result<()> {
    let settings = args.remote.settings();
    let chart_ref = resolve::ChartRef::parse(&args.reference)?;
    if let resolve::ChartRef::Local(path) = &chart_ref {
        return Err(Error::with_hint(
            format!(
                "`{}` is neither `repo/name`, a URL nor an `oci://` reference",
                path.display()
            ),
            "see `charts repo list` for the repositories you added",
        ));
    }
    let package = crate::support::block_on(resolve::fetch(
        &chart_ref,
        args.version.as_deref(),
        &settings,
    ))?;
    if args.untar {
        untar(&package, &args.destination)?;
    } else {
        let path = args.destination.join(package.file_name());
        crate::support::fs::write_atomic(&path, &package.bytes, None)
            .map_err(|e| repo::Error::write(&path, e))?;
    }
    let mut text = String::new();
    if let Some(manifest) = &package.manifest_digest {
        text.push_str(&format!(
            "Pulled: {} {}\nDigest: {manifest}\n",
            package.name, package.version
        ));
    } else {
        text.push_str(&format!(
            "Pulled: {} {}\nDigest: {}\n",
            package.name, package.version, package.digest
        ));
    }
    output::note(text.trim_end());
    Ok(())
}

/// Unpacks into `<dest>/<name>/` through a temporary directory, so a failure leaves nothing.
fn untar(package: &resolve::Package, destination: &Path) -> Result<()> {
    let target = destination.join(&package.name);
    if target.exists() {
        return Err(Error::with_hint(
            format!("cannot unpack: `{}` already exists", target.display()),
            "remove it or choose another `-d` directory",
        ));
    }
    let (_top, files) = crate::chart::archive::read_tgz(&package.bytes, &package.file_name())?;
    let staging = destination.join(format!(".{}.{}.partial", package.name, std::process::id()));
    let write = || -> std::io::Result<()> {
        for file in &files {
            let path = staging.join(&file.name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &file.data)?;
        }
        std::fs::rename(&staging, &target)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_dir_all(&staging);
        Error::io(format!("cannot unpack into `{}`", target.display()), e)
    })
}
