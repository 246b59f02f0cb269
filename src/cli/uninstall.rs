//! `charts uninstall NAME...`: delete a release's objects in reverse install order, then its
//! history (or mark it uninstalled with `--keep-history`).

use crate::action::uninstall::{self as action, UninstallSettings};
use crate::cli::GlobalArgs;
use crate::cli::install::parse_duration;
use crate::cli::output;
use crate::error::Result;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// The releases to uninstall
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
    /// Keep the release's history, marked `uninstalled` (a later install continues its numbering)
    #[arg(long)]
    pub keep_history: bool,
    /// Show what would be deleted, and delete nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Succeed when a release does not exist
    #[arg(long)]
    pub ignore_not_found: bool,
    /// Wait until the deleted objects are gone
    #[arg(long, env = "CHARTS_WAIT", value_parser = clap::builder::BoolishValueParser::new())]
    pub wait: bool,
    /// How long `--wait` waits, and each hook may take: `90s`, `5m`, `1h`
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration, env = "CHARTS_TIMEOUT")]
    pub timeout: std::time::Duration,
    /// Do not run the release's pre-delete and post-delete hooks
    #[arg(long)]
    pub no_hooks: bool,
    /// Also delete the namespace, if this release created it (`--create-namespace`) and nothing
    /// else lives there
    #[arg(long)]
    pub delete_namespace: bool,
    /// Description recorded with `--keep-history`
    #[arg(long)]
    pub description: Option<String>,
    /// Output format: `json` and `yaml` print one object per release (README "Pipeline
    /// conventions")
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

pub fn uninstall(global: &GlobalArgs, args: UninstallArgs) -> Result<()> {
    let mut results = Vec::new();
    crate::support::block_on(async {
        let cluster = crate::cluster::connect(&global.cluster_settings()).await?;
        let store = SecretStore::new(cluster.clone());
        for name in &args.names {
            let settings = UninstallSettings {
                release: name.clone(),
                keep_history: args.keep_history,
                dry_run: args.dry_run,
                ignore_not_found: args.ignore_not_found,
                wait: args.wait.then_some(args.timeout),
                delete_namespace: args.delete_namespace,
                description: args.description.clone(),
                progress: None,
                no_hooks: args.no_hooks,
                timeout: Some(args.timeout),
            };
            let spinner = output::Spinner::start();
            let settings = UninstallSettings {
                progress: spinner.progress(),
                ..settings
            };
            let outcome = action::uninstall(&cluster, &store, &settings).await;
            drop(spinner);
            let outcome = outcome?;
            if args.output != output::Format::Table {
                results.push(json(name, &cluster.namespace, &args, &outcome));
                continue;
            }
            if !outcome.found {
                output::note(&format!(
                    "release `{name}` not found in namespace `{}`: nothing to do",
                    cluster.namespace
                ));
                continue;
            }
            let report = &outcome.deleted;
            if args.dry_run {
                let mut text = String::new();
                for key in &report.deleted {
                    text.push_str(&format!("would delete {key}\n"));
                }
                for key in &report.kept {
                    text.push_str(&format!("would keep {key} (resource-policy: keep)\n"));
                }
                for key in &report.not_ours {
                    text.push_str(&format!(
                        "would leave {key} (it no longer belongs to this release)\n"
                    ));
                }
                output::print(&text)?;
                continue;
            }
            for key in &report.kept {
                output::note(&format!("kept {key} (resource-policy: keep)"));
            }
            for key in &report.not_ours {
                output::note(&format!(
                    "left {key}: it no longer belongs to release `{name}`"
                ));
            }
            if let Some(note) = &outcome.namespace_note {
                output::note(note);
            }
            if outcome.namespace_deleted {
                output::note(&format!("deleted namespace `{}`", cluster.namespace));
            }
            output::print(&format!(
                "release \"{name}\" uninstalled ({} deleted)\n",
                output::count(report.deleted.len(), "object")
            ))?;
        }
        Ok::<(), crate::error::Error>(())
    })?;
    if args.output == output::Format::Table {
        return Ok(());
    }
    output::show(
        args.output,
        || Ok(serde_json::Value::Array(results)),
        || unreachable!("the table was printed per release"),
    )
}

/// One release's outcome for `-o json`: `{name, namespace, found, dryRun, keptHistory,
/// deleted, kept, left, namespaceDeleted}`, objects as `{kind, namespace, name}`.
fn json(
    name: &str,
    namespace: &str,
    args: &UninstallArgs,
    outcome: &action::UninstallOutcome,
) -> serde_json::Value {
    let keys = |keys: &[crate::cluster::apply::ObjectKey]| -> Vec<serde_json::Value> {
        keys.iter()
            .map(|k| {
                serde_json::json!({
                    "kind": k.kind,
                    "namespace": k.namespace,
                    "name": k.name,
                })
            })
            .collect()
    };
    let report = &outcome.deleted;
    serde_json::json!({
        "name": name,
        "namespace": namespace,
        "found": outcome.found,
        "dryRun": args.dry_run,
        "keptHistory": args.keep_history && outcome.found,
        "deleted": keys(&report.deleted),
        "kept": keys(&report.kept),
        "left": keys(&report.not_ours),
        "namespaceDeleted": outcome.namespace_deleted,
    })
}
