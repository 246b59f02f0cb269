//! `charts history NAME`: every stored revision of a release, from one metadata-only LIST.

use crate::action::records;
use crate::cli::GlobalArgs;
use crate::cli::output;
use crate::cli::output::table;
use crate::error::Result;
use crate::release::ReleaseSummary;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The release
    pub name: String,
    /// Show at most this many revisions, the newest ones (0: all)
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max: usize,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

pub fn history(global: &GlobalArgs, args: HistoryArgs) -> Result<()> {
    let name = records::checked_name(&args.name)?;
    let cluster_settings = global.cluster_settings();
    let revisions = crate::support::block_on(async {
        let store = SecretStore::connect(&cluster_settings).await?;
        let namespace = store.cluster().namespace.clone();
        records::history(&store, &namespace, name, args.max).await
    })?;
    output::show(
        args.output,
        || Ok(json(&revisions)),
        || {
            // Where promoted revisions came from, in a last column when there are any.
            let promoted = revisions.iter().any(|r| r.inventory.provenance.is_some());
            let rows = revisions
                .iter()
                .map(|r| {
                    let mut row = vec![
                        r.revision.to_string(),
                        r.updated.clone(),
                        r.status.to_string(),
                        r.chart.clone(),
                        r.app_version.clone(),
                        r.description.clone(),
                    ];
                    if promoted {
                        row.push(
                            r.inventory
                                .provenance
                                .as_ref()
                                .map(crate::cli::promote::provenance_text)
                                .unwrap_or_default(),
                        );
                    }
                    row
                })
                .collect();
            let mut headers = vec![
                "REVISION",
                "UPDATED",
                "STATUS",
                "CHART",
                "APP VERSION",
                "DESCRIPTION",
            ];
            if promoted {
                headers.push("PROVENANCE");
            }
            Ok(table(&headers, rows))
        },
    )
}

/// One object per revision, Helm's field names, plus labels.
fn json(revisions: &[ReleaseSummary]) -> serde_json::Value {
    revisions
        .iter()
        .map(|r| {
            serde_json::json!({
                "revision": r.revision,
                "updated": r.updated,
                "status": r.status,
                "chart": r.chart,
                "app_version": r.app_version,
                "description": r.description,
                "labels": r.labels,
                "provenance": r.inventory.provenance,
            })
        })
        .collect()
}
