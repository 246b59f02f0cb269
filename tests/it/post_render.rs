//! `--post-renderer CMD [--post-renderer-args ARG]...` on `template`, `install` and `upgrade`,
//! with small shell scripts as post-renderers, against the sandbox API server.

use crate::common::{TestChart, TestEnv, objects, stderr};

/// An executable shell script at `<env>/<name>`; returns its path.
fn script(env: &TestEnv, name: &str, body: &str) -> String {
    let path = env.write(name, format!("#!/bin/sh\n{body}"));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

/// Adds the label `post-rendered: "<first argument, or yes>"` under every `labels:` of
/// `metadata` (the chart below gives every object one).
fn add_label(env: &TestEnv) -> String {
    script(
        env,
        "add-label.sh",
        r#"value="${1:-yes}"
awk -v v="$value" '{print} /^  labels:$/ {print "    post-rendered: \"" v "\""}'
"#,
    )
}

/// A chart with a ConfigMap, a Service and a hook (a ConfigMap), each with labels.
fn chart(env: &TestEnv, greeting: &str) -> TestChart {
    TestChart::new(env, "app")
        .values(&format!("greeting: {greeting}\n"))
        .template(
            "configmap.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Release.Name }}-config\n  labels:\n    app: demo\ndata:\n  greeting: {{ Values.greeting }}\n",
        )
        .template(
            "service.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ Release.Name }}-svc\n  labels:\n    app: demo\nspec:\n  ports:\n    - port: 80\n",
        )
        .template(
            "hook.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Release.Name }}-hook\n  labels:\n    app: demo\n  annotations:\n    helm.sh/hook: post-install,post-upgrade\ndata:\n  ran: \"yes\"\n",
        )
}

#[test]
fn post_renderer_output_is_what_is_applied_and_recorded() {
    let lab = TestEnv::with_sandbox();
    let chart = chart(&lab, "hello");
    let add_label = add_label(&lab);
    lab.ok(&[
        "install",
        "r",
        &chart.arg(),
        "--post-renderer",
        &add_label,
        "--post-renderer-args",
        "first",
    ]);
    // In the cluster: the objects and the hook carry the label the script added.
    let config = lab.configmap("default", "r-config").unwrap();
    assert_eq!(config["metadata"]["labels"]["post-rendered"], "first");
    assert_eq!(config["data"]["greeting"], "hello");
    let service = lab.get(&["service", "r-svc", "-n", "default"]).unwrap();
    assert_eq!(service["metadata"]["labels"]["post-rendered"], "first");
    let hook = lab.configmap("default", "r-hook").unwrap();
    assert_eq!(hook["metadata"]["labels"]["post-rendered"], "first");
    // In the record: the manifest and the hooks are the post-rendered ones.
    let manifest = lab.ok(&["get", "manifest", "r"]);
    assert_eq!(manifest.matches("post-rendered:").count(), 2, "{manifest}");
    assert!(!manifest.contains("r-hook"), "{manifest}");
    assert!(
        manifest.contains("# Source: app/templates/configmap.yaml"),
        "{manifest}"
    );
    let hooks = lab.ok(&["get", "hooks", "r"]);
    assert!(hooks.contains("post-rendered: first"), "{hooks}");

    // An upgrade goes through it too; without it, the next upgrade drops the label.
    lab.ok(&[
        "upgrade",
        "r",
        &chart.arg(),
        "--set",
        "greeting=again",
        "--post-renderer",
        &add_label,
    ]);
    let config = lab.configmap("default", "r-config").unwrap();
    assert_eq!(config["metadata"]["labels"]["post-rendered"], "yes");
    assert_eq!(config["data"]["greeting"], "again");
    lab.ok(&["upgrade", "r", &chart.arg()]);
    let config = lab.configmap("default", "r-config").unwrap();
    assert!(config["metadata"]["labels"].get("post-rendered").is_none());
}

#[test]
fn a_failing_post_renderer_applies_nothing_and_records_no_revision() {
    let lab = TestEnv::with_sandbox();
    let chart = chart(&lab, "hello");
    lab.ok(&["install", "r", &chart.arg()]);
    let before = lab.records("default");
    let failing = script(
        &lab,
        "fail.sh",
        "cat >/dev/null\necho 'kustomize: no matches for patch target' >&2\nexit 4\n",
    );
    let error = lab.fails(&[
        "upgrade",
        "r",
        &chart.arg(),
        "--set",
        "greeting=changed",
        "--post-renderer",
        &failing,
    ]);
    assert!(error.contains("exited with status 4"), "{error}");
    assert!(
        error.contains("kustomize: no matches for patch target"),
        "{error}"
    );
    assert!(error.contains("nothing was applied"), "{error}");
    assert_eq!(lab.records("default"), before);
    let config = lab.configmap("default", "r-config").unwrap();
    assert_eq!(config["data"]["greeting"], "hello");

    // An install that fails so leaves no release and no object.
    let error = lab.fails(&[
        "install",
        "other",
        &chart.arg(),
        "--post-renderer",
        &failing,
    ]);
    assert!(error.contains("exited with status 4"), "{error}");
    assert!(lab.configmap("default", "other-config").is_none());
    assert_eq!(lab.records("default"), before);
}

#[test]
fn a_post_renderer_printing_garbage_is_a_located_error() {
    let lab = TestEnv::with_sandbox();
    let chart = chart(&lab, "hello");
    let garbage = script(
        &lab,
        "garbage.sh",
        "cat >/dev/null\nprintf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: fine\\n---\\nkind: ConfigMap\\nmetadata: {name: x\\n  labels: [\\n'\n",
    );
    let error = lab.fails(&["install", "r", &chart.arg(), "--post-renderer", &garbage]);
    assert!(error.contains("printed invalid YAML at line"), "{error}");
    assert!(
        error.contains(&format!("post-renderer `{garbage}`")),
        "{error}"
    );
    assert!(lab.configmap("default", "fine").is_none());
    assert!(lab.records("default").is_empty());

    let nameless = script(
        &lab,
        "nameless.sh",
        "cat >/dev/null\nprintf -- '---\\napiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: a\\n---\\napiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  labels: {}\\n'\n",
    );
    let error = lab.fails(&["install", "r", &chart.arg(), "--post-renderer", &nameless]);
    assert!(
        error.contains("document 2 of its output, starting at line 7"),
        "{error}"
    );
    assert!(error.contains("no `metadata.name`"), "{error}");

    let silent = script(&lab, "silent.sh", "cat >/dev/null\n");
    let error = lab.fails(&["install", "r", &chart.arg(), "--post-renderer", &silent]);
    assert!(
        error.contains("printed no objects (it was given 3)"),
        "{error}"
    );

    let doubled = script(
        &lab,
        "doubled.sh",
        "in=$(cat)\nprintf '%s\\n%s\\n' \"$in\" \"$in\"\n",
    );
    let error = lab.fails(&["install", "r", &chart.arg(), "--post-renderer", &doubled]);
    assert!(error.contains("twice"), "{error}");

    let error = lab.fails(&[
        "install",
        "r",
        &chart.arg(),
        "--post-renderer",
        "no-such-post-renderer",
    ]);
    assert!(
        error.contains("cannot run post-renderer `no-such-post-renderer`"),
        "{error}"
    );
    assert!(lab.records("default").is_empty());
}

#[test]
fn template_prints_the_post_rendered_objects_hooks_included() {
    let env = TestEnv::new();
    let chart = chart(&env, "hello");
    let add_label = add_label(&env);
    let output = env.ok(&[
        "template",
        "r",
        &chart.arg(),
        "--post-renderer",
        &add_label,
        "--post-renderer-args",
        "tmpl",
    ]);
    let objects = objects(&output);
    assert_eq!(objects.len(), 3, "{output}");
    for object in &objects {
        assert_eq!(
            object["metadata"]["labels"]["post-rendered"], "tmpl",
            "{output}"
        );
    }
    // Each document keeps its `# Source:` line, once.
    assert_eq!(
        output.matches("# Source: app/templates/hook.yaml").count(),
        1,
        "{output}"
    );

    // Arguments that look like flags reach the command; objects it renames keep their source.
    let output = env.ok(&[
        "template",
        "r",
        &chart.arg(),
        "--post-renderer",
        "sed",
        "--post-renderer-args",
        "-e",
        "--post-renderer-args",
        "s/name: r-svc/name: renamed-svc/",
    ]);
    assert!(output.contains("name: renamed-svc"), "{output}");
    assert!(
        output.contains("# Source: app/templates/service.yaml\n"),
        "{output}"
    );

    let failing = script(&env, "fail.sh", "cat >/dev/null\nexit 3\n");
    let output = env.run(&["template", "r", &chart.arg(), "--post-renderer", &failing]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("exited with status 3 and printed nothing on stderr"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
}
