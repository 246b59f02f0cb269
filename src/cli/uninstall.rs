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
    #[command(flatten)]
    pub notify: crate::cli::notify::NotifyArgs,
}

pub fn uninstall(global: &GlobalArgs, args: UninstallArgs) -> Result<()> {
    // A dry run changes nothing: there is nothing to tell.
    let notify = args.notify.unless(args.dry_run);
    notify.targets()?;
    let mut results = Vec::new();
    crate::support::block_on(async {
        let cluster = crate::cluster::connect(&global.cluster_settings()).await?;
        let store = SecretStore::new(cluster.clone());
        for name in &args.names {
            let notice = notify.start(
                crate::notify::Kind::Uninstall,
                global,
                Some(name),
                Some(&cluster.namespace),
            )?;
            let result = uninstall_one(&cluster, &store, &args, name, &notice).await;
            results.extend(notice.finish_async(result).await?);
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

/// Uninstalls one release and prints what happened; for `-o json|yaml`, returns its object.
async fn uninstall_one(
    cluster: &crate::cluster::Cluster,
    store: &SecretStore,
    args: &UninstallArgs,
    name: &str,
    notice: &crate::notify::Notice,
) -> Result<Option<serde_json::Value>> {
    if notice.is_active() {
        // The event names the revision that goes, read before it goes; a release that cannot
        // be read is for the uninstall itself to report.
        if let Ok(latest) = latest_record(store, &cluster.namespace, name).await {
            notice.record(&latest);
        }
    }
    let settings = UninstallSettings {
        release: name.to_string(),
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
    let outcome = action::uninstall(cluster, store, &settings).await;
    drop(spinner);
    let outcome = outcome?;
    notice.update(|event| {
        if outcome.found {
            event.status = Some(crate::release::Status::Uninstalled.as_str().to_string());
            event.description = Some(format!(
                "Uninstalled: {} deleted",
                output::count(outcome.deleted.deleted.len(), "object")
            ));
        } else {
            event.description = Some("not found: nothing to do".to_string());
        }
    });
    if args.output != output::Format::Table {
        return Ok(Some(json(name, &cluster.namespace, args, &outcome)));
    }
    if !outcome.found {
        output::note(&format!(
            "release `{name}` not found in namespace `{}`: nothing to do",
            cluster.namespace
        ));
        return Ok(None);
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
        return Ok(None);
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
    Ok(None)
}

/// The newest revision of release `name`.
async fn latest_record(
    store: &SecretStore,
    namespace: &str,
    name: &str,
) -> Result<crate::release::Release> {
    use crate::release::store::Store as _;
    let history = store.history(namespace, name).await?;
    let latest = history.last().map(|r| r.revision).unwrap_or_default();
    Ok(store.get(namespace, name, latest).await?)
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
