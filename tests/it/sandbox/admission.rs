//! Namespace deletion, ResourceQuota and LimitRange as the real API server does them, through
//! raw HTTP, the real `kubectl` and `charts install`.

use std::time::Duration;

use charts_sandbox::{Options, Sandbox};
use serde_json::{Value, json};

use super::kubectl::Kubectl;
use super::{RawResponse, eventually, raw_request};
use crate::common::{TestChart, TestEnv};

async fn send(sandbox: &Sandbox, method: &str, path: &str, body: Value) -> RawResponse {
    let content_type = match method {
        "PATCH" => "application/merge-patch+json",
        _ => "application/json",
    };
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    raw_request(
        sandbox,
        method,
        path,
        &[("Content-Type", content_type)],
        &body,
    )
    .await
    .expect("request")
}

/// POSTs `body` and insists on `201 Created`; returns the created object.
async fn created(sandbox: &Sandbox, path: &str, body: Value) -> Value {
    let response = send(sandbox, "POST", path, body).await;
    assert_eq!(response.status, 201, "{}", response.body);
    response.json()
}

/// POSTs `body` and insists on a refusal with `code`; returns the Status.
async fn refused(sandbox: &Sandbox, path: &str, body: Value, code: u16) -> Value {
    let response = send(sandbox, "POST", path, body).await;
    assert_eq!(response.status, code, "{}", response.body);
    response.json()
}

async fn get(sandbox: &Sandbox, path: &str) -> RawResponse {
    send(sandbox, "GET", path, Value::Null).await
}

async fn namespace(sandbox: &Sandbox, name: &str) {
    created(
        sandbox,
        "/api/v1/namespaces",
        json!({"metadata": {"name": name}}),
    )
    .await;
}

fn pod(name: &str, containers: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": containers}})
}

fn container(name: &str, requests: Value, limits: Value) -> Value {
    let mut resources = json!({});
    if !requests.is_null() {
        resources["requests"] = requests;
    }
    if !limits.is_null() {
        resources["limits"] = limits;
    }
    json!({"name": name, "image": "nginx:1.27", "resources": resources})
}

async fn quota_used(sandbox: &Sandbox, namespace: &str, name: &str) -> Value {
    let path = format!("/api/v1/namespaces/{namespace}/resourcequotas/{name}");
    get(sandbox, &path).await.json()["status"]["used"].clone()
}

#[tokio::test]
async fn a_deleted_namespace_is_terminating_until_its_content_is_gone() {
    let sandbox =
        Sandbox::start_with(Options::default().controller_delay(Duration::from_millis(200)))
            .await
            .unwrap();
    let made = created(
        &sandbox,
        "/api/v1/namespaces",
        json!({"metadata": {"name": "doomed"}}),
    )
    .await;
    assert_eq!(made["spec"]["finalizers"], json!(["kubernetes"]));
    assert_eq!(made["status"]["phase"], "Active");
    let configmaps = "/api/v1/namespaces/doomed/configmaps";
    created(
        &sandbox,
        configmaps,
        json!({"metadata": {"name": "held", "finalizers": ["example.com/hold"]}}),
    )
    .await;
    created(&sandbox, configmaps, json!({"metadata": {"name": "plain"}})).await;

    let deleted = send(&sandbox, "DELETE", "/api/v1/namespaces/doomed", Value::Null).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let deleted = deleted.json();
    assert_eq!(deleted["kind"], "Namespace");
    assert_eq!(deleted["status"]["phase"], "Terminating");
    assert!(deleted["metadata"]["deletionTimestamp"].is_string());
    assert_eq!(deleted["spec"]["finalizers"], json!(["kubernetes"]));

    let late = refused(
        &sandbox,
        configmaps,
        json!({"metadata": {"name": "late"}}),
        403,
    )
    .await;
    assert_eq!(
        late["message"],
        "configmaps \"late\" is forbidden: unable to create new content in namespace doomed because it is being terminated"
    );
    assert_eq!(late["reason"], "Forbidden");
    assert_eq!(
        late["details"]["causes"][0]["reason"],
        "NamespaceTerminating"
    );
    let again = send(&sandbox, "DELETE", "/api/v1/namespaces/doomed", Value::Null).await;
    assert_eq!(again.status, 409);
    assert_eq!(
        again.json()["message"],
        "Operation cannot be fulfilled on namespaces \"doomed\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system."
    );

    // The controller deletes what it can; the object with a finalizer holds the namespace.
    let conditions = eventually(
        "conditions on the namespace",
        Duration::from_secs(5),
        || async {
            let namespace = get(&sandbox, "/api/v1/namespaces/doomed").await.json();
            namespace["status"]["conditions"].as_array().cloned()
        },
    )
    .await;
    let condition = |kind: &str| {
        conditions
            .iter()
            .find(|c| c["type"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} in {conditions:?}"))
    };
    assert_eq!(
        condition("NamespaceFinalizersRemaining")["message"],
        "Some finalizers are remaining: example.com/hold in 1 resource instances"
    );
    assert_eq!(
        condition("NamespaceContentRemaining")["message"],
        "Some resources are remaining: configmaps. has 1 resource instances"
    );
    assert_eq!(
        get(&sandbox, &format!("{configmaps}/plain")).await.status,
        404
    );
    let held = get(&sandbox, &format!("{configmaps}/held")).await.json();
    assert!(held["metadata"]["deletionTimestamp"].is_string(), "{held}");
    assert_eq!(
        get(&sandbox, "/api/v1/namespaces/doomed").await.json()["status"]["phase"],
        "Terminating"
    );

    let released = send(
        &sandbox,
        "PATCH",
        &format!("{configmaps}/held"),
        json!({"metadata": {"finalizers": null}}),
    )
    .await;
    assert_eq!(released.status, 200, "{}", released.body);
    eventually("the namespace to go", Duration::from_secs(5), || async {
        (get(&sandbox, "/api/v1/namespaces/doomed").await.status == 404).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_namespace_with_another_finalizer_waits_for_finalize() {
    let sandbox = Sandbox::start().await.unwrap();
    created(
        &sandbox,
        "/api/v1/namespaces",
        json!({"metadata": {"name": "stuck"}, "spec": {"finalizers": ["kubernetes", "example.com/env"]}}),
    )
    .await;
    let deleted = send(&sandbox, "DELETE", "/api/v1/namespaces/stuck", Value::Null).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    // The namespace controller drops only its own finalizer.
    eventually(
        "the kubernetes finalizer to go",
        Duration::from_secs(5),
        || async {
            let namespace = get(&sandbox, "/api/v1/namespaces/stuck").await.json();
            (namespace["spec"]["finalizers"] == json!(["example.com/env"])).then_some(())
        },
    )
    .await;
    assert_eq!(
        get(&sandbox, "/api/v1/namespaces/stuck").await.json()["status"]["phase"],
        "Terminating"
    );
    let finalized = send(
        &sandbox,
        "PUT",
        "/api/v1/namespaces/stuck/finalize",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "stuck"}, "spec": {"finalizers": []}}),
    )
    .await;
    assert_eq!(finalized.status, 200, "{}", finalized.body);
    assert_eq!(finalized.json()["spec"]["finalizers"], json!([]));
    assert_eq!(get(&sandbox, "/api/v1/namespaces/stuck").await.status, 404);
}

#[tokio::test]
async fn a_quota_counts_objects_and_refuses_the_one_too_many() {
    let sandbox = Sandbox::start().await.unwrap();
    namespace(&sandbox, "shop").await;
    let quotas = "/api/v1/namespaces/shop/resourcequotas";
    // Three ConfigMaps: the namespace's kube-root-ca.crt and two more.
    let hard = json!({"count/configmaps": "3", "secrets": "1", "count/deployments.apps": "1"});
    created(
        &sandbox,
        quotas,
        json!({"metadata": {"name": "objects"}, "spec": {"hard": hard}}),
    )
    .await;
    let quota = get(&sandbox, &format!("{quotas}/objects")).await.json();
    assert_eq!(quota["status"]["hard"], hard);
    assert_eq!(
        quota["status"]["used"],
        json!({"count/configmaps": "1", "secrets": "0", "count/deployments.apps": "0"})
    );

    let configmaps = "/api/v1/namespaces/shop/configmaps";
    for name in ["a", "b"] {
        created(&sandbox, configmaps, json!({"metadata": {"name": name}})).await;
    }
    let third = refused(
        &sandbox,
        configmaps,
        json!({"metadata": {"name": "c"}}),
        403,
    )
    .await;
    assert_eq!(
        third["message"],
        "configmaps \"c\" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=3, limited: count/configmaps=3"
    );
    assert_eq!(third["reason"], "Forbidden");
    assert_eq!(third["details"], json!({"name": "c", "kind": "configmaps"}));
    assert_eq!(
        quota_used(&sandbox, "shop", "objects").await["count/configmaps"],
        "3"
    );
    // Another namespace is not limited.
    created(
        &sandbox,
        "/api/v1/namespaces/default/configmaps",
        json!({"metadata": {"name": "c"}}),
    )
    .await;

    let gone = send(&sandbox, "DELETE", &format!("{configmaps}/a"), Value::Null).await;
    assert_eq!(gone.status, 200);
    assert_eq!(
        quota_used(&sandbox, "shop", "objects").await["count/configmaps"],
        "2"
    );
    created(&sandbox, configmaps, json!({"metadata": {"name": "c"}})).await;

    let deployments = "/apis/apps/v1/namespaces/shop/deployments";
    let deployment = |name: &str| {
        json!({"metadata": {"name": name}, "spec": {"replicas": 0, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}})
    };
    created(&sandbox, deployments, deployment("first")).await;
    let second = refused(&sandbox, deployments, deployment("second"), 403).await;
    assert_eq!(
        second["message"],
        "deployments.apps \"second\" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1"
    );
    assert_eq!(second["details"]["group"], "apps");

    let bad = refused(
        &sandbox,
        quotas,
        json!({"metadata": {"name": "bad"}, "spec": {"hard": {"pods": "lots"}}}),
        422,
    )
    .await;
    assert_eq!(
        bad["message"],
        "ResourceQuota \"bad\" is invalid: spec.hard[pods]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
}

#[tokio::test]
async fn a_quota_sums_the_requests_and_limits_of_pods() {
    let sandbox = Sandbox::start().await.unwrap();
    namespace(&sandbox, "shop").await;
    created(
        &sandbox,
        "/api/v1/namespaces/shop/resourcequotas",
        json!({"metadata": {"name": "compute"}, "spec": {"hard": {
            "pods": "2", "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi"
        }}}),
    )
    .await;
    let pods = "/api/v1/namespaces/shop/pods";
    let bare = refused(
        &sandbox,
        pods,
        pod(
            "bare",
            json!([
                container("app", Value::Null, Value::Null),
                container(
                    "side",
                    Value::Null,
                    json!({"cpu": "100m", "memory": "64Mi"})
                )
            ]),
        ),
        403,
    )
    .await;
    assert_eq!(
        bare["message"],
        "pods \"bare\" is forbidden: failed quota: compute: must specify limits.cpu for: app; limits.memory for: app; requests.cpu for: app; requests.memory for: app"
    );

    // A limit without a request is also the request, as the API defaults it.
    created(
        &sandbox,
        pods,
        pod(
            "one",
            json!([
                container(
                    "app",
                    json!({"cpu": "300m", "memory": "256Mi"}),
                    json!({"cpu": "500m", "memory": "512Mi"})
                ),
                container(
                    "side",
                    Value::Null,
                    json!({"cpu": "0.3", "memory": "256Mi"})
                )
            ]),
        ),
    )
    .await;
    assert_eq!(
        quota_used(&sandbox, "shop", "compute").await,
        json!({"pods": "1", "requests.cpu": "600m", "requests.memory": "512Mi", "limits.cpu": "800m", "limits.memory": "768Mi"})
    );
    let small = |name: &str, cpu: &str| {
        let both = json!({"cpu": cpu, "memory": "128Mi"});
        pod(name, json!([container("app", both.clone(), both)]))
    };
    let two = refused(&sandbox, pods, small("two", "500m"), 403).await;
    assert_eq!(
        two["message"],
        "pods \"two\" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1"
    );
    created(&sandbox, pods, small("three", "400m")).await;
    assert_eq!(
        quota_used(&sandbox, "shop", "compute").await["requests.cpu"],
        "1"
    );
    let four = refused(&sandbox, pods, small("four", "100m"), 403).await;
    assert_eq!(
        four["message"],
        "pods \"four\" is forbidden: exceeded quota: compute, requested: pods=1,requests.cpu=100m, used: pods=2,requests.cpu=1, limited: pods=2,requests.cpu=1"
    );
    // A dry run is checked but not counted.
    let dry = send(
        &sandbox,
        "POST",
        &format!("{pods}?dryRun=All"),
        small("four", "100m"),
    )
    .await;
    assert_eq!(dry.status, 403, "{}", dry.body);
    let gone = send(&sandbox, "DELETE", &format!("{pods}/three"), Value::Null).await;
    assert_eq!(gone.status, 200);
    let dry = send(
        &sandbox,
        "POST",
        &format!("{pods}?dryRun=All"),
        small("four", "100m"),
    )
    .await;
    assert_eq!(dry.status, 201, "{}", dry.body);
    assert_eq!(quota_used(&sandbox, "shop", "compute").await["pods"], "1");
}

#[tokio::test]
async fn quantities_are_read_added_and_printed_as_kubernetes_does() {
    let sandbox = Sandbox::start().await.unwrap();
    namespace(&sandbox, "shop").await;
    created(
        &sandbox,
        "/api/v1/namespaces/shop/resourcequotas",
        json!({"metadata": {"name": "compute"}, "spec": {"hard": {
            "requests.cpu": "10", "requests.memory": "10Gi", "limits.cpu": "10", "limits.memory": "10G"
        }}}),
    )
    .await;
    let pods = "/api/v1/namespaces/shop/pods";
    created(
        &sandbox,
        pods,
        pod(
            "a",
            json!([container(
                "app",
                json!({"cpu": "0.5", "memory": "1Gi"}),
                json!({"cpu": "1000m", "memory": "1e3"})
            )]),
        ),
    )
    .await;
    assert_eq!(
        quota_used(&sandbox, "shop", "compute").await,
        json!({"requests.cpu": "500m", "requests.memory": "1Gi", "limits.cpu": "1", "limits.memory": "1e3"})
    );
    created(
        &sandbox,
        pods,
        pod(
            "b",
            json!([container(
                "app",
                json!({"cpu": "1500m", "memory": "512Mi"}),
                json!({"cpu": 2, "memory": "2k"})
            )]),
        ),
    )
    .await;
    assert_eq!(
        quota_used(&sandbox, "shop", "compute").await,
        json!({"requests.cpu": "2", "requests.memory": "1536Mi", "limits.cpu": "3", "limits.memory": "3e3"})
    );
    let over = refused(
        &sandbox,
        pods,
        pod(
            "c",
            json!([container(
                "app",
                json!({"cpu": "1", "memory": "9Gi"}),
                json!({"cpu": "1", "memory": "1M"})
            )]),
        ),
        403,
    )
    .await;
    assert_eq!(
        over["message"],
        "pods \"c\" is forbidden: exceeded quota: compute, requested: requests.memory=9Gi, used: requests.memory=1536Mi, limited: requests.memory=10Gi"
    );
    for bad in ["lots", "1.2.3", "1Xi", "--1"] {
        let refused = refused(
            &sandbox,
            pods,
            pod(
                "bad",
                json!([container("app", json!({"cpu": bad}), Value::Null)]),
            ),
            422,
        )
        .await;
        assert_eq!(
            refused["message"],
            format!(
                "Pod \"bad\" is invalid: spec.containers[0].resources.requests[cpu]: Invalid value: \"{bad}\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            )
        );
    }
}

#[tokio::test]
async fn a_scoped_quota_counts_only_the_pods_in_its_scope() {
    let sandbox = Sandbox::start().await.unwrap();
    namespace(&sandbox, "shop").await;
    created(
        &sandbox,
        "/api/v1/namespaces/shop/resourcequotas",
        json!({"metadata": {"name": "best-effort"}, "spec": {"hard": {"pods": "1"}, "scopes": ["BestEffort"]}}),
    )
    .await;
    let pods = "/api/v1/namespaces/shop/pods";
    let bare = |name: &str| pod(name, json!([container("app", Value::Null, Value::Null)]));
    created(&sandbox, pods, bare("first")).await;
    let second = refused(&sandbox, pods, bare("second"), 403).await;
    assert_eq!(
        second["message"],
        "pods \"second\" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1"
    );
    let sized = json!({"cpu": "100m", "memory": "64Mi"});
    created(
        &sandbox,
        pods,
        pod("sized", json!([container("app", sized.clone(), sized)])),
    )
    .await;
    assert_eq!(
        quota_used(&sandbox, "shop", "best-effort").await,
        json!({"pods": "1"})
    );
}

#[tokio::test]
async fn a_deployment_is_admitted_and_its_pods_meet_the_quota() {
    let sandbox = Sandbox::start().await.unwrap();
    namespace(&sandbox, "shop").await;
    let quota = "/api/v1/namespaces/shop/resourcequotas";
    created(
        &sandbox,
        quota,
        json!({"metadata": {"name": "pods"}, "spec": {"hard": {"pods": "2"}}}),
    )
    .await;
    created(
        &sandbox,
        "/apis/apps/v1/namespaces/shop/deployments",
        json!({"metadata": {"name": "web"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}}),
    )
    .await;
    let event = eventually("a FailedCreate event", Duration::from_secs(5), || async {
        let events = get(&sandbox, "/api/v1/namespaces/shop/events").await.json();
        events["items"]
            .as_array()?
            .iter()
            .find(|e| e["reason"] == "FailedCreate")
            .cloned()
    })
    .await;
    assert_eq!(event["type"], "Warning");
    assert_eq!(event["involvedObject"]["kind"], "ReplicaSet");
    assert_eq!(event["source"]["component"], "replicaset-controller");
    let message = event["message"].as_str().unwrap();
    assert!(
        message.starts_with("Error creating: pods \"web-")
            && message.ends_with(
                "\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2"
            ),
        "{message}"
    );
    let sets = get(&sandbox, "/apis/apps/v1/namespaces/shop/replicasets")
        .await
        .json();
    let condition = &sets["items"][0]["status"]["conditions"][0];
    assert_eq!(condition["type"], "ReplicaFailure");
    assert_eq!(condition["reason"], "FailedCreate");
    let deployment = eventually(
        "ReplicaFailure on the Deployment",
        Duration::from_secs(5),
        || async {
            let deployment = get(&sandbox, "/apis/apps/v1/namespaces/shop/deployments/web")
                .await
                .json();
            let conditions = deployment["status"]["conditions"].as_array()?.clone();
            conditions
                .into_iter()
                .find(|c| c["type"] == "ReplicaFailure")
        },
    )
    .await;
    assert_eq!(deployment["reason"], "FailedCreate");
    assert!(
        deployment["message"].as_str().unwrap().ends_with(
            "is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2"
        ),
        "{deployment}"
    );
    let count = |list: Value| list["items"].as_array().map_or(0, Vec::len);
    assert_eq!(
        count(get(&sandbox, "/api/v1/namespaces/shop/pods").await.json()),
        2
    );

    // More room: the controller tries again and makes the third Pod.
    let raised = send(
        &sandbox,
        "PATCH",
        &format!("{quota}/pods"),
        json!({"spec": {"hard": {"pods": "3"}}}),
    )
    .await;
    assert_eq!(raised.status, 200, "{}", raised.body);
    eventually("the third Pod", Duration::from_secs(5), || async {
        let pods = get(&sandbox, "/api/v1/namespaces/shop/pods").await.json();
        (count(pods) == 3).then_some(())
    })
    .await;
    assert_eq!(quota_used(&sandbox, "shop", "pods").await["pods"], "3");
    eventually(
        "ReplicaFailure to clear",
        Duration::from_secs(5),
        || async {
            let deployment = get(&sandbox, "/apis/apps/v1/namespaces/shop/deployments/web")
                .await
                .json();
            let conditions = deployment["status"]["conditions"].as_array()?.clone();
            (!conditions.iter().any(|c| c["type"] == "ReplicaFailure")).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_limit_range_fills_in_defaults_and_refuses_what_is_out_of_bounds() {
    let sandbox = Sandbox::start().await.unwrap();
    namespace(&sandbox, "shop").await;
    let ranges = "/api/v1/namespaces/shop/limitranges";
    created(
        &sandbox,
        ranges,
        json!({"metadata": {"name": "limits"}, "spec": {"limits": [{
            "type": "Container",
            "default": {"cpu": "500m", "memory": "256Mi"},
            "defaultRequest": {"cpu": "100m"},
            "max": {"cpu": "1"},
            "min": {"memory": "64Mi"}
        }]}}),
    )
    .await;
    let stored = get(&sandbox, &format!("{ranges}/limits")).await.json();
    assert_eq!(
        stored["spec"]["limits"][0]["defaultRequest"],
        json!({"cpu": "100m", "memory": "256Mi"}),
        "the API defaults a missing request to the default limit"
    );
    let pods = "/api/v1/namespaces/shop/pods";
    let plain = created(
        &sandbox,
        pods,
        pod("plain", json!([container("app", Value::Null, Value::Null)])),
    )
    .await;
    assert_eq!(
        plain["spec"]["containers"][0]["resources"],
        json!({"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "256Mi"}})
    );
    assert_eq!(
        plain["metadata"]["annotations"]["kubernetes.io/limit-ranger"],
        "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app"
    );
    let big = refused(
        &sandbox,
        pods,
        pod(
            "big",
            json!([container("app", Value::Null, json!({"cpu": "2"}))]),
        ),
        403,
    )
    .await;
    assert_eq!(
        big["message"],
        "pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2"
    );
    let both = refused(
        &sandbox,
        pods,
        pod(
            "both",
            json!([container(
                "app",
                json!({"memory": "32Mi"}),
                json!({"cpu": "2", "memory": "32Mi"})
            )]),
        ),
        403,
    )
    .await;
    assert_eq!(
        both["message"],
        "pods \"both\" is forbidden: [minimum memory usage per Container is 64Mi, but request is 32Mi, maximum cpu usage per Container is 1, but limit is 2]"
    );

    // Defaults come before the quota, so a Pod without resources meets `must specify`.
    created(
        &sandbox,
        "/api/v1/namespaces/shop/resourcequotas",
        json!({"metadata": {"name": "compute"}, "spec": {"hard": {"requests.cpu": "1", "limits.memory": "1Gi"}}}),
    )
    .await;
    created(
        &sandbox,
        pods,
        pod(
            "defaulted",
            json!([container("app", Value::Null, Value::Null)]),
        ),
    )
    .await;
    assert_eq!(
        quota_used(&sandbox, "shop", "compute").await,
        json!({"requests.cpu": "200m", "limits.memory": "512Mi"})
    );
    // Without a LimitRange or quota, nothing is added.
    let untouched = created(
        &sandbox,
        "/api/v1/namespaces/default/pods",
        pod("free", json!([container("app", Value::Null, Value::Null)])),
    )
    .await;
    assert_eq!(untouched["spec"]["containers"][0]["resources"], json!({}));
    assert!(untouched["metadata"].get("annotations").is_none());
}

#[test]
fn kubectl_sees_a_namespace_terminate() {
    let sandbox = Sandbox::start_blocking_with(
        Options::default().controller_delay(Duration::from_millis(300)),
    )
    .unwrap();
    let kubectl = Kubectl::new(&sandbox);
    kubectl.ok(&["create", "namespace", "team"]);
    let held = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: team, finalizers: [example.com/hold]}\n";
    kubectl.ok_with_input(&["apply", "-f", "-"], held);
    assert_eq!(
        kubectl
            .ok(&["delete", "namespace", "team", "--wait=false"])
            .trim(),
        "namespace \"team\" deleted"
    );
    let terminating = kubectl.json(&["get", "namespace", "team"]);
    assert_eq!(terminating["status"]["phase"], "Terminating");
    assert!(terminating["metadata"]["deletionTimestamp"].is_string());
    let table = kubectl.ok(&["get", "namespace", "team"]);
    assert!(table.contains("Terminating"), "{table}");
    let late = kubectl.fails(
        &[
            "-n",
            "team",
            "create",
            "configmap",
            "late",
            "--from-literal=a=b",
        ],
        "",
    );
    assert!(
        late.contains("configmaps \"late\" is forbidden: unable to create new content in namespace team because it is being terminated"),
        "{late}"
    );
    kubectl.ok(&[
        "-n",
        "team",
        "patch",
        "configmap",
        "held",
        "--type=merge",
        "-p",
        r#"{"metadata":{"finalizers":null}}"#,
    ]);
    kubectl.ok(&["wait", "--for=delete", "namespace/team", "--timeout=10s"]);

    kubectl.ok(&["create", "namespace", "quick"]);
    kubectl.ok(&[
        "-n",
        "quick",
        "create",
        "configmap",
        "c",
        "--from-literal=a=b",
    ]);
    kubectl.ok(&["delete", "namespace", "quick", "--wait"]);
    let gone = kubectl.fails(&["get", "namespace", "quick"], "");
    assert!(gone.contains("namespaces \"quick\" not found"), "{gone}");
}

#[test]
fn kubectl_meets_quotas_and_limit_ranges() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let kubectl = Kubectl::new(&sandbox);
    kubectl.ok(&["create", "namespace", "shop"]);
    // `kubectl create quota` sends protobuf, which the sandbox reads only for a few kinds.
    let quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, namespace: shop}\nspec:\n  hard: {count/configmaps: '2', pods: '2', requests.cpu: '1'}\n";
    kubectl.ok_with_input(&["apply", "-f", "-"], quota);
    kubectl.ok(&[
        "-n",
        "shop",
        "create",
        "configmap",
        "a",
        "--from-literal=x=1",
    ]);
    let second = kubectl.fails(
        &[
            "-n",
            "shop",
            "create",
            "configmap",
            "b",
            "--from-literal=x=1",
        ],
        "",
    );
    assert!(
        second.contains("configmaps \"b\" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2"),
        "{second}"
    );
    let bare = kubectl.fails(&["-n", "shop", "run", "p", "--image=nginx:1.27"], "");
    assert!(
        bare.contains("pods \"p\" is forbidden: failed quota: q: must specify requests.cpu for: p"),
        "{bare}"
    );
    let range = "apiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults, namespace: shop}\nspec:\n  limits:\n  - type: Container\n    defaultRequest: {cpu: 250m}\n    max: {cpu: '1'}\n";
    kubectl.ok_with_input(&["apply", "-f", "-"], range);
    kubectl.ok(&["-n", "shop", "run", "p", "--image=nginx:1.27"]);
    let pod = kubectl.json(&["-n", "shop", "get", "pod", "p"]);
    assert_eq!(
        pod["spec"]["containers"][0]["resources"],
        json!({"requests": {"cpu": "250m"}, "limits": {"cpu": "1"}})
    );
    let quota = kubectl.json(&["-n", "shop", "get", "quota", "q"]);
    assert_eq!(
        quota["status"]["used"],
        json!({"count/configmaps": "2", "pods": "1", "requests.cpu": "250m"})
    );
    let described = kubectl.ok(&["-n", "shop", "describe", "quota", "q"]);
    assert!(
        described.lines().any(
            |line| line.split_whitespace().collect::<Vec<_>>() == ["requests.cpu", "250m", "1"]
        ),
        "{described}"
    );
    let big = "apiVersion: v1\nkind: Pod\nmetadata: {name: big, namespace: shop}\nspec:\n  containers:\n  - {name: app, image: nginx:1.27, resources: {limits: {cpu: '2'}}}\n";
    let refused = kubectl.fails(&["apply", "-f", "-"], big);
    assert!(
        refused.contains(
            "pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2"
        ),
        "{refused}"
    );
}

// Bug: charts reported every 403 as rejected credentials with an RBAC hint, hiding the quota's
// message.
#[test]
fn charts_install_reports_the_quota_that_refuses_a_pod() {
    let env = TestEnv::builder().namespaces(&["shop"]).build();
    let quota = env.write(
        "quota.yaml",
        "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: compute, namespace: shop}\nspec:\n  hard: {requests.cpu: '1', pods: '5'}\n",
    );
    let applied = env.kubectl(&["apply", "-f", quota.to_str().unwrap()]);
    assert!(applied.status.success(), "{applied:?}");
    let chart = TestChart::new(&env, "greedy").template(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ Release.Name }}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    resources:\n      requests: {cpu: '2'}\n",
    );
    let error = env.fails(&["install", "web", &chart.arg(), "-n", "shop"]);
    assert!(
        error.contains("pods \"web\" is forbidden: exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1"),
        "{error}"
    );
    assert!(!error.contains("credentials"), "{error}");
    assert!(env.get(&["pod", "web", "-n", "shop"]).is_none());
}
