//! Fault injection and request counters, through the library API and the admin endpoint.

use std::time::{Duration, Instant};

use charts_sandbox::{Fault, Sandbox};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams};
use serde_json::json;

use super::{client, raw_get, raw_request, status_of};

#[tokio::test]
async fn the_nth_matching_request_fails_with_the_chosen_status() {
    let sandbox = Sandbox::start().await.unwrap();
    let api: Api<ConfigMap> = Api::default_namespaced(client(&sandbox));
    sandbox.faults().add(
        Fault::status(500)
            .verb("list")
            .resource("configmaps")
            .nth(2),
    );
    sandbox.faults().add(
        Fault::status(503)
            .verb("get")
            .resource("configmaps")
            .times(2),
    );
    assert!(api.list(&ListParams::default()).await.is_ok());
    let failed = status_of(api.list(&ListParams::default()).await);
    assert_eq!(
        (failed.code, failed.reason.as_str()),
        (500, "InternalError")
    );
    assert!(
        api.list(&ListParams::default()).await.is_ok(),
        "only the 2nd list fails"
    );
    // Raw requests: kube's client retries 503s by itself.
    let path = "/api/v1/namespaces/default/configmaps/x";
    for _ in 0..2 {
        let response = raw_get(&sandbox, path, &[]).await;
        assert_eq!(response.status, 503);
        assert_eq!(response.json()["reason"], "ServiceUnavailable");
    }
    assert_eq!(
        raw_get(&sandbox, path, &[]).await.status,
        404,
        "faults over, normal answer"
    );

    let counters = sandbox.counters();
    assert_eq!(counters.get("list", "configmaps"), 3);
    assert_eq!(counters.get("get", "configmaps"), 3);
    sandbox.reset_counters();
    assert_eq!(sandbox.counters().total(), 0);
}

#[tokio::test]
async fn server_side_apply_requests_count_and_fail_as_apply() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let manifest = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "default"}, "data": {"k": "v"}});
    sandbox
        .faults()
        .add(Fault::status(500).verb("apply").resource("configmaps"));
    let failed = status_of(super::apply(&client, manifest.clone(), "charts").await);
    assert_eq!(failed.code, 500);
    super::apply(&client, manifest, "charts").await.unwrap();
    let counters = sandbox.counters();
    assert_eq!(counters.get("apply", "configmaps"), 2);
    assert_eq!(counters.get("patch", "configmaps"), 0);
    assert!(
        counters.verb_total("discovery") > 0,
        "discovery requests are counted too"
    );
}

#[tokio::test]
async fn too_many_requests_carries_retry_after_and_latency_delays() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox
        .faults()
        .add(Fault::too_many_requests(7).verb("list"));
    let response = raw_get(&sandbox, "/api/v1/namespaces/default/configmaps", &[]).await;
    assert_eq!(response.status, 429);
    assert_eq!(response.header("Retry-After").as_deref(), Some("7"));
    assert_eq!(response.json()["reason"], "TooManyRequests");

    sandbox.faults().clear();
    sandbox.faults().add(
        Fault::latency(Duration::from_millis(300))
            .verb("get")
            .resource("namespaces"),
    );
    let started = Instant::now();
    assert_eq!(
        raw_get(&sandbox, "/api/v1/namespaces/default", &[])
            .await
            .status,
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_dropped_connection_gets_no_response() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox
        .faults()
        .add(Fault::drop_connection().verb("get").resource("configmaps"));
    let dropped = raw_request(
        &sandbox,
        "GET",
        "/api/v1/namespaces/default/configmaps/x",
        &[],
        "",
    )
    .await;
    assert!(
        dropped.is_err(),
        "expected no HTTP response, got {dropped:?}"
    );
    let api: Api<ConfigMap> = Api::default_namespaced(client(&sandbox));
    assert_eq!(
        status_of(api.get("x").await).code,
        404,
        "the next request is served"
    );
}

#[tokio::test]
async fn the_admin_endpoint_adds_faults_and_reports_counters() {
    let sandbox = Sandbox::start().await.unwrap();
    let fault = json!({"verb": "create", "resource": "configmaps.", "nth": 1, "action": {"type": "status", "code": 503}});
    let fault = fault.to_string().replace("configmaps.", "configmaps");
    let added = raw_request(
        &sandbox,
        "POST",
        "/sandbox.charts.dev/faults",
        &[("Content-Type", "application/json")],
        &fault,
    )
    .await
    .unwrap();
    assert_eq!(added.status, 201, "{}", added.body);
    let body = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"#;
    let path = "/api/v1/namespaces/default/configmaps";
    let headers = [("Content-Type", "application/json")];
    assert_eq!(
        raw_request(&sandbox, "POST", path, &headers, body)
            .await
            .unwrap()
            .status,
        503
    );
    assert_eq!(
        raw_request(&sandbox, "POST", path, &headers, body)
            .await
            .unwrap()
            .status,
        201
    );
    let counters = raw_get(&sandbox, "/sandbox.charts.dev/counters", &[])
        .await
        .json();
    let create = counters["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["verb"] == "create" && row["resource"] == "configmaps")
        .unwrap();
    assert_eq!(create["count"], 2);
    assert_eq!(
        raw_request(&sandbox, "DELETE", "/sandbox.charts.dev/faults", &[], "")
            .await
            .unwrap()
            .status,
        200
    );
    assert!(sandbox.faults().list().is_empty());
    assert_eq!(
        raw_request(&sandbox, "DELETE", "/sandbox.charts.dev/counters", &[], "")
            .await
            .unwrap()
            .status,
        200
    );
    assert_eq!(sandbox.counters().total(), 0);
}

// Bug: the admin endpoint documented `retryAfterSeconds` but only accepted `retry_after_seconds`.
#[tokio::test]
async fn the_admin_endpoint_takes_too_many_requests_with_retry_after_seconds() {
    let sandbox = Sandbox::start().await.unwrap();
    let fault =
        json!({"verb": "list", "action": {"type": "tooManyRequests", "retryAfterSeconds": 3}});
    let added = raw_request(
        &sandbox,
        "POST",
        "/sandbox.charts.dev/faults",
        &[("Content-Type", "application/json")],
        &fault.to_string(),
    )
    .await
    .unwrap();
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.json()["action"]["retryAfterSeconds"], 3);
    let listed = raw_get(&sandbox, "/sandbox.charts.dev/faults", &[]).await;
    assert_eq!(listed.json()["faults"][0]["action"], fault["action"]);
    let response = raw_get(&sandbox, "/api/v1/namespaces/default/configmaps", &[]).await;
    assert_eq!(response.status, 429);
    assert_eq!(response.header("Retry-After").as_deref(), Some("3"));
    assert_eq!(response.json()["details"]["retryAfterSeconds"], 3);
}

/// Code that is not async (a test driving the `charts` binary) starts a sandbox on its own thread.
#[test]
fn start_blocking_serves_without_a_runtime_and_stops_on_drop() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let address = sandbox.address();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let response = runtime.block_on(raw_get(&sandbox, "/api/v1/namespaces/kube-system", &[]));
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["metadata"]["name"], "kube-system");
    drop(sandbox);
    assert!(
        std::net::TcpStream::connect(address).is_err(),
        "port closed after drop"
    );
}
