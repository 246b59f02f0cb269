//! `charts promote` through the CLI against the sandbox (which stores objects and runs no
//! containers): the catalog umbrella from a branch environment to staging to production with
//! each environment's values, the repository it came from stopped first; the same chart digest
//! everywhere, the provenance chain in `history -o json` and `status`; the refusals; and the
//! notification a promotion posts.

use std::path::Path;

use charts::release::Status;
use charts_sandbox::Options;
use serde_json::Value;

use crate::common::servers::StaticServer;
use crate::common::{TestChart, TestEnv, copy_dir, stderr, stdout};
use crate::notify::HookServer;

/// The shipped `charts/catalog` umbrella, packaged into `<env>/served/` and served as
/// repository `shop`.
fn serve_catalog(env: &TestEnv) -> StaticServer {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("charts/catalog");
    copy_dir(&shipped, &env.join("catalog"));
    env.ok(&["package", "catalog", "-d", "served"]);
    let server = StaticServer::start(&env.join("served"), None);
    env.ok(&["repo", "index", "served", "--url", &server.url]);
    env.ok(&["repo", "add", "shop", &server.url]);
    server
}

/// `history NAME -n NAMESPACE -o json`.
fn history(env: &TestEnv, name: &str, namespace: &str) -> Vec<Value> {
    env.json(&["history", name, "-n", namespace, "-o", "json"])
        .as_array()
        .unwrap()
        .clone()
}

fn replicas(env: &TestEnv, namespace: &str, deployment: &str) -> Option<Value> {
    env.get(&["deployment", deployment, "-n", namespace])
        .map(|live| live["spec"]["replicas"].clone())
}

#[test]
fn the_catalog_snapshot_goes_from_a_branch_to_staging_to_production_with_the_repository_down() {
    let env = TestEnv::with_sandbox();
    let server = serve_catalog(&env);
    let hook = HookServer::start();

    // The pipeline deploys the build into its branch environment, from the repository.
    let branch = env.json(&[
        "install",
        "catalog",
        "shop/catalog",
        "--branch",
        "feature/search",
        "--commit",
        "abc123",
        "--label",
        "commit=abc123,build=https://ci.example.com/builds/7",
        "-o",
        "json",
    ]);
    let branch_namespace = branch["namespace"].as_str().unwrap().to_string();
    let digest = branch["chart"]["digest"].as_str().unwrap().to_string();
    assert!(digest.starts_with("sha256:"), "{digest}");

    // The repository goes away, and the local cache of it: promotions read the chart stored
    // with the release.
    drop(server);
    std::fs::remove_dir_all(env.join("served")).unwrap();
    std::fs::remove_dir_all(env.join("cache")).unwrap();
    let error = env.fails(&["template", "catalog", "shop/catalog"]);
    assert!(error.contains("shop"), "the repository is gone: {error}");

    let staging = env.json(&[
        "promote",
        "catalog",
        "--from",
        &branch_namespace,
        "--to",
        "catalog-staging",
        "--create-namespace",
        "-f",
        "catalog/values-staging.yaml",
        "-o",
        "json",
    ]);
    assert_eq!(staging["namespace"], "catalog-staging");
    assert_eq!(staging["revision"], 1);
    assert_eq!(staging["status"], "deployed");
    assert_eq!(staging["chart"]["digest"], digest.as_str());
    assert_eq!(
        staging["labels"]["commit"], "abc123",
        "the source's labels travel"
    );
    assert_eq!(
        staging["provenance"]["namespace"],
        branch_namespace.as_str()
    );
    assert_eq!(staging["provenance"]["revision"], 1);
    assert_eq!(
        staging["description"],
        format!("Promoted from `{branch_namespace}/catalog` revision 1")
    );

    let output = env.run(&[
        "promote",
        "catalog",
        "--from",
        "catalog-staging",
        "--to",
        "catalog-production",
        "--create-namespace",
        "-f",
        "catalog/values-production.yaml",
        "--notify",
        &hook.url("/deploys"),
        "-o",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let production: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(production["chart"]["digest"], digest.as_str());
    assert!(
        stderr(&output).contains(&format!(
            "promoted `catalog` revision 1 of `catalog-staging` (sha256:{}…) to `catalog-production`: revision 1",
            &digest[7..19]
        )),
        "{}",
        stderr(&output)
    );

    // The provenance chain, in history -o json of each environment.
    let chain: Vec<Value> = [
        branch_namespace.as_str(),
        "catalog-staging",
        "catalog-production",
    ]
    .iter()
    .map(|namespace| history(&env, "catalog", namespace).pop().unwrap())
    .collect();
    assert_eq!(chain[0]["provenance"], Value::Null);
    assert_eq!(
        chain[1]["provenance"]["namespace"],
        branch_namespace.as_str()
    );
    assert_eq!(chain[1]["provenance"]["release"], "catalog");
    assert_eq!(chain[1]["provenance"]["chartDigest"], digest.as_str());
    assert_eq!(chain[1]["provenance"]["labels"]["commit"], "abc123");
    assert_eq!(chain[2]["provenance"]["namespace"], "catalog-staging");
    assert_eq!(chain[2]["provenance"]["revision"], 1);
    assert_eq!(chain[2]["provenance"]["chartDigest"], digest.as_str());
    assert_eq!(
        chain[2]["provenance"]["labels"]["build"],
        "https://ci.example.com/builds/7"
    );
    assert_eq!(
        chain[2]["provenance"]["promotedAt"],
        crate::common::TEST_NOW
    );
    for revision in &chain {
        assert_eq!(revision["chart"], "catalog-2026.11.0");
        assert_eq!(revision["labels"]["commit"], "abc123");
    }
    // `get chart` of every environment gives the same package back.
    let packages: Vec<Value> = [
        branch_namespace.as_str(),
        "catalog-staging",
        "catalog-production",
    ]
    .iter()
    .map(|namespace| env.json(&["get", "chart", "catalog", "-n", namespace, "-o", "json"]))
    .collect();
    assert!(
        packages.iter().all(|p| p["digest"] == digest.as_str()),
        "{packages:?}"
    );

    // Each environment runs with its own values: production's API has 4 replicas and no UI.
    assert_eq!(
        replicas(&env, "catalog-production", "catalog-api"),
        Some(Value::from(4))
    );
    assert_eq!(replicas(&env, "catalog-production", "catalog-ui"), None);
    assert!(replicas(&env, "catalog-staging", "catalog-ui").is_some());

    // status and history say where production came from, in words.
    let status = env.ok(&["status", "catalog", "-n", "catalog-production"]);
    let line = format!(
        "PROVENANCE: promoted from catalog-staging/catalog rev 1 (sha256:{}…)",
        &digest[7..19]
    );
    assert!(status.contains(&line), "{status}");
    let table = env.ok(&["history", "catalog", "-n", "catalog-production"]);
    assert!(
        table.contains("PROVENANCE")
            && table.contains("promoted from catalog-staging/catalog rev 1"),
        "{table}"
    );
    let json = env.json(&[
        "status",
        "catalog",
        "-n",
        "catalog-production",
        "-o",
        "json",
    ]);
    assert_eq!(json["provenance"]["namespace"], "catalog-staging");

    // The promotion told the team.
    let events = hook.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["event"], "promote");
    assert_eq!(events[0]["succeeded"], true);
    assert_eq!(events[0]["namespace"], "catalog-production");
    assert_eq!(events[0]["revision"], 1);
    assert_eq!(events[0]["chart"]["digest"], digest.as_str());
    assert_eq!(events[0]["provenance"]["namespace"], "catalog-staging");
    assert_eq!(events[0]["labels"]["commit"], "abc123");

    // A second promotion upgrades production over its own values: still 4 replicas.
    let again = env.json(&[
        "promote",
        "catalog",
        "--from",
        "catalog-staging",
        "--to",
        "catalog-production",
        "--label",
        "approved-by=alice",
        "-o",
        "json",
    ]);
    assert_eq!(again["revision"], 2);
    assert_eq!(again["labels"]["approved-by"], "alice");
    assert_eq!(again["labels"]["commit"], "abc123");
    assert_eq!(
        replicas(&env, "catalog-production", "catalog-api"),
        Some(Value::from(4)),
        "the target keeps its values"
    );
}

/// A small chart whose value `greeting` lands in ConfigMap `web-config`.
fn web(env: &TestEnv) -> String {
    TestChart::fixture(env, "web").arg()
}

#[test]
fn values_are_the_targets_unless_reuse_values_carries_the_sources() {
    let env = TestEnv::with_sandbox();
    let chart = web(&env);
    env.ok(&[
        "install",
        "web",
        &chart,
        "-n",
        "dev",
        "--create-namespace",
        "--set",
        "greeting=from-dev",
    ]);
    env.ok(&[
        "promote",
        "web",
        "--from",
        "dev",
        "--to",
        "prod",
        "--create-namespace",
    ]);
    let greeting = |namespace: &str| {
        env.configmap(namespace, "web-config").unwrap()["data"]["greeting"].clone()
    };
    assert_ne!(
        greeting("prod"),
        "from-dev",
        "the source's values stay there"
    );
    env.ok(&[
        "promote",
        "web",
        "--from",
        "dev",
        "--to",
        "prod",
        "--set",
        "greeting=prod",
    ]);
    assert_eq!(greeting("prod"), "prod");
    env.ok(&["promote", "web", "--from", "dev", "--to", "prod"]);
    assert_eq!(greeting("prod"), "prod", "the target's own values are kept");
    env.ok(&[
        "promote",
        "web",
        "--from",
        "dev",
        "--to",
        "prod",
        "--reuse-values",
    ]);
    assert_eq!(
        greeting("prod"),
        "from-dev",
        "--reuse-values carries the source's"
    );
    let stored = env.json(&["get", "values", "web", "-n", "prod", "-o", "json"]);
    assert_eq!(stored["greeting"], "from-dev");
}

#[test]
fn promote_refuses_a_missing_source_an_undeployed_one_and_the_same_namespace() {
    let failed = crate::release::record("qa", "web", 2, Status::Failed);
    let env = TestEnv::builder()
        .sandbox(Options::default())
        .namespaces(&["qa", "prod"])
        .releases(&[
            crate::release::record("qa", "web", 1, Status::Superseded),
            failed,
        ])
        .build();

    let output = env.run(&["promote", "web", "--from", "prod", "--to", "prod"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`--from` and `--to` are both `prod`"),
        "{}",
        stderr(&output)
    );

    let error = env.fails(&["promote", "api", "--from", "qa", "--to", "prod"]);
    assert!(
        error.contains("error: cannot promote `api`: release `api` not found in namespace `qa`"),
        "{error}"
    );

    let hook = HookServer::start();
    let error = env.fails(&[
        "promote",
        "web",
        "--from",
        "qa",
        "--to",
        "prod",
        "--notify",
        &hook.url("/deploys"),
    ]);
    assert!(
        error.contains(
            "error: cannot promote `web` from `qa`: its last revision 2 is `failed`, not `deployed`"
        ) && error.contains("hint: only a revision that is running can be promoted"),
        "{error}"
    );
    // The refusal is a failure event, with the reason.
    let events = hook.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["event"], "promote");
    assert_eq!(events[0]["succeeded"], false);
    assert_eq!(events[0]["release"], "web");
    assert_eq!(events[0]["namespace"], "prod");
    assert!(
        events[0]["error"]
            .as_str()
            .unwrap()
            .contains("its last revision 2 is `failed`"),
        "{events:?}"
    );
    // Nothing was deployed into the target.
    let output = env.run(&["history", "web", "-n", "prod"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn promote_plan_shows_what_the_target_would_get_and_changes_nothing() {
    let env = TestEnv::with_sandbox();
    let chart = web(&env);
    env.ok(&["install", "web", &chart, "-n", "dev", "--create-namespace"]);
    let plan = |extra: &[&str]| {
        let mut args = vec![
            "promote",
            "web",
            "--from",
            "dev",
            "--to",
            "prod",
            "--plan",
            "--exit-code",
            "-o",
            "json",
        ];
        args.extend_from_slice(extra);
        let output = env.run(&args);
        let json: Value = serde_json::from_str(&stdout(&output))
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&output)));
        (output.status.code(), json)
    };
    let (code, first) = plan(&["--create-namespace"]);
    assert_eq!(code, Some(2), "a first promotion creates everything");
    assert_eq!(first["install"], true);
    let actions: Vec<&str> = first["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert!(!actions.is_empty() && actions.iter().all(|a| *a == "create"));
    assert!(
        env.run(&["history", "web", "-n", "prod"]).status.code() != Some(0),
        "a plan installs nothing"
    );

    env.ok(&[
        "promote",
        "web",
        "--from",
        "dev",
        "--to",
        "prod",
        "--create-namespace",
    ]);
    let (code, unchanged) = plan(&[]);
    assert_eq!(
        code,
        Some(0),
        "the same snapshot and values: no changes\n{unchanged}"
    );

    let (code, changed) = plan(&["--set", "greeting=planned"]);
    assert_eq!(code, Some(2));
    let updates: Vec<&Value> = changed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] != "unchanged")
        .collect();
    assert_eq!(updates.len(), 1, "{changed}");
    assert_eq!(updates[0]["kind"], "ConfigMap");
    assert!(updates[0]["diff"].as_str().unwrap().contains("planned"));
    assert_ne!(
        env.configmap("prod", "web-config").unwrap()["data"]["greeting"],
        "planned",
        "a plan changes nothing"
    );
    assert_eq!(history(&env, "web", "prod").len(), 1);
}
