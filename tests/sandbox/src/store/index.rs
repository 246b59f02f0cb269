//! The stored objects, by resource and then by `(namespace, name)`, with an index from owner uid
//! to dependents, so that no write, delete or controller pass has to scan the whole store.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::Value;

use crate::registry::ResourceKey;
use crate::util::{name_of, namespace_of};

use super::owner_uids;

/// `(namespace, name)`; `""` as the namespace of cluster-scoped objects.
pub type ObjectKey = (String, String);

/// A dependent: its resource, namespace and name.
pub type Dependent = (ResourceKey, String, String);

#[derive(Default)]
pub struct Objects {
    by_resource: HashMap<ResourceKey, BTreeMap<ObjectKey, Arc<Value>>>,
    /// Owner uid → the objects whose ownerReferences name it.
    dependents: HashMap<String, BTreeSet<Dependent>>,
}

impl Objects {
    /// The objects of one resource, in `(namespace, name)` order.
    pub fn get(&self, resource: &ResourceKey) -> Option<&BTreeMap<ObjectKey, Arc<Value>>> {
        self.by_resource.get(resource)
    }

    /// The resources that have (or had) objects.
    pub fn resources(&self) -> impl Iterator<Item = &ResourceKey> {
        self.by_resource.keys()
    }

    /// The names of one resource's objects in one namespace.
    pub fn names_in(&self, resource: &ResourceKey, namespace: &str) -> Vec<String> {
        self.by_resource
            .get(resource)
            .into_iter()
            .flat_map(|objects| {
                objects
                    .range::<ObjectKey, _>((namespace.to_string(), String::new())..)
                    .take_while(|((ns, _), _)| ns == namespace)
                    .map(|((_, name), _)| name.clone())
            })
            .collect()
    }

    pub fn insert(&mut self, resource: &ResourceKey, object: Arc<Value>) -> Option<Arc<Value>> {
        let key = (
            namespace_of(&object).to_string(),
            name_of(&object).to_string(),
        );
        let dependent = (resource.clone(), key.0.clone(), key.1.clone());
        for uid in owner_uids(&object) {
            self.dependents
                .entry(uid.to_string())
                .or_default()
                .insert(dependent.clone());
        }
        let old = self
            .by_resource
            .entry(resource.clone())
            .or_default()
            .insert(key, object.clone());
        if let Some(old) = &old {
            let kept: Vec<&str> = owner_uids(&object).collect();
            for uid in owner_uids(old).filter(|uid| !kept.contains(uid)) {
                self.forget(uid, &dependent);
            }
        }
        old
    }

    pub fn remove(
        &mut self,
        resource: &ResourceKey,
        namespace: &str,
        name: &str,
    ) -> Option<Arc<Value>> {
        let removed = self
            .by_resource
            .get_mut(resource)?
            .remove(&(namespace.to_string(), name.to_string()))?;
        let dependent = (resource.clone(), namespace.to_string(), name.to_string());
        for uid in owner_uids(&removed) {
            self.forget(uid, &dependent);
        }
        Some(removed)
    }

    /// Drops a resource that no longer exists (its objects must be removed first).
    pub fn remove_resource(&mut self, resource: &ResourceKey) {
        self.by_resource.remove(resource);
    }

    fn forget(&mut self, owner_uid: &str, dependent: &Dependent) {
        if let Some(set) = self.dependents.get_mut(owner_uid) {
            set.remove(dependent);
            if set.is_empty() {
                self.dependents.remove(owner_uid);
            }
        }
    }

    /// Every object whose ownerReferences name `owner_uid`, in any resource.
    pub fn dependents(&self, owner_uid: &str) -> Vec<Dependent> {
        self.dependents
            .get(owner_uid)
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The objects of one resource in one namespace whose ownerReferences name `owner_uid`.
    pub fn owned_by(
        &self,
        resource: &ResourceKey,
        namespace: &str,
        owner_uid: &str,
    ) -> Vec<Arc<Value>> {
        let Some(set) = self.dependents.get(owner_uid) else {
            return Vec::new();
        };
        let Some(objects) = self.by_resource.get(resource) else {
            return Vec::new();
        };
        let start = (resource.clone(), namespace.to_string(), String::new());
        set.range(start..)
            .take_while(|(r, ns, _)| r == resource && ns == namespace)
            .filter_map(|(_, ns, name)| objects.get(&(ns.clone(), name.clone())).cloned())
            .collect()
    }
}
