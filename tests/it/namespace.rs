//! One namespace resolution for every command: `-n` > `CHARTS_NAMESPACE` > the kube context's
//! namespace > `default`, whether or not the command talks to the cluster.

use crate::common::{TestChart, TestEnv, stderr, stdout};

/// A chart whose one ConfigMap shows the namespace it renders for.
fn chart(env: &TestEnv) -> String {
    TestChart::new(env, "ns")
        .template(
            "configmap.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shown\n  namespace: {{ Release.Namespace }}\ndata:\n  namespace: {{ Release.Namespace }}\n",
        )
        .arg()
}

/// `charts template` with `extra` arguments and environment; the namespace the ConfigMap shows.
fn template_namespace(env: &TestEnv, extra: &[&str], variables: &[(&str, &str)]) -> String {
    let chart = chart(env);
    let output = env
        .command()
        .args(["template", "r", &chart])
        .args(extra)
        .envs(variables.iter().copied())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix("  namespace: "))
        .unwrap_or_else(|| panic!("no data namespace in\n{out}"));
    assert!(
        out.contains(&format!("  namespace: {line}\ndata:")),
        "metadata agrees: {out}"
    );
    line.to_string()
}

/// An environment whose kubeconfig context names the namespace `team-a`, on a server that is
/// never contacted (nothing listens on port 9 of loopback).
fn in_team_a() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "kubeconfig",
        charts_sandbox::kubeconfig("http://127.0.0.1:9", Some("team-a")),
    );
    env
}

// Bug: `template`, `lint` and `install --dry-run` used `default` when no `-n` was given, while a
// real install used the kube context's namespace.
#[test]
fn template_uses_the_context_namespace_unless_told_otherwise() {
    let env = in_team_a();
    assert_eq!(template_namespace(&env, &[], &[]), "team-a");
    assert_eq!(template_namespace(&env, &["-n", "dev"], &[]), "dev");
    assert_eq!(
        template_namespace(&env, &[], &[("CHARTS_NAMESPACE", "ci")]),
        "ci"
    );
    assert_eq!(
        template_namespace(&env, &["-n", "dev"], &[("CHARTS_NAMESPACE", "ci")]),
        "dev",
        "the flag beats the environment"
    );
    // `--kube-context` selects another context, which names no namespace.
    let config = charts_sandbox::kubeconfig("http://127.0.0.1:9", Some("team-a")).replace(
        "current-context: sandbox",
        "- name: other\n  context:\n    cluster: sandbox\n    user: sandbox\ncurrent-context: sandbox",
    );
    env.write("kubeconfig", config);
    assert_eq!(template_namespace(&env, &[], &[]), "team-a");
    assert_eq!(
        template_namespace(&env, &["--kube-context", "other"], &[]),
        "default"
    );
}

#[test]
fn template_without_a_usable_kubeconfig_uses_default() {
    let env = TestEnv::new();
    // The environment's KUBECONFIG names a file that does not exist.
    assert_eq!(template_namespace(&env, &[], &[]), "default");
    env.write("kubeconfig", "{{ not a kubeconfig");
    assert_eq!(template_namespace(&env, &[], &[]), "default");
    assert_eq!(template_namespace(&env, &["-n", "dev"], &[]), "dev");
}

#[test]
fn lint_renders_in_the_context_namespace() {
    let env = in_team_a();
    // A template that fails unless it renders for `team-a`.
    let chart = TestChart::new(&env, "strict")
        .template(
            "configmap.yaml",
            "{% if Release.Namespace != \"team-a\" %}{{ fail(message=\"rendered for \" ~ Release.Namespace) }}{% endif %}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shown\ndata: {}\n",
        )
        .arg();
    let output = env.command().args(["lint", &chart]).output().unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let output = env
        .command()
        .args(["lint", &chart, "-n", "dev"])
        .output()
        .unwrap();
    assert!(
        stdout(&output).contains("rendered for dev")
            || stderr(&output).contains("rendered for dev"),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}

#[test]
fn install_dry_run_and_install_agree_on_the_context_namespace() {
    let env = TestEnv::builder().context_namespace("team-a").build();
    let chart = chart(&env);
    let dry = env.json(&["install", "web", &chart, "--dry-run", "-o", "json"]);
    let real = env.json(&["install", "web", &chart, "--create-namespace", "-o", "json"]);
    assert_eq!(dry["namespace"], "team-a");
    assert_eq!(real["namespace"], "team-a");
    assert_eq!(dry["manifest"], real["manifest"]);
    assert!(
        dry["manifest"]
            .as_str()
            .unwrap()
            .contains("namespace: team-a"),
        "{dry}"
    );
}

// Bug: `uninstall --ignore-not-found` in a namespace that does not exist exited 1 ("namespace
// `nowhere` does not exist"), because the lock, which lives in that namespace, was taken before
// the history was read; idempotent clean-up steps in pipelines broke on it.
#[test]
fn uninstall_ignore_not_found_in_a_missing_namespace_is_nothing_to_do() {
    let env = TestEnv::builder().context_namespace("default").build();
    let output = env
        .command()
        .args(["uninstall", "web", "-n", "nowhere", "--ignore-not-found"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("nothing to do") || stdout(&output).contains("nothing to do"),
        "{}",
        stderr(&output)
    );
    let output = env
        .command()
        .args(["uninstall", "web", "-n", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("namespace `nowhere` does not exist"),
        "{}",
        stderr(&output)
    );
}
