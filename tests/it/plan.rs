//! `charts plan` and `upgrade --plan` through the CLI against the sandbox (which stores objects
//! and runs no containers), and what an upgrade does with changes of fields that cannot change:
//! refused before anything changes, or replaced with `--force-replace` or the object's
//! `charts.dev/replace-on-change` annotation. kubectl checks what is in the cluster.

use charts_sandbox::Options;
use serde_json::Value;

use crate::common::{TestChart, TestEnv, stderr, stdout};

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
{%- if Values.replaceOnChange %}
  annotations:
    charts.dev/replace-on-change: "true"
{%- endif %}
spec:
  replicas: 1
  selector:
    matchLabels: {app: {{ Values.selector }}}
  template:
    metadata:
      labels: {app: {{ Values.selector }}}
    spec:
      containers:
        - name: web
          image: {{ Values.image }}
"#;

const SECRET: &str = r#"apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: {{ Values.password }}
  user: admin
"#;

const CONFIGMAPS: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {% if Values.renamed %}settings-v2{% else %}settings{% endif %}
data:
  mode: fast
"#;

/// A sandbox with namespace `dev`, and the chart `web`: a Deployment, a Secret, a ConfigMap whose
/// name a value changes, and a pre-upgrade hook.
fn lab() -> (TestEnv, String) {
    let env = TestEnv::builder()
        .sandbox(Options::default())
        .context_namespace("dev")
        .namespaces(&["dev"])
        .build();
    let chart = TestChart::new(&env, "web")
        .values(
            "image: nginx:1.27\nselector: web\npassword: hunter2-secret\nrenamed: false\nreplaceOnChange: false\n",
        )
        .template("deployment.yaml", DEPLOYMENT)
        .template("secret.yaml", SECRET)
        .template("configmap.yaml", CONFIGMAPS)
        .template(
            "hook.yaml",
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-upgrade\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: busybox}]\n",
        )
        .arg();
    (env, chart)
}

fn plan_json(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["plan", "web"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", "json"]);
    env.json(&all)
}

/// The plan's entries as `action Kind/name`, unchanged ones left out.
fn changes(plan: &Value) -> Vec<String> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] != "unchanged")
        .map(|c| {
            format!(
                "{} {}/{}",
                c["action"].as_str().unwrap(),
                c["kind"].as_str().unwrap(),
                c["name"].as_str().unwrap()
            )
        })
        .collect()
}

fn uid(env: &TestEnv, kind: &str, name: &str) -> String {
    env.get(&[kind, name, "-n", "dev"]).unwrap()["metadata"]["uid"]
        .as_str()
        .unwrap()
        .to_string()
}

fn revisions(env: &TestEnv) -> Vec<(u64, String)> {
    env.json(&["history", "web", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["revision"].as_u64().unwrap(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_install_plans_every_object_as_create_and_an_unchanged_release_plans_nothing() {
    let (env, chart) = lab();
    let plan = plan_json(&env, &[&chart]);
    assert_eq!(plan["install"], true);
    assert_eq!(
        changes(&plan),
        [
            "create Secret/creds",
            "create ConfigMap/settings",
            "create Deployment/web"
        ]
    );
    assert_eq!(
        plan["hooks"].as_array().unwrap().len(),
        0,
        "pre-upgrade is not an install hook"
    );
    assert!(
        env.get(&["deployment", "web", "-n", "dev"]).is_none(),
        "nothing was created"
    );

    env.ok(&["install", "web", &chart]);
    let output = env.run(&["plan", "web", &chart, "--exit-code"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        !text
            .lines()
            .any(|line| line.contains(" create ") || line.contains(" update ")),
        "{text}"
    );
    assert!(
        text.contains("Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 3 unchanged.\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "Hooks that would run (not checked with the server):\n  Job migrate (pre-upgrade)"
        ),
        "{text}"
    );
    let shown = env.ok(&["plan", "web", &chart, "--show-unchanged"]);
    assert!(
        shown.contains("=   unchanged Deployment dev/web"),
        "{shown}"
    );
}

#[test]
fn a_changed_image_is_one_update_whose_diff_shows_it_and_renamed_objects_are_delete_and_create() {
    let (env, chart) = lab();
    env.ok(&["install", "web", &chart]);
    let output = env.run(&[
        "plan",
        "web",
        &chart,
        "--set",
        "image=nginx:1.28",
        "--exit-code",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("~   update    Deployment dev/web\n"),
        "{text}"
    );
    assert!(text.contains("-        image: nginx:1.27\n"), "{text}");
    assert!(text.contains("+        image: nginx:1.28\n"), "{text}");
    for noise in [
        "managedFields",
        "resourceVersion",
        "uid:",
        "generation",
        "status:",
    ] {
        assert!(
            !text.contains(noise),
            "server noise `{noise}` in the diff: {text}"
        );
    }
    assert!(
        text.contains("Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 2 unchanged."),
        "{text}"
    );

    let plan = plan_json(&env, &[&chart, "--set", "renamed=true"]);
    assert_eq!(
        changes(&plan),
        ["create ConfigMap/settings-v2", "delete ConfigMap/settings"]
    );
    assert_eq!(plan["summary"]["delete"], 1);
    // `upgrade --plan` is the same plan, and changes nothing.
    let output = env.run(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "renamed=true",
        "--plan",
        "--exit-code",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stdout(&output).contains("-   delete    ConfigMap dev/settings\n"));
    assert!(env.configmap("dev", "settings").is_some());
    assert!(env.configmap("dev", "settings-v2").is_none());
    assert_eq!(revisions(&env), [(1, "deployed".to_string())]);
}

#[test]
fn secret_values_never_appear_in_a_plan_only_the_keys_that_change() {
    let (env, chart) = lab();
    env.ok(&["install", "web", &chart]);
    let args = ["plan", "web", &chart, "--set", "password=correct-horse"];
    let text = env.ok(&args);
    let json = env.ok(&[&args[..], &["-o", "json"]].concat());
    for output in [&text, &json] {
        for secret in ["hunter2-secret", "correct-horse", "admin"] {
            assert!(!output.contains(secret), "`{secret}` shown: {output}");
        }
        // Nor in base64, as the API server keeps them.
        for secret in ["aHVudGVyMi1zZWNyZXQ=", "Y29ycmVjdC1ob3JzZQ==", "YWRtaW4="] {
            assert!(!output.contains(secret), "`{secret}` shown: {output}");
        }
    }
    assert!(
        text.contains("Secret dev/creds (Secret keys changed: password; values masked)"),
        "{text}"
    );
    assert!(text.contains("+  password: (masked, changed)"), "{text}");
    let plan: Value = serde_json::from_str(&json).unwrap();
    let secret = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "Secret")
        .unwrap();
    assert_eq!(secret["action"], "update");
    assert_eq!(secret["changedKeys"], serde_json::json!(["password"]));
}

#[test]
fn an_immutable_change_is_planned_as_replace_refused_without_force_replace_and_applied_with_it() {
    let (env, chart) = lab();
    env.ok(&["install", "web", &chart]);
    let before = uid(&env, "deployment", "web");

    let plan = plan_json(&env, &[&chart, "--set", "selector=web-v2"]);
    assert_eq!(changes(&plan), ["replace Deployment/web"]);
    let entry = &plan["changes"][2];
    assert_eq!(entry["fields"][0]["field"], "spec.selector");
    assert!(
        entry["fields"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("field is immutable")
    );

    let error = env.fails(&["upgrade", "web", &chart, "--set", "selector=web-v2"]);
    assert!(
        error.contains("Deployment `dev/web` (spec.selector)"),
        "{error}"
    );
    assert!(error.contains("nothing was changed"), "{error}");
    assert!(error.contains("--force-replace"), "{error}");
    assert!(error.contains("charts.dev/replace-on-change"), "{error}");
    assert!(error.contains("charts plan web"), "{error}");
    assert_eq!(
        revisions(&env),
        [(1, "deployed".to_string())],
        "no revision was written"
    );
    assert_eq!(uid(&env, "deployment", "web"), before);
    // The pre-upgrade hook did not run either.
    assert!(env.get(&["job", "migrate", "-n", "dev"]).is_none());

    env.ok(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "selector=web-v2",
        "--force-replace",
    ]);
    let live = env.get(&["deployment", "web", "-n", "dev"]).unwrap();
    assert_ne!(
        live["metadata"]["uid"].as_str().unwrap(),
        before,
        "recreated"
    );
    assert_eq!(live["spec"]["selector"]["matchLabels"]["app"], "web-v2");
    assert_eq!(
        revisions(&env),
        [(1, "superseded".to_string()), (2, "deployed".to_string())]
    );
    let history = env.json(&["history", "web", "-o", "json"]);
    assert_eq!(history[1]["description"], "Upgrade complete");
    // Rolling back is the same change the other way: refused, then replaced.
    let error = env.fails(&["rollback", "web", "1"]);
    assert!(
        error.contains("Deployment `dev/web` (spec.selector)"),
        "{error}"
    );
    env.ok(&["rollback", "web", "1", "--force-replace"]);
    let live = env.get(&["deployment", "web", "-n", "dev"]).unwrap();
    assert_eq!(live["spec"]["selector"]["matchLabels"]["app"], "web");
}

#[test]
fn the_replace_on_change_annotation_alone_lets_an_upgrade_replace_the_object() {
    let (env, chart) = lab();
    env.ok(&["install", "web", &chart, "--set", "replaceOnChange=true"]);
    let before = uid(&env, "deployment", "web");
    let plan = env.ok(&[
        "plan",
        "web",
        &chart,
        "--set",
        "replaceOnChange=true",
        "--set",
        "selector=v2",
    ]);
    assert!(
        plan.contains("-/+ replace   Deployment dev/web (cannot change spec.selector; replaced: charts.dev/replace-on-change)"),
        "{plan}"
    );
    env.ok(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "replaceOnChange=true",
        "--set",
        "selector=v2",
    ]);
    assert_ne!(uid(&env, "deployment", "web"), before);
    // The other objects were not replaced.
    assert_eq!(revisions(&env).last().unwrap().1, "deployed");
}

#[test]
fn a_plan_without_the_namespace_says_so_unless_the_deploy_would_create_it() {
    let env = TestEnv::builder()
        .sandbox(Options::default())
        .context_namespace("dev")
        .build();
    let chart = TestChart::new(&env, "web")
        .template(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
        )
        .arg();
    let error = env.fails(&["plan", "web", &chart]);
    assert!(error.contains("namespace `dev` does not exist"), "{error}");
    let plan = env.json(&["plan", "web", &chart, "--create-namespace", "-o", "json"]);
    assert_eq!(changes(&plan), ["create ConfigMap/a"]);
}

/// A replacement that stops after the deletion (here: the apply that would create the object
/// again is refused) leaves the release recoverable: the failed revision says what was deleted,
/// and running the upgrade again, without `--force-replace`, creates it.
#[test]
fn a_replacement_that_fails_after_the_deletion_is_completed_by_the_next_upgrade() {
    let (env, chart) = lab();
    env.ok(&["install", "web", &chart]);
    // The first apply of a Deployment is the check's dry run; the second, the real apply.
    env.sandbox.faults().add(
        charts_sandbox::Fault::status(422)
            .verb("apply")
            .resource("deployments")
            .nth(2)
            .times(1),
    );
    let error = env.fails(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "selector=v2",
        "--force-replace",
    ]);
    assert!(
        error.contains("cannot apply Deployment `dev/web`"),
        "{error}"
    );
    assert!(env.get(&["deployment", "web", "-n", "dev"]).is_none());
    let history = env.json(&["history", "web", "-o", "json"]);
    let description = history[1]["description"].as_str().unwrap();
    assert_eq!(history[1]["status"], "failed");
    assert!(
        description.contains("(deleted to replace: Deployment `dev/web` (spec.selector))"),
        "{description}"
    );
    env.sandbox.faults().clear();
    env.ok(&["upgrade", "web", &chart, "--set", "selector=v2"]);
    let live = env.get(&["deployment", "web", "-n", "dev"]).unwrap();
    assert_eq!(live["spec"]["selector"]["matchLabels"]["app"], "v2");
    assert_eq!(
        revisions(&env).last().unwrap(),
        &(3, "deployed".to_string())
    );
}

/// Objects that exist without our label are not in the labelled LIST: a plan still compares them
/// (with `--take-ownership`), and refuses them as `apply` would without it, or with another
/// field manager's fields.
#[test]
fn an_object_someone_else_created_is_refused_or_planned_as_an_update_when_adopted() {
    let (env, chart) = lab();
    let output = env.kubectl(&[
        "create",
        "configmap",
        "settings",
        "-n",
        "dev",
        "--from-literal=mode=slow",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let error = env.fails(&["plan", "web", &chart]);
    assert!(error.contains("ConfigMap `dev/settings`"), "{error}");
    assert!(error.contains("--take-ownership"), "{error}");
    // kubectl owns `data.mode`: the plan meets the conflict the apply would.
    let error = env.fails(&["plan", "web", &chart, "--take-ownership"]);
    assert!(
        error.contains("`kubectl-create` owns .data.mode"),
        "{error}"
    );
    let plan = plan_json(&env, &[&chart, "--take-ownership", "--force-conflicts"]);
    let entry = &plan["changes"][1];
    assert_eq!(
        (entry["action"].as_str(), entry["name"].as_str()),
        (Some("update"), Some("settings"))
    );
    let diff = entry["diff"].as_str().unwrap();
    assert!(diff.contains("-  mode: slow\n+  mode: fast\n"), "{diff}");
}
