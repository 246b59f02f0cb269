//! Tearing environments down: `env down` (one, by name) and `env gc` (the expired ones, and
//! those whose branch is gone). Each teardown first marks the namespace as its own with a
//! patch conditioned on the namespace's resourceVersion, so of two runs that start at once only
//! one does the work; then it uninstalls every release, newest first, through the uninstall
//! action (delete hooks and all), the profile last, and deletes the namespace with its uid as a
//! precondition. A 404 or a 409 for what another run removed is not an error.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt;
use jiff::Timestamp;
use kube::api::{DeleteParams, Preconditions};

use super::{Patched, get, in_namespace, list, namespaces, patch_annotations};
use crate::action::uninstall::{UninstallSettings, uninstall};
use crate::cluster::{self, Cluster};
use crate::env::environment::{Environment, GcReason, TEARDOWN_ANNOTATION};
use crate::error::{Error, Result};
use crate::release::store::{ListQuery, Store};

/// How one teardown went.
#[derive(Debug)]
pub enum Teardown {
    /// Its releases were uninstalled (these, in this order) and the namespace deleted.
    Removed {
        releases: Vec<String>,
        /// `--wait`: the namespace is gone, not only terminating.
        gone: bool,
    },
    /// Another run holds it, or changed it meanwhile so it no longer qualifies.
    Skipped(String),
}

/// `env down NAME`.
#[derive(Debug, Clone, Default)]
pub struct DownSettings {
    pub namespace: String,
    pub wait: Option<Duration>,
}

/// What `env down --dry-run` would do: the environment, with its releases in teardown order.
pub async fn plan_down(
    cluster: &Cluster,
    store: &impl Store,
    namespace: &str,
) -> Result<Option<Environment>> {
    get(cluster, store, namespace).await
}

/// `env down NAME`: refuses a namespace `charts env` did not make; a missing one is nothing to
/// do (`Ok(None)`).
pub async fn down(
    cluster: &Cluster,
    store: &impl Store,
    settings: &DownSettings,
) -> Result<Option<Teardown>> {
    let Some(environment) = get(cluster, store, &settings.namespace).await? else {
        return Ok(None);
    };
    if environment.pool.is_some() {
        return Err(Error::with_hint(
            format!(
                "namespace `{}` belongs to pool `{}`; refusing to delete it",
                environment.namespace,
                environment.pool.as_deref().unwrap_or_default()
            ),
            format!(
                "`charts env release {}` empties it and gives it back to the pool",
                environment.namespace
            ),
        ));
    }
    teardown(cluster, store, environment, settings.wait, |_| true)
        .await
        .map(Some)
}

/// Marks the environment as ours, uninstalls its releases, deletes its namespace. `still` says
/// whether the environment, re-read after a conflict, still qualifies (gc: still expired or
/// branch-less; an `env up` may have renewed it meanwhile).
pub async fn teardown(
    cluster: &Cluster,
    store: &impl Store,
    mut environment: Environment,
    wait: Option<Duration>,
    still: impl Fn(&Environment) -> bool,
) -> Result<Teardown> {
    let holder = crate::release::lock::default_holder();
    // At most a few rounds: each conflict means someone else wrote the namespace.
    for _ in 0..3 {
        if environment.terminating {
            return Ok(Teardown::Skipped("it is being deleted already".into()));
        }
        if let Some(mark) = environment.teardown_in_progress(crate::support::clock::system_now()) {
            return Ok(Teardown::Skipped(format!(
                "another run is tearing it down ({mark})"
            )));
        }
        let version = environment.resource_version.clone().unwrap_or_default();
        let mark = format!(
            "{holder} {}",
            crate::support::clock::rfc3339(Timestamp::now())
        );
        match patch_annotations(
            cluster,
            &environment.namespace,
            &version,
            serde_json::json!({ TEARDOWN_ANNOTATION: mark }),
        )
        .await?
        {
            Patched::Done(marked) => {
                let result = remove(cluster, store, &environment, wait).await;
                if result.is_err() {
                    // Let the next `env down` or `env gc` retry at once rather than wait for
                    // the mark to go stale.
                    let version = marked.resource_version.unwrap_or_default();
                    let _ = patch_annotations(
                        cluster,
                        &environment.namespace,
                        &version,
                        serde_json::json!({ TEARDOWN_ANNOTATION: null }),
                    )
                    .await;
                }
                return result;
            }
            Patched::Gone => return Ok(Teardown::Skipped("it is gone already".into())),
            Patched::Conflict => {
                let Some(fresh) = get(cluster, store, &environment.namespace).await? else {
                    return Ok(Teardown::Skipped("it is gone already".into()));
                };
                if !still(&fresh) {
                    return Ok(Teardown::Skipped(
                        "it changed meanwhile and no longer qualifies".into(),
                    ));
                }
                environment = fresh;
            }
        }
    }
    Ok(Teardown::Skipped(
        "it kept changing while we tried to mark it".into(),
    ))
}

/// The teardown proper, once the mark is ours.
async fn remove(
    cluster: &Cluster,
    store: &impl Store,
    environment: &Environment,
    wait: Option<Duration>,
) -> Result<Teardown> {
    let namespace = environment.namespace.as_str();
    let here = in_namespace(cluster, namespace);
    // Read again now that the environment is ours: a deploy may have finished meanwhile.
    let mut current = environment.clone();
    let records = store
        .list(&ListQuery {
            namespace: Some(namespace.to_string()),
            ..ListQuery::default()
        })
        .await?;
    crate::env::environment::attach_releases(std::slice::from_mut(&mut current), records);
    let mut releases = Vec::new();
    for release in current.teardown_order() {
        let settings = UninstallSettings {
            release: release.name.clone(),
            ignore_not_found: true,
            description: Some("Environment torn down".into()),
            ..UninstallSettings::default()
        };
        uninstall(&here, store, &settings).await?;
        releases.push(release.name.clone());
    }
    delete_namespace(cluster, environment).await?;
    let gone = match wait {
        Some(timeout) => {
            wait_gone(cluster, namespace, timeout).await?;
            true
        }
        None => false,
    };
    Ok(Teardown::Removed { releases, gone })
}

/// Deletes the namespace, only the one we read (its uid); already gone or already
/// terminating is fine.
pub(crate) async fn delete_namespace(cluster: &Cluster, environment: &Environment) -> Result<()> {
    let api = namespaces(cluster);
    let params = DeleteParams {
        preconditions: Some(Preconditions {
            uid: environment.uid.clone(),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    let namespace = environment.namespace.as_str();
    match cluster::retry::retry(|| api.delete(namespace, &params)).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(status)) if status.code == 404 || status.code == 409 => Ok(()),
        Err(e) => {
            Err(cluster::Error::from_kube(e, cluster, "delete", "namespaces", namespace).into())
        }
    }
}

/// Waits until the namespace is really gone (it stays `Terminating` while its contents are
/// deleted).
pub async fn wait_gone(cluster: &Cluster, namespace: &str, timeout: Duration) -> Result<()> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut pause = Duration::from_millis(50);
    loop {
        let Some(live) = super::get_namespace(cluster, namespace).await? else {
            return Ok(());
        };
        if tokio::time::Instant::now() >= deadline {
            let conditions = remaining_content(&live);
            return Err(Error::with_hint(
                format!(
                    "namespace `{namespace}` is still terminating after {}{conditions}",
                    crate::env::environment::human(
                        jiff::SignedDuration::try_from(timeout).unwrap_or_default()
                    )
                ),
                format!(
                    "`kubectl get namespace {namespace} -o yaml` shows what it waits for; objects with finalizers hold it"
                ),
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(1));
    }
}

/// What holds a terminating namespace, as far as its metadata says.
fn remaining_content(
    live: &kube::api::PartialObjectMeta<k8s_openapi::api::core::v1::Namespace>,
) -> String {
    match &live.metadata.deletion_timestamp {
        Some(_) => " (its contents are still being deleted)".into(),
        None => " (it was not deleted: someone recreated it?)".into(),
    }
}

/// `env gc`.
#[derive(Debug, Clone, Default)]
pub struct GcSettings {
    /// The branches that still exist (`--branches`), if given.
    pub branches: Option<HashSet<String>>,
    pub dry_run: bool,
    /// The time expiry is judged at.
    pub now: Option<Timestamp>,
    /// Teardowns running at once.
    pub parallel: usize,
}

/// What `env gc` did to one environment.
#[derive(Debug)]
pub struct GcEntry {
    pub environment: Environment,
    pub reason: GcReason,
    pub result: std::result::Result<Teardown, Error>,
}

/// `env gc`: every environment that is expired (or whose branch is gone), torn down; with
/// `dry_run`, only which ones and why (each `result` then a `Skipped("dry run")`).
pub async fn gc(
    cluster: &Cluster,
    store: &impl Store,
    settings: &GcSettings,
) -> Result<Vec<GcEntry>> {
    let now = settings.now.unwrap_or_else(crate::support::clock::now);
    let environments = list(cluster, store, None).await?;
    let doomed: Vec<(Environment, GcReason)> = environments
        .into_iter()
        .filter_map(|e| {
            let reason = e.gc_reason(now, settings.branches.as_ref())?;
            Some((e, reason))
        })
        .collect();
    if settings.dry_run {
        return Ok(doomed
            .into_iter()
            .map(|(environment, reason)| GcEntry {
                environment,
                reason,
                result: Ok(Teardown::Skipped("dry run".into())),
            })
            .collect());
    }
    let branches = settings.branches.as_ref();
    let entries = futures_util::stream::iter(doomed)
        .map(|(environment, reason)| async move {
            let result = teardown(cluster, store, environment.clone(), None, |fresh| {
                fresh.gc_reason(now, branches).is_some()
            })
            .await;
            GcEntry {
                environment,
                reason,
                result,
            }
        })
        .buffer_unordered(settings.parallel.max(1))
        .collect::<Vec<_>>()
        .await;
    let mut entries = entries;
    entries.sort_by(|a, b| a.environment.namespace.cmp(&b.environment.namespace));
    Ok(entries)
}
