//! `charts::cluster::discovery` against the sandbox, with aggregated discovery and without it
//! (a server before Kubernetes 1.26, or a proxy that drops the `Accept` profile).

use charts::cluster::discovery::{Discovery, discover};
use charts::cluster::{Cluster, ClusterSettings, connect};
use charts_sandbox::{DiscoveryMode, Fault, FaultAction, Options, Sandbox};
use kube::discovery::Scope;

async fn start(mode: DiscoveryMode) -> (Sandbox, Cluster) {
    let sandbox = Sandbox::start_with(Options::default().discovery(mode))
        .await
        .unwrap();
    let directory = tempfile::tempdir().unwrap();
    let kubeconfig = directory.path().join("kubeconfig");
    sandbox.write_kubeconfig(&kubeconfig, None).unwrap();
    let cluster = connect(&ClusterSettings {
        kubeconfig: Some(kubeconfig),
        ..ClusterSettings::default()
    })
    .await
    .unwrap();
    (sandbox, cluster)
}

/// Every resource of every served version: group, version, kind, plural, scope, verbs and the
/// names of its subresources, sorted.
fn table(discovery: &Discovery) -> Vec<String> {
    let mut rows = Vec::new();
    for group in discovery.groups() {
        for version in group.versions() {
            for (resource, capabilities) in group.versioned_resources(version) {
                let mut verbs = capabilities.operations.clone();
                verbs.sort();
                let mut subresources: Vec<String> = capabilities
                    .subresources
                    .iter()
                    .map(|(sub, _)| sub.plural.clone())
                    .collect();
                subresources.sort();
                rows.push(format!(
                    "{} {} {} {} {} namespaced={} {verbs:?} {subresources:?}",
                    group.name(),
                    resource.api_version,
                    resource.kind,
                    resource.plural,
                    resource.group,
                    capabilities.scope == Scope::Namespaced,
                ));
            }
        }
    }
    rows.sort();
    rows
}

#[tokio::test]
async fn both_forms_of_discovery_find_the_same_kinds_without_wasted_requests() {
    let (aggregated_sandbox, cluster) = start(DiscoveryMode::Aggregated).await;
    aggregated_sandbox.reset_counters();
    let aggregated = discover(&cluster).await.unwrap();
    let counters = aggregated_sandbox.counters();
    assert_eq!(
        (
            counters.verb_total("discovery"),
            counters.get("discovery", "/api"),
            counters.get("discovery", "/apis")
        ),
        (2, 1, 1),
        "aggregated discovery is two requests: {counters:?}"
    );

    let (legacy_sandbox, cluster) = start(DiscoveryMode::Legacy).await;
    legacy_sandbox.reset_counters();
    let legacy = discover(&cluster).await.unwrap();
    let counters = legacy_sandbox.counters();
    let group_versions: u64 = legacy
        .groups()
        .map(|group| group.versions().count() as u64)
        .sum();
    assert_eq!(
        (
            counters.verb_total("discovery"),
            counters.get("discovery", "/api"),
            counters.get("discovery", "/apis")
        ),
        (2 + group_versions, 1, 1),
        "the plain answers are used, not asked again: {counters:?}"
    );

    let table = table(&aggregated);
    assert_eq!(table, self::table(&legacy));
    for expected in [
        " v1 ConfigMap configmaps  namespaced=true",
        "apps apps/v1 Deployment deployments apps namespaced=true",
        " v1 Namespace namespaces  namespaced=false",
    ] {
        assert!(
            table.iter().any(|row| row.starts_with(expected)),
            "{expected} in {table:#?}"
        );
    }
    let deployments = table
        .iter()
        .find(|row| row.starts_with("apps apps/v1 Deployment"))
        .unwrap();
    assert!(
        deployments.ends_with(r#"["scale", "status"]"#),
        "{deployments}"
    );
}

#[tokio::test]
async fn a_new_kind_is_found_in_both_forms() {
    for mode in [DiscoveryMode::Aggregated, DiscoveryMode::Legacy] {
        let (_sandbox, cluster) = start(mode).await;
        let crds: kube::Api<
            k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
        > = kube::Api::all(cluster.client.clone());
        let crd = serde_json::from_value(serde_json::json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {
                "group": "example.com",
                "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
                "scope": "Namespaced",
                "versions": [
                    {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {"type": "object"}}},
                    {"name": "v1beta1", "served": true, "storage": false, "schema": {"openAPIV3Schema": {"type": "object"}}}
                ]
            }
        }))
        .unwrap();
        crds.create(&Default::default(), &crd).await.unwrap();
        let discovery = discover(&cluster).await.unwrap();
        let group = discovery.get("example.com").expect("the new group");
        assert_eq!(
            group.versions().collect::<Vec<_>>(),
            ["v1", "v1beta1"],
            "{mode:?}: the preferred version first"
        );
        let gvk = kube::api::GroupVersionKind::gvk("example.com", "v1beta1", "Widget");
        let (resource, capabilities) = discovery.resolve_gvk(&gvk).expect("Widget v1beta1");
        assert_eq!(
            (resource.plural.as_str(), capabilities.scope),
            ("widgets", Scope::Namespaced)
        );
    }
}

/// A fault that answers 500 to every discovery request for `path`.
fn unavailable(path: &str) -> Fault {
    Fault {
        verb: Some("discovery".into()),
        resource: Some(path.into()),
        times: 0,
        ..Fault::new(FaultAction::Status { code: 500 })
    }
}

// Bug: on a server without aggregated discovery, one group version that kept failing (an
// aggregated API whose backend is down, like metrics-server answering 503) failed the whole
// discovery, and with it every install, upgrade, rollback and status. client-go leaves it out.
#[tokio::test]
async fn a_failing_named_group_is_left_out_and_a_failing_core_group_is_an_error() {
    let (sandbox, cluster) = start(DiscoveryMode::Legacy).await;
    sandbox.faults().add(unavailable("/apis/autoscaling/v2"));
    let discovery = discover(&cluster).await.unwrap();
    let table = table(&discovery);
    assert!(
        table.iter().any(|row| row.starts_with(" v1 ConfigMap")),
        "{table:#?}"
    );
    assert!(
        !table
            .iter()
            .any(|row| row.starts_with("autoscaling autoscaling/v2 ")),
        "{table:#?}"
    );

    let (sandbox, cluster) = start(DiscoveryMode::Legacy).await;
    sandbox.faults().add(unavailable("/api/v1"));
    let error = discover(&cluster).await.unwrap_err();
    assert!(
        error.to_string().contains("discover API resources"),
        "{error}"
    );
}
