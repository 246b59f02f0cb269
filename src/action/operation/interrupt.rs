//! Holding a release while an operation runs: its lock, and stopping cleanly when the process is
//! asked to stop (Ctrl-C, SIGTERM) so the release is never left locked or pending.

use super::*;

/// Runs `operation` holding the release's lock (none for a dry run, which changes nothing):
/// takes the lock, runs the operation until it ends or the process is asked to stop (see
/// [`until_stopped`]), and releases the lock either way.
pub(in crate::action) async fn with_lock<S: Store, T>(
    cluster: &Cluster,
    store: &S,
    namespace: &str,
    name: &str,
    locking: Locking,
    operation: impl AsyncFnOnce(&Operation<'_, S>) -> Result<T>,
) -> Result<T> {
    let guard = match locking {
        Locking::None => None,
        Locking::Deploy | Locking::Change => {
            Some(take_lock(cluster, namespace, name, locking == Locking::Deploy).await?)
        }
    };
    let interrupted = std::sync::Mutex::new(None);
    let stopped = Stopped {
        locked: guard.is_some(),
        restore: &interrupted,
    };
    let result = until_stopped(store, namespace, name, stopped, async {
        let operation_context = Operation {
            cluster,
            store,
            namespace,
            name,
            guard: guard.as_ref(),
            interrupted: &interrupted,
        };
        operation(&operation_context).await
    })
    .await;
    unlock(guard, result).await
}

/// Takes the release's lock; a namespace that does not exist is said plainly (the Lease lives
/// there, so this is the first request that notices).
async fn take_lock(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    deploying: bool,
) -> Result<lock::LockGuard> {
    match lock::acquire(cluster, namespace, name, &lock::default_holder(), LOCK_TTL).await {
        Ok(guard) => Ok(guard),
        Err(lock::Error::Cluster(error))
            if matches!(
                error.kind(),
                crate::cluster::ErrorKind::Api { code: 404, reason, .. } if reason == "NotFound"
            ) =>
        {
            let hint = if deploying {
                "pass `--create-namespace` to create it, or check `-n` and `--kube-context`"
                    .to_string()
            } else {
                format!("release `{name}` cannot be there; `charts list -A` shows every namespace")
            };
            Err(Error::with_hint(
                format!(
                    "namespace `{namespace}` does not exist on `{}`",
                    cluster.server
                ),
                hint,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// Releases the lock after an operation. The operation's own error comes first; a lease that
/// could not be deleted expires anyway.
async fn unlock<T>(guard: Option<lock::LockGuard>, result: Result<T>) -> Result<T> {
    let released = match guard {
        Some(guard) => guard.release().await,
        None => Ok(()),
    };
    let value = result?;
    released?;
    Ok(value)
}

/// Resolves when the process is asked to stop: Ctrl-C, or SIGTERM (a cancelled CI job).
async fn stop_requested() -> &'static str {
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = async {
            match terminate.as_mut() {
                Some(signal) => { signal.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => "SIGTERM",
    }
}

/// What [`until_stopped`] knows about the operation it runs.
struct Stopped<'a> {
    /// The operation holds the lock (not a dry run).
    locked: bool,
    /// A record the operation asked to be stored as it is if it stops now.
    restore: &'a std::sync::Mutex<Option<Release>>,
}

/// Runs a locked operation; if the process is asked to stop first, the operation is dropped
/// (requests in flight are abandoned; server-side apply makes re-sending them harmless), the
/// revision it left part-way is settled, and the caller releases the lock, so the next command
/// can go on at once instead of waiting for the lease to expire. A revision left pending
/// (install, upgrade, rollback) is marked failed; one the operation registered with
/// [`Operation::on_interrupt`] (an uninstall's) is put back as registered.
async fn until_stopped<T>(
    store: &impl Store,
    namespace: &str,
    name: &str,
    stopped: Stopped<'_>,
    operation: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let signal = tokio::select! {
        result = operation => return result,
        signal = stop_requested() => signal,
    };
    let why = format!("interrupted by {signal}");
    let restore = stopped.restore.lock().ok().and_then(|mut r| r.take());
    let mut recorded = String::new();
    let mut interrupted = None;
    if let Some(mut record) = restore.filter(|_| stopped.locked) {
        record.description = format!("{} ({why})", record.description);
        interrupted = Some(record.status);
        if store.update(&record).await.is_ok() {
            recorded = format!(
                "; revision {} is back to `{}`",
                record.revision, record.status
            );
        }
    // Without the lock (a dry run), a pending revision belongs to someone else's operation.
    } else if stopped.locked
        && let Ok(revisions) = history_of(store, namespace, name).await
        && let Some(latest) = revisions.last().filter(|r| r.status.is_pending())
    {
        interrupted = Some(latest.status);
        if mark_interrupted(store, latest, &why).await.is_ok() {
            recorded = format!("; revision {} is marked failed", latest.revision);
        }
    }
    Err(Error::with_hint(
        format!("{why}: release `{name}` in namespace `{namespace}` was left part-way{recorded}"),
        interrupted_hint(name, interrupted),
    ))
}

/// What to do after an operation was interrupted, by the status of the revision it was working
/// on (`None`: it had recorded nothing yet).
pub(super) fn interrupted_hint(name: &str, status: Option<Status>) -> String {
    match status {
        Some(Status::PendingInstall) => {
            format!(
                "run the install again (it may go over the failed revision), or `charts uninstall {name}` to remove what it applied"
            )
        }
        Some(Status::PendingUpgrade) => format!(
            "run the upgrade again, or `charts rollback {name}` to go back to the last good revision"
        ),
        Some(Status::PendingRollback) => format!(
            "run `charts rollback {name}` again: the revision that was deployed is still recorded as the last good one"
        ),
        Some(_) => format!("run `charts uninstall {name}` again to delete what is left"),
        None => "nothing was recorded; run the command again".to_string(),
    }
}

/// Marks a revision that an operation left part-way as failed, saying why.
async fn mark_interrupted(store: &impl Store, summary: &ReleaseSummary, why: &str) -> Result<()> {
    let mut record = store
        .get(&summary.namespace, &summary.name, summary.revision)
        .await?;
    record.status = Status::Failed;
    record.description = if record.description.is_empty() {
        let mut why = why.to_string();
        if let Some(first) = why.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        why
    } else {
        format!("{} ({why})", record.description)
    };
    store.update(&record).await?;
    Ok(())
}

/// A revision left `pending-*` by an operation that died: the lock was free, so nobody is
/// working on it. Marks it failed so that history tells the truth; any other revision is left
/// alone.
pub(super) async fn settle_interrupted(store: &impl Store, summary: &ReleaseSummary) -> Result<()> {
    if !summary.status.is_pending() {
        return Ok(());
    }
    mark_interrupted(
        store,
        summary,
        "interrupted: the operation stopped before it finished",
    )
    .await
}
