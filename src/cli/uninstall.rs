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
    #[arg(long)]
    pub wait: bool,
    /// How long `--wait` waits, and each hook may take: `90s`, `5m`, `1h`
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
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
}

pub fn uninstall(global: &GlobalArgs, args: UninstallArgs) -> Result<()> {
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
        Ok(())
    })
}
