//! Pools: `charts env pool create NAME --size N` (an administrator, once), `charts env claim
//! --pool NAME --branch X` (a pipeline that may not create namespaces) and `charts env release
//! NAMESPACE` (the pipeline, when done).

use crate::action::environments::pool::{self, ClaimSettings, PoolSettings};
use crate::cli::GlobalArgs;
use crate::cli::output;
use crate::error::{Error, Result};
use crate::release::store::SecretStore;

#[derive(Debug, clap::Subcommand)]
pub enum PoolCommand {
    /// Create (or grow) a pool of namespaces that pipelines claim: `<prefix><pool>-1..N`
    Create(PoolCreateArgs),
}

#[derive(Debug, clap::Args)]
pub struct PoolCreateArgs {
    /// The pool's name
    pub name: String,
    /// How many namespaces it holds (re-running with a larger size grows it; it never shrinks)
    #[arg(long, value_name = "N")]
    pub size: usize,
    /// The profile every namespace of the pool gets (re-applied on every run) [default:
    /// `env.profile` of charts.yaml, else `default` if the profiles file has one]
    #[arg(long, value_name = "NAME", env = "CHARTS_ENV_PROFILE")]
    pub profile: Option<String>,
    /// The profiles file [default: `env.profiles` of charts.yaml, else charts-profiles.yaml]
    #[arg(long, value_name = "FILE", env = "CHARTS_PROFILES")]
    pub profiles: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub config: super::EnvConfigArgs,
}

#[derive(Debug, clap::Args)]
pub struct ClaimArgs {
    /// The pool to take a namespace from [default: `env.pool` of charts.yaml]
    #[arg(long, value_name = "POOL")]
    pub pool: Option<String>,
    /// The branch the build is for
    #[arg(long, value_name = "BRANCH")]
    pub branch: String,
    /// The commit the build is for
    #[arg(long, value_name = "COMMIT")]
    pub commit: Option<String>,
    /// How long the claim holds before the next pipeline may take the namespace over: `2h`,
    /// `3d`; `0` never expires [default: `env.ttl` of charts.yaml]
    #[arg(long, value_name = "DURATION", value_parser = super::parse_ttl)]
    pub ttl: Option<crate::env::ttl::Ttl>,
    #[command(flatten)]
    pub config: super::EnvConfigArgs,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

#[derive(Debug, clap::Args)]
pub struct ReleaseArgs {
    /// The claimed pool namespace to give back
    pub namespace: String,
}

pub fn pool(global: &GlobalArgs, command: PoolCommand) -> Result<()> {
    let PoolCommand::Create(args) = command;
    let settings = args.config.settings(crate::env::config::Overrides {
        profiles: args.profiles.clone(),
        profile: args.profile.clone(),
        ..Default::default()
    })?;
    let profile = crate::cli::env::up::profile_of(&settings)?;
    let prefix = settings.prefix;
    if args.size == 0 {
        return Err(Error::Usage("`--size` must be at least 1".into()));
    }
    let last = format!("{}{}-{}", prefix, args.name, args.size);
    if !crate::names::is_label(&last) {
        return Err(Error::Usage(format!(
            "pool `{}` would have namespaces such as `{last}`, which is not a valid namespace name (lowercase letters, digits and `-`, at most 63 characters)",
            args.name
        )));
    }
    let cluster_settings = global.cluster_settings();
    let report = crate::support::block_on(async {
        let cluster = crate::cluster::connect(&cluster_settings).await?;
        let settings = PoolSettings {
            pool: args.name.clone(),
            prefix: prefix.clone(),
            size: args.size,
            profile: profile.clone(),
            created_by: crate::action::env::who_am_i(&cluster).await,
        };
        pool::create(&cluster, &settings).await
    })?;
    for name in &report.beyond {
        output::note(&format!(
            "kept `{name}`: the pool is larger than {} (`create` never shrinks a pool)",
            args.size
        ));
    }
    let mut text = String::new();
    for name in &report.created {
        text.push_str(&format!("created {name}\n"));
    }
    for name in &report.existing {
        text.push_str(&format!("exists  {name}\n"));
    }
    if let Some(profile) = &profile {
        text.push_str(&format!(
            "profile `{}` applied to {}\n",
            profile.name,
            output::count(report.profiled, "namespace")
        ));
    }
    text.push_str(&format!(
        "pool `{}`: {} ({} new)\n",
        args.name,
        output::count(
            report.created.len() + report.existing.len() + report.beyond.len(),
            "namespace"
        ),
        report.created.len()
    ));
    output::print(&text)
}

pub fn claim(global: &GlobalArgs, args: ClaimArgs) -> Result<()> {
    let config = args.config.settings(Default::default())?;
    let pool_name = args.pool.clone().or(config.pool.clone()).ok_or_else(|| {
        Error::Usage("which pool? give `--pool NAME` (or `env.pool` in charts.yaml)".into())
    })?;
    let ttl = match args.ttl.unwrap_or(config.ttl) {
        crate::env::ttl::Ttl::Never => None,
        crate::env::ttl::Ttl::Seconds(seconds) => Some(jiff::SignedDuration::from_secs(seconds)),
    };
    let cluster_settings = global.cluster_settings();
    let claimed = crate::support::block_on(async {
        let store = SecretStore::connect(&cluster_settings).await?;
        let cluster = store.cluster().clone();
        let settings = ClaimSettings {
            pool: pool_name.clone(),
            branch: args.branch.clone(),
            commit: args.commit.clone(),
            ttl,
            claimed_by: crate::action::env::who_am_i(&cluster).await,
        };
        pool::claim(&cluster, &store, &settings).await
    })?;
    if let Some(previous) = &claimed.took_over {
        output::note(&format!(
            "took over `{}` from an expired claim by {previous}, emptied first",
            claimed.environment.namespace
        ));
    }
    let now = crate::support::clock::now();
    output::show(
        args.output,
        || Ok(super::list::environment_json(&claimed.environment, now)),
        || Ok(format!("{}\n", claimed.environment.namespace)),
    )
}

pub fn release(global: &GlobalArgs, args: ReleaseArgs) -> Result<()> {
    let cluster_settings = global.cluster_settings();
    let released = crate::support::block_on(async {
        let store = SecretStore::connect(&cluster_settings).await?;
        pool::release(store.cluster(), &store, &args.namespace).await
    })?;
    for release in &released.releases {
        output::note(&format!("uninstalled release `{release}`"));
    }
    for object in &released.leftovers {
        output::note(&format!("deleted leftover {object}"));
    }
    let state = if released.was_claimed {
        "returned to its pool"
    } else {
        "was not claimed; emptied anyway"
    };
    output::print(&format!(
        "namespace `{}` {state} ({} uninstalled, {} deleted)\n",
        args.namespace,
        output::count(released.releases.len(), "release"),
        output::count(released.leftovers.len(), "leftover object")
    ))
}
