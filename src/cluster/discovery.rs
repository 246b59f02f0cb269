//! API discovery: which kinds the cluster serves, at which versions, and with which scope.
//!
//! `/api` and `/apis` are asked for aggregated discovery (every group in two requests), and the
//! answer is checked rather than trusted: a server without aggregated discovery (Kubernetes
//! before 1.26, API proxies that drop the `Accept` profile) answers with the plain `APIVersions`
//! and `APIGroupList`, which then name the group versions to ask one by one, as client-go does
//! (a named group version that fails is left out, as client-go leaves it out).
//! An answer that lists no core kinds is refused: no cluster works without them.

use std::collections::HashMap;

use futures_util::stream::{self, StreamExt};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{APIGroup, APIResourceList};
use kube::api::GroupVersionKind;
use kube::core::discovery::v2::{
    ACCEPT_AGGREGATED_DISCOVERY_V2, APIGroupDiscovery, APIResourceDiscovery,
    GroupVersionKind as V2Kind,
};
use kube::discovery::{ApiCapabilities, ApiResource, Scope};
use serde::Deserialize;

use super::retry::retry;
use super::{Cluster, Error, ErrorKind};

/// Group versions asked at once when the server has no aggregated discovery.
const CONCURRENT_REQUESTS: usize = 8;

/// The kinds a cluster serves, by group.
#[derive(Debug, Default)]
pub struct Discovery {
    groups: HashMap<String, ApiGroup>,
}

/// One API group (`""` for the core group) and its versions, the preferred one first.
#[derive(Debug)]
pub struct ApiGroup {
    name: String,
    versions: Vec<GroupVersion>,
}

#[derive(Debug)]
struct GroupVersion {
    version: String,
    resources: Vec<(ApiResource, ApiCapabilities)>,
}

impl Discovery {
    pub fn groups(&self) -> impl Iterator<Item = &ApiGroup> {
        self.groups.values()
    }

    pub fn get(&self, group: &str) -> Option<&ApiGroup> {
        self.groups.get(group)
    }

    /// The resource serving `kind` at exactly this group and version.
    pub fn resolve_gvk(&self, gvk: &GroupVersionKind) -> Option<(ApiResource, ApiCapabilities)> {
        self.get(&gvk.group)?
            .version(&gvk.version)?
            .resources
            .iter()
            .find(|(resource, _)| resource.kind == gvk.kind)
            .cloned()
    }

    fn core_kinds(&self) -> usize {
        self.get("").map_or(0, |core| {
            core.versions.iter().map(|v| v.resources.len()).sum()
        })
    }
}

impl ApiGroup {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The versions served, the preferred one first.
    pub fn versions(&self) -> impl Iterator<Item = &str> {
        self.versions.iter().map(|v| v.version.as_str())
    }

    fn version(&self, version: &str) -> Option<&GroupVersion> {
        self.versions.iter().find(|v| v.version == version)
    }

    /// The resources served at `version` (none if it is not served).
    pub fn versioned_resources(&self, version: &str) -> Vec<(ApiResource, ApiCapabilities)> {
        self.version(version)
            .map(|v| v.resources.clone())
            .unwrap_or_default()
    }

    /// The resources of the preferred version.
    pub fn recommended_resources(&self) -> Vec<(ApiResource, ApiCapabilities)> {
        self.versions
            .first()
            .map(|v| v.resources.clone())
            .unwrap_or_default()
    }
}

/// What `/api` or `/apis` answered: an aggregated `APIGroupDiscoveryList` (`items`), or a plain
/// `APIVersions` (`versions`, from `/api`) or `APIGroupList` (`groups`, from `/apis`). One pass
/// reads whichever it is; `kind` says which.
#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    items: Vec<APIGroupDiscovery>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    groups: Vec<APIGroup>,
}

const AGGREGATED_KIND: &str = "APIGroupDiscoveryList";

/// Discovers the kinds the cluster serves: two requests on a server with aggregated discovery,
/// two more per group version on one without.
pub async fn discover(cluster: &Cluster) -> Result<Discovery, Error> {
    let (core, named) = futures_util::future::try_join(
        ask(cluster, "/api", ACCEPT_AGGREGATED_DISCOVERY_V2),
        ask(cluster, "/apis", ACCEPT_AGGREGATED_DISCOVERY_V2),
    )
    .await?;
    let mut discovery = Discovery::default();
    let mut plain = Vec::new();
    match core.kind.as_str() {
        AGGREGATED_KIND => {
            // The core group is the one item, named "" (or unnamed).
            if let Some(item) = core.items.into_iter().find(|i| group_name(i).is_empty()) {
                discovery
                    .groups
                    .insert(String::new(), from_aggregated(String::new(), item));
            }
        }
        "APIVersions" => plain.extend(core.versions.into_iter().map(|v| (String::new(), v))),
        other => return Err(unusable(cluster, "/api", "APIVersions", other)),
    }
    match named.kind.as_str() {
        AGGREGATED_KIND => {
            for item in named.items {
                let name = group_name(&item).to_string();
                if !name.is_empty() {
                    discovery
                        .groups
                        .insert(name.clone(), from_aggregated(name, item));
                }
            }
        }
        "APIGroupList" => {
            plain.extend(named.groups.into_iter().flat_map(plain_versions));
        }
        other => return Err(unusable(cluster, "/apis", "APIGroupList", other)),
    }
    let answers: Vec<(String, Result<APIResourceList, Error>)> = stream::iter(plain)
        .map(|(group, version)| async move {
            let path = if group.is_empty() {
                format!("/api/{version}")
            } else {
                format!("/apis/{group}/{version}")
            };
            let list = async {
                let text = request(cluster, &path, "application/json").await?;
                serde_json::from_str::<APIResourceList>(&text).map_err(|e| {
                    unusable_because(
                        cluster,
                        format!("`{path}` is not an `APIResourceList`: {e}"),
                    )
                })
            }
            .await;
            (group, list)
        })
        .buffered(CONCURRENT_REQUESTS)
        .collect()
        .await;
    for (group, list) in answers {
        // As client-go does, a named group version that fails (an aggregated API whose backend
        // is down, say metrics-server answering 503) is left out rather than failing every
        // command; the core group is needed, so its failure is the answer.
        let list = match list {
            Ok(list) => list,
            Err(error) if group.is_empty() => return Err(error),
            Err(_) => continue,
        };
        let entry = discovery
            .groups
            .entry(group.clone())
            .or_insert_with(|| ApiGroup {
                name: group,
                versions: Vec::new(),
            });
        entry.versions.push(from_resource_list(list));
    }
    if discovery.core_kinds() == 0 {
        return Err(unusable_because(
            cluster,
            "`/api` lists no core kinds (not even `ConfigMap` in `v1`)".to_string(),
        ));
    }
    Ok(discovery)
}

/// Asks `path` with `accept`; reads the answer's kind and contents.
async fn ask(cluster: &Cluster, path: &str, accept: &str) -> Result<Answer, Error> {
    let text = request(cluster, path, accept).await?;
    serde_json::from_str(&text).map_err(|e| {
        unusable_because(
            cluster,
            format!("`{path}` did not answer a discovery document: {e}"),
        )
    })
}

/// One GET, retried on passing failures; the body as text.
async fn request(cluster: &Cluster, path: &str, accept: &str) -> Result<String, Error> {
    retry(|| async {
        let request = http::Request::get(path)
            .header(http::header::ACCEPT, accept)
            .body(Vec::new())
            .map_err(kube::Error::HttpError)?;
        cluster.client.request_text(request).await
    })
    .await
    .map_err(|e| Error::from_kube(e, cluster, "discover", "API resources", &cluster.namespace))
}

fn unusable(cluster: &Cluster, path: &str, expected: &str, kind: &str) -> Error {
    let what = if kind.is_empty() {
        "a document without `kind`".to_string()
    } else {
        format!("`{kind}`")
    };
    unusable_because(
        cluster,
        format!("`{path}` answered {what}, not `{AGGREGATED_KIND}` or `{expected}`"),
    )
}

fn unusable_because(cluster: &Cluster, problem: String) -> Error {
    ErrorKind::Discovery {
        server: cluster.server.clone(),
        problem,
    }
    .into()
}

fn group_name(item: &APIGroupDiscovery) -> &str {
    item.metadata
        .as_ref()
        .and_then(|m| m.name.as_deref())
        .unwrap_or_default()
}

/// A plain group's versions to ask, the preferred one first.
fn plain_versions(group: APIGroup) -> Vec<(String, String)> {
    let preferred = group.preferred_version.map(|v| v.version);
    let mut versions: Vec<String> = group.versions.into_iter().map(|v| v.version).collect();
    if let Some(index) = preferred
        .and_then(|p| versions.iter().position(|v| *v == p))
        .filter(|index| *index > 0)
    {
        let preferred = versions.remove(index);
        versions.insert(0, preferred);
    }
    versions
        .into_iter()
        .map(|v| (group.name.clone(), v))
        .collect()
}

fn from_aggregated(name: String, item: APIGroupDiscovery) -> ApiGroup {
    let versions = item
        .versions
        .into_iter()
        .map(|version| {
            let version_name = version.version.unwrap_or_default();
            let resources = version
                .resources
                .into_iter()
                .map(|resource| aggregated_resource(&name, &version_name, resource))
                .collect();
            GroupVersion {
                version: version_name,
                resources,
            }
        })
        .collect();
    ApiGroup { name, versions }
}

fn api_resource(group: &str, version: &str, kind: String, plural: String) -> ApiResource {
    ApiResource {
        group: group.to_string(),
        version: version.to_string(),
        api_version: if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        },
        kind,
        plural,
    }
}

fn aggregated_resource(
    group: &str,
    version: &str,
    resource: APIResourceDiscovery,
) -> (ApiResource, ApiCapabilities) {
    let scope = match resource.scope.as_deref() {
        Some("Namespaced") => Scope::Namespaced,
        _ => Scope::Cluster,
    };
    let entry = |kind: Option<V2Kind>, plural: Option<String>, capabilities| {
        let kind = kind.and_then(|k| k.kind).unwrap_or_default();
        let api = api_resource(group, version, kind, plural.unwrap_or_default());
        (api, capabilities)
    };
    let subresources = resource
        .subresources
        .into_iter()
        .map(|sub| {
            let capabilities = ApiCapabilities {
                scope: scope.clone(),
                subresources: Vec::new(),
                operations: sub.verbs,
            };
            entry(sub.response_kind, sub.subresource, capabilities)
        })
        .collect();
    let capabilities = ApiCapabilities {
        scope,
        subresources,
        operations: resource.verbs,
    };
    entry(resource.response_kind, resource.resource, capabilities)
}

/// One plain `APIResourceList`: resources, with `plural/sub` entries as their subresources.
fn from_resource_list(list: APIResourceList) -> GroupVersion {
    let (group, version) = list
        .group_version
        .split_once('/')
        .unwrap_or(("", &list.group_version));
    let scope_of = |namespaced: bool| {
        if namespaced {
            Scope::Namespaced
        } else {
            Scope::Cluster
        }
    };
    let mut resources: Vec<(ApiResource, ApiCapabilities)> = Vec::new();
    for entry in list.resources.iter().filter(|r| !r.name.contains('/')) {
        let capabilities = ApiCapabilities {
            scope: scope_of(entry.namespaced),
            subresources: Vec::new(),
            operations: entry.verbs.clone(),
        };
        let api = api_resource(group, version, entry.kind.clone(), entry.name.clone());
        resources.push((api, capabilities));
    }
    for entry in &list.resources {
        let Some((parent, sub)) = entry.name.split_once('/') else {
            continue;
        };
        if let Some((_, capabilities)) = resources.iter_mut().find(|(r, _)| r.plural == parent) {
            let api = api_resource(
                entry.group.as_deref().unwrap_or(group),
                entry.version.as_deref().unwrap_or(version),
                entry.kind.clone(),
                sub.to_string(),
            );
            let sub_capabilities = ApiCapabilities {
                scope: scope_of(entry.namespaced),
                subresources: Vec::new(),
                operations: entry.verbs.clone(),
            };
            capabilities.subresources.push((api, sub_capabilities));
        }
    }
    GroupVersion {
        version: version.to_string(),
        resources,
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};

    use super::*;

    /// A server on 127.0.0.1 that answers each path with a fixed `application/json` body, or 404.
    fn serve(answers: &'static [(&'static str, &'static str)]) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let path = request_line.split(' ').nth(1).unwrap_or_default();
                let (status, body) = answers
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map_or(("404 Not Found", "{}"), |(_, body)| ("200 OK", body));
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        url
    }

    fn cluster(url: &str) -> Cluster {
        let config = kube::Config::new(url.parse().unwrap());
        Cluster {
            client: kube::Client::try_from(config).unwrap(),
            namespace: "default".into(),
            server: url.to_string(),
        }
    }

    const GROUPS: &str = r#"{"kind":"APIGroupList","apiVersion":"v1","groups":[]}"#;

    async fn problem(answers: &'static [(&'static str, &'static str)]) -> String {
        let url = serve(answers);
        let error = discover(&cluster(&url)).await.unwrap_err();
        assert!(
            error.to_string().starts_with(&format!(
                "the API discovery of the cluster at `{url}` is unusable: "
            )),
            "{error}"
        );
        assert!(error.hint().is_some());
        error.to_string()
    }

    #[tokio::test]
    async fn an_answer_without_core_kinds_is_refused() {
        // What kube's `run_aggregated` silently took for an empty cluster.
        const EMPTY: &str =
            r#"{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[]}"#;
        let error = problem(&[("/api", EMPTY), ("/apis", EMPTY)]).await;
        assert!(error.ends_with("`/api` lists no core kinds (not even `ConfigMap` in `v1`)"));
        let error = problem(&[
            ("/api", r#"{"kind":"APIVersions","versions":["v1"]}"#),
            ("/apis", GROUPS),
            (
                "/api/v1",
                r#"{"kind":"APIResourceList","groupVersion":"v1","resources":[]}"#,
            ),
        ])
        .await;
        assert!(error.ends_with("`/api` lists no core kinds (not even `ConfigMap` in `v1`)"));
    }

    #[tokio::test]
    async fn an_answer_that_is_not_discovery_is_named() {
        let error = problem(&[
            ("/api", r#"{"kind":"Status","status":"Success"}"#),
            ("/apis", GROUPS),
        ])
        .await;
        assert!(
            error.ends_with(
                "`/api` answered `Status`, not `APIGroupDiscoveryList` or `APIVersions`"
            ),
            "{error}"
        );
        let error = problem(&[("/api", r#"{"versions":["v1"]}"#), ("/apis", GROUPS)]).await;
        assert!(
            error.ends_with("`/api` answered a document without `kind`, not `APIGroupDiscoveryList` or `APIVersions`"),
            "{error}"
        );
        let error = problem(&[("/api", "<html>proxy login</html>"), ("/apis", GROUPS)]).await;
        assert!(
            error.contains("`/api` did not answer a discovery document: "),
            "{error}"
        );
    }

    #[tokio::test]
    async fn plain_discovery_reads_kinds_scopes_and_subresources() {
        let url = serve(&[
            ("/api", r#"{"kind":"APIVersions","versions":["v1"]}"#),
            (
                "/apis",
                r#"{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1beta1","version":"v1beta1"},{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}]}"#,
            ),
            (
                "/api/v1",
                r#"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["get","list"]},{"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","verbs":["get"]},{"name":"namespaces/status","singularName":"","namespaced":false,"kind":"Namespace","verbs":["get"]}]}"#,
            ),
            (
                "/apis/apps/v1",
                r#"{"kind":"APIResourceList","groupVersion":"apps/v1","resources":[{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get"]}]}"#,
            ),
            (
                "/apis/apps/v1beta1",
                r#"{"kind":"APIResourceList","groupVersion":"apps/v1beta1","resources":[{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get"]}]}"#,
            ),
        ]);
        let discovery = discover(&cluster(&url)).await.unwrap();
        let apps = discovery.get("apps").unwrap();
        assert_eq!(apps.versions().collect::<Vec<_>>(), ["v1", "v1beta1"]);
        assert_eq!(apps.recommended_resources()[0].0.api_version, "apps/v1");
        let gvk = GroupVersionKind::gvk("", "v1", "Namespace");
        let (namespaces, capabilities) = discovery.resolve_gvk(&gvk).unwrap();
        assert_eq!(
            (namespaces.plural.as_str(), &capabilities.scope),
            ("namespaces", &Scope::Cluster)
        );
        assert_eq!(capabilities.subresources[0].0.plural, "status");
        let gvk = GroupVersionKind::gvk("", "v1", "ConfigMap");
        assert!(
            discovery
                .resolve_gvk(&gvk)
                .unwrap()
                .1
                .supports_operation("list")
        );
    }
}
