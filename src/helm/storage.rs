//! Helm's records in the cluster: listed from metadata (one LIST per driver), read and decoded
//! one at a time, deleted once adopted.

use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::{Api, DeleteParams, ListParams};

use super::{HelmRelease, OWNER, RecordSummary, summary};
use crate::cluster::retry::retry;
use crate::cluster::{self, Cluster};

fn secrets(cluster: &Cluster, namespace: Option<&str>) -> Api<Secret> {
    match namespace {
        Some(namespace) => Api::namespaced(cluster.client.clone(), namespace),
        None => Api::all(cluster.client.clone()),
    }
}

fn config_maps(cluster: &Cluster, namespace: Option<&str>) -> Api<ConfigMap> {
    match namespace {
        Some(namespace) => Api::namespaced(cluster.client.clone(), namespace),
        None => Api::all(cluster.client.clone()),
    }
}

fn error(
    cluster: &Cluster,
    source: kube::Error,
    verb: &str,
    resource: &str,
    namespace: Option<&str>,
) -> crate::error::Error {
    cluster::Error::from_kube(source, cluster, verb, resource, namespace.unwrap_or("*")).into()
}

/// Every Helm record (both drivers) in `namespace` (`None`: every namespace), optionally of one
/// release, from metadata alone; sorted by namespace, name and revision.
pub async fn list(
    cluster: &Cluster,
    namespace: Option<&str>,
    release: Option<&str>,
) -> crate::error::Result<Vec<RecordSummary>> {
    let mut selector = format!("owner={OWNER}");
    if let Some(release) = release {
        selector.push_str(",name=");
        selector.push_str(release);
    }
    let params = ListParams::default().labels(&selector);
    let api = secrets(cluster, namespace);
    let found = retry(|| api.list_metadata(&params))
        .await
        .map_err(|e| error(cluster, e, "list", "secrets", namespace))?;
    let mut records: Vec<RecordSummary> = found
        .items
        .iter()
        .filter_map(|item| summary(&item.metadata, "secret"))
        .collect();
    let api = config_maps(cluster, namespace);
    let found = retry(|| api.list_metadata(&params))
        .await
        .map_err(|e| error(cluster, e, "list", "configmaps", namespace))?;
    records.extend(
        found
            .items
            .iter()
            .filter_map(|item| summary(&item.metadata, "configmap")),
    );
    records.sort_by(|a, b| {
        (&a.namespace, &a.name, a.revision, a.storage).cmp(&(
            &b.namespace,
            &b.name,
            b.revision,
            b.storage,
        ))
    });
    Ok(records)
}

/// The newest revision of each release among `records` (sorted as [`list`] sorts them).
pub fn latest_of_each(records: &[RecordSummary]) -> Vec<&RecordSummary> {
    let mut latest: Vec<&RecordSummary> = Vec::new();
    for record in records {
        match latest.last_mut() {
            Some(last) if last.namespace == record.namespace && last.name == record.name => {
                *last = record
            }
            _ => latest.push(record),
        }
    }
    latest
}

/// Reads and decodes one record.
pub async fn get(cluster: &Cluster, record: &RecordSummary) -> crate::error::Result<HelmRelease> {
    let name = super::record_name(&record.name, record.revision);
    let namespace = Some(record.namespace.as_str());
    let text: Vec<u8> = if record.storage == "configmap" {
        let api = config_maps(cluster, namespace);
        let found = retry(|| api.get(&name))
            .await
            .map_err(|e| error(cluster, e, "get", "configmaps", namespace))?;
        found
            .data
            .and_then(|mut d| d.remove("release"))
            .unwrap_or_default()
            .into_bytes()
    } else {
        let api = secrets(cluster, namespace);
        let found = retry(|| api.get(&name))
            .await
            .map_err(|e| error(cluster, e, "get", "secrets", namespace))?;
        found
            .data
            .and_then(|mut d| d.remove("release"))
            .map(|b| b.0)
            .unwrap_or_default()
    };
    super::decode(&name, &text).map_err(|e| {
        crate::error::Error::with_hint(
            e.to_string(),
            format!(
                "this {} is not a record Helm wrote, or it is damaged: `kubectl get {} {name} -n {}` shows it",
                record.storage, record.storage, record.namespace
            ),
        )
    })
}

/// Deletes one record; one already gone is fine.
pub async fn delete(cluster: &Cluster, record: &RecordSummary) -> crate::error::Result<()> {
    let name = super::record_name(&record.name, record.revision);
    let namespace = Some(record.namespace.as_str());
    let params = DeleteParams::default();
    let result = if record.storage == "configmap" {
        let api = config_maps(cluster, namespace);
        retry(|| api.delete(&name, &params)).await.map(|_| ())
    } else {
        let api = secrets(cluster, namespace);
        retry(|| api.delete(&name, &params)).await.map(|_| ())
    };
    match result {
        Ok(()) => Ok(()),
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
        Err(e) => Err(error(
            cluster,
            e,
            "delete",
            if record.storage == "configmap" {
                "configmaps"
            } else {
                "secrets"
            },
            namespace,
        )),
    }
}
