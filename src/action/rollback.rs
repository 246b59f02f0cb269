//! `rollback NAME [REVISION]`: re-apply a stored revision's manifest (no chart, no repository, no
//! render) as a new revision, and remove what that revision did not have.

use std::time::Duration;

use super::operation::{self, ApplySettings, Locking, Operation, Revision, with_lock};
use crate::cluster::Cluster;
use crate::cluster::apply::{DeleteReport, Progress};
use crate::error::{Error, Result};
use crate::release::store::Store;
use crate::release::{Release, Status, history};

/// `rollback NAME [REVISION]`.
#[derive(Debug, Clone, Default)]
pub struct RollbackSettings {
    pub release: String,
    /// `None`: the newest good revision before the current one.
    pub revision: Option<u64>,
    pub description: Option<String>,
    pub wait: Option<Duration>,
    pub history_max: usize,
    pub force_conflicts: bool,
    pub take_ownership: bool,
    pub dry_run: bool,
    pub progress: Option<Progress>,
}

#[derive(Debug)]
pub struct RollbackOutcome {
    pub release: Release,
    pub target: u64,
    pub applied: usize,
    pub pruned: DeleteReport,
    /// Things that went wrong after the revision was recorded deployed.
    pub warnings: Vec<String>,
}

/// Re-applies a stored revision as a new revision.
pub async fn rollback(
    cluster: &Cluster,
    store: &impl Store,
    settings: &RollbackSettings,
) -> Result<RollbackOutcome> {
    let locking = if settings.dry_run {
        Locking::None
    } else {
        Locking::Change
    };
    with_lock(
        cluster,
        store,
        &cluster.namespace,
        &settings.release,
        locking,
        async |operation| rollback_locked(operation, settings).await,
    )
    .await
}

async fn rollback_locked(
    operation: &Operation<'_, impl Store>,
    settings: &RollbackSettings,
) -> Result<RollbackOutcome> {
    let name = operation.name;
    let revisions = operation.store.history(operation.namespace, name).await?;
    let latest = revisions.last().cloned().expect("history is never empty");
    let target = match settings.revision {
        Some(revision) => revision,
        None => history::rollback_target(&revisions).ok_or_else(|| {
            Error::with_hint(
                format!("release `{name}` has no earlier good revision to roll back to"),
                format!("`charts history {name}` lists its revisions; pass one explicitly"),
            )
        })?,
    };
    let target_record = operation.record(target).await?;
    if !settings.dry_run {
        operation.settle_interrupted(&latest).await?;
    }
    let objects = operation::manifest_objects(&target_record)?;
    let mut record = target_record.clone();
    record.revision = latest.revision + 1;
    record.status = Status::PendingRollback;
    record.description = settings
        .description
        .clone()
        .unwrap_or_else(|| format!("Rollback to {target}"));
    record.last_deployed = operation::now();
    record.deleted = None;

    let applied = operation
        .apply_revision(
            &ApplySettings {
                dry_run: settings.dry_run,
                force_conflicts: settings.force_conflicts,
                take_ownership: settings.take_ownership,
                wait: settings.wait,
                history_max: settings.history_max,
                progress: settings.progress.clone(),
            },
            &revisions,
            Some(&target_record),
            Revision {
                record,
                crds: &[],
                objects: &objects,
                completed: None,
                failed: format!("Rollback to {target} failed"),
            },
        )
        .await?;
    Ok(RollbackOutcome {
        release: applied.release,
        target,
        applied: applied.applied,
        pruned: applied.pruned,
        warnings: applied.warnings,
    })
}
