//! `charts env down NAME|--branch X`: uninstalls every release of an environment, newest
//! first, the profile last, then deletes its namespace. Never a namespace `charts env` did not
//! make.

use crate::action::environments::teardown::{self, DownSettings, Teardown};
use crate::cli::GlobalArgs;
use crate::cli::install::parse_duration;
use crate::cli::output;
use crate::error::Result;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct DownArgs {
    #[command(flatten)]
    pub target: super::EnvTargetArgs,
    #[command(flatten)]
    pub config: super::EnvConfigArgs,
    /// Wait until the namespace is really gone (it is `Terminating` until emptied)
    #[arg(long)]
    pub wait: bool,
    /// How long `--wait` waits: `90s`, `5m`, `1h`
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
    /// Show what would go, and delete nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Output format: `json` and `yaml` print `{namespace, found, dryRun, skipped, releases,
    /// namespaceDeleted, namespaceGone}` (README "Pipeline conventions")
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
    #[command(flatten)]
    pub notify: crate::cli::notify::NotifyArgs,
}

/// The `-o json` shape of `env down`.
fn json(
    namespace: &str,
    args: &DownArgs,
    found: bool,
    skipped: Option<&str>,
    releases: Vec<String>,
    deleted: Option<bool>,
) -> Result<()> {
    let value = serde_json::json!({
        "namespace": namespace,
        "found": found,
        "dryRun": args.dry_run,
        "skipped": skipped,
        "releases": releases,
        "namespaceDeleted": deleted.is_some(),
        "namespaceGone": deleted.unwrap_or(false),
    });
    output::show(args.output, || Ok(value), || unreachable!("not a table"))
}

pub fn down(global: &GlobalArgs, args: DownArgs) -> Result<()> {
    let settings = args.config.settings(Default::default())?;
    let env = args.target.resolve(&settings)?;
    let namespace = env.namespace.clone();
    // A dry run changes nothing: there is nothing to tell.
    let notice = args.notify.unless(args.dry_run).start(
        crate::notify::Kind::EnvDown,
        global,
        None,
        Some(&namespace),
    )?;
    notice.update(|event| {
        event.environment = Some(crate::notify::EnvRef {
            name: env.name.clone(),
            namespace: namespace.clone(),
            branch: env.branch.clone(),
            commit: None,
        })
    });
    let cluster_settings = global.cluster_settings();
    let result = crate::support::block_on(async {
        let store = SecretStore::connect(&cluster_settings).await?;
        let cluster = store.cluster().clone();
        if args.dry_run {
            let planned = teardown::plan_down(&cluster, &store, &namespace).await?;
            if args.output != output::Format::Table {
                let releases = planned
                    .as_ref()
                    .map(|e| {
                        e.teardown_order()
                            .into_iter()
                            .map(|r| r.name.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                return json(&namespace, &args, planned.is_some(), None, releases, None);
            }
            let Some(environment) = planned else {
                output::note(&format!(
                    "namespace `{namespace}` does not exist: nothing to do"
                ));
                return Ok(());
            };
            let mut text = String::new();
            for release in environment.teardown_order() {
                text.push_str(&format!(
                    "would uninstall release `{}` (revision {}, {})\n",
                    release.name, release.revision, release.status
                ));
            }
            text.push_str(&format!("would delete namespace `{namespace}`\n"));
            return output::print(&text);
        }
        let settings = DownSettings {
            namespace: namespace.clone(),
            wait: args.wait.then_some(args.timeout),
        };
        let spinner = output::Spinner::start();
        let outcome = teardown::down(&cluster, &store, &settings).await;
        drop(spinner);
        let outcome = outcome?;
        notice.update(|event| {
            event.description = Some(match &outcome {
                None => "namespace does not exist: nothing to do".to_string(),
                Some(Teardown::Skipped(why)) => format!("left alone: {why}"),
                Some(Teardown::Removed { releases, gone }) => format!(
                    "{} uninstalled, namespace {}",
                    output::count(releases.len(), "release"),
                    if *gone { "deleted" } else { "terminating" }
                ),
            })
        });
        if args.output != output::Format::Table {
            return match outcome {
                None => json(&namespace, &args, false, None, Vec::new(), None),
                Some(Teardown::Skipped(why)) => {
                    json(&namespace, &args, true, Some(&why), Vec::new(), None)
                }
                Some(Teardown::Removed { releases, gone }) => {
                    json(&namespace, &args, true, None, releases, Some(gone))
                }
            };
        }
        match outcome {
            None => {
                output::note(&format!(
                    "namespace `{namespace}` does not exist: nothing to do"
                ));
                Ok(())
            }
            Some(Teardown::Skipped(why)) => {
                output::note(&format!("left environment `{namespace}` alone: {why}"));
                Ok(())
            }
            Some(Teardown::Removed { releases, gone }) => {
                for release in &releases {
                    output::note(&format!("uninstalled release `{release}`"));
                }
                let state = if gone { "deleted" } else { "terminating" };
                output::print(&format!(
                    "environment `{namespace}` torn down ({} uninstalled, namespace {state})\n",
                    output::count(releases.len(), "release")
                ))
            }
        }
    });
    notice.finish(result)
}
