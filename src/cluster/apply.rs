//! Putting a release's objects into the cluster and taking them out again.
//!
//! Apply is server-side apply with field manager `charts`: CRDs from `crds/` first (created when
//! absent, then waited on until Established, then the API is rediscovered), then the objects in
//! install order, one kind at a time, the objects of one kind in parallel with a bounded number of
//! requests in flight. Every object carries the ownership marks of DESIGN.md section 3; an object
//! that already exists and belongs to another release, or to nobody, is refused unless the user
//! asked for `--take-ownership`. Deletion goes in reverse order and never touches an object that
//! is marked `resource-policy: keep` or that belongs to someone else.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams,
    PropagationPolicy,
};
use kube::discovery::Scope;
use serde_json::Value;

use super::Cluster;
use super::discovery::{Discovery, discover};
use super::ready::{Readiness, readiness};
use super::retry::retry;
use crate::render::Object;

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

/// Where the applier says what it is doing, one short line at a time (the CLI shows it as a
/// spinner on a terminal, and nowhere else).
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(&str) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl Progress {
    pub fn report(progress: Option<&Progress>, message: &str) {
        if let Some(progress) = progress {
            (progress.0)(message);
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

/// Why one object could not be applied or deleted.
#[derive(Debug, thiserror::Error)]
pub enum Reason {
    #[error("the cluster has no kind `{kind}` in `{api_version}`")]
    UnknownKind { api_version: String, kind: String },
    #[error("it exists and belongs to release `{release}` in namespace `{namespace}`")]
    OwnedByRelease { release: String, namespace: String },
    #[error("it exists and was not created by charts{}", managed_by.as_ref().map(|m| format!(" (managed by `{m}`)")).unwrap_or_default())]
    NotOurs { managed_by: Option<String> },
    #[error("{}", conflict_text(.0))]
    Conflict(Vec<(String, String)>),
    #[error("the API server rejected it ({code} {reason}): {message}")]
    Rejected {
        code: u16,
        reason: String,
        message: String,
    },
    #[error("it is gone only after more than {0:?}")]
    Timeout(Duration),
    #[error("it failed: {0}")]
    Failed(String),
    #[error("it was not ready after {after:?}: {reason}")]
    NotReady { after: Duration, reason: String },
    #[error(transparent)]
    Cluster(super::Error),
}

fn conflict_text(conflicts: &[(String, String)]) -> String {
    let mut by_manager: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (manager, field) in conflicts {
        by_manager.entry(manager).or_default().push(field);
    }
    let parts: Vec<String> = by_manager
        .iter()
        .map(|(manager, fields)| format!("`{manager}` owns {}", fields.join(", ")))
        .collect();
    format!("conflict with other field managers: {}", parts.join("; "))
}

/// A failure to apply or delete an object: which one, doing what, and why.
#[derive(Debug, thiserror::Error)]
#[error("cannot {verb} {object}: {reason}{}", if *.others > 0 { format!(" (and {} more {} failed)", .others, plural("object", *.others)) } else { String::new() })]
pub struct Error {
    pub verb: &'static str,
    pub object: Box<ObjectKey>,
    pub reason: Box<Reason>,
    /// How many other objects of the same batch failed too.
    pub others: usize,
}

impl Error {
    fn new(verb: &'static str, object: ObjectKey, reason: Reason) -> Error {
        Error {
            verb,
            object: Box::new(object),
            reason: Box::new(reason),
            others: 0,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match &*self.reason {
            Reason::UnknownKind { .. } => Some(
                "install the CRD that defines it first (or ship it in the chart's `crds/`); `kubectl api-resources` lists the kinds the cluster knows".into(),
            ),
            Reason::OwnedByRelease { .. } | Reason::NotOurs { .. } => Some(
                "pass `--take-ownership` to adopt it into this release, or rename it in the chart".into(),
            ),
            Reason::Conflict(_) => Some(
                "another tool changed these fields; pass `--force-conflicts` to take them, or stop setting them in the chart".into(),
            ),
            Reason::Cluster(error) => error.hint(),
            _ => None,
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

fn is_keep(annotations: Option<&BTreeMap<String, String>>) -> bool {
    annotations.is_some_and(|a| {
        RESOURCE_POLICY_ANNOTATIONS
            .iter()
            .any(|key| a.get(*key).is_some_and(|v| v == "keep"))
    })
}

fn object_keeps(object: &Object) -> bool {
    RESOURCE_POLICY_ANNOTATIONS
        .iter()
        .any(|key| object.annotation(key) == Some("keep"))
}

/// Extracts `(manager, field)` pairs from an apply conflict Status.
fn conflicts_of(status: &kube::core::Status) -> Vec<(String, String)> {
    status
        .details
        .iter()
        .flat_map(|d| d.causes.iter())
        .filter(|c| c.reason == "FieldManagerConflict")
        .map(|c| {
            let manager = c
                .message
                .split('"')
                .nth(1)
                .map(str::to_string)
                .unwrap_or_else(|| c.message.trim_start_matches("conflict with ").to_string());
            (manager, c.field.clone())
        })
        .collect()
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
            .ok_or_else(|| {
                Error::new(
                    verb,
                    ObjectKey::of(object),
                    Reason::UnknownKind {
                        api_version: object.api_version().to_string(),
                        kind: object.kind().to_string(),
                    },
                )
            })
    }

    fn api(&self, resource: &ApiResource, namespace: Option<&str>) -> Api<DynamicObject> {
        match namespace {
            Some(namespace) => {
                Api::namespaced_with(self.cluster.client.clone(), namespace, resource)
            }
            None => Api::all_with(self.cluster.client.clone(), resource),
        }
    }

    fn cluster_error(
        &self,
        error: kube::Error,
        verb: &str,
        resource: &ApiResource,
        namespace: Option<&str>,
    ) -> Reason {
        match error {
            kube::Error::Api(status)
                if status.code != 401
                    && status.code != 403
                    && status.code < 500
                    && status.code != 429 =>
            {
                let conflicts = conflicts_of(&status);
                if status.code == 409 && !conflicts.is_empty() {
                    Reason::Conflict(conflicts)
                } else {
                    Reason::Rejected {
                        code: status.code,
                        reason: status.reason.clone(),
                        message: status.message.clone(),
                    }
                }
            }
            other => Reason::Cluster(super::Error::from_kube(
                other,
                &self.cluster,
                verb,
                &resource.plural,
                namespace.unwrap_or(""),
            )),
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

    fn owned_by_us(&self, metadata: &kube::core::ObjectMeta) -> bool {
        let annotation = |key: &str| metadata.annotations.as_ref().and_then(|a| a.get(key));
        annotation(RELEASE_NAME_ANNOTATION) == Some(&self.options.owner.release)
            && annotation(RELEASE_NAMESPACE_ANNOTATION) == Some(&self.options.owner.namespace)
    }

    /// Metadata of the live objects of one resource in one namespace: one LIST.
    async fn live_metadata(
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
    async fn check_ownership(
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

    /// One server-side apply, retried on transient errors.
    async fn apply_one(
        &self,
        object: &Object,
        resource: &ApiResource,
        namespaced: bool,
    ) -> Result<ObjectKey, Error> {
        let (key, value) = self.prepared(object, namespaced);
        let api = self.api(resource, key.namespace.as_deref());
        let params = PatchParams {
            field_manager: Some(FIELD_MANAGER.to_string()),
            force: self.options.force_conflicts,
            dry_run: self.options.dry_run,
            ..PatchParams::default()
        };
        let patch = Patch::Apply(&value);
        retry(|| api.patch(&key.name, &params, &patch))
            .await
            .map_err(|e| {
                let reason = self.cluster_error(e, "apply", resource, key.namespace.as_deref());
                Error::new("apply", key.clone(), reason)
            })?;
        Ok(key)
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
        let mut applied = Vec::new();
        let mut failures = Vec::new();
        for result in results {
            match result {
                Ok(key) => applied.push(key),
                Err(error) => failures.push(error),
            }
        }
        first_of(failures)?;
        Ok(applied)
    }

    /// Creates the CRDs from `crds/` that the cluster does not have (existing ones are left as
    /// they are, as Helm does), waits until they are Established, and rediscovers the API.
    pub async fn install_crds(&mut self, crds: &[Object], timeout: Duration) -> Result<(), Error> {
        if crds.is_empty() {
            return Ok(());
        }
        let mut missing = Vec::new();
        for crd in crds {
            let (resource, _) = self.resolve_or_error("apply", crd)?;
            let api = self.api(&resource, None);
            let exists = retry(|| api.get_metadata_opt(crd.name()))
                .await
                .map_err(|e| {
                    Error::new(
                        "apply",
                        ObjectKey::of(crd),
                        self.cluster_error(e, "get", &resource, None),
                    )
                })?;
            if exists.is_none() {
                missing.push(crd);
            }
        }
        let applied = self.apply_batch(&missing).await?;
        if self.options.dry_run {
            self.dry_run_kinds
                .extend(missing.iter().filter_map(|crd| crd_kind(crd)));
            return Ok(());
        }
        if applied.is_empty() {
            return Ok(());
        }
        self.wait_ready(&missing, timeout).await?;
        self.rediscover().await
    }

    async fn rediscover(&mut self) -> Result<(), Error> {
        self.discovery = discover(&self.cluster).await.map_err(|e| {
            Error::new(
                "discover",
                ObjectKey {
                    group: String::new(),
                    kind: "API".into(),
                    namespace: None,
                    name: "resources".into(),
                },
                Reason::Cluster(e),
            )
        })?;
        Ok(())
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

    /// Reads each object back; waits until every one is ready (or one fails, or time runs out).
    pub async fn wait_ready(&self, objects: &[&Object], timeout: Duration) -> Result<(), Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut pending: Vec<&Object> = objects.to_vec();
        let mut delay = Duration::from_millis(50);
        loop {
            let statuses = self.statuses(&pending).await;
            let mut still = Vec::new();
            let mut first_pending = None;
            for (object, status) in pending.iter().zip(statuses) {
                let status = status?;
                match status.1 {
                    Readiness::Ready => {}
                    Readiness::Failed(reason) => {
                        return Err(Error::new("wait for", status.0, Reason::Failed(reason)));
                    }
                    Readiness::Pending(reason) => {
                        first_pending.get_or_insert((status.0, reason));
                        still.push(*object);
                    }
                }
            }
            let Some((key, reason)) = first_pending else {
                return Ok(());
            };
            let others = match still.len() - 1 {
                0 => String::new(),
                1 => " and 1 more object".to_string(),
                more => format!(" and {more} more objects"),
            };
            self.report(&format!("waiting for {key}: {reason}{others}"));
            if tokio::time::Instant::now() >= deadline {
                let statuses = self.statuses(&still[..1]).await;
                let (key, readiness) = statuses.into_iter().next().expect("one")?;
                return Err(Error {
                    verb: "wait for",
                    object: Box::new(key),
                    reason: Box::new(Reason::NotReady {
                        after: timeout,
                        reason: readiness.reason().to_string(),
                    }),
                    others: still.len() - 1,
                });
            }
            pending = still;
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(1));
        }
    }

    /// Readiness of each object (missing objects are pending).
    async fn statuses(&self, objects: &[&Object]) -> Vec<Result<(ObjectKey, Readiness), Error>> {
        stream::iter(objects.iter())
            .map(|object| async move {
                let (resource, namespaced) = self
                    .resolve_any_version(object.api_version(), object.kind())
                    .ok_or_else(|| {
                        Error::new(
                            "read",
                            ObjectKey::of(object),
                            Reason::UnknownKind {
                                api_version: object.api_version().to_string(),
                                kind: object.kind().to_string(),
                            },
                        )
                    })?;
                let key = self.scoped_key(object, namespaced);
                let api = self.api(&resource, key.namespace.as_deref());
                let live = retry(|| api.get_opt(&key.name)).await.map_err(|e| {
                    let reason = self.cluster_error(e, "get", &resource, key.namespace.as_deref());
                    Error::new("read", key.clone(), reason)
                })?;
                let readiness = match live {
                    None => Readiness::Pending("does not exist yet".into()),
                    Some(live) => readiness(&serde_json::to_value(&live).unwrap_or(Value::Null)),
                };
                Ok((key, readiness))
            })
            .buffered(self.options.concurrency.max(1))
            .collect()
            .await
    }

    /// Each object as it is in the cluster: exists, and ready or why not.
    pub async fn status(&self, objects: &[Object]) -> Result<Vec<ObjectStatus>, Error> {
        let refs: Vec<&Object> = objects.iter().collect();
        let mut result = Vec::new();
        for (object, status) in refs.iter().zip(self.statuses(&refs).await) {
            match status {
                Ok((key, Readiness::Pending(reason))) if reason == "does not exist yet" => result
                    .push(ObjectStatus {
                        key,
                        exists: false,
                        state: "missing".into(),
                        reason: String::new(),
                    }),
                Ok((key, readiness)) => result.push(ObjectStatus {
                    key,
                    exists: true,
                    state: readiness.label().into(),
                    reason: readiness.reason().to_string(),
                }),
                Err(error) if matches!(*error.reason, Reason::UnknownKind { .. }) => {
                    result.push(ObjectStatus {
                        key: ObjectKey::of(object),
                        exists: false,
                        state: "unknown-kind".into(),
                        reason: format!(
                            "the cluster has no kind `{}` in `{}`",
                            object.kind(),
                            object.api_version()
                        ),
                    })
                }
                Err(error) => return Err(error),
            }
        }
        Ok(result)
    }

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

    async fn wait_gone(&self, objects: &[&Object], timeout: Duration) -> Result<(), Error> {
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

/// `ConfigMap` → `ConfigMaps`, for progress lines.
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

/// The `(group, kind)` a CRD defines.
fn crd_kind(crd: &Object) -> Option<(String, String)> {
    let spec = &crd.value["spec"];
    Some((
        spec["group"].as_str()?.to_string(),
        spec["names"]["kind"].as_str()?.to_string(),
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn object(yaml: &str) -> Object {
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
    fn conflict_causes_name_managers_and_fields() {
        let status = kube::core::Status::failure("Apply failed with 2 conflicts", "Conflict")
            .with_code(409)
            .with_details(kube::core::response::StatusDetails {
                causes: vec![
                    kube::core::response::StatusCause {
                        reason: "FieldManagerConflict".into(),
                        message: "conflict with \"kubectl\"".into(),
                        field: ".spec.replicas".into(),
                    },
                    kube::core::response::StatusCause {
                        reason: "FieldManagerConflict".into(),
                        message: "conflict with \"kubectl\" using apps/v1".into(),
                        field: ".data.x".into(),
                    },
                ],
                name: String::new(),
                group: String::new(),
                kind: String::new(),
                uid: String::new(),
                retry_after_seconds: 0,
            });
        let conflicts = conflicts_of(&status);
        assert_eq!(
            conflicts[0],
            ("kubectl".to_string(), ".spec.replicas".to_string())
        );
        assert_eq!(
            Reason::Conflict(conflicts).to_string(),
            "conflict with other field managers: `kubectl` owns .spec.replicas, .data.x"
        );
    }

    #[test]
    fn progress_lines_use_plural_kinds() {
        assert_eq!(plural("ConfigMap", 2), "ConfigMaps");
        assert_eq!(plural("Ingress", 2), "Ingresses");
        assert_eq!(plural("NetworkPolicy", 3), "NetworkPolicies");
        assert_eq!(plural("Service", 1), "Service");
    }

    #[test]
    fn errors_count_the_other_failures_in_the_singular_and_plural() {
        let key = ObjectKey::of(&object(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
        ));
        let failed = |others| Error {
            others,
            ..Error::new("apply", key.clone(), Reason::Failed("no".into()))
        };
        assert_eq!(
            failed(1).to_string(),
            "cannot apply ConfigMap `a`: it failed: no (and 1 more object failed)"
        );
        assert_eq!(
            failed(2).to_string(),
            "cannot apply ConfigMap `a`: it failed: no (and 2 more objects failed)"
        );
    }

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
