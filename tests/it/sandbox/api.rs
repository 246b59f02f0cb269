//! The API surface through the `kube` crate: discovery, server-side apply, metadata-only lists,
//! selectors, conflicts, Status errors, watch, patches, bookkeeping and cascading deletion.

use std::time::Duration;

use charts_sandbox::{DiscoveryMode, Options, Sandbox};
use futures_util::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod, Secret};
use kube::api::{
    Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams, WatchEvent,
    WatchParams,
};
use kube::discovery::{Discovery, Scope};
use serde_json::{Value, json};

use super::{apply, client, eventually, raw_get, raw_request, resource, status_of};

fn deployment(name: &str, replicas: i64, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app", "image": image}]}}
        }
    })
}

fn config_map(name: &str, labels: Value) -> ConfigMap {
    serde_json::from_value(
        json!({"metadata": {"name": name, "labels": labels}, "data": {"key": name}}),
    )
    .unwrap()
}

fn check_discovery(discovery: &Discovery) {
    let expected = [
        ("", "v1", "Namespace", false),
        ("", "v1", "Secret", true),
        ("", "v1", "ConfigMap", true),
        ("", "v1", "Service", true),
        ("", "v1", "ServiceAccount", true),
        ("", "v1", "Pod", true),
        ("", "v1", "PersistentVolumeClaim", true),
        ("", "v1", "PersistentVolume", false),
        ("", "v1", "ResourceQuota", true),
        ("", "v1", "LimitRange", true),
        ("", "v1", "Event", true),
        ("apps", "v1", "Deployment", true),
        ("apps", "v1", "StatefulSet", true),
        ("apps", "v1", "DaemonSet", true),
        ("apps", "v1", "ReplicaSet", true),
        ("batch", "v1", "Job", true),
        ("batch", "v1", "CronJob", true),
        ("networking.k8s.io", "v1", "Ingress", true),
        ("networking.k8s.io", "v1", "NetworkPolicy", true),
        ("networking.k8s.io", "v1", "IngressClass", false),
        ("rbac.authorization.k8s.io", "v1", "Role", true),
        ("rbac.authorization.k8s.io", "v1", "RoleBinding", true),
        ("rbac.authorization.k8s.io", "v1", "ClusterRole", false),
        (
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRoleBinding",
            false,
        ),
        ("policy", "v1", "PodDisruptionBudget", true),
        ("autoscaling", "v2", "HorizontalPodAutoscaler", true),
        ("storage.k8s.io", "v1", "StorageClass", false),
        ("coordination.k8s.io", "v1", "Lease", true),
        (
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
            false,
        ),
    ];
    for (group, version, kind, namespaced) in expected {
        let gvk = kube::api::GroupVersionKind::gvk(group, version, kind);
        let (resource, capabilities) = discovery
            .resolve_gvk(&gvk)
            .unwrap_or_else(|| panic!("{kind} is not discoverable"));
        let scope = if namespaced {
            Scope::Namespaced
        } else {
            Scope::Cluster
        };
        assert_eq!(capabilities.scope, scope, "scope of {kind}");
        for verb in [
            "create", "delete", "get", "list", "patch", "update", "watch",
        ] {
            assert!(
                capabilities.supports_operation(verb),
                "{kind} supports {verb}"
            );
        }
        // As on a real server, namespaces cannot be deleted as a collection.
        let collection = capabilities.supports_operation("deletecollection");
        assert_eq!(
            collection,
            kind != "Namespace",
            "deletecollection on {kind}"
        );
        assert_eq!(resource.plural, resource.plural.to_lowercase());
    }
}

#[tokio::test]
async fn discovery_lists_the_kinds_with_scopes_and_verbs() {
    let sandbox = Sandbox::start().await.unwrap();
    let legacy = Discovery::new(client(&sandbox)).run().await.unwrap();
    // Aggregated discovery (two requests, Kubernetes 1.30+) must agree with the per-group form.
    let aggregated = Discovery::new(client(&sandbox))
        .run_aggregated()
        .await
        .unwrap();
    for discovery in [legacy, aggregated] {
        check_discovery(&discovery);
    }
    let core = raw_get(&sandbox, "/api/v1", &[]).await.json();
    let deployments = raw_get(&sandbox, "/apis/apps/v1", &[]).await.json();
    let short_names = |list: &Value, name: &str| {
        list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .map(|r| r["shortNames"].clone())
            .unwrap()
    };
    assert_eq!(short_names(&core, "configmaps"), json!(["cm"]));
    assert_eq!(short_names(&core, "persistentvolumeclaims"), json!(["pvc"]));
    assert_eq!(short_names(&deployments, "deployments"), json!(["deploy"]));
    let version = raw_get(&sandbox, "/version", &[]).await.json();
    assert_eq!(version["major"], "1");
}

#[tokio::test]
async fn without_aggregated_discovery_the_plain_documents_answer_any_accept() {
    let accept = [(
        "Accept",
        kube::core::discovery::v2::ACCEPT_AGGREGATED_DISCOVERY_V2,
    )];
    let sandbox = Sandbox::start().await.unwrap();
    let response = raw_get(&sandbox, "/apis", &accept).await;
    assert_eq!(response.json()["kind"], "APIGroupDiscoveryList");

    let sandbox = Sandbox::start_with(Options::default().discovery(DiscoveryMode::Legacy))
        .await
        .unwrap();
    for (path, kind) in [("/api", "APIVersions"), ("/apis", "APIGroupList")] {
        let response = raw_get(&sandbox, path, &accept).await;
        assert_eq!(response.status, 200);
        assert_eq!(
            response.header("Content-Type").as_deref(),
            Some("application/json"),
            "{path}"
        );
        assert_eq!(response.json()["kind"], kind, "{path}");
    }
    check_discovery(&Discovery::new(client(&sandbox)).run().await.unwrap());
}

#[tokio::test]
async fn server_side_apply_creates_updates_and_records_managed_fields() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let created = apply(&client, deployment("web", 2, "nginx:1"), "charts")
        .await
        .unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    let managed = created.metadata.managed_fields.clone().unwrap();
    assert_eq!(managed.len(), 1);
    assert_eq!(managed[0].manager.as_deref(), Some("charts"));
    assert_eq!(managed[0].operation.as_deref(), Some("Apply"));
    let fields = serde_json::to_value(&managed[0].fields_v1).unwrap();
    assert!(
        fields["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"app\"}"]["f:image"]
            .is_object(),
        "{fields}"
    );

    // Same config again: a no-op, the resourceVersion stays (a ConfigMap: no controller writes it).
    let settings = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "default"}, "data": {"a": "1"}});
    let first = apply(&client, settings.clone(), "charts").await.unwrap();
    let again = apply(&client, settings, "charts").await.unwrap();
    assert_eq!(
        again.metadata.resource_version,
        first.metadata.resource_version
    );
    assert_eq!(again.metadata.managed_fields, first.metadata.managed_fields);

    // A spec change bumps generation; a label this manager stops applying is removed.
    let mut changed = deployment("web", 2, "nginx:2");
    changed["metadata"]["labels"] = json!({});
    let updated = apply(&client, changed, "charts").await.unwrap();
    assert_eq!(updated.metadata.generation, Some(2));
    assert!(
        !updated
            .metadata
            .labels
            .unwrap_or_default()
            .contains_key("app")
    );
    assert_eq!(
        updated.data["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:2"
    );

    // A label-only change does not bump generation.
    let mut relabelled = deployment("web", 2, "nginx:2");
    relabelled["metadata"]["labels"] = json!({"team": "a"});
    let relabelled = apply(&client, relabelled, "charts").await.unwrap();
    assert_eq!(relabelled.metadata.generation, Some(2));

    // Dry run changes nothing.
    let resource = resource(&client, "apps", "v1", "Deployment").await;
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &resource);
    let params = PatchParams::apply("charts").dry_run();
    let dry = api
        .patch(
            "web",
            &params,
            &Patch::Apply(deployment("web", 5, "nginx:2")),
        )
        .await
        .unwrap();
    assert_eq!(dry.data["spec"]["replicas"], 5);
    assert_eq!(api.get("web").await.unwrap().data["spec"]["replicas"], 2);
}

#[tokio::test]
async fn server_side_apply_conflicts_name_the_other_manager_and_force_takes_over() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    apply(&client, deployment("web", 2, "nginx:1"), "charts")
        .await
        .unwrap();
    let status = status_of(apply(&client, deployment("web", 3, "nginx:1"), "autoscaler").await);
    assert_eq!(status.code, 409);
    assert_eq!(status.reason, "Conflict");
    assert_eq!(
        status.message,
        "Apply failed with 1 conflict: conflict with \"charts\": .spec.replicas"
    );
    let causes = status.details.unwrap().causes;
    assert_eq!(causes[0].field, ".spec.replicas");
    assert_eq!(causes[0].reason, "FieldManagerConflict");

    // Two conflicting fields are listed under the manager.
    let status = status_of(apply(&client, deployment("web", 3, "nginx:9"), "autoscaler").await);
    assert!(
        status
            .message
            .starts_with("Apply failed with 2 conflicts: conflicts with \"charts\":\n- "),
        "{}",
        status.message
    );
    assert!(
        status
            .message
            .contains(".spec.template.spec.containers[name=\"app\"].image"),
        "{}",
        status.message
    );

    // Same value: shared ownership, no conflict.
    apply(&client, deployment("web", 2, "nginx:1"), "auditor")
        .await
        .unwrap();

    let resource = resource(&client, "apps", "v1", "Deployment").await;
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &resource);
    let forced = api
        .patch(
            "web",
            &PatchParams::apply("autoscaler").force(),
            &Patch::Apply(deployment("web", 3, "nginx:1")),
        )
        .await
        .unwrap();
    assert_eq!(forced.data["spec"]["replicas"], 3);
    let charts = forced
        .metadata
        .managed_fields
        .unwrap()
        .into_iter()
        .find(|m| m.manager.as_deref() == Some("charts"))
        .unwrap();
    let fields = serde_json::to_value(charts.fields_v1).unwrap();
    assert!(
        fields["f:spec"].get("f:replicas").is_none(),
        "charts lost .spec.replicas: {fields}"
    );

    // An update by another manager (kubectl edit, say) also makes apply conflict.
    let typed: Api<Deployment> = Api::default_namespaced(client.clone());
    typed
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 7}})),
        )
        .await
        .unwrap();
    let status = status_of(apply(&client, deployment("web", 3, "nginx:1"), "autoscaler").await);
    // Update managers are named with the apiVersion they wrote. Without `fieldManager` the
    // manager is the user agent up to its first `/`: kube sends none, so it is "".
    assert_eq!(
        status.message,
        "Apply failed with 1 conflict: conflict with \"\" using apps/v1: .spec.replicas"
    );
}

#[tokio::test]
async fn metadata_only_lists_and_gets_return_partial_object_metadata() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let api: Api<ConfigMap> = Api::default_namespaced(client.clone());
    for (name, tier) in [("a", "front"), ("b", "back"), ("c", "db")] {
        api.create(
            &PostParams::default(),
            &config_map(name, json!({"tier": tier, "app": "shop"})),
        )
        .await
        .unwrap();
    }
    let listed = api
        .list_metadata(&ListParams::default().labels("tier in (front,back)"))
        .await
        .unwrap();
    let names: Vec<_> = listed
        .items
        .iter()
        .map(|i| i.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);
    let accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
    let raw = raw_get(
        &sandbox,
        "/api/v1/namespaces/default/configmaps",
        &[("Accept", accept)],
    )
    .await
    .json();
    assert_eq!(raw["kind"], "PartialObjectMetadataList");
    assert_eq!(raw["apiVersion"], "meta.k8s.io/v1");
    for item in raw["items"].as_array().unwrap() {
        assert_eq!(item["kind"], "PartialObjectMetadata");
        assert!(item.get("data").is_none(), "metadata only: {item}");
        assert!(item["metadata"]["uid"].is_string());
    }
    let single = api.get_metadata("c").await.unwrap();
    assert_eq!(single.metadata.labels.unwrap()["tier"], "db");
    let raw = raw_get(
        &sandbox,
        "/api/v1/namespaces/default/configmaps/c",
        &[(
            "Accept",
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
        )],
    )
    .await
    .json();
    assert_eq!(raw["kind"], "PartialObjectMetadata");
    assert!(raw.get("data").is_none());
}

#[tokio::test]
async fn selectors_pagination_and_cluster_wide_lists() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let namespaces: Api<Namespace> = Api::all(client.clone());
    namespaces
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "other"}})).unwrap(),
        )
        .await
        .unwrap();
    let default: Api<ConfigMap> = Api::default_namespaced(client.clone());
    let other: Api<ConfigMap> = Api::namespaced(client.clone(), "other");
    let labelled = [
        ("one", json!({"tier": "front", "env": "prod"})),
        ("two", json!({"tier": "back", "env": "prod"})),
        (
            "three",
            json!({"tier": "back", "env": "dev", "legacy": "yes"}),
        ),
        ("four", json!({})),
    ];
    for (name, labels) in labelled {
        default
            .create(&PostParams::default(), &config_map(name, labels))
            .await
            .unwrap();
    }
    other
        .create(
            &PostParams::default(),
            &config_map("five", json!({"tier": "front"})),
        )
        .await
        .unwrap();

    let names = |list: kube::core::ObjectList<ConfigMap>| {
        let mut names: Vec<String> = list
            .items
            .into_iter()
            .map(|c| c.metadata.name.unwrap())
            .collect();
        names.sort();
        names
    };
    let cases = [
        ("tier=back", vec!["three", "two"]),
        ("tier==back,env=prod", vec!["two"]),
        // The namespace's kube-root-ca.crt has no `tier` label.
        ("tier!=back", vec!["four", "kube-root-ca.crt", "one"]),
        ("tier in (front, back),!legacy", vec!["one", "two"]),
        (
            "env notin (prod)",
            vec!["four", "kube-root-ca.crt", "three"],
        ),
        ("legacy", vec!["three"]),
    ];
    for (selector, expected) in cases {
        let list = default
            .list(&ListParams::default().labels(selector))
            .await
            .unwrap();
        assert_eq!(names(list), expected, "selector {selector}");
    }
    let by_name = default
        .list(&ListParams::default().fields("metadata.name=two"))
        .await
        .unwrap();
    assert_eq!(names(by_name), ["two"]);
    let bad = status_of(
        default
            .list(&ListParams::default().labels("tier in ("))
            .await,
    );
    assert_eq!(bad.code, 400);

    let everywhere: Api<ConfigMap> = Api::all(client.clone());
    let front = everywhere
        .list(&ListParams::default().labels("tier=front"))
        .await
        .unwrap();
    assert_eq!(names(front), ["five", "one"]);
    let not_default = everywhere
        .list(
            &ListParams::default()
                .fields("metadata.namespace!=default")
                .labels("tier"),
        )
        .await
        .unwrap();
    assert_eq!(names(not_default), ["five"]);

    let mut seen = Vec::new();
    let mut params = ListParams::default().limit(2).labels("tier");
    loop {
        let page = default.list(&params).await.unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.into_iter().map(|c| c.metadata.name.unwrap()));
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(seen, ["one", "three", "two"]);
    // As the API server: how many are left is counted only when no selector filters the list.
    let total = default
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .len();
    assert!(total > 3, "one, two, three and the server's own");
    let unfiltered = default.list(&ListParams::default().limit(3)).await.unwrap();
    assert_eq!(unfiltered.items.len(), 3);
    assert_eq!(
        unfiltered.metadata.remaining_item_count,
        Some(total as i64 - 3)
    );
    assert!(unfiltered.metadata.continue_.is_some());
    let filtered = default
        .list(&ListParams::default().limit(1).labels("tier"))
        .await
        .unwrap();
    assert_eq!(filtered.metadata.remaining_item_count, None);
    assert!(filtered.metadata.continue_.is_some());
    let last = default
        .list(
            &ListParams::default()
                .limit(100)
                .continue_token(unfiltered.metadata.continue_.as_deref().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(last.items.len(), total - 3);
    assert_eq!(last.metadata.remaining_item_count, None);
    assert_eq!(last.metadata.continue_.as_deref().unwrap_or(""), "");
}

#[tokio::test]
async fn writes_keep_real_bookkeeping_and_errors_are_status_objects() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let api: Api<ConfigMap> = Api::default_namespaced(client.clone());
    let created = api
        .create(&PostParams::default(), &config_map("cfg", json!({})))
        .await
        .unwrap();
    let uid = created.metadata.uid.clone().unwrap();
    assert_eq!(uid.len(), 36);
    assert!(created.metadata.creation_timestamp.is_some());
    let version: u64 = created
        .metadata
        .resource_version
        .clone()
        .unwrap()
        .parse()
        .unwrap();

    let mut changed = created.clone();
    changed.data = Some([("key".to_string(), "new".to_string())].into());
    let updated = api
        .replace("cfg", &PostParams::default(), &changed)
        .await
        .unwrap();
    let new_version: u64 = updated
        .metadata
        .resource_version
        .clone()
        .unwrap()
        .parse()
        .unwrap();
    assert!(new_version > version);

    // The stale copy loses.
    let stale = status_of(api.replace("cfg", &PostParams::default(), &changed).await);
    assert_eq!((stale.code, stale.reason.as_str()), (409, "Conflict"));
    assert!(
        stale.message.contains("the object has been modified"),
        "{}",
        stale.message
    );

    let missing = status_of(api.get("nope").await);
    assert_eq!((missing.code, missing.reason.as_str()), (404, "NotFound"));
    assert_eq!(missing.message, "configmaps \"nope\" not found");
    let details = missing.details.unwrap();
    assert_eq!(
        (details.name.as_str(), details.kind.as_str()),
        ("nope", "configmaps")
    );

    let exists = status_of(
        api.create(&PostParams::default(), &config_map("cfg", json!({})))
            .await,
    );
    assert_eq!(
        (exists.code, exists.reason.as_str()),
        (409, "AlreadyExists")
    );

    let invalid = status_of(
        api.create(&PostParams::default(), &config_map("Not_Valid", json!({})))
            .await,
    );
    assert_eq!((invalid.code, invalid.reason.as_str()), (422, "Invalid"));
    assert!(
        invalid
            .message
            .starts_with("ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value"),
        "{}",
        invalid.message
    );

    let nowhere: Api<ConfigMap> = Api::namespaced(client.clone(), "missing-namespace");
    let missing_namespace = status_of(
        nowhere
            .create(&PostParams::default(), &config_map("x", json!({})))
            .await,
    );
    assert_eq!(missing_namespace.code, 404);
    assert_eq!(
        missing_namespace.message,
        "namespaces \"missing-namespace\" not found"
    );

    // generateName
    let generated = api
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"generateName": "gen-"}})).unwrap(),
        )
        .await
        .unwrap();
    let name = generated.metadata.name.unwrap();
    assert!(name.starts_with("gen-") && name.len() == 9, "{name}");

    // dryRun=All on create stores nothing.
    let dry = PostParams {
        dry_run: true,
        ..PostParams::default()
    };
    api.create(&dry, &config_map("dry", json!({})))
        .await
        .unwrap();
    assert!(api.get_opt("dry").await.unwrap().is_none());

    // Objects over the size limit are rejected.
    let big: ConfigMap = serde_json::from_value(
        json!({"metadata": {"name": "big"}, "data": {"blob": "x".repeat(1_100_000)}}),
    )
    .unwrap();
    let too_big = status_of(api.create(&PostParams::default(), &big).await);
    assert_eq!(too_big.code, 422);
    assert!(too_big.message.contains("Too long"), "{}", too_big.message);
}

#[tokio::test]
async fn immutable_fields_are_rejected_with_field_is_immutable() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    apply(&client, deployment("web", 1, "nginx:1"), "charts")
        .await
        .unwrap();
    let api: Api<Deployment> = Api::default_namespaced(client.clone());
    let patch = json!({"spec": {"selector": {"matchLabels": {"app": "other"}}, "template": {"metadata": {"labels": {"app": "other"}}}}});
    let status = status_of(
        api.patch("web", &PatchParams::default(), &Patch::Merge(patch))
            .await,
    );
    assert_eq!((status.code, status.reason.as_str()), (422, "Invalid"));
    assert!(
        status
            .message
            .starts_with("Deployment.apps \"web\" is invalid: spec.selector: Invalid value: "),
        "{}",
        status.message
    );
    assert!(
        status.message.ends_with("field is immutable"),
        "{}",
        status.message
    );
    assert_eq!(status.details.unwrap().causes[0].field, "spec.selector");

    let job = json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once", "namespace": "default"},
        "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox:1"}]}}}
    });
    apply(&client, job.clone(), "charts").await.unwrap();
    let mut changed = job;
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = json!("busybox:2");
    let status = status_of(apply(&client, changed, "charts").await);
    assert_eq!(status.code, 422);
    assert!(
        status.message.contains("spec.template: Invalid value"),
        "{}",
        status.message
    );
    assert!(
        status.message.contains("field is immutable"),
        "{}",
        status.message
    );

    // A Job must say how its Pods restart.
    let no_policy = json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "loose", "namespace": "default"},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox:1"}]}}}
    });
    let status = status_of(apply(&client, no_policy, "charts").await);
    assert_eq!(status.code, 422);
    assert_eq!(
        status.details.unwrap().causes[0].field,
        "spec.template.spec.restartPolicy"
    );
}
#[tokio::test]
async fn secrets_fold_string_data_and_reject_bad_base64() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let api: Api<Secret> = Api::default_namespaced(client.clone());
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "creds"}, "data": {"user": "YWRtaW4="}, "stringData": {"password": "hunter2"}
    }))
    .unwrap();
    let created = api.create(&PostParams::default(), &secret).await.unwrap();
    assert!(created.string_data.is_none());
    let data = created.data.unwrap();
    assert_eq!(data["password"].0, b"hunter2");
    assert_eq!(data["user"].0, b"admin");
    assert_eq!(created.type_.as_deref(), Some("Opaque"));

    let body = r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"bad"},"data":{"k":"not base64!"}}"#;
    let response = raw_request(
        &sandbox,
        "POST",
        "/api/v1/namespaces/default/secrets",
        &[("Content-Type", "application/json")],
        body,
    )
    .await
    .unwrap();
    assert_eq!(response.status, 400);
    let status = response.json();
    assert_eq!(status["kind"], "Status");
    assert_eq!(status["reason"], "BadRequest");
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .contains("illegal base64 data"),
        "{status}"
    );
}

#[tokio::test]
async fn patches_merge_json_and_strategic() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let mut manifest = deployment("web", 1, "nginx:1");
    manifest["spec"]["template"]["spec"]["containers"] = json!([
        {"name": "app", "image": "nginx:1", "env": [{"name": "A", "value": "1"}], "ports": [{"containerPort": 80}]},
        {"name": "sidecar", "image": "envoy:1"}
    ]);
    apply(&client, manifest, "charts").await.unwrap();
    let api: Api<Deployment> = Api::default_namespaced(client.clone());

    // Strategic merge: containers merge by name, env by name, ports by containerPort.
    let strategic = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "nginx:2", "env": [{"name": "B", "value": "2"}], "ports": [{"containerPort": 443}]}
    ]}}}});
    let patched = api
        .patch("web", &PatchParams::default(), &Patch::Strategic(strategic))
        .await
        .unwrap();
    let pod = patched.spec.unwrap().template.spec.unwrap();
    assert_eq!(pod.containers.len(), 2, "sidecar kept");
    let app = &pod.containers[0];
    assert_eq!(app.image.as_deref(), Some("nginx:2"));
    let env: Vec<_> = app
        .env
        .clone()
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(env, ["A", "B"]);
    let ports = app.ports.clone().unwrap();
    assert_eq!(ports.len(), 2);
    assert_eq!(
        ports[0].protocol.as_deref(),
        Some("TCP"),
        "defaulted as the API server does"
    );
    assert_eq!(app.image_pull_policy.as_deref(), Some("IfNotPresent"));

    // $patch: delete removes an item.
    let delete = json!({"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}}});
    let patched = api
        .patch("web", &PatchParams::default(), &Patch::Strategic(delete))
        .await
        .unwrap();
    assert_eq!(
        patched
            .spec
            .unwrap()
            .template
            .spec
            .unwrap()
            .containers
            .len(),
        1
    );

    // Merge patch replaces lists.
    let merge =
        json!({"spec": {"template": {"spec": {"containers": [{"name": "only", "image": "x:1"}]}}}});
    let patched = api
        .patch("web", &PatchParams::default(), &Patch::Merge(merge))
        .await
        .unwrap();
    assert_eq!(
        patched.spec.unwrap().template.spec.unwrap().containers[0].name,
        "only"
    );

    // JSON patch (RFC 6902), including a failing test op.
    let path = "/apis/apps/v1/namespaces/default/deployments/web";
    let json_patch = [("Content-Type", "application/json-patch+json")];
    let ops = r#"[{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/labels/extra","value":"yes"}]"#;
    let patched = raw_request(&sandbox, "PATCH", path, &json_patch, ops)
        .await
        .unwrap()
        .json();
    assert_eq!(patched["spec"]["replicas"], 4);
    assert_eq!(patched["metadata"]["labels"]["extra"], "yes");
    let failing = r#"[{"op":"test","path":"/spec/replicas","value":9}]"#;
    let response = raw_request(&sandbox, "PATCH", path, &json_patch, failing)
        .await
        .unwrap();
    assert_eq!(response.status, 422);
    assert_eq!(response.json()["kind"], "Status");
}

#[tokio::test]
async fn watch_streams_events_from_a_resource_version() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let api: Api<ConfigMap> = Api::default_namespaced(client.clone());
    let start = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let mut events = api
        .watch(
            &WatchParams::default().labels("app=watched").timeout(10),
            &start,
        )
        .await
        .unwrap()
        .boxed();
    api.create(
        &PostParams::default(),
        &config_map("w", json!({"app": "watched"})),
    )
    .await
    .unwrap();
    api.create(
        &PostParams::default(),
        &config_map("ignored", json!({"app": "other"})),
    )
    .await
    .unwrap();
    api.patch(
        "w",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"key": "2"}})),
    )
    .await
    .unwrap();
    api.delete("w", &DeleteParams::default()).await.unwrap();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let event = tokio::time::timeout(Duration::from_secs(5), events.next())
            .await
            .expect("event in time");
        match event.expect("stream open").expect("event decodes") {
            WatchEvent::Added(c) => seen.push(format!("ADDED {}", c.metadata.name.unwrap())),
            WatchEvent::Modified(c) => seen.push(format!("MODIFIED {}", c.data.unwrap()["key"])),
            WatchEvent::Deleted(c) => seen.push(format!("DELETED {}", c.metadata.name.unwrap())),
            WatchEvent::Bookmark(_) => {}
            WatchEvent::Error(e) => panic!("watch error {e:?}"),
        }
    }
    assert_eq!(seen, ["ADDED w", "MODIFIED 2", "DELETED w"]);

    // Replaying from the start version gives the same history.
    let mut replay = api
        .watch(&WatchParams::default().timeout(5), &start)
        .await
        .unwrap()
        .boxed();
    let first = tokio::time::timeout(Duration::from_secs(5), replay.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(matches!(first, WatchEvent::Added(c) if c.metadata.name.as_deref() == Some("w")));

    // Metadata-only watch.
    let metadata = api
        .watch_metadata(&WatchParams::default().timeout(5), "0")
        .await
        .unwrap()
        .boxed();
    let listed: Vec<_> = metadata.take(1).collect().await;
    assert!(
        matches!(&listed[0], Ok(WatchEvent::Added(m)) if m.metadata.name.as_deref() == Some("ignored"))
    );
}

#[tokio::test]
async fn deleting_a_namespace_marks_it_terminating_and_removes_its_objects() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let namespaces: Api<Namespace> = Api::all(client.clone());
    namespaces
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "doomed"}})).unwrap(),
        )
        .await
        .unwrap();
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "doomed");
    api.create(&PostParams::default(), &config_map("inside", json!({})))
        .await
        .unwrap();
    let sa: Api<k8s_openapi::api::core::v1::ServiceAccount> =
        Api::namespaced(client.clone(), "doomed");
    assert!(
        sa.get_opt("default").await.unwrap().is_some(),
        "namespaces get a default ServiceAccount"
    );
    namespaces
        .delete("doomed", &DeleteParams::default())
        .await
        .unwrap();
    let marked = namespaces.get_opt("doomed").await.unwrap();
    if let Some(marked) = marked {
        assert_eq!(marked.status.unwrap().phase.as_deref(), Some("Terminating"));
        assert!(marked.metadata.deletion_timestamp.is_some());
        let refused = status_of(
            api.create(&PostParams::default(), &config_map("late", json!({})))
                .await,
        );
        assert_eq!(refused.code, 403);
    }
    eventually("namespace removal", Duration::from_secs(5), || async {
        namespaces
            .get_opt("doomed")
            .await
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
    let everywhere: Api<ConfigMap> = Api::all(client.clone());
    let left = everywhere
        .list(&ListParams::default().fields("metadata.namespace=doomed"))
        .await
        .unwrap();
    assert!(left.items.is_empty());
}

#[tokio::test]
async fn custom_resource_definitions_register_and_remove_kinds() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
            "versions": [
                {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}},
                {"name": "v1beta1", "served": true, "storage": false, "schema": {"openAPIV3Schema": {"type": "object"}}}
            ]
        }
    });
    let created = apply(&client, crd, "charts").await.unwrap();
    let conditions = created.data["status"]["conditions"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        conditions
            .iter()
            .any(|c| c["type"] == "Established" && c["status"] == "True")
    );

    let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1", "namespace": "default"}, "spec": {"size": 3}});
    let stored = apply(&client, widget, "charts").await.unwrap();
    assert_eq!(stored.data["spec"]["size"], 3);
    // Served at the second version too.
    let beta = raw_get(
        &sandbox,
        "/apis/example.com/v1beta1/namespaces/default/widgets/w1",
        &[],
    )
    .await
    .json();
    assert_eq!(beta["apiVersion"], "example.com/v1beta1");
    // Strategic merge patch is refused for custom resources, as on a real server.
    let widgets = resource(&client, "example.com", "v1", "Widget").await;
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &widgets);
    let status = status_of(
        api.patch(
            "w1",
            &PatchParams::default(),
            &Patch::Strategic(json!({"spec": {"size": 4}})),
        )
        .await,
    );
    assert_eq!(status.code, 415);

    let crds: Api<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition> = Api::all(client.clone());
    crds.delete("widgets.example.com", &DeleteParams::default())
        .await
        .unwrap();
    let gone = raw_get(
        &sandbox,
        "/apis/example.com/v1/namespaces/default/widgets/w1",
        &[],
    )
    .await;
    assert_eq!(gone.status, 404);
    let discovery = Discovery::new(client.clone()).run().await.unwrap();
    assert!(!discovery.has_group("example.com"));
}

#[tokio::test]
async fn deletion_cascades_to_owned_objects_unless_orphaned() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    for name in ["keep", "cascade"] {
        apply(&client, deployment(name, 2, "nginx:1"), "charts")
            .await
            .unwrap();
        eventually("pods", Duration::from_secs(5), || async {
            let list = pods
                .list(&ListParams::default().labels(&format!("app={name}")))
                .await
                .unwrap();
            (list.items.len() == 2).then_some(())
        })
        .await;
    }
    let api: Api<Deployment> = Api::default_namespaced(client.clone());
    api.delete("cascade", &DeleteParams::background())
        .await
        .unwrap();
    api.delete("keep", &DeleteParams::orphan()).await.unwrap();
    let remaining = |selector: &'static str| {
        let pods = pods.clone();
        async move {
            pods.list(&ListParams::default().labels(selector))
                .await
                .unwrap()
                .items
                .len()
        }
    };
    assert_eq!(remaining("app=cascade").await, 0);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(remaining("app=keep").await, 2, "orphaned pods stay");
    let replica_sets: Api<k8s_openapi::api::apps::v1::ReplicaSet> =
        Api::default_namespaced(client.clone());
    let orphan = replica_sets
        .list(&ListParams::default().labels("app=keep"))
        .await
        .unwrap();
    assert_eq!(orphan.items.len(), 1);
    assert!(
        orphan.items[0]
            .metadata
            .owner_references
            .clone()
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn delete_collection_dry_run_deletes_and_leases() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let api: Api<ConfigMap> = Api::default_namespaced(client.clone());
    for (name, tier) in [("a", "web"), ("b", "web"), ("c", "db")] {
        api.create(
            &PostParams::default(),
            &config_map(name, json!({"tier": tier})),
        )
        .await
        .unwrap();
    }
    let dry = DeleteParams {
        dry_run: true,
        ..DeleteParams::default()
    };
    api.delete("a", &dry).await.unwrap();
    assert!(
        api.get_opt("a").await.unwrap().is_some(),
        "dry-run delete keeps the object"
    );
    let deleted = api
        .delete_collection(&dry, &ListParams::default().labels("tier=web"))
        .await
        .unwrap();
    assert_eq!(deleted.left().unwrap().items.len(), 2);
    assert_eq!(
        api.list(&ListParams::default().labels("tier"))
            .await
            .unwrap()
            .items
            .len(),
        3
    );
    api.delete_collection(
        &DeleteParams::default(),
        &ListParams::default().labels("tier=web"),
    )
    .await
    .unwrap();
    let left: Vec<_> = api
        .list(&ListParams::default().labels("tier"))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.metadata.name.unwrap())
        .collect();
    assert_eq!(left, ["c"]);

    // Leases: the coordination API a release lock would use, with optimistic concurrency.
    let leases: Api<k8s_openapi::api::coordination::v1::Lease> =
        Api::default_namespaced(client.clone());
    let lease: k8s_openapi::api::coordination::v1::Lease = serde_json::from_value(json!({
        "metadata": {"name": "release-lock"},
        "spec": {"holderIdentity": "charts-1", "leaseDurationSeconds": 15}
    }))
    .unwrap();
    let held = leases.create(&PostParams::default(), &lease).await.unwrap();
    let mut taken = held.clone();
    taken.spec.as_mut().unwrap().holder_identity = Some("charts-2".into());
    let taken = leases
        .replace("release-lock", &PostParams::default(), &taken)
        .await
        .unwrap();
    assert_eq!(
        taken.spec.unwrap().holder_identity.as_deref(),
        Some("charts-2")
    );
    let mut late = held;
    late.spec.as_mut().unwrap().holder_identity = Some("charts-3".into());
    let lost = status_of(
        leases
            .replace("release-lock", &PostParams::default(), &late)
            .await,
    );
    assert_eq!(lost.code, 409);
}

#[tokio::test]
async fn finalizers_hold_deletion_until_removed() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let api: Api<ConfigMap> = Api::default_namespaced(client.clone());
    let held: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "held", "finalizers": ["example.com/cleanup"]}
    }))
    .unwrap();
    api.create(&PostParams::default(), &held).await.unwrap();
    api.delete("held", &DeleteParams::foreground())
        .await
        .unwrap();
    let marked = api.get("held").await.unwrap();
    assert!(marked.metadata.deletion_timestamp.is_some());
    // Removing the last finalizer completes the deletion.
    let removed = json!({"metadata": {"finalizers": null}});
    api.patch("held", &PatchParams::default(), &Patch::Merge(removed))
        .await
        .unwrap();
    assert!(
        api.get_opt("held").await.unwrap().is_none(),
        "gone once the last finalizer is removed"
    );
}

#[tokio::test]
async fn watch_can_send_initial_events_and_ends_at_its_timeout() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let api: Api<ConfigMap> = Api::default_namespaced(client.clone());
    api.create(&PostParams::default(), &config_map("first", json!({})))
        .await
        .unwrap();
    let path = "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1";
    let started = std::time::Instant::now();
    let response = raw_get(&sandbox, path, &[]).await;
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the stream stays open until timeoutSeconds"
    );
    // The body is chunked: keep the JSON lines.
    let events: Vec<Value> = response
        .body
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(events[0]["type"], "ADDED");
    assert_eq!(events[0]["object"]["metadata"]["name"], "first");
    let bookmark = events
        .iter()
        .find(|e| e["type"] == "BOOKMARK")
        .expect("a bookmark");
    assert_eq!(
        bookmark["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
}

/// The router is a tower service: a `kube::Client` can use it with no socket at all.
#[tokio::test]
async fn the_router_works_as_an_in_process_kube_transport() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = kube::Client::new(sandbox.router(), "default");
    let api: Api<ConfigMap> = Api::default_namespaced(client);
    api.create(&PostParams::default(), &config_map("in-process", json!({})))
        .await
        .unwrap();
    let over_http: Api<ConfigMap> = Api::default_namespaced(super::client(&sandbox));
    assert!(
        over_http.get_opt("in-process").await.unwrap().is_some(),
        "same store"
    );
}

#[tokio::test]
async fn watching_from_a_version_older_than_the_history_is_gone() {
    let options = charts_sandbox::Options::default().watch_history(5);
    let sandbox = Sandbox::start_with(options).await.unwrap();
    let client = client(&sandbox);
    let api: Api<ConfigMap> = Api::default_namespaced(client.clone());
    let start = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    for index in 0..10 {
        api.create(
            &PostParams::default(),
            &config_map(&format!("c{index}"), json!({})),
        )
        .await
        .unwrap();
    }
    let mut events = api
        .watch(&WatchParams::default().timeout(5), &start)
        .await
        .unwrap()
        .boxed();
    let first = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match first {
        WatchEvent::Error(status) => {
            assert_eq!(status.code, 410);
            assert_eq!(status.reason, "Expired");
            assert!(
                status.message.starts_with("too old resource version"),
                "{}",
                status.message
            );
        }
        other => panic!("expected a 410 ERROR event, got {other:?}"),
    }
}

#[tokio::test]
async fn service_updates_keep_the_allocated_cluster_ip_and_node_ports() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let services: Api<k8s_openapi::api::core::v1::Service> =
        Api::default_namespaced(client.clone());
    let manifest = |selector: &str| {
        serde_json::from_value(json!({
            "metadata": {"name": "web"},
            "spec": {"type": "NodePort", "selector": {"app": selector}, "ports": [{"port": 80}]}
        }))
        .unwrap()
    };
    let created = services
        .create(&PostParams::default(), &manifest("a"))
        .await
        .unwrap();
    let spec = created.spec.unwrap();
    let node_port = spec.ports.unwrap()[0].node_port.unwrap();
    assert!((30000..32768).contains(&node_port));
    let replaced = services
        .replace("web", &PostParams::default(), &manifest("b"))
        .await
        .unwrap();
    let new_spec = replaced.spec.unwrap();
    assert_eq!(new_spec.cluster_ip, spec.cluster_ip);
    assert_eq!(new_spec.ports.unwrap()[0].node_port, Some(node_port));
    assert_eq!(new_spec.selector.unwrap()["app"], "b");
    // Changing the allocated cluster IP is refused.
    let mut moved: k8s_openapi::api::core::v1::Service = manifest("b");
    moved.spec.as_mut().unwrap().cluster_ip = Some("10.96.200.200".into());
    let refused = status_of(
        services
            .replace("web", &PostParams::default(), &moved)
            .await,
    );
    assert_eq!(refused.code, 422);
    assert!(
        refused.message.contains("spec.clusterIP"),
        "{}",
        refused.message
    );
}

/// kubectl rewrites managedFields with a JSON patch when it moves an object from client-side to
/// server-side apply; `[{}]` strips them; an empty list changes nothing.
#[tokio::test]
async fn writes_may_set_or_strip_managed_fields() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let settings = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "default"}, "data": {"a": "1"}});
    apply(&client, settings, "charts").await.unwrap();
    let api: Api<ConfigMap> = Api::default_namespaced(client.clone());
    let managers = |cm: &ConfigMap| -> Vec<String> {
        cm.metadata
            .managed_fields
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.manager.unwrap())
            .collect()
    };
    let unchanged = api
        .patch(
            "cfg",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"managedFields": []}})),
        )
        .await
        .unwrap();
    assert_eq!(managers(&unchanged), ["charts"]);

    let path = "/api/v1/namespaces/default/configmaps/cfg";
    let replace = r#"[{"op":"replace","path":"/metadata/managedFields","value":[{"manager":"migrated","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}]}]"#;
    let response = raw_request(
        &sandbox,
        "PATCH",
        path,
        &[("Content-Type", "application/json-patch+json")],
        replace,
    )
    .await
    .unwrap();
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(managers(&api.get("cfg").await.unwrap()), ["migrated"]);

    let stripped = api
        .patch(
            "cfg",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"managedFields": [{}]}})),
        )
        .await
        .unwrap();
    assert!(stripped.metadata.managed_fields.is_none());
}

/// Built-in kinds are decoded as the API server decodes them: unknown fields are dropped with a
/// warning, refused with `fieldValidation=Strict`, and wrongly typed values are refused.
#[tokio::test]
async fn unknown_fields_are_dropped_with_a_warning_or_refused_when_strict() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let path = "/apis/apps/v1/namespaces/default/deployments";
    let json = [("Content-Type", "application/json")];
    let with_typo = |name: &str| {
        let mut manifest = deployment(name, 1, "nginx:1");
        manifest["spec"]["replica"] = json!(3);
        manifest["spec"]["template"]["spec"]["containers"][0]["imagee"] = json!("typo");
        manifest.to_string()
    };
    let created = raw_request(&sandbox, "POST", path, &json, &with_typo("warned"))
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{}", created.body);
    // In the order the fields appear in the body.
    let warnings: Vec<&str> = created
        .headers
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("warning:"))
        .collect();
    assert_eq!(
        warnings,
        [
            r#"warning: 299 - "unknown field \"spec.template.spec.containers[0].imagee\"""#,
            r#"warning: 299 - "unknown field \"spec.replica\"""#
        ]
    );
    let stored = created.json();
    assert!(stored["spec"].get("replica").is_none());
    assert!(
        stored["spec"]["template"]["spec"]["containers"][0]
            .get("imagee")
            .is_none()
    );

    let strict = raw_request(
        &sandbox,
        "POST",
        &format!("{path}?fieldValidation=Strict"),
        &json,
        &with_typo("strict"),
    )
    .await
    .unwrap();
    assert_eq!(strict.status, 400);
    assert_eq!(
        strict.json()["message"],
        r#"Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagee", unknown field "spec.replica""#
    );

    let mut wrong_type = deployment("typed", 1, "nginx:1");
    wrong_type["spec"]["replicas"] = json!("three");
    let refused = raw_request(&sandbox, "POST", path, &json, &wrong_type.to_string())
        .await
        .unwrap();
    assert_eq!(refused.status, 400);
    assert!(
        refused.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("Deployment in version \"v1\" cannot be handled as a Deployment: ")
    );

    // Server-side apply: the unknown field is neither stored nor owned.
    let mut applied = deployment("applied", 1, "nginx:1");
    applied["spec"]["replica"] = json!(3);
    let object = apply(&client, applied.clone(), "charts").await.unwrap();
    assert!(object.data["spec"].get("replica").is_none());
    let owned =
        serde_json::to_value(&object.metadata.managed_fields.unwrap()[0].fields_v1).unwrap();
    assert!(owned["f:spec"].get("f:replica").is_none(), "{owned}");
    assert!(owned["f:spec"].get("f:replicas").is_some(), "{owned}");
    let resource = resource(&client, "apps", "v1", "Deployment").await;
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &resource);
    let strict = PatchParams {
        field_validation: Some(kube::api::ValidationDirective::Strict),
        ..PatchParams::apply("charts")
    };
    let status = status_of(api.patch("applied", &strict, &Patch::Apply(applied)).await);
    assert_eq!(status.code, 400);
    assert!(
        status.message.contains(r#"unknown field "spec.replica""#),
        "{}",
        status.message
    );
}
