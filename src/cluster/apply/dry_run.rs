//! What applying would do, asked of the API server: every object sent as a server-side apply
//! with `dryRun=All` (same field manager and force as the real apply), concurrently, and the live
//! objects to compare with, read with one LIST per kind and namespace. For `charts plan` and for
//! the check an upgrade makes before it changes anything.

use std::collections::{BTreeMap, HashMap, HashSet};

use futures_util::stream::{self, StreamExt};
use kube::api::{ApiResource, ListParams};
use serde_json::Value;

use super::immutable::{ImmutableField, immutable_fields};
use super::{Applier, Error, MANAGED_BY, MANAGED_BY_LABEL, ObjectKey, all_or_first, kind_batches};
use crate::cluster::retry::retry;
use crate::render::Object;

/// One LIST: group, resource and namespace.
type ListKey = (String, String, Option<String>);

/// Live objects by key.
pub type LiveObjects = HashMap<ObjectKey, Value>;

/// The API server's answer to a dry-run apply of one object.
#[derive(Debug, Clone)]
pub enum DryRunOutcome {
    /// The object as the server would have it after the apply.
    Applied(Value),
    /// Refused: the change hits fields that cannot change once the object exists.
    Immutable(Vec<ImmutableField>),
    /// The cluster does not serve its kind yet (a CRD of the chart defines it): it would be
    /// created, and cannot be checked before its CRD exists.
    UnknownKind,
}

impl Applier {
    /// The live objects among `objects` that carry the label `apply` gives
    /// (`app.kubernetes.io/managed-by=charts`), read with one LIST per resource and namespace
    /// with that label selector (kinds the cluster does not serve have none). Others, such as
    /// objects adopted with `--take-ownership`, are read with [`Self::live_object`].
    pub async fn live_objects(&self, objects: &[&Object]) -> Result<LiveObjects, Error> {
        let mut groups: BTreeMap<ListKey, (ApiResource, Vec<ObjectKey>)> = BTreeMap::new();
        for object in objects {
            let Some((resource, namespaced)) =
                self.resolve_any_version(object.api_version(), object.kind())
            else {
                continue;
            };
            let key = self.scoped_key(object, namespaced);
            groups
                .entry((
                    resource.group.clone(),
                    resource.plural.clone(),
                    key.namespace.clone(),
                ))
                .or_insert_with(|| (resource, Vec::new()))
                .1
                .push(key);
        }
        let lists = stream::iter(groups.into_values())
            .map(|(resource, keys)| async move {
                let namespace = keys[0].namespace.clone();
                let api = self.api(&resource, namespace.as_deref());
                let params =
                    ListParams::default().labels(&format!("{MANAGED_BY_LABEL}={MANAGED_BY}"));
                let list = retry(|| api.list(&params)).await.map_err(|e| {
                    let reason = self.cluster_error(e, "list", &resource, namespace.as_deref());
                    Error::new("read", keys[0].clone(), reason)
                })?;
                let wanted: HashSet<&str> = keys.iter().map(|k| k.name.as_str()).collect();
                let mut found = Vec::new();
                for item in list.items {
                    let Some(name) = item.metadata.name.clone() else {
                        continue;
                    };
                    if !wanted.contains(name.as_str()) {
                        continue;
                    }
                    let key = keys.iter().find(|k| k.name == name).cloned();
                    if let (Some(key), Ok(value)) = (key, serde_json::to_value(&item)) {
                        found.push((key, value));
                    }
                }
                Ok::<_, Error>(found)
            })
            .buffer_unordered(self.options.concurrency.max(1))
            .collect::<Vec<_>>()
            .await;
        let mut live = LiveObjects::new();
        for list in lists {
            live.extend(list?);
        }
        Ok(live)
    }

    /// One live object, read on its own (one GET).
    pub async fn live_object(&self, object: &Object) -> Result<Option<Value>, Error> {
        Ok(self.live(object).await?.1)
    }

    /// Refuses, before anything is sent, objects that exist and belong to someone else (as
    /// `apply` does), for every kind the cluster serves.
    pub async fn check_owners(
        &self,
        objects: &[&Object],
        previous: &HashSet<ObjectKey>,
    ) -> Result<(), Error> {
        for batch in kind_batches(objects) {
            if self
                .resolve(batch[0].api_version(), batch[0].kind())
                .is_some()
            {
                self.check_ownership(&batch, previous).await?;
            }
        }
        Ok(())
    }

    /// Sends every object as a server-side apply with `dryRun=All`, concurrently: what the server
    /// would make of each, in the order given. A refusal for another reason than an immutable
    /// field is an error (the first, counting the others).
    pub async fn dry_run_apply(
        &self,
        objects: &[&Object],
    ) -> Result<Vec<(ObjectKey, DryRunOutcome)>, Error> {
        let results: Vec<Result<(ObjectKey, DryRunOutcome), Error>> = stream::iter(objects)
            .map(|object| async move {
                let Some((resource, namespaced)) =
                    self.resolve(object.api_version(), object.kind())
                else {
                    return Ok((ObjectKey::of(object), DryRunOutcome::UnknownKind));
                };
                let (key, result) = self.send_apply(object, &resource, namespaced, true).await;
                match result {
                    Ok(applied) => {
                        let value = serde_json::to_value(&applied).unwrap_or(Value::Null);
                        Ok((key, DryRunOutcome::Applied(value)))
                    }
                    Err(kube::Error::Api(status)) if immutable_fields(&status).is_some() => {
                        let fields = immutable_fields(&status).unwrap_or_default();
                        Ok((key, DryRunOutcome::Immutable(fields)))
                    }
                    Err(error) => {
                        let reason =
                            self.cluster_error(error, "apply", &resource, key.namespace.as_deref());
                        Err(Error::new("plan", key, reason))
                    }
                }
            })
            .buffered(self.options.concurrency.max(1))
            .collect()
            .await;
        all_or_first(results)
    }
}
