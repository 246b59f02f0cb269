//! `charts push PACKAGE.tgz oci://host/path`: upload a chart package to an OCI registry.

use std::path::PathBuf;

use crate::cli::output;
use crate::cli::repo::RemoteArgs;
use crate::error::{Error, Result};
use crate::repo::oci;

#[derive(Debug, clap::Args)]
pub struct PushArgs {
    /// The chart package made by `charts package`
    #[arg(value_name = "PACKAGE")]
    pub package: PathBuf,
    /// The registry path to push under: `oci://host/path` (the chart name is appended)
    #[arg(value_name = "REMOTE")]
    pub remote: String,
    #[command(flatten)]
    pub remote_args: RemoteArgs,
}

pub fn push(args: PushArgs) -> Result<()> {
    let settings = args.remote_args.settings();
    let bytes = std::fs::read(&args.package)
        .map_err(|e| Error::io(format!("cannot read `{}`", args.package.display()), e))?;
    let chart = crate::chart::load_archive_bytes(&bytes, &args.package.display().to_string())?;
    let remote = args.remote.trim_end_matches('/');
    // The remote is a namespace; parse it as if it named a chart to validate host and path.
    let reference = oci::Reference::parse(&format!("{remote}/{}", chart.name()))?;
    if reference.tag.is_some() || reference.digest.is_some() {
        return Err(Error::Usage(format!(
            "`{}` must not carry a tag or digest: the chart version is the tag",
            args.remote
        )));
    }
    let client = oci::Client::new(&settings, &reference.registry)?;
    let (tag, digest) =
        crate::support::block_on(client.push(&reference.repository, &bytes, &chart.metadata))?;
    output::print(&format!(
        "Pushed: {}/{}:{tag}\nDigest: {digest}\n",
        reference.registry, reference.repository
    ))
}
