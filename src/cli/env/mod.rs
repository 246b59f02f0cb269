//! `charts env`: environments, namespaces made on demand for branches and builds. One file per
//! subcommand; the flags every subcommand shares (which environment, which configuration) live
//! here.

pub mod down;
pub mod gc;
pub mod list;
pub mod name;
pub mod pool;
pub mod up;

use crate::cli::GlobalArgs;
use crate::env::EnvName;
use crate::env::config::{Config, EnvSettings, Overrides};
use crate::env::ttl::Ttl;
use crate::error::{Error, Result};

#[derive(Debug, clap::Subcommand)]
pub enum EnvCommand {
    /// Print the environment name and namespace a branch or name maps to
    Name(name::NameArgs),
    /// Create an environment or renew it (safe on every push), and apply its profile
    Up(up::UpArgs),
    /// List environments and pools: releases, last deploy, age, expiry, state, who holds what
    #[command(alias = "ls")]
    List(list::ListArgs),
    /// Tear an environment down: uninstall its releases (newest first), delete its namespace
    Down(down::DownArgs),
    /// Tear down expired environments (and, with `--branches`, those whose branch is gone)
    Gc(gc::GcArgs),
    /// Manage pools of namespaces that pipelines claim
    #[command(subcommand)]
    Pool(pool::PoolCommand),
    /// Take a free namespace of a pool for a build, and print it
    Claim(pool::ClaimArgs),
    /// Empty a claimed pool namespace (all but its profile) and give it back to the pool
    Release(pool::ReleaseArgs),
}

/// Runs one `charts env` subcommand.
pub fn env(global: &GlobalArgs, command: EnvCommand) -> Result<()> {
    match command {
        EnvCommand::Name(args) => name::name(global, args),
        EnvCommand::Up(args) => up::up(global, args),
        EnvCommand::List(args) => list::list(global, args),
        EnvCommand::Down(args) => down::down(global, args),
        EnvCommand::Gc(args) => gc::gc(global, args),
        EnvCommand::Pool(command) => pool::pool(global, command),
        EnvCommand::Claim(args) => pool::claim(global, args),
        EnvCommand::Release(args) => pool::release(global, args),
    }
}

/// Which environment: `NAME`, or `--branch X` mapped to one.
#[derive(Debug, Clone, clap::Args)]
pub struct EnvTargetArgs {
    /// The environment name (lowercase letters, digits and `-`, starting with a letter)
    #[arg(value_name = "NAME", conflicts_with = "branch")]
    pub name: Option<String>,
    /// A branch, mapped to an environment name: lowercased, other characters to `-`, and a
    /// hash of the branch appended when anything was changed or cut
    #[arg(long, value_name = "BRANCH")]
    pub branch: Option<String>,
}

impl EnvTargetArgs {
    /// The environment named, under the settings' prefix; a usage error when none is.
    pub fn resolve(&self, settings: &EnvSettings) -> Result<EnvName> {
        resolve_target(self.name.as_deref(), self.branch.as_deref(), settings)
    }
}

/// `NAME` or `--branch` (exactly one of them) to an environment.
pub fn resolve_target(
    name: Option<&str>,
    branch: Option<&str>,
    settings: &EnvSettings,
) -> Result<EnvName> {
    match (name, branch) {
        (Some(name), None) => Ok(crate::env::name::from_name(name, &settings.prefix)?),
        (None, Some(branch)) => Ok(crate::env::name::from_branch(branch, &settings.prefix)?),
        (Some(_), Some(_)) => Err(Error::Usage(
            "give the environment as `NAME` or `--branch`, not both".into(),
        )),
        (None, None) => Err(Error::Usage(
            "which environment? give `NAME` or `--branch BRANCH`".into(),
        )),
    }
}

/// The configuration flags every `charts env` subcommand (and `--env` on deploys) accepts:
/// flags over `CHARTS_*` variables over `charts.yaml`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EnvConfigArgs {
    /// Namespace prefix, e.g. `shop-` [default: `env.prefix` of charts.yaml, else none]
    #[arg(long, value_name = "PREFIX", env = "CHARTS_ENV_PREFIX")]
    pub prefix: Option<String>,
}

/// Settings the subcommands resolve before any work runs.
impl EnvConfigArgs {
    /// Reads the configuration (from the current directory up) and lays these flags and the
    /// other overrides over it.
    pub fn settings(&self, more: Overrides) -> Result<EnvSettings> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::io("cannot read the current directory", e))?;
        let config = Config::discover(&cwd)?;
        if let Some(prefix) = &self.prefix {
            crate::env::name::check_prefix(prefix)?;
        }
        Ok(config.resolve(
            Overrides {
                prefix: self.prefix.clone().or(more.prefix),
                ..more
            },
            &cwd,
        ))
    }
}

/// `--ttl`'s parser, for clap.
pub fn parse_ttl(text: &str) -> std::result::Result<Ttl, String> {
    text.parse()
}
