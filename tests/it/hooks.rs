//! Hooks and `charts test` through the CLI against the sandbox API server (which runs no
//! containers: its controllers give Jobs and Pods the exit code and log that the
//! `sandbox.charts.dev/` annotations ask for). The order hooks ran in is read from the objects'
//! resourceVersions, which the sandbox, like etcd, takes from one counter: objects that nothing
//! changes after their creation (ConfigMaps, Secrets, ServiceAccounts) keep their creation's.

use serde_json::Value;

use crate::common::servers::StaticServer;
use crate::common::{TestChart, TestEnv, stderr, stdout};

/// A hook of `kind` named `name` for `events`, with extra annotations and a body.
fn hook(kind: &str, name: &str, events: &str, annotations: &str, body: &str) -> String {
    let api_version = if kind == "Job" { "batch/v1" } else { "v1" };
    format!(
        "apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {name}\n  annotations:\n    helm.sh/hook: {events}\n{annotations}{body}"
    )
}

/// A Job hook whose Pod exits with `exit_code` after writing `log` (the sandbox's contract).
fn job(name: &str, events: &str, annotations: &str, exit_code: &str, log: &str) -> String {
    hook(
        "Job",
        name,
        events,
        annotations,
        &format!(
            "spec:\n  backoffLimit: 0\n  template:\n    metadata:\n      annotations:\n        sandbox.charts.dev/exit-code: \"{exit_code}\"\n        sandbox.charts.dev/log: {log:?}\n    spec:\n      restartPolicy: Never\n      containers: [{{name: main, image: \"busybox:1.36\"}}]\n"
        ),
    )
}

fn resource_version(object: &Value) -> u64 {
    object["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn uid(object: &Value) -> String {
    object["metadata"]["uid"].as_str().unwrap().to_string()
}

#[test]
fn hooks_run_by_weight_then_name_then_kind_and_post_install_sees_the_ready_objects() {
    let lab = TestEnv::with_sandbox();
    let data = "data: {a: b}\n";
    let chart = TestChart::fixture(&lab, "web")
        .template(
            "hooks/secret.yaml",
            &hook(
                "Secret",
                "z-first",
                "pre-install",
                "    helm.sh/hook-weight: \"-1\"\n",
                "stringData: {a: b}\n",
            ),
        )
        // Same weight: by name, whatever the kind (Helm sorts by kind only within a name).
        .template(
            "hooks/sa.yaml",
            &hook("ServiceAccount", "c-third", "pre-install", "", ""),
        )
        .template(
            "hooks/b.yaml",
            &hook("ConfigMap", "b-second", "pre-install", "", data),
        )
        .template(
            "hooks/late.yaml",
            &hook(
                "ConfigMap",
                "a-last",
                "pre-install",
                "    charts.dev/hook-weight: \"5\"\n",
                data,
            ),
        )
        .template(
            "hooks/after.yaml",
            &hook("ConfigMap", "after", "post-install", "", data),
        );
    let output = lab.run(&["install", "web", &chart.arg(), "--wait"]);
    assert!(output.status.success(), "{}", stderr(&output));

    let get = |kind: &str, name: &str| {
        lab.get(&[kind, name])
            .unwrap_or_else(|| panic!("{kind} {name} exists"))
    };
    let order: Vec<u64> = [
        get("secret", "z-first"),
        get("configmap", "b-second"),
        get("serviceaccount", "c-third"),
        get("configmap", "a-last"),
        get("configmap", "web-config"),
        get("deployment", "web"),
        get("configmap", "after"),
    ]
    .iter()
    .map(resource_version)
    .collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(
        order, sorted,
        "pre-install hooks by weight, name, kind; then the objects; then (after the Deployment's \
         last status change, with --wait) the post-install hook"
    );
    let deployment = get("deployment", "web");
    assert_eq!(deployment["status"]["availableReplicas"], 1);

    // Hooks carry the release's marks, and are not release objects: not in the manifest, and
    // left alone by uninstall (as in Helm).
    let after = get("configmap", "after");
    assert_eq!(
        after["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "charts"
    );
    assert_eq!(
        after["metadata"]["annotations"]["charts.dev/release-name"],
        "web"
    );
    let manifest = lab.ok(&["get", "manifest", "web"]);
    assert!(!manifest.contains("name: after"), "{manifest}");
    let hooks = lab.ok(&["get", "hooks", "web"]);
    assert!(
        hooks.contains("---\n# Source: web/templates/hooks/after.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n"),
        "{hooks}"
    );
    assert_eq!(
        hooks.matches("\n---\n").count() + 1,
        5,
        "five hooks: {hooks}"
    );
    lab.ok(&["uninstall", "web"]);
    assert!(lab.configmap("default", "web-config").is_none());
    assert!(lab.configmap("default", "after").is_some(), "hooks stay");
}

#[test]
fn delete_policies_before_hook_creation_hook_succeeded_and_hook_failed() {
    let lab = TestEnv::with_sandbox();
    let chart = TestChart::fixture(&lab, "web")
        // Default policy: re-created on each run.
        .template(
            "hooks/stamp.yaml",
            &hook(
                "ConfigMap",
                "stamp",
                "pre-install,pre-upgrade",
                "",
                "data:\n  greeting: {{ Values.greeting | quote }}\n",
            ),
        )
        .template(
            "hooks/done.yaml",
            &job(
                "done",
                "post-install,post-upgrade",
                "    helm.sh/hook-delete-policy: hook-succeeded\n",
                "0",
                "ok",
            ),
        )
        .template(
            "hooks/kept.yaml",
            &job(
                "kept",
                "post-install",
                "    helm.sh/hook-delete-policy: hook-failed\n",
                "0",
                "ok",
            ),
        );
    lab.ok(&["install", "web", &chart.arg(), "--set", "greeting=one"]);
    let first = lab.configmap("default", "stamp").unwrap();
    assert_eq!(first["data"]["greeting"], "one");
    assert!(
        lab.get(&["job", "done"]).is_none(),
        "hook-succeeded: deleted after success"
    );
    assert!(
        lab.get(&["job", "kept"]).is_some(),
        "hook-failed: kept after success"
    );

    lab.ok(&["upgrade", "web", &chart.arg(), "--set", "greeting=two"]);
    let second = lab.configmap("default", "stamp").unwrap();
    assert_eq!(second["data"]["greeting"], "two");
    assert_ne!(
        uid(&first),
        uid(&second),
        "before-hook-creation: deleted, then created anew"
    );

    // A failed hook with `hook-failed` is deleted; one without it stays for inspection.
    let failing = TestChart::fixture_at(lab.join("failing"), "web").template(
        "hooks/gone.yaml",
        &job(
            "gone",
            "pre-upgrade",
            "    helm.sh/hook-delete-policy: hook-failed\n",
            "1",
            "boom",
        ),
    );
    lab.fails(&["upgrade", "web", &failing.arg()]);
    assert!(
        lab.get(&["job", "gone"]).is_none(),
        "hook-failed: deleted after failure"
    );
    let staying = TestChart::fixture_at(lab.join("staying"), "web").template(
        "hooks/stays.yaml",
        &job("stays", "pre-upgrade", "", "1", "boom"),
    );
    lab.fails(&["upgrade", "web", &staying.arg()]);
    let job = lab
        .get(&["job", "stays"])
        .expect("a failed hook stays by default");
    assert_eq!(
        job["status"]["conditions"][1]["reason"],
        "BackoffLimitExceeded"
    );
}

#[test]
fn a_failing_pre_upgrade_migration_stops_the_upgrade_before_any_object_changes() {
    let lab = TestEnv::with_sandbox();
    let chart = TestChart::fixture(&lab, "web").template(
        "migrate.yaml",
        &job(
            "migrate",
            "pre-upgrade",
            "",
            "{% if Values.broken %}3{% else %}0{% endif %}",
            "applying 0042_add_column\nERROR: column \"email\" already exists",
        ),
    );
    lab.ok(&["install", "web", &chart.arg(), "--set", "greeting=one"]);
    assert!(
        lab.get(&["job", "migrate"]).is_none(),
        "a pre-upgrade hook does not run on install"
    );
    let before = lab.configmap("default", "web-config").unwrap();

    let error = lab.fails(&[
        "upgrade",
        "web",
        &chart.arg(),
        "--set",
        "greeting=two",
        "--set",
        "broken=true",
    ]);
    assert!(
        error.contains("pre-upgrade hook Job/migrate failed: BackoffLimitExceeded"),
        "{error}"
    );
    assert!(error.contains("exited with code 3 (Error)"), "{error}");
    assert!(
        error.contains("ERROR: column \"email\" already exists"),
        "{error}"
    );
    assert!(
        error.contains("hint: the hook comes from `web/templates/migrate.yaml`"),
        "{error}"
    );

    let after = lab.configmap("default", "web-config").unwrap();
    assert_eq!(after["data"]["greeting"], "one");
    assert_eq!(
        resource_version(&before),
        resource_version(&after),
        "no release object was touched"
    );
    let history = lab.json(&["history", "web", "-o", "json"]);
    assert_eq!(history[0]["status"], "deployed");
    assert_eq!(history[1]["status"], "failed");
    let description = history[1]["description"].as_str().unwrap();
    assert!(
        description.starts_with("Upgrade failed: pre-upgrade hook Job/migrate failed:")
            && description.contains("exited with code 3"),
        "{description}"
    );

    // Fixed, the migration runs (its old Job deleted first) and the upgrade goes through.
    lab.ok(&["upgrade", "web", &chart.arg(), "--set", "greeting=two"]);
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "two"
    );
    let job = lab.get(&["job", "migrate"]).unwrap();
    assert_eq!(job["status"]["succeeded"], 1);
}

/// `web` with two test Pods: one passes, one exits 2 with a log.
fn tested_chart(env: &TestEnv) -> TestChart {
    let pod = |name: &str, exit_code: &str, log: &str| {
        hook(
            "Pod",
            name,
            "test",
            "    sandbox.charts.dev/exit-code: \"",
            &format!(
                "{exit_code}\"\n    sandbox.charts.dev/log: {log:?}\nspec:\n  restartPolicy: Never\n  containers: [{{name: check, image: \"curl:8\"}}]\n"
            ),
        )
    };
    TestChart::fixture(env, "web")
        .template("tests/ok.yaml", &pod("web-test-ok", "0", "GET / 200"))
        .template(
            "tests/bad.yaml",
            &pod("web-test-bad", "2", "GET /health\nexpected 200, got 503"),
        )
}

#[test]
fn charts_test_runs_the_tests_gates_on_them_and_status_shows_the_suite() {
    let lab = TestEnv::with_sandbox();
    let chart = tested_chart(&lab);
    lab.ok(&["install", "web", &chart.arg()]);
    assert!(
        lab.get(&["pod", "web-test-ok"]).is_none(),
        "tests run only with `charts test`"
    );

    let output = lab.run(&["test", "web", "--filter", "name=web-test-ok"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("web-test-ok"), "{out}");
    assert!(out.contains("Succeeded"), "{out}");
    assert!(!out.contains("web-test-bad"), "{out}");

    let output = lab.run(&["test", "web", "--logs"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = stdout(&output);
    let error = stderr(&output);
    assert!(
        error.contains("1 of 2 tests failed: test Pod/web-test-bad"),
        "{error}"
    );
    assert!(error.contains("exited with code 2"), "{error}");
    assert!(
        out.contains("POD LOGS: web-test-ok (container check)\nGET / 200"),
        "{out}"
    );
    assert!(out.contains("expected 200, got 503"), "{out}");

    let status = lab.ok(&["status", "web"]);
    assert!(
        status.contains(
            "TEST SUITE:     web-test-bad\nLast Started:   2026-01-02T00:00:00Z\nLast Completed: 2026-01-02T00:00:00Z\nPhase:          Failed\n"
        ),
        "{status}"
    );
    assert!(status.contains("TEST SUITE:     web-test-ok\n"), "{status}");
    let json = lab.status_json("web", "default");
    let suite: Vec<(&str, &str)> = json["testSuite"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["phase"].as_str().unwrap()))
        .collect();
    assert_eq!(
        suite,
        [("web-test-bad", "Failed"), ("web-test-ok", "Succeeded")]
    );

    // `-o json` for pipelines; excluding the failing test passes.
    let output = lab.run(&[
        "test",
        "web",
        "--filter",
        "!name=web-test-bad",
        "-o",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["passed"], true);
    assert_eq!(result["tests"].as_array().unwrap().len(), 1);
    assert_eq!(result["tests"][0]["phase"], "Succeeded");

    let output = lab.run(&[
        "test",
        "web",
        "--filter",
        "!name=web-test-bad",
        "--filter",
        "!name=web-test-ok",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no test of release `web` is left by --filter"),
        "{}",
        stderr(&output)
    );

    let error = lab.fails(&["test", "web", "--filter", "name=nope"]);
    assert!(error.contains("--filter names test `nope`"), "{error}");
    assert!(
        error.contains("its tests are: web-test-bad, web-test-ok"),
        "{error}"
    );
}

#[test]
fn rollback_runs_the_restored_revisions_hooks_from_its_record_with_the_repository_down() {
    let lab = TestEnv::with_sandbox();
    let chart = TestChart::fixture(&lab, "web").template(
        "hooks/rollback.yaml",
        &hook(
            "ConfigMap",
            "rolled-back",
            "pre-rollback,post-rollback",
            "",
            "data:\n  greeting: {{ Values.greeting | quote }}\n",
        ),
    );
    lab.ok(&["package", &chart.arg(), "-d", "served"]);
    let server = StaticServer::start(&lab.join("served"), None);
    lab.ok(&["repo", "index", "served", "--url", &server.url]);
    lab.ok(&["repo", "add", "shop", &server.url]);
    lab.ok(&["install", "web", "shop/web", "--set", "greeting=one"]);
    lab.ok(&["upgrade", "web", "shop/web", "--set", "greeting=two"]);
    assert!(lab.configmap("default", "rolled-back").is_none());

    drop(server);
    std::fs::remove_dir_all(lab.join("cache")).ok();
    let output = lab.run(&["rollback", "web", "1"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let hook = lab.configmap("default", "rolled-back").unwrap();
    assert_eq!(
        hook["data"]["greeting"], "one",
        "revision 1's hook, from its record"
    );
    assert_eq!(
        lab.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "one"
    );
}

#[test]
fn no_hooks_skips_them_and_uninstall_runs_the_delete_hooks() {
    let lab = TestEnv::with_sandbox();
    let chart = TestChart::fixture(&lab, "web")
        .template(
            "hooks/pre.yaml",
            &job("migrate", "pre-install,pre-upgrade", "", "0", "ok"),
        )
        .template(
            "hooks/delete.yaml",
            &hook("ConfigMap", "goodbye", "pre-delete", "", "data: {a: b}\n"),
        )
        .template(
            "hooks/deleted.yaml",
            &hook("ConfigMap", "farewell", "post-delete", "", "data: {a: b}\n"),
        )
        .template(
            "tests/ping.yaml",
            &hook(
                "Pod",
                "ping",
                "test",
                "",
                "spec:\n  restartPolicy: Never\n  containers: [{name: p, image: p}]\n",
            ),
        );
    let output = lab.run(&["install", "web", &chart.arg(), "--no-hooks"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let warning = stderr(&output);
    assert!(
        warning.contains("warning: hooks not run (--no-hooks): "),
        "{warning}"
    );
    for skipped in [
        "Job/default/migrate (pre-install,pre-upgrade)",
        "ConfigMap/default/goodbye (pre-delete)",
        "ConfigMap/default/farewell (post-delete)",
    ] {
        assert!(warning.contains(skipped), "{warning}");
    }
    assert!(!warning.contains("ping"), "tests are not named: {warning}");
    assert!(lab.get(&["job", "migrate"]).is_none());
    assert!(
        lab.get(&["pod", "ping"]).is_none(),
        "tests run only with `charts test`"
    );

    lab.ok(&["upgrade", "web", &chart.arg()]);
    assert!(
        lab.get(&["job", "migrate"]).is_some(),
        "without the flag they run"
    );

    lab.ok(&["uninstall", "web", "--no-hooks"]);
    assert!(lab.configmap("default", "goodbye").is_none());
    lab.ok(&["install", "web", &chart.arg()]);
    lab.ok(&["uninstall", "web"]);
    let goodbye = lab
        .configmap("default", "goodbye")
        .expect("the pre-delete hook ran");
    let farewell = lab
        .configmap("default", "farewell")
        .expect("the post-delete hook ran");
    assert!(lab.configmap("default", "web-config").is_none());
    assert!(resource_version(&goodbye) < resource_version(&farewell));
}

#[test]
fn the_demo_charts_migration_runs_on_install_and_its_test_passes() {
    let lab = TestEnv::with_sandbox();
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("charts/demo");
    let output = lab.run(&[
        "install",
        "web",
        demo.to_str().unwrap(),
        "-n",
        "demo",
        "--create-namespace",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    // `hook-succeeded`: the migration Job ran, and is gone.
    let record = lab.json(&["get", "all", "web", "-n", "demo", "-o", "json"]);
    let hooks = record["hooks"].as_array().expect("hooks in the record");
    let migrate = hooks
        .iter()
        .find(|h| h["name"] == "web-demo-migrate")
        .unwrap();
    assert_eq!(migrate["lastRun"]["phase"], "Succeeded");
    assert!(
        lab.get(&["job", "web-demo-migrate", "-n", "demo"])
            .is_none()
    );
    let output = lab.run(&["test", "web", "-n", "demo"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("web-demo-test-connection"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_hook_annotation_with_a_typo_is_an_error_in_lint_and_install() {
    let lab = TestEnv::with_sandbox();
    let chart = TestChart::fixture(&lab, "web").template(
        "migrate.yaml",
        &job("migrate", "pre-upgarde", "", "0", "ok"),
    );
    let output = lab.run(&["lint", &chart.arg()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(
            "[ERROR] templates/migrate.yaml: hook Job/default/migrate (from `web/templates/migrate.yaml`): helm.sh/hook `pre-upgarde` is not a hook event"
        ),
        "{}",
        stdout(&output)
    );
    let error = lab.fails(&["install", "web", &chart.arg()]);
    assert!(
        error.contains("helm.sh/hook `pre-upgarde` is not a hook event"),
        "{error}"
    );
    assert!(
        error.contains("hint: hook events are pre-install, post-install"),
        "{error}"
    );
    assert!(lab.records("default").is_empty(), "nothing recorded");
    assert!(
        lab.configmap("default", "web-config").is_none(),
        "nothing applied"
    );
}

#[test]
fn a_hook_never_deletes_or_takes_an_object_that_is_not_the_releases() {
    let lab = TestEnv::with_sandbox();
    let manifest = lab.write(
        "theirs.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stamp\n  namespace: default\ndata:\n  owner: someone-else\n",
    );
    let created = lab.kubectl(&["apply", "-f", manifest.to_str().unwrap()]);
    assert!(created.status.success(), "{}", stderr(&created));
    let chart = TestChart::fixture(&lab, "web").template(
        "hooks/stamp.yaml",
        &hook(
            "ConfigMap",
            "stamp",
            "pre-install",
            "",
            "data:\n  owner: web\n",
        ),
    );
    let error = lab.fails(&["install", "web", &chart.arg()]);
    assert!(
        error.contains(
            "cannot apply ConfigMap `default/stamp`: it exists and was not created by charts"
        ),
        "{error}"
    );
    assert!(error.contains("--take-ownership"), "{error}");
    let theirs = lab.configmap("default", "stamp").unwrap();
    assert_eq!(
        theirs["data"]["owner"], "someone-else",
        "not deleted, not changed"
    );
    assert!(
        lab.configmap("default", "web-config").is_none(),
        "the install stopped before its objects"
    );
    let history = lab.json(&["history", "web", "-o", "json"]);
    assert_eq!(history[0]["status"], "failed");
}
