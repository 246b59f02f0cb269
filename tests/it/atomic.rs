//! `--rollback-on-failure` (alias `--atomic`) on install, upgrade and rollback, through the CLI
//! against the sandbox (which stores objects and runs no containers: `sandbox.charts.dev/fail:
//! image-pull` makes a Deployment's Pods never start), with kubectl as an independent client to
//! check what is live. Also the regressions of the operations it builds on: interrupts, the
//! uninstall error path, a rollback without history, an admission 403.

use std::process::{Child, Output};
use std::time::{Duration, Instant};

use charts_sandbox::Fault;
use serde_json::Value;

use crate::common::{TestChart, TestEnv, stderr, stdout};

/// `web` (testdata/charts/web) plus a Deployment `worker` whose image cannot be pulled when
/// `broken` is set (its rollout fails after 2 s: `progressDeadlineSeconds`).
fn chart(env: &TestEnv) -> String {
    TestChart::fixture(env, "web")
        .template(
            "worker.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  replicas: 2\n  progressDeadlineSeconds: 2\n  selector:\n    matchLabels: {app: worker}\n  template:\n    metadata:\n      labels: {app: worker}\n{% if Values.broken %}      annotations:\n        sandbox.charts.dev/fail: image-pull\n{% endif %}    spec:\n      containers:\n      - name: worker\n        image: {% if Values.broken %}worker:missing{% else %}worker:1{% endif %}\n",
        )
        .arg()
}

/// `charts history NAME -o json`: (revision, status, description).
fn history(env: &TestEnv, name: &str, namespace: &str) -> Vec<(u64, String, String)> {
    env.json(&["history", name, "-n", namespace, "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["revision"].as_u64().unwrap(),
                r["status"].as_str().unwrap().to_string(),
                r["description"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The worker Deployment's live image and whether its template carries the failure annotation.
fn worker(env: &TestEnv) -> (String, bool) {
    let live = env.get(&["deployment", "worker", "-n", "default"]).unwrap();
    let template = &live["spec"]["template"];
    (
        template["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap()
            .to_string(),
        template["metadata"]["annotations"]["sandbox.charts.dev/fail"].is_string(),
    )
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

#[test]
fn an_upgrade_whose_image_cannot_be_pulled_is_rolled_back_to_the_previous_revision() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    env.ok(&["install", "web", &chart, "--set", "greeting=one", "--wait"]);

    let started = Instant::now();
    let output = env.run(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "broken=true",
        "--set",
        "greeting=two",
        "--rollback-on-failure",
        "--timeout",
        "2m",
    ]);
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "the failed rollout ends the wait, not the timeout"
    );
    let error = stderr(&output);
    assert!(
        error.contains(
            "error: upgrade of `web` failed and was rolled back (--rollback-on-failure): revision 2 failed; revision 3, a copy of revision 1, is deployed now"
        ),
        "{error}"
    );
    assert!(
        error.contains("Caused by: cannot wait for Deployment `default/worker`")
            && error.contains("ProgressDeadlineExceeded"),
        "the failure is named: {error}"
    );
    assert!(
        error.contains("ImagePullBackOff") && error.contains("worker:missing"),
        "the wait says why, naming the image: {error}"
    );
    assert!(
        error.contains("hint: `charts history web -n default` shows both revisions"),
        "{error}"
    );
    assert_eq!(stdout(&output), "", "no data for a failure in table mode");

    // The live objects are the old revision's again, and ready (the rollback waited).
    assert_eq!(worker(&env), ("worker:1".to_string(), false));
    assert_eq!(
        env.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "one"
    );
    let live = env.get(&["deployment", "worker", "-n", "default"]).unwrap();
    assert_eq!(live["status"]["availableReplicas"], 2, "{live}");

    let revisions = history(&env, "web", "default");
    assert_eq!(
        revisions
            .iter()
            .map(|(r, s, _)| (*r, s.as_str()))
            .collect::<Vec<_>>(),
        [(1, "superseded"), (2, "failed"), (3, "deployed")]
    );
    assert!(
        revisions[1]
            .2
            .starts_with("Upgrade failed: cannot wait for Deployment `default/worker`"),
        "the failed revision keeps its reason: {}",
        revisions[1].2
    );
    assert_eq!(revisions[2].2, "Rollback to 1");
    assert!(
        env.get(&["lease", "charts.lock.web"]).is_none(),
        "the lock is released"
    );

    // `--atomic` is the same flag; `-o json` tells a pipeline what failed and what runs now.
    let output = env.run(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "broken=true",
        "--atomic",
        "--timeout",
        "2m",
        "-o",
        "json",
    ]);
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{e}: {}", stdout(&output)));
    assert_eq!(report["name"], "web");
    assert_eq!(report["operation"], "upgrade");
    assert_eq!(report["succeeded"], false);
    assert_eq!(report["failed"]["revision"], 4);
    assert!(
        report["failed"]["error"]
            .as_str()
            .unwrap()
            .contains("Deployment `default/worker`"),
        "{report}"
    );
    assert_eq!(report["rollbackOnFailure"]["action"], "rollback");
    assert_eq!(report["rollbackOnFailure"]["succeeded"], true);
    assert_eq!(report["rollbackOnFailure"]["target"], 3);
    assert_eq!(report["running"], 5);
    assert!(stderr(&output).contains("revision 4 failed; revision 5, a copy of revision 3"));
    let status = env.status_json("web", "default");
    assert_eq!(
        (status["revision"].as_u64(), status["status"].as_str()),
        (Some(5), Some("deployed"))
    );
    assert_eq!(worker(&env), ("worker:1".to_string(), false));

    // Without the flag, the failed upgrade stays (the old behaviour).
    env.fails(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "broken=true",
        "--wait",
        "--timeout",
        "2m",
    ]);
    assert_eq!(worker(&env), ("worker:missing".to_string(), true));
}

#[test]
fn a_failed_install_leaves_no_release_no_objects_and_no_namespace_it_created() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    let error = env.fails(&[
        "install",
        "web",
        &chart,
        "--set",
        "broken=true",
        "--rollback-on-failure",
        "--create-namespace",
        "-n",
        "fresh",
    ]);
    assert!(
        error.contains(
            "error: install of `web` failed and was undone (--rollback-on-failure): revision 1 failed; what it created is deleted, namespace `fresh` too"
        ),
        "{error}"
    );
    assert!(
        error.contains("Caused by: cannot wait for Deployment `fresh/worker`"),
        "{error}"
    );
    assert!(
        env.get(&["namespace", "fresh"])
            .is_none_or(|ns| ns["status"]["phase"] == "Terminating"),
        "the namespace this command created is deleted"
    );
    assert_eq!(
        env.json(&["list", "-A", "-o", "json"]),
        Value::Array(Vec::new())
    );

    // In a namespace that was there before: no release and no objects, and the namespace stays.
    let output = env.run(&[
        "install",
        "web",
        &chart,
        "--set",
        "broken=true",
        "--atomic",
        "-o",
        "json",
    ]);
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["operation"], "install");
    assert_eq!(report["failed"]["revision"], 1);
    assert_eq!(report["rollbackOnFailure"]["action"], "uninstall");
    assert_eq!(report["rollbackOnFailure"]["namespaceDeleted"], false);
    assert_eq!(report["running"], Value::Null);
    assert!(env.records("default").is_empty(), "no release records");
    for kind in ["deployment", "configmap", "service"] {
        let items = env
            .get(&[
                kind,
                "-n",
                "default",
                "-l",
                "app.kubernetes.io/managed-by=charts",
            ])
            .unwrap();
        assert_eq!(items["items"], Value::Array(Vec::new()), "{kind}: {items}");
    }
    assert!(env.get(&["namespace", "default"]).is_some());

    // The release can be installed again once the cause is fixed.
    env.ok(&["install", "web", &chart, "--rollback-on-failure"]);
    assert_eq!(env.status_json("web", "default")["revision"], 1);
}

#[test]
fn a_failed_install_over_an_uninstalled_release_keeps_its_history() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    env.ok(&["install", "web", &chart]);
    env.ok(&["uninstall", "web", "--keep-history"]);
    let error = env.fails(&["install", "web", &chart, "--set", "broken=true", "--atomic"]);
    assert!(
        error.contains("revision 2 failed; what it created is deleted"),
        "{error}"
    );
    let revisions = history(&env, "web", "default");
    assert_eq!(revisions.len(), 2, "{revisions:?}");
    assert_eq!(revisions[1].1, "uninstalled");
    assert!(
        revisions[1]
            .2
            .starts_with("Install failed and was uninstalled (--rollback-on-failure): cannot wait for Deployment `default/worker`"),
        "{}",
        revisions[1].2
    );
    assert!(
        env.get(&["deployment", "worker", "-n", "default"])
            .is_none()
    );
}

#[test]
fn a_rollback_that_fails_goes_back_to_the_revision_that_was_deployed() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    // Revision 1 is broken but recorded deployed (no wait); revision 2 works.
    env.ok(&["install", "web", &chart, "--set", "broken=true"]);
    env.ok(&["upgrade", "web", &chart, "--wait"]);
    let output = env.run(&[
        "rollback",
        "web",
        "1",
        "--rollback-on-failure",
        "--timeout",
        "2m",
        "-o",
        "json",
    ]);
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    let error = stderr(&output);
    assert!(
        error.contains(
            "error: rollback of `web` to revision 1 failed and was rolled back (--rollback-on-failure): revision 3 failed; revision 4, a copy of revision 2, is deployed now"
        ),
        "{error}"
    );
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        (
            report["operation"].as_str(),
            report["restoring"].as_u64(),
            report["running"].as_u64()
        ),
        (Some("rollback"), Some(1), Some(4))
    );
    assert_eq!(worker(&env), ("worker:1".to_string(), false));
    let revisions = history(&env, "web", "default");
    assert_eq!(
        revisions
            .iter()
            .map(|(r, s, d)| (*r, s.as_str(), d.split(':').next().unwrap()))
            .collect::<Vec<_>>(),
        [
            (1, "superseded", "Install complete"),
            (2, "superseded", "Upgrade complete"),
            (3, "failed", "Rollback to 1 failed"),
            (4, "deployed", "Rollback to 2"),
        ]
    );
}

#[test]
fn when_the_rollback_fails_too_both_errors_are_said() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    env.ok(&["install", "web", &chart, "--wait"]);
    // Every apply of a Service is refused from the upgrade on: the upgrade fails, and so does
    // the rollback to revision 1.
    env.sandbox.faults().add(
        Fault::status(422)
            .verb("apply")
            .resource("services")
            .times(0),
    );
    let output = env.run(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "greeting=two",
        "--atomic",
    ]);
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    let error = stderr(&output);
    assert!(
        error.contains(
            "error: upgrade of `web` failed (revision 2), and rolling back to revision 1 failed too (--rollback-on-failure)\nupgrade: cannot apply Service `default/web`"
        ),
        "{error}"
    );
    assert!(
        error.contains("\nrollback: cannot apply Service `default/web`"),
        "{error}"
    );
    assert!(
        error.contains("hint: revision 1 is still recorded as the last good one: `charts rollback web 1 -n default`"),
        "{error}"
    );
    assert_eq!(
        history(&env, "web", "default")
            .iter()
            .map(|(r, s, _)| (*r, s.clone()))
            .collect::<Vec<_>>(),
        [
            (1, "deployed".to_string()),
            (2, "failed".to_string()),
            (3, "failed".to_string())
        ]
    );
    env.sandbox.faults().clear();
    env.ok(&["rollback", "web", "1"]);
    assert_eq!(
        env.configmap("default", "web-config").unwrap()["data"]["greeting"],
        "hello"
    );
}

/// Starts `charts ARGS` in the background.
fn spawn(env: &TestEnv, args: &[&str]) -> Child {
    env.command()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until `ready` holds (at most 60 s), then sends SIGINT to `child` and collects it.
fn interrupt_when(mut child: Child, what: &str, mut ready: impl FnMut() -> bool) -> Output {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "never saw {what}:\n{}\n{}",
                stdout(&output),
                stderr(&output)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
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
    let started = Instant::now();
    let output = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "stops promptly"
    );
    output
}

fn has_record(env: &TestEnv, revision: u64, status: &str) -> bool {
    env.records("default").contains(&(
        format!("charts.release.v1.web.v{revision}"),
        status.to_string(),
    ))
}

#[test]
fn an_interrupt_during_the_rollback_part_leaves_the_release_recoverable() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    env.ok(&["install", "web", &chart, "--wait"]);
    // The upgrade applies the two Deployments (requests 1 and 2); the rollback's applies hang.
    env.sandbox.faults().add(
        Fault::latency(Duration::from_secs(30))
            .verb("apply")
            .resource("deployments")
            .nth(3)
            .times(0),
    );
    let child = spawn(
        &env,
        &[
            "upgrade",
            "web",
            &chart,
            "--set",
            "broken=true",
            "--rollback-on-failure",
        ],
    );
    let output = interrupt_when(child, "the rollback's pending revision", || {
        has_record(&env, 3, "pending-rollback")
    });
    assert_eq!(code(&output), Some(1));
    let error = stderr(&output);
    assert!(
        error.contains(
            "interrupted by SIGINT: release `web` in namespace `default` was left part-way; revision 3 is marked failed"
        ),
        "{error}"
    );
    assert!(
        error.contains("hint: run `charts rollback web` again"),
        "the hint is the rollback's, not an upgrade's: {error}"
    );
    assert_eq!(
        env.records("default"),
        [
            (
                "charts.release.v1.web.v1".to_string(),
                "deployed".to_string()
            ),
            ("charts.release.v1.web.v2".to_string(), "failed".to_string()),
            ("charts.release.v1.web.v3".to_string(), "failed".to_string()),
        ]
    );
    assert!(env.get(&["lease", "charts.lock.web"]).is_none(), "unlocked");

    env.sandbox.faults().clear();
    let out = env.run(&["rollback", "web", "--wait"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("rolled back `web` to revision 1"));
    assert_eq!(worker(&env), ("worker:1".to_string(), false));
}

/// Regression: an interrupted uninstall marked its revision `failed` (so `install` could go over
/// a half-deleted release and `rollback` skipped the revision that was deployed), while a failed
/// uninstall put the status back. Both put it back now, and say why in the description.
#[test]
fn an_uninstall_that_fails_or_is_interrupted_puts_the_revision_back() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    env.ok(&["install", "web", &chart]);

    env.sandbox
        .faults()
        .add(Fault::status(422).verb("delete").resource("services"));
    let error = env.fails(&["uninstall", "web"]);
    assert!(
        error.contains("cannot delete Service `default/web`"),
        "{error}"
    );
    let status = env.status_json("web", "default");
    assert_eq!(status["status"], "deployed");
    assert!(
        status["description"]
            .as_str()
            .unwrap()
            .starts_with("Install complete (uninstall failed: cannot delete Service `default/web`"),
        "{status}"
    );

    // The failed uninstall deleted everything but the Service (deletion goes on past a
    // failure): deleting it again hangs.
    env.sandbox.faults().clear();
    env.sandbox.faults().add(
        Fault::latency(Duration::from_secs(30))
            .verb("delete")
            .resource("services")
            .times(0),
    );
    let child = spawn(&env, &["uninstall", "web"]);
    let output = interrupt_when(child, "the uninstalling revision", || {
        has_record(&env, 1, "uninstalling")
    });
    assert_eq!(code(&output), Some(1));
    let error = stderr(&output);
    assert!(
        error.contains("was left part-way; revision 1 is back to `deployed`"),
        "{error}"
    );
    assert!(
        error.contains("hint: run `charts uninstall web` again"),
        "{error}"
    );
    let status = env.status_json("web", "default");
    assert_eq!(status["status"], "deployed");
    assert!(
        status["description"]
            .as_str()
            .unwrap()
            .ends_with("(interrupted by SIGINT)"),
        "{status}"
    );
    // A deployed release is not installed over; uninstall again finishes the work.
    env.fails(&["install", "web", &chart]);
    env.sandbox.faults().clear();
    env.ok(&["uninstall", "web"]);
    assert!(env.records("default").is_empty());
}

/// Regression: `rollback` took the latest revision with `.expect("history is never empty")`.
#[test]
fn a_rollback_of_a_release_without_history_is_an_error_not_a_panic() {
    let env = TestEnv::with_sandbox();
    for extra in [None, Some("--rollback-on-failure")] {
        let mut args = vec!["rollback", "nope"];
        args.extend(extra);
        let output = env.run(&args);
        assert_eq!(code(&output), Some(1), "{}", stderr(&output));
        let error = stderr(&output);
        assert!(
            error.starts_with("error: release `nope` not found in namespace `default`"),
            "{error}"
        );
        assert!(!error.contains("panicked"), "{error}");
    }
}

/// Regression: a 403 from admission (here a quota) was reported as if the cluster had refused
/// our credentials, without naming the object as the API server's rejection of it.
#[test]
fn an_admission_403_names_the_object_it_refused() {
    let env = TestEnv::with_sandbox();
    let quota = env.write(
        "quota.yaml",
        "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: no-services\n  namespace: default\nspec:\n  hard:\n    services: \"0\"\n",
    );
    let applied = env.kubectl(&["apply", "-f", quota.to_str().unwrap()]);
    assert!(applied.status.success(), "{}", stderr(&applied));
    let chart = chart(&env);
    let error = env.fails(&["install", "web", &chart]);
    assert!(
        error.contains(
            "error: cannot apply Service `default/web`: the API server rejected it (403 Forbidden): services \"web\" is forbidden: exceeded quota: no-services"
        ),
        "{error}"
    );
    assert!(!error.contains("failed on `http"), "{error}");
}
