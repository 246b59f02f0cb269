//! Test harness: one hermetic environment for the `charts` binary (`TestEnv`, with the sandbox
//! API server and seeded releases on request, and a fixed clock), fixture charts from
//! `testdata/` and a builder for small variations (`TestChart`), and the local chart servers
//! (`servers`).

#![allow(dead_code)]

pub mod servers;

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::Output;

use charts::cluster::Cluster;
use charts::release::Release;
use charts_sandbox::{Options, Sandbox};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, PostParams};
use serde_json::Value;

/// The time every command of a `TestEnv` runs at (`CHARTS_TEST_NOW`, read by the binary for
/// every wall-clock stamp), so records and their timestamps are the same on every run. A day
/// after the stale lock lifecycle.rs plants (2026-01-01T00:00:00Z, 60 s), so that lock is
/// expired on the fixed clock as it is on the real one.
pub const TEST_NOW: &str = "2026-01-02T00:00:00Z";

/// A temp directory with its own HOME, config, cache and kubeconfig, so nothing reads the
/// developer's real environment; optionally a sandbox API server the kubeconfig points at.
pub struct TestEnv {
    pub root: tempfile::TempDir,
    /// The sandbox API server, when the builder asked for one.
    pub sandbox: SandboxSlot,
    now: String,
    source_date_epoch: Option<String>,
}

/// The sandbox of a `TestEnv`: derefs to the running `Sandbox`, and panics with a clear message
/// in a test whose environment was built without one.
pub struct SandboxSlot(Option<Sandbox>);

impl Deref for SandboxSlot {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        self.0
            .as_ref()
            .expect("this TestEnv has no sandbox: build it with `TestEnv::builder().sandbox(..)`")
    }
}

/// Options for a `TestEnv`: what the test needs besides a hermetic directory.
#[derive(Default)]
pub struct TestEnvBuilder {
    sandbox: Option<Options>,
    context_namespace: Option<String>,
    namespaces: Vec<String>,
    releases: Vec<Release>,
    now: Option<String>,
    source_date_epoch: Option<String>,
}

impl TestEnvBuilder {
    /// Starts a sandbox API server with these options and writes a kubeconfig for it.
    pub fn sandbox(mut self, options: Options) -> TestEnvBuilder {
        self.sandbox = Some(options);
        self
    }

    /// The namespace of the kubeconfig's context (none by default). Starts a sandbox.
    pub fn context_namespace(mut self, namespace: &str) -> TestEnvBuilder {
        self.sandbox.get_or_insert_with(Options::default);
        self.context_namespace = Some(namespace.to_string());
        self
    }

    /// Namespaces created in the sandbox before the test runs. Starts a sandbox.
    pub fn namespaces(mut self, names: &[&str]) -> TestEnvBuilder {
        self.sandbox.get_or_insert_with(Options::default);
        self.namespaces
            .extend(names.iter().map(|name| name.to_string()));
        self
    }

    /// Release records stored in the sandbox through the Secret store before the test runs
    /// (their namespaces must exist: see `namespaces`). Starts a sandbox.
    pub fn releases(mut self, releases: &[Release]) -> TestEnvBuilder {
        self.sandbox.get_or_insert_with(Options::default);
        self.releases.extend_from_slice(releases);
        self
    }

    /// Runs the commands at another time than `TEST_NOW` (RFC 3339). One command can also
    /// override it with `.env("CHARTS_TEST_NOW", ..)`.
    pub fn now(mut self, time: &str) -> TestEnvBuilder {
        self.now = Some(time.to_string());
        self
    }

    /// Exports `SOURCE_DATE_EPOCH` to every command (reproducible package and index times).
    pub fn source_date_epoch(mut self, seconds: &str) -> TestEnvBuilder {
        self.source_date_epoch = Some(seconds.to_string());
        self
    }

    pub fn build(self) -> TestEnv {
        let root = tempfile::tempdir().expect("temp dir");
        let sandbox = self.sandbox.map(|options| {
            let sandbox = Sandbox::start_blocking_with(options).expect("sandbox starts");
            sandbox
                .write_kubeconfig(
                    &root.path().join("kubeconfig"),
                    self.context_namespace.as_deref(),
                )
                .expect("kubeconfig written");
            sandbox
        });
        if let Some(sandbox) = &sandbox
            && (!self.namespaces.is_empty() || !self.releases.is_empty())
        {
            seed(sandbox, &self.namespaces, &self.releases);
        }
        TestEnv {
            root,
            sandbox: SandboxSlot(sandbox),
            now: self.now.unwrap_or_else(|| TEST_NOW.to_string()),
            source_date_epoch: self.source_date_epoch,
        }
    }
}

/// Creates the namespaces, then stores the records, in the sandbox.
fn seed(sandbox: &Sandbox, namespaces: &[String], releases: &[Release]) {
    use charts::release::store::{SecretStore, Store};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let cluster = cluster(sandbox);
        let names: Vec<&str> = namespaces.iter().map(String::as_str).collect();
        create_namespaces(&cluster, &names).await;
        let store = SecretStore::new(cluster);
        for release in releases {
            store.create(release).await.unwrap();
        }
    });
}

/// A `Cluster` for the sandbox, default namespace `default`.
pub fn cluster(sandbox: &Sandbox) -> Cluster {
    Cluster {
        client: crate::sandbox::client(sandbox),
        namespace: "default".into(),
        server: sandbox.url(),
    }
}

pub async fn create_namespaces(cluster: &Cluster, names: &[&str]) {
    let api: Api<Namespace> = Api::all(cluster.client.clone());
    for name in names {
        let namespace: Namespace =
            serde_json::from_value(serde_json::json!({"metadata": {"name": name}})).unwrap();
        api.create(&PostParams::default(), &namespace)
            .await
            .unwrap();
    }
}

impl TestEnv {
    /// A hermetic environment without a cluster (its kubeconfig does not exist).
    pub fn new() -> TestEnv {
        TestEnv::builder().build()
    }

    pub fn builder() -> TestEnvBuilder {
        TestEnvBuilder::default()
    }

    /// An environment with a sandbox API server of default options, its kubeconfig context
    /// in namespace `default`.
    pub fn with_sandbox() -> TestEnv {
        TestEnv::builder()
            .sandbox(Options::default())
            .context_namespace("default")
            .build()
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    /// A path inside the environment.
    pub fn join(&self, relative: &str) -> PathBuf {
        self.path().join(relative)
    }

    /// `charts` as a plain process with a clean environment.
    pub fn command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("charts"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.path().join("home"))
            .env("CHARTS_CONFIG_HOME", self.path().join("config"))
            .env("CHARTS_CACHE_HOME", self.path().join("cache"))
            .env("KUBECONFIG", self.path().join("kubeconfig"))
            .env("CHARTS_TEST_NOW", &self.now)
            .env("NO_COLOR", "1")
            .current_dir(self.path());
        if let Some(seconds) = &self.source_date_epoch {
            command.env("SOURCE_DATE_EPOCH", seconds);
        }
        command
    }

    /// `charts` with a clean environment, for assert_cmd.
    pub fn charts(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.command())
    }

    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Runs `charts ARGS`; returns the output whatever the exit code.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("charts runs")
    }

    /// Runs `charts ARGS`, insists on success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "charts {args:?} failed:\n{}\n{}",
            stdout(&output),
            stderr(&output)
        );
        stdout(&output)
    }

    /// Runs `charts ARGS`, insists on exit code 1, returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert_eq!(
            output.status.code(),
            Some(1),
            "charts {args:?} should fail:\n{}\n{}",
            stdout(&output),
            stderr(&output)
        );
        stderr(&output)
    }

    /// The stdout of a command that must succeed, parsed as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
    }

    /// `kubectl ARGS` against the environment's kubeconfig, with a HOME of its own.
    pub fn kubectl(&self, args: &[&str]) -> Output {
        std::process::Command::new("kubectl")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.path().join("kubectl-home"))
            .env("KUBECONFIG", self.path().join("kubeconfig"))
            .args(args)
            .output()
            .expect("kubectl runs (tests/sandbox/README.md)")
    }

    /// `kubectl get ... -o json`, parsed; `None` when it is not found.
    pub fn get(&self, args: &[&str]) -> Option<Value> {
        let mut all = vec!["get"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["-o", "json"]);
        let output = self.kubectl(&all);
        if !output.status.success() {
            assert!(
                stderr(&output).contains("NotFound"),
                "kubectl {all:?}: {}",
                stderr(&output)
            );
            return None;
        }
        Some(serde_json::from_slice(&output.stdout).expect("kubectl JSON"))
    }

    pub fn configmap(&self, namespace: &str, name: &str) -> Option<Value> {
        self.get(&["configmap", name, "-n", namespace])
    }

    /// The release records (`owner=charts` Secrets) in a namespace: (name, status label).
    pub fn records(&self, namespace: &str) -> Vec<(String, String)> {
        let list = self
            .get(&["secrets", "-l", "owner=charts", "-n", namespace])
            .unwrap();
        let mut records: Vec<(String, String)> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["metadata"]["name"].as_str().unwrap().to_string(),
                    s["metadata"]["labels"]["status"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect();
        records.sort();
        records
    }

    /// `charts status NAME -n NAMESPACE -o json`, parsed.
    pub fn status_json(&self, name: &str, namespace: &str) -> Value {
        serde_json::from_str(&self.ok(&["status", name, "-n", namespace, "-o", "json"])).unwrap()
    }
}

/// The top-level `testdata/` directory: fixture charts and values files (testdata/README.md).
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// A fixture chart in place, for tests that only read it: `testdata/charts/<name>`.
pub fn testdata_chart(name: &str) -> PathBuf {
    let path = testdata().join("charts").join(name);
    assert!(
        path.join("Chart.yaml").is_file(),
        "no fixture chart {path:?}"
    );
    path
}

/// Copies a directory tree (files and directories only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{from:?}: {e}")) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Builds a chart directory inside a `TestEnv`.
pub struct TestChart {
    pub dir: PathBuf,
}

impl TestChart {
    /// A minimal valid chart named `name` under `<env>/<name>`.
    pub fn new(env: &TestEnv, name: &str) -> TestChart {
        Self::at(env.path().join(name), name)
    }

    pub fn at(dir: PathBuf, name: &str) -> TestChart {
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        let chart = TestChart { dir };
        chart.file(
            "Chart.yaml",
            &format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\nappVersion: \"1.0\"\n"),
        )
    }

    /// The fixture chart `testdata/charts/<fixture>` copied to `<env>/<fixture>`, for a test
    /// that changes it or adds to it (copying over an earlier copy overwrites its files).
    pub fn fixture(env: &TestEnv, fixture: &str) -> TestChart {
        Self::fixture_at(env.path().join(fixture), fixture)
    }

    /// The fixture chart `testdata/charts/<fixture>` copied to `dir`.
    pub fn fixture_at(dir: PathBuf, fixture: &str) -> TestChart {
        copy_dir(&testdata_chart(fixture), &dir);
        TestChart { dir }
    }

    pub fn file(self, relative: &str, content: &str) -> TestChart {
        let path = self.dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    pub fn values(self, yaml: &str) -> TestChart {
        self.file("values.yaml", yaml)
    }

    pub fn template(self, name: &str, content: &str) -> TestChart {
        self.file(&format!("templates/{name}"), content)
    }

    /// A subchart vendored as a directory under `charts/<name>`.
    pub fn subchart(&self, name: &str) -> TestChart {
        TestChart::at(self.dir.join("charts").join(name), name)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    pub fn arg(&self) -> String {
        self.dir.display().to_string()
    }
}

/// A ConfigMap template whose data shows the given expressions, one key each.
pub fn configmap(name: &str, data: &[(&str, &str)]) -> String {
    let mut text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n");
    for (key, expression) in data {
        text.push_str(&format!(
            "  {key}: {{{{ {expression} | toJson | quote }}}}\n"
        ));
    }
    text
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Parses `charts template` output into objects.
pub fn objects(output: &str) -> Vec<serde_json::Value> {
    output
        .split("\n---\n")
        .flat_map(|doc| doc.split("---\n"))
        .filter(|doc| !doc.trim().is_empty())
        .map(|doc| serde_yaml::from_str::<serde_json::Value>(doc).expect("rendered YAML"))
        .filter(|v| !v.is_null())
        .collect()
}

/// The `data` of the ConfigMap named `name` in `charts template` output, JSON-decoded per key.
pub fn configmap_data(output: &str, name: &str) -> serde_json::Map<String, serde_json::Value> {
    let object = objects(output)
        .into_iter()
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no ConfigMap `{name}` in:\n{output}"));
    object["data"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                serde_json::from_str(v.as_str().unwrap()).unwrap(),
            )
        })
        .collect()
}
