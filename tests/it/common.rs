//! Test harness: a hermetic environment for the `charts` binary and a builder for fixture charts.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A temp directory with its own HOME, config, cache and kubeconfig, so nothing reads the
/// developer's real environment.
pub struct TestEnv {
    pub root: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            root: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.root.path()
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
            .env("NO_COLOR", "1")
            .current_dir(self.path());
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
