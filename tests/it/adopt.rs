//! `charts adopt helm` and `charts list --helm` against the sandbox, with the release records
//! real Helm v4 wrote (testdata/helm/adopt, made by make-fixture.py): three revisions of `shop`
//! in Secrets and one of `legacy` in ConfigMaps. The live objects are applied as Helm applies
//! them: the latest revision's manifest, with Helm's ownership marks, by server-side apply under
//! Helm's field manager.

use charts_sandbox::{Fault, Options};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

use crate::common::{TestEnv, stderr, testdata};

fn fixture(file: &str) -> Value {
    let path = testdata().join("helm/adopt").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn tera_chart() -> String {
    testdata()
        .join("helm/adopt/tera-chart")
        .to_string_lossy()
        .into_owned()
}

/// A sandbox holding Helm's release `shop` (namespace `shop`) as Helm left it.
fn helm_installed() -> TestEnv {
    let env = TestEnv::builder()
        .sandbox(Options::default())
        .namespaces(&["shop"])
        .build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = crate::sandbox::client(&env.sandbox);
        let secrets: Api<Secret> = Api::namespaced(client.clone(), "shop");
        let mut latest = None;
        for item in fixture("secrets.json")["items"].as_array().unwrap() {
            let secret: Secret = serde_json::from_value(item.clone()).unwrap();
            let name = secret.metadata.name.clone().unwrap();
            let text = &secret.data.as_ref().unwrap()["release"].0;
            let release = charts::helm::decode(&name, text).unwrap();
            if latest
                .as_ref()
                .is_none_or(|l: &charts::helm::HelmRelease| l.version < release.version)
            {
                latest = Some(release);
            }
            secrets
                .create(&PostParams::default(), &secret)
                .await
                .unwrap();
        }
        let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), "shop");
        for item in fixture("configmaps.json")["items"].as_array().unwrap() {
            let config_map: ConfigMap = serde_json::from_value(item.clone()).unwrap();
            config_maps
                .create(&PostParams::default(), &config_map)
                .await
                .unwrap();
        }
        let latest = latest.unwrap();
        let objects = charts::render::manifest::parse_documents("helm", &latest.manifest).unwrap();
        for object in objects {
            let mut value = object.value.clone();
            value["metadata"]["namespace"] = json!("shop");
            value["metadata"]["labels"]["app.kubernetes.io/managed-by"] = json!("Helm");
            value["metadata"]["annotations"] = json!({
                "meta.helm.sh/release-name": "shop",
                "meta.helm.sh/release-namespace": "shop",
            });
            let (group, version) = object
                .api_version()
                .split_once('/')
                .unwrap_or(("", object.api_version()));
            let resource = crate::sandbox::resource(&client, group, version, object.kind()).await;
            let api: Api<kube::api::DynamicObject> =
                Api::namespaced_with(client.clone(), "shop", &resource);
            api.patch(
                object.name(),
                &PatchParams::apply("helm"),
                &Patch::Apply(&value),
            )
            .await
            .unwrap();
        }
    });
    env
}

fn deployment(env: &TestEnv) -> Value {
    env.get(&[
        "deployment",
        "shop-web",
        "-n",
        "shop",
        "--show-managed-fields",
    ])
    .unwrap()
}

fn helm_records(env: &TestEnv) -> usize {
    env.get(&["secrets", "-n", "shop", "-l", "owner=helm"])
        .unwrap()["items"]
        .as_array()
        .unwrap()
        .len()
}

/// What must not change when the marks move: identity, generation and what runs.
fn running(object: &Value) -> Value {
    json!([
        object["metadata"]["uid"],
        object["metadata"]["generation"],
        object["spec"],
    ])
}

fn assert_ours(object: &Value) {
    let metadata = &object["metadata"];
    assert_eq!(
        metadata["labels"]["app.kubernetes.io/managed-by"], "charts",
        "{metadata:#}"
    );
    assert_eq!(
        metadata["annotations"]["charts.dev/release-name"], "shop",
        "{metadata:#}"
    );
    assert_eq!(
        metadata["annotations"]["charts.dev/release-namespace"],
        "shop"
    );
    assert!(
        metadata["annotations"]
            .get("meta.helm.sh/release-name")
            .is_none(),
        "{metadata:#}"
    );
}

#[test]
fn a_helm_release_is_adopted_in_place_with_its_history() {
    let env = helm_installed();
    let listed = env.json(&["list", "--helm", "-A", "-o", "json"]);
    assert_eq!(
        listed,
        json!([
            {"name": "legacy", "namespace": "shop", "revision": 1, "status": "deployed",
             "chart": "shop-1.0.0", "app_version": "2.1", "storage": "configmap",
             "updated": "2026-12-06T21:18:59Z"},
            {"name": "shop", "namespace": "shop", "revision": 3, "status": "deployed",
             "chart": "shop-1.0.0", "app_version": "2.1", "storage": "secret",
             "updated": "2026-12-06T21:18:57Z"},
        ])
    );
    let before = deployment(&env);
    let config_before = env.configmap("shop", "shop-config").unwrap();

    // The plan changes nothing.
    let plan = env.ok(&["adopt", "helm", "shop", "-n", "shop", "--dry-run"]);
    assert!(
        plan.contains("would import revision 1 (superseded, shop-1.0.0): first install\n"),
        "{plan}"
    );
    assert!(
        plan.contains("would import revision 3 (deployed, shop-1.0.0): new image\n"),
        "{plan}"
    );
    assert!(
        plan.contains("would move the ownership marks of Deployment `shop/shop-web`\n"),
        "{plan}"
    );
    assert!(
        plan.contains("would delete Helm record secret `sh.helm.release.v1.shop.v2`\n"),
        "{plan}"
    );
    assert_eq!(deployment(&env), before);
    assert_eq!(helm_records(&env), 3);
    assert!(env.records("shop").is_empty());

    let output = env.ok(&["adopt", "helm", "shop", "-n", "shop"]);
    assert_eq!(
        output,
        "adopted Helm release \"shop\" in namespace \"shop\": 3 revisions imported, 3 objects moved to charts, 3 Helm records deleted\n"
    );
    let after = deployment(&env);
    assert_eq!(
        running(&after),
        running(&before),
        "nothing that runs changed"
    );
    assert_ours(&after);
    // Helm's field ownership is ours now: later applies as `charts` do not conflict with it.
    let managers: Vec<(&str, &str)> = after["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e.get("subresource").is_none())
        .map(|e| {
            (
                e["manager"].as_str().unwrap(),
                e["operation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(managers, [("charts", "Apply")]);
    let config_after = env.configmap("shop", "shop-config").unwrap();
    assert_eq!(config_after["data"], config_before["data"]);
    assert_eq!(
        config_after["metadata"]["uid"],
        config_before["metadata"]["uid"]
    );
    assert_ours(&config_after);
    assert_eq!(helm_records(&env), 0);

    let history = env.json(&["history", "shop", "-n", "shop", "-o", "json"]);
    let rows: Vec<(u64, &str, &str, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["revision"].as_u64().unwrap(),
                r["status"].as_str().unwrap(),
                r["chart"].as_str().unwrap(),
                r["description"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (1, "superseded", "shop-1.0.0", "first install"),
            (2, "superseded", "shop-1.0.0", "Upgrade complete"),
            (3, "deployed", "shop-1.0.0", "new image"),
        ]
    );
    let values = env.json(&[
        "get",
        "values",
        "shop",
        "-n",
        "shop",
        "--revision",
        "2",
        "-o",
        "json",
    ]);
    assert_eq!(values, json!({"greeting": "hi", "replicas": 2}));
    let notes = env.ok(&["get", "notes", "shop", "-n", "shop"]);
    assert!(
        notes.contains("shop serves hi with 2 replica(s)."),
        "{notes}"
    );

    let status = env.status_json("shop", "shop");
    assert_eq!(status["status"], "deployed", "{status:#}");
    let adopted = env.ok(&["list", "-A", "-l", "adopted-from=helm", "-q"]);
    assert_eq!(adopted, "shop\n");

    // A second run has nothing to do, and Helm no longer lists the release.
    assert_eq!(
        env.ok(&["adopt", "helm", "shop", "-n", "shop"]),
        "release \"shop\" in namespace \"shop\" is already adopted: nothing to do\n"
    );
    let listed = env.json(&["list", "--helm", "-n", "shop", "-o", "json"]);
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "only `legacy` is left: {listed}"
    );

    // Ours from here on: an upgrade (no conflict with Helm's old field manager) ...
    env.ok(&[
        "upgrade",
        "shop",
        &tera_chart(),
        "-n",
        "shop",
        "--set",
        "replicas=3",
        "--reuse-values",
    ]);
    let upgraded = deployment(&env);
    assert_eq!(upgraded["spec"]["replicas"], 3);
    assert_eq!(
        upgraded["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.28"
    );
    assert_ours(&upgraded);
    // ... and a rollback to a revision Helm made, which re-applies its imported manifest.
    env.ok(&["rollback", "shop", "2", "-n", "shop"]);
    let rolled_back = deployment(&env);
    assert_eq!(rolled_back["spec"]["replicas"], 2);
    assert_eq!(
        rolled_back["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
    assert_eq!(rolled_back["metadata"]["uid"], before["metadata"]["uid"]);
    assert_ours(&rolled_back);
    assert_ours(&env.configmap("shop", "shop-config").unwrap());
    let statuses: Vec<String> = env
        .json(&["history", "shop", "-n", "shop", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        statuses,
        [
            "superseded",
            "superseded",
            "superseded",
            "superseded",
            "deployed"
        ]
    );
}

#[test]
fn helm_records_can_be_kept_and_a_wrong_name_lists_what_is_there() {
    let env = helm_installed();
    let error = env.fails(&["adopt", "helm", "shoop", "-n", "shop"]);
    assert!(
        error.contains("error: no Helm release `shoop` in namespace `shop`\nhint: Helm releases in namespace `shop`: `legacy`, `shop`"),
        "{error}"
    );
    let error = env.fails(&["adopt", "helm", "shop", "-n", "default"]);
    assert!(
        error.contains("hint: there is no Helm release in this namespace"),
        "{error}"
    );

    let output = env.ok(&["adopt", "helm", "shop", "-n", "shop", "--keep-helm-records"]);
    assert_eq!(
        output,
        "adopted Helm release \"shop\" in namespace \"shop\": 3 revisions imported, 3 objects moved to charts, 3 Helm records kept (--keep-helm-records)\n"
    );
    assert_eq!(helm_records(&env), 3);
    assert_ours(&deployment(&env));
    assert_eq!(env.records("shop").len(), 3);
    // Kept records do not make the next run do anything again.
    assert!(
        env.ok(&["adopt", "helm", "shop", "-n", "shop", "--keep-helm-records"])
            .contains("is already adopted: nothing to do"),
    );

    // ConfigMap storage; objects that are gone are said, and recorded all the same.
    let json = env.json(&["adopt", "helm", "legacy", "-n", "shop", "-o", "json"]);
    assert_eq!(json["revisions"][0]["import"], true);
    assert_eq!(
        json["helm_records"],
        json!([{"name": "sh.helm.release.v1.legacy.v1", "storage": "configmap", "delete": true}])
    );
    assert!(
        json["objects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["state"] == "missing"),
        "{json}"
    );
    let values = env.json(&["get", "values", "legacy", "-n", "shop", "-o", "json"]);
    assert_eq!(values, json!({"greeting": "old"}));
    assert!(
        env.get(&["configmap", "sh.helm.release.v1.legacy.v1", "-n", "shop"])
            .is_none()
    );
}

#[test]
fn an_interrupted_adoption_resumes_when_run_again() {
    let env = helm_installed();
    let before = deployment(&env);
    // The Deployment's patch fails: records are written, some marks moved, Helm's kept.
    env.sandbox.faults().add(
        Fault::status(500)
            .verb("patch")
            .resource("deployments")
            .times(0),
    );
    let output = env.run(&["adopt", "helm", "shop", "-n", "shop"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("deployments"),
        "{}",
        stderr(&output)
    );
    assert_eq!(env.records("shop").len(), 3);
    assert_eq!(
        helm_records(&env),
        3,
        "Helm's records stay until everything else is done"
    );
    assert_ours(&env.configmap("shop", "shop-config").unwrap());
    assert_eq!(
        deployment(&env)["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "shop"
    );

    env.sandbox.faults().clear();
    let output = env.ok(&["adopt", "helm", "shop", "-n", "shop"]);
    assert_eq!(
        output,
        "adopted Helm release \"shop\" in namespace \"shop\": 0 revisions imported, 1 object moved to charts, 3 Helm records deleted\n"
    );
    let after = deployment(&env);
    assert_ours(&after);
    assert_eq!(running(&after), running(&before));
    assert_eq!(helm_records(&env), 0);
    assert_eq!(env.records("shop").len(), 3);
}

/// A Helm operation still running (or interrupted) is not taken over: its record is written in
/// Helm's exact format here (charts::helm::to_secret, checked against real records in
/// src/helm/tests.rs).
#[test]
fn a_pending_helm_release_is_refused() {
    let env = helm_installed();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = crate::sandbox::client(&env.sandbox);
        let secrets: Api<Secret> = Api::namespaced(client, "shop");
        let latest = secrets.get("sh.helm.release.v1.shop.v3").await.unwrap();
        let text = &latest.data.as_ref().unwrap()["release"].0;
        let mut release = charts::helm::decode("v3", text).unwrap();
        release.version = 4;
        release.info.status = "pending-upgrade".into();
        let secret = charts::helm::to_secret(&release, 1_796_600_000).unwrap();
        secrets
            .create(&PostParams::default(), &secret)
            .await
            .unwrap();
    });
    let error = env.fails(&["adopt", "helm", "shop", "-n", "shop"]);
    assert!(
        error.contains(
            "error: Helm release `shop` is pending-upgrade (revision 4): a Helm operation is running or was interrupted\nhint: wait for it to finish, or end it with `helm rollback shop -n shop`, then adopt"
        ),
        "{error}"
    );
    assert!(env.records("shop").is_empty());
    assert_eq!(helm_records(&env), 4);
    let listed = env.json(&["list", "--helm", "-n", "shop", "-o", "json"]);
    assert_eq!(listed[1]["status"], "pending-upgrade");
    assert_eq!(listed[1]["revision"], 4);
}
