//! `charts env up [NAME|--branch X]`: create the environment or renew it (safe on every push),
//! and (re)apply its profile. Prints the namespace; `-o json` gives everything a pipeline needs.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::action::env::{self, UpOutcome, UpSettings};
use crate::cli::GlobalArgs;
use crate::cli::env::{EnvConfigArgs, EnvTargetArgs, parse_ttl};
use crate::cli::output::{self, Format};
use crate::env::config::{EnvSettings, Overrides};
use crate::env::ttl::Ttl;
use crate::error::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct UpArgs {
    #[command(flatten)]
    pub target: EnvTargetArgs,
    /// The commit being deployed, recorded on the namespace
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// A label for the namespace (repeat, or separate with commas)
    #[arg(long = "label", value_name = "KEY=VALUE", value_delimiter = ',')]
    pub labels: Vec<String>,
    /// An annotation for the namespace (repeatable)
    #[arg(long = "annotation", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// Keep the environment: `env gc` never removes it (until the `charts.dev/keep`
    /// annotation is removed)
    #[arg(long)]
    pub keep: bool,
    #[command(flatten)]
    pub config: EnvConfigArgs,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: Format,
    #[command(flatten)]
    pub notify: crate::cli::notify::NotifyArgs,
}

/// Expiry and profile flags, shared with `install`/`upgrade --env`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ProfileArgs {
    /// Time to live from now: `3d`, `12h`, `1w`; `0` never expires [default: `env.ttl` of
    /// charts.yaml, else 7d]
    #[arg(long, value_name = "TTL", env = "CHARTS_ENV_TTL", value_parser = parse_ttl)]
    pub ttl: Option<Ttl>,
    /// The profile to apply [default: `env.profile` of charts.yaml, else `default` if the
    /// profiles file has one]
    #[arg(long, value_name = "NAME", env = "CHARTS_ENV_PROFILE")]
    pub profile: Option<String>,
    /// The profiles file [default: `env.profiles` of charts.yaml, else charts-profiles.yaml]
    #[arg(long, value_name = "FILE", env = "CHARTS_PROFILES")]
    pub profiles: Option<PathBuf>,
}

impl ProfileArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            ttl: self.ttl,
            profiles: self.profiles.clone(),
            profile: self.profile.clone(),
            ..Overrides::default()
        }
    }
}

/// The profile the settings name (a named profiles file must exist), if any.
pub fn profile_of(settings: &EnvSettings) -> Result<Option<crate::env::profile::ResolvedProfile>> {
    if settings.profiles_named
        && let Some(path) = &settings.profiles
        && !path.is_file()
    {
        return Err(Error::message(format!(
            "profiles file `{}` does not exist",
            path.display()
        )));
    }
    Ok(crate::env::profile::resolve(
        settings.profiles.as_deref(),
        settings.profile.as_deref(),
    )?)
}

/// The settings of `env up` (and of the environment a deploy goes into).
pub fn up_settings(
    settings: &EnvSettings,
    env: crate::env::EnvName,
    commit: Option<String>,
) -> Result<UpSettings> {
    let profile = profile_of(settings)?;
    Ok(UpSettings {
        env,
        commit,
        ttl: settings.ttl,
        profile,
        labels: BTreeMap::new(),
        annotations: BTreeMap::new(),
        keep: false,
    })
}

fn pairs(flag: &str, items: &[String]) -> Result<BTreeMap<String, String>> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((key, value)) if !key.is_empty() => {
                if key.starts_with("charts.dev/") || key == crate::env::MANAGED_BY_LABEL {
                    return Err(Error::Usage(format!(
                        "{flag} `{key}` is reserved: charts sets it"
                    )));
                }
                Ok((key.to_string(), value.to_string()))
            }
            _ => Err(Error::Usage(format!(
                "invalid {flag} `{}`: expected KEY=VALUE",
                crate::error::quoted(item)
            ))),
        })
        .collect()
}

pub fn up(global: &GlobalArgs, args: UpArgs) -> Result<()> {
    let settings = args.config.settings(args.profile.overrides())?;
    let env = args.target.resolve(&settings)?;
    let mut up = up_settings(&settings, env, args.commit.clone())?;
    up.labels = pairs("--label", &args.labels)?;
    up.annotations = pairs("--annotation", &args.annotations)?;
    up.keep = args.keep;
    let notice = args.notify.start(
        crate::notify::Kind::EnvUp,
        global,
        None,
        Some(&up.env.namespace),
    )?;
    notice.update(|event| {
        event.environment = Some(crate::notify::EnvRef {
            name: up.env.name.clone(),
            namespace: up.env.namespace.clone(),
            branch: up.env.branch.clone(),
            commit: up.commit.clone(),
        })
    });
    let spinner = output::Spinner::start();
    let outcome = crate::support::block_on(async {
        let cluster = crate::cluster::connect(&global.cluster_settings()).await?;
        env::up(&cluster, &up).await
    });
    drop(spinner);
    let outcome = notice.finish(outcome.inspect(|outcome| {
        notice.update(|event| {
            event.description = Some(summary(outcome));
            event.revision = outcome.profile_revision;
            event.labels = outcome.labels.clone().into_iter().collect();
        })
    }))?;
    output::note(&summary(&outcome));
    output::show(
        args.output,
        || Ok(serde_json::to_value(&outcome).unwrap_or_default()),
        || Ok(format!("{}\n", outcome.namespace)),
    )
}

fn summary(outcome: &UpOutcome) -> String {
    let mut line = format!(
        "{} environment `{}` (namespace `{}`), {}",
        if outcome.created {
            "created"
        } else {
            "renewed"
        },
        outcome.name,
        outcome.namespace,
        match &outcome.expires_at {
            Some(at) => format!("expires {at}"),
            None => "never expires".to_string(),
        }
    );
    if let Some(profile) = &outcome.profile {
        line.push_str(&format!(
            "; profile `{profile}`: {}",
            output::count(outcome.profile_objects, "object")
        ));
        if !outcome.secrets.is_empty() {
            line.push_str(&format!(
                ", {} copied",
                output::count(outcome.secrets.len(), "secret")
            ));
        }
    }
    line
}
