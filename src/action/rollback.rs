//! `rollback NAME [REVISION]`: re-apply a stored revision's manifest (no chart, no repository, no
//! render) as a new revision, run its pre/post-rollback hooks from its record, and remove what
//! that revision did not have.

use std::time::Duration;

use super::operation::{self, ApplySettings, HookEvents, Locking, Operation, Revision, with_lock};
use super::recover;
use crate::cluster::Cluster;
use crate::cluster::apply::{DeleteReport, Progress};
use crate::error::{Error, Result};
use crate::hooks::Event;
use crate::release::store::Store;
use crate::release::{Release, ReleaseSummary, Status, history};

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
    /// `--rollback-on-failure`: if this rollback fails, go back to the revision that was
    /// deployed before it (see [`super::recover`]).
    pub rollback_on_failure: bool,
    pub progress: Option<Progress>,
    /// Do not run the restored revision's pre/post-rollback hooks.
    pub no_hooks: bool,
    /// How long each hook may take; `None`: 5 minutes.
    pub timeout: Option<Duration>,
    /// Replace objects whose change hits a field that cannot change.
    pub force_replace: bool,
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
        async |operation| {
            if !settings.rollback_on_failure || settings.dry_run {
                return rollback_locked(operation, settings).await;
            }
            let before = operation.history().await?;
            let error = match rollback_locked(operation, settings).await {
                Ok(outcome) => return Ok(outcome),
                Err(error) => error,
            };
            // The target is known: the rollback got as far as recording its revision.
            let restoring = target_of(settings, &before).ok();
            let failure = recover::Failure {
                operation: "rollback",
                restoring,
                revision: before.last().map_or(1, |latest| latest.revision + 1),
                error,
            };
            match recover::recorded(operation, &failure).await {
                Some(revisions) => {
                    Err(recover::roll_back(operation, &revisions, failure, settings).await)
                }
                None => Err(failure.error),
            }
        },
    )
    .await
}

/// The revision a rollback restores: the one asked for, else the newest good one before the
/// latest.
fn target_of(settings: &RollbackSettings, revisions: &[ReleaseSummary]) -> Result<u64> {
    if let Some(revision) = settings.revision {
        return Ok(revision);
    }
    let name = &settings.release;
    history::rollback_target(revisions).ok_or_else(|| {
        Error::with_hint(
            format!("release `{name}` has no earlier good revision to roll back to"),
            format!("`charts history {name}` lists its revisions; pass one explicitly"),
        )
    })
}

/// Rolls back holding the lock: the path `charts rollback` takes, and `--rollback-on-failure`
/// of every command.
pub(super) async fn rollback_locked(
    operation: &Operation<'_, impl Store>,
    settings: &RollbackSettings,
) -> Result<RollbackOutcome> {
    let revisions = operation.history().await?;
    let Some(latest) = revisions.last().cloned() else {
        return Err(crate::release::store::Error::ReleaseNotFound {
            name: operation.name.to_string(),
            namespace: operation.namespace.to_string(),
        }
        .into());
    };
    let target = target_of(settings, &revisions)?;
    let target_record = operation.record(target).await?;
    if !settings.dry_run {
        operation.settle_interrupted(&latest).await?;
    }
    let objects = operation::manifest_objects(&target_record)?;
    let record = copy_of(
        &target_record,
        latest.revision + 1,
        settings.description.as_deref(),
    );

    let applied = operation
        .apply_revision(
            &ApplySettings {
                dry_run: settings.dry_run,
                force_conflicts: settings.force_conflicts,
                take_ownership: settings.take_ownership,
                wait: settings.wait,
                history_max: settings.history_max,
                progress: settings.progress.clone(),
                timeout: settings.timeout,
                force_replace: settings.force_replace,
            },
            &revisions,
            Some(&target_record),
            Revision {
                record,
                crds: &[],
                objects: &objects,
                completed: None,
                failed: format!("Rollback to {target} failed"),
                // The rollback hooks of the revision it restores, from its record: no chart.
                hooks: (!settings.no_hooks).then_some(HookEvents {
                    pre: Event::PreRollback,
                    post: Event::PostRollback,
                }),
                // The chart is stored with the revision the record copies (if at all).
                chart: None,
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

/// The revision a rollback records: a pending copy of the target revision (its chart, values and
/// manifest), numbered after the latest.
fn copy_of(target: &Release, revision: u64, description: Option<&str>) -> Release {
    Release {
        revision,
        status: Status::PendingRollback,
        description: description
            .map(str::to_string)
            .unwrap_or_else(|| format!("Rollback to {}", target.revision)),
        last_deployed: operation::now(),
        deleted: None,
        ..target.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::operation::tests::record;

    #[test]
    fn a_rollback_records_a_pending_copy_of_the_target_numbered_after_the_latest() {
        let target = Release {
            config: serde_json::json!({"replicas": 3}),
            notes: "hello".into(),
            description: "Upgrade complete".into(),
            deleted: Some("2026-01-03T00:00:00Z".into()),
            labels: [("commit".to_string(), "abc".to_string())].into(),
            created_namespace: true,
            ..record(2, Status::Uninstalled, &["ConfigMap/a"])
        };
        let copy = copy_of(&target, 5, None);
        assert_eq!(
            (copy.revision, copy.status, copy.description.as_str()),
            (5, Status::PendingRollback, "Rollback to 2")
        );
        assert_eq!(copy.deleted, None);
        assert_eq!(
            (&copy.manifest, &copy.config, &copy.labels, &copy.notes),
            (
                &target.manifest,
                &target.config,
                &target.labels,
                &target.notes
            )
        );
        assert_eq!(copy.first_deployed, target.first_deployed);
        assert_eq!(copy_of(&target, 5, Some("hotfix")).description, "hotfix");
    }
}
