//! `charts list`, `history` and `get` against records seeded in the sandbox through the
//! Secret store (install is not needed to have something to read).

use charts::release::{Release, Status};
use pretty_assertions::assert_eq;
use serde_json::Value;

use super::{incompressible, record};
use crate::common::{TestEnv, stderr, stdout};

/// A sandbox with releases in `dev` and `prod`, and a kubeconfig whose context namespace is
/// `dev`.
fn seeded(extra: &[Release]) -> TestEnv {
    let mut web3 = record("dev", "web", 3, Status::Deployed);
    web3.labels.insert("team".into(), "shop".into());
    let mut old = record("prod", "old", 1, Status::Uninstalled);
    old.description = "Uninstallation complete".into();
    let mut records = vec![
        record("dev", "web", 1, Status::Superseded),
        record("dev", "web", 2, Status::Superseded),
        web3,
        record("dev", "api", 1, Status::Failed),
        record("dev", "db", 1, Status::PendingInstall),
        record("prod", "web", 1, Status::Deployed),
        old,
    ];
    records.extend_from_slice(extra);
    TestEnv::builder()
        .context_namespace("dev")
        .namespaces(&["dev", "prod"])
        .releases(&records)
        .build()
}

/// Release names (namespace/name:revision) of a `list -o json`.
trait Listed {
    fn listed(&self, args: &[&str]) -> Vec<String>;
}

impl Listed for TestEnv {
    fn listed(&self, args: &[&str]) -> Vec<String> {
        let mut full = vec!["list", "-o", "json"];
        full.extend_from_slice(args);
        self.json(&full)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{}/{}:{}",
                    r["namespace"].as_str().unwrap(),
                    r["name"].as_str().unwrap(),
                    r["revision"]
                )
            })
            .collect()
    }
}

/// Exit code, stdout and stderr of one run, for snapshots.
fn transcript(output: &std::process::Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        stdout(output),
        stderr(output)
    )
}

#[test]
fn list_shows_the_latest_revision_of_each_release_in_the_namespace() {
    let seeded = seeded(&[]);
    let listed = seeded.json(&["list", "-o", "json"]);
    assert_eq!(
        listed,
        serde_json::json!([
            {"name": "api", "namespace": "dev", "revision": 1, "updated": "2026-01-01T10:00:00Z",
             "status": "failed", "chart": "web-1.1.0", "app_version": "2.0",
             "description": "Install complete", "labels": {"commit": "abc1"}, "commit": "abc1",
             "subcharts": [], "subcharts_omitted": 0, "images": [], "images_omitted": 0, "provenance": null},
            {"name": "db", "namespace": "dev", "revision": 1, "updated": "2026-01-01T10:00:00Z",
             "status": "pending-install", "chart": "web-1.1.0", "app_version": "2.0",
             "description": "Install complete", "labels": {"commit": "abc1"}, "commit": "abc1",
             "subcharts": [], "subcharts_omitted": 0, "images": [], "images_omitted": 0, "provenance": null},
            {"name": "web", "namespace": "dev", "revision": 3, "updated": "2026-01-03T10:00:00Z",
             "status": "deployed", "chart": "web-1.3.0", "app_version": "2.0",
             "description": "Upgrade complete", "labels": {"commit": "abc3", "team": "shop"},
             "commit": "abc3", "subcharts": [], "subcharts_omitted": 0, "images": [], "images_omitted": 0, "provenance": null},
        ])
    );
    insta::assert_snapshot!(transcript(&seeded.run(&["ls"])), @r"
    exit: 0
    --- stdout
    NAME	NAMESPACE	REVISION	UPDATED             	STATUS         	CHART    	APP VERSION
    api 	dev      	1       	2026-01-01T10:00:00Z	failed         	web-1.1.0	2.0
    db  	dev      	1       	2026-01-01T10:00:00Z	pending-install	web-1.1.0	2.0
    web 	dev      	3       	2026-01-03T10:00:00Z	deployed       	web-1.3.0	2.0
    --- stderr
    ");
    assert_eq!(seeded.ok(&["list", "-q"]), "api\ndb\nweb\n");
    let yaml: Value = serde_yaml::from_str(&seeded.ok(&["list", "-o", "yaml"])).unwrap();
    assert_eq!(yaml, listed);
    assert_eq!(seeded.listed(&["-n", "prod"]), ["prod/old:1", "prod/web:1"]);
}

#[test]
fn list_all_namespaces_is_one_metadata_list_of_secrets() {
    let seeded = seeded(&[]);
    seeded.sandbox.reset_counters();
    assert_eq!(
        seeded.listed(&["-A"]),
        [
            "dev/api:1",
            "dev/db:1",
            "dev/web:3",
            "prod/old:1",
            "prod/web:1"
        ]
    );
    let counters = seeded.sandbox.counters();
    assert_eq!(counters.get("list", "secrets"), 1, "{counters:?}");
    assert_eq!(
        counters.get("get", "secrets"),
        0,
        "no payload read: {counters:?}"
    );
    assert_eq!(counters.total(), 1, "{counters:?}");
}

#[test]
fn list_filters_by_labels_name_and_state() {
    let seeded = seeded(&[]);
    assert_eq!(seeded.listed(&["-A", "-l", "commit=abc3"]), ["dev/web:3"]);
    assert_eq!(seeded.listed(&["-A", "--selector", "team"]), ["dev/web:3"]);
    // As in Helm, the selector picks revisions and the newest matching one of each release
    // is shown: web's revision 1 is superseded, so `--deployed` leaves it out.
    assert_eq!(
        seeded.listed(&["-A", "-l", "commit in (abc1),commit!=abc2"]),
        [
            "dev/api:1",
            "dev/db:1",
            "dev/web:1",
            "prod/old:1",
            "prod/web:1"
        ],
    );
    assert_eq!(
        seeded.listed(&["-A", "-l", "commit=abc1", "--deployed"]),
        ["prod/web:1"]
    );
    assert_eq!(
        seeded.listed(&["-A", "--filter", "^w"]),
        ["dev/web:3", "prod/web:1"]
    );
    assert_eq!(
        seeded.listed(&["-A", "--deployed"]),
        ["dev/web:3", "prod/web:1"]
    );
    assert_eq!(
        seeded.listed(&["--failed", "--pending"]),
        ["dev/api:1", "dev/db:1"]
    );
    assert_eq!(
        seeded.listed(&["--superseded"]),
        ["dev/web:1", "dev/web:2"],
        "alone, --superseded lists the superseded revisions"
    );
    assert_eq!(seeded.listed(&["-A", "--uninstalled"]), ["prod/old:1"]);
    assert_eq!(
        seeded.listed(&["-A", "--uninstalling"]),
        Vec::<String>::new()
    );
    assert_eq!(
        seeded.listed(&["-A", "--all", "--max", "2", "--offset", "1"]),
        ["dev/db:1", "dev/web:3"]
    );
    assert_eq!(
        seeded.listed(&["-d", "-r"]),
        ["dev/web:3", "dev/db:1", "dev/api:1"]
    );

    insta::assert_snapshot!(transcript(&seeded.run(&["list", "-l", "commit in abc"])), @r"
    exit: 1
    --- stdout
    --- stderr
    error: invalid label selector `commit in abc`: `commit in abc`: the values must be in parentheses
    hint: selectors look like `commit=abc`, `env in (prod,staging)`, `!canary`, joined with commas
    ");
    let bad_regex = seeded.run(&["list", "--filter", "(web"]);
    assert_eq!(bad_regex.status.code(), Some(2), "{}", stderr(&bad_regex));
    assert!(stderr(&bad_regex).contains("is not a regular expression"));
}

#[test]
fn history_shows_every_revision_and_fails_clearly_for_a_missing_release() {
    let seeded = seeded(&[]);
    insta::assert_snapshot!(transcript(&seeded.run(&["history", "web"])), @r"
    exit: 0
    --- stdout
    REVISION	UPDATED             	STATUS    	CHART    	APP VERSION	DESCRIPTION
    1       	2026-01-01T10:00:00Z	superseded	web-1.1.0	2.0        	Install complete
    2       	2026-01-02T10:00:00Z	superseded	web-1.2.0	2.0        	Upgrade complete
    3       	2026-01-03T10:00:00Z	deployed  	web-1.3.0	2.0        	Upgrade complete
    --- stderr
    ");
    let history = seeded.json(&["history", "web", "-o", "json", "--max", "2"]);
    assert_eq!(
        history,
        serde_json::json!([
            {"revision": 2, "updated": "2026-01-02T10:00:00Z", "status": "superseded",
             "chart": "web-1.2.0", "app_version": "2.0", "description": "Upgrade complete",
             "labels": {"commit": "abc2"}, "provenance": null},
            {"revision": 3, "updated": "2026-01-03T10:00:00Z", "status": "deployed",
             "chart": "web-1.3.0", "app_version": "2.0", "description": "Upgrade complete",
             "labels": {"commit": "abc3", "team": "shop"}, "provenance": null},
        ])
    );
    let prod: Value =
        serde_yaml::from_str(&seeded.ok(&["history", "web", "-n", "prod", "-o", "yaml"])).unwrap();
    assert_eq!(prod.as_array().unwrap().len(), 1);

    insta::assert_snapshot!(transcript(&seeded.run(&["history", "nope"])), @r"
    exit: 1
    --- stdout
    --- stderr
    error: release `nope` not found in namespace `dev`
    hint: `charts list -n dev` shows the releases there; `charts list -A` shows every namespace
    ");
    let invalid = seeded.run(&["history", "Not_A_Name"]);
    assert_eq!(invalid.status.code(), Some(2), "{}", stderr(&invalid));
}

#[test]
fn get_shows_values_manifest_notes_and_metadata_of_a_revision() {
    let seeded = seeded(&[]);
    insta::assert_snapshot!(seeded.ok(&["get", "values", "web"]), @r"
    USER-SUPPLIED VALUES:
    replicas: 3
    ");
    assert_eq!(
        seeded.ok(&["get", "values", "web", "-o", "yaml", "--revision", "1"]),
        "replicas: 1\n"
    );
    assert_eq!(
        seeded.json(&["get", "values", "web", "--all", "-o", "json"]),
        serde_json::json!({"replicas": 3, "image": "nginx:1.27"})
    );
    assert_eq!(
        seeded.ok(&["get", "manifest", "web"]),
        record("dev", "web", 3, Status::Deployed).manifest
    );
    assert_eq!(
        seeded.ok(&["get", "notes", "web", "--revision", "2"]),
        "web is ready at revision 2\n"
    );
    assert_eq!(
        seeded.json(&["get", "metadata", "web", "-o", "json"]),
        serde_json::json!({
            "name": "web", "chart": "web", "version": "1.3.0", "appVersion": "2.0",
            "namespace": "dev", "revision": 3, "status": "deployed",
            "deployedAt": "2026-01-03T10:00:00Z", "labels": {"commit": "abc3", "team": "shop"},
        })
    );
    insta::assert_snapshot!(seeded.ok(&["get", "metadata", "web", "-n", "prod"]), @r"
    NAME: web
    CHART: web
    VERSION: 1.1.0
    APP_VERSION: 2.0
    NAMESPACE: prod
    REVISION: 1
    STATUS: deployed
    DEPLOYED_AT: 2026-01-01T10:00:00Z
    LABELS: commit=abc1
    ");
    let all = seeded.ok(&["get", "all", "web"]);
    for part in [
        "NAME: web",
        "USER-SUPPLIED VALUES:\nreplicas: 3",
        "COMPUTED VALUES:",
        "MANIFEST:\n---\n# Source: web/templates/cm.yaml",
        "NOTES:\nweb is ready at revision 3",
    ] {
        assert!(all.contains(part), "`{part}` missing from:\n{all}");
    }
    let record_json = seeded.json(&["get", "all", "web", "-o", "json", "--revision", "2"]);
    assert_eq!(record_json["revision"], 2);
    assert_eq!(record_json["status"], "superseded");

    insta::assert_snapshot!(transcript(&seeded.run(&["get", "manifest", "web", "--revision", "9"])), @r"
    exit: 1
    --- stdout
    --- stderr
    error: release `web` has no revision 9 in namespace `dev`
    hint: `charts history web -n dev` shows the revisions there are
    ");
    let missing = seeded.run(&["get", "values", "nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("release `nope` not found in namespace `dev`"));
}

#[test]
fn a_chunked_record_over_one_mebibyte_reads_back_whole() {
    let mut big = record("dev", "big", 1, Status::Deployed);
    big.manifest = incompressible(4_000_000);
    let seeded = seeded(std::slice::from_ref(&big));
    let manifest = seeded.ok(&["get", "manifest", "big"]);
    assert!(
        manifest == format!("{}\n", big.manifest),
        "manifest differs ({} bytes)",
        manifest.len()
    );
    assert_eq!(
        seeded.listed(&["--filter", "big"]),
        ["dev/big:1"],
        "chunks are not releases"
    );
}

#[test]
fn kubectl_sees_the_records_as_labelled_secrets() {
    let seeded = seeded(&[]);
    let output = seeded.kubectl(&[
        "get",
        "secrets",
        "-l",
        "owner=charts",
        "-n",
        "dev",
        "-o",
        "name",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "secret/charts.release.v1.api.v1\nsecret/charts.release.v1.db.v1\nsecret/charts.release.v1.web.v1\nsecret/charts.release.v1.web.v2\nsecret/charts.release.v1.web.v3\n"
    );
}
