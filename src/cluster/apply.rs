//! Putting a release's objects into the cluster and taking them out again.
//!
//! Apply is server-side apply with field manager `charts`: CRDs from `crds/` first (created when
//! absent, then waited on until Established, then the API is rediscovered), then the objects in
//! install order, one kind at a time, the objects of one kind in parallel with a bounded number of
//! requests in flight. Every object carries the ownership marks of DESIGN.md section 3; an object
//! that already exists and belongs to another release, or to nobody, is refused unless the user
//! asked for `--take-ownership`. Deletion goes in reverse order and never touches an object that
//! is marked `resource-policy: keep` or that belongs to someone else.
//!
//! The `Applier` core is here (discovery, resolving kinds, preparing and applying objects);
//! [`ownership`], [`crds`], [`wait`] (readiness and status), [`delete`] and [`error`] hold the
//! rest of its methods by concept.

mod crds;
mod delete;
mod dry_run;
mod error;
mod hook;
pub mod immutable;
mod ownership;
mod replace;
mod wait;
mod watch;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use kube::api::{Api, ApiResource, DynamicObject, Patch, PatchParams};
use kube::discovery::Scope;
use serde_json::Value;

use super::Cluster;
use super::discovery::{Discovery, discover};
use super::retry::retry;
use crate::render::Object;
use crds::crd_kind;
pub use dry_run::{DryRunOutcome, LiveObjects};
pub use error::{Error, Reason};
pub use hook::hook_readiness;
pub use immutable::{ImmutableField, REPLACE_ON_CHANGE_ANNOTATION};

pub const FIELD_MANAGER: &str = "charts";
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "charts";
pub const RELEASE_NAME_ANNOTATION: &str = "charts.dev/release-name";
pub const RELEASE_NAMESPACE_ANNOTATION: &str = "charts.dev/release-namespace";
/// `keep` in either of these spares an object from pruning and uninstall (Helm's name too).
pub const RESOURCE_POLICY_ANNOTATIONS: &[&str] =
    &["charts.dev/resource-policy", "helm.sh/resource-policy"];
/// Requests in flight at once while applying or deleting the objects of one kind.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// An object's identity across revisions: group, kind, namespace and name (the version may
/// change between chart versions without making it a different object).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct ObjectKey {
    pub group: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectKey {
    pub fn of(object: &Object) -> ObjectKey {
        let group = object
            .api_version()
            .split_once('/')
            .map(|(group, _)| group.to_string())
            .unwrap_or_default();
        ObjectKey {
            group,
            kind: object.kind().to_string(),
            namespace: object.namespace().map(str::to_string),
            name: object.name().to_string(),
        }
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(namespace) => write!(f, "{} `{namespace}/{}`", self.kind, self.name),
            None => write!(f, "{} `{}`", self.kind, self.name),
        }
    }
}

/// The release that applies, and so owns, the objects.
#[derive(Debug, Clone)]
pub struct Owner {
    pub release: String,
    pub namespace: String,
}

/// Where the applier says what it is doing: short lines about the operation, and the state of
/// each object a wait is waiting for whenever it changes (the CLI shows them live on a terminal,
/// as timestamped lines elsewhere).
pub trait ProgressSink: Send + Sync {
    fn message(&self, message: &str);

    /// A waited object's readiness changed (`Ready` once it is done).
    fn object(&self, key: &ObjectKey, state: &crate::cluster::ready::Readiness) {
        let _ = (key, state);
    }
}

/// Any `Fn(&str)` takes the operation's lines and ignores the objects' states.
impl<F: Fn(&str) + Send + Sync> ProgressSink for F {
    fn message(&self, message: &str) {
        self(message)
    }
}

#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn ProgressSink>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl Progress {
    pub fn report(progress: Option<&Progress>, message: &str) {
        if let Some(progress) = progress {
            progress.0.message(message);
        }
    }

    pub fn object(
        progress: Option<&Progress>,
        key: &ObjectKey,
        state: &crate::cluster::ready::Readiness,
    ) {
        if let Some(progress) = progress {
            progress.0.object(key, state);
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    pub owner: Owner,
    /// Send every request with `dryRun=All`: the API server validates, nothing is stored.
    pub dry_run: bool,
    /// Take fields other managers own (`force=true`).
    pub force_conflicts: bool,
    /// Adopt existing objects that belong to another release or to nobody.
    pub take_ownership: bool,
    pub concurrency: usize,
    pub progress: Option<Progress>,
}

impl ApplyOptions {
    /// Real (not dry-run) applies for `release` in `namespace`, refusing conflicts and other
    /// owners' objects, with the default concurrency and no progress display.
    pub fn new(release: &str, namespace: &str) -> ApplyOptions {
        ApplyOptions {
            owner: Owner {
                release: release.to_string(),
                namespace: namespace.to_string(),
            },
            dry_run: false,
            force_conflicts: false,
            take_ownership: false,
            concurrency: DEFAULT_CONCURRENCY,
            progress: None,
        }
    }
}

/// An object of the release as it is in the cluster now.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ObjectStatus {
    pub key: ObjectKey,
    pub exists: bool,
    /// `ready`, `pending`, `failed` or `missing`.
    pub state: String,
    pub reason: String,
}

/// What an uninstall or prune did.
#[derive(Debug, Default, Clone)]
pub struct DeleteReport {
    pub deleted: Vec<ObjectKey>,
    /// Spared by `resource-policy: keep`.
    pub kept: Vec<ObjectKey>,
    /// Spared because another release (or nobody) owns them now.
    pub not_ours: Vec<ObjectKey>,
    /// Already gone.
    pub missing: Vec<ObjectKey>,
}

/// Applies, deletes and inspects objects for one release. Holds the API discovery.
pub struct Applier {
    cluster: Cluster,
    discovery: Discovery,
    options: ApplyOptions,
    /// `(group, kind)` defined by CRDs that a dry run validated but did not create.
    dry_run_kinds: HashSet<(String, String)>,
}

fn api_version_parts(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// Groups consecutive objects of one kind (the input is in install order).
fn kind_batches<'a>(objects: &[&'a Object]) -> Vec<Vec<&'a Object>> {
    let mut batches: Vec<Vec<&Object>> = Vec::new();
    for object in objects {
        match batches.last_mut() {
            Some(batch)
                if batch[0].kind() == object.kind()
                    && batch[0].api_version() == object.api_version() =>
            {
                batch.push(object)
            }
            _ => batches.push(vec![object]),
        }
    }
    batches
}

/// Metadata of live objects, by name.
type LiveMetadata = HashMap<String, kube::core::ObjectMeta>;

impl Applier {
    /// Connects discovery (two requests on servers with aggregated discovery).
    pub async fn new(cluster: &Cluster, options: ApplyOptions) -> Result<Applier, super::Error> {
        Ok(Applier {
            discovery: discover(cluster).await?,
            cluster: cluster.clone(),
            options,
            dry_run_kinds: HashSet::new(),
        })
    }

    pub fn options(&self) -> &ApplyOptions {
        &self.options
    }

    fn report(&self, message: &str) {
        Progress::report(self.options.progress.as_ref(), message);
    }

    /// The API resource of a kind, and whether it is namespaced.
    fn resolve(&self, api_version: &str, kind: &str) -> Option<(ApiResource, bool)> {
        let (group, version) = api_version_parts(api_version);
        let gvk = kube::api::GroupVersionKind::gvk(group, version, kind);
        self.discovery
            .resolve_gvk(&gvk)
            .map(|(resource, capabilities)| (resource, capabilities.scope == Scope::Namespaced))
    }

    /// Like `resolve`, but any version the cluster serves for the kind's group will do: for
    /// reading and deleting objects stored under a version the cluster no longer serves.
    fn resolve_any_version(&self, api_version: &str, kind: &str) -> Option<(ApiResource, bool)> {
        if let Some(found) = self.resolve(api_version, kind) {
            return Some(found);
        }
        let (group, _) = api_version_parts(api_version);
        let api_group = self.discovery.get(group)?;
        api_group
            .recommended_resources()
            .into_iter()
            .chain(
                api_group
                    .versions()
                    .flat_map(|version| api_group.versioned_resources(version)),
            )
            .find(|(resource, _)| resource.kind == kind)
            .map(|(resource, capabilities)| (resource, capabilities.scope == Scope::Namespaced))
    }

    /// The object's identity as the cluster sees it: no namespace for cluster-scoped kinds
    /// (whatever the manifest says), the release namespace for namespaced ones without one.
    pub fn key_of(&self, object: &Object) -> ObjectKey {
        match self.resolve_any_version(object.api_version(), object.kind()) {
            Some((_, namespaced)) => self.scoped_key(object, namespaced),
            None => ObjectKey::of(object),
        }
    }

    fn resolve_or_error(
        &self,
        verb: &'static str,
        object: &Object,
    ) -> Result<(ApiResource, bool), Error> {
        self.resolve(object.api_version(), object.kind())
            .ok_or_else(|| unknown_kind(verb, object))
    }

    /// [`Self::resolve_or_error`] for reads, which also find objects stored under an API version
    /// the cluster no longer serves (see [`Self::resolve_any_version`]).
    fn resolve_any_or_error(
        &self,
        verb: &'static str,
        object: &Object,
    ) -> Result<(ApiResource, bool), Error> {
        self.resolve_any_version(object.api_version(), object.kind())
            .ok_or_else(|| unknown_kind(verb, object))
    }

    /// The object as the cluster has it, if it exists (as JSON).
    async fn live(&self, object: &Object) -> Result<(ObjectKey, Option<Value>), Error> {
        let (resource, namespaced) = self.resolve_any_or_error("read", object)?;
        let key = self.scoped_key(object, namespaced);
        let api = self.api(&resource, key.namespace.as_deref());
        let live = retry(|| api.get_opt(&key.name)).await.map_err(|e| {
            let reason = self.cluster_error(e, "get", &resource, key.namespace.as_deref());
            Error::new("read", key.clone(), reason)
        })?;
        let value = live.map(|live| serde_json::to_value(&live).unwrap_or(Value::Null));
        Ok((key, value))
    }

    fn api(&self, resource: &ApiResource, namespace: Option<&str>) -> Api<DynamicObject> {
        match namespace {
            Some(namespace) => {
                Api::namespaced_with(self.cluster.client.clone(), namespace, resource)
            }
            None => Api::all_with(self.cluster.client.clone(), resource),
        }
    }

    /// The object's key with its namespace set by the API's scope: the release namespace for a
    /// namespaced object without one, none for a cluster-scoped object.
    fn scoped_key(&self, object: &Object, namespaced: bool) -> ObjectKey {
        let namespace = if namespaced {
            Some(
                object
                    .namespace()
                    .unwrap_or(&self.options.owner.namespace)
                    .to_string(),
            )
        } else {
            None
        };
        ObjectKey {
            namespace,
            ..ObjectKey::of(object)
        }
    }

    /// The object as it is sent: namespace set by the API's scope, ownership marks added.
    fn prepared(&self, object: &Object, namespaced: bool) -> (ObjectKey, Value) {
        let key = self.scoped_key(object, namespaced);
        let mut value = object.value.clone();
        let metadata = &mut value["metadata"];
        match (&key.namespace, metadata.as_object_mut()) {
            (Some(namespace), _) => metadata["namespace"] = Value::String(namespace.clone()),
            (None, Some(map)) => {
                map.remove("namespace");
            }
            (None, None) => {}
        }
        if !metadata["labels"].is_object() {
            metadata["labels"] = Value::Object(Default::default());
        }
        metadata["labels"][MANAGED_BY_LABEL] = Value::from(MANAGED_BY);
        if !metadata["annotations"].is_object() {
            metadata["annotations"] = Value::Object(Default::default());
        }
        metadata["annotations"][RELEASE_NAME_ANNOTATION] =
            Value::String(self.options.owner.release.clone());
        metadata["annotations"][RELEASE_NAMESPACE_ANNOTATION] =
            Value::String(self.options.owner.namespace.clone());
        (key, value)
    }

    /// One server-side apply, retried on transient errors.
    async fn apply_one(
        &self,
        object: &Object,
        resource: &ApiResource,
        namespaced: bool,
    ) -> Result<ObjectKey, Error> {
        let (key, result) = self
            .send_apply(object, resource, namespaced, self.options.dry_run)
            .await;
        result.map_err(|e| {
            let reason = self.cluster_error(e, "apply", resource, key.namespace.as_deref());
            Error::new("apply", key.clone(), reason)
        })?;
        Ok(key)
    }

    /// Sends one server-side apply (with `dryRun=All` when `dry_run`), retried on transient
    /// errors: the object as the server has it (or would have it) after.
    async fn send_apply(
        &self,
        object: &Object,
        resource: &ApiResource,
        namespaced: bool,
        dry_run: bool,
    ) -> (ObjectKey, Result<DynamicObject, kube::Error>) {
        let (key, value) = self.prepared(object, namespaced);
        let api = self.api(resource, key.namespace.as_deref());
        let params = PatchParams {
            field_manager: Some(FIELD_MANAGER.to_string()),
            force: self.options.force_conflicts,
            dry_run,
            ..PatchParams::default()
        };
        let patch = Patch::Apply(&value);
        let result = retry(|| api.patch(&key.name, &params, &patch)).await;
        (key, result)
    }

    async fn apply_batch(&self, batch: &[&Object]) -> Result<Vec<ObjectKey>, Error> {
        let Some(first) = batch.first() else {
            return Ok(Vec::new());
        };
        let (resource, namespaced) = self.resolve_or_error("apply", first)?;
        self.report(&format!(
            "{} {} {}",
            if self.options.dry_run {
                "validating"
            } else {
                "applying"
            },
            batch.len(),
            plural(first.kind(), batch.len())
        ));
        let results: Vec<Result<ObjectKey, Error>> = stream::iter(batch.iter())
            .map(|object| self.apply_one(object, &resource, namespaced))
            .buffered(self.options.concurrency.max(1))
            .collect()
            .await;
        all_or_first(results)
    }

    /// Applies `objects` (in install order). Objects listed in `previous` (the release's
    /// earlier inventory) are the release's own even if their marks were lost.
    /// Ownership is checked for every kind the cluster knows before anything is applied.
    pub async fn apply(
        &mut self,
        objects: &[Object],
        previous: &HashSet<ObjectKey>,
        timeout: Duration,
    ) -> Result<Vec<ObjectKey>, Error> {
        let refs: Vec<&Object> = objects.iter().collect();
        let batches = kind_batches(&refs);
        // Kinds the chart's own templated CRDs define are unknown until those CRDs apply.
        let mut defined_here: HashSet<(String, String)> = objects
            .iter()
            .filter(|o| o.kind() == "CustomResourceDefinition")
            .filter_map(crd_kind)
            .collect();
        defined_here.extend(self.dry_run_kinds.iter().cloned());
        let mut checked = vec![false; batches.len()];
        for (index, batch) in batches.iter().enumerate() {
            let first = batch[0];
            if self.resolve(first.api_version(), first.kind()).is_some() {
                self.check_ownership(batch, previous).await?;
                checked[index] = true;
            } else {
                let group = api_version_parts(first.api_version()).0.to_string();
                if !defined_here.contains(&(group, first.kind().to_string())) {
                    self.resolve_or_error("apply", first)?;
                }
            }
        }
        let mut applied = Vec::new();
        for (index, batch) in batches.iter().enumerate() {
            if !checked[index] {
                if self.options.dry_run
                    && self
                        .resolve(batch[0].api_version(), batch[0].kind())
                        .is_none()
                {
                    // Its CRD was only validated, not created: nothing to send.
                    continue;
                }
                self.check_ownership(batch, previous).await?;
            }
            applied.extend(self.apply_batch(batch).await?);
            if batch[0].kind() == "CustomResourceDefinition" && !self.options.dry_run {
                self.wait_ready(batch, timeout).await?;
                self.rediscover().await?;
            }
        }
        Ok(applied)
    }
}

/// `ConfigMap` → `ConfigMaps`, for progress lines.
/// The error for an object whose kind the cluster does not serve.
fn unknown_kind(verb: &'static str, object: &Object) -> Error {
    Error::new(
        verb,
        ObjectKey::of(object),
        Reason::UnknownKind {
            api_version: object.api_version().to_string(),
            kind: object.kind().to_string(),
        },
    )
}

fn plural(kind: &str, count: usize) -> String {
    if count == 1 {
        kind.to_string()
    } else if kind.ends_with('s') {
        format!("{kind}es")
    } else if let Some(stem) = kind.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{kind}s")
    }
}

/// The first failure, counting the others; `Ok` when there is none.
fn first_of(failures: Vec<Error>) -> Result<(), Error> {
    let others = failures.len().saturating_sub(1);
    match failures.into_iter().next() {
        Some(mut first) => {
            first.others = others;
            Err(first)
        }
        None => Ok(()),
    }
}

/// The results of a batch sent concurrently: every success, or the first failure (counting
/// the others).
fn all_or_first<T>(results: Vec<Result<T, Error>>) -> Result<Vec<T>, Error> {
    let mut done = Vec::with_capacity(results.len());
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(value) => done.push(value),
            Err(error) => failures.push(error),
        }
    }
    first_of(failures)?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An object from one YAML document, for the tests of this module and its submodules.
    pub(super) fn object(yaml: &str) -> Object {
        crate::render::manifest::parse_documents("t/templates/x.yaml", yaml)
            .unwrap()
            .remove(0)
    }

    #[test]
    fn keys_ignore_the_version() {
        let v1 = object(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: dev}\n",
        );
        let v2 = object(
            "apiVersion: apps/v2\nkind: Deployment\nmetadata: {name: web, namespace: dev}\n",
        );
        assert_eq!(ObjectKey::of(&v1), ObjectKey::of(&v2));
        assert_eq!(ObjectKey::of(&v1).to_string(), "Deployment `dev/web`");
    }

    #[test]
    fn batches_group_consecutive_kinds() {
        let a = object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
        let b = object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
        let c = object("apiVersion: v1\nkind: Service\nmetadata: {name: c}\n");
        let batches = kind_batches(&[&a, &b, &c]);
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn progress_lines_use_plural_kinds() {
        assert_eq!(plural("ConfigMap", 2), "ConfigMaps");
        assert_eq!(plural("Ingress", 2), "Ingresses");
        assert_eq!(plural("NetworkPolicy", 3), "NetworkPolicies");
        assert_eq!(plural("Service", 1), "Service");
    }
}
