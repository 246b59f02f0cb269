//! Namespaces made for releases: created on request and marked as such, and checked for
//! anything left in them before `uninstall --delete-namespace` removes one.

use super::{Cluster, Error};

/// Whether the namespace exists.
pub async fn exists(cluster: &Cluster, namespace: &str) -> Result<bool, Error> {
    use k8s_openapi::api::core::v1::Namespace;
    let api: kube::Api<Namespace> = kube::Api::all(cluster.client.clone());
    let existing = super::retry::retry(|| api.get_metadata_opt(namespace))
        .await
        .map_err(|e| Error::from_kube(e, cluster, "get", "namespaces", namespace))?;
    Ok(existing.is_some())
}

/// Creates the namespace if it does not exist; returns whether it was created here.
pub async fn ensure(cluster: &Cluster, namespace: &str, release: &str) -> Result<bool, Error> {
    use k8s_openapi::api::core::v1::Namespace;
    if exists(cluster, namespace).await? {
        return Ok(false);
    }
    let api: kube::Api<Namespace> = kube::Api::all(cluster.client.clone());
    let object = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": namespace,
            "labels": {"name": namespace, super::apply::MANAGED_BY_LABEL: super::apply::MANAGED_BY},
            "annotations": {CREATED_FOR_ANNOTATION: format!("{namespace}/{release}")},
        }
    });
    let namespace_object: Namespace =
        serde_json::from_value(object).expect("a valid Namespace object");
    match api.create(&Default::default(), &namespace_object).await {
        Ok(_) => Ok(true),
        Err(kube::Error::Api(status)) if status.code == 409 => Ok(false),
        Err(e) => Err(Error::from_kube(
            e,
            cluster,
            "create",
            "namespaces",
            namespace,
        )),
    }
}

/// On a namespace that `--create-namespace` created: `<namespace>/<release>`.
pub const CREATED_FOR_ANNOTATION: &str = "charts.dev/created-for-release";

/// Something that lives in `namespace` beyond what Kubernetes creates in every namespace
/// (the `default` ServiceAccount, `kube-root-ca.crt`, events, leases), if any.
pub async fn contents(cluster: &Cluster, namespace: &str) -> Result<Option<String>, Error> {
    let discovery = super::discovery::discover(cluster).await?;
    for group in discovery.groups() {
        for (resource, capabilities) in group.recommended_resources() {
            if capabilities.scope != kube::discovery::Scope::Namespaced
                || !capabilities.supports_operation(kube::discovery::verbs::LIST)
                || matches!(resource.kind.as_str(), "Event" | "Lease" | "PodMetrics")
            {
                continue;
            }
            let api: kube::Api<kube::api::DynamicObject> =
                kube::Api::namespaced_with(cluster.client.clone(), namespace, &resource);
            let params = kube::api::ListParams::default();
            let list = super::retry::retry(|| api.list_metadata(&params))
                .await
                .map_err(|e| Error::from_kube(e, cluster, "list", &resource.plural, namespace))?;
            for item in list.items {
                let object_name = item.metadata.name.clone().unwrap_or_default();
                let built_in = matches!(
                    (resource.kind.as_str(), object_name.as_str()),
                    ("ServiceAccount", "default") | ("ConfigMap", "kube-root-ca.crt")
                ) || item.metadata.deletion_timestamp.is_some();
                if !built_in {
                    return Ok(Some(format!("{} `{object_name}`", resource.kind)));
                }
            }
        }
    }
    Ok(None)
}
