//! `charts plan` (and `upgrade --plan`): what an install or upgrade would change, without
//! changing anything. The chart is rendered exactly as the deploy would render it (the deploy's
//! own client dry run), then every object goes to the API server as a server-side apply with
//! `dryRun=All` (same field manager and force as the real apply) and is compared with the live
//! object: `create`, `update` (with a diff), `replace` (the change hits a field that cannot
//! change; the field is named), `unchanged`; objects the release has and the new revision does not
//! are `delete` (the prune logic itself decides, in dry-run mode: objects marked
//! `resource-policy: keep` and objects that are no longer the release's are not deleted). Hooks
//! are listed as hooks that would run; they are not sent to the server (they run at their time,
//! and a hook Job often exists only while it runs).

pub mod diff;

use serde::Serialize;

use super::deploy::{self, DeploySettings, DryRun};
use super::operation;
use crate::cluster::Cluster;
use crate::cluster::apply::{
    Applier, ApplyOptions, DryRunOutcome, ImmutableField, ObjectKey, immutable,
};
use crate::error::Result;
use crate::release::Status;
use crate::release::store::Store;
use crate::render::Object;
use crate::values::SourceReader;

/// What would happen to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
    Unchanged,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::Unchanged => "unchanged",
        }
    }
}

/// One object in the plan.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub action: Action,
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    /// `update`: a unified diff of the live and the planned object as YAML (Secret values
    /// masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// `replace`: the fields the API server refuses to change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ImmutableField>,
    /// `replace`: the object carries `charts.dev/replace-on-change: "true"`, so an upgrade
    /// replaces it without `--force-replace`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replace_on_change: bool,
    /// Secrets: the keys whose values are added, removed or changed (values are never shown).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed_keys: Vec<String>,
}

/// A hook that would run.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedHook {
    pub kind: String,
    pub name: String,
    pub events: Vec<String>,
}

/// How many objects get each action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
    pub unchanged: usize,
}

/// What an install or upgrade would do.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub release: String,
    pub namespace: String,
    /// The revision the deploy would write.
    pub revision: u64,
    /// The release does not exist (or has nothing deployed): the deploy would install it.
    pub install: bool,
    /// Every object of the new revision in install order, then the deletions.
    pub changes: Vec<Change>,
    /// Hooks the deploy would run (not checked with the server).
    pub hooks: Vec<PlannedHook>,
    pub summary: Summary,
}

impl Plan {
    /// Whether the deploy would change any object.
    pub fn has_changes(&self) -> bool {
        let s = &self.summary;
        s.create + s.update + s.replace + s.delete > 0
    }

    /// The summary line: `Plan: 1 to create, 2 to update, 0 to replace, 1 to delete, 296
    /// unchanged.`
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        format!(
            "Plan: {} to create, {} to update, {} to replace, {} to delete, {} unchanged.",
            s.create, s.update, s.replace, s.delete, s.unchanged
        )
    }
}

fn change(action: Action, key: &ObjectKey, api_version: &str) -> Change {
    Change {
        action,
        api_version: api_version.to_string(),
        kind: key.kind.clone(),
        namespace: key.namespace.clone(),
        name: key.name.clone(),
        diff: None,
        fields: Vec::new(),
        replace_on_change: false,
        changed_keys: Vec::new(),
    }
}

/// `Deployment dev/web`, as diff headers name objects.
fn label(key: &ObjectKey) -> String {
    match &key.namespace {
        Some(namespace) => format!("{} {namespace}/{}", key.kind, key.name),
        None => format!("{} {}", key.kind, key.name),
    }
}

/// Plans an upgrade of `settings.release` (an install when it does not exist): renders as the
/// deploy would, then asks the API server. Takes no lock and changes nothing.
pub async fn plan(
    cluster: &Cluster,
    store: &impl Store,
    settings: &DeploySettings,
    reader: &dyn SourceReader,
) -> Result<Plan> {
    let render_settings = DeploySettings {
        dry_run: DryRun::Client,
        install: true,
        progress: None,
        ..settings.clone()
    };
    let rendered = deploy::deploy(cluster, store, &render_settings, true, reader).await?;
    let record = rendered.release;
    let objects = operation::manifest_objects(&record)?;
    let revisions = operation::history_of(store, &record.namespace, &record.name).await?;
    let inventory = operation::inventory(store, &revisions, None).await?;
    let applier = Applier::new(
        cluster,
        ApplyOptions {
            dry_run: true,
            force_conflicts: settings.force_conflicts,
            take_ownership: settings.take_ownership,
            // Its lines would say "deleting" of what a dry run only checks.
            progress: None,
            ..ApplyOptions::new(&record.name, &record.namespace)
        },
    )
    .await?;
    let refs: Vec<&Object> = objects.iter().collect();
    let (live, outcomes) = if namespace_exists(cluster, settings, &record.namespace).await? {
        let previous = inventory.deployed_keys(&applier);
        applier.check_owners(&refs, &previous).await?;
        let (live, outcomes) =
            futures_util::future::join(applier.live_objects(&refs), applier.dry_run_apply(&refs))
                .await;
        (live?, outcomes?)
    } else {
        // `--create-namespace` and no namespace yet: everything is created, and the server
        // cannot check objects in a namespace that does not exist.
        let outcomes = objects
            .iter()
            .map(|o| (applier.key_of(o), DryRunOutcome::UnknownKind))
            .collect();
        (Default::default(), outcomes)
    };
    let mut live = live;
    // An object the server updated (its answer has a resourceVersion) but the labelled LIST did
    // not return has lost our label, or is being adopted: read it on its own.
    for (object, (key, outcome)) in objects.iter().zip(&outcomes) {
        if let DryRunOutcome::Applied(planned) = outcome
            && !live.contains_key(key)
            && planned["metadata"]["resourceVersion"]
                .as_str()
                .is_some_and(|v| !v.is_empty())
            && let Some(current) = applier.live_object(object).await?
        {
            live.insert(key.clone(), current);
        }
    }
    let mut changes = Vec::new();
    for (object, (key, outcome)) in objects.iter().zip(outcomes) {
        let current = live.get(&key);
        let mut entry = change(Action::Create, &key, object.api_version());
        match (outcome, current) {
            (DryRunOutcome::UnknownKind, _) => {}
            (DryRunOutcome::Immutable(fields), _) => {
                entry.action = Action::Replace;
                entry.fields = fields;
                entry.replace_on_change = immutable::replace_on_change(object);
            }
            (DryRunOutcome::Applied(_), None) => {}
            (DryRunOutcome::Applied(planned), Some(current)) => {
                let planned = diff::without_noise(&planned);
                let current = diff::typed_as(&diff::without_noise(current), &planned);
                let (current, planned, keys) = diff::masked(&current, &planned);
                match diff::unified(&label(&key), &current, &planned) {
                    Some(text) => {
                        entry.action = Action::Update;
                        entry.diff = Some(text);
                        entry.changed_keys = keys;
                    }
                    None => entry.action = Action::Unchanged,
                }
            }
        }
        changes.push(entry);
    }
    // What the prune step would delete, decided by the prune logic itself (dry run).
    let kept: Vec<ObjectKey> = objects.iter().map(|o| applier.key_of(o)).collect();
    let leftovers = inventory.leftovers(&applier, &kept);
    let pruned = applier.delete(&leftovers, None).await?;
    for key in &pruned.deleted {
        let api_version = leftovers
            .iter()
            .find(|o| applier.key_of(o) == *key)
            .map(|o| o.api_version().to_string())
            .unwrap_or_default();
        changes.push(change(Action::Delete, key, &api_version));
    }
    let mut summary = Summary::default();
    for entry in &changes {
        *match entry.action {
            Action::Create => &mut summary.create,
            Action::Update => &mut summary.update,
            Action::Replace => &mut summary.replace,
            Action::Delete => &mut summary.delete,
            Action::Unchanged => &mut summary.unchanged,
        } += 1;
    }
    let upgrade = record.status == Status::PendingUpgrade;
    Ok(Plan {
        release: record.name.clone(),
        namespace: record.namespace.clone(),
        revision: record.revision,
        install: !upgrade,
        changes,
        hooks: hooks_that_would_run(&record, upgrade, settings.no_hooks),
        summary,
    })
}

/// Whether the release namespace exists; a missing one is an error unless the deploy would
/// create it (`--create-namespace`).
async fn namespace_exists(
    cluster: &Cluster,
    settings: &DeploySettings,
    namespace: &str,
) -> Result<bool> {
    if crate::cluster::namespace::exists(cluster, namespace).await? {
        return Ok(true);
    }
    if settings.create_namespace {
        return Ok(false);
    }
    Err(crate::error::Error::with_hint(
        format!(
            "namespace `{namespace}` does not exist on `{}`",
            cluster.server
        ),
        "pass `--create-namespace` to plan as the deploy would create it, or check `-n` and `--kube-context`",
    ))
}

/// The record's hooks for this deploy's events (none with `--no-hooks`).
fn hooks_that_would_run(
    record: &crate::release::Release,
    upgrade: bool,
    no_hooks: bool,
) -> Vec<PlannedHook> {
    if no_hooks {
        return Vec::new();
    }
    let events: &[&str] = if upgrade {
        &["pre-upgrade", "post-upgrade"]
    } else {
        &["pre-install", "post-install"]
    };
    record
        .hooks
        .iter()
        .filter_map(|hook| {
            let matching: Vec<String> = hook
                .events
                .iter()
                .filter(|e| events.contains(&e.as_str()))
                .cloned()
                .collect();
            (!matching.is_empty()).then(|| PlannedHook {
                kind: hook.kind.clone(),
                name: hook.name.clone(),
                events: matching,
            })
        })
        .collect()
}
