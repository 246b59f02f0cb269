//! Custom resources with the `status` subresource: a test (standing in for an operator) sets
//! `status.conditions` and `status.observedGeneration` through `PUT .../status` or
//! `kubectl patch --subresource=status`, and writes to the main resource leave status alone.

use charts_sandbox::Sandbox;
use kube::api::{Api, DynamicObject, Patch, PatchParams, PostParams};
use serde_json::json;

use super::kubectl::Kubectl;
use super::{apply, client, resource};

fn crd(status: bool) -> serde_json::Value {
    let mut version = json!({
        "name": "v1", "served": true, "storage": true,
        "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
    });
    if status {
        version["subresources"] = json!({"status": {}});
    }
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "databases.example.com"},
        "spec": {
            "group": "example.com", "scope": "Namespaced",
            "names": {"plural": "databases", "singular": "database", "kind": "Database"},
            "versions": [version],
        }
    })
}

#[tokio::test]
async fn a_status_subresource_takes_conditions_and_observed_generation() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    apply(&client, crd(true), "charts").await.unwrap();
    let database = json!({
        "apiVersion": "example.com/v1", "kind": "Database",
        "metadata": {"name": "orders", "namespace": "default"},
        "spec": {"size": "small"},
        "status": {"ignored": true},
    });
    let created = apply(&client, database, "charts").await.unwrap();
    assert!(
        created.data.get("status").is_none(),
        "status is not written through the main resource"
    );
    assert_eq!(created.metadata.generation, Some(1));
    let resource = resource(&client, "example.com", "v1", "Database").await;
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &resource);

    // PUT .../status: the status changes, the spec does not, the generation stays.
    let mut put = api.get("orders").await.unwrap();
    put.data["spec"] = json!({"size": "huge"});
    put.data["status"] = json!({
        "observedGeneration": 1,
        "conditions": [{"type": "Ready", "status": "False", "reason": "Provisioning", "message": "waiting for volume orders-data", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
    });
    let replaced = api
        .replace_status("orders", &PostParams::default(), &put)
        .await
        .unwrap();
    assert_eq!(replaced.data["spec"], json!({"size": "small"}));
    assert_eq!(
        replaced.data["status"]["conditions"][0]["message"],
        "waiting for volume orders-data"
    );
    assert_eq!(replaced.metadata.generation, Some(1));

    // A spec change bumps the generation and keeps the status, whose observedGeneration is
    // now behind until the "operator" catches up.
    let patched = api
        .patch(
            "orders",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"size": "large"}, "status": {"observedGeneration": 9}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.metadata.generation, Some(2));
    assert_eq!(patched.data["status"]["observedGeneration"], 1);
    let caught_up = api
        .patch_status(
            "orders",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"observedGeneration": 2, "conditions": [{"type": "Ready", "status": "True", "reason": "Available", "message": ""}]}})),
        )
        .await
        .unwrap();
    assert_eq!(caught_up.data["status"]["observedGeneration"], 2);
    assert_eq!(caught_up.data["status"]["conditions"][0]["status"], "True");
    assert_eq!(caught_up.metadata.generation, Some(2));
}

#[tokio::test]
async fn without_the_status_subresource_status_is_part_of_the_object() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    apply(&client, crd(false), "charts").await.unwrap();
    let database = json!({
        "apiVersion": "example.com/v1", "kind": "Database",
        "metadata": {"name": "orders", "namespace": "default"},
        "spec": {"size": "small"},
        "status": {"conditions": [{"type": "Ready", "status": "False", "message": "set by the author"}]},
    });
    let created = apply(&client, database, "charts").await.unwrap();
    assert_eq!(
        created.data["status"]["conditions"][0]["message"],
        "set by the author"
    );
    let resource = resource(&client, "example.com", "v1", "Database").await;
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &resource);
    let missing = api
        .patch_status(
            "orders",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {}})),
        )
        .await;
    assert!(
        matches!(missing, Err(kube::Error::Api(ref s)) if s.code == 404),
        "{missing:?}"
    );
}

#[test]
fn kubectl_patches_the_status_subresource_of_a_custom_resource() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let kubectl = Kubectl::new(&sandbox);
    kubectl.ok_with_input(
        &["apply", "-f", "-"],
        &serde_json::to_string(&crd(true)).unwrap(),
    );
    kubectl.ok(&[
        "wait",
        "--for=condition=Established",
        "crd/databases.example.com",
        "--timeout=10s",
    ]);
    kubectl.ok_with_input(
        &["apply", "-f", "-"],
        "apiVersion: example.com/v1\nkind: Database\nmetadata: {name: orders, namespace: default}\nspec: {size: small}\n",
    );
    kubectl.ok(&[
        "patch",
        "database/orders",
        "--subresource=status",
        "--type=merge",
        "-p",
        r#"{"status":{"observedGeneration":1,"conditions":[{"type":"Ready","status":"False","reason":"Provisioning","message":"waiting for volume orders-data"}]}}"#,
    ]);
    let got = kubectl.json(&["get", "database/orders"]);
    assert_eq!(got["status"]["observedGeneration"], 1);
    assert_eq!(
        got["status"]["conditions"][0]["message"],
        "waiting for volume orders-data"
    );
    // `kubectl wait` reads the same condition.
    let waited = kubectl.fails(
        &[
            "wait",
            "--for=condition=Ready",
            "database/orders",
            "--timeout=1s",
        ],
        "",
    );
    assert!(waited.contains("timed out"), "{waited}");
    kubectl.ok(&[
        "patch",
        "database/orders",
        "--subresource=status",
        "--type=json",
        "-p",
        r#"[{"op":"replace","path":"/status/conditions/0/status","value":"True"}]"#,
    ]);
    kubectl.ok(&[
        "wait",
        "--for=condition=Ready",
        "database/orders",
        "--timeout=5s",
    ]);
}
