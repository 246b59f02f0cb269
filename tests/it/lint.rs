//! `charts lint` and `charts create`.

use crate::common::{TestChart, TestEnv, stderr, stdout};

#[test]
fn create_scaffold_lints_clean_and_renders() {
    let env = TestEnv::new();
    let output = env.charts().args(["create", "shop"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let lint = env
        .charts()
        .args(["lint", "shop", "--strict"])
        .output()
        .unwrap();
    assert!(lint.status.success(), "{}", stdout(&lint));
    assert!(stdout(&lint).contains("1 chart(s) linted, 0 chart(s) failed"));

    let out = env
        .charts()
        .args([
            "template",
            "prod",
            "shop",
            "--set",
            "ingress.enabled=true,autoscaling.enabled=true",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let objects = crate::common::objects(&stdout(&out));
    let kinds: Vec<&str> = objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ServiceAccount",
            "Service",
            "Deployment",
            "HorizontalPodAutoscaler",
            "Ingress",
            "Pod"
        ]
    );
    let deployment = objects.iter().find(|o| o["kind"] == "Deployment").unwrap();
    assert_eq!(deployment["metadata"]["name"], "prod-shop");
    assert!(
        deployment["spec"].get("replicas").is_none(),
        "the HPA owns replicas"
    );

    let again = env.charts().args(["create", "shop"]).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"));
    let bad = env.charts().args(["create", "Bad_Name"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn lint_reports_problems_and_fails() {
    let env = TestEnv::new();
    // A Service with an invalid name and a non-string label, and one ConfigMap defined twice.
    let chart = TestChart::fixture_at(env.path().join("web"), "lint-errors");
    let output = env.charts().args(["lint", &chart.arg()]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains("[INFO] Chart.yaml: icon is recommended"),
        "{out}"
    );
    assert!(
        out.contains(
            "[ERROR] templates/svc.yaml: Service `My_Service`: name must be a DNS-1123 label"
        ),
        "{out}"
    );
    assert!(out.contains("label `port` must be a string"), "{out}");
    assert!(
        out.contains(
            "[ERROR] templates/dup.yaml: object ConfigMap/default/a is defined more than once"
        ),
        "{out}"
    );
    assert!(
        out.contains("1 chart(s) linted, 1 chart(s) failed"),
        "{out}"
    );
}

#[test]
fn lint_reports_render_errors_with_the_template() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").template(
        "x.yaml",
        "name: {{ Values.host | required(message=\"host is required\") }}\n",
    );
    let output = env.charts().args(["lint", &chart.arg()]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("[ERROR] templates/x.yaml:")
            && stdout(&output).contains("host is required"),
        "{}",
        stdout(&output)
    );
    let fixed = env
        .charts()
        .args(["lint", &chart.arg(), "--set", "host=x"])
        .output()
        .unwrap();
    // Renders now, but a document without apiVersion is still an error.
    assert!(
        stdout(&fixed).contains("has no `apiVersion`"),
        "{}",
        stdout(&fixed)
    );
}

#[test]
fn strict_turns_warnings_into_failures_and_directory_must_match_name() {
    let env = TestEnv::new();
    let chart = TestChart::at(env.path().join("web"), "web").file("Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\ndeprecated: true\nicon: https://example.com/i.png\n")
        .values("a: 1\n")
        .template("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
    assert!(
        env.charts()
            .args(["lint", &chart.arg()])
            .output()
            .unwrap()
            .status
            .success()
    );
    let strict = env
        .charts()
        .args(["lint", &chart.arg(), "--strict"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
    assert!(stdout(&strict).contains("[WARNING] Chart.yaml: chart is deprecated"));

    let other = TestChart::at(env.path().join("dir"), "api").values("a: 1\n");
    let output = env.charts().args(["lint", &other.arg()]).output().unwrap();
    assert!(
        stdout(&output).contains("directory name `dir` and chart name `api` must match"),
        "{}",
        stdout(&output)
    );
}
