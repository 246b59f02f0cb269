//! Deletion: in reverse install order, one kind at a time, sparing objects marked `keep` and
//! objects that are no longer this release's; optionally waiting until they are gone.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use kube::api::{DeleteParams, PropagationPolicy};

use super::ownership::{is_keep, object_keeps};
use super::{Applier, DeleteReport, Error, ObjectKey, Reason, first_of, kind_batches, plural};
use crate::cluster::retry::retry;
use crate::render::Object;

impl Applier {
    /// Deletes `objects` in reverse install order, one kind at a time, sparing objects marked
    /// `keep` and objects that no longer carry this release's marks. With `wait`, returns once
    /// the deleted objects are gone.
    pub async fn delete(
        &self,
        objects: &[Object],
        wait: Option<Duration>,
    ) -> Result<DeleteReport, Error> {
        let mut refs: Vec<&Object> = objects.iter().collect();
        refs.reverse();
        let mut report = DeleteReport::default();
        let mut deleted_objects: Vec<&Object> = Vec::new();
        // A failure in one kind does not stop the others: as much as possible is removed, and
        // every failure is counted in the error.
        let mut all_failures: Vec<Error> = Vec::new();
        for batch in kind_batches(&refs) {
            let Some((resource, namespaced)) =
                self.resolve_any_version(batch[0].api_version(), batch[0].kind())
            else {
                // The kind is gone (its CRD was removed): so are its objects.
                report
                    .missing
                    .extend(batch.iter().map(|o| ObjectKey::of(o)));
                continue;
            };
            let mut by_namespace: BTreeMap<Option<String>, Vec<&Object>> = BTreeMap::new();
            for object in &batch {
                let key = self.scoped_key(object, namespaced);
                by_namespace.entry(key.namespace).or_default().push(object);
            }
            let mut to_delete: Vec<(ObjectKey, &Object)> = Vec::new();
            for (namespace, objects) in by_namespace {
                let live = match self.live_metadata(&resource, namespace.as_deref()).await {
                    Ok(live) => live,
                    Err(reason) => {
                        all_failures.push(Error::new("delete", ObjectKey::of(objects[0]), reason));
                        continue;
                    }
                };
                for object in objects {
                    let key = self.scoped_key(object, namespaced);
                    match live.get(&key.name) {
                        None => report.missing.push(key),
                        Some(metadata)
                            if object_keeps(object) || is_keep(metadata.annotations.as_ref()) =>
                        {
                            report.kept.push(key)
                        }
                        Some(metadata) if !self.owned_by_us(metadata) => report.not_ours.push(key),
                        Some(_) => to_delete.push((key, object)),
                    }
                }
            }
            if !to_delete.is_empty() {
                self.report(&format!(
                    "deleting {} {}",
                    to_delete.len(),
                    plural(batch[0].kind(), to_delete.len())
                ));
            }
            let params = DeleteParams {
                propagation_policy: Some(PropagationPolicy::Background),
                dry_run: self.options.dry_run,
                ..DeleteParams::default()
            };
            let results: Vec<Result<ObjectKey, Error>> = stream::iter(to_delete.iter())
                .map(|(key, _)| {
                    let api = self.api(&resource, key.namespace.as_deref());
                    let params = &params;
                    let resource = &resource;
                    async move {
                        match retry(|| api.delete(&key.name, params)).await {
                            Ok(_) => Ok(key.clone()),
                            Err(kube::Error::Api(status)) if status.code == 404 => Ok(key.clone()),
                            Err(e) => Err(Error::new(
                                "delete",
                                key.clone(),
                                self.cluster_error(e, "delete", resource, key.namespace.as_deref()),
                            )),
                        }
                    }
                })
                .buffered(self.options.concurrency.max(1))
                .collect()
                .await;
            for result in results {
                match result {
                    Ok(key) => report.deleted.push(key),
                    Err(error) => all_failures.push(error),
                }
            }
            deleted_objects.extend(to_delete.iter().map(|(_, o)| *o));
        }
        first_of(all_failures)?;
        if let Some(timeout) = wait.filter(|_| !self.options.dry_run) {
            self.wait_gone(&deleted_objects, timeout).await?;
        }
        Ok(report)
    }

    pub(super) async fn wait_gone(
        &self,
        objects: &[&Object],
        timeout: Duration,
    ) -> Result<(), Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut delay = Duration::from_millis(50);
        let mut pending: Vec<&Object> = objects.to_vec();
        while !pending.is_empty() {
            let checks: Vec<Result<Option<&Object>, Error>> = stream::iter(pending.iter())
                .map(|object| async move {
                    let Some((resource, namespaced)) =
                        self.resolve_any_version(object.api_version(), object.kind())
                    else {
                        return Ok(None);
                    };
                    let key = self.scoped_key(object, namespaced);
                    let api = self.api(&resource, key.namespace.as_deref());
                    let live = retry(|| api.get_metadata_opt(&key.name))
                        .await
                        .map_err(|e| {
                            Error::new(
                                "delete",
                                key.clone(),
                                self.cluster_error(e, "get", &resource, key.namespace.as_deref()),
                            )
                        })?;
                    Ok(live.map(|_| *object))
                })
                .buffered(self.options.concurrency.max(1))
                .collect()
                .await;
            let mut still = Vec::new();
            for check in checks {
                if let Some(object) = check? {
                    still.push(object);
                }
            }
            if still.is_empty() {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error {
                    verb: "wait for the deletion of",
                    object: Box::new(ObjectKey::of(still[0])),
                    reason: Box::new(Reason::Timeout(timeout)),
                    others: still.len() - 1,
                });
            }
            pending = still;
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(1));
        }
        Ok(())
    }
}
