//! `charts adopt helm RELEASE`: take over a release that Helm manages, in place (see
//! `action::adopt`).

use crate::action::adopt::marks::MarkState;
use crate::action::adopt::{self as action, AdoptOutcome, AdoptSettings};
use crate::cli::GlobalArgs;
use crate::cli::output;
use crate::error::Result;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Subcommand)]
pub enum AdoptCommand {
    /// Take over a Helm release in place: import its whole history as charts records, move
    /// its objects' ownership marks to charts (metadata only: nothing restarts), then delete
    /// Helm's records. Running it again resumes an interrupted adoption; once done, it is a
    /// no-op
    Helm(AdoptHelmArgs),
}

#[derive(Debug, clap::Args)]
pub struct AdoptHelmArgs {
    /// The Helm release (`helm list` name) in the namespace given by `-n`
    #[arg(value_name = "RELEASE")]
    pub release: String,
    /// Show what adoption would do (revisions to import, objects whose marks change, Helm
    /// records to delete), and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Leave Helm's release records in place (Helm still lists the release; its objects are
    /// ours all the same)
    #[arg(long)]
    pub keep_helm_records: bool,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

pub fn adopt(global: &GlobalArgs, command: AdoptCommand) -> Result<()> {
    let AdoptCommand::Helm(args) = command;
    let outcome = crate::support::block_on(async {
        let cluster = crate::cluster::connect(&global.cluster_settings()).await?;
        let store = SecretStore::new(cluster.clone());
        let spinner = output::Spinner::start();
        let settings = AdoptSettings {
            release: args.release.clone(),
            dry_run: args.dry_run,
            keep_helm_records: args.keep_helm_records,
            progress: spinner.progress(),
        };
        let outcome = action::adopt(&cluster, &store, &settings).await;
        drop(spinner);
        outcome
    })?;
    output::show(
        args.output,
        || Ok(serde_json::to_value(&outcome).unwrap_or_default()),
        || Ok(text(&outcome)),
    )
}

fn text(outcome: &AdoptOutcome) -> String {
    let (name, namespace) = (&outcome.release, &outcome.namespace);
    if outcome.already_adopted {
        return format!(
            "release \"{name}\" in namespace \"{namespace}\" is already adopted: nothing to do\n"
        );
    }
    let mut text = String::new();
    if outcome.dry_run {
        for revision in &outcome.revisions {
            let verb = if revision.import {
                "would import"
            } else {
                "already imported"
            };
            text.push_str(&format!(
                "{verb} revision {} ({}, {}): {}\n",
                revision.revision, revision.status, revision.chart, revision.description
            ));
        }
        for object in &outcome.objects {
            let line = match object.state {
                MarkState::Move => "would move the ownership marks of",
                MarkState::Ours => "already ours:",
                MarkState::Missing => "missing from the cluster (the next upgrade creates it):",
            };
            text.push_str(&format!("{line} {}\n", object.key));
        }
        for record in &outcome.helm_records {
            let verb = if record.delete {
                "would delete"
            } else {
                "would keep"
            };
            text.push_str(&format!(
                "{verb} Helm record {} `{}`\n",
                record.storage, record.name
            ));
        }
        return text;
    }
    for object in &outcome.objects {
        if object.state == MarkState::Missing {
            output::note(&format!(
                "{} is not in the cluster: the next upgrade or rollback creates it",
                object.key
            ));
        }
    }
    let kept = outcome.helm_records.len() - outcome.deleted();
    let records = if kept > 0 {
        format!(
            "{} kept (--keep-helm-records)",
            output::count(kept, "Helm record")
        )
    } else {
        format!(
            "{} deleted",
            output::count(outcome.deleted(), "Helm record")
        )
    };
    text.push_str(&format!(
        "adopted Helm release \"{name}\" in namespace \"{namespace}\": {} imported, {} moved to charts, {records}\n",
        output::count(outcome.imported(), "revision"),
        output::count(outcome.moved(), "object"),
    ));
    text
}

/// `charts list --helm`: the Helm releases that could be adopted, newest revision of each, from
/// their records' labels; only each newest record is decoded, for its chart.
pub fn list_helm(global: &GlobalArgs, args: &crate::cli::list::ListArgs) -> Result<()> {
    let cluster_settings = global.cluster_settings();
    let releases = crate::support::block_on(async {
        let cluster = crate::cluster::connect(&cluster_settings).await?;
        let namespace = (!args.all_namespaces).then(|| cluster.namespace.clone());
        let records = crate::helm::storage::list(&cluster, namespace.as_deref(), None).await?;
        let mut releases = Vec::new();
        for record in crate::helm::storage::latest_of_each(&records) {
            let (chart, app_version) = match crate::helm::storage::get(&cluster, record).await {
                Ok(helm) => (
                    format!(
                        "{}-{}",
                        helm.chart_field("name"),
                        helm.chart_field("version")
                    ),
                    helm.chart_field("appVersion").to_string(),
                ),
                Err(error) => {
                    output::note(&format!("warning: {error}"));
                    (String::new(), String::new())
                }
            };
            releases.push((record.clone(), chart, app_version));
        }
        Ok::<_, crate::error::Error>(releases)
    })?;
    if args.short {
        let names: String = releases.iter().map(|r| format!("{}\n", r.0.name)).collect();
        return output::print(&names);
    }
    output::show(
        args.output,
        || {
            Ok(releases
                .iter()
                .map(|(r, chart, app_version)| {
                    serde_json::json!({
                        "name": r.name,
                        "namespace": r.namespace,
                        "revision": r.revision,
                        "updated": r.updated,
                        "status": r.status,
                        "chart": chart,
                        "app_version": app_version,
                        "storage": r.storage,
                    })
                })
                .collect())
        },
        || {
            let rows = releases
                .iter()
                .map(|(r, chart, app_version)| {
                    vec![
                        r.name.clone(),
                        r.namespace.clone(),
                        r.revision.to_string(),
                        r.updated.clone(),
                        r.status.clone(),
                        chart.clone(),
                        app_version.clone(),
                        r.storage.to_string(),
                    ]
                })
                .collect();
            let headers = [
                "NAME",
                "NAMESPACE",
                "REVISION",
                "UPDATED",
                "STATUS",
                "CHART",
                "APP VERSION",
                "STORAGE",
            ];
            let text = output::table(&headers, rows);
            Ok(if args.no_headers {
                output::rows_only(text)
            } else {
                text
            })
        },
    )
}
