//! `charts status NAME [--revision N]`: the release record, and each of its objects as the
//! cluster has it (exists, ready, or why not).

use crate::action::status as action;
use crate::cli::GlobalArgs;
use crate::cli::output::{self, Format};
use crate::cluster::apply::ObjectStatus;
use crate::error::Result;
use crate::release::Release;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The release
    pub name: String,
    /// Show this revision [default: the latest]
    #[arg(long)]
    pub revision: Option<u64>,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: Format,
}

pub fn status(global: &GlobalArgs, args: StatusArgs) -> Result<()> {
    let (record, objects) = crate::support::block_on(async {
        let cluster = crate::cluster::connect(&global.cluster_settings()).await?;
        let store = SecretStore::new(cluster.clone());
        action::status(&cluster, &store, &args.name, args.revision).await
    })?;
    output::show(
        args.output,
        || Ok(json(&record, &objects)),
        || Ok(text(&record, &objects)),
    )
}

/// The record's fields and each object's state, for programs.
fn json(record: &Release, objects: &[ObjectStatus]) -> serde_json::Value {
    let ready = objects.iter().filter(|o| o.state == "ready").count();
    serde_json::json!({
        "name": record.name,
        "namespace": record.namespace,
        "revision": record.revision,
        "status": record.status,
        "chart": format!("{}-{}", record.chart.name, record.chart.version),
        "appVersion": record.chart.app_version,
        "firstDeployed": record.first_deployed,
        "lastDeployed": record.last_deployed,
        "description": record.description,
        "labels": record.labels,
        "env": record.env,
        "provenance": record.provenance,
        "notes": record.notes,
        "objects": objects.iter().map(|o| serde_json::json!({
            "apiGroup": o.key.group,
            "kind": o.key.kind,
            "namespace": o.key.namespace,
            "name": o.key.name,
            "exists": o.exists,
            "state": o.state,
            "reason": o.reason,
        })).collect::<Vec<_>>(),
        "ready": objects.len() == ready,
        "testSuite": test_suite(record).map(|hook| serde_json::json!({
            "name": hook.name,
            "kind": hook.kind,
            "phase": hook.last_run.phase,
            "startedAt": hook.last_run.started_at,
            "completedAt": hook.last_run.completed_at,
            "reason": hook.last_run.reason,
        })).collect::<Vec<_>>(),
    })
}

/// The release's tests that have run, in the order they run.
fn test_suite(record: &Release) -> impl Iterator<Item = &crate::hooks::Hook> {
    crate::hooks::order(&record.hooks, crate::hooks::Event::Test)
        .into_iter()
        .map(|index| &record.hooks[index])
        .filter(|hook| !hook.last_run.started_at.is_empty())
}

/// `KEY: value` lines, a table of the objects, and the notes, for people.
fn text(record: &Release, objects: &[ObjectStatus]) -> String {
    let ready = objects.iter().filter(|o| o.state == "ready").count();
    let mut text = format!(
        "NAME: {}\nLAST DEPLOYED: {}\nNAMESPACE: {}\nSTATUS: {}\nREVISION: {}\nCHART: {}-{}\nAPP VERSION: {}\nDESCRIPTION: {}\n",
        record.name,
        record.last_deployed,
        record.namespace,
        record.status,
        record.revision,
        record.chart.name,
        record.chart.version,
        record.chart.app_version,
        record.description,
    );
    if !record.labels.is_empty() {
        let labels: Vec<String> = record
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        text.push_str(&format!("LABELS: {}\n", labels.join(",")));
    }
    if let Some(env) = &record.env {
        let mut line = format!("ENVIRONMENT: {}", env.name);
        if let Some(branch) = &env.branch {
            line.push_str(&format!(" (branch {branch})"));
        }
        if let Some(commit) = &env.commit {
            line.push_str(&format!(" at {commit}"));
        }
        text.push_str(&line);
        text.push('\n');
    }
    if let Some(provenance) = &record.provenance {
        text.push_str(&format!(
            "PROVENANCE: {}\n",
            crate::cli::promote::provenance_text(provenance)
        ));
    }
    if !objects.is_empty() {
        text.push_str(&format!(
            "\nOBJECTS ({ready} of {} ready):\n",
            objects.len()
        ));
        let rows = objects
            .iter()
            .map(|object| {
                let name = match &object.key.namespace {
                    Some(namespace) => format!("{namespace}/{}", object.key.name),
                    None => object.key.name.clone(),
                };
                vec![
                    object.key.kind.clone(),
                    name,
                    object.state.clone(),
                    object.reason.clone(),
                ]
            })
            .collect();
        text.push_str(&output::table(&["KIND", "NAME", "STATE", "REASON"], rows));
    }
    // Helm's layout, one block per test that ran.
    for hook in test_suite(record) {
        text.push_str(&format!(
            "\nTEST SUITE:     {}\nLast Started:   {}\nLast Completed: {}\nPhase:          {}\n",
            hook.name,
            hook.last_run.started_at,
            hook.last_run.completed_at,
            hook.last_run.phase.as_str(),
        ));
        if !hook.last_run.reason.is_empty() {
            text.push_str(&format!("Reason:         {}\n", hook.last_run.reason));
        }
    }
    if !record.notes.trim().is_empty() {
        text.push_str("\nNOTES:\n");
        text.push_str(record.notes.trim_end());
        text.push('\n');
    }
    text
}
