//! `charts env` and deploying into environments (issue 12): names from branches, `env up`
//! (idempotent, renewing expiry, applying profiles), `install|upgrade --env|--branch`, and
//! refusing namespaces `charts env` did not make. Against the sandbox API server.

use charts_sandbox::Options;
use serde_json::Value;

use crate::common::{TestChart, TestEnv, stderr};

/// The environment name `charts env name` prints for a branch.
fn name_of(env: &TestEnv, branch: &str) -> String {
    env.ok(&["env", "name", &format!("--branch={branch}")])
        .trim()
        .to_string()
}

fn is_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
}

#[test]
fn branches_map_to_valid_distinct_stable_names() {
    let env = TestEnv::new();
    assert_eq!(name_of(&env, "main"), "main");
    let login = name_of(&env, "feature/Login_v2");
    assert!(login.starts_with("feature-login-v2-"), "{login}");
    assert_eq!(name_of(&env, "feature/Login_v2"), login, "stable");
    // Branches that differ only in what the mapping loses never share a name.
    let names = [
        name_of(&env, "feature/a_b"),
        name_of(&env, "feature/a-b"),
        name_of(&env, "feature-a-b"),
        name_of(&env, "Feature-A-B"),
    ];
    for (i, a) in names.iter().enumerate() {
        assert!(is_label(a), "{a}");
        for b in &names[i + 1..] {
            assert_ne!(a, b);
        }
    }
    // Long branches are cut, with a hash that tells apart those sharing the head.
    let long = format!("feature/{}", "a-very-long-branch-name-".repeat(5));
    let (one, two) = (name_of(&env, &long), name_of(&env, &format!("{long}2")));
    assert_eq!(one.len(), 63);
    assert_ne!(one, two);
    // Unicode, and names starting with a digit or a dash.
    for branch in ["fix/Ümlaut-日本", "日本語", "123-hotfix", "-dash", "___"] {
        let name = name_of(&env, branch);
        assert!(is_label(&name), "{branch} → {name}");
    }
    assert!(name_of(&env, "123-hotfix").starts_with("env-123-hotfix-"));
    assert_ne!(name_of(&env, "日本語"), name_of(&env, "中文"));
}

#[test]
fn prefix_comes_from_flag_then_variable_then_charts_yaml() {
    let env = TestEnv::new();
    env.write("charts.yaml", "env:\n  prefix: shop-\n  ttl: 2d\n");
    env.write("sub/dir/.keep", "");
    let json = env.json(&["env", "name", "--branch", "main", "-o", "json"]);
    assert_eq!(json["namespace"], "shop-main");
    assert_eq!(json["name"], "main");
    // Found from a subdirectory too.
    let output = env
        .command()
        .current_dir(env.join("sub/dir"))
        .args(["env", "name", "main", "-o", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["namespace"], "shop-main");
    let output = env
        .command()
        .env("CHARTS_ENV_PREFIX", "var-")
        .args(["env", "name", "main", "-o", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["namespace"], "var-main");
    let output = env
        .command()
        .env("CHARTS_ENV_PREFIX", "var-")
        .args(["env", "name", "main", "--prefix", "flag-", "-o", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["namespace"], "flag-main");
    // CHARTS_CONFIG names another file.
    env.write("elsewhere.yaml", "env:\n  prefix: other-\n");
    let output = env
        .command()
        .env("CHARTS_CONFIG", env.join("elsewhere.yaml"))
        .args(["env", "name", "main"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "main\n");
    let output = env
        .command()
        .env("CHARTS_CONFIG", env.join("elsewhere.yaml"))
        .args(["env", "name", "main", "-o", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["namespace"], "other-main");
}

#[test]
fn bad_names_and_configuration_are_refused_with_what_is_wrong() {
    let env = TestEnv::new();
    let error = env.fails(&["env", "name", "Feature/X"]);
    assert!(
        error.contains("invalid environment name `Feature/X`"),
        "{error}"
    );
    assert!(error.contains("--branch"), "{error}");
    let output = env.run(&["env", "name"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    env.write("charts.yaml", "env:\n  prefix: shop-\n  tll: 3d\n");
    let error = env.fails(&["env", "name", "main"]);
    assert!(error.contains("charts.yaml"), "{error}");
    assert!(error.contains("line 3") && error.contains("tll"), "{error}");
    env.write("charts.yaml", "env:\n  ttl: soon\n");
    let error = env.fails(&["env", "name", "main"]);
    assert!(
        error.contains("(line 2)") && error.contains("`soon`"),
        "{error}"
    );
}

/// A profiles file with a `preview` profile: a four-object chart (quota of `pods` Pods, a
/// LimitRange, a NetworkPolicy, a RoleBinding naming `Env.Name`), a namespace label, and the
/// Secret `pull` copied from `default`.
fn preview_profile(env: &TestEnv, pods: u32) {
    TestChart::at(env.join("profiles/preview"), "preview")
        .template(
            "quota.yaml",
            &format!(
                "apiVersion: v1\nkind: ResourceQuota\nmetadata: {{name: quota}}\nspec: {{hard: {{pods: \"{pods}\"}}}}\n"
            ),
        )
        .template(
            "limits.yaml",
            "apiVersion: v1\nkind: LimitRange\nmetadata: {name: limits}\nspec: {limits: [{type: Container, default: {cpu: 200m}}]}\n",
        )
        .template(
            "policy.yaml",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: same-namespace}\nspec: {podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}\n",
        )
        .template(
            "binding.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: team-edit\n  labels: {env: \"{{ Env.Name }}\"}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: shop-devs}]\n",
        );
    env.write(
        "charts-profiles.yaml",
        "profiles:\n  preview:\n    chart: profiles/preview\n    labels: {pod-security.kubernetes.io/enforce: baseline}\n    secrets:\n    - from: default/pull\n",
    );
    let created = env.kubectl(&[
        "create",
        "secret",
        "generic",
        "pull",
        "-n",
        "default",
        "--from-literal=token=s3cr3t-value",
    ]);
    assert!(created.status.success(), "{}", stderr(&created));
}

#[test]
fn up_creates_then_renews_and_reapplies_the_profile() {
    let env = TestEnv::builder()
        .sandbox(Options::default())
        .now("2026-03-01T10:00:00Z")
        .build();
    preview_profile(&env, 5);
    let output = env.run(&[
        "env",
        "up",
        "--branch",
        "feature/Login",
        "--commit",
        "abc123",
        "--profile",
        "preview",
        "--ttl",
        "1d",
        "--label",
        "team=shop",
        "-o",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!crate::common::stdout(&output).contains("s3cr3t"));
    assert!(!stderr(&output).contains("s3cr3t"));
    let first: Value = serde_json::from_slice(&output.stdout).unwrap();
    let namespace = first["namespace"].as_str().unwrap().to_string();
    assert!(namespace.starts_with("feature-login-"), "{namespace}");
    assert_eq!(first["created"], true);
    assert_eq!(first["createdBy"], "sandbox-admin");
    assert_eq!(first["createdAt"], "2026-03-01T10:00:00Z");
    assert_eq!(first["expiresAt"], "2026-03-02T10:00:00Z");
    assert_eq!(first["profileRevision"], 1);
    assert_eq!(first["profileObjects"], 4);
    assert_eq!(first["secrets"], serde_json::json!(["pull"]));

    let object = env.get(&["namespace", &namespace]).unwrap();
    let labels = &object["metadata"]["labels"];
    assert_eq!(labels["app.kubernetes.io/managed-by"], "charts");
    assert_eq!(labels["charts.dev/env"], first["name"]);
    assert_eq!(labels["pod-security.kubernetes.io/enforce"], "baseline");
    assert_eq!(labels["team"], "shop");
    let annotations = &object["metadata"]["annotations"];
    assert_eq!(annotations["charts.dev/branch"], "feature/Login");
    assert_eq!(annotations["charts.dev/commit"], "abc123");
    assert_eq!(annotations["charts.dev/profile"], "preview");
    assert_eq!(annotations["charts.dev/expires-at"], "2026-03-02T10:00:00Z");
    let binding = env
        .get(&["rolebinding", "team-edit", "-n", &namespace])
        .unwrap();
    assert_eq!(binding["metadata"]["labels"]["env"], first["name"]);
    let copy = env.get(&["secret", "pull", "-n", &namespace]).unwrap();
    assert_eq!(copy["data"]["token"], "czNjcjN0LXZhbHVl");

    // Drift and a rotated source: the next `up` repairs and syncs.
    env.kubectl(&["delete", "limitrange", "limits", "-n", &namespace]);
    env.kubectl(&[
        "patch",
        "secret",
        "pull",
        "-n",
        "default",
        "-p",
        r#"{"data":{"token":"bmV3"}}"#,
    ]);
    let output = env
        .command()
        .env("CHARTS_TEST_NOW", "2026-03-05T08:00:00Z")
        .args([
            "env",
            "up",
            "--branch",
            "feature/Login",
            "--profile",
            "preview",
            "--ttl",
            "1d",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let second: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(second["namespace"], first["namespace"]);
    assert_eq!(second["created"], false);
    assert_eq!(
        second["createdAt"], "2026-03-01T10:00:00Z",
        "creation is kept"
    );
    assert_eq!(
        second["expiresAt"], "2026-03-06T08:00:00Z",
        "expiry renewed"
    );
    assert_eq!(
        second["commit"], "abc123",
        "the last commit stays when none is given"
    );
    assert_eq!(second["profileRevision"], 2);
    assert!(
        env.get(&["limitrange", "limits", "-n", &namespace])
            .is_some()
    );
    let copy = env.get(&["secret", "pull", "-n", &namespace]).unwrap();
    assert_eq!(copy["data"]["token"], "bmV3");

    // `--keep` marks it for gc, and it stays marked on later runs.
    env.ok(&[
        "env",
        "up",
        "--branch",
        "feature/Login",
        "--profile",
        "preview",
        "--keep",
    ]);
    // `--ttl 0`: never expires; the annotation goes.
    let third = env.json(&[
        "env",
        "up",
        "--branch",
        "feature/Login",
        "--profile",
        "preview",
        "--ttl",
        "0",
        "-o",
        "json",
    ]);
    assert_eq!(third["expiresAt"], Value::Null);
    assert_eq!(third["annotations"]["charts.dev/keep"], "true");
    let object = env.get(&["namespace", &namespace]).unwrap();
    assert!(
        object["metadata"]["annotations"]["charts.dev/expires-at"].is_null(),
        "{object}"
    );
    // The table output is the namespace alone, for `-n "$(charts env up ...)"`.
    assert_eq!(
        env.ok(&[
            "env",
            "up",
            "--branch",
            "feature/Login",
            "--profile",
            "preview"
        ]),
        format!("{namespace}\n")
    );
}

#[test]
fn a_profiles_quota_is_enforced_on_a_release_in_the_environment() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    preview_profile(&env, 1);
    env.ok(&["env", "up", "pr-7", "--profile", "preview"]);
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec: {{containers: [{{name: c, image: nginx}}]}}\n"
        )
    };
    let app = TestChart::new(&env, "app")
        .template("a.yaml", &pod("first"))
        .template("b.yaml", &pod("second"));
    let error = env.fails(&["install", "app", &app.arg(), "--env", "pr-7"]);
    assert!(error.contains("exceeded quota"), "{error}");
    assert!(error.contains("pods"), "{error}");
    // The LimitRange defaulted the Pod that fit.
    let pods = env.get(&["pods", "-n", "pr-7"]).unwrap();
    assert_eq!(pods["items"].as_array().unwrap().len(), 1, "{pods}");
}

#[test]
fn install_env_creates_a_missing_environment_and_renews_an_existing_one() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    preview_profile(&env, 10);
    // `preview` is the default profile through charts.yaml.
    env.write(
        "charts.yaml",
        "env:\n  prefix: shop-\n  ttl: 3d\n  profile: preview\n",
    );
    let app = TestChart::new(&env, "app").template(
        "host.yaml",
        &crate::common::configmap(
            "host",
            &[
                ("name", "Env.Name"),
                ("namespace", "Env.Namespace"),
                ("branch", "Env.Branch"),
                ("commit", "Env.Commit"),
            ],
        ),
    );
    let output = env.run(&[
        "install",
        "web",
        &app.arg(),
        "--branch",
        "feature/New",
        "--commit",
        "c1",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("created environment `feature-new-"),
        "{}",
        stderr(&output)
    );
    let name = name_of(&env, "feature/New");
    let namespace = format!("shop-{name}");
    let host = env.configmap(&namespace, "host").unwrap();
    assert_eq!(host["data"]["name"], format!("\"{name}\""));
    assert_eq!(host["data"]["namespace"], format!("\"{namespace}\""));
    assert_eq!(host["data"]["branch"], "\"feature/New\"");
    assert_eq!(host["data"]["commit"], "\"c1\"");
    // The default profile came with it.
    assert!(
        env.get(&["resourcequota", "quota", "-n", &namespace])
            .is_some()
    );
    let object = env.get(&["namespace", &namespace]).unwrap();
    assert_eq!(
        object["metadata"]["annotations"]["charts.dev/expires-at"],
        "2026-01-05T00:00:00Z"
    );
    let status = env.status_json("web", &namespace);
    assert_eq!(status["env"]["name"], name.as_str());
    assert_eq!(status["env"]["branch"], "feature/New");
    let text = env.ok(&["status", "web", "-n", &namespace]);
    assert!(
        text.contains(&format!("ENVIRONMENT: {name} (branch feature/New) at c1")),
        "{text}"
    );

    // Into the existing environment, by name, a day later: no new profile revision, expiry
    // renewed, the branch read back from the namespace.
    let output = env
        .command()
        .env("CHARTS_TEST_NOW", "2026-01-03T00:00:00Z")
        .args([
            "upgrade",
            "web",
            &app.arg(),
            "--env",
            &name,
            "--commit",
            "c2",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("created environment"));
    let object = env.get(&["namespace", &namespace]).unwrap();
    let annotations = &object["metadata"]["annotations"];
    assert_eq!(annotations["charts.dev/expires-at"], "2026-01-06T00:00:00Z");
    assert_eq!(annotations["charts.dev/commit"], "c2");
    assert_eq!(annotations["charts.dev/created-at"], "2026-01-02T00:00:00Z");
    let host = env.configmap(&namespace, "host").unwrap();
    assert_eq!(host["data"]["branch"], "\"feature/New\"");
    assert_eq!(host["data"]["commit"], "\"c2\"");
    assert_eq!(
        env.records(&namespace)
            .iter()
            .filter(|(n, _)| n.contains("charts-profile"))
            .count(),
        1
    );

    // `-n` that disagrees with the environment is a usage error.
    let output = env.run(&[
        "upgrade",
        "web",
        &app.arg(),
        "--env",
        &name,
        "-n",
        "default",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn namespaces_not_made_by_charts_env_are_refused() {
    let env = TestEnv::builder().namespaces(&["shop-taken"]).build();
    let app = TestChart::new(&env, "app").template("cm.yaml", &crate::common::configmap("c", &[]));
    for args in [
        vec!["env", "up", "taken", "--prefix", "shop-"],
        vec![
            "install",
            "web",
            &app.arg(),
            "--env",
            "taken",
            "--prefix",
            "shop-",
        ],
    ] {
        let error = env.fails(&args);
        assert!(
            error.contains("namespace `shop-taken` exists and it was not made by `charts env`"),
            "{error}"
        );
    }
    let object = env.get(&["namespace", "shop-taken"]).unwrap();
    assert!(
        object["metadata"]["labels"]["charts.dev/env"].is_null(),
        "untouched: {object}"
    );
    assert!(env.get(&["configmap", "c", "-n", "shop-taken"]).is_none());
}

#[test]
fn charts_profile_is_reserved() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    let app = TestChart::new(&env, "app");
    let error = env.fails(&["install", "charts-profile", &app.arg()]);
    assert!(error.contains("`charts-profile` is reserved"), "{error}");
}

/// The request budget of issue 12 (bench/env.sh measures the same): a new environment with a
/// four-object profile, then the catalog umbrella deployed into it, cost the objects' own
/// requests plus a constant; the environment itself adds three requests to `env up` (GET and
/// apply of the namespace, one SelfSubjectReview) and two to the deploy (GET and PATCH).
#[test]
fn a_new_environment_and_its_first_deploy_cost_the_objects_plus_a_constant() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    preview_profile(&env, 50);
    env.write(
        "charts-profiles.yaml",
        "profiles:\n  preview:\n    chart: profiles/preview\n",
    );
    env.sandbox.reset_counters();
    env.ok(&[
        "env",
        "up",
        "--branch",
        "feature/Checkout",
        "--profile",
        "preview",
    ]);
    let up = env.sandbox.counters();
    assert_eq!(up.get("get", "namespaces"), 1);
    assert_eq!(up.get("apply", "namespaces"), 1);
    assert_eq!(
        up.get("create", "selfsubjectreviews.authentication.k8s.io"),
        1
    );
    // 4 objects: one apply and one list of its kind each, plus the release's constant work
    // (two of it for the chart stored with the release: a metadata GET and a create).
    assert!(
        up.total() <= 4 * 2 + 16,
        "env up made {} requests",
        up.total()
    );

    let catalog = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("charts/catalog");
    env.sandbox.reset_counters();
    env.ok(&[
        "install",
        "catalog",
        catalog.to_str().unwrap(),
        "--branch",
        "feature/Checkout",
    ]);
    let install = env.sandbox.counters();
    assert_eq!(install.get("get", "namespaces"), 1);
    assert_eq!(install.get("patch", "namespaces"), 1);
    assert_eq!(
        install.get("create", "selfsubjectreviews.authentication.k8s.io"),
        0
    );
    // The catalog renders 8 objects of 3 kinds (and its chart is stored: two requests).
    assert!(
        install.total() <= 8 + 3 + 14,
        "install --env made {} requests",
        install.total()
    );
}

/// The example profile in charts/preview-profile works as documented: its four objects land in
/// the environment, and a Deployment that sets no resources gets the profile's container
/// defaults, so the profile's compute quota admits its Pods.
#[test]
fn the_example_preview_profile_admits_a_deploy_through_its_defaults() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    let profile = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("charts/preview-profile");
    env.write(
        "profiles.yaml",
        format!("profiles:\n  preview:\n    chart: {}\n", profile.display()),
    );
    let profiles = env.join("profiles.yaml");
    let namespace = env.ok(&[
        "env",
        "up",
        "pr-12",
        "--profiles",
        &profiles.display().to_string(),
        "--profile",
        "preview",
    ]);
    let namespace = namespace.trim();
    for object in [
        "resourcequota/environment",
        "limitrange/container-defaults",
        "networkpolicy/only-this-environment",
        "rolebinding/team-edit",
    ] {
        assert!(
            env.get(&[object, "-n", namespace]).is_some(),
            "{object} in {namespace}"
        );
    }
    let web = crate::common::testdata_chart("web");
    env.ok(&[
        "install",
        "web",
        &web.display().to_string(),
        "--env",
        "pr-12",
        "--wait",
        "--timeout",
        "60s",
    ]);
    let pods = env
        .get(&["pods", "-n", namespace, "-l", "app=web"])
        .unwrap();
    let pod = &pods["items"][0];
    assert_eq!(
        pod["spec"]["containers"][0]["resources"]["requests"]["cpu"], "100m",
        "{pod}"
    );
    let quota = env
        .get(&["resourcequota", "environment", "-n", namespace])
        .unwrap();
    assert_eq!(quota["status"]["used"]["pods"], "1", "{quota}");
    assert_eq!(quota["status"]["used"]["requests.cpu"], "100m", "{quota}");
}

/// `charts template --branch` renders what `install --branch` would deploy, offline: the
/// environment's namespace and `Env.*`; a disagreeing `-n` is a usage error. `lint` too.
#[test]
fn template_renders_for_an_environment_without_a_cluster() {
    let env = TestEnv::new();
    let chart = TestChart::at(env.join("app"), "app").template(
        "host.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: host}\ndata:\n  host: \"{{ Env.Name }}.preview.example.com\"\n  namespace: \"{{ Env.Namespace }}\"\n  commit: \"{{ Env.Commit }}\"\n",
    );
    let name = name_of(&env, "feature/Login_v2");
    let text = env.ok(&[
        "template",
        "web",
        &chart.arg(),
        "--branch",
        "feature/Login_v2",
        "--commit",
        "abc123",
        "--prefix",
        "shop-",
    ]);
    assert!(
        text.matches(&format!("  namespace: shop-{name}\n")).count() == 2
            && text.contains(&format!("host: {name}.preview.example.com\n"))
            && text.contains("commit: abc123\n"),
        "{text}"
    );
    let output = env
        .command()
        .args([
            "template",
            "web",
            &chart.arg(),
            "--env",
            "pr-1",
            "-n",
            "other",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("disagree"), "{}", stderr(&output));
    // `lint` renders for an environment the same way; without one, `Env` is not defined.
    env.ok(&["lint", &chart.arg(), "--branch", "feature/Login_v2"]);
    let output = env.run(&["lint", &chart.arg()]);
    assert_eq!(output.status.code(), Some(1));
    let report = crate::common::stdout(&output);
    assert!(report.contains("`Env` is not defined"), "{report}");
}
