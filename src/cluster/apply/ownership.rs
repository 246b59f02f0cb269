//! Whose objects these are: an object that exists and belongs to another release, or to nobody,
//! is refused unless the user asked for `--take-ownership`; an object marked
//! `resource-policy: keep` is never deleted.

use std::collections::{BTreeMap, HashSet};

use kube::api::{ApiResource, ListParams};

use super::{
    Applier, Error, LiveMetadata, MANAGED_BY_LABEL, ObjectKey, RELEASE_NAME_ANNOTATION,
    RELEASE_NAMESPACE_ANNOTATION, RESOURCE_POLICY_ANNOTATIONS, Reason, first_of,
};
use crate::cluster::retry::retry;
use crate::render::Object;

/// Live annotations that spare an object: `resource-policy: keep`.
pub(super) fn is_keep(annotations: Option<&BTreeMap<String, String>>) -> bool {
    annotations.is_some_and(|a| {
        RESOURCE_POLICY_ANNOTATIONS
            .iter()
            .any(|key| a.get(*key).is_some_and(|v| v == "keep"))
    })
}

pub(super) fn object_keeps(object: &Object) -> bool {
    RESOURCE_POLICY_ANNOTATIONS
        .iter()
        .any(|key| object.annotation(key) == Some("keep"))
}

impl Applier {
    pub(super) fn owned_by_us(&self, metadata: &kube::core::ObjectMeta) -> bool {
        let annotation = |key: &str| metadata.annotations.as_ref().and_then(|a| a.get(key));
        annotation(RELEASE_NAME_ANNOTATION) == Some(&self.options.owner.release)
            && annotation(RELEASE_NAMESPACE_ANNOTATION) == Some(&self.options.owner.namespace)
    }

    /// Metadata of the live objects of one resource in one namespace: one LIST.
    pub(super) async fn live_metadata(
        &self,
        resource: &ApiResource,
        namespace: Option<&str>,
    ) -> Result<LiveMetadata, Reason> {
        let api = self.api(resource, namespace);
        let params = ListParams::default();
        let list = retry(|| api.list_metadata(&params))
            .await
            .map_err(|e| self.cluster_error(e, "list", resource, namespace))?;
        Ok(list
            .items
            .into_iter()
            .filter_map(|item| Some((item.metadata.name.clone()?, item.metadata)))
            .collect())
    }

    /// Refuses objects that exist and belong to someone else (unless `--take-ownership`).
    pub(super) async fn check_ownership(
        &self,
        batch: &[&Object],
        previous: &HashSet<ObjectKey>,
    ) -> Result<(), Error> {
        if self.options.take_ownership {
            return Ok(());
        }
        let (resource, namespaced) = self.resolve_or_error("apply", batch[0])?;
        let mut by_namespace: BTreeMap<Option<String>, Vec<(ObjectKey, &Object)>> = BTreeMap::new();
        for object in batch {
            let key = self.scoped_key(object, namespaced);
            by_namespace
                .entry(key.namespace.clone())
                .or_default()
                .push((key, object));
        }
        let mut failures = Vec::new();
        for (namespace, objects) in by_namespace {
            let live = self
                .live_metadata(&resource, namespace.as_deref())
                .await
                .map_err(|reason| Error::new("apply", objects[0].0.clone(), reason))?;
            for (key, _) in objects {
                let Some(metadata) = live.get(&key.name) else {
                    continue;
                };
                let annotations = metadata.annotations.as_ref();
                // An object of the release's deployed revision whose marks were lost (edited by
                // hand) is still ours; one marked for another release never is.
                let marked = annotations.is_some_and(|a| a.contains_key(RELEASE_NAME_ANNOTATION));
                if self.owned_by_us(metadata) || (previous.contains(&key) && !marked) {
                    continue;
                }
                let reason = match (
                    annotations.and_then(|a| a.get(RELEASE_NAME_ANNOTATION)),
                    annotations.and_then(|a| a.get(RELEASE_NAMESPACE_ANNOTATION)),
                ) {
                    (Some(release), Some(namespace)) => Reason::OwnedByRelease {
                        release: release.clone(),
                        namespace: namespace.clone(),
                    },
                    _ => Reason::NotOurs {
                        managed_by: metadata
                            .labels
                            .as_ref()
                            .and_then(|l| l.get(MANAGED_BY_LABEL))
                            .cloned()
                            .or_else(|| {
                                metadata
                                    .managed_fields
                                    .iter()
                                    .flatten()
                                    .find_map(|m| m.manager.clone())
                            }),
                    },
                };
                failures.push(Error::new("apply", key, reason));
            }
        }
        first_of(failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::apply::tests::object;

    #[test]
    fn keep_policy() {
        let keep = object(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  annotations: {helm.sh/resource-policy: keep}\n",
        );
        assert!(object_keeps(&keep));
        let plain = object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
        assert!(!object_keeps(&plain));
    }
}
