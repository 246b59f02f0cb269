//! YAML as kubectl and Helm read it (YAML 1.1): what `charts` writes reads back the same, and
//! what it reads (values files, rendered templates) has the types Helm and kubectl give it.
//! The fixtures in `testdata/helm/yaml11/` hold a chart, its Helm twin and Helm's output.

use std::path::PathBuf;
use std::process::Output;

use serde_json::json;

use crate::common::{TestChart, TestEnv, stderr, stdout, testdata};

fn fixture(relative: &str) -> PathBuf {
    testdata().join("helm/yaml11").join(relative)
}

/// Helm's output for the fixture chart as `charts template` prints it: the `---` and
/// `# Source:` lines, and the namespace written into `metadata`.
fn as_charts_prints(helm: &str) -> String {
    let body = helm
        .split_once('\n')
        .filter(|(first, _)| first.starts_with("# Rendered by Helm"))
        .map_or(helm, |(_, rest)| rest);
    let body = body.replacen(
        "  name: yaml11\n",
        "  name: yaml11\n  namespace: default\n",
        1,
    );
    format!("---\n# Source: yaml11/templates/configmap.yaml\n{body}")
}

// Bug: toYaml wrote maps in insertion order, numbers as serde_yaml does (`1.0`, `1000000.0`) and
// 1.1 booleans unquoted; values files read `enabled: no` as the (true) string "no".
#[test]
fn template_renders_what_helm_renders() {
    let env = TestEnv::new();
    let chart = fixture("chart");
    let chart = chart.to_str().unwrap();
    let values = fixture("values-yaml11.yaml");
    for (extra, expected) in [
        (None, "expected.yaml"),
        (Some(values.to_str().unwrap()), "expected-yaml11.yaml"),
    ] {
        let mut args = vec!["template", "r", chart, "-n", "default"];
        if let Some(file) = extra {
            args.extend(["-f", file]);
        }
        let helm = std::fs::read_to_string(fixture(expected)).unwrap();
        pretty_assertions::assert_eq!(env.ok(&args), as_charts_prints(&helm), "{expected}");
    }
}

/// `kubectl ARGS` against the sandbox `env`'s kubeconfig points at, with `input` on stdin.
fn kubectl(env: &TestEnv, args: &[&str], input: &str) -> Output {
    assert_cmd::Command::new("kubectl")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", env.path().join("kubectl-home"))
        .env("KUBECONFIG", env.path().join("kubeconfig"))
        .args(args)
        .write_stdin(input)
        .output()
        .expect("kubectl runs (the sandbox tests require it)")
}

// Bug: `charts template r ./chart | kubectl apply -f -` failed for a ConfigMap value "yes"
// (`invalid type: boolean true, expected a string`): toYaml wrote `yes` unquoted.
#[test]
fn template_output_of_every_yaml_1_1_string_applies_with_kubectl() {
    let env = TestEnv::with_sandbox();
    let chart = fixture("chart");
    let rendered = env.ok(&["template", "r", chart.to_str().unwrap()]);
    let applied = kubectl(&env, &["apply", "-f", "-"], &rendered);
    assert!(
        applied.status.success(),
        "kubectl apply failed: {}\n{rendered}",
        stderr(&applied)
    );
    let object = env
        .configmap("default", "yaml11")
        .expect("the ConfigMap was applied");
    let values = std::fs::read_to_string(fixture("values.yaml")).unwrap();
    let values = charts::yaml::from_str(&values).unwrap();
    let strings = values["strings"].as_object().unwrap();
    assert!(strings.len() > 50);
    for (key, value) in strings {
        assert_eq!(&object["data"][key], value, "data.{key}");
    }
}

// Bug: `enabled: yes` in a template reached the cluster as the string "yes" through
// `charts install`, where `kubectl apply` of the same text sends the boolean true.
#[test]
fn install_reads_templates_as_kubectl_does() {
    let env = TestEnv::with_sandbox();
    let chart = TestChart::new(&env, "flags").template(
        "widget.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\n  annotations:\n    quoted: \"yes\"\nbinaryData: {}\nimmutable: yes\n",
    );
    env.ok(&["install", "r", &chart.arg()]);
    let by_charts = env.configmap("default", "flags").expect("installed");
    assert_eq!(by_charts["immutable"], json!(true));
    assert_eq!(by_charts["metadata"]["annotations"]["quoted"], json!("yes"));

    let rendered = env.ok(&["template", "r", &chart.arg()]);
    let rendered = rendered.replace("name: flags", "name: flags-kubectl");
    let applied = kubectl(&env, &["apply", "-f", "-"], &rendered);
    assert!(applied.status.success(), "{}", stderr(&applied));
    let by_kubectl = env.configmap("default", "flags-kubectl").expect("applied");
    assert_eq!(by_kubectl["immutable"], by_charts["immutable"]);
}

// Bug: toYaml and toJson wrote maps in insertion order, so reordering keys in a values file
// changed a `toYaml | sha256sum` checksum and restarted pods for nothing.
#[test]
fn reordering_values_keys_keeps_checksums() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "sums").template(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sums\ndata:\n  yaml: {{ Values.config | toYaml | sha256sum }}\n  json: {{ Values.config | toJson | sha256sum }}\n  pretty: {{ Values.config | toPrettyJson | sha256sum }}\n",
    );
    let first = env.write(
        "first.yaml",
        "config:\n  b: 1\n  a10: {v: [1, {q: 1, p: 2}], x: 2}\n  a2: 3\n",
    );
    let second = env.write(
        "second.yaml",
        "config:\n  a2: 3\n  a10: {x: 2, v: [1, {p: 2, q: 1}]}\n  b: 1\n",
    );
    let render =
        |file: &PathBuf| env.ok(&["template", "r", &chart.arg(), "-f", file.to_str().unwrap()]);
    let output = render(&first);
    assert_eq!(output, render(&second));
    // The checksums are those of the sorted texts.
    let digest = |text: &str| {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(text.as_bytes()))
    };
    let yaml = "a2: 3\na10:\n  v:\n  - 1\n  - p: 2\n    q: 1\n  x: 2\nb: 1";
    assert!(
        output.contains(&format!("yaml: {}", digest(yaml))),
        "{output}"
    );
    let json = r#"{"a10":{"v":[1,{"p":2,"q":1}],"x":2},"a2":3,"b":1}"#;
    assert!(
        output.contains(&format!("json: {}", digest(json))),
        "{output}"
    );
}

#[test]
fn lint_points_at_yaml_1_1_only_scalars() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "flags").values("x: 1\n").template(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\ndata:\n  fine: \"yes\"\n  enabled: yes\n  mode: 0755\n",
    );
    let output = env
        .command()
        .args(["lint", &chart.arg(), "--strict"])
        .output()
        .unwrap();
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("[WARNING] templates/cm.yaml: ConfigMap/default/flags, line 8 of the rendered document: the plain value `yes` is the boolean `true` to YAML 1.1 readers (kubectl, Helm, charts) but a string to YAML 1.2 ones; quote it (`\"yes\"`) if a string is meant"),
        "{text}"
    );
    assert!(
        text.contains("the plain value `0755` is the number `493`"),
        "{text}"
    );
    assert!(!text.contains("`\"yes\"` is"), "{text}");
}

// Bug: files written through serde_yaml (here a packaged Chart.yaml rewritten for
// `--app-version`) left YAML 1.1 booleans unquoted: Helm reading `appVersion: yes` untyped saw
// `true`.
#[test]
fn packaged_chart_yaml_quotes_yaml_1_1_strings() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "pkg");
    env.ok(&["package", &chart.arg(), "--app-version", "yes", "-d", "out"]);
    let archive = std::fs::File::open(env.path().join("out/pkg-0.1.0.tgz")).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    let chart_yaml = tar
        .entries()
        .unwrap()
        .map(Result::unwrap)
        .find(|entry| entry.path().unwrap().ends_with("Chart.yaml"))
        .map(|mut entry| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
            text
        })
        .expect("the package holds Chart.yaml");
    assert!(chart_yaml.contains("appVersion: \"yes\"\n"), "{chart_yaml}");
}
