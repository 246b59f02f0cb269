//! `kubectl logs`, `kubectl get events --field-selector` and `kubectl describe pod` against Pods
//! and Jobs that the sandbox runs and fails as their annotations say.

use charts_sandbox::Sandbox;

use super::kubectl::Kubectl;

const MANIFESTS: &str = r#"
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: default}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        sandbox.charts.dev/exit-code: "2"
        sandbox.charts.dev/log: |
          migrating
          ERROR: disk full
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "migrate:1.0"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {sandbox.charts.dev/log: "listening on :8080"}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: pair
  namespace: default
  annotations: {sandbox.charts.dev/log: "one\ntwo\nthree"}
spec:
  containers: [{name: a, image: "app:1"}, {name: b, image: "app:1"}]
---
apiVersion: v1
kind: Pod
metadata: {name: huge, namespace: default}
spec:
  containers: [{name: app, image: "app:1", resources: {requests: {memory: 64Gi}}}]
"#;

#[test]
fn kubectl_logs_events_and_describe_show_what_ran_and_why_it_failed() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let kubectl = Kubectl::new(&sandbox);
    kubectl.ok_with_input(&["apply", "-f", "-"], MANIFESTS);
    kubectl.ok(&[
        "wait",
        "--for=condition=Failed",
        "job/migrate",
        "--timeout=10s",
    ]);
    kubectl.ok(&[
        "wait",
        "--for=condition=Available",
        "deploy/web",
        "--timeout=10s",
    ]);
    kubectl.ok(&["wait", "--for=condition=Ready", "pod/pair", "--timeout=10s"]);

    assert_eq!(
        kubectl.ok(&["logs", "job/migrate"]),
        "migrating\nERROR: disk full\n"
    );
    assert_eq!(
        kubectl.ok(&["logs", "job/migrate", "--tail=1"]),
        "ERROR: disk full\n"
    );
    assert_eq!(kubectl.ok(&["logs", "deploy/web"]), "listening on :8080\n");
    assert_eq!(
        kubectl.ok(&["logs", "pod/pair", "-c", "b", "--tail=2"]),
        "two\nthree\n"
    );
    let stamped = kubectl.ok(&["logs", "pod/pair", "-c", "a", "--timestamps"]);
    assert!(
        stamped
            .lines()
            .all(|l| l.split_once(' ').is_some_and(|(t, _)| t.ends_with("Z"))),
        "{stamped}"
    );
    let unknown = kubectl.fails(&["logs", "pod/pair", "-c", "nope"], "");
    assert!(
        unknown.contains("container nope is not valid for pod pair"),
        "{unknown}"
    );
    let unnamed = kubectl.fails(
        &["get", "--raw", "/api/v1/namespaces/default/pods/pair/log"],
        "",
    );
    assert!(
        unnamed.contains("a container name must be specified for pod pair, choose one of: [a b]"),
        "{unnamed}"
    );

    // Events, selected on the server by field.
    let events = kubectl.json(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.kind=Job,involvedObject.name=migrate,type=Warning",
    ]);
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{events}");
    assert_eq!(items[0]["reason"], "BackoffLimitExceeded");
    let table = kubectl.ok(&[
        "get",
        "events",
        "--field-selector",
        "reason=FailedScheduling",
    ]);
    let header = table.lines().next().unwrap();
    assert!(
        header.split_whitespace().collect::<Vec<_>>()
            == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        "{table}"
    );
    assert!(
        table.contains("Warning   FailedScheduling   pod/huge   0/1 nodes are available: 1 Insufficient memory."),
        "{table}"
    );

    // describe pod: the container's last state and the events, as kubectl shows them.
    let pod = kubectl.ok(&["get", "pods", "-l", "job-name=migrate", "-o", "name"]);
    let described = kubectl.ok(&["describe", pod.trim()]);
    for expected in [
        "Status:           Failed",
        "Reason:       Error",
        "Exit Code:    2",
        "Normal  Scheduled",
        "Successfully assigned default/",
        "Started container migrate",
    ] {
        assert!(described.contains(expected), "{expected} in\n{described}");
    }
    let huge = kubectl.ok(&["describe", "pod", "huge"]);
    for expected in [
        "Status:           Pending",
        "PodScheduled   False",
        "Warning  FailedScheduling",
        "0/1 nodes are available: 1 Insufficient memory.",
    ] {
        assert!(huge.contains(expected), "{expected} in\n{huge}");
    }
    let statuses = kubectl.ok(&["get", "pods", "-l", "job-name=migrate"]);
    assert!(statuses.contains(" Error "), "{statuses}");
}
