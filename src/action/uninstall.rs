//! `uninstall NAME`: run the pre-delete hooks, delete everything the release may have in the
//! cluster in reverse install order, run the post-delete hooks, then its history (or mark it `uninstalled` with `--keep-history`), and with
//! `--delete-namespace` the namespace it created.

use std::collections::HashSet;
use std::time::Duration;

use super::operation::{self, ApplySettings, Locking, Operation, with_lock};
use crate::cluster::Cluster;
use crate::cluster::apply::{DeleteReport, ObjectKey, Progress};
use crate::error::{Error, Result};
use crate::hooks::Event;
use crate::release::store::{ListQuery, Store};
use crate::release::{Release, ReleaseSummary, Status};
use crate::render::Object;

/// `uninstall NAME`.
#[derive(Debug, Clone, Default)]
pub struct UninstallSettings {
    pub release: String,
    pub keep_history: bool,
    pub dry_run: bool,
    pub ignore_not_found: bool,
    pub wait: Option<Duration>,
    pub delete_namespace: bool,
    pub description: Option<String>,
    pub progress: Option<Progress>,
    /// Do not run the release's pre/post-delete hooks.
    pub no_hooks: bool,
    /// How long each hook may take; `None`: 5 minutes.
    pub timeout: Option<Duration>,
}

#[derive(Debug, Default)]
pub struct UninstallOutcome {
    pub found: bool,
    pub deleted: DeleteReport,
    /// The namespace was deleted too, or why not.
    pub namespace_deleted: bool,
    pub namespace_note: Option<String>,
}

pub async fn uninstall(
    cluster: &Cluster,
    store: &impl Store,
    settings: &UninstallSettings,
) -> Result<UninstallOutcome> {
    let namespace = cluster.namespace.as_str();
    let name = settings.release.as_str();
    let locking = if settings.dry_run {
        Locking::None
    } else {
        Locking::Change
    };
    let result = with_lock(
        cluster,
        store,
        namespace,
        name,
        locking,
        async |operation| uninstall_locked(operation, settings).await,
    )
    .await;
    let mut outcome = match result {
        // The lock lives in the release's namespace, so a namespace that does not exist fails
        // before the history is read: with `--ignore-not-found` that is nothing to do too.
        Err(_)
            if settings.ignore_not_found
                && !crate::cluster::namespace::exists(cluster, namespace).await? =>
        {
            return Ok(UninstallOutcome::default());
        }
        other => other?,
    };
    if settings.delete_namespace && outcome.found && !settings.dry_run {
        delete_namespace_if_ours(cluster, store, namespace, name, &mut outcome).await?;
    }
    Ok(outcome)
}

pub(super) async fn uninstall_locked(
    operation: &Operation<'_, impl Store>,
    settings: &UninstallSettings,
) -> Result<UninstallOutcome> {
    let (namespace, name) = (operation.namespace, operation.name);
    let store = operation.store;
    let revisions = operation.history().await?;
    let Some(latest) = revisions.last().cloned() else {
        if settings.ignore_not_found {
            return Ok(UninstallOutcome::default());
        }
        return Err(crate::release::store::Error::ReleaseNotFound {
            name: name.to_string(),
            namespace: namespace.to_string(),
        }
        .into());
    };
    if latest.status == Status::Uninstalled && settings.keep_history {
        if settings.ignore_not_found {
            return Ok(UninstallOutcome::default());
        }
        return Err(Error::with_hint(
            format!("release `{name}` in namespace `{namespace}` is already uninstalled"),
            "its history is kept; `charts uninstall` without `--keep-history` removes it",
        ));
    }
    let mut record = operation.record(latest.revision).await?;
    let objects = objects_to_delete(store, &revisions, &record).await?;
    let apply_settings = ApplySettings {
        dry_run: settings.dry_run,
        progress: settings.progress.clone(),
        timeout: settings.timeout,
        ..ApplySettings::default()
    };
    let mut applier = operation.applier(&apply_settings).await?;
    if settings.dry_run {
        let deleted = applier.delete(&objects, None).await?;
        return Ok(UninstallOutcome {
            found: true,
            deleted,
            ..Default::default()
        });
    }
    // An uninstall that fails or is interrupted part-way puts the revision's status back, with
    // the reason in its description, rather than marking it failed: a deployed revision must
    // stay what `rollback`, `upgrade` (its base and the ownership of its objects) and `install`
    // (which refuses to go over a deployed release) take as the last good one, and `uninstall`
    // again deletes the rest either way.
    let before = record.clone();
    operation.still_locked()?;
    if latest.status != Status::Uninstalled {
        operation.on_interrupt(Some(before.clone()));
        record.status = Status::Uninstalling;
        store.update(&record).await?;
    }
    // An uninstalled revision (`--keep-history`) ran its delete hooks already.
    let run_hooks = !settings.no_hooks && latest.status != Status::Uninstalled;
    let runner = operation.hook_runner(&apply_settings);
    let deleted: Result<DeleteReport> = async {
        if run_hooks {
            runner
                .run_event(&mut applier, &mut record.hooks, Event::PreDelete)
                .await?;
            operation.still_locked()?;
        }
        let deleted = applier.delete(&objects, settings.wait).await?;
        if run_hooks {
            operation.still_locked()?;
            runner
                .run_event(&mut applier, &mut record.hooks, Event::PostDelete)
                .await?;
        }
        Ok(deleted)
    }
    .await;
    let deleted = match deleted {
        Ok(report) => report,
        Err(error) => {
            let restored = Release {
                description: format!(
                    "{} (uninstall failed: {})",
                    before.description,
                    operation::error_summary(&error)
                ),
                // The delete hooks that ran are recorded all the same.
                hooks: record.hooks.clone(),
                ..before
            };
            // If even this fails, the revision stays `uninstalling` and `uninstall` again
            // finishes the work; the user needs the original error more.
            let _ = store.update(&restored).await;
            operation.on_interrupt(None);
            return Err(error);
        }
    };
    // The objects are gone: from here on, an interrupted uninstall leaves the revision
    // `uninstalling`, which `uninstall` again finishes.
    operation.on_interrupt(None);
    operation.still_locked()?;
    if settings.keep_history {
        record_uninstalled(operation, settings, record, &revisions).await?;
    } else {
        for summary in &revisions {
            store.delete(namespace, name, summary.revision).await?;
        }
    }
    Ok(UninstallOutcome {
        found: true,
        deleted,
        namespace_deleted: false,
        namespace_note: None,
    })
}

/// Everything the release may have in the cluster: its inventory, and the latest revision's
/// objects unless that revision was uninstalled already, in install order.
async fn objects_to_delete(
    store: &impl Store,
    revisions: &[ReleaseSummary],
    latest: &Release,
) -> Result<Vec<Object>> {
    let mut objects = operation::inventory(store, revisions, Some(latest))
        .await?
        .objects;
    if latest.status != Status::Uninstalled {
        let known: HashSet<ObjectKey> = objects.iter().map(ObjectKey::of).collect();
        for object in operation::manifest_objects(latest)? {
            if !known.contains(&ObjectKey::of(&object)) {
                objects.push(object);
            }
        }
        crate::render::manifest::sort_install_order(&mut objects);
    }
    Ok(objects)
}

/// `--keep-history`: the latest revision is recorded uninstalled, and no revision stays
/// deployed.
async fn record_uninstalled(
    operation: &Operation<'_, impl Store>,
    settings: &UninstallSettings,
    mut record: Release,
    revisions: &[ReleaseSummary],
) -> Result<()> {
    record.status = Status::Uninstalled;
    record.deleted = Some(operation::now());
    record.description = settings
        .description
        .clone()
        .unwrap_or_else(|| "Uninstallation complete".to_string());
    operation.store.update(&record).await?;
    operation::supersede_others(operation.store, &mut revisions.to_vec(), record.revision).await
}

/// `--delete-namespace`: deletes the namespace only if this release created it and nothing
/// else lives there any more (no other release, no object beyond what Kubernetes puts in every
/// namespace).
pub(super) async fn delete_namespace_if_ours(
    cluster: &Cluster,
    store: &impl Store,
    namespace: &str,
    name: &str,
    outcome: &mut UninstallOutcome,
) -> Result<()> {
    use k8s_openapi::api::core::v1::Namespace;
    let api: kube::Api<Namespace> = kube::Api::all(cluster.client.clone());
    let Some(live) = crate::cluster::retry::retry(|| api.get_metadata_opt(namespace))
        .await
        .map_err(|e| {
            crate::cluster::Error::from_kube(e, cluster, "get", "namespaces", namespace)
        })?
    else {
        outcome.namespace_note = Some(format!("namespace `{namespace}` is already gone"));
        return Ok(());
    };
    let marker = live
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(crate::cluster::namespace::CREATED_FOR_ANNOTATION))
        .cloned();
    if marker.as_deref() != Some(&format!("{namespace}/{name}")) {
        outcome.namespace_note = Some(format!(
            "kept namespace `{namespace}`: release `{name}` did not create it"
        ));
        return Ok(());
    }
    let others = store
        .list(&ListQuery {
            namespace: Some(namespace.to_string()),
            ..ListQuery::default()
        })
        .await?;
    if let Some(other) = others.iter().find(|r| r.name != name) {
        outcome.namespace_note = Some(format!(
            "kept namespace `{namespace}`: release `{}` still lives there",
            other.name
        ));
        return Ok(());
    }
    if let Some(what) = crate::cluster::namespace::contents(cluster, namespace).await? {
        outcome.namespace_note = Some(format!(
            "kept namespace `{namespace}`: it still holds {what}"
        ));
        return Ok(());
    }
    let params = kube::api::DeleteParams::default();
    crate::cluster::retry::retry(|| api.delete(namespace, &params))
        .await
        .map_err(|e| {
            crate::cluster::Error::from_kube(e, cluster, "delete", "namespaces", namespace)
        })?;
    outcome.namespace_deleted = true;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::operation::tests::{record, seeded};
    use crate::support::block_on;

    fn to_delete(records: &[Release]) -> Vec<String> {
        let store = seeded(records);
        block_on(async {
            let revisions = store.history("dev", "web").await.unwrap();
            let latest = records.last().unwrap();
            objects_to_delete(&store, &revisions, latest)
                .await
                .unwrap()
                .iter()
                .map(|o| format!("{}/{}", o.kind(), o.name()))
                .collect()
        })
    }

    #[test]
    fn uninstall_deletes_the_inventory_and_the_latest_revision_in_install_order() {
        assert_eq!(
            to_delete(&[
                record(1, Status::Deployed, &["Service/web", "ConfigMap/a"]),
                record(2, Status::PendingUpgrade, &["ConfigMap/b"]),
            ]),
            ["ConfigMap/b", "ConfigMap/a", "Service/web"]
        );
        // The latest revision's objects count even when it is superseded (a deployed revision
        // was rolled away from by hand, say).
        assert_eq!(
            to_delete(&[record(1, Status::Superseded, &["ConfigMap/a"])]),
            ["ConfigMap/a"]
        );
    }

    #[test]
    fn an_uninstalled_revision_adds_nothing_of_its_own() {
        // Uninstalled with `--keep-history`, then uninstalled for good: its objects are gone.
        assert_eq!(
            to_delete(&[record(1, Status::Uninstalled, &["ConfigMap/a"])]),
            Vec::<String>::new()
        );
        // A failed revision may have applied some of its objects; it still counts.
        assert_eq!(
            to_delete(&[
                record(1, Status::Failed, &["ConfigMap/a"]),
                record(2, Status::Uninstalled, &["ConfigMap/b"]),
            ]),
            ["ConfigMap/a"]
        );
    }
}
