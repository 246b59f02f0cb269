//! `--rollback-on-failure`: what `install`, `upgrade` and `rollback` do when the revision they
//! take into the cluster fails. An upgrade or a rollback goes back to the last good revision
//! through the very path `charts rollback` takes ([`super::rollback::rollback_locked`], hooks
//! included), recorded as a new revision; an install uninstalls what it created through the path
//! `charts uninstall` takes. Either way the failed revision stays in the history with its reason,
//! and the command fails with a [`Recovery`] that says what failed, why, and what runs now.

use std::fmt;

use super::operation::Operation;
use super::rollback::{self, RollbackSettings};
use super::uninstall::{self, UninstallSettings};
use crate::cluster::Cluster;
use crate::error::{Error, Result};
use crate::release::store::Store;
use crate::release::{ReleaseSummary, Status, history};

/// A failure that `--rollback-on-failure` answered: the revision that failed and what was done
/// about it. The command that returns it fails (exit code 1).
#[derive(Debug)]
pub struct Recovery {
    /// What failed: `install`, `upgrade` or `rollback`.
    pub operation: &'static str,
    /// A rollback's: the revision it was restoring.
    pub restoring: Option<u64>,
    pub release: String,
    pub namespace: String,
    /// The revision that failed (recorded `failed`, with the reason in its description).
    pub failed_revision: u64,
    /// Why it failed.
    pub error: Error,
    pub outcome: Outcome,
    /// Things that went wrong after the release was back in a good state.
    pub warnings: Vec<String>,
}

/// What `--rollback-on-failure` did about a failed revision.
#[derive(Debug)]
pub enum Outcome {
    /// Revision `revision`, a copy of `target`, is deployed.
    RolledBack { target: u64, revision: u64 },
    /// An install: what it created is deleted, and its records too unless the release had a
    /// history before this install (then the failed revision is kept, `uninstalled`).
    Uninstalled {
        history_kept: bool,
        /// The namespace this command created was deleted as well.
        namespace_deleted: bool,
    },
    /// No revision of the release ever worked: there is nothing to go back to.
    NothingToRestore,
    /// Going back failed too: rolling back to `target`, or (`None`) uninstalling.
    Failed { target: Option<u64>, error: Error },
}

impl Recovery {
    /// The revision recorded `deployed` now, if any.
    pub fn running(&self) -> Option<u64> {
        match &self.outcome {
            Outcome::RolledBack { revision, .. } => Some(*revision),
            // A failed rollback never got to supersede the revision that was deployed.
            Outcome::Failed { target, .. } => *target,
            Outcome::Uninstalled { .. } | Outcome::NothingToRestore => None,
        }
    }

    pub fn hint(&self) -> String {
        let (name, namespace) = (&self.release, &self.namespace);
        match &self.outcome {
            Outcome::RolledBack { .. } => format!(
                "`charts history {name} -n {namespace}` shows both revisions; fix the cause and run the {} again",
                self.operation
            ),
            Outcome::Uninstalled { .. } => "fix the cause and install again".to_string(),
            Outcome::NothingToRestore => format!(
                "fix the cause and run the {} again, or `charts uninstall {name} -n {namespace}` to remove what it applied",
                self.operation
            ),
            Outcome::Failed {
                target: Some(target),
                ..
            } => format!(
                "revision {target} is still recorded as the last good one: `charts rollback {name} {target} -n {namespace}` once the cause is fixed"
            ),
            Outcome::Failed { target: None, .. } => {
                format!("`charts uninstall {name} -n {namespace}` deletes what is left")
            }
        }
    }

    /// `upgrade of `web``, `rollback of `web` to revision 2`.
    fn what(&self) -> String {
        let mut what = format!("{} of `{}`", self.operation, self.release);
        if let Some(revision) = self.restoring {
            what.push_str(&format!(" to revision {revision}"));
        }
        what
    }
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, failed) = (self.what(), self.failed_revision);
        match &self.outcome {
            Outcome::RolledBack { target, revision } => write!(
                f,
                "{what} failed and was rolled back (--rollback-on-failure): \
                 revision {failed} failed; revision {revision}, a copy of revision {target}, is deployed now"
            ),
            Outcome::Uninstalled {
                namespace_deleted, ..
            } => write!(
                f,
                "{what} failed and was undone (--rollback-on-failure): revision \
                 {failed} failed; what it created is deleted{}",
                if *namespace_deleted {
                    format!(", namespace `{}` too", self.namespace)
                } else {
                    String::new()
                }
            ),
            Outcome::NothingToRestore => write!(
                f,
                "{what} failed (revision {failed}), and no earlier revision \
                 worked, so there is nothing to roll back to (--rollback-on-failure)"
            ),
            Outcome::Failed { target, error } => {
                let undo = match target {
                    Some(target) => format!("rolling back to revision {target}"),
                    None => "uninstalling what it created".to_string(),
                };
                write!(
                    f,
                    "{what} failed (revision {failed}), and {undo} failed too \
                     (--rollback-on-failure)\n{}: {}\n{}: {error}",
                    self.operation,
                    self.error,
                    if target.is_some() {
                        "rollback"
                    } else {
                        "uninstall"
                    },
                )
            }
        }
    }
}

impl std::error::Error for Recovery {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.outcome {
            // Both errors are in the message already.
            Outcome::Failed { .. } => None,
            _ => Some(&self.error),
        }
    }
}

/// A revision that failed, as its operation saw it.
pub(super) struct Failure {
    pub operation: &'static str,
    /// A rollback's: the revision it was restoring.
    pub restoring: Option<u64>,
    /// The number of the revision the operation recorded.
    pub revision: u64,
    pub error: Error,
}

/// Whether `failure` left a revision to recover from: the revision was recorded (an error before
/// that changed nothing in the cluster), and the release is still ours (a lost lock means
/// another operation took it over, and going back would undo its work).
pub(super) async fn recorded(
    operation: &Operation<'_, impl Store>,
    failure: &Failure,
) -> Option<Vec<ReleaseSummary>> {
    if matches!(failure.error, Error::Lock(_)) {
        return None;
    }
    let revisions = operation.history().await.ok()?;
    revisions
        .iter()
        .any(|r| r.revision == failure.revision)
        .then_some(revisions)
}

/// Goes back to the last good revision after `failure` (an upgrade's or a rollback's): the deployed revision (a failed revision never supersedes it), else
/// the newest superseded one, re-applied with `template`'s flags as `charts rollback` would.
pub(super) async fn roll_back(
    operation: &Operation<'_, impl Store>,
    revisions: &[ReleaseSummary],
    failure: Failure,
    template: &RollbackSettings,
) -> Error {
    let target = revisions
        .iter()
        .rev()
        .find(|r| r.status == Status::Deployed)
        .map(|r| r.revision)
        .or_else(|| history::rollback_target(revisions))
        // Re-applying the revision that just failed would fail the same way.
        .filter(|target| Some(*target) != failure.restoring);
    let Some(target) = target else {
        return finish(operation, failure, Outcome::NothingToRestore, Vec::new());
    };
    let settings = RollbackSettings {
        release: operation.name.to_string(),
        revision: Some(target),
        description: None,
        dry_run: false,
        ..template.clone()
    };
    match rollback::rollback_locked(operation, &settings).await {
        Ok(rolled_back) => finish(
            operation,
            failure,
            Outcome::RolledBack {
                target,
                revision: rolled_back.release.revision,
            },
            rolled_back.warnings,
        ),
        Err(error) => finish(
            operation,
            failure,
            Outcome::Failed {
                target: Some(target),
                error,
            },
            Vec::new(),
        ),
    }
}

/// Undoes a failed install: deletes everything the release may have in the cluster as
/// `charts uninstall` does. A release that had no history before this install is gone
/// afterwards; one that had (uninstalled with `--keep-history`, or failed) keeps it, the failed
/// revision recorded `uninstalled` with the reason.
pub(super) async fn uninstall(
    operation: &Operation<'_, impl Store>,
    revisions: &[ReleaseSummary],
    failure: Failure,
    template: &UninstallSettings,
) -> Error {
    let history_kept = revisions.iter().any(|r| r.revision != failure.revision);
    let settings = UninstallSettings {
        release: operation.name.to_string(),
        keep_history: history_kept,
        dry_run: false,
        ignore_not_found: false,
        delete_namespace: false,
        description: Some(format!(
            "Install failed and was uninstalled (--rollback-on-failure): {}",
            super::operation::error_summary(&failure.error)
        )),
        ..template.clone()
    };
    let outcome = match uninstall::uninstall_locked(operation, &settings).await {
        Ok(_) => Outcome::Uninstalled {
            history_kept,
            namespace_deleted: false,
        },
        Err(error) => Outcome::Failed {
            target: None,
            error,
        },
    };
    finish(operation, failure, outcome, Vec::new())
}

fn finish(
    operation: &Operation<'_, impl Store>,
    failure: Failure,
    outcome: Outcome,
    warnings: Vec<String>,
) -> Error {
    Error::Recovery(Box::new(Recovery {
        operation: failure.operation,
        restoring: failure.restoring,
        release: operation.name.to_string(),
        namespace: operation.namespace.to_string(),
        failed_revision: failure.revision,
        error: failure.error,
        outcome,
        warnings,
    }))
}

/// After an install was undone and the lock released: deletes the namespace this command
/// created for it, as `uninstall --delete-namespace` would (only if nothing else lives there).
/// The objects just deleted may leave dependents (a Deployment's ReplicaSets and Pods) for the
/// garbage collector: they get a few seconds to go.
pub(super) async fn delete_created_namespace(
    cluster: &Cluster,
    store: &impl Store,
    recovery: &mut Recovery,
) -> Result<()> {
    let Outcome::Uninstalled {
        history_kept: false,
        namespace_deleted,
    } = &mut recovery.outcome
    else {
        return Ok(());
    };
    let namespace = recovery.namespace.as_str();
    let deadline = std::time::Instant::now() + NAMESPACE_GRACE;
    while crate::cluster::namespace::contents(cluster, namespace)
        .await?
        .is_some()
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let mut outcome = uninstall::UninstallOutcome::default();
    uninstall::delete_namespace_if_ours(cluster, store, namespace, &recovery.release, &mut outcome)
        .await?;
    *namespace_deleted = outcome.namespace_deleted;
    recovery.warnings.extend(outcome.namespace_note);
    Ok(())
}

/// How long an undone install waits for its namespace to empty before deciding to keep it.
const NAMESPACE_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;

    fn recovery(outcome: Outcome) -> Recovery {
        Recovery {
            operation: "upgrade",
            restoring: None,
            release: "web".into(),
            namespace: "dev".into(),
            failed_revision: 3,
            error: Error::message("cannot wait for Deployment `dev/web`: it failed"),
            outcome,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn the_message_names_the_failed_revision_why_and_what_runs_now() {
        let rolled_back = recovery(Outcome::RolledBack {
            target: 2,
            revision: 4,
        });
        assert_eq!(
            Error::Recovery(Box::new(rolled_back)).render(),
            "error: upgrade of `web` failed and was rolled back (--rollback-on-failure): revision 3 \
             failed; revision 4, a copy of revision 2, is deployed now\n\
             Caused by: cannot wait for Deployment `dev/web`: it failed\n\
             hint: `charts history web -n dev` shows both revisions; fix the cause and run the \
             upgrade again"
        );
        let both = recovery(Outcome::Failed {
            target: Some(2),
            error: Error::message("cannot apply ConfigMap `dev/a`: no"),
        });
        assert_eq!(both.running(), Some(2));
        assert_eq!(
            Error::Recovery(Box::new(both)).render(),
            "error: upgrade of `web` failed (revision 3), and rolling back to revision 2 failed \
             too (--rollback-on-failure)\n\
             upgrade: cannot wait for Deployment `dev/web`: it failed\n\
             rollback: cannot apply ConfigMap `dev/a`: no\n\
             hint: revision 2 is still recorded as the last good one: `charts rollback web 2 -n \
             dev` once the cause is fixed"
        );
        let nothing = recovery(Outcome::NothingToRestore);
        assert_eq!(nothing.running(), None);
        assert!(nothing.to_string().contains("nothing to roll back to"));
    }
}
