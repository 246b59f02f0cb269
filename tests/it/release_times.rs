//! The times release records hold: the real clock, whatever `SOURCE_DATE_EPOCH` says (only
//! `charts package` honours it), and the test clock `CHARTS_TEST_NOW` for fixed outputs.

use charts::support::clock;
use serde_json::Value;

use crate::common::{TestChart, TestEnv, configmap, stderr};

fn lab() -> TestEnv {
    TestEnv::builder().context_namespace("default").build()
}

/// Runs `charts ARGS` with `extra` environment variables and insists on success. Without
/// `CHARTS_TEST_NOW` among them, the command runs on the real clock.
fn ok(env: &TestEnv, extra: &[(&str, &str)], args: &[&str]) -> String {
    let mut command = env.command();
    if !extra.iter().any(|(name, _)| *name == "CHARTS_TEST_NOW") {
        command.env_remove("CHARTS_TEST_NOW");
    }
    command.envs(extra.iter().copied()).args(args);
    let output = command.output().expect("charts runs");
    assert!(
        output.status.success(),
        "charts {args:?} failed:\n{}",
        stderr(&output)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// `updated` of each revision in `history -o json`, oldest first.
fn updated(env: &TestEnv, release: &str) -> Vec<String> {
    let history: Value =
        serde_json::from_str(&ok(env, &[], &["history", release, "-o", "json"])).unwrap();
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|revision| revision["updated"].as_str().unwrap().to_string())
        .collect()
}

fn chart(env: &TestEnv) -> TestChart {
    TestChart::new(env, "web").template(
        "configmap.yaml",
        &configmap(
            "{{ Release.Name }}-config",
            &[("greeting", "Values.greeting")],
        ),
    )
}

// Bug: release records were stamped through the clock that honours `SOURCE_DATE_EPOCH`, so in a
// pipeline that exports it every revision got that one time (`1970-01-01T00:00:00Z` here).
#[test]
fn source_date_epoch_does_not_freeze_release_times() {
    let env = lab();
    let chart = chart(&env).arg();
    let epoch = [("SOURCE_DATE_EPOCH", "0")];
    // RFC 3339 in UTC to the second compares as text.
    let before = clock::rfc3339(clock::system_now());
    ok(
        &env,
        &epoch,
        &["install", "web", &chart, "--set", "greeting=a"],
    );
    ok(
        &env,
        &epoch,
        &["upgrade", "web", &chart, "--set", "greeting=b"],
    );
    let after = clock::rfc3339(clock::system_now());
    let times = updated(&env, "web");
    assert_eq!(times.len(), 2, "{times:?}");
    for time in &times {
        assert!(
            before <= *time && *time <= after,
            "`{time}` is not between `{before}` and `{after}`"
        );
    }
}

#[test]
fn the_test_clock_fixes_release_times_and_generated_names() {
    let env = lab();
    let chart = chart(&env).arg();
    let fixed = [("CHARTS_TEST_NOW", "2023-11-15T00:13:20+02:00")];
    ok(&env, &fixed, &["install", &chart, "--generate-name"]);
    assert_eq!(updated(&env, "web-1700000000"), ["2023-11-14T22:13:20Z"]);
}
