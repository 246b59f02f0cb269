//! The use cases of environments after they exist: `env list` (two LISTs, whatever the number
//! of environments), `env down` and `env gc` (`teardown`), and pools (`pool`: create, claim,
//! release). The model is `env::environment`; this module makes the API calls.

pub mod pool;
pub mod teardown;

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ListParams, Patch, PatchParams};

use crate::cluster::{self, Cluster};
use crate::env::environment::{Environment, attach_releases};
use crate::env::{MANAGED_BY, MANAGED_BY_LABEL, POOL_LABEL};
use crate::error::{Error, Result};
use crate::release::store::{ListQuery, Store};

/// The label selector of every namespace `charts env` made, narrowed by the user's.
pub fn selector(user: Option<&str>, pool: Option<&str>) -> Result<String> {
    let mut selector = match pool {
        Some(pool) => format!("{MANAGED_BY_LABEL}={MANAGED_BY},{POOL_LABEL}={pool}"),
        None => crate::env::selector(),
    };
    if let Some(user) = user.filter(|s| !s.trim().is_empty()) {
        crate::release::selector::Selector::parse(user).map_err(|message| {
            Error::Usage(format!("invalid label selector `{user}`: {message}"))
        })?;
        selector.push(',');
        selector.push_str(user);
    }
    Ok(selector)
}

pub(crate) fn namespaces(cluster: &Cluster) -> Api<Namespace> {
    Api::all(cluster.client.clone())
}

/// The environment namespaces matching `selector`, from one metadata-only LIST.
pub async fn list_namespaces(cluster: &Cluster, selector: &str) -> Result<Vec<Environment>> {
    let api = namespaces(cluster);
    let params = ListParams::default().labels(selector);
    let listed = cluster::retry::retry(|| api.list_metadata(&params))
        .await
        .map_err(|e| cluster::Error::from_kube(e, cluster, "list", "namespaces", "*"))?;
    let mut environments: Vec<Environment> = listed
        .items
        .iter()
        .filter_map(|item| Environment::from_metadata(&item.metadata))
        .collect();
    environments.sort_by(|a, b| a.namespace.cmp(&b.namespace));
    Ok(environments)
}

/// `env list`: the environments and the latest revision of each release in them: one LIST of
/// namespaces by label, and the release records' metadata in every namespace, page by page (one
/// request up to 500 records).
pub async fn list(
    cluster: &Cluster,
    store: &impl Store,
    user_selector: Option<&str>,
) -> Result<Vec<Environment>> {
    let selector = selector(user_selector, None)?;
    let (environments, records) = futures_util::future::join(
        list_namespaces(cluster, &selector),
        // Page by page, one summary kept per release: memory follows releases, not revisions.
        crate::action::records::latest(store, &ListQuery::default()),
    )
    .await;
    let mut environments = environments?;
    attach_releases(&mut environments, records?);
    Ok(environments)
}

/// One namespace's metadata; `None` when it does not exist.
pub async fn get_namespace(
    cluster: &Cluster,
    namespace: &str,
) -> Result<Option<kube::api::PartialObjectMeta<Namespace>>> {
    let api = namespaces(cluster);
    Ok(cluster::retry::retry(|| api.get_metadata_opt(namespace))
        .await
        .map_err(|e| cluster::Error::from_kube(e, cluster, "get", "namespaces", namespace))?)
}

/// One environment with its releases (a GET and a LIST in its namespace); `None` when the
/// namespace does not exist, an error naming why when it is not an environment.
pub async fn get(
    cluster: &Cluster,
    store: &impl Store,
    namespace: &str,
) -> Result<Option<Environment>> {
    let Some(live) = get_namespace(cluster, namespace).await? else {
        return Ok(None);
    };
    if let Some(reason) = crate::env::environment::not_ours(namespace, &live.metadata) {
        return Err(Error::with_hint(
            format!("{reason}; refusing to touch it"),
            "`charts env` only tears down namespaces it created (`charts env up`, `charts env pool create`)",
        ));
    }
    let mut environment =
        Environment::from_metadata(&live.metadata).expect("checked to be an environment");
    let records = store
        .list(&ListQuery {
            namespace: Some(namespace.to_string()),
            ..ListQuery::default()
        })
        .await?;
    attach_releases(std::slice::from_mut(&mut environment), records);
    Ok(Some(environment))
}

/// What a conditional namespace patch came to.
#[derive(Debug, PartialEq)]
pub enum Patched {
    Done(Box<Environment>),
    /// The namespace changed since it was read (409): someone else got there first.
    Conflict,
    Gone,
}

/// A merge patch of the namespace's annotations (`null` removes one) that applies only if the
/// namespace is still at `resource_version`: the API's optimistic concurrency.
pub async fn patch_annotations(
    cluster: &Cluster,
    namespace: &str,
    resource_version: &str,
    annotations: serde_json::Value,
) -> Result<Patched> {
    let api = namespaces(cluster);
    let patch = serde_json::json!({
        "metadata": {"resourceVersion": resource_version, "annotations": annotations}
    });
    let params = PatchParams::default();
    let patch = Patch::Merge(&patch);
    match cluster::retry::retry(|| api.patch_metadata(namespace, &params, &patch)).await {
        Ok(patched) => Ok(Environment::from_metadata(&patched.metadata)
            .map(|e| Patched::Done(Box::new(e)))
            .unwrap_or(Patched::Gone)),
        Err(kube::Error::Api(status)) if status.code == 409 => Ok(Patched::Conflict),
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(Patched::Gone),
        Err(e) => {
            Err(cluster::Error::from_kube(e, cluster, "patch", "namespaces", namespace).into())
        }
    }
}

/// The same cluster connection, working in `namespace`.
pub(crate) fn in_namespace(cluster: &Cluster, namespace: &str) -> Cluster {
    Cluster {
        namespace: namespace.to_string(),
        ..cluster.clone()
    }
}
