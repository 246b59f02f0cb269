//! The object store: every object, the resource version counter, watch history, and the write
//! semantics of a real API server (preconditions, generation, finalizers, cascading deletion).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use serde_json::{Map, Value, json};
use tokio::sync::broadcast;

use crate::apply::{self, read_managed, record_update, write_managed};
use crate::decode::FieldValidation;
use crate::error::{ApiError, ApiResult, Cause};
use crate::patch;
use crate::registry::{Registry, ResourceKey, ResourceType};
use crate::selector::{FieldSelector, LabelSelector};
use crate::util::{
    ensure_object, get_str, name_of, namespace_of, new_uid, now_rfc3339, random_suffix, uid_of,
};
use crate::validate;

mod index;

use index::{ObjectKey, Objects};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

#[derive(Debug)]
pub struct WatchEvent {
    pub resource_version: u64,
    pub event_type: EventType,
    pub key: ResourceKey,
    pub object: Arc<Value>,
    /// The object before a modification, so filtered watches can turn it into ADDED/DELETED.
    pub old: Option<Arc<Value>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Merge,
    Json,
    Strategic,
    Apply,
}

/// Per-request write settings.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    pub dry_run: bool,
    /// The field manager recorded in managedFields.
    pub field_manager: String,
    /// Server-side apply `force`.
    pub force: bool,
    /// How unknown fields of built-in kinds are treated; `None` for the server's own writes.
    pub field_validation: Option<FieldValidation>,
    /// Warnings for the response (`Warning` headers), such as unknown fields dropped.
    pub warnings: std::cell::RefCell<Vec<String>>,
}

/// Whether a write's managedFields are computed here or were given (by apply or the client).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Managed {
    Record,
    Given,
}

/// Who records managedFields on create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// The writer becomes the manager of every field it set (operation `Update`).
    Record,
    /// Server-side apply already wrote managedFields (operation `Apply`).
    AlreadyApplied,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    pub dry_run: bool,
    pub propagation: Propagation,
    pub precondition_uid: Option<String>,
    pub precondition_resource_version: Option<String>,
}

pub struct Store {
    pub registry: Registry,
    objects: Objects,
    resource_version: u64,
    history: VecDeque<Arc<WatchEvent>>,
    sender: broadcast::Sender<Arc<WatchEvent>>,
    /// How many past events a watch can resume from; older versions get 410 Gone.
    history_limit: usize,
    allocated_ips: u32,
}

pub const NODE_NAME: &str = "sandbox-node";

/// The ConfigMap every namespace gets, with the cluster's CA bundle.
pub const ROOT_CA_CONFIGMAP: &str = "kube-root-ca.crt";
const ROOT_CA_DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";
/// Not a usable certificate: the sandbox serves plain HTTP, so nothing verifies against it.
const ROOT_CA_PEM: &str = "-----BEGIN CERTIFICATE-----\nc2FuZGJveCByb290IENBOiBub3QgYSByZWFsIGNlcnRpZmljYXRlCg==\n-----END CERTIFICATE-----\n";

fn key(group: &str, plural: &str) -> ResourceKey {
    (group.to_string(), plural.to_string())
}

/// One page of a LIST (see [`Store::list_page`]).
#[derive(Debug, Default)]
pub struct ListPage {
    pub items: Vec<Arc<Value>>,
    /// How many matching objects follow the page (when `counted`), or whether any do (0 or 1).
    pub remaining: usize,
    /// `remaining` is a count (`remainingItemCount`), not just "more".
    pub counted: bool,
}

impl Store {
    pub fn new(history_limit: usize) -> Store {
        let (sender, _) = broadcast::channel(16_384);
        let mut store = Store {
            registry: Registry::builtin(),
            objects: Objects::default(),
            resource_version: 0,
            history: VecDeque::new(),
            sender,
            history_limit: history_limit.max(1),
            allocated_ips: 0,
        };
        let system = WriteOptions {
            field_manager: "kube-apiserver".into(),
            ..WriteOptions::default()
        };
        for namespace in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            store
                .create_internal(
                    "",
                    "namespaces",
                    json!({"metadata": {"name": namespace}}),
                    &system,
                )
                .expect("built-in namespace");
        }
        let node = json!({
            "metadata": {"name": NODE_NAME, "labels": {"kubernetes.io/hostname": NODE_NAME, "kubernetes.io/os": "linux", "node-role.kubernetes.io/control-plane": ""}},
            "spec": {"podCIDR": "10.244.0.0/24"},
        });
        store
            .create_internal("", "nodes", node, &system)
            .expect("built-in node");
        let kubernetes = json!({
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]},
        });
        store
            .create_internal("", "services", kubernetes, &system)
            .expect("built-in service");
        let node_status = json!({
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "the sandbox stores objects but runs no containers", "lastHeartbeatTime": now_rfc3339(), "lastTransitionTime": now_rfc3339()}],
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}, {"type": "Hostname", "address": NODE_NAME}],
            "capacity": {"cpu": "2", "memory": "8Gi", "pods": "110"},
            "allocatable": {"cpu": "2", "memory": "8Gi", "pods": "110"},
            "nodeInfo": {"kubeletVersion": format!("v1.{}.0-sandbox", crate::discovery::KUBERNETES_MINOR), "containerRuntimeVersion": "sandbox://none", "operatingSystem": "linux", "architecture": "amd64"},
        });
        store.set_status("", "nodes", "", NODE_NAME, node_status);
        store
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WatchEvent>> {
        self.sender.subscribe()
    }

    /// Events after `resource_version`, or `None` if they are no longer kept (410 Gone).
    pub fn events_since(&self, resource_version: u64) -> Option<Vec<Arc<WatchEvent>>> {
        let oldest = self
            .history
            .front()
            .map(|e| e.resource_version)
            .unwrap_or(self.resource_version + 1);
        if resource_version + 1 < oldest && self.history.len() >= self.history_limit {
            return None;
        }
        // The history is in resourceVersion order: find the first newer event by bisection.
        let first = self
            .history
            .partition_point(|e| e.resource_version <= resource_version);
        Some(self.history.range(first..).cloned().collect())
    }

    pub fn get(
        &self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
    ) -> ApiResult<Arc<Value>> {
        self.lookup(&resource.group, &resource.plural, namespace, name)
            .ok_or_else(|| ApiError::not_found(&resource.group, &resource.plural, name))
    }

    pub fn lookup(
        &self,
        group: &str,
        plural: &str,
        namespace: &str,
        name: &str,
    ) -> Option<Arc<Value>> {
        self.objects
            .get(&key(group, plural))?
            .get(&(namespace.to_string(), name.to_string()))
            .cloned()
    }

    /// The objects of one resource in one namespace, in name order.
    pub fn namespaced<'a>(
        &'a self,
        group: &str,
        plural: &str,
        namespace: &'a str,
    ) -> impl Iterator<Item = &'a Arc<Value>> + 'a {
        self.objects
            .get(&key(group, plural))
            .into_iter()
            .flat_map(move |objects| {
                objects
                    .range::<ObjectKey, _>((namespace.to_string(), String::new())..)
                    .take_while(move |((ns, _), _)| ns == namespace)
                    .map(|(_, object)| object)
            })
    }

    /// Whether the namespace holds at least one object of the resource (one map lookup).
    pub fn holds_any(&self, group: &str, plural: &str, namespace: &str) -> bool {
        self.namespaced(group, plural, namespace).next().is_some()
    }

    /// Matching objects in `(namespace, name)` order, starting after `after`.
    pub fn list(
        &self,
        resource: &ResourceType,
        namespace: Option<&str>,
        labels: &LabelSelector,
        fields: &FieldSelector,
        after: Option<&(String, String)>,
    ) -> Vec<Arc<Value>> {
        self.list_page(resource, namespace, labels, fields, after, usize::MAX)
            .items
    }

    /// At most `limit` objects of a LIST, after the key `after`, and what is left: a page costs
    /// the objects it holds plus a walk over the rest, never a copy of them.
    pub fn list_page(
        &self,
        resource: &ResourceType,
        namespace: Option<&str>,
        labels: &LabelSelector,
        fields: &FieldSelector,
        after: Option<&(String, String)>,
        limit: usize,
    ) -> ListPage {
        let Some(objects) = self.objects.get(&resource.key()) else {
            return ListPage::default();
        };
        let range: Box<dyn Iterator<Item = (&ObjectKey, &Arc<Value>)>> = match (namespace, after) {
            (_, Some(after)) => Box::new(objects.range::<ObjectKey, _>((
                std::ops::Bound::Excluded(after.clone()),
                std::ops::Bound::Unbounded,
            ))),
            (Some(namespace), None) => {
                Box::new(objects.range::<ObjectKey, _>((namespace.to_string(), String::new())..))
            }
            (None, None) => Box::new(objects.iter()),
        };
        let mut matching = range
            .take_while(|((ns, _), _)| namespace.is_none_or(|wanted| wanted == ns))
            .filter(|(_, object)| {
                labels.matches(crate::util::labels(object)) && fields.matches(object)
            })
            .map(|(_, object)| object);
        let items: Vec<Arc<Value>> = matching.by_ref().take(limit).cloned().collect();
        // The API server counts what is left only when no selector filters it (it would have
        // to evaluate them all); with one it only says whether there is more.
        let remaining = if labels.is_empty() && fields.is_empty() {
            matching.count()
        } else {
            usize::from(matching.next().is_some())
        };
        ListPage {
            items,
            remaining,
            counted: labels.is_empty() && fields.is_empty(),
        }
    }

    /// All objects of a resource whose ownerReferences name `owner_uid`.
    pub fn owned_by(
        &self,
        group: &str,
        plural: &str,
        namespace: &str,
        owner_uid: &str,
    ) -> Vec<Arc<Value>> {
        self.objects
            .owned_by(&key(group, plural), namespace, owner_uid)
    }

    fn resolve(&self, group: &str, plural: &str) -> ResourceType {
        self.registry
            .by_key(group, plural)
            .cloned()
            .expect("controllers use known resources")
    }

    /// Creates an object on behalf of the server itself (controllers, built-ins).
    pub fn create_internal(
        &mut self,
        group: &str,
        plural: &str,
        object: Value,
        options: &WriteOptions,
    ) -> ApiResult<Value> {
        let resource = self.resolve(group, plural);
        let namespace = namespace_of(&object).to_string();
        let namespace = resource.namespaced.then_some(namespace);
        self.create(
            &resource,
            namespace.as_deref(),
            object,
            options,
            Ownership::Record,
        )
    }

    /// Creates an object for the server without recording managedFields: Events, which the
    /// controllers write by the thousand and nobody applies.
    pub fn create_unmanaged(
        &mut self,
        group: &str,
        plural: &str,
        object: Value,
    ) -> ApiResult<Value> {
        let resource = self.resolve(group, plural);
        let namespace = namespace_of(&object).to_string();
        let namespace = resource.namespaced.then_some(namespace);
        self.create(
            &resource,
            namespace.as_deref(),
            object,
            &WriteOptions::default(),
            Ownership::AlreadyApplied,
        )
    }

    /// Replaces the status of an object (the status subresource, as a controller writes it).
    pub fn set_status(
        &mut self,
        group: &str,
        plural: &str,
        namespace: &str,
        name: &str,
        status: Value,
    ) {
        let resource = self.resolve(group, plural);
        let Some(old) = self.lookup(group, plural, namespace, name) else {
            return;
        };
        if old.get("status") == Some(&status) {
            return;
        }
        let mut object = (*old).clone();
        object
            .as_object_mut()
            .unwrap()
            .insert("status".into(), status);
        let _ = self.commit(&resource, Some(old), object, false);
    }

    /// Writes a whole object for a controller (spec changes such as replica counts).
    pub fn replace_internal(&mut self, group: &str, plural: &str, object: Value) {
        let resource = self.resolve(group, plural);
        let old = self.lookup(group, plural, namespace_of(&object), name_of(&object));
        if let Some(old) = old {
            let _ = self.commit(&resource, Some(old), object, false);
        }
    }

    pub fn delete_internal(&mut self, group: &str, plural: &str, namespace: &str, name: &str) {
        let resource = self.resolve(group, plural);
        let _ = self.delete(&resource, namespace, name, &DeleteOptions::default());
    }

    fn check_namespace(
        &self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
    ) -> ApiResult<()> {
        if !resource.namespaced {
            return Ok(());
        }
        let Some(found) = self.lookup("", "namespaces", "", namespace) else {
            return Err(ApiError::not_found("", "namespaces", namespace));
        };
        if found.pointer("/metadata/deletionTimestamp").is_some() {
            let mut error = ApiError::new(
                403,
                "Forbidden",
                format!(
                    "{} \"{name}\" is forbidden: unable to create new content in namespace {namespace} because it is being terminated",
                    resource.group_resource()
                ),
            );
            error.details = Some(Box::new(json!({
                "name": name, "group": resource.group, "kind": resource.plural,
                "causes": [{"reason": "NamespaceTerminating", "message": format!("namespace {namespace} is being terminated"), "field": "metadata.namespace"}]
            })));
            return Err(error);
        }
        Ok(())
    }

    /// Checks `kind`/`apiVersion` against the URL and fills them and the namespace in.
    fn prepare_body(
        &self,
        resource: &ResourceType,
        namespace: Option<&str>,
        object: &mut Value,
    ) -> ApiResult<()> {
        let Some(map) = object.as_object_mut() else {
            return Err(ApiError::bad_request(
                "the body of the request is not a JSON object",
            ));
        };
        if let Some(kind) = map.get("kind").and_then(Value::as_str)
            && kind != resource.kind
        {
            return Err(ApiError::bad_request(format!(
                "the kind of the object ({kind}) does not match the expected kind ({})",
                resource.kind
            )));
        }
        let api_version = map
            .get("apiVersion")
            .and_then(Value::as_str)
            .map(String::from);
        if let Some(api_version) = &api_version
            && !resource
                .versions
                .iter()
                .any(|v| resource.api_version(v) == *api_version)
        {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({api_version}) does not match the expected API version ({})",
                resource.storage_api_version()
            )));
        }
        // Objects are kept at the storage version whatever version they arrive at.
        map.insert("apiVersion".into(), json!(resource.storage_api_version()));
        map.insert("kind".into(), json!(resource.kind));
        let metadata = ensure_object(object, &["metadata"]);
        match namespace {
            Some(namespace) => {
                if let Some(given) = metadata.get("namespace").and_then(Value::as_str)
                    && given != namespace
                    && !given.is_empty()
                {
                    return Err(ApiError::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ));
                }
                metadata.insert("namespace".into(), json!(namespace));
            }
            None => {
                metadata.remove("namespace");
            }
        }
        Ok(())
    }

    /// POST: create.
    pub fn create(
        &mut self,
        resource: &ResourceType,
        namespace: Option<&str>,
        mut object: Value,
        options: &WriteOptions,
        ownership: Ownership,
    ) -> ApiResult<Value> {
        if resource.namespaced && namespace.is_none() {
            return Err(ApiError::path_not_found());
        }
        self.prepare_body(resource, namespace, &mut object)?;
        validate::normalize(resource, &mut object)?;
        let metadata = ensure_object(&mut object, &["metadata"]);
        let mut name = metadata
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if name.is_empty() {
            match metadata.get("generateName").and_then(Value::as_str) {
                Some(prefix) if !prefix.is_empty() => {
                    name = format!("{prefix}{}", random_suffix(5));
                    metadata.insert("name".into(), json!(name));
                }
                _ => {
                    return Err(validate::invalid(
                        resource,
                        "",
                        vec![Cause {
                            reason: "FieldValueRequired",
                            message: "Required value: name or generateName is required".into(),
                            field: "metadata.name".into(),
                        }],
                    ));
                }
            }
        }
        for field in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "deletionTimestamp",
            "generation",
            "selfLink",
        ] {
            metadata.remove(field);
        }
        if ownership == Ownership::Record {
            metadata.remove("managedFields");
        }
        metadata.insert("uid".into(), json!(new_uid()));
        metadata.insert("creationTimestamp".into(), json!(now_rfc3339()));
        if let Some(cause) = validate::validate_name(resource, &name) {
            return Err(validate::invalid(resource, &name, vec![cause]));
        }
        let namespace = namespace.unwrap_or("");
        self.check_namespace(resource, namespace, &name)?;
        if self
            .lookup(&resource.group, &resource.plural, namespace, &name)
            .is_some()
        {
            return Err(ApiError::already_exists(
                &resource.group,
                &resource.plural,
                &name,
            ));
        }
        if resource.status_subresource {
            object.as_object_mut().unwrap().remove("status");
        }
        if object.get("spec").is_some() || resource.custom {
            ensure_object(&mut object, &["metadata"]).insert("generation".into(), json!(1));
        }
        self.apply_defaults(resource, &mut object);
        self.check_fields(resource, &mut object, options)?;
        if ownership == Ownership::Record {
            let mut entries = Vec::new();
            record_update(
                &mut entries,
                None,
                &object,
                &options.field_manager,
                &resource.storage_api_version(),
            );
            write_managed(&mut object, &entries);
        }
        validate::validate(resource, &object, None)?;
        self.validate_kind(resource, &object)?;
        crate::admission::admit_create(self, resource, &mut object)?;
        if options.dry_run {
            return Ok(object);
        }
        self.commit(resource, None, object, false)
    }

    /// PUT (main resource or `status`).
    pub fn update(
        &mut self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
        mut object: Value,
        subresource: Option<&str>,
        options: &WriteOptions,
    ) -> ApiResult<Value> {
        let old = self.get(resource, namespace, name)?;
        let given_name = get_str(&object, &["metadata", "name"])
            .unwrap_or(name)
            .to_string();
        if given_name != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({given_name}) does not match the name on the URL ({name})"
            )));
        }
        check_resource_version(resource, &object, &old)?;
        self.prepare_body(
            resource,
            resource.namespaced.then_some(namespace),
            &mut object,
        )?;
        validate::normalize(resource, &mut object)?;
        if subresource == Some("finalize") {
            return self.finalize(resource, old, &object, options);
        }
        self.write_over(resource, old, object, subresource, options, false)
    }

    /// PUT `namespaces/<name>/finalize`: only `spec.finalizers` changes; a terminating namespace
    /// left without finalizers is removed with what is still in it.
    fn finalize(
        &mut self,
        resource: &ResourceType,
        old: Arc<Value>,
        given: &Value,
        options: &WriteOptions,
    ) -> ApiResult<Value> {
        let finalizers = given
            .pointer("/spec/finalizers")
            .cloned()
            .unwrap_or_else(|| json!([]));
        let mut object = (*old).clone();
        ensure_object(&mut object, &["spec"]).insert("finalizers".into(), finalizers);
        let written = self.write_over(resource, old, object, Some("finalize"), options, false)?;
        let finished = written.pointer("/metadata/deletionTimestamp").is_some()
            && written
                .pointer("/spec/finalizers")
                .and_then(Value::as_array)
                .is_none_or(|f| f.is_empty());
        if finished && !options.dry_run {
            self.remove(&resource.key(), "", name_of(&written));
        }
        Ok(written)
    }

    /// The common tail of update and patch: keep what clients may not change, record ownership,
    /// validate and commit.
    fn write_over(
        &mut self,
        resource: &ResourceType,
        old: Arc<Value>,
        mut object: Value,
        subresource: Option<&str>,
        options: &WriteOptions,
        managed_already: bool,
    ) -> ApiResult<Value> {
        if subresource == Some("status") {
            let status = object.get("status").cloned();
            object = (*old).clone();
            let map = object.as_object_mut().unwrap();
            match status {
                Some(status) => map.insert("status".into(), status),
                None => map.remove("status"),
            };
        } else if resource.status_subresource {
            let map = object.as_object_mut().unwrap();
            match old.get("status") {
                Some(status) => map.insert("status".into(), status.clone()),
                None => map.remove("status"),
            };
        }
        let managed;
        {
            let old_metadata = old.get("metadata").cloned().unwrap_or_default();
            let metadata = ensure_object(&mut object, &["metadata"]);
            for field in [
                "uid",
                "creationTimestamp",
                "deletionTimestamp",
                "generation",
                "namespace",
                "name",
            ] {
                match old_metadata.get(field) {
                    Some(value) => metadata.insert(field.into(), value.clone()),
                    None => metadata.remove(field),
                };
            }
            // Writes other than apply may set managedFields outright (kubectl does, to migrate
            // client-side apply to server-side apply); `[{}]` strips them; a missing, empty or
            // unchanged list keeps them, and then this write's changes are recorded.
            let given = metadata.get("managedFields").cloned();
            let previous = old_metadata.get("managedFields");
            managed = match given {
                _ if managed_already => Managed::Given,
                Some(Value::Array(entries)) if entries.len() == 1 && entries[0] == json!({}) => {
                    metadata.remove("managedFields");
                    Managed::Given
                }
                Some(Value::Array(entries))
                    if !entries.is_empty() && Some(&Value::Array(entries.clone())) != previous =>
                {
                    Managed::Given
                }
                _ => {
                    match previous {
                        Some(value) => metadata.insert("managedFields".into(), value.clone()),
                        None => metadata.remove("managedFields"),
                    };
                    Managed::Record
                }
            };
        }
        if resource.is("", "services") {
            keep_allocated_service_values(&old, &mut object);
        }
        self.apply_defaults(resource, &mut object);
        self.check_fields(resource, &mut object, options)?;
        if managed == Managed::Record && subresource.is_none() {
            let mut entries = read_managed(&object);
            record_update(
                &mut entries,
                Some(&old),
                &object,
                &options.field_manager,
                &resource.storage_api_version(),
            );
            write_managed(&mut object, &entries);
        }
        validate::validate(resource, &object, Some(&old))?;
        self.validate_kind(resource, &object)?;
        if subresource.is_none() {
            crate::admission::admit_update(self, resource, &old, &object)?;
        }
        if options.dry_run {
            return Ok(object);
        }
        self.commit(resource, Some(old), object, false)
    }

    /// PATCH in any of the four formats; apply creates the object when it does not exist.
    #[allow(clippy::too_many_arguments)]
    pub fn patch(
        &mut self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
        patch_type: PatchType,
        body: Value,
        subresource: Option<&str>,
        options: &WriteOptions,
    ) -> ApiResult<Value> {
        if patch_type == PatchType::Strategic && resource.custom {
            return Err(ApiError::unsupported_media_type(
                "application/strategic-merge-patch+json",
                "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            ));
        }
        let old = match self.get(resource, namespace, name) {
            Ok(old) => old,
            Err(_) if patch_type == PatchType::Apply && subresource.is_none() => {
                return self.apply_create(resource, namespace, name, body, options);
            }
            Err(error) => return Err(error),
        };
        if patch_type == PatchType::Apply {
            return self.apply_existing(resource, old, body, subresource, options);
        }
        let mut object = match patch_type {
            PatchType::Merge => patch::merge_patch(&old, &body),
            PatchType::Json => patch::json_patch(&old, &body)?,
            PatchType::Strategic => patch::strategic_merge_patch(&old, &body)?,
            PatchType::Apply => unreachable!("handled above"),
        };
        // A resourceVersion in a patch is a precondition.
        check_resource_version(resource, &body, &old)?;
        self.prepare_body(
            resource,
            resource.namespaced.then_some(namespace),
            &mut object,
        )?;
        validate::normalize(resource, &mut object)?;
        self.write_over(resource, old, object, subresource, options, false)
    }

    fn apply_config(
        &self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
        mut config: Value,
    ) -> ApiResult<Value> {
        self.prepare_body(
            resource,
            resource.namespaced.then_some(namespace),
            &mut config,
        )?;
        let given = get_str(&config, &["metadata", "name"]).unwrap_or("");
        if given != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({given}) does not match the name on the URL ({name})"
            )));
        }
        validate::normalize(resource, &mut config)?;
        if resource.status_subresource {
            config.as_object_mut().unwrap().remove("status");
        }
        Ok(config)
    }

    fn apply_conflict(conflicts: Vec<apply::Conflict>) -> ApiError {
        let (message, causes) = apply::conflict_message(&conflicts);
        let mut error = ApiError::new(409, "Conflict", message);
        error.details = Some(Box::new(json!({"causes": causes})));
        error
    }

    fn apply_create(
        &mut self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
        body: Value,
        options: &WriteOptions,
    ) -> ApiResult<Value> {
        let config = self.apply_config(resource, namespace, name, body)?;
        let object = apply::apply(
            None,
            &config,
            &options.field_manager,
            &resource.storage_api_version(),
            options.force,
        )
        .map_err(Self::apply_conflict)?;
        self.create(
            resource,
            resource.namespaced.then_some(namespace),
            object,
            options,
            Ownership::AlreadyApplied,
        )
    }

    fn apply_existing(
        &mut self,
        resource: &ResourceType,
        old: Arc<Value>,
        body: Value,
        subresource: Option<&str>,
        options: &WriteOptions,
    ) -> ApiResult<Value> {
        let (namespace, name) = (namespace_of(&old).to_string(), name_of(&old).to_string());
        let config = self.apply_config(resource, &namespace, &name, body)?;
        if subresource == Some("status") {
            let object = patch::merge_patch(
                &old,
                &json!({"status": config.get("status").cloned().unwrap_or(Value::Null)}),
            );
            return self.write_over(resource, old, object, subresource, options, true);
        }
        let object = apply::apply(
            Some(&old),
            &config,
            &options.field_manager,
            &resource.storage_api_version(),
            options.force,
        )
        .map_err(Self::apply_conflict)?;
        self.write_over(resource, old, object, None, options, true)
    }

    /// DELETE of one object, honouring finalizers and propagation.
    pub fn delete(
        &mut self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
        options: &DeleteOptions,
    ) -> ApiResult<Value> {
        let old = self.get(resource, namespace, name)?;
        if let Some(uid) = &options.precondition_uid
            && uid != uid_of(&old)
        {
            let mut error = ApiError::conflict(&resource.group, &resource.plural, name);
            error.message = format!(
                "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                resource.group_resource(),
                uid_of(&old)
            );
            return Err(error);
        }
        if let Some(version) = &options.precondition_resource_version
            && Some(version.as_str()) != get_str(&old, &["metadata", "resourceVersion"])
        {
            let mut error = ApiError::conflict(&resource.group, &resource.plural, name);
            error.message = format!(
                "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: ResourceVersion in precondition: {version}, ResourceVersion in object meta: {}",
                resource.group_resource(),
                get_str(&old, &["metadata", "resourceVersion"]).unwrap_or("")
            );
            return Err(error);
        }
        if resource.is("", "namespaces")
            && matches!(name, "default" | "kube-system" | "kube-public")
        {
            return Err(ApiError::new(
                403,
                "Forbidden",
                format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted"),
            ));
        }
        if options.dry_run {
            return Ok((*old).clone());
        }
        let has_finalizers = old
            .pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
        let is_namespace = resource.is("", "namespaces");
        if has_finalizers || is_namespace {
            if old.pointer("/metadata/deletionTimestamp").is_some() {
                if is_namespace {
                    let mut error = ApiError::conflict("", "namespaces", name);
                    error.message = format!(
                        "Operation cannot be fulfilled on namespaces \"{name}\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system."
                    );
                    return Err(error);
                }
                return Ok((*old).clone());
            }
            let mut object = (*old).clone();
            let metadata = ensure_object(&mut object, &["metadata"]);
            metadata.insert("deletionTimestamp".into(), json!(now_rfc3339()));
            metadata.insert("deletionGracePeriodSeconds".into(), json!(0));
            if is_namespace {
                // The namespace controller empties it, then removes it (see controllers).
                ensure_object(&mut object, &["status"])
                    .insert("phase".into(), json!("Terminating"));
            }
            return self.commit(resource, Some(old), object, true);
        }
        let uid = uid_of(&old).to_string();
        match options.propagation {
            Propagation::Orphan => self.orphan_dependents(&uid),
            Propagation::Background | Propagation::Foreground => self.delete_dependents(&uid),
        }
        Ok(self
            .remove(&resource.key(), namespace, name)
            .map(|o| (*o).clone())
            .unwrap_or_default())
    }

    /// DELETE on a collection: every matching object.
    pub fn delete_collection(
        &mut self,
        resource: &ResourceType,
        namespace: Option<&str>,
        labels: &LabelSelector,
        fields: &FieldSelector,
        options: &DeleteOptions,
    ) -> ApiResult<Vec<Value>> {
        let targets = self.list(resource, namespace, labels, fields, None);
        let mut deleted = Vec::new();
        for target in targets {
            match self.delete(resource, namespace_of(&target), name_of(&target), options) {
                Ok(object) => deleted.push(object),
                Err(error) if error.code == 404 => {}
                Err(error) => return Err(error),
            }
        }
        Ok(deleted)
    }

    fn all_dependents(&self, owner_uid: &str) -> Vec<(ResourceKey, String, String)> {
        self.objects.dependents(owner_uid)
    }

    fn delete_dependents(&mut self, owner_uid: &str) {
        for (resource_key, namespace, name) in self.all_dependents(owner_uid) {
            let Some(resource) = self
                .registry
                .by_key(&resource_key.0, &resource_key.1)
                .cloned()
            else {
                continue;
            };
            let _ = self.delete(&resource, &namespace, &name, &DeleteOptions::default());
        }
    }

    fn orphan_dependents(&mut self, owner_uid: &str) {
        for (resource_key, namespace, name) in self.all_dependents(owner_uid) {
            let Some(resource) = self
                .registry
                .by_key(&resource_key.0, &resource_key.1)
                .cloned()
            else {
                continue;
            };
            let Some(old) = self.lookup(&resource_key.0, &resource_key.1, &namespace, &name) else {
                continue;
            };
            let mut object = (*old).clone();
            if let Some(references) = object
                .pointer_mut("/metadata/ownerReferences")
                .and_then(Value::as_array_mut)
            {
                references.retain(|r| r.get("uid").and_then(Value::as_str) != Some(owner_uid));
            }
            let _ = self.commit(&resource, Some(old), object, false);
        }
    }

    /// Removes an object for good (its finalizers are done), emitting DELETED and cascading.
    pub fn remove(
        &mut self,
        resource_key: &ResourceKey,
        namespace: &str,
        name: &str,
    ) -> Option<Arc<Value>> {
        let removed = self.objects.remove(resource_key, namespace, name)?;
        self.resource_version += 1;
        let mut object = (*removed).clone();
        ensure_object(&mut object, &["metadata"]).insert(
            "resourceVersion".into(),
            json!(self.resource_version.to_string()),
        );
        let object = Arc::new(object);
        self.emit(
            EventType::Deleted,
            resource_key.clone(),
            object.clone(),
            Some(removed),
        );
        crate::admission::written(self, namespace, &resource_key.0, &resource_key.1);
        if resource_key.0 == "apiextensions.k8s.io"
            && resource_key.1 == "customresourcedefinitions"
            && let Ok(defined) = Registry::type_from_crd(&object)
        {
            let defined_key = defined.key();
            let names: Vec<ObjectKey> = self
                .objects
                .get(&defined_key)
                .map(|objects| objects.keys().cloned().collect())
                .unwrap_or_default();
            for (ns, n) in names {
                self.remove(&defined_key, &ns, &n);
            }
            self.objects.remove_resource(&defined_key);
            self.registry.unregister(&defined.group, &defined.plural);
        }
        if resource_key.0.is_empty() && resource_key.1 == "namespaces" {
            self.empty_namespace(name);
        }
        self.delete_dependents(uid_of(&object));
        Some(object)
    }

    /// Deletes everything inside a namespace (the namespace controller's job).
    pub fn empty_namespace(&mut self, namespace: &str) {
        let mut targets = Vec::new();
        for resource_key in self.objects.resources() {
            for name in self.objects.names_in(resource_key, namespace) {
                targets.push((resource_key.clone(), name));
            }
        }
        for (resource_key, name) in targets {
            self.remove(&resource_key, namespace, &name);
        }
    }

    fn emit(
        &mut self,
        event_type: EventType,
        resource_key: ResourceKey,
        object: Arc<Value>,
        old: Option<Arc<Value>>,
    ) {
        let event = Arc::new(WatchEvent {
            resource_version: self.resource_version,
            event_type,
            key: resource_key,
            object,
            old,
        });
        self.history.push_back(event.clone());
        while self.history.len() > self.history_limit {
            self.history.pop_front();
        }
        let _ = self.sender.send(event);
    }

    /// Stores a validated object: no-op detection, generation, resourceVersion, event, hooks.
    fn commit(
        &mut self,
        resource: &ResourceType,
        old: Option<Arc<Value>>,
        mut object: Value,
        deleting: bool,
    ) -> ApiResult<Value> {
        if let Some(old) = &old {
            if comparable(old) == comparable(&object) {
                return Ok((**old).clone());
            }
            if let Some(generation) = old.pointer("/metadata/generation").and_then(Value::as_i64) {
                let bump = without_metadata_and_status(old) != without_metadata_and_status(&object)
                    || deleting;
                ensure_object(&mut object, &["metadata"]).insert(
                    "generation".into(),
                    json!(if bump { generation + 1 } else { generation }),
                );
            }
        }
        let finalized = object.pointer("/metadata/deletionTimestamp").is_some()
            && object
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .is_none_or(|f| f.is_empty());
        self.resource_version += 1;
        ensure_object(&mut object, &["metadata"]).insert(
            "resourceVersion".into(),
            json!(self.resource_version.to_string()),
        );
        let (namespace, name) = (
            namespace_of(&object).to_string(),
            name_of(&object).to_string(),
        );
        let stored = Arc::new(object);
        self.objects.insert(&resource.key(), stored.clone());
        let event_type = if old.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.emit(event_type, resource.key(), stored.clone(), old.clone());
        self.after_write(resource, &stored, old.is_none());
        if finalized && !resource.is("", "namespaces") {
            self.delete_dependents(uid_of(&stored));
            self.remove(&resource.key(), &namespace, &name);
        }
        crate::admission::written(self, &namespace, &resource.group, &resource.plural);
        Ok((*stored).clone())
    }

    fn after_write(&mut self, resource: &ResourceType, object: &Value, created: bool) {
        if resource.is("apiextensions.k8s.io", "customresourcedefinitions")
            && let Ok(defined) = Registry::type_from_crd(object)
        {
            self.registry.register(defined);
        }
        if created && resource.is("", "namespaces") {
            let namespace = name_of(object).to_string();
            let system = WriteOptions {
                field_manager: "kube-controller-manager".into(),
                ..WriteOptions::default()
            };
            let account = json!({"metadata": {"name": "default", "namespace": namespace}});
            let _ = self.create_internal("", "serviceaccounts", account, &system);
            // What the root CA publisher (kube-controller-manager) puts in every namespace.
            let root_ca = json!({
                "metadata": {"name": ROOT_CA_CONFIGMAP, "namespace": namespace, "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION}},
                "data": {"ca.crt": ROOT_CA_PEM},
            });
            let _ = self.create_internal("", "configmaps", root_ca, &system);
        }
    }

    /// Typed decoding of built-in kinds: unknown fields are dropped (and leave managedFields) with
    /// a warning, or refused with `fieldValidation=Strict`; wrong types are refused.
    fn check_fields(
        &self,
        resource: &ResourceType,
        object: &mut Value,
        options: &WriteOptions,
    ) -> ApiResult<()> {
        let Some(validation) = options.field_validation else {
            return Ok(());
        };
        let dropped = crate::decode::check(resource, object, validation)?;
        if dropped.is_empty() {
            return Ok(());
        }
        // Nobody owns a field that is not there.
        if object.pointer("/metadata/managedFields").is_some() {
            let mut entries = read_managed(object);
            for entry in &mut entries {
                entry
                    .fields
                    .retain(|path| apply::value_at(object, path).is_some());
            }
            write_managed(object, &entries);
        }
        if validation == FieldValidation::Warn {
            options.warnings.borrow_mut().extend(dropped);
        }
        Ok(())
    }

    /// Kind-specific validation beyond the shared rules.
    fn validate_kind(&self, resource: &ResourceType, object: &Value) -> ApiResult<()> {
        crate::admission::validate_policy(resource, object)?;
        if resource.is("apiextensions.k8s.io", "customresourcedefinitions") {
            let group = get_str(object, &["spec", "group"]).unwrap_or("");
            let plural = get_str(object, &["spec", "names", "plural"]).unwrap_or("");
            let name = name_of(object);
            let mut causes = Vec::new();
            if name != format!("{plural}.{group}") {
                causes.push(Cause {
                    reason: "FieldValueInvalid",
                    message: format!(
                        "Invalid value: {name:?}: must be spec.names.plural+\".\"+spec.group"
                    ),
                    field: "metadata.name".into(),
                });
            }
            let versions = object.pointer("/spec/versions").and_then(Value::as_array);
            let storage = versions
                .into_iter()
                .flatten()
                .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                .count();
            if storage != 1 {
                causes.push(Cause {
                    reason: "FieldValueInvalid",
                    message:
                        "Invalid value: must have exactly one version marked as storage version"
                            .into(),
                    field: "spec.versions".into(),
                });
            }
            if get_str(object, &["spec", "names", "kind"])
                .unwrap_or("")
                .is_empty()
            {
                causes.push(Cause {
                    reason: "FieldValueRequired",
                    message: "Required value".into(),
                    field: "spec.names.kind".into(),
                });
            }
            if !causes.is_empty() {
                return Err(validate::invalid(resource, name, causes));
            }
            if let Some(existing) = self.registry.by_key(group, plural)
                && !existing.custom
            {
                return Err(ApiError::already_exists(group, plural, name));
            }
        }
        Ok(())
    }

    fn next_ip(&mut self, prefix: &str) -> String {
        self.allocated_ips += 1;
        let n = self.allocated_ips;
        format!("{prefix}.{}.{}", (n / 250) % 250, n % 250 + 1)
    }

    /// Defaults the real API server fills in (only where the field is missing).
    fn apply_defaults(&mut self, resource: &ResourceType, object: &mut Value) {
        if resource.custom {
            return;
        }
        let set_default = |map: &mut Map<String, Value>, key: &str, value: Value| {
            map.entry(key.to_string()).or_insert(value);
        };
        // Pod templates get the Pod defaults too; a Job must choose its restart policy itself.
        let template = match (resource.group.as_str(), resource.kind.as_str()) {
            ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") => {
                Some(("/spec/template/spec", Some("Always")))
            }
            ("batch", "Job") => Some(("/spec/template/spec", None)),
            ("batch", "CronJob") => Some(("/spec/jobTemplate/spec/template/spec", None)),
            _ => None,
        };
        if let Some((pointer, restart)) = template
            && let Some(Value::Object(spec)) = object.pointer_mut(pointer)
        {
            default_pod_spec(spec, restart);
        }
        match (resource.group.as_str(), resource.kind.as_str()) {
            ("", "Namespace") => {
                let name = name_of(object).to_string();
                let labels = ensure_object(object, &["metadata", "labels"]);
                labels.insert("kubernetes.io/metadata.name".into(), json!(name));
                set_default(
                    ensure_object(object, &["spec"]),
                    "finalizers",
                    json!(["kubernetes"]),
                );
                set_default(ensure_object(object, &["status"]), "phase", json!("Active"));
            }
            ("", "Service") => {
                let needs_ip = object.pointer("/spec/clusterIP").is_none()
                    && get_str(object, &["spec", "type"]) != Some("ExternalName");
                let ip = needs_ip.then(|| self.next_ip("10.96"));
                let spec = ensure_object(object, &["spec"]);
                set_default(spec, "type", json!("ClusterIP"));
                if let Some(ip) = ip {
                    spec.insert("clusterIP".into(), json!(ip));
                    spec.insert("clusterIPs".into(), json!([ip]));
                }
                set_default(spec, "sessionAffinity", json!("None"));
                set_default(spec, "ipFamilies", json!(["IPv4"]));
                set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
                set_default(spec, "internalTrafficPolicy", json!("Cluster"));
                let node_ports = matches!(
                    spec.get("type").and_then(Value::as_str),
                    Some("NodePort" | "LoadBalancer")
                );
                if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                    for (index, port) in ports.iter_mut().enumerate() {
                        if let Some(port) = port.as_object_mut() {
                            port.entry("protocol").or_insert(json!("TCP"));
                            let number = port.get("port").cloned().unwrap_or(Value::Null);
                            port.entry("targetPort").or_insert(number);
                            if node_ports {
                                port.entry("nodePort").or_insert(json!(
                                    30000 + index as u64 + (crate::util::random_u64() % 2000)
                                ));
                            }
                        }
                    }
                }
                ensure_object(object, &["status", "loadBalancer"]);
            }
            ("apps", "Deployment") => {
                let spec = ensure_object(object, &["spec"]);
                set_default(spec, "replicas", json!(1));
                set_default(spec, "revisionHistoryLimit", json!(10));
                set_default(spec, "progressDeadlineSeconds", json!(600));
                let strategy = spec.entry("strategy").or_insert_with(|| json!({}));
                if let Some(strategy) = strategy.as_object_mut() {
                    strategy.entry("type").or_insert(json!("RollingUpdate"));
                    if strategy["type"] == "RollingUpdate" {
                        strategy
                            .entry("rollingUpdate")
                            .or_insert(json!({"maxUnavailable": "25%", "maxSurge": "25%"}));
                    }
                }
            }
            ("apps", "StatefulSet") => {
                let spec = ensure_object(object, &["spec"]);
                set_default(spec, "replicas", json!(1));
                set_default(spec, "revisionHistoryLimit", json!(10));
                set_default(spec, "podManagementPolicy", json!("OrderedReady"));
                set_default(
                    spec,
                    "updateStrategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
                );
            }
            ("apps", "DaemonSet") => {
                let spec = ensure_object(object, &["spec"]);
                set_default(spec, "revisionHistoryLimit", json!(10));
                set_default(
                    spec,
                    "updateStrategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}),
                );
            }
            ("apps", "ReplicaSet") => {
                set_default(ensure_object(object, &["spec"]), "replicas", json!(1));
            }
            ("batch", "Job") => {
                let uid = uid_of(object).to_string();
                let name = name_of(object).to_string();
                let spec = ensure_object(object, &["spec"]);
                set_default(spec, "backoffLimit", json!(6));
                set_default(spec, "completions", json!(1));
                set_default(spec, "parallelism", json!(1));
                set_default(spec, "completionMode", json!("NonIndexed"));
                set_default(spec, "suspend", json!(false));
                if spec.get("manualSelector").and_then(Value::as_bool) != Some(true) {
                    set_default(
                        spec,
                        "selector",
                        json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}),
                    );
                    let labels = ensure_object(object, &["spec", "template", "metadata", "labels"]);
                    labels
                        .entry("batch.kubernetes.io/controller-uid")
                        .or_insert(json!(uid));
                    labels
                        .entry("batch.kubernetes.io/job-name")
                        .or_insert(json!(name));
                    labels.entry("controller-uid").or_insert(json!(uid));
                    labels.entry("job-name").or_insert(json!(name));
                }
            }
            ("", "Pod") => {
                let spec = ensure_object(object, &["spec"]);
                default_pod_spec(spec, Some("Always"));
                set_default(spec, "serviceAccountName", json!("default"));
                set_default(
                    ensure_object(object, &["status"]),
                    "phase",
                    json!("Pending"),
                );
            }
            ("", "LimitRange") => crate::admission::default_limit_range(object),
            ("", "PersistentVolumeClaim") => {
                set_default(
                    ensure_object(object, &["spec"]),
                    "volumeMode",
                    json!("Filesystem"),
                );
                set_default(
                    ensure_object(object, &["status"]),
                    "phase",
                    json!("Pending"),
                );
            }
            ("apiextensions.k8s.io", "CustomResourceDefinition") => {
                let names = object.pointer("/spec/names").cloned().unwrap_or(json!({}));
                let storage: Vec<Value> = object
                    .pointer("/spec/versions")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                    .filter_map(|v| v.get("name").cloned())
                    .collect();
                let since = object
                    .pointer("/status/conditions/0/lastTransitionTime")
                    .cloned()
                    .unwrap_or_else(|| json!(now_rfc3339()));
                let mut stored = object
                    .pointer("/status/storedVersions")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for version in storage {
                    if !stored.contains(&version) {
                        stored.push(version);
                    }
                }
                object.as_object_mut().unwrap().insert(
                    "status".into(),
                    json!({
                        "acceptedNames": names,
                        "conditions": [
                            {"type": "NamesAccepted", "status": "True", "lastTransitionTime": since, "reason": "NoConflicts", "message": "no conflicts found"},
                            {"type": "Established", "status": "True", "lastTransitionTime": since, "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"}
                        ],
                        "storedVersions": stored,
                    }),
                );
            }
            _ => {}
        }
    }

    /// The namespace controller's pass over a terminating namespace: deletes its objects (those
    /// with finalizers linger until they are removed), then removes the namespace. Returns
    /// whether it is gone; if not, its conditions say what remains.
    pub fn finalize_namespace(&mut self, name: &str) -> bool {
        let mut targets = Vec::new();
        for resource_key in self.objects.resources() {
            for object in self.objects.names_in(resource_key, name) {
                targets.push((resource_key.clone(), object));
            }
        }
        for (resource_key, object) in targets {
            match self
                .registry
                .by_key(&resource_key.0, &resource_key.1)
                .cloned()
            {
                Some(resource) => {
                    let _ = self.delete(&resource, name, &object, &DeleteOptions::default());
                }
                None => {
                    self.remove(&resource_key, name, &object);
                }
            }
        }
        let mut remaining: BTreeMap<String, usize> = BTreeMap::new();
        let mut finalizers: BTreeMap<String, usize> = BTreeMap::new();
        for (group, plural) in self.objects.resources() {
            let Some(objects) = self.objects.get(&key(group, plural)) else {
                continue;
            };
            for object in objects
                .range::<ObjectKey, _>((name.to_string(), String::new())..)
                .take_while(|((ns, _), _)| ns == name)
                .map(|(_, object)| object)
            {
                *remaining.entry(format!("{plural}.{group}")).or_default() += 1;
                let held = object
                    .pointer("/metadata/finalizers")
                    .and_then(Value::as_array);
                for finalizer in held.into_iter().flatten().filter_map(Value::as_str) {
                    *finalizers.entry(finalizer.to_string()).or_default() += 1;
                }
            }
        }
        if remaining.is_empty() {
            // The namespace controller's own finalizer goes; others keep the namespace.
            let Some(namespace) = self.lookup("", "namespaces", "", name) else {
                return true;
            };
            let mut finished = (*namespace).clone();
            let mut others = Vec::new();
            if let Some(list) = finished
                .pointer_mut("/spec/finalizers")
                .and_then(Value::as_array_mut)
            {
                list.retain(|f| f != "kubernetes");
                others = list.clone();
            }
            if others.is_empty() {
                self.remove(&key("", "namespaces"), "", name);
            } else {
                self.replace_internal("", "namespaces", finished);
            }
            return true;
        }
        let join = |counts: &BTreeMap<String, usize>, pattern: &dyn Fn(&str, usize) -> String| {
            counts
                .iter()
                .map(|(what, count)| pattern(what, *count))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let resources = join(&remaining, &|what, count| {
            format!("{what} has {count} resource instances")
        });
        let held = join(&finalizers, &|what, count| {
            format!("{what} in {count} resource instances")
        });
        let condition = |kind: &str, failing: bool, reason: &str, message: String| json!({"type": kind, "status": if failing { "True" } else { "False" }, "reason": reason, "message": message});
        let conditions = vec![
            condition(
                "NamespaceDeletionDiscoveryFailure",
                false,
                "ResourcesDiscovered",
                "All resources successfully discovered".into(),
            ),
            condition(
                "NamespaceDeletionGroupVersionParsingFailure",
                false,
                "ParsedGroupVersions",
                "All legacy kube types successfully parsed".into(),
            ),
            condition(
                "NamespaceDeletionContentFailure",
                false,
                "ContentDeleted",
                "All content successfully deleted, may be waiting on finalization".into(),
            ),
            condition(
                "NamespaceContentRemaining",
                true,
                "SomeResourcesRemain",
                format!("Some resources are remaining: {resources}"),
            ),
            match finalizers.is_empty() {
                true => condition(
                    "NamespaceFinalizersRemaining",
                    false,
                    "ContentRemoved",
                    "All content successfully removed".into(),
                ),
                false => condition(
                    "NamespaceFinalizersRemaining",
                    true,
                    "SomeFinalizerRemain",
                    format!("Some finalizers are remaining: {held}"),
                ),
            },
        ];
        let Some(namespace) = self.lookup("", "namespaces", "", name) else {
            return true;
        };
        let mut status = namespace
            .get("status")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let unchanged = status
            .get("conditions")
            .and_then(Value::as_array)
            .is_some_and(|old| {
                old.len() == conditions.len()
                    && old.iter().zip(&conditions).all(|(old, new)| {
                        ["type", "status", "reason", "message"]
                            .iter()
                            .all(|f| old.get(f) == new.get(f))
                    })
            });
        if !unchanged {
            let now = now_rfc3339();
            let conditions: Vec<Value> = conditions
                .into_iter()
                .map(|mut c| {
                    c["lastTransitionTime"] = json!(now);
                    c
                })
                .collect();
            status["conditions"] = json!(conditions);
            self.set_status("", "namespaces", "", name, status);
        }
        false
    }

    /// Every object of one resource (for controller resyncs).
    pub fn all(&self, group: &str, plural: &str) -> Vec<Arc<Value>> {
        self.objects
            .get(&key(group, plural))
            .map(|objects| objects.values().cloned().collect())
            .unwrap_or_default()
    }
}

/// A Service update that leaves out its cluster IP or node ports keeps the allocated ones, as
/// the API server does, instead of getting new ones (which would then be refused as immutable).
fn keep_allocated_service_values(old: &Value, object: &mut Value) {
    let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    for field in ["clusterIP", "clusterIPs"] {
        if !spec.contains_key(field)
            && let Some(value) = old.pointer(&format!("/spec/{field}"))
        {
            spec.insert(field.into(), value.clone());
        }
    }
    let old_ports = old
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for port in spec
        .get_mut("ports")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let Some(port) = port.as_object_mut() else {
            continue;
        };
        if port.contains_key("nodePort") {
            continue;
        }
        let protocol = |p: &Value| {
            p.get("protocol")
                .and_then(Value::as_str)
                .unwrap_or("TCP")
                .to_string()
        };
        let this = (
            port.get("port").cloned(),
            protocol(&Value::Object(port.clone())),
        );
        if let Some(node_port) = old_ports
            .iter()
            .find(|p| (p.get("port").cloned(), protocol(p)) == this)
            .and_then(|p| p.get("nodePort"))
        {
            port.insert("nodePort".into(), node_port.clone());
        }
    }
}

/// Defaults of a Pod spec: restart policy, DNS, scheduler, grace period, and per container the
/// pull policy, termination message and port protocol.
fn default_pod_spec(spec: &mut Map<String, Value>, restart_policy: Option<&str>) {
    if let Some(restart_policy) = restart_policy {
        spec.entry("restartPolicy").or_insert(json!(restart_policy));
    }
    for (key, value) in [
        ("dnsPolicy", json!("ClusterFirst")),
        ("schedulerName", json!("default-scheduler")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("securityContext", json!({})),
    ] {
        spec.entry(key).or_insert(value);
    }
    for list in ["initContainers", "containers"] {
        for container in spec
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let Some(container) = container.as_object_mut() else {
                continue;
            };
            let image = container.get("image").and_then(Value::as_str).unwrap_or("");
            let latest = !image.contains(':') || image.ends_with(":latest");
            let pull = if latest && !image.contains('@') {
                "Always"
            } else {
                "IfNotPresent"
            };
            container.entry("imagePullPolicy").or_insert(json!(pull));
            container
                .entry("terminationMessagePath")
                .or_insert(json!("/dev/termination-log"));
            container
                .entry("terminationMessagePolicy")
                .or_insert(json!("File"));
            for port in container
                .get_mut("ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(port) = port.as_object_mut() {
                    port.entry("protocol").or_insert(json!("TCP"));
                }
            }
        }
    }
}

/// A `metadata.resourceVersion` in what a client sends is a precondition: it must be current.
pub fn check_resource_version(
    resource: &ResourceType,
    given: &Value,
    current: &Value,
) -> ApiResult<()> {
    match get_str(given, &["metadata", "resourceVersion"]) {
        Some(version) if Some(version) != get_str(current, &["metadata", "resourceVersion"]) => {
            Err(ApiError::conflict(
                &resource.group,
                &resource.plural,
                name_of(current),
            ))
        }
        _ => Ok(()),
    }
}

pub fn owner_uids(object: &Value) -> impl Iterator<Item = &str> {
    object
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|reference| reference.get("uid").and_then(Value::as_str))
}

/// The object without fields that change on every write (for no-op detection).
fn comparable(object: &Value) -> Value {
    let mut copy = object.clone();
    if let Some(metadata) = copy.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("resourceVersion");
        if let Some(Value::Array(entries)) = metadata.get_mut("managedFields") {
            for entry in entries {
                if let Some(entry) = entry.as_object_mut() {
                    entry.remove("time");
                }
            }
        }
    }
    copy
}

fn without_metadata_and_status(object: &Value) -> Value {
    let mut copy = object.clone();
    if let Some(map) = copy.as_object_mut() {
        map.remove("metadata");
        map.remove("status");
    }
    copy
}
