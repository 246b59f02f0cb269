//! Replacing objects whose change hits a field that cannot change: delete them with foreground
//! propagation (the object goes only once its dependents, such as a Deployment's ReplicaSets and
//! Pods or a StatefulSet's Pods, are gone, so the new object never meets the old one's), wait
//! until they are gone, and let the apply that follows create them again.

use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use kube::api::{DeleteParams, PropagationPolicy};

use super::{Applier, Error, ObjectKey, all_or_first};
use crate::cluster::retry::retry;
use crate::render::Object;

impl Applier {
    /// Deletes `objects` (foreground propagation) and returns once they are gone, at most
    /// `timeout`. Objects already gone count as deleted.
    pub async fn delete_for_replace(
        &self,
        objects: &[&Object],
        timeout: Duration,
    ) -> Result<Vec<ObjectKey>, Error> {
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        self.report(&format!(
            "replacing {} {}: deleting, then waiting until gone",
            objects.len(),
            super::plural("object", objects.len())
        ));
        let params = DeleteParams {
            propagation_policy: Some(PropagationPolicy::Foreground),
            dry_run: self.options.dry_run,
            ..DeleteParams::default()
        };
        let results: Vec<Result<ObjectKey, Error>> = stream::iter(objects)
            .map(|object| {
                let params = &params;
                async move {
                    let (resource, namespaced) = self.resolve_any_or_error("delete", object)?;
                    let key = self.scoped_key(object, namespaced);
                    let api = self.api(&resource, key.namespace.as_deref());
                    match retry(|| api.delete(&key.name, params)).await {
                        Ok(_) => Ok(key),
                        Err(kube::Error::Api(status)) if status.code == 404 => Ok(key),
                        Err(e) => {
                            let reason = self.cluster_error(
                                e,
                                "delete",
                                &resource,
                                key.namespace.as_deref(),
                            );
                            Err(Error::new("delete", key, reason))
                        }
                    }
                }
            })
            .buffered(self.options.concurrency.max(1))
            .collect()
            .await;
        let deleted = all_or_first(results)?;
        if !self.options.dry_run {
            self.wait_gone(objects, timeout).await?;
        }
        Ok(deleted)
    }
}
