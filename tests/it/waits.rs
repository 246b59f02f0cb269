//! `--wait` through the CLI against the sandbox (which runs no containers: its controllers write
//! the statuses, and the `sandbox.charts.dev/fail` annotation makes Pods fail): waits that end
//! as soon as failure is certain, say why from the object, its Pods and their Events, follow
//! custom resources by the kstatus rules, end by their deadline whatever the API server does,
//! and show their progress as timestamped lines in a pipeline.

use std::time::{Duration, Instant};

use charts_sandbox::{Fault, Options};

use crate::common::{TestChart, TestEnv, stderr};

/// A Deployment `name` with `replicas`, its Pods annotated with `fail` (if any).
fn deployment(name: &str, replicas: u32, fail: Option<&str>, extra_spec: &str) -> String {
    let annotations = fail
        .map(|fail| format!("      annotations:\n        sandbox.charts.dev/fail: {fail}\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n{extra_spec}  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n{annotations}    spec:\n      containers:\n      - name: {name}\n        image: registry.example/{name}:1.0\n"
    )
}

/// Runs `charts ARGS` with plain progress; returns (stderr, seconds taken, success).
fn timed(env: &TestEnv, args: &[&str]) -> (String, Duration, bool) {
    let started = Instant::now();
    let output = env
        .command()
        .env("CHARTS_PROGRESS", "plain")
        .args(args)
        .output()
        .unwrap();
    (stderr(&output), started.elapsed(), output.status.success())
}

#[test]
fn a_deployment_that_cannot_pull_its_image_fails_at_its_progress_deadline_naming_the_image() {
    let env = TestEnv::with_sandbox();
    let chart = TestChart::new(&env, "app").template(
        "worker.yaml",
        &deployment(
            "worker",
            2,
            Some("image-pull"),
            "  progressDeadlineSeconds: 2\n",
        ),
    );
    let (error, took, success) = timed(
        &env,
        &["install", "app", &chart.arg(), "--wait", "--timeout", "5m"],
    );
    assert!(!success, "{error}");
    assert!(
        took < Duration::from_secs(30),
        "ends at the progress deadline, not the 5m timeout: {took:?}"
    );
    assert!(
        error.contains(
            "cannot wait for Deployment `default/worker`: it failed: ProgressDeadlineExceeded"
        ),
        "{error}"
    );
    assert!(
        error.contains(
            "container `worker`: ImagePullBackOff: cannot pull image `registry.example/worker:1.0`"
        ),
        "names the reason and the image: {error}"
    );
}

#[test]
fn a_crash_loop_names_the_exit_code_and_the_restarts_when_the_wait_times_out() {
    let env = TestEnv::with_sandbox();
    let chart =
        TestChart::new(&env, "app").template("api.yaml", &deployment("api", 1, Some("crash"), ""));
    let (error, took, success) = timed(
        &env,
        &["install", "app", &chart.arg(), "--wait", "--timeout", "4s"],
    );
    assert!(!success, "{error}");
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert!(
        error.contains("cannot wait for Deployment `default/api`: it was not ready after 4s"),
        "{error}"
    );
    let crash = "container `api`: CrashLoopBackOff: last exit code 1 (Error), restarted ";
    let restarts: u32 = error
        .split_once(crash)
        .and_then(|(_, rest)| rest.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("names the exit code and the restarts: {error}"));
    assert!(restarts >= 1, "{error}");
    // While it waited, the progress line said what its Pod says.
    assert!(
        error.lines().any(|line| line
            .contains("Deployment `default/api` waiting: 0 of 1 replicas available; Pod `api-")
            && line.contains("CrashLoopBackOff")),
        "{error}"
    );
}

#[test]
fn a_failed_job_ends_the_wait_at_once_naming_the_failing_pod() {
    let env = TestEnv::with_sandbox();
    let chart = TestChart::new(&env, "app").template(
        "migrate.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  backoffLimit: 0\n  template:\n    metadata:\n      annotations:\n        sandbox.charts.dev/fail: crash\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: migrate\n        image: migrate:1\n",
    );
    let (error, took, success) = timed(
        &env,
        &["install", "app", &chart.arg(), "--wait", "--timeout", "5m"],
    );
    assert!(!success, "{error}");
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert!(
        error.contains("cannot wait for Job `default/migrate`: it failed: BackoffLimitExceeded: Job has reached the specified backoff limit"),
        "{error}"
    );
    assert!(
        error.contains("container `migrate` exited with code 1 (Error)"),
        "names the failing Pod's exit code: {error}"
    );
}

#[test]
fn a_deployment_whose_pods_a_quota_refuses_names_the_quota() {
    let env = TestEnv::with_sandbox();
    let quota = env.write(
        "quota.yaml",
        "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: no-pods\n  namespace: default\nspec:\n  hard:\n    pods: \"0\"\n",
    );
    let output = env.kubectl(&["apply", "-f", quota.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let chart = TestChart::new(&env, "app").template("web.yaml", &deployment("web", 1, None, ""));
    let (error, _, success) = timed(
        &env,
        &["install", "app", &chart.arg(), "--wait", "--timeout", "3s"],
    );
    assert!(!success, "{error}");
    assert!(
        error.contains("cannot wait for Deployment `default/web`: it was not ready after 3s"),
        "{error}"
    );
    assert!(error.contains("ReplicaFailure"), "{error}");
    assert!(
        error.contains("exceeded quota: no-pods, requested: pods=1, used: pods=0, limited: pods=0"),
        "names the quota's message: {error}"
    );
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: databases.example.com\nspec:\n  group: example.com\n  names: {kind: Database, plural: databases, singular: database}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}\n";

fn database_chart(env: &TestEnv) -> TestChart {
    TestChart::new(env, "db").file("crds/databases.yaml", CRD).template(
        "database.yaml",
        "apiVersion: example.com/v1\nkind: Database\nmetadata:\n  name: orders\nspec:\n  size: 1Gi\nstatus:\n  conditions:\n  - type: Ready\n    status: \"False\"\n    reason: Provisioning\n    message: waiting for a volume\n",
    )
}

#[test]
fn a_custom_resource_with_ready_false_is_waited_for_and_its_message_shown() {
    let env = TestEnv::with_sandbox();
    let chart = database_chart(&env);
    let (error, _, success) = timed(
        &env,
        &["install", "db", &chart.arg(), "--wait", "--timeout", "2s"],
    );
    assert!(!success, "{error}");
    assert!(
        error.contains("cannot wait for Database `default/orders`: it was not ready after 2s: Ready=False: Provisioning: waiting for a volume"),
        "{error}"
    );
    assert!(
        error.contains(
            "Database `default/orders` waiting: Ready=False: Provisioning: waiting for a volume"
        ),
        "the progress line says what it waits for: {error}"
    );

    // Once its controller says Ready, the wait ends with success.
    env.ok(&["uninstall", "db"]);
    let child = env
        .command()
        .env("CHARTS_PROGRESS", "plain")
        .args(["install", "db", &chart.arg(), "--wait", "--timeout", "60s"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let patched = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        env.kubectl(&[
            "patch",
            "database",
            "orders",
            "--type",
            "merge",
            "-p",
            r#"{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Provisioned"}]}}"#,
        ])
        .status
        .success()
    });
    assert!(patched, "the Database was created");
    let output = child.wait_with_output().unwrap();
    let error = stderr(&output);
    assert!(output.status.success(), "{error}");
    assert!(error.contains("Database `default/orders` ready"), "{error}");
}

#[test]
fn plain_progress_is_one_timestamped_line_per_change_and_nothing_repeated() {
    let env = TestEnv::builder()
        .sandbox(Options::default().controller_delay(Duration::from_millis(300)))
        .context_namespace("default")
        .build();
    let chart = TestChart::new(&env, "app")
        .template("a.yaml", &deployment("a", 2, None, ""))
        .template("b.yaml", &deployment("b", 1, None, ""))
        .template(
            "config.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config\ndata:\n  a: b\n",
        );
    let (error, _, success) = timed(
        &env,
        &["install", "app", &chart.arg(), "--wait", "--timeout", "60s"],
    );
    assert!(success, "{error}");
    let lines: Vec<&str> = error
        .lines()
        .filter_map(|line| line.strip_prefix("2026-01-02T00:00:00Z "))
        .collect();
    assert!(
        lines.contains(&"waiting for 3 objects to be ready"),
        "{error}"
    );
    assert_eq!(lines.last(), Some(&"3 objects ready"), "{error}");
    assert!(
        !lines.iter().any(|line| line.starts_with("ConfigMap")),
        "an object ready when first seen has no line: {error}"
    );
    for name in ["a", "b"] {
        let waiting = format!("Deployment `default/{name}` waiting: ");
        assert!(
            lines.iter().any(|line| line.starts_with(&waiting)),
            "{error}"
        );
        let ready = format!("Deployment `default/{name}` ready");
        assert_eq!(
            lines.iter().filter(|line| **line == ready).count(),
            1,
            "{error}"
        );
    }
    for (index, line) in lines.iter().enumerate() {
        assert!(
            !lines[index + 1..].contains(line),
            "`{line}` is repeated: {error}"
        );
    }

    // `-o json` keeps stdout to the final result.
    env.ok(&["uninstall", "app"]);
    let output = env
        .command()
        .env("CHARTS_PROGRESS", "plain")
        .args(["install", "app", &chart.arg(), "--wait", "-o", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["status"], "deployed");
}

#[test]
fn a_wait_ends_by_its_deadline_while_the_api_server_answers_503() {
    let env = TestEnv::with_sandbox();
    let chart = TestChart::new(&env, "app").template("web.yaml", &deployment("web", 1, None, ""));
    // From the wait's own list on (the first list is the ownership check before the apply),
    // every list, watch and get of Deployments answers 503 with `Retry-After: 1`.
    let faults = env.sandbox.faults();
    faults.add(
        Fault::status(503)
            .verb("list")
            .resource("deployments")
            .nth(2)
            .times(0),
    );
    faults.add(
        Fault::status(503)
            .verb("watch")
            .resource("deployments")
            .times(0),
    );
    faults.add(
        Fault::status(503)
            .verb("get")
            .resource("deployments")
            .times(0),
    );
    let (error, took, success) = timed(
        &env,
        &["install", "app", &chart.arg(), "--wait", "--timeout", "3s"],
    );
    assert!(!success, "{error}");
    assert!(
        took < Duration::from_secs(12),
        "the wait ends by its deadline: {took:?}\n{error}"
    );
    assert!(
        error.contains("cannot wait for Deployment `default/web`"),
        "{error}"
    );
}

#[test]
fn the_requests_of_a_wait_do_not_grow_with_the_number_of_objects() {
    let requests = |count: usize| {
        let env = TestEnv::with_sandbox();
        let mut chart = TestChart::new(&env, "app");
        for index in 0..count {
            chart = chart.template(
                &format!("d{index}.yaml"),
                &deployment(&format!("d{index}"), 1, None, ""),
            );
        }
        env.ok(&["install", "app", &chart.arg(), "--wait", "--timeout", "60s"]);
        let counts = env.sandbox.counters();
        (
            counts.get("list", "deployments") + counts.get("watch", "deployments"),
            counts.get("get", "deployments"),
        )
    };
    let (few_reads, few_gets) = requests(2);
    let (many_reads, many_gets) = requests(25);
    assert!(many_reads <= 4, "list+watch of Deployments: {many_reads}");
    assert!(few_reads <= 4, "list+watch of Deployments: {few_reads}");
    assert_eq!(few_gets, many_gets, "no GET per object");
}

#[test]
fn an_unschedulable_pod_names_the_schedulers_message() {
    let env = TestEnv::with_sandbox();
    let chart = TestChart::new(&env, "app")
        .template("big.yaml", &deployment("big", 1, Some("unschedulable"), ""));
    let (error, _, success) = timed(
        &env,
        &["install", "app", &chart.arg(), "--wait", "--timeout", "3s"],
    );
    assert!(!success, "{error}");
    assert!(
        error.contains("cannot wait for Deployment `default/big`: it was not ready after 3s"),
        "{error}"
    );
    assert!(
        error.contains("Unschedulable: 0/1 nodes are available"),
        "names the scheduler's message: {error}"
    );
}

#[test]
fn a_job_past_its_backoff_limit_names_the_exit_code_of_its_pods() {
    let env = TestEnv::with_sandbox();
    let chart = TestChart::new(&env, "app").template(
        "migrate.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  backoffLimit: 1\n  template:\n    metadata:\n      annotations:\n        sandbox.charts.dev/exit-code: \"3\"\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: migrate\n        image: migrate:1\n",
    );
    let (error, took, success) = timed(
        &env,
        &["install", "app", &chart.arg(), "--wait", "--timeout", "5m"],
    );
    assert!(!success, "{error}");
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert!(
        error.contains("cannot wait for Job `default/migrate`: it failed: BackoffLimitExceeded"),
        "{error}"
    );
    assert!(
        error.contains("container `migrate` exited with code 3 (Error)"),
        "{error}"
    );
}
