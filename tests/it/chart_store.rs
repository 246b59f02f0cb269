//! The chart travels with the release: each revision's chart package is stored in the cluster
//! once per namespace (a `charts.chart.v1.<hex40>` Secret), shared by every revision that uses
//! it, deleted with the last record that references it, and read back by `get chart` and by
//! `upgrade NAME` without a chart. Through the CLI against the sandbox API server (which stores
//! objects and runs no containers), with kubectl as an independent client.

use charts::release::{ChartInfo, Release, Status};
use serde_json::Value;

use crate::common::servers::StaticServer;
use crate::common::{TestChart, TestEnv, stderr};

/// A chart with one ConfigMap showing `greeting`, at `version`.
fn chart(env: &TestEnv, version: &str) -> TestChart {
    TestChart::new(env, "web")
        .file(
            "Chart.yaml",
            &format!("apiVersion: v2\nname: web\nversion: {version}\nappVersion: \"1.0\"\n"),
        )
        .values("greeting: hello\n")
        .template(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Release.Name }}-config\ndata:\n  greeting: {{ Values.greeting | quote }}\n",
        )
}

/// Names of the chart Secrets (`owner=charts-chart`) in `namespace`, sorted.
fn chart_secrets(env: &TestEnv, namespace: &str) -> Vec<String> {
    names(env, "owner=charts-chart", namespace)
}

fn names(env: &TestEnv, selector: &str, namespace: &str) -> Vec<String> {
    let list = env
        .get(&["secrets", "-l", selector, "-n", namespace])
        .unwrap();
    let mut names: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn greeting(env: &TestEnv, name: &str) -> Value {
    env.configmap("default", &format!("{name}-config")).unwrap()["data"]["greeting"].clone()
}

#[test]
fn get_chart_writes_back_the_installed_package_byte_for_byte() {
    let lab = TestEnv::with_sandbox();
    let chart = chart(&lab, "0.1.0");
    lab.ok(&["package", &chart.arg(), "-d", "packages"]);
    let package = std::fs::read(lab.join("packages/web-0.1.0.tgz")).unwrap();
    lab.ok(&[
        "install",
        "web",
        "packages/web-0.1.0.tgz",
        "-l",
        "commit=abc",
    ]);

    lab.ok(&["get", "chart", "web", "-d", "out"]);
    let written = std::fs::read(lab.join("out/web-0.1.0.tgz")).unwrap();
    assert!(written == package, "the package comes back byte for byte");

    // The record's digest is the package's, and so is the chart Secret's name.
    let digest = format!("sha256:{}", sha256(&package));
    let summary = lab.json(&["get", "chart", "web", "-o", "json"]);
    assert_eq!(summary["digest"], digest.as_str());
    assert_eq!(summary["name"], "web");
    assert_eq!(summary["version"], "0.1.0");
    assert_eq!(summary["revision"], 1);
    assert_eq!(
        summary["files"],
        serde_json::json!(["Chart.yaml", "templates/cm.yaml", "values.yaml"])
    );
    let text = lab.ok(&["get", "chart", "web"]);
    assert!(text.contains(&format!("DIGEST: {digest}\n")), "{text}");
    assert!(text.contains("  templates/cm.yaml\n"), "{text}");
    assert_eq!(
        chart_secrets(&lab, "default"),
        [format!("charts.chart.v1.{}", &sha256(&package)[..40])]
    );
    let secret = lab
        .get(&["secret", &chart_secrets(&lab, "default")[0]])
        .unwrap();
    assert_eq!(secret["type"], "charts.dev/chart.v1");

    // A directory chart is stored as its reproducible package: what `charts package` writes.
    lab.ok(&["upgrade", "web", &chart.arg()]);
    lab.ok(&["get", "chart", "web", "--revision", "2", "-d", "out2"]);
    let written = std::fs::read(lab.join("out2/web-0.1.0.tgz")).unwrap();
    assert!(
        written == package,
        "the directory's package is the same bytes"
    );
    assert_eq!(chart_secrets(&lab, "default").len(), 1, "and stored once");
    // The revision asked for, not the newest.
    let first = lab.json(&["get", "chart", "web", "--revision", "1", "-o", "json"]);
    assert_eq!(first["revision"], 1);
}

#[test]
fn a_chart_shared_by_revisions_and_releases_is_stored_once_and_deleted_with_its_last_record() {
    let lab = TestEnv::with_sandbox();
    let first = chart(&lab, "0.1.0");
    for round in 0..10 {
        let greeting = format!("greeting=hello-{round}");
        let verb = if round == 0 { "install" } else { "upgrade" };
        lab.ok(&[verb, "web", &first.arg(), "--set", &greeting]);
    }
    lab.ok(&["install", "api", &first.arg()]);
    assert_eq!(
        lab.records("default").len(),
        11,
        "10 revisions of web, 1 of api"
    );
    let stored_first = chart_secrets(&lab, "default");
    assert_eq!(stored_first.len(), 1, "{stored_first:?}");

    // A new chart version is a second chart Secret.
    let second = chart(&lab, "0.2.0");
    lab.ok(&["upgrade", "web", &second.arg(), "--history-max", "12"]);
    assert_eq!(chart_secrets(&lab, "default").len(), 2);

    // Pruning web's revisions of the first chart keeps it while `api` still uses it...
    lab.ok(&["upgrade", "web", &second.arg(), "--history-max", "2"]);
    let records = lab.records("default");
    assert_eq!(
        records
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        [
            "charts.release.v1.api.v1",
            "charts.release.v1.web.v11",
            "charts.release.v1.web.v12"
        ]
    );
    assert_eq!(
        chart_secrets(&lab, "default").len(),
        2,
        "api still needs it"
    );
    // ...and an uninstall that keeps its history keeps it too...
    lab.ok(&["uninstall", "api", "--keep-history"]);
    assert_eq!(chart_secrets(&lab, "default").len(), 2);
    // ...until the last record that references it goes.
    lab.ok(&["uninstall", "api"]);
    let left = chart_secrets(&lab, "default");
    assert_eq!(left.len(), 1);
    assert_ne!(left, stored_first, "the first chart is the one deleted");
    lab.ok(&["uninstall", "web"]);
    assert!(chart_secrets(&lab, "default").is_empty());
}

#[test]
fn charts_are_stored_per_namespace() {
    let lab = TestEnv::with_sandbox();
    let chart = chart(&lab, "0.1.0");
    lab.ok(&["install", "web", &chart.arg()]);
    lab.ok(&[
        "install",
        "web",
        &chart.arg(),
        "-n",
        "prod",
        "--create-namespace",
    ]);
    assert_eq!(chart_secrets(&lab, "default").len(), 1);
    assert_eq!(chart_secrets(&lab, "prod"), chart_secrets(&lab, "default"));
    lab.ok(&["uninstall", "web", "-n", "prod"]);
    assert!(chart_secrets(&lab, "prod").is_empty());
    assert_eq!(
        chart_secrets(&lab, "default").len(),
        1,
        "the other namespace's stays"
    );
}

#[test]
fn upgrade_without_a_chart_renders_the_stored_chart_with_the_repository_down() {
    let lab = TestEnv::with_sandbox();
    let chart = chart(&lab, "0.1.0");
    lab.ok(&["package", &chart.arg(), "-d", "served"]);
    let server = StaticServer::start(&lab.join("served"), None);
    lab.ok(&["repo", "index", "served", "--url", &server.url]);
    lab.ok(&["repo", "add", "shop", &server.url]);
    lab.ok(&["install", "web", "shop/web", "--set", "greeting=one"]);
    drop(server);
    std::fs::remove_dir_all(lab.join("cache")).unwrap();
    // The repository is gone: a chart named by it cannot be found...
    let error = lab.fails(&["upgrade", "web", "shop/web"]);
    assert!(error.contains("shop"), "{error}");

    // ...but the stored one can. No values given: revision 1's are used again (Helm's rule).
    let output = lab.run(&["upgrade", "web"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the user values of revision 1 (no values given)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(greeting(&lab, "web"), "one");
    let history = lab.json(&["history", "web", "-o", "json"]);
    assert_eq!(history.as_array().unwrap().len(), 2);

    // New values replace the old ones, over the stored chart's defaults...
    lab.ok(&["upgrade", "web", "--set", "greeting=two"]);
    assert_eq!(greeting(&lab, "web"), "two");
    // ...or go over them with --reuse-values (Helm's --reset-then-reuse-values too).
    lab.write("more.yaml", "extra: 1\n");
    lab.ok(&[
        "upgrade",
        "web",
        "-f",
        "more.yaml",
        "--reset-then-reuse-values",
    ]);
    assert_eq!(greeting(&lab, "web"), "two");
    assert_eq!(
        lab.json(&["get", "values", "web", "-o", "json"]),
        serde_json::json!({"greeting": "two", "extra": 1})
    );
    // --reset-values: the chart's defaults alone.
    lab.ok(&["upgrade", "web", "--reset-values"]);
    assert_eq!(greeting(&lab, "web"), "hello");
    // Every revision used the same stored chart.
    assert_eq!(chart_secrets(&lab, "default").len(), 1);

    // Rollback still works from the stored manifest.
    lab.ok(&["rollback", "web", "1"]);
    assert_eq!(greeting(&lab, "web"), "one");
}

#[test]
fn upgrade_without_a_chart_refuses_what_it_cannot_do() {
    let lab = TestEnv::with_sandbox();
    let error = lab.fails(&["upgrade", "web"]);
    assert!(error.contains("release `web` not found"), "{error}");
    let output = lab.run(&["upgrade", "web", "--install"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("`--install` needs a CHART"));
}

/// A record written before charts were stored with their releases.
fn old_record() -> Release {
    Release {
        name: "old".into(),
        namespace: "default".into(),
        revision: 3,
        status: Status::Deployed,
        chart: ChartInfo {
            name: "web".into(),
            version: "0.1.0".into(),
            app_version: "1.0".into(),
            // Directory charts were digested file by file then: no chart Secret has this one.
            digest: format!("sha256:{}", "7".repeat(64)),
            ..ChartInfo::default()
        },
        config: serde_json::json!({"greeting": "old"}),
        computed_values: serde_json::json!({"greeting": "old"}),
        manifest: "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old-config\n  namespace: default\ndata:\n  greeting: old\n".into(),
        notes: String::new(),
        description: "Upgrade complete".into(),
        first_deployed: "2026-01-01T00:00:00Z".into(),
        last_deployed: "2026-01-01T00:00:00Z".into(),
        deleted: None,
        labels: Default::default(),
        created_namespace: false,
        hooks: Vec::new(),
        env: None,
        provenance: None,
    }
}

#[test]
fn a_record_from_before_chart_storage_says_so_and_how_to_go_on() {
    let lab = TestEnv::builder()
        .context_namespace("default")
        .releases(&[old_record()])
        .build();
    for args in [
        &["get", "chart", "old"][..],
        &["get", "chart", "old", "-d", "out"],
        &["upgrade", "old"],
    ] {
        let error = lab.fails(args);
        assert!(
            error.contains(
                "release `old` revision 3 in namespace `default` has no stored chart (`web-0.1.0`"
            ),
            "{args:?}: {error}"
        );
        assert!(
            error.contains("hint: ") && error.contains("charts upgrade old CHART --reuse-values"),
            "{error}"
        );
    }
    assert!(!lab.join("out/web-0.1.0.tgz").exists());
    // Nothing changed: the failed chartless upgrade recorded no revision.
    assert_eq!(lab.records("default").len(), 1);
    // Upgrading once with the chart named stores it; then a chartless upgrade works.
    let chart = chart(&lab, "0.1.0");
    lab.ok(&["upgrade", "old", &chart.arg(), "--reuse-values"]);
    lab.ok(&["upgrade", "old"]);
    assert_eq!(greeting(&lab, "old"), "old");
    lab.ok(&["get", "chart", "old", "-d", "out"]);
    assert!(lab.join("out/web-0.1.0.tgz").is_file());
}

#[test]
fn a_chart_bigger_than_a_secret_is_stored_in_parts() {
    let lab = TestEnv::with_sandbox();
    // Hex digits: about 4 bits each after gzip, so 2.5 MB of them need two Secrets.
    let big = crate::release::incompressible(2_500_000);
    let chart = chart(&lab, "0.1.0").file("files/blob.txt", &big);
    lab.ok(&["install", "web", &chart.arg()]);
    assert_eq!(chart_secrets(&lab, "default").len(), 1);
    let parts = names(&lab, "owner=charts-chart-chunk", "default");
    assert!(!parts.is_empty(), "the package spans chunk Secrets");
    lab.ok(&["package", &chart.arg(), "-d", "packages"]);
    lab.ok(&["get", "chart", "web", "-d", "out"]);
    assert!(
        std::fs::read(lab.join("out/web-0.1.0.tgz")).unwrap()
            == std::fs::read(lab.join("packages/web-0.1.0.tgz")).unwrap()
    );
    lab.ok(&["upgrade", "web", "--set", "greeting=big"]);
    assert_eq!(greeting(&lab, "web"), "big");
    lab.ok(&["uninstall", "web"]);
    assert!(
        names(
            &lab,
            "owner in (charts-chart,charts-chart-chunk)",
            "default"
        )
        .is_empty(),
        "the chart and its parts are deleted"
    );
}

/// A stored chart edited in the cluster is refused, not deployed.
#[test]
fn a_stored_chart_that_does_not_match_its_digest_is_refused() {
    let lab = TestEnv::with_sandbox();
    let chart = chart(&lab, "0.1.0");
    lab.ok(&["install", "web", &chart.arg()]);
    let name = chart_secrets(&lab, "default").remove(0);
    let patch = r#"{"data":{"package":"ZXZpbA=="}}"#;
    let output = lab.kubectl(&["patch", "secret", &name, "-p", patch]);
    assert!(output.status.success(), "{}", stderr(&output));
    let error = lab.fails(&["upgrade", "web"]);
    assert!(
        error.contains(&format!("cannot read stored chart `{name}`"))
            && error.contains("not the `sha256:"),
        "{error}"
    );
}

/// The race the chart store is built for: release `a`'s last record is deleted, so its chart
/// goes, while release `b` starts using the same chart and finds it still there (so does not
/// write it). The deleter lists the references again after its delete and puts the chart back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chart_deleted_while_another_release_starts_using_it_is_put_back() {
    use charts::release::chart_store::StoredChart;
    use charts::release::store::{SecretStore, Store};
    use charts_sandbox::{Fault, Sandbox};

    let sandbox = Sandbox::start().await.unwrap();
    let store = SecretStore::new(crate::common::cluster(&sandbox));
    let stored = StoredChart::new("web", "0.1.0", b"the package".to_vec());
    let with_chart = |name: &str| {
        let mut record = crate::release::record("default", name, 1, Status::Deployed);
        record.chart.digest = stored.digest.clone();
        record
    };
    store.create(&with_chart("a")).await.unwrap();
    assert!(store.put_chart("default", &stored).await.unwrap());

    // The deleter's second DELETE of a Secret (the chart's, after `a`'s record) is held back.
    sandbox.faults().add(
        Fault::latency(std::time::Duration::from_millis(2000))
            .verb("delete")
            .resource("secrets")
            .nth(2),
    );
    let deleter = {
        let store = store.clone();
        tokio::spawn(async move { store.delete("default", "a", 1).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    // The deleter has found no reference and is deleting the chart: `b` arrives now.
    store.create(&with_chart("b")).await.unwrap();
    assert!(
        !store.put_chart("default", &stored).await.unwrap(),
        "the chart is still there, so `b` does not write it"
    );
    deleter.await.unwrap().unwrap();
    assert_eq!(
        store.get_chart("default", &stored.digest).await.unwrap(),
        Some(stored.clone()),
        "`b` still has its chart"
    );
    // And it goes with `b`.
    store.delete("default", "b", 1).await.unwrap();
    assert_eq!(
        store.get_chart("default", &stored.digest).await.unwrap(),
        None
    );
}
