//! The Helm corpus (`testdata/helm-corpus/`): every chart there is converted with `charts
//! convert`, the result rendered with `charts template`, and the objects compared with what
//! Helm v4 rendered from the original (the committed `expected*.yaml`, made by
//! `render-with-helm.py`). The comparison is semantic: the same set of objects by
//! apiVersion/kind/namespace/name, each equal as data once both sides are read as YAML 1.1 the
//! way kubectl reads them (ints, floats, strings and booleans stay distinct).
//!
//! One normalisation: `charts template` writes the release namespace into every namespaced
//! object, Helm leaves it out; `metadata.namespace: ns` (the release namespace) is removed on
//! both sides before comparing, so an object the chart puts in `ns` explicitly compares equal
//! to one left without a namespace (they land in the same place either way).
//!
//! And one on Helm's side: `.Release.Service` is `Helm` there and `charts` here (the tool that
//! manages the objects, on purpose), so the labels charts derive from it,
//! `app.kubernetes.io/managed-by` and `heritage`, are compared with `Helm` read as `charts`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{TestEnv, stderr, stdout, testdata};

const RELEASE: &str = "r";
const NAMESPACE: &str = "ns";
/// `charts convert` exits 3 when it wrote the chart with `cannot convert` places.
const EXIT_REPORTED: i32 = 3;

/// apiVersion, kind, namespace (empty when none), name.
type Key = (String, String, String, String);

/// One expected render of a chart: `expected.yaml` (the chart's own values) or
/// `expected-<variant>.yaml` (with `-f ci/<variant>.yaml`).
struct Variant {
    name: String,
    values: Option<PathBuf>,
    expected: PathBuf,
}

struct CorpusChart {
    name: String,
    dir: PathBuf,
    variants: Vec<Variant>,
}

fn corpus_dir() -> PathBuf {
    testdata().join("helm-corpus")
}

fn corpus() -> Vec<CorpusChart> {
    let mut charts: Vec<CorpusChart> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|dir| dir.join("Chart.yaml").is_file())
        .map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let mut variants = vec![Variant {
                name: "default".into(),
                values: None,
                expected: dir.join("expected.yaml"),
            }];
            if let Ok(entries) = std::fs::read_dir(dir.join("ci")) {
                let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
                files.sort();
                for file in files
                    .into_iter()
                    .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
                {
                    let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
                    variants.push(Variant {
                        expected: dir.join(format!("expected-{stem}.yaml")),
                        name: stem,
                        values: Some(file),
                    });
                }
            }
            CorpusChart {
                name,
                dir,
                variants,
            }
        })
        .collect();
    charts.sort_by(|a, b| a.name.cmp(&b.name));
    charts
}

/// The Kubernetes version Helm rendered with, from the header of an expected file
/// (`# Rendered by Helm v4.x (KubeVersion v1.36.0) ...`).
fn kube_version(expected: &str) -> String {
    let header = expected.lines().next().unwrap_or_default();
    header
        .split_once("(KubeVersion ")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(version, _)| version.to_string())
        .unwrap_or_else(|| panic!("no `(KubeVersion ...)` in the header: {header}"))
}

/// The documents of a manifest stream: split at `---` lines, comments and empty documents
/// dropped, each read as YAML 1.1 (`charts::yaml`, the reader that follows kubectl's rules).
fn documents(text: &str) -> Result<Vec<Value>, String> {
    let mut docs = vec![String::new()];
    for line in text.lines() {
        if line == "---" || line.starts_with("--- ") {
            docs.push(String::new());
        } else {
            let current = docs.last_mut().unwrap();
            current.push_str(line);
            current.push('\n');
        }
    }
    let mut values = Vec::new();
    for (index, doc) in docs.iter().enumerate() {
        let meaningful = doc
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        if !meaningful {
            continue;
        }
        let value = charts::yaml::from_str(doc)
            .map_err(|e| format!("document {index} is not YAML: {e}\n{doc}"))?;
        if !value.is_null() {
            values.push(value);
        }
    }
    Ok(values)
}

/// `.Release.Service` labels as `charts` prints them: `Helm` becomes `charts` wherever a map has
/// the key `app.kubernetes.io/managed-by` or `heritage` (see the module docs).
fn as_managed_by_charts(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let label = key == "app.kubernetes.io/managed-by" || key == "heritage";
                if label && value == "Helm" {
                    *value = Value::from("charts");
                } else {
                    as_managed_by_charts(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(as_managed_by_charts),
        _ => {}
    }
}

/// The objects of a manifest stream by key, namespaces normalised (see the module docs).
fn objects(text: &str) -> Result<BTreeMap<Key, Value>, String> {
    let mut objects = BTreeMap::new();
    for mut object in documents(text)? {
        let field = |o: &Value, path: &[&str]| {
            path.iter()
                .try_fold(o, |v, k| v.get(k))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut)
            && metadata.get("namespace").and_then(Value::as_str) == Some(NAMESPACE)
        {
            metadata.remove("namespace");
        }
        let key = (
            field(&object, &["apiVersion"]),
            field(&object, &["kind"]),
            field(&object, &["metadata", "namespace"]),
            field(&object, &["metadata", "name"]),
        );
        if key.1.is_empty() || key.3.is_empty() {
            return Err(format!("an object without kind or name: {object}"));
        }
        if objects.insert(key.clone(), object).is_some() {
            return Err(format!("the object {} twice", show_key(&key)));
        }
    }
    Ok(objects)
}

fn show_key((api_version, kind, namespace, name): &Key) -> String {
    if namespace.is_empty() {
        format!("{api_version} {kind} {name}")
    } else {
        format!("{api_version} {kind} {namespace}/{name}")
    }
}

/// The first place where `actual` differs from `expected`, as a path and both values; `None`
/// when they are equal as data (a number equals only a number of the same kind: 1 ≠ 1.0 ≠ "1").
fn first_difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    let here = || {
        let path = if path.is_empty() { "." } else { path };
        Some(format!("{path}: expected {expected}, got {actual}"))
    };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let child = format!("{path}.{k}");
                match a.get(k) {
                    None => return Some(format!("{child}: expected {ev}, missing")),
                    Some(av) => {
                        if let Some(d) = first_difference(ev, av, &child) {
                            return Some(d);
                        }
                    }
                }
            }
            a.iter()
                .find(|(k, _)| !e.contains_key(*k))
                .map(|(k, av)| format!("{path}.{k}: not expected, got {av}"))
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                if let Some(d) = first_difference(ev, av, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (e.len() != a.len())
                .then(|| format!("{path}: expected {} items, got {}", e.len(), a.len()))
        }
        (Value::Number(e), Value::Number(a)) => {
            let same_kind = (e.is_f64() == a.is_f64())
                && (e.is_i64() || e.is_u64()) == (a.is_i64() || a.is_u64());
            if same_kind && e.as_f64() == a.as_f64() {
                None
            } else {
                here()
            }
        }
        _ if expected == actual => None,
        _ => here(),
    }
}

/// The first difference between two manifest streams: an object missing or unexpected, or the
/// first differing path of the first object that differs.
fn compare(expected: &str, actual: &str) -> Result<(), String> {
    let mut expected = objects(expected).map_err(|e| format!("expected output: {e}"))?;
    expected.values_mut().for_each(as_managed_by_charts);
    let actual = objects(actual).map_err(|e| format!("charts output: {e}"))?;
    compare_objects(&expected, &actual)
}

fn compare_objects(
    expected: &BTreeMap<Key, Value>,
    actual: &BTreeMap<Key, Value>,
) -> Result<(), String> {
    for (key, object) in expected {
        match actual.get(key) {
            None => return Err(format!("missing {}", show_key(key))),
            Some(got) => {
                if let Some(d) = first_difference(object, got, "") {
                    return Err(format!("{}: {d}", show_key(key)));
                }
            }
        }
    }
    match actual.keys().find(|k| !expected.contains_key(*k)) {
        Some(key) => Err(format!("unexpected {}", show_key(key))),
        None => Ok(()),
    }
}

enum Outcome {
    Pass,
    /// `charts convert` exited 3, but its `cannot convert` places are on paths the corpus values
    /// do not take: the converted chart renders Helm's objects (a `fail` would stop it otherwise).
    PassReported(String),
    /// `charts template` printed other objects than Helm: the first difference.
    Mismatch(String),
    /// `charts convert` exited 3: the chart has `cannot convert` places (its report).
    Reported(String),
    /// `charts convert` or `charts template` failed (or crashed).
    Error(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let first_line = |s: &str| -> String {
            let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
            line.chars().take(160).collect()
        };
        match self {
            Outcome::Pass => write!(f, "pass"),
            Outcome::PassReported(r) => write!(f, "pass, reported off-path ({})", first_line(r)),
            Outcome::Mismatch(d) => write!(f, "mismatch ({})", first_line(d)),
            Outcome::Reported(r) => write!(f, "reported ({})", first_line(r)),
            Outcome::Error(e) => write!(f, "error ({})", first_line(e)),
        }
    }
}

/// Converts one chart and checks each of its variants; the first variant that does not pass
/// decides the outcome.
fn check_chart(env: &TestEnv, chart: &CorpusChart) -> (Outcome, Option<String>) {
    let out = env.join(&format!("converted/{}", chart.name));
    let output = env.run(&[
        "convert",
        chart.dir.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let mut reported = None;
    match output.status.code() {
        Some(0) => {}
        Some(EXIT_REPORTED) => {
            let report = format!("{}{}", stdout(&output), stderr(&output));
            let place = report
                .lines()
                .find(|l| l.contains("cannot convert"))
                .unwrap_or(report.as_str())
                .to_string();
            reported = Some(place);
        }
        code => {
            return (
                Outcome::Error(format!(
                    "convert exited {code:?}: {}{}",
                    stderr(&output),
                    stdout(&output)
                )),
                None,
            );
        }
    }
    for variant in &chart.variants {
        let expected = std::fs::read_to_string(&variant.expected)
            .unwrap_or_else(|e| panic!("{}: {e}", variant.expected.display()));
        let kube = kube_version(&expected);
        let mut args = vec![
            "template",
            RELEASE,
            out.to_str().unwrap(),
            "-n",
            NAMESPACE,
            "--kube-version",
            &kube,
        ];
        if let Some(values) = &variant.values {
            args.extend(["-f", values.to_str().unwrap()]);
        }
        let output = env.run(&args);
        if !output.status.success()
            && let Some(place) = &reported
            && stderr(&output).contains("cannot convert")
        {
            // The render reached a place the converter reported: a located, reported failure.
            return (Outcome::Reported(place.clone()), Some(variant.name.clone()));
        }
        if !output.status.success() {
            return (
                Outcome::Error(format!("template: {}", stderr(&output))),
                Some(variant.name.clone()),
            );
        }
        if let Err(difference) = compare(&expected, &stdout(&output)) {
            return (Outcome::Mismatch(difference), Some(variant.name.clone()));
        }
    }
    match reported {
        Some(place) => (Outcome::PassReported(place), None),
        None => (Outcome::Pass, None),
    }
}

// The issue's bar: `charts convert` then `charts template` gives Helm's objects for at least
// 90% of the corpus, and every failure is a reported `cannot convert`, never a crash or a
// silently different output. `cargo test convert_corpus -- --nocapture` prints the table.
#[test]
fn converted_corpus_renders_what_helm_renders() {
    let charts = corpus();
    assert!(charts.len() >= 25, "the corpus has {} charts", charts.len());
    let env = TestEnv::new();
    let mut table = String::new();
    let (mut passed, mut reported, mut silent) = (0, 0, Vec::new());
    for chart in &charts {
        let (outcome, variant) = check_chart(&env, chart);
        let variant = variant.map(|v| format!(" [{v}]")).unwrap_or_default();
        table.push_str(&format!("{:<22} {outcome}{variant}\n", chart.name));
        match outcome {
            Outcome::Pass | Outcome::PassReported(_) => passed += 1,
            Outcome::Reported(_) => reported += 1,
            Outcome::Mismatch(_) | Outcome::Error(_) => silent.push(chart.name.clone()),
        }
    }
    let total = charts.len();
    println!(
        "{table}{passed}/{total} pass, {reported} reported, {} mismatched or failed",
        silent.len()
    );
    assert!(
        silent.is_empty(),
        "charts converted to other objects than Helm renders, or failing: {silent:?}\n{table}"
    );
    assert!(
        passed * 10 >= total * 9,
        "{passed}/{total} charts pass (90% needed)\n{table}"
    );
}

// The comparator itself, on Helm's own output: every expected file equals itself, and each
// kind of difference is found and located.
#[test]
fn corpus_comparator_accepts_helms_output_against_itself() {
    let charts = corpus();
    for chart in &charts {
        for variant in &chart.variants {
            let expected = std::fs::read_to_string(&variant.expected)
                .unwrap_or_else(|e| panic!("{}: {e}", variant.expected.display()));
            let parsed = objects(&expected)
                .unwrap_or_else(|e| panic!("{}: {e}", variant.expected.display()));
            assert!(!parsed.is_empty(), "{}", variant.expected.display());
            kube_version(&expected);
            assert_eq!(compare_objects(&parsed, &parsed), Ok(()));
        }
    }
}

const BASE: &str = "\
---
# Source: c/templates/a.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data:
  port: \"8080\"
  list: [x, y]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  replicas: 2
";

#[test]
fn corpus_comparator_finds_each_kind_of_difference() {
    let with = |from: &str, to: &str| {
        assert!(BASE.contains(from), "{from}");
        BASE.replacen(from, to, 1)
    };
    // The namespace charts writes in, other key order, flow vs block style: all equal.
    let same = with("  name: d\n", "  namespace: ns\n  name: d\n")
        .replace("  list: [x, y]", "  list:\n    - x\n    - y");
    assert_eq!(compare(BASE, &same), Ok(()));
    let cases = [
        (
            with("port: \"8080\"", "port: 8080"),
            "ConfigMap a: .data.port",
        ),
        (
            with("replicas: 2", "replicas: 2.0"),
            "Deployment d: .spec.replicas",
        ),
        (
            with("replicas: 2", "replicas: \"2\""),
            "Deployment d: .spec.replicas",
        ),
        (with("[x, y]", "[x, z]"), ".data.list[1]"),
        (with("[x, y]", "[x]"), ".data.list: expected 2 items, got 1"),
        (
            with("  name: d\n", "  name: e\n"),
            "missing apps/v1 Deployment d",
        ),
        (
            with("  name: d\n", "  namespace: other\n  name: d\n"),
            "missing apps/v1 Deployment d",
        ),
        (
            with("kind: Deployment", "kind: StatefulSet"),
            "missing apps/v1 Deployment d",
        ),
        (
            with("spec:\n", "spec:\n  paused: true\n"),
            ".spec.paused: not expected",
        ),
        (
            with("  replicas: 2\n", "  paused: false\n"),
            ".spec.replicas: expected 2, missing",
        ),
        (
            format!("{BASE}---\nkind: Service\nmetadata:\n  name: s\n"),
            "unexpected  Service s",
        ),
        (with("  name: a\n", ""), "without kind or name"),
        (
            format!("{BASE}---\n{}", BASE.split("---\n").nth(2).unwrap()),
            "twice",
        ),
        (with("data:", "data: ["), "not YAML"),
    ];
    for (actual, wanted) in cases {
        let difference = compare(BASE, &actual).expect_err(wanted);
        assert!(difference.contains(wanted), "{wanted}: {difference}");
    }
    // `.Release.Service`: Helm's `Helm` is `charts` here, in those two labels.
    let helm = with(
        "  name: d\n",
        "  name: d\n  labels:\n    heritage: Helm\n    app.kubernetes.io/managed-by: Helm\n",
    );
    let ours = helm.replace(": Helm", ": charts");
    assert_eq!(compare(&helm, &ours), Ok(()));
    let difference = compare(&helm, &helm).unwrap_err();
    assert!(
        difference.contains("expected \"charts\", got \"Helm\""),
        "{difference}"
    );
    // YAML 1.1, as kubectl reads it: `on` is a boolean, `"on"` a string.
    let on = with("  port: \"8080\"", "  flag: on");
    let quoted = with("  port: \"8080\"", "  flag: \"on\"");
    assert!(compare(&on, &quoted).unwrap_err().contains(".data.flag"));
    assert_eq!(
        compare(&on, &with("  port: \"8080\"", "  flag: true")),
        Ok(())
    );
}

// The path `charts template` output takes through the comparator: the yaml11 fixture is a
// Tera twin of a Helm chart; its render compares equal to Helm's, namespace included.
#[test]
fn corpus_comparator_reads_charts_template_output() {
    let env = TestEnv::new();
    let fixture = |p: &str| testdata().join("helm/yaml11").join(p);
    let rendered = env.ok(&[
        "template",
        RELEASE,
        fixture("chart").to_str().unwrap(),
        "-n",
        NAMESPACE,
    ]);
    let helm = std::fs::read_to_string(fixture("expected.yaml")).unwrap();
    assert_eq!(compare(&helm, &rendered), Ok(()));
    assert!(compare(&helm, &rendered.replace("namespace: ns", "namespace: nx")).is_err());
}
