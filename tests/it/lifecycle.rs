//! Release lifecycle through the CLI against the sandbox API server (which stores objects and
//! runs no containers): install, upgrade, rollback, uninstall and status, with kubectl as an
//! independent client to check what landed in the cluster.

use charts_sandbox::{DiscoveryMode, Fault, Options};
use serde_json::Value;

use crate::common::{TestChart, TestEnv, stderr, stdout};

/// The suite's harness: a `TestEnv` with the sandbox running and a kubeconfig whose context
/// namespace is `default`. It derefs to the `TestEnv`, which runs `charts` and kubectl.
struct Lab {
    env: TestEnv,
}

impl Lab {
    /// `discovery`: whether the sandbox serves aggregated discovery (every test runs both ways).
    fn new(discovery: DiscoveryMode) -> Lab {
        let env = TestEnv::builder()
            .sandbox(Options::default().discovery(discovery))
            .context_namespace("default")
            .build();
        Lab { env }
    }
}

impl std::ops::Deref for Lab {
    type Target = TestEnv;

    fn deref(&self) -> &TestEnv {
        &self.env
    }
}

/// `web` (testdata/charts/web): a ConfigMap showing `greeting` and `replicas`, a Deployment,
/// a Service, and NOTES, copied into the environment so tests can add templates.
fn web_chart(env: &TestEnv) -> TestChart {
    TestChart::fixture(env, "web")
}

fn install_applies_marked_objects_records_revision_one_and_refuses_a_second_install(
    discovery: DiscoveryMode,
) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    let output = lab.run(&[
        "install",
        "web",
        &chart,
        "-n",
        "dev",
        "--create-namespace",
        "--label",
        "commit=abc123",
        "--description",
        "first",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("NAME: web\n"), "{out}");
    assert!(out.contains("STATUS: deployed\n"), "{out}");
    assert!(out.contains("REVISION: 1\n"), "{out}");
    assert!(
        out.contains("NOTES:\nweb says hello\n"),
        "NOTES are printed: {out}"
    );
    assert!(
        stderr(&output).contains("values: the chart's defaults"),
        "{}",
        stderr(&output)
    );

    // kubectl sees every object with its ownership marks.
    for (kind, name) in [
        ("configmap", "web-config"),
        ("deployment", "web"),
        ("service", "web"),
    ] {
        let object = lab
            .get(&[kind, name, "-n", "dev", "--show-managed-fields"])
            .unwrap_or_else(|| panic!("{kind} {name}"));
        let metadata = &object["metadata"];
        assert_eq!(
            metadata["labels"]["app.kubernetes.io/managed-by"], "charts",
            "{kind}"
        );
        assert_eq!(metadata["annotations"]["charts.dev/release-name"], "web");
        assert_eq!(
            metadata["annotations"]["charts.dev/release-namespace"],
            "dev"
        );
        let managers: Vec<&str> = metadata["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["manager"].as_str().unwrap())
            .collect();
        assert_eq!(managers, ["charts"], "server-side applied by `charts`");
    }
    // The namespace is marked as created for this release.
    let namespace = lab.get(&["namespace", "dev"]).unwrap();
    assert_eq!(
        namespace["metadata"]["annotations"]["charts.dev/created-for-release"],
        "dev/web"
    );
    // The record, as DESIGN.md specifies.
    let secret = lab
        .get(&[
            "secret",
            "charts.release.v1.web.v1",
            "-n",
            "dev",
            "--show-managed-fields",
        ])
        .unwrap();
    assert_eq!(secret["type"], "charts.dev/release.v1");
    // Created without a field manager: the server names it after our User-Agent.
    assert_eq!(secret["metadata"]["managedFields"][0]["manager"], "charts");
    let labels = &secret["metadata"]["labels"];
    assert_eq!(
        (
            labels["owner"].as_str(),
            labels["name"].as_str(),
            labels["status"].as_str(),
            labels["version"].as_str(),
            labels["commit"].as_str()
        ),
        (
            Some("charts"),
            Some("web"),
            Some("deployed"),
            Some("1"),
            Some("abc123")
        )
    );
    assert_eq!(
        secret["metadata"]["annotations"]["charts.dev/chart"],
        "web-0.1.0"
    );
    assert_eq!(
        secret["metadata"]["annotations"]["charts.dev/description"],
        "first"
    );

    let error = lab.fails(&["install", "web", &chart, "-n", "dev"]);
    assert!(
        error.contains("release `web` already exists in namespace `dev` (revision 1, deployed)"),
        "{error}"
    );
    assert!(
        error.contains("hint: upgrade it with `charts upgrade web CHART`"),
        "{error}"
    );

    let status = lab.status_json("web", "dev");
    assert_eq!(status["status"], "deployed");
    assert_eq!(status["objects"].as_array().unwrap().len(), 3);
    assert!(
        status["objects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["exists"] == true)
    );
}

fn upgrade_uses_defaults_plus_this_command_and_prunes_objects_that_left_the_chart(
    discovery: DiscoveryMode,
) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    lab.ok(&[
        "install",
        "web",
        &chart,
        "-n",
        "default",
        "--set",
        "greeting=hi",
        "--set",
        "extra=true",
    ]);
    assert!(lab.configmap("default", "web-extra").is_some());
    let data = &lab.configmap("default", "web-config").unwrap()["data"];
    assert_eq!(data["greeting"], "hi");

    // No values on this command line: back to the chart's defaults, not the old `--set`s.
    let output = lab.run(&["upgrade", "web", &chart, "--set", "replicas=2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("values: the chart's defaults, --set replicas=2"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("deleted 1 that left the chart"),
        "{}",
        stderr(&output)
    );
    let data = &lab.configmap("default", "web-config").unwrap()["data"];
    assert_eq!(
        (data["greeting"].as_str(), data["replicas"].as_str()),
        (Some("hello"), Some("2"))
    );
    assert!(
        lab.configmap("default", "web-extra").is_none(),
        "extra left the chart"
    );
    let deployment = lab.get(&["deployment", "web"]).unwrap();
    assert_eq!(deployment["spec"]["replicas"], 2);

    // --reuse-values lays revision 2's user values under this command's.
    let output = lab.run(&[
        "upgrade",
        "web",
        &chart,
        "--reuse-values",
        "--set",
        "greeting=hey",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the user values of revision 2 (--reuse-values)"),
        "{}",
        stderr(&output)
    );
    let data = &lab.configmap("default", "web-config").unwrap()["data"];
    assert_eq!(
        (data["greeting"].as_str(), data["replicas"].as_str()),
        (Some("hey"), Some("2"))
    );

    assert_eq!(
        lab.records("default"),
        [
            (
                "charts.release.v1.web.v1".to_string(),
                "superseded".to_string()
            ),
            (
                "charts.release.v1.web.v2".to_string(),
                "superseded".to_string()
            ),
            (
                "charts.release.v1.web.v3".to_string(),
                "deployed".to_string()
            ),
        ]
    );
}

fn objects_marked_keep_survive_pruning_and_uninstall(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).template(
        "keep.yaml",
        "{% if Values.extra %}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  annotations:\n    charts.dev/resource-policy: keep\n{% endif %}",
    );
    let chart = chart.arg();
    lab.ok(&["install", "web", &chart, "--set", "extra=true"]);
    lab.ok(&["upgrade", "web", &chart]);
    assert!(
        lab.configmap("default", "kept").is_some(),
        "kept despite leaving the chart"
    );
    assert!(lab.configmap("default", "web-extra").is_none());
    lab.ok(&["upgrade", "web", &chart, "--set", "extra=true"]);
    let output = lab.run(&["uninstall", "web"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("kept ConfigMap `default/kept` (resource-policy: keep)"),
        "{}",
        stderr(&output)
    );
    assert!(lab.configmap("default", "kept").is_some());
    assert!(lab.configmap("default", "web-config").is_none());
    assert!(lab.records("default").is_empty(), "history deleted");
}

fn an_object_rejected_halfway_fails_the_release_and_the_next_upgrade_recovers(
    discovery: DiscoveryMode,
) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).template(
        "bad.yaml",
        "{% if Values.broken %}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\nspec:\n  replicas: not-a-number\n  selector: {matchLabels: {app: b}}\n  template:\n    metadata: {labels: {app: b}}\n    spec: {containers: [{name: b, image: b}]}\n{% endif %}",
    );
    let chart = chart.arg();
    lab.ok(&["install", "web", &chart]);
    let error = lab.fails(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "broken=true",
        "--set",
        "greeting=new",
    ]);
    assert!(
        error.contains("cannot apply Deployment `default/broken`"),
        "{error}"
    );
    // ConfigMaps apply before Deployments: the new greeting is live although the upgrade failed.
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "new"
    );

    let history = lab.records("default");
    assert_eq!(
        history[1],
        ("charts.release.v1.web.v2".to_string(), "failed".to_string())
    );
    assert_eq!(history[0].1, "deployed", "the old revision stays deployed");
    let status = lab.status_json("web", "default");
    assert_eq!(status["status"], "failed");
    let description = status["description"].as_str().unwrap();
    assert!(
        description.starts_with("Upgrade failed: cannot apply Deployment `default/broken`"),
        "the record says which object and why: {description}"
    );

    // The next upgrade recovers.
    lab.ok(&["upgrade", "web", &chart]);
    let status = lab.status_json("web", "default");
    assert_eq!(
        (status["revision"].as_u64(), status["status"].as_str()),
        (Some(3), Some("deployed"))
    );
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "hello"
    );
}

fn rollback_goes_to_the_last_good_revision_without_the_chart(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart_dir = web_chart(&lab.env);
    let chart = chart_dir.arg();
    lab.ok(&[
        "install",
        "web",
        &chart,
        "--set",
        "greeting=one",
        "--set",
        "extra=true",
    ]);
    lab.ok(&["upgrade", "web", &chart, "--set", "greeting=two"]);
    // Revision 3 fails: a Deployment with an invalid name.
    let bad = web_chart(&lab.env).template(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid\n",
    );
    lab.fails(&["upgrade", "web", &bad.arg(), "--set", "greeting=three"]);
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "three"
    );

    // The chart (and any repository) is gone: rollback works from the stored manifest.
    std::fs::remove_dir_all(chart_dir.path()).unwrap();
    let output = lab.run(&["rollback", "web"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("rolled back `web` to revision 2"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "two"
    );
    let status = lab.status_json("web", "default");
    assert_eq!(
        (
            status["revision"].as_u64(),
            status["status"].as_str(),
            status["description"].as_str()
        ),
        (Some(4), Some("deployed"), Some("Rollback to 2"))
    );
    // An explicit revision: back to 1, whose extra ConfigMap comes back.
    lab.ok(&["rollback", "web", "1"]);
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "one"
    );
    assert!(lab.configmap("default", "web-extra").is_some());
    let records = lab.records("default");
    assert_eq!(
        records.iter().filter(|r| r.1 == "deployed").count(),
        1,
        "{records:?}"
    );
}

fn objects_owned_by_others_are_refused_unless_take_ownership(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    // Someone created `web-config` by hand.
    let stray = lab.env.write(
        "stray.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: default\ndata:\n  owner: ops\n",
    );
    let output = lab.kubectl(&["create", "-f", stray.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));

    let error = lab.fails(&["install", "web", &chart]);
    assert!(
        error.contains(
            "cannot apply ConfigMap `default/web-config`: it exists and was not created by charts"
        ),
        "{error}"
    );
    assert!(error.contains("--take-ownership"), "{error}");
    assert!(
        lab.get(&["deployment", "web"]).is_none(),
        "nothing applied: ownership is checked first"
    );

    lab.ok(&["install", "web", &chart, "--take-ownership"]);
    let adopted = lab.configmap("default", "web-config").unwrap();
    assert_eq!(
        adopted["metadata"]["annotations"]["charts.dev/release-name"],
        "web"
    );

    // Another release may not take it.
    let other = TestChart::new(&lab.env, "other").template(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata: {x: y}\n",
    );
    let error = lab.fails(&["install", "other", &other.arg()]);
    assert!(
        error.contains("it exists and belongs to release `web` in namespace `default`"),
        "{error}"
    );
}

fn field_conflicts_name_the_manager_and_force_conflicts_takes_them(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    lab.ok(&["install", "web", &chart]);
    // Another manager takes `data.greeting` by force.
    let patch = lab.env.write(
        "patch.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: default\ndata:\n  greeting: ops-was-here\n",
    );
    let output = lab.kubectl(&[
        "apply",
        "--server-side",
        "--force-conflicts",
        "--field-manager",
        "ops-tool",
        "-f",
        patch.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));

    let error = lab.fails(&["upgrade", "web", &chart, "--set", "greeting=mine"]);
    assert!(
        error.contains("cannot apply ConfigMap `default/web-config`"),
        "{error}"
    );
    assert!(error.contains("`ops-tool` owns .data.greeting"), "{error}");
    assert!(error.contains("--force-conflicts"), "{error}");

    lab.ok(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "greeting=mine",
        "--force-conflicts",
    ]);
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "mine"
    );
}

fn transient_errors_are_retried_and_lasting_ones_are_not(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    let faults = lab.sandbox.faults();
    faults.add(
        Fault::status(503)
            .verb("apply")
            .resource("configmaps")
            .times(2),
    );
    faults.add(
        Fault::too_many_requests(0)
            .verb("apply")
            .resource("deployments")
            .times(2),
    );
    lab.sandbox.reset_counters();
    lab.ok(&["install", "web", &chart]);
    assert!(lab.configmap("default", "web-config").is_some());
    let counters = lab.sandbox.counters();
    assert_eq!(
        counters.get("apply", "configmaps"),
        3,
        "two 503s, then success"
    );
    assert_eq!(
        counters.get("apply", "deployments"),
        3,
        "two 429s, then success"
    );

    // A 500 that never ends gives up after a bounded number of attempts.
    faults.add(
        Fault::status(500)
            .verb("apply")
            .resource("services")
            .times(0),
    );
    lab.sandbox.reset_counters();
    let error = lab.fails(&["upgrade", "web", &chart]);
    assert!(error.contains("Service"), "{error}");
    assert_eq!(
        lab.sandbox.counters().get("apply", "services"),
        u64::from(charts::cluster::retry::ATTEMPTS)
    );
    faults.clear();

    // A 422 is an answer: sent once.
    let bad = web_chart(&lab.env).template(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n",
    );
    lab.sandbox.reset_counters();
    lab.fails(&["upgrade", "web", &bad.arg()]);
    assert_eq!(
        lab.sandbox.counters().get("apply", "configmaps"),
        2,
        "one each, no retry"
    );
}

fn dry_runs_change_nothing(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    let output = lab.run(&["install", "web", &chart, "--dry-run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("MANIFEST:\n---\n# Source: web/templates/configmap.yaml\n"),
        "{}",
        stdout(&output)
    );

    lab.sandbox.reset_counters();
    let output = lab.run(&["install", "web", &chart, "--dry-run=server"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the API server accepted all 3 objects"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        lab.sandbox.counters().get("apply", "configmaps"),
        1,
        "validated by the server"
    );
    assert!(lab.configmap("default", "web-config").is_none());
    assert!(lab.records("default").is_empty());

    // Server dry-run catches what the client cannot.
    let bad = web_chart(&lab.env).template(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n",
    );
    let error = lab.fails(&["install", "web", &bad.arg(), "--dry-run=server"]);
    assert!(
        error.contains("cannot apply ConfigMap `default/Bad_Name`"),
        "{error}"
    );
    assert!(lab.records("default").is_empty());
}

fn uninstall_keeps_history_on_request_and_deletes_the_namespace_it_created(
    discovery: DiscoveryMode,
) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    lab.ok(&["install", "web", &chart, "-n", "team", "--create-namespace"]);
    let output = lab.run(&["uninstall", "web", "-n", "team", "--keep-history", "--wait"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("release \"web\" uninstalled (3 objects deleted)"),
        "{}",
        stdout(&output)
    );
    assert!(lab.configmap("team", "web-config").is_none());
    assert_eq!(
        lab.records("team"),
        [(
            "charts.release.v1.web.v1".to_string(),
            "uninstalled".to_string()
        )]
    );
    // A new install continues the numbering.
    lab.ok(&["install", "web", &chart, "-n", "team"]);
    assert_eq!(lab.status_json("web", "team")["revision"], 2);

    let output = lab.run(&["uninstall", "web", "-n", "team", "--dry-run"]);
    assert!(
        stdout(&output).contains("would delete Deployment `team/web`"),
        "{}",
        stdout(&output)
    );
    assert!(lab.configmap("team", "web-config").is_some());

    let output = lab.run(&["uninstall", "web", "-n", "team", "--delete-namespace"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("deleted namespace `team`"),
        "{}",
        stderr(&output)
    );
    let namespace = lab.get(&["namespace", "team"]);
    assert!(
        namespace.is_none() || namespace.unwrap()["status"]["phase"] == "Terminating",
        "the namespace goes"
    );

    let error = lab.fails(&["uninstall", "nothing"]);
    assert!(
        error.contains("release `nothing` not found in namespace `default`"),
        "{error}"
    );
    lab.ok(&["uninstall", "nothing", "--ignore-not-found"]);
}

fn a_namespace_the_release_did_not_create_is_kept(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    lab.ok(&["install", "web", &chart]);
    let output = lab.run(&["uninstall", "web", "--delete-namespace"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("kept namespace `default`: release `web` did not create it"),
        "{}",
        stderr(&output)
    );
    assert!(lab.get(&["namespace", "default"]).is_some());
}

fn a_release_bigger_than_a_secret_is_stored_in_chunks(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let big = crate::release::incompressible(1_800_000);
    let mut chart = TestChart::new(&lab.env, "big");
    for (index, part) in ["a", "b", "c"].iter().enumerate() {
        chart = chart
            .file(&format!("files/{part}.txt"), &big[index * 600_000..(index + 1) * 600_000])
            .template(
                &format!("{part}.yaml"),
                &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-{part}\ndata:\n  blob: {{{{ file(path=\"files/{part}.txt\") | quote }}}}\n"),
            );
    }
    // 1.8 MB of incompressible text in the manifest: the gzip payload needs more than one Secret.
    lab.ok(&["install", "big", &chart.arg()]);
    let secrets = lab.get(&["secrets", "-l", "owner=charts-chunk"]).unwrap();
    assert!(
        !secrets["items"].as_array().unwrap().is_empty(),
        "chunks exist"
    );
    let status = lab.status_json("big", "default");
    assert_eq!(status["status"], "deployed");
    lab.ok(&["upgrade", "big", &chart.arg()]);
    lab.ok(&["rollback", "big", "1"]);
    lab.ok(&["uninstall", "big"]);
    let secrets = lab
        .get(&["secrets", "-l", "owner in (charts,charts-chunk)"])
        .unwrap();
    assert!(
        secrets["items"].as_array().unwrap().is_empty(),
        "records and chunks deleted"
    );
}

#[test]
fn unreachable_cluster_names_the_server_and_verb() {
    let env = TestEnv::new();
    // Nothing listens on port 9 of loopback.
    env.write(
        "kubeconfig",
        charts_sandbox::kubeconfig("http://127.0.0.1:9", Some("default")),
    );
    let chart = web_chart(&env).arg();
    let output = env
        .command()
        .args(["install", "web", &chart])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let error = stderr(&output);
    assert!(
        error.contains("cannot reach the cluster at `http://127.0.0.1:9`"),
        "{error}"
    );
    assert!(error.contains("hint:"), "{error}");
}

fn a_live_lock_refuses_and_an_interrupted_operation_is_recovered(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    lab.ok(&["install", "web", &chart]);
    let lease = |renewed: &str, seconds: u64| {
        format!(
            "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: charts.lock.web\n  namespace: default\nspec:\n  holderIdentity: ci-job-42\n  acquireTime: \"{renewed}\"\n  renewTime: \"{renewed}\"\n  leaseDurationSeconds: {seconds}\n"
        )
    };
    // A pipeline job is upgrading the release right now.
    let live = lab.env.write(
        "live.yaml",
        lease(
            &charts::support::clock::rfc3339(charts::support::clock::system_now()),
            600,
        ),
    );
    assert!(
        lab.kubectl(&["apply", "-f", live.to_str().unwrap()])
            .status
            .success()
    );
    let error = lab.fails(&["upgrade", "web", &chart]);
    assert!(
        error.contains(
            "release `web` is locked: an operation by `ci-job-42` has been in progress since"
        ),
        "{error}"
    );
    assert_eq!(lab.records("default").len(), 1, "nothing recorded");

    // The job died mid-upgrade: its revision stays `pending-upgrade` and its lease expires.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use charts::release::store::Store;
        let store = charts::release::store::SecretStore::new(crate::release::cluster(&lab.sandbox));
        let mut record =
            crate::release::record("default", "web", 2, charts::release::Status::PendingUpgrade);
        record.description = "Upgrade by ci-job-42".into();
        store.create(&record).await.unwrap();
    });
    assert!(
        lab.kubectl(&["delete", "lease", "charts.lock.web"])
            .status
            .success()
    );
    let expired = lab
        .env
        .write("expired.yaml", lease("2026-01-01T00:00:00Z", 60));
    assert!(
        lab.kubectl(&["apply", "-f", expired.to_str().unwrap()])
            .status
            .success()
    );

    lab.ok(&["upgrade", "web", &chart, "--set", "greeting=recovered"]);
    assert_eq!(
        lab.records("default"),
        [
            (
                "charts.release.v1.web.v1".to_string(),
                "superseded".to_string()
            ),
            ("charts.release.v1.web.v2".to_string(), "failed".to_string()),
            (
                "charts.release.v1.web.v3".to_string(),
                "deployed".to_string()
            ),
        ]
    );
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "recovered"
    );
    assert!(
        lab.get(&["lease", "charts.lock.web"]).is_none(),
        "the lock is released"
    );
}

fn an_interrupted_install_is_marked_failed_and_unlocked_at_once(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    // Deployments take a long time to apply: the install is caught half-way.
    lab.sandbox.faults().add(
        Fault::latency(std::time::Duration::from_secs(20))
            .verb("apply")
            .resource("deployments"),
    );
    let child = lab
        .env
        .command()
        .args(["install", "web", &chart])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while lab.configmap("default", "web-config").is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the install never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let kill = std::process::Command::new(if std::path::Path::new("/usr/bin/kill").exists() {
        "/usr/bin/kill"
    } else {
        "/bin/kill"
    })
    .args(["-INT", &child.id().to_string()])
    .status()
    .unwrap();
    assert!(kill.success());
    let started = std::time::Instant::now();
    let output = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "stops promptly"
    );
    assert_eq!(output.status.code(), Some(1));
    let error = stderr(&output);
    assert!(
        error.contains("interrupted by SIGINT: release `web` in namespace `default` was left part-way; revision 1 is marked failed"),
        "{error}"
    );
    assert_eq!(
        lab.records("default"),
        [("charts.release.v1.web.v1".to_string(), "failed".to_string())]
    );
    assert!(
        lab.get(&["lease", "charts.lock.web"]).is_none(),
        "the lock is released"
    );
    lab.sandbox.faults().clear();
    lab.ok(&["install", "web", &chart]);
    assert_eq!(lab.status_json("web", "default")["revision"], 2);
}

fn wait_waits_for_readiness_and_fails_on_a_workload_that_cannot_start(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).template(
        "worker.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  replicas: 2\n  progressDeadlineSeconds: 2\n  selector:\n    matchLabels: {app: worker}\n  template:\n    metadata:\n      labels: {app: worker}\n{% if Values.broken %}      annotations:\n        sandbox.charts.dev/fail: image-pull\n{% endif %}    spec:\n      containers:\n      - name: worker\n        image: worker:1\n",
    );
    let chart = chart.arg();
    lab.ok(&["install", "web", &chart, "--wait", "--timeout", "60s"]);
    let status = lab.status_json("web", "default");
    assert_eq!(status["ready"], true, "{status}");
    let worker = lab.get(&["deployment", "worker"]).unwrap();
    assert_eq!(
        worker["status"]["availableReplicas"], 2,
        "ready before install returned"
    );

    let error = lab.fails(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "broken=true",
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert!(
        error.contains(
            "cannot wait for Deployment `default/worker`: it failed: ProgressDeadlineExceeded"
        ),
        "{error}"
    );
    let status = lab.status_json("web", "default");
    assert_eq!(status["status"], "failed");
    let worker = status["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "worker")
        .unwrap()
        .clone();
    assert_ne!(worker["state"], "ready", "{worker}");
}

const WIDGET_CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: widgets, singular: widget, kind: Widget}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}\n";

fn crds_are_created_first_and_their_kinds_are_usable_in_the_same_install(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = TestChart::new(&lab.env, "gadgets")
        .file("crds/widget.yaml", WIDGET_CRD)
        .template(
            "widget.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {{ Release.Name }}-widget\nspec:\n  size: 3\n",
        )
        .template("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gadgets\n");
    lab.ok(&["install", "gadgets", &chart.arg()]);
    let widget = lab
        .get(&["widgets", "gadgets-widget"])
        .expect("the Widget exists");
    assert_eq!(widget["spec"]["size"], 3);
    assert_eq!(
        widget["metadata"]["annotations"]["charts.dev/release-name"],
        "gadgets"
    );
    // CRDs from crds/ are not part of the release: uninstall leaves them, as Helm does.
    lab.ok(&["uninstall", "gadgets"]);
    assert!(lab.get(&["crd", "widgets.example.com"]).is_some());
    assert!(lab.get(&["widgets", "gadgets-widget"]).is_none());
}

fn a_kind_the_cluster_does_not_know_fails_before_anything_is_applied(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = TestChart::new(&lab.env, "gadgets")
        .template(
            "widget.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
        )
        .template(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gadgets\n",
        );
    let error = lab.fails(&["install", "gadgets", &chart.arg()]);
    assert!(
        error.contains(
            "cannot apply Widget `default/w`: the cluster has no kind `Widget` in `example.com/v1`"
        ),
        "{error}"
    );
    assert!(error.contains("hint: install the CRD"), "{error}");
    assert!(
        lab.configmap("default", "gadgets").is_none(),
        "nothing applied"
    );
}

fn pipeline_labels_show_in_history_and_select_in_list(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    lab.ok(&[
        "install",
        "web",
        &chart,
        "-n",
        "ci",
        "--create-namespace",
        "--label",
        "commit=aaa111,build=17",
    ]);
    lab.ok(&[
        "upgrade",
        "web",
        &chart,
        "-n",
        "ci",
        "--label",
        "commit=bbb222",
    ]);
    lab.ok(&[
        "install",
        "api",
        &chart,
        "-n",
        "ci",
        "--label",
        "commit=ccc333",
    ]);

    let history: Value =
        serde_json::from_str(&lab.ok(&["history", "web", "-n", "ci", "-o", "json"])).unwrap();
    let labels: Vec<(&str, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["labels"]["commit"].as_str().unwrap(),
                r["labels"]["build"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        labels,
        [("aaa111", "17"), ("bbb222", "17")],
        "upgrade labels merge over the old ones"
    );

    let listed: Value =
        serde_json::from_str(&lab.ok(&["list", "-A", "-l", "commit=bbb222", "-o", "json"]))
            .unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web"]);
    let quiet = lab.ok(&["list", "-n", "ci", "-q"]);
    assert_eq!(quiet, "api\nweb\n");
    let values = lab.ok(&["get", "values", "web", "-n", "ci", "-o", "json"]);
    assert_eq!(
        serde_json::from_str::<Value>(&values).unwrap(),
        serde_json::json!({})
    );
}

/// Regression: pruning compared keys taken from the stored manifest (namespace filled by the
/// renderer for kinds it does not know are cluster-scoped, or written by the template) with
/// keys of the applied objects (no namespace), so every upgrade deleted the release's own
/// cluster-scoped objects right after applying them.
fn upgrades_keep_cluster_scoped_objects_even_when_the_template_gives_a_namespace(
    discovery: DiscoveryMode,
) {
    let lab = Lab::new(discovery);
    let chart = TestChart::new(&lab.env, "rbac")
        .file("crds/widget.yaml", &WIDGET_CRD.replace("Namespaced", "Cluster"))
        .template(
            "role.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {{ Release.Name }}-reader\n  namespace: {{ Release.Namespace }}\nrules: []\n",
        )
        .template(
            "widget.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {{ Release.Name }}-global\n",
        );
    lab.ok(&["install", "rbac", &chart.arg(), "-n", "default"]);
    assert!(lab.get(&["clusterrole", "rbac-reader"]).is_some());
    assert!(lab.get(&["widgets", "rbac-global"]).is_some());
    for _ in 0..2 {
        let output = lab.run(&["upgrade", "rbac", &chart.arg()]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(!stderr(&output).contains("deleted"), "{}", stderr(&output));
        assert!(
            lab.get(&["clusterrole", "rbac-reader"]).is_some(),
            "still there"
        );
        assert!(
            lab.get(&["widgets", "rbac-global"]).is_some(),
            "still there"
        );
    }
    lab.ok(&["rollback", "rbac", "1"]);
    assert!(lab.get(&["clusterrole", "rbac-reader"]).is_some());
    lab.ok(&["uninstall", "rbac"]);
    assert!(
        lab.get(&["clusterrole", "rbac-reader"]).is_none(),
        "uninstall removes it"
    );
    assert!(lab.get(&["widgets", "rbac-global"]).is_none());
}

/// Regression: a failed install's manifest counted as the release's own inventory, so running
/// the same install again adopted the object that had made it fail.
fn retrying_a_refused_install_still_refuses_the_other_releases_object(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    lab.ok(&["install", "web", &chart]);
    let other = TestChart::new(&lab.env, "other").template(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata: {x: y}\n",
    );
    lab.fails(&["install", "other", &other.arg()]);
    let error = lab.fails(&["install", "other", &other.arg()]);
    assert!(error.contains("belongs to release `web`"), "{error}");
    let error = lab.fails(&["upgrade", "other", &other.arg()]);
    assert!(error.contains("belongs to release `web`"), "{error}");
    let owner = &lab.configmap("default", "web-config").unwrap()["metadata"]["annotations"]["charts.dev/release-name"];
    assert_eq!(owner, "web");
}

fn install_is_refused_while_a_revision_is_deployed_even_after_a_failed_upgrade(
    discovery: DiscoveryMode,
) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    lab.ok(&["install", "web", &chart]);
    let bad = web_chart(&lab.env).template(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n",
    );
    lab.fails(&["upgrade", "web", &bad.arg()]);
    let error = lab.fails(&["install", "web", &chart]);
    assert!(
        error.contains("release `web` already exists in namespace `default` (revision 1 is deployed; the latest, 2, is failed)"),
        "{error}"
    );
    // An upgrade's client dry run renders as the real upgrade would: revision 3, an upgrade.
    let preview = lab.ok(&["upgrade", "web", &chart, "--dry-run"]);
    assert!(preview.contains("REVISION: 3\n"), "{preview}");
    assert_eq!(
        lab.records("default").len(),
        2,
        "the dry run recorded nothing"
    );
}

/// Two pipelines upgrade the same release at once: one wins the lock, the other is told who
/// holds it, and the history stays consistent (one new deployed revision).
fn concurrent_upgrades_one_wins_the_other_is_told_who_holds_the_release(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    lab.ok(&["install", "web", &chart]);
    // Applies are slow, so the first upgrade still holds the lock when the second starts.
    lab.sandbox.faults().add(
        Fault::latency(std::time::Duration::from_millis(1500))
            .verb("apply")
            .resource("deployments")
            .times(0),
    );
    let spawn = |greeting: &str| {
        lab.env
            .command()
            .args([
                "upgrade",
                "web",
                &chart,
                "--set",
                &format!("greeting={greeting}"),
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn("first");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while lab.get(&["lease", "charts.lock.web"]).is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the first upgrade never locked"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = spawn("second").wait_with_output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(second.status.code(), Some(1));
    assert!(
        stderr(&second).contains("release `web` is locked: an operation by `"),
        "{}",
        stderr(&second)
    );
    assert!(stderr(&second).contains("hint:"), "{}", stderr(&second));
    assert_eq!(
        lab.records("default"),
        [
            (
                "charts.release.v1.web.v1".to_string(),
                "superseded".to_string()
            ),
            (
                "charts.release.v1.web.v2".to_string(),
                "deployed".to_string()
            ),
        ]
    );
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "first"
    );
}

fn history_max_prunes_old_revisions_but_never_the_deployed_one(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    lab.ok(&["install", "web", &chart]);
    for greeting in ["two", "three", "four"] {
        lab.ok(&[
            "upgrade",
            "web",
            &chart,
            "--set",
            &format!("greeting={greeting}"),
            "--history-max",
            "2",
        ]);
    }
    assert_eq!(
        lab.records("default"),
        [
            (
                "charts.release.v1.web.v3".to_string(),
                "superseded".to_string()
            ),
            (
                "charts.release.v1.web.v4".to_string(),
                "deployed".to_string()
            ),
        ]
    );
    // Failures pile up on top of the deployed revision; the next success prunes them, and the
    // deployed revision survives any of it.
    let bad = web_chart(&lab.env).template(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n",
    );
    lab.fails(&["upgrade", "web", &bad.arg(), "--history-max", "2"]);
    lab.fails(&["upgrade", "web", &bad.arg(), "--history-max", "2"]);
    // (`bad` is the same chart directory with one more template: take it out again.)
    std::fs::remove_file(bad.path().join("templates/bad.yaml")).unwrap();
    lab.ok(&["rollback", "web", "--history-max", "2"]);
    let records = lab.records("default");
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(
        records[1],
        (
            "charts.release.v1.web.v7".to_string(),
            "deployed".to_string()
        )
    );
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "four"
    );
    // 0 keeps everything.
    lab.ok(&["upgrade", "web", &chart, "--history-max", "0"]);
    assert_eq!(lab.records("default").len(), 3);
}

fn a_missing_namespace_is_named_with_a_hint(discovery: DiscoveryMode) {
    let lab = Lab::new(discovery);
    let chart = web_chart(&lab.env).arg();
    let error = lab.fails(&["install", "web", &chart, "-n", "nowhere"]);
    assert!(
        error.contains("error: namespace `nowhere` does not exist on `http://127.0.0.1:"),
        "{error}"
    );
    assert!(error.contains("hint: pass `--create-namespace`"), "{error}");
    let error = lab.fails(&["rollback", "web", "-n", "nowhere"]);
    assert!(
        error.contains("namespace `nowhere` does not exist"),
        "{error}"
    );
}

// Bug: against a server without aggregated discovery (Kubernetes before 1.26, proxies that drop
// the `Accept` profile) `charts install` failed with `the cluster has no kind ConfigMap in v1`.
#[test]
fn install_works_against_a_server_without_aggregated_discovery() {
    let lab = Lab::new(DiscoveryMode::Legacy);
    let chart = web_chart(&lab.env).arg();
    lab.sandbox.reset_counters();
    let out = lab.ok(&["install", "web", &chart]);
    assert!(out.contains("STATUS: deployed\n"), "{out}");
    let counters = lab.sandbox.counters();
    assert!(
        counters.get("discovery", "/api/v1") >= 1
            && counters.get("discovery", "/apis/apps/v1") >= 1,
        "asked group by group: {counters:?}"
    );
    assert!(lab.configmap("default", "web-config").is_some());
    assert!(lab.get(&["deployment", "web", "-n", "default"]).is_some());
}

// Bug: counts of one were printed in the plural (`applied 1 objects`).
#[test]
fn counts_of_one_object_are_singular() {
    let lab = Lab::new(DiscoveryMode::Aggregated);
    let chart = TestChart::new(&lab.env, "one")
        .values("greeting: hi\n")
        .template(
            "configmap.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\ndata:\n  greeting: {{ Values.greeting }}\n",
        )
        .arg();
    let dry_run = lab.run(&["install", "one", &chart, "--dry-run=server"]);
    assert!(
        stderr(&dry_run).contains("the API server accepted 1 object; nothing was stored\n"),
        "{}",
        stderr(&dry_run)
    );
    let install = lab.run(&["install", "one", &chart]);
    assert!(
        stderr(&install).contains("applied 1 object\n"),
        "{}",
        stderr(&install)
    );
    lab.ok(&["upgrade", "one", &chart, "--set", "greeting=hello"]);
    let dry_run = lab.run(&["rollback", "one", "1", "--dry-run"]);
    assert!(
        stderr(&dry_run).contains("the API server accepted the 1 object of revision 1;"),
        "{}",
        stderr(&dry_run)
    );
    let rollback = lab.run(&["rollback", "one", "1"]);
    assert!(
        stderr(&rollback).contains("rolled back `one` to revision 1: applied 1 object\n"),
        "{}",
        stderr(&rollback)
    );
    let uninstall = lab.ok(&["uninstall", "one"]);
    assert_eq!(
        uninstall,
        "release \"one\" uninstalled (1 object deleted)\n"
    );
}

/// Runs each lifecycle test against a sandbox with aggregated discovery and one without (like a
/// server before Kubernetes 1.26, or a proxy that drops the `Accept` profile).
macro_rules! in_both_discovery_modes {
    ($($test:ident),* $(,)?) => {
        mod aggregated_discovery {
            $(#[test]
            fn $test() {
                super::$test(charts_sandbox::DiscoveryMode::Aggregated)
            })*
        }
        mod legacy_discovery {
            $(#[test]
            fn $test() {
                super::$test(charts_sandbox::DiscoveryMode::Legacy)
            })*
        }
    };
}

in_both_discovery_modes!(
    install_applies_marked_objects_records_revision_one_and_refuses_a_second_install,
    upgrade_uses_defaults_plus_this_command_and_prunes_objects_that_left_the_chart,
    objects_marked_keep_survive_pruning_and_uninstall,
    an_object_rejected_halfway_fails_the_release_and_the_next_upgrade_recovers,
    rollback_goes_to_the_last_good_revision_without_the_chart,
    objects_owned_by_others_are_refused_unless_take_ownership,
    field_conflicts_name_the_manager_and_force_conflicts_takes_them,
    transient_errors_are_retried_and_lasting_ones_are_not,
    dry_runs_change_nothing,
    uninstall_keeps_history_on_request_and_deletes_the_namespace_it_created,
    a_namespace_the_release_did_not_create_is_kept,
    a_release_bigger_than_a_secret_is_stored_in_chunks,
    a_live_lock_refuses_and_an_interrupted_operation_is_recovered,
    an_interrupted_install_is_marked_failed_and_unlocked_at_once,
    wait_waits_for_readiness_and_fails_on_a_workload_that_cannot_start,
    crds_are_created_first_and_their_kinds_are_usable_in_the_same_install,
    a_kind_the_cluster_does_not_know_fails_before_anything_is_applied,
    pipeline_labels_show_in_history_and_select_in_list,
    upgrades_keep_cluster_scoped_objects_even_when_the_template_gives_a_namespace,
    retrying_a_refused_install_still_refuses_the_other_releases_object,
    install_is_refused_while_a_revision_is_deployed_even_after_a_failed_upgrade,
    concurrent_upgrades_one_wins_the_other_is_told_who_holds_the_release,
    history_max_prunes_old_revisions_but_never_the_deployed_one,
    a_missing_namespace_is_named_with_a_hint,
);
