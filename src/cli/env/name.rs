//! `charts env name [NAME|--branch X]`: the environment name and namespace, for pipelines that
//! need them before deploying. Nothing is asked of the cluster.

use crate::cli::GlobalArgs;
use crate::cli::env::{EnvConfigArgs, EnvTargetArgs};
use crate::cli::output::{self, Format};
use crate::env::config::Overrides;
use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct NameArgs {
    #[command(flatten)]
    pub target: EnvTargetArgs,
    #[command(flatten)]
    pub config: EnvConfigArgs,
    /// Output format: `table` prints the environment name only (`json` adds the namespace)
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: Format,
}

pub fn name(_global: &GlobalArgs, args: NameArgs) -> Result<()> {
    let settings = args.config.settings(Overrides::default())?;
    let env = args.target.resolve(&settings)?;
    output::show(
        args.output,
        || Ok(serde_json::to_value(&env).unwrap_or_default()),
        || Ok(format!("{}\n", env.name)),
    )
}
