//! `charts env list | down | gc` and pools (`env pool create`, `env claim`, `env release`),
//! through the CLI against the sandbox. Environments are seeded as namespaces carrying the
//! contract's labels and annotations (what `charts env up` writes), so these tests do not
//! depend on `up`.

use std::collections::BTreeSet;

use charts_sandbox::{Options, User};
use serde_json::{Value, json};

use crate::common::{TestChart, TestEnv, stderr, stdout};

/// Creates a namespace labelled as environment `name` with these annotations, as the admin.
fn seed_env(env: &TestEnv, name: &str, annotations: Value) {
    seed_namespace(
        env,
        name,
        json!({"app.kubernetes.io/managed-by": "charts", "charts.dev/env": name}),
        annotations,
    );
}

fn seed_namespace(env: &TestEnv, name: &str, labels: Value, annotations: Value) {
    let manifest = json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": name, "labels": labels, "annotations": annotations},
    });
    let path = env.write(&format!("ns-{name}.json"), manifest.to_string());
    let output = env.kubectl(&[
        "--context",
        "sandbox",
        "create",
        "-f",
        path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
}

/// `charts install NAME web-chart -n NAMESPACE` (a ConfigMap named after the release).
fn install(env: &TestEnv, chart: &TestChart, name: &str, namespace: &str) {
    env.ok(&["install", name, &chart.arg(), "-n", namespace]);
}

fn config_chart(env: &TestEnv) -> TestChart {
    TestChart::new(env, "app").template(
        "configmap.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Release.Name }}-config\ndata:\n  a: b\n",
    )
}

fn namespace_exists(env: &TestEnv, name: &str) -> Option<Value> {
    env.get(&["namespace", name, "--context", "sandbox"])
}

/// Gone, or terminating (its contents are being deleted).
fn going(env: &TestEnv, name: &str) -> bool {
    match namespace_exists(env, name) {
        None => true,
        Some(ns) => ns["metadata"]["deletionTimestamp"].is_string(),
    }
}

#[test]
fn env_list_shows_environments_releases_and_pools_from_two_requests() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    seed_env(
        &env,
        "feature-a",
        json!({"charts.dev/branch": "feature/a", "charts.dev/commit": "abc1234",
               "charts.dev/profile": "preview", "charts.dev/created-at": "2026-01-01T00:00:00Z",
               "charts.dev/expires-at": "2026-01-04T00:00:00Z"}),
    );
    seed_env(
        &env,
        "feature-b",
        json!({"charts.dev/branch": "feature/b", "charts.dev/created-at": "2025-12-20T00:00:00Z",
               "charts.dev/expires-at": "2026-01-01T12:00:00Z"}),
    );
    seed_env(&env, "main", json!({"charts.dev/branch": "main"}));
    // Not environments: never listed.
    seed_namespace(&env, "prod", json!({}), json!({}));
    let chart = config_chart(&env);
    install(&env, &chart, "web", "feature-a");
    install(&env, &chart, "db", "feature-a");
    install(&env, &chart, "web", "prod");
    env.ok(&["env", "pool", "create", "ci", "--size", "2"]);
    let claimed = env.ok(&[
        "env",
        "claim",
        "--pool",
        "ci",
        "--branch",
        "feature/c",
        "--ttl",
        "2h",
    ]);
    assert_eq!(claimed, "ci-1\n");

    env.sandbox.reset_counters();
    let listed = env.json(&["env", "list", "-o", "json"]);
    let counters = env.sandbox.counters();
    assert_eq!(
        (
            counters.total(),
            counters.get("list", "namespaces"),
            counters.get("list", "secrets")
        ),
        (2, 1, 1),
        "{counters:?}"
    );
    let environments = listed["environments"].as_array().unwrap();
    let names: Vec<&str> = environments
        .iter()
        .map(|e| e["namespace"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["feature-a", "feature-b", "main"]);
    let a = &environments[0];
    assert_eq!(a["branch"], "feature/a");
    assert_eq!(a["state"], "active");
    assert_eq!(a["expiresInSeconds"], 2 * 86_400);
    let releases: BTreeSet<&str> = a["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(releases, BTreeSet::from(["db", "web"]));
    assert_eq!(environments[1]["state"], "expired");
    assert_eq!(environments[2]["expiresAt"], Value::Null);
    let pool = &listed["pools"][0];
    assert_eq!(
        (
            pool["name"].as_str(),
            pool["size"].as_u64(),
            pool["free"].as_u64()
        ),
        (Some("ci"), Some(2), Some(1))
    );
    assert_eq!(pool["namespaces"][0]["claimedBy"], "sandbox-admin");
    assert_eq!(pool["namespaces"][0]["branch"], "feature/c");

    let table = env.ok(&["env", "list"]);
    let row = |namespace: &str| {
        table
            .lines()
            .find(|l| l.split('\t').nth(1).map(str::trim) == Some(namespace))
            .unwrap_or_else(|| panic!("no row for {namespace}:\n{table}"))
            .split('\t')
            .map(str::trim)
            .collect::<Vec<_>>()
    };
    let a = row("feature-a");
    assert_eq!(
        &a[2..6],
        [
            "feature/a",
            "abc1234",
            "preview",
            "db:deployed,web:deployed"
        ]
    );
    assert_eq!(&a[7..], ["1d", "in 2d", "active"]);
    assert_eq!(&row("feature-b")[7..], ["13d", "12h ago", "expired"]);
    assert_eq!(row("main")[8], "never");
    assert!(table.contains("POOL\tNAMESPACE"), "{table}");
    let pool_row = table.lines().find(|l| l.starts_with("ci ")).unwrap();
    assert!(
        pool_row.contains("sandbox-admin") && pool_row.contains("in 2h"),
        "{pool_row}"
    );
    assert!(!table.contains("prod"), "{table}");

    // `-l` narrows by namespace labels.
    let only = env.json(&["env", "list", "-o", "json", "-l", "charts.dev/env=main"]);
    assert_eq!(only["environments"].as_array().unwrap().len(), 1);
}

#[test]
fn env_down_refuses_a_namespace_it_did_not_create() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    let chart = config_chart(&env);
    seed_namespace(&env, "prod", json!({}), json!({}));
    install(&env, &chart, "web", "prod");
    // `install --create-namespace` marks its namespace managed by charts, but not as an
    // environment: still not `env down`'s to delete.
    env.ok(&[
        "install",
        "api",
        &chart.arg(),
        "-n",
        "shared",
        "--create-namespace",
    ]);
    for namespace in ["prod", "shared"] {
        let error = env.fails(&["env", "down", namespace]);
        assert!(
            error.contains(&format!(
                "namespace `{namespace}` was not created by `charts env`"
            )),
            "{error}"
        );
        assert!(error.contains("refusing to touch it"), "{error}");
        assert!(namespace_exists(&env, namespace).is_some());
    }
    assert_eq!(env.records("prod").len(), 1);
    let helm = "helm-owned";
    seed_namespace(
        &env,
        helm,
        json!({"app.kubernetes.io/managed-by": "Helm", "charts.dev/env": helm}),
        json!({}),
    );
    let error = env.fails(&["env", "down", helm]);
    assert!(error.contains("it is managed by `Helm`"), "{error}");

    // A missing environment is nothing to do.
    let output = env.run(&["env", "down", "nothing-here"]);
    assert!(output.status.success());
    assert!(stderr(&output).contains("does not exist: nothing to do"));
    let missing = env.json(&["env", "down", "nothing-here", "-o", "json"]);
    assert_eq!(missing["found"], false);
    assert_eq!(missing["releases"], json!([]));
}

#[test]
fn env_down_uninstalls_newest_first_then_deletes_the_namespace_and_waits() {
    let env = TestEnv::builder()
        .sandbox(Options::default().controller_delay(std::time::Duration::from_millis(20)))
        .build();
    let chart = config_chart(&env);
    // The namespace `env up --branch feature/x` would make.
    let namespace = env
        .ok(&["env", "name", "--branch", "feature/x"])
        .trim()
        .to_string();
    seed_env(&env, &namespace, json!({"charts.dev/branch": "feature/x"}));
    // Installed at different (fixed) times, so the newest is known.
    let at = |time: &str, name: &str| {
        let output = env
            .command()
            .env("CHARTS_TEST_NOW", time)
            .args(["install", name, &chart.arg(), "-n", &namespace])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
    };
    at("2026-01-01T01:00:00Z", "old");
    at("2026-01-01T03:00:00Z", "new");
    at("2026-01-01T02:00:00Z", "middle");

    let plan = env.ok(&["env", "down", "--branch", "feature/x", "--dry-run"]);
    assert_eq!(
        plan,
        format!(
            "would uninstall release `new` (revision 1, deployed)\nwould uninstall release `middle` (revision 1, deployed)\nwould uninstall release `old` (revision 1, deployed)\nwould delete namespace `{namespace}`\n"
        )
    );
    let planned = env.json(&[
        "env",
        "down",
        "--branch",
        "feature/x",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(
        planned,
        json!({"namespace": namespace, "found": true, "dryRun": true, "skipped": null,
               "releases": ["new", "middle", "old"], "namespaceDeleted": false, "namespaceGone": false})
    );
    assert_eq!(env.records(&namespace).len(), 3);

    let output = env.run(&["env", "down", &namespace, "--wait", "--timeout", "30s"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "environment `{namespace}` torn down (3 releases uninstalled, namespace deleted)\n"
        )
    );
    assert_eq!(
        stderr(&output),
        "uninstalled release `new`\nuninstalled release `middle`\nuninstalled release `old`\n"
    );
    assert_eq!(namespace_exists(&env, &namespace), None);
}

/// Six environments: three expired (two with releases), one expired but kept, one whose branch
/// is gone, one alive.
fn seed_gc_environments(env: &TestEnv) {
    let expired =
        json!({"charts.dev/expires-at": "2026-01-01T00:00:00Z", "charts.dev/branch": "main"});
    for name in ["old-1", "old-2", "old-3"] {
        seed_env(env, name, expired.clone());
    }
    seed_env(
        env,
        "kept",
        json!({"charts.dev/expires-at": "2026-01-01T00:00:00Z", "charts.dev/keep": "true", "charts.dev/branch": "gone"}),
    );
    seed_env(
        env,
        "merged",
        json!({"charts.dev/expires-at": "2026-02-01T00:00:00Z", "charts.dev/branch": "feature/merged"}),
    );
    seed_env(
        env,
        "alive",
        json!({"charts.dev/expires-at": "2026-02-01T00:00:00Z", "charts.dev/branch": "feature/alive"}),
    );
    let chart = config_chart(env);
    install(env, &chart, "web", "old-1");
    install(env, &chart, "web", "old-2");
    install(env, &chart, "api", "old-2");
    install(env, &chart, "web", "merged");
}

#[test]
fn env_gc_removes_expired_and_branchless_environments_never_kept_ones() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    seed_gc_environments(&env);
    let branches = env.write(
        "branches.txt",
        "  origin/HEAD -> origin/main\n  origin/main\n  origin/feature/alive\n",
    );
    let plan = env.ok(&[
        "env",
        "gc",
        "--dry-run",
        "--branches",
        branches.to_str().unwrap(),
    ]);
    assert_eq!(
        plan,
        "would remove `merged` (branch `feature/merged` is gone)\nwould remove `old-1` (expired 1d ago)\nwould remove `old-2` (expired 1d ago)\nwould remove `old-3` (expired 1d ago)\ngc: would remove 4 environments\n"
    );
    // Without `--branches`, only expiry counts.
    let removed = env.ok(&["env", "gc"]);
    assert_eq!(
        removed,
        "removed `old-1` (expired 1d ago): 1 release\nremoved `old-2` (expired 1d ago): 2 releases\nremoved `old-3` (expired 1d ago): 0 releases\ngc: removed 3 environments, skipped 0, failed 0\n"
    );
    for name in ["old-1", "old-2", "old-3"] {
        assert!(going(&env, name), "{name} should be deleted");
    }
    for name in ["kept", "merged", "alive"] {
        assert!(!going(&env, name), "{name} should stay");
    }
    // Branches from stdin.
    let output = env
        .charts()
        .args(["env", "gc", "--branches", "-"])
        .write_stdin("origin/main\norigin/feature/alive\n")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output)
            .starts_with("removed `merged` (branch `feature/merged` is gone): 1 release\n"),
        "{}",
        stdout(&output)
    );
    assert!(going(&env, "merged"));
    assert!(!going(&env, "kept") && !going(&env, "alive"));
    // An empty branch list would remove everything that names a branch: refused.
    let empty = env.write("empty.txt", "\n");
    let error = env.fails(&["env", "gc", "--branches", empty.to_str().unwrap()]);
    assert!(error.contains("names no branch"), "{error}");
}

#[test]
fn two_env_gc_runs_at_once_remove_each_environment_once_without_errors() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    seed_gc_environments(&env);
    let spawn = || {
        env.command()
            .args(["env", "gc", "-o", "json", "--parallel", "2"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(), spawn());
    let mut removed = Vec::new();
    for child in [first, second] {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let entries: Value = serde_json::from_slice(&output.stdout).unwrap();
        for entry in entries.as_array().unwrap() {
            assert_ne!(entry["outcome"], "failed", "{entry}");
            if entry["outcome"] == "removed" {
                removed.push(entry["namespace"].as_str().unwrap().to_string());
            }
        }
    }
    removed.sort();
    assert_eq!(
        removed,
        ["old-1", "old-2", "old-3"],
        "each removed exactly once"
    );
    for name in ["old-1", "old-2", "old-3"] {
        assert!(going(&env, name));
    }
    assert!(!going(&env, "kept"));
}

const CI_TOKEN: &str = "ci-token-env-ops";

/// The CI user `ci` may get, list and patch namespaces and has `edit` in the pool's
/// namespaces; it cannot create namespaces.
fn grant_pool_rights(env: &TestEnv, namespaces: &[&str]) {
    let admin = |args: &[&str]| {
        let mut all = vec!["--context", "sandbox"];
        all.extend_from_slice(args);
        let output = env.kubectl(&all);
        assert!(
            output.status.success(),
            "kubectl {all:?}: {}",
            stderr(&output)
        );
    };
    admin(&[
        "create",
        "clusterrole",
        "pool-claimer",
        "--verb=get,list,patch",
        "--resource=namespaces",
    ]);
    admin(&[
        "create",
        "clusterrolebinding",
        "ci-pool-claimer",
        "--clusterrole=pool-claimer",
        "--user=ci",
    ]);
    for namespace in namespaces {
        admin(&[
            "create",
            "rolebinding",
            "ci-edit",
            "-n",
            namespace,
            "--clusterrole=edit",
            "--user=ci",
        ]);
    }
}

#[test]
fn a_pool_is_claimed_by_two_pipelines_at_once_released_and_claimed_again_clean() {
    let env = TestEnv::builder()
        .sandbox(Options::default().user(User::new("ci", CI_TOKEN)))
        .build();
    env.sandbox
        .write_kubeconfig_as(&env.join("kubeconfig"), None, "ci")
        .unwrap();
    // The pool's profile: a chart with one ConfigMap, and a namespace label.
    TestChart::at(env.join("profiles/preview"), "preview").template(
        "settings.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: profile-settings\ndata:\n  env: {{ Env.Name }}\n",
    );
    env.write(
        "charts-profiles.yaml",
        "profiles:\n  preview:\n    chart: profiles/preview\n    labels: {pod-security.kubernetes.io/enforce: baseline}\n",
    );
    // The administrator creates the pool; running it again keeps it, a larger size grows it.
    let create = |size: &str| {
        env.ok(&[
            "env",
            "pool",
            "create",
            "ci",
            "--size",
            size,
            "--profile",
            "preview",
            "--kube-context",
            "sandbox",
        ])
    };
    assert_eq!(
        create("2"),
        "created ci-1\ncreated ci-2\nprofile `preview` applied to 2 namespaces\npool `ci`: 2 namespaces (2 new)\n"
    );
    assert_eq!(
        create("3"),
        "created ci-3\nexists  ci-1\nexists  ci-2\nprofile `preview` applied to 3 namespaces\npool `ci`: 3 namespaces (1 new)\n"
    );
    grant_pool_rights(&env, &["ci-1", "ci-2", "ci-3"]);
    for namespace in ["ci-1", "ci-2", "ci-3"] {
        let settings = env.configmap(namespace, "profile-settings").unwrap();
        assert_eq!(settings["data"]["env"], namespace);
        let labels = &namespace_exists(&env, namespace).unwrap()["metadata"]["labels"];
        assert_eq!(labels["pod-security.kubernetes.io/enforce"], "baseline");
        assert_eq!(labels["charts.dev/pool"], "ci");
    }
    // The CI user cannot create namespaces: it cannot make a pool (nor an environment).
    let error = env.fails(&["env", "pool", "create", "other", "--size", "1"]);
    assert!(
        error.contains("User \\\"ci\\\" cannot create resource \\\"namespaces\\\"")
            || error.contains("User \"ci\" cannot create resource \"namespaces\""),
        "{error}"
    );

    // Two pipelines claim at the same moment: each gets its own namespace.
    let claim = |branch: &str| {
        env.command()
            .args([
                "env", "claim", "--pool", "ci", "--branch", branch, "--commit", "c0ffee", "-o",
                "json",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (claim("feature/one"), claim("feature/two"));
    let mut claims = Vec::new();
    for child in [first, second] {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let claimed: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(claimed["claimedBy"], "ci");
        assert_eq!(claimed["commit"], "c0ffee");
        assert_eq!(
            claimed["expiresAt"], "2026-01-09T00:00:00Z",
            "the default TTL: 7d"
        );
        claims.push((
            claimed["namespace"].as_str().unwrap().to_string(),
            claimed["branch"].as_str().unwrap().to_string(),
        ));
    }
    claims.sort();
    assert_ne!(
        claims[0].0, claims[1].0,
        "two claims, two namespaces: {claims:?}"
    );
    let mut branches: Vec<&str> = claims.iter().map(|c| c.1.as_str()).collect();
    branches.sort();
    assert_eq!(branches, ["feature/one", "feature/two"]);
    let (held, _) = claims[0].clone();

    // The build deploys as the CI user and leaves an object of its own behind.
    let chart = config_chart(&env);
    install(&env, &chart, "web", &held);
    let leftover = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
        "name": "build-cache", "namespace": held, "labels": {"charts.dev/env": held}}});
    let path = env.write("leftover.json", leftover.to_string());
    let output = env.kubectl(&["create", "-f", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));

    let listed = env.json(&["env", "list", "-o", "json", "--kube-context", "sandbox"]);
    assert_eq!(listed["pools"][0]["free"], 1);

    let output = env.run(&["env", "release", &held]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "namespace `{held}` returned to its pool (1 release uninstalled, 1 leftover object deleted)\n"
        )
    );
    assert!(
        stderr(&output).contains("deleted leftover ConfigMap/build-cache"),
        "{}",
        stderr(&output)
    );
    let only_profile = |namespace: &str| {
        let records = env.records(namespace);
        assert!(
            !records.is_empty()
                && records
                    .iter()
                    .all(|(name, _)| name.starts_with("charts.release.v1.charts-profile.v")),
            "only the profile's release stays in {namespace}: {records:?}"
        );
    };
    only_profile(&held);
    assert_eq!(env.configmap(&held, "web-config"), None);
    assert_eq!(env.configmap(&held, "build-cache"), None);
    assert!(
        env.configmap(&held, "profile-settings").is_some(),
        "the profile stays"
    );
    let namespace = namespace_exists(&env, &held).unwrap();
    let annotations = &namespace["metadata"]["annotations"];
    assert!(
        annotations.get("charts.dev/claimed-by").is_none(),
        "{annotations}"
    );
    assert!(
        annotations.get("charts.dev/branch").is_none(),
        "{annotations}"
    );

    // Claimed again: the released namespace comes back clean.
    let again = env.json(&[
        "env",
        "claim",
        "--pool",
        "ci",
        "--branch",
        "feature/three",
        "-o",
        "json",
    ]);
    assert_eq!(again["branch"], "feature/three");
    let namespace = again["namespace"].as_str().unwrap().to_string();
    assert_eq!(
        again["releases"].as_array().map(Vec::len),
        Some(0),
        "a fresh claim holds no release"
    );
    assert!(env.configmap(&namespace, "build-cache").is_none());

    // The third namespace goes to a fourth pipeline; then every one is claimed, and a fifth
    // pipeline is told so.
    env.ok(&["env", "claim", "--pool", "ci", "--branch", "feature/four"]);
    let error = env.fails(&["env", "claim", "--pool", "ci", "--branch", "feature/five"]);
    assert!(error.contains("no free namespace in pool `ci`"), "{error}");

    // Days later the claims have expired: the next pipeline takes one over, emptied first.
    for namespace in ["ci-1", "ci-2", "ci-3"] {
        install(&env, &chart, "stale", namespace);
    }
    let output = env
        .command()
        .env("CHARTS_TEST_NOW", "2026-01-10T00:00:00Z")
        .args(["env", "claim", "--pool", "ci", "--branch", "feature/six"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("took over"), "{}", stderr(&output));
    let taken = stdout(&output).trim().to_string();
    // The expired claim's releases are gone, the profile stays.
    only_profile(&taken);
}

/// An environment made by `env up` with a profile: `down` uninstalls the deploys, then the
/// profile (`charts-profile`) last, then the namespace; a later `env list` no longer shows it.
#[test]
fn env_down_after_env_up_removes_the_profile_last() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    TestChart::at(env.join("profiles/preview"), "preview").template(
        "settings.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: profile-settings\ndata:\n  env: {{ Env.Name }}\n",
    );
    env.write(
        "charts-profiles.yaml",
        "profiles:\n  preview:\n    chart: profiles/preview\n",
    );
    let up = env.json(&[
        "env",
        "up",
        "--branch",
        "feature/p",
        "--profile",
        "preview",
        "-o",
        "json",
    ]);
    let namespace = up["namespace"].as_str().unwrap().to_string();
    let chart = config_chart(&env);
    env.ok(&[
        "install",
        "web",
        &chart.arg(),
        "--env",
        up["name"].as_str().unwrap(),
    ]);
    let listed = env.json(&["env", "list", "-o", "json"]);
    let releases: Vec<&str> = listed["environments"][0]["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(releases.len(), 2, "{releases:?}");
    assert!(env.ok(&["env", "list"]).contains("\tweb:deployed"));

    let plan = env.ok(&["env", "down", "--branch", "feature/p", "--dry-run"]);
    assert_eq!(
        plan,
        format!(
            "would uninstall release `web` (revision 1, deployed)\nwould uninstall release `charts-profile` (revision 1, deployed)\nwould delete namespace `{namespace}`\n"
        )
    );
    let output = env.run(&["env", "down", "--branch", "feature/p", "--wait"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "uninstalled release `web`\nuninstalled release `charts-profile`\n"
    );
    assert_eq!(namespace_exists(&env, &namespace), None);
    let listed = env.json(&["env", "list", "-o", "json"]);
    assert_eq!(listed["environments"], json!([]));
}
