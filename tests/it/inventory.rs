//! Inventory (`list --wide`, the record annotations it reads), paged listing, and the pipeline
//! conventions: `CHARTS_*` variables, exit codes, `-o json` of `uninstall`.

use std::path::Path;

use charts::release::{Provenance, Release, Status};
use charts_sandbox::Options;
use indexmap::IndexMap;
use serde_json::Value;

use crate::common::{TestEnv, stderr};

fn catalog() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("charts/catalog")
        .display()
        .to_string()
}

/// A revision promoted from `staging/cat` revision 1: its record carries the provenance, and
/// runs one Deployment.
fn promoted(namespace: &str) -> Release {
    let mut record = crate::release::record(namespace, "cat", 1, Status::Deployed);
    record.labels = IndexMap::new();
    record.manifest = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  \
         selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        \
         app: api\n    spec:\n      containers:\n      - name: api\n        \
         image: registry.example.com/example/catalog-api:2.8.1\n"
        .into();
    record.provenance = Some(Provenance {
        namespace: "staging".into(),
        release: "cat".into(),
        revision: 1,
        chart_digest: "sha256:0000".into(),
        labels: IndexMap::from([("commit".to_string(), "abc123".to_string())]),
        promoted_at: "2026-01-02T00:00:00Z".into(),
    });
    record
}

#[test]
fn list_wide_shows_subchart_versions_images_commit_and_provenance() {
    let env = TestEnv::builder()
        .sandbox(Options::default())
        .namespaces(&["staging", "production"])
        .releases(&[promoted("production")])
        .build();
    let chart = catalog();
    env.ok(&[
        "install",
        "cat",
        &chart,
        "-n",
        "staging",
        "--label",
        "commit=abc123",
    ]);

    // What the record Secret carries, as any client sees it.
    let secret = env
        .get(&["secret", "charts.release.v1.cat.v1", "-n", "staging"])
        .unwrap();
    let annotations = &secret["metadata"]["annotations"];
    let images: Vec<String> =
        serde_json::from_str(annotations["charts.dev/images"].as_str().unwrap()).unwrap();
    let mut sorted = images.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(images, sorted, "sorted and unique");
    assert!(
        images.contains(&"registry.example.com/example/catalog-api:2.8.1".to_string()),
        "{images:?}"
    );
    assert!(annotations.get("charts.dev/provenance").is_none());

    let listed = env.json(&["list", "-A", "--wide", "-o", "json"]);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2, "{listed:#?}");
    let by_namespace = |namespace: &str| -> &Value {
        listed
            .iter()
            .find(|r| r["namespace"] == namespace)
            .unwrap_or_else(|| panic!("no release in {namespace}: {listed:#?}"))
    };
    let staging = by_namespace("staging");
    assert_eq!(staging["chart"], "catalog-2026.11.0");
    assert_eq!(staging["commit"], "abc123");
    assert_eq!(staging["labels"]["commit"], "abc123");
    assert_eq!(staging["provenance"], Value::Null);
    let subcharts = staging["subcharts"].as_array().unwrap();
    let top: Vec<(String, String)> = subcharts
        .iter()
        .filter(|s| s.get("parent").is_none())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["version"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        top,
        [
            ("catalog-api".to_string(), "1.4.0".to_string()),
            ("catalog-ui".to_string(), "1.1.0".to_string()),
            ("catalog-common".to_string(), "0.2.0".to_string()),
        ]
    );
    assert!(
        subcharts
            .iter()
            .any(|s| s["parent"] == "catalog-api" && s["name"] == "catalog-common"),
        "subcharts of subcharts name their parent: {subcharts:#?}"
    );
    assert_eq!(staging["images"], serde_json::json!(images));

    let production = by_namespace("production");
    assert_eq!(production["provenance"]["namespace"], "staging");
    assert_eq!(production["provenance"]["revision"], 1);
    assert_eq!(production["provenance"]["chartDigest"], "sha256:0000");
    assert_eq!(
        production["commit"], "abc123",
        "a promoted revision without a commit label shows its source's"
    );
    assert_eq!(
        production["images"],
        serde_json::json!(["registry.example.com/example/catalog-api:2.8.1"])
    );

    let table = env.ok(&["list", "-A", "--wide"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0].split('\t').map(str::trim).collect::<Vec<_>>(),
        [
            "NAMESPACE",
            "NAME",
            "REVISION",
            "STATUS",
            "CHART",
            "SUBCHARTS",
            "IMAGES",
            "COMMIT",
            "PROMOTED FROM",
            "UPDATED"
        ]
    );
    let row = |namespace: &str| -> Vec<String> {
        lines
            .iter()
            .find(|l| l.starts_with(namespace))
            .unwrap()
            .split('\t')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let production = row("production");
    assert_eq!(production[8], "staging/cat:1");
    assert_eq!(production[5], "-", "no subcharts recorded");
    let staging = row("staging");
    assert!(
        staging[5]
            .starts_with("catalog-api@1.4.0,catalog-api/catalog-common@0.2.0,catalog-ui@1.1.0"),
        "{staging:?}"
    );
    assert!(staging[6].contains("registry.example.com/example/catalog-ui:3.2.0"));
    assert_eq!(staging[7], "abc123");
    assert_eq!(staging[8], "-");
    // The narrow table is unchanged.
    assert!(env.ok(&["list", "-A"]).starts_with("NAME"));
}

/// 1,200 revisions of 2 releases: three pages of 500, and only the newest revision of each
/// release is kept; `--superseded` still sees every superseded one.
#[test]
fn list_reads_the_records_page_by_page() {
    let mut records = Vec::new();
    for name in ["api", "web"] {
        for revision in 1..=600 {
            let status = if revision == 600 {
                Status::Deployed
            } else {
                Status::Superseded
            };
            records.push(crate::release::record("dev", name, revision, status));
        }
    }
    let env = TestEnv::builder()
        .sandbox(Options::default())
        .namespaces(&["dev"])
        .releases(&records)
        .build();
    env.sandbox.reset_counters();
    let listed = env.json(&["list", "-A", "-o", "json"]);
    let shown: Vec<(String, u64, String)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["revision"].as_u64().unwrap(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("api".to_string(), 600, "deployed".to_string()),
            ("web".to_string(), 600, "deployed".to_string())
        ]
    );
    let counters = env.sandbox.counters();
    assert_eq!(counters.get("list", "secrets"), 3, "{counters:?}");
    assert_eq!(counters.total(), 3, "{counters:?}");

    let superseded = env.ok(&["list", "-n", "dev", "--superseded", "-q"]);
    assert_eq!(superseded.lines().count(), 2 * 599);
    let history = env.json(&["history", "web", "-n", "dev", "-o", "json", "--max", "0"]);
    assert_eq!(history.as_array().unwrap().len(), 600);
}

#[test]
fn pipeline_variables_set_flags_and_bad_ones_are_usage_errors() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    env.write(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 1.0.0\n",
    );
    env.write(
        "chart/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: \"1\"\n",
    );
    let installed = env
        .command()
        .args(["install", "app", "chart", "-o", "json"])
        .env("CHARTS_LABELS", "commit=fromenv,build=42")
        .env("CHARTS_WAIT", "true")
        .env("CHARTS_TIMEOUT", "30s")
        .output()
        .unwrap();
    assert!(installed.status.success(), "{}", stderr(&installed));
    let record: Value = serde_json::from_slice(&installed.stdout).unwrap();
    assert_eq!(record["labels"]["commit"], "fromenv");
    assert_eq!(record["labels"]["build"], "42");

    for (variable, value, named) in [
        ("CHARTS_TIMEOUT", "soon", "--timeout"),
        ("CHARTS_WAIT", "maybe", "--wait"),
        (
            "CHARTS_ROLLBACK_ON_FAILURE",
            "perhaps",
            "--rollback-on-failure",
        ),
    ] {
        let output = env
            .command()
            .args(["upgrade", "app", "chart"])
            .env(variable, value)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{variable}={value}");
        let message = stderr(&output);
        assert!(
            message.contains(value) && message.contains(named),
            "{variable}: {message}"
        );
    }
    let output = env
        .command()
        .args(["list"])
        .env("CHARTS_KUBE_CONTEXT", "no-such-context")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no-such-context"),
        "{}",
        stderr(&output)
    );

    // Usage errors from clap exit 2, with nothing on stdout.
    let output = env.run(&["list", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    // No terminal here: progress is plain lines on stderr, never redrawn in place.
    let output = env.run(&["upgrade", "app", "chart", "--wait", "-o", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains('\r'), "{}", stderr(&output));
    assert!(!stderr(&output).contains('\u{1b}'), "{}", stderr(&output));
    serde_json::from_slice::<Value>(&output.stdout).expect("stdout is the JSON alone");

    // uninstall -o json: one object per release, in the order given.
    let removed = env.json(&[
        "uninstall",
        "app",
        "gone",
        "--ignore-not-found",
        "-o",
        "json",
    ]);
    assert_eq!(removed[0]["name"], "app");
    assert_eq!(removed[0]["found"], true);
    assert_eq!(
        removed[0]["deleted"],
        serde_json::json!([{"kind": "ConfigMap", "namespace": "default", "name": "app"}])
    );
    assert_eq!(removed[1]["name"], "gone");
    assert_eq!(removed[1]["found"], false);
    assert_eq!(removed[1]["deleted"], serde_json::json!([]));
    assert!(env.configmap("default", "app").is_none());
}
