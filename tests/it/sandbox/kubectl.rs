//! The sandbox driven by the real `kubectl`, as a user would. Each test has its own HOME (so
//! kubectl's discovery cache does not leak between tests) and its own kubeconfig.
//! kubectl is required: without it these tests fail, they do not skip.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use charts_sandbox::{DiscoveryMode, Options, Sandbox};
use serde_json::Value;

fn kubectl_binary() -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("kubectl"))
        .find(|candidate| candidate.is_file());
    found.unwrap_or_else(|| {
        panic!("kubectl is required by the sandbox kubectl tests but is not on PATH; install it as tests/sandbox/README.md describes")
    })
}

/// kubectl pointed at one sandbox, with a private HOME.
pub(super) struct Kubectl {
    home: tempfile::TempDir,
    kubeconfig: PathBuf,
    binary: PathBuf,
}

impl Kubectl {
    pub(super) fn new(sandbox: &Sandbox) -> Kubectl {
        let home = tempfile::tempdir().unwrap();
        let kubeconfig = home.path().join("kubeconfig");
        sandbox.write_kubeconfig(&kubeconfig, None).unwrap();
        Kubectl {
            home,
            kubeconfig,
            binary: kubectl_binary(),
        }
    }

    fn with_kubeconfig(kubeconfig: &Path) -> Kubectl {
        let home = tempfile::tempdir().unwrap();
        Kubectl {
            home,
            kubeconfig: kubeconfig.to_path_buf(),
            binary: kubectl_binary(),
        }
    }

    fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = Command::new(&self.binary)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .env("HOME", self.home.path())
            .env_remove("KUBECONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubectl starts");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs kubectl and returns stdout; panics with stderr if it fails.
    pub(super) fn ok(&self, args: &[&str]) -> String {
        self.ok_with_input(args, "")
    }

    pub(super) fn ok_with_input(&self, args: &[&str], input: &str) -> String {
        let output = self.run_with_input(args, input);
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(
            output.status.success(),
            "kubectl {args:?} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        stdout
    }

    /// Runs kubectl expecting failure; returns stderr.
    pub(super) fn fails(&self, args: &[&str], input: &str) -> String {
        let output = self.run_with_input(args, input);
        assert!(
            !output.status.success(),
            "kubectl {args:?} should fail: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        String::from_utf8_lossy(&output.stderr).to_string()
    }

    pub(super) fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.extend(["-o", "json"]);
        serde_json::from_str(&self.ok(&args)).unwrap()
    }
}

const MANIFESTS: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: front}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  labels: {app: web, tier: back}
data: {mode: fast}
---
apiVersion: v1
kind: Secret
metadata:
  name: token
  namespace: shop
  labels: {app: web, tier: secret}
stringData: {token: s3cr3t}
"#;

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// A sandbox with or without aggregated discovery.
fn sandbox_in(mode: DiscoveryMode) -> Sandbox {
    Sandbox::start_blocking_with(Options::default().discovery(mode)).unwrap()
}

#[test]
fn kubectl_api_resources_shows_kinds_short_names_and_scopes() {
    api_resources_show_kinds_short_names_and_scopes(DiscoveryMode::Aggregated);
}

#[test]
fn kubectl_api_resources_works_without_aggregated_discovery() {
    api_resources_show_kinds_short_names_and_scopes(DiscoveryMode::Legacy);
}

fn api_resources_show_kinds_short_names_and_scopes(mode: DiscoveryMode) {
    let sandbox = sandbox_in(mode);
    let kubectl = Kubectl::new(&sandbox);
    let output = kubectl.ok(&["api-resources"]);
    let rows: Vec<Vec<&str>> = output.lines().map(words).collect();
    for expected in [
        vec!["deployments", "deploy", "apps/v1", "true", "Deployment"],
        vec!["namespaces", "ns", "v1", "false", "Namespace"],
        vec![
            "horizontalpodautoscalers",
            "hpa",
            "autoscaling/v2",
            "true",
            "HorizontalPodAutoscaler",
        ],
        vec![
            "customresourcedefinitions",
            "crd,crds",
            "apiextensions.k8s.io/v1",
            "false",
            "CustomResourceDefinition",
        ],
        vec!["leases", "coordination.k8s.io/v1", "true", "Lease"],
    ] {
        assert!(
            rows.contains(&expected),
            "missing {expected:?} in\n{output}"
        );
    }
}

#[test]
fn kubectl_applies_gets_patches_and_deletes() {
    applies_gets_patches_and_deletes(DiscoveryMode::Aggregated);
}

#[test]
fn kubectl_applies_without_aggregated_discovery() {
    applies_gets_patches_and_deletes(DiscoveryMode::Legacy);
}

fn applies_gets_patches_and_deletes(mode: DiscoveryMode) {
    let sandbox = sandbox_in(mode);
    let kubectl = Kubectl::new(&sandbox);
    assert_eq!(
        kubectl.ok(&["create", "namespace", "shop"]).trim(),
        "namespace/shop created"
    );
    let applied = kubectl.ok_with_input(&["apply", "-f", "-"], MANIFESTS);
    assert_eq!(
        applied.lines().collect::<Vec<_>>(),
        [
            "deployment.apps/web created",
            "service/web created",
            "configmap/settings created",
            "secret/token created"
        ]
    );
    // kubectl always sends `stringData` again (the live Secret has only `data`), so it says
    // "configured" for the Secret, as against a real cluster; the stored object does not change.
    let version = |kubectl: &Kubectl| {
        kubectl.json(&["-n", "shop", "get", "secret", "token"])["metadata"]["resourceVersion"]
            .clone()
    };
    let before = version(&kubectl);
    let again = kubectl.ok_with_input(&["apply", "-f", "-"], MANIFESTS);
    assert_eq!(
        again.lines().collect::<Vec<_>>(),
        [
            "deployment.apps/web unchanged",
            "service/web unchanged",
            "configmap/settings unchanged",
            "secret/token configured"
        ]
    );
    assert_eq!(version(&kubectl), before);

    let selected = kubectl.ok(&[
        "-n",
        "shop",
        "get",
        "deploy,svc,cm,secret",
        "-l",
        "tier in (front,back),app",
        "-o",
        "name",
    ]);
    assert_eq!(
        selected.lines().collect::<Vec<_>>(),
        ["deployment.apps/web", "service/web", "configmap/settings"]
    );
    let not_front = kubectl.ok(&[
        "-n",
        "shop",
        "get",
        "cm,secret",
        "-l",
        "tier notin (front),tier!=back",
        "-o",
        "name",
    ]);
    // The namespace's kube-root-ca.crt has no `tier` label either.
    assert_eq!(
        not_front.lines().collect::<Vec<_>>(),
        ["configmap/kube-root-ca.crt", "secret/token"]
    );

    let secret = kubectl.json(&["-n", "shop", "get", "secret", "token"]);
    assert_eq!(
        secret["data"]["token"], "czNjcjN0",
        "stringData folded into data"
    );
    let listed = kubectl.json(&["-n", "shop", "get", "configmaps"]);
    assert_eq!(listed["kind"], "List");
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["metadata"]["name"] == "settings")
    );

    kubectl.ok(&[
        "-n",
        "shop",
        "patch",
        "deployment",
        "web",
        "-p",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}"#,
    ]);
    kubectl.ok(&[
        "-n",
        "shop",
        "patch",
        "configmap",
        "settings",
        "--type",
        "merge",
        "-p",
        r#"{"data":{"extra":"1"}}"#,
    ]);
    kubectl.ok(&[
        "-n",
        "shop",
        "patch",
        "service",
        "web",
        "--type",
        "json",
        "-p",
        r#"[{"op":"add","path":"/metadata/labels/patched","value":"yes"}]"#,
    ]);
    let deployment = kubectl.json(&["-n", "shop", "get", "deployment", "web"]);
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "nginx:1.28");
    assert_eq!(
        container["ports"][0]["containerPort"], 80,
        "strategic merge kept the ports"
    );
    assert_eq!(deployment["metadata"]["generation"], 2);
    assert_eq!(
        kubectl.json(&["-n", "shop", "get", "cm", "settings"])["data"]["extra"],
        "1"
    );
    assert_eq!(
        kubectl.json(&["-n", "shop", "get", "svc", "web"])["metadata"]["labels"]["patched"],
        "yes"
    );

    let deleted = kubectl.ok(&["-n", "shop", "delete", "configmap", "settings"]);
    assert_eq!(deleted.trim(), "configmap \"settings\" deleted");
    let missing = kubectl.fails(&["-n", "shop", "get", "configmap", "settings"], "");
    assert!(
        missing.contains("Error from server (NotFound): configmaps \"settings\" not found"),
        "{missing}"
    );
    let invalid = kubectl.fails(&["-n", "shop", "create", "configmap", "Bad_Name"], "");
    assert!(invalid.contains("is invalid"), "{invalid}");
}

#[test]
fn kubectl_server_side_apply_reports_conflicts_and_forces() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let kubectl = Kubectl::new(&sandbox);
    kubectl.ok(&["create", "namespace", "shop"]);
    let applied = kubectl.ok_with_input(&["apply", "--server-side", "-f", "-"], MANIFESTS);
    assert_eq!(
        applied
            .lines()
            .filter(|l| l.ends_with(" serverside-applied"))
            .count(),
        4,
        "{applied}"
    );
    // `get --raw` shows managedFields on every kubectl version (`--show-managed-fields` is 1.21+).
    let raw = kubectl.ok(&[
        "get",
        "--raw",
        "/apis/apps/v1/namespaces/shop/deployments/web",
    ]);
    let deployment: Value = serde_json::from_str(&raw).unwrap();
    let managers: Vec<&str> = deployment["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["manager"].as_str().unwrap())
        .collect();
    assert_eq!(managers, ["kubectl"]);

    let scaled = MANIFESTS.replacen("replicas: 2", "replicas: 5", 1);
    let conflict = kubectl.fails(
        &[
            "apply",
            "--server-side",
            "--field-manager",
            "scaler",
            "-f",
            "-",
        ],
        &scaled,
    );
    assert!(
        conflict
            .contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas"),
        "{conflict}"
    );
    kubectl.ok_with_input(
        &[
            "apply",
            "--server-side",
            "--field-manager",
            "scaler",
            "--force-conflicts",
            "-f",
            "-",
        ],
        &scaled,
    );
    assert_eq!(
        kubectl.json(&["-n", "shop", "get", "deployment", "web"])["spec"]["replicas"],
        5
    );
}

#[test]
fn kubectl_waits_for_available_and_rollout_status() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let kubectl = Kubectl::new(&sandbox);
    kubectl.ok(&["create", "namespace", "shop"]);
    kubectl.ok_with_input(&["apply", "-f", "-"], MANIFESTS);
    let waited = kubectl.ok(&[
        "-n",
        "shop",
        "wait",
        "--for=condition=Available",
        "deployment/web",
        "--timeout=30s",
    ]);
    assert_eq!(waited.trim(), "deployment.apps/web condition met");
    let rollout = kubectl.ok(&[
        "-n",
        "shop",
        "rollout",
        "status",
        "deployment/web",
        "--timeout=30s",
    ]);
    assert!(
        rollout.contains("deployment \"web\" successfully rolled out"),
        "{rollout}"
    );
    // `kubectl get` uses server-side printing (a Table).
    let table = kubectl.ok(&["-n", "shop", "get", "deployment", "web"]);
    let rows: Vec<Vec<&str>> = table.lines().map(words).collect();
    assert_eq!(rows[0], ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    assert_eq!(rows[1][..4], ["web", "2/2", "2", "2"]);
    // `kubectl scale` goes through the scale subresource.
    let scaled = kubectl.ok(&["-n", "shop", "scale", "deployment", "web", "--replicas=4"]);
    assert_eq!(scaled.trim(), "deployment.apps/web scaled");
    kubectl.ok(&[
        "-n",
        "shop",
        "rollout",
        "status",
        "deployment/web",
        "--timeout=30s",
    ]);
    let ready = kubectl.ok(&[
        "-n",
        "shop",
        "get",
        "deployment",
        "web",
        "-o",
        "jsonpath={.status.readyReplicas}",
    ]);
    assert_eq!(ready, "4");

    let failing = MANIFESTS
        .replacen(
            "labels: {app: web, tier: front}",
            "labels: {app: web, tier: front}\n  annotations: {sandbox.charts.dev/fail: image-pull}",
            1,
        )
        .replacen(
            "replicas: 2",
            "replicas: 1\n  progressDeadlineSeconds: 1",
            1,
        )
        .replace(
            "name: web\n  namespace: shop",
            "name: broken\n  namespace: shop",
        );
    kubectl.ok_with_input(&["apply", "-f", "-"], &failing);
    let stuck = kubectl.fails(
        &[
            "-n",
            "shop",
            "rollout",
            "status",
            "deployment/broken",
            "--timeout=30s",
        ],
        "",
    );
    assert!(stuck.contains("exceeded its progress deadline"), "{stuck}");
    let pods = kubectl.json(&["-n", "shop", "get", "pods", "-l", "app=web"]);
    let waiting: Vec<(&str, &str)> = pods["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            let reason =
                p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"].as_str()?;
            Some((p["metadata"]["name"].as_str().unwrap(), reason))
        })
        .collect();
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0].1, "ImagePullBackOff");
    // No container runs: logs are empty, or say why the container never started.
    let refused = kubectl.fails(&["-n", "shop", "logs", waiting[0].0], "");
    assert!(
        refused.contains("is waiting to start: trying and failing to pull image"),
        "{refused}"
    );
    assert_eq!(kubectl.ok(&["-n", "shop", "logs", "deployment/web"]), "");
}

#[test]
fn kubectl_creates_secrets_and_custom_resources_and_deletes_a_namespace() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let kubectl = Kubectl::new(&sandbox);
    kubectl.ok(&["create", "namespace", "team"]);
    let created = kubectl.ok(&[
        "-n",
        "team",
        "create",
        "secret",
        "generic",
        "db",
        "--from-literal=password=hunter2",
        "--from-literal=user=admin",
    ]);
    assert_eq!(created.trim(), "secret/db created");
    let secret = kubectl.json(&["-n", "team", "get", "secret", "db"]);
    assert_eq!(secret["data"]["password"], "aHVudGVyMg==");
    assert_eq!(secret["type"], "Opaque");
    // Like `create secret`, these send protobuf bodies.
    kubectl.ok(&[
        "-n",
        "team",
        "create",
        "configmap",
        "settings",
        "--from-literal=mode=fast",
    ]);
    assert_eq!(
        kubectl.json(&["-n", "team", "get", "configmap", "settings"])["data"]["mode"],
        "fast"
    );
    kubectl.ok(&[
        "-n",
        "team",
        "create",
        "deployment",
        "api",
        "--image=nginx:1.27",
        "--port=80",
        "--replicas=2",
    ]);
    kubectl.ok(&[
        "-n",
        "team",
        "rollout",
        "status",
        "deployment/api",
        "--timeout=30s",
    ]);
    let deployment = kubectl.json(&["-n", "team", "get", "deployment", "api"]);
    assert_eq!(deployment["spec"]["replicas"], 2);
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
        80
    );
    assert!(
        deployment["metadata"].get("generateName").is_none(),
        "protobuf zero values are dropped"
    );
    kubectl.ok(&["-n", "team", "create", "serviceaccount", "robot"]);
    kubectl.ok(&["-n", "team", "get", "serviceaccount", "robot"]);

    let crd = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
"#;
    kubectl.ok_with_input(&["apply", "-f", "-"], crd);
    kubectl.ok(&[
        "wait",
        "--for=condition=Established",
        "crd/widgets.example.com",
        "--timeout=10s",
    ]);
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: team}\nspec: {size: 3}\n";
    assert_eq!(
        kubectl.ok_with_input(&["apply", "-f", "-"], widget).trim(),
        "widget.example.com/w1 created"
    );
    assert_eq!(
        kubectl.json(&["-n", "team", "get", "wd", "w1"])["spec"]["size"],
        3
    );

    assert_eq!(
        kubectl.ok(&["delete", "namespace", "team"]).trim(),
        "namespace \"team\" deleted"
    );
    let gone = kubectl.fails(&["get", "namespace", "team"], "");
    let protected = kubectl.fails(&["delete", "namespace", "default"], "");
    assert!(
        protected.contains("Error from server (Forbidden)"),
        "{protected}"
    );
    assert!(gone.contains("namespaces \"team\" not found"), "{gone}");
    let widgets = kubectl.ok(&["get", "widgets", "-A", "-o", "name"]);
    assert_eq!(widgets.trim(), "");
}

/// The `charts-sandbox serve` binary: writes a kubeconfig, prints the URL, stops on SIGTERM.
#[test]
fn the_binary_serves_kubectl_until_sigterm() {
    let cargo = env!("CARGO");
    let manifest = env!("CARGO_MANIFEST_DIR");
    let build = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "charts-sandbox",
            "--bin",
            "charts-sandbox",
        ])
        .current_dir(manifest)
        .status()
        .expect("cargo runs");
    assert!(build.success(), "building charts-sandbox failed");
    let target = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let binary = target.join("charts-sandbox");
    let directory = tempfile::tempdir().unwrap();
    let kubeconfig = directory.path().join("kubeconfig");
    let mut server = Command::new(&binary)
        .args([
            "serve",
            "--port",
            "0",
            "--discovery",
            "legacy",
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("charts-sandbox starts");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(
        line.starts_with("http://127.0.0.1:"),
        "printed address: {line:?}"
    );
    let config = std::fs::read_to_string(&kubeconfig).unwrap();
    assert!(
        config.contains(&format!("server: {}", line.trim())),
        "{config}"
    );

    let kubectl = Kubectl::with_kubeconfig(&kubeconfig);
    let namespaces = kubectl.ok(&["get", "namespaces", "-o", "name"]);
    assert_eq!(
        namespaces.lines().collect::<Vec<_>>(),
        [
            "namespace/default",
            "namespace/kube-node-lease",
            "namespace/kube-public",
            "namespace/kube-system"
        ]
    );
    // `--discovery legacy`: the plain document, whatever the client asks for.
    let mut stream =
        std::net::TcpStream::connect(line.trim().trim_start_matches("http://")).unwrap();
    write!(
        stream,
        "GET /api HTTP/1.1\r\nHost: sandbox\r\nAccept: {}\r\nConnection: close\r\n\r\n",
        kube::core::discovery::v2::ACCEPT_AGGREGATED_DISCOVERY_V2
    )
    .unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
    assert!(answer.contains(r#""kind":"APIVersions""#), "{answer}");
    kubectl.ok(&["api-resources"]);
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.wait().unwrap().success(), "exits cleanly on SIGTERM");
}

/// `kubectl get --chunk-size` pages with `limit`/`continue`, a label selector on every page, as
/// `charts list` does over many records.
#[test]
fn kubectl_lists_secrets_page_by_page_with_a_selector() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let kubectl = Kubectl::new(&sandbox);
    for index in 0..25 {
        let name = format!("record-{index:02}");
        kubectl.ok(&["create", "secret", "generic", &name, "--from-literal=k=v"]);
        kubectl.ok(&["label", "secret", &name, "owner=charts"]);
    }
    kubectl.ok(&["create", "secret", "generic", "other", "--from-literal=k=v"]);
    let output = kubectl.run_with_input(
        &[
            "get",
            "secrets",
            "-l",
            "owner=charts",
            "--chunk-size=10",
            "-o",
            "name",
            "-v=6",
        ],
        "",
    );
    assert!(output.status.success(), "{output:?}");
    let names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(names.len(), 25, "{names:?}");
    assert_eq!(names[0], "secret/record-00");
    assert_eq!(names[24], "secret/record-24");
    let log = String::from_utf8_lossy(&output.stderr);
    let pages: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("/secrets?") && l.contains("limit=10"))
        .collect();
    assert_eq!(pages.len(), 3, "{log}");
    assert_eq!(
        pages.iter().filter(|l| l.contains("continue=")).count(),
        2,
        "{log}"
    );
}
