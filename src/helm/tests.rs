//! Decoding checked against records real Helm wrote (testdata/helm/adopt, made by
//! make-fixture.py with Helm v4 as a library against the sandbox).

use std::io::Read as _;

use super::*;

fn fixture(file: &str) -> Value {
    let path = format!("{}/testdata/helm/adopt/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The `data.release` bytes kube hands over: the wire's base64 layer removed.
fn payload(item: &Value) -> Vec<u8> {
    let wire = item["data"]["release"].as_str().unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(wire)
        .unwrap()
}

fn raw_json(text: &[u8]) -> Value {
    let gz = base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap();
    let mut json = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut json)
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

#[test]
fn decodes_the_three_revisions_real_helm_wrote() {
    let secrets = fixture("secrets.json");
    let mut releases: Vec<HelmRelease> = secrets["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| decode(item["metadata"]["name"].as_str().unwrap(), &payload(item)).unwrap())
        .collect();
    releases.sort_by_key(|r| r.version);
    let versions: Vec<u64> = releases.iter().map(|r| r.version).collect();
    assert_eq!(versions, [1, 2, 3]);
    let statuses: Vec<&str> = releases.iter().map(|r| r.info.status.as_str()).collect();
    assert_eq!(statuses, ["superseded", "superseded", "deployed"]);
    let latest = &releases[2];
    assert_eq!(latest.name, "shop");
    assert_eq!(latest.namespace, "shop");
    assert_eq!(latest.chart_field("name"), "shop");
    assert_eq!(latest.chart_field("version"), "1.0.0");
    assert_eq!(latest.chart_field("appVersion"), "2.1");
    assert_eq!(latest.info.description, "new image");
    assert_eq!(latest.config["image"], "nginx:1.28");
    assert!(releases[0].config.is_null(), "no user values: no config");
    assert_eq!(latest.chart_values()["greeting"], "hello");
    assert!(
        latest
            .manifest
            .contains("# Source: shop/templates/deployment.yaml")
    );
    assert_eq!(latest.hooks[0].events, ["pre-upgrade"]);
    assert_eq!(latest.hooks[0].weight, 5);
    assert_eq!(latest.hooks[0].last_run.phase, "Succeeded");
    assert_eq!(latest.info.notes, "shop serves hi with 2 replica(s).\n");

    // Helm's own view of the same history (the SDK's `history`) agrees.
    let history = fixture("history.json");
    for (release, seen) in releases.iter().zip(history["items"].as_array().unwrap()) {
        assert_eq!(seen["revision"], release.version);
        assert_eq!(seen["status"], release.info.status.as_str());
        assert_eq!(seen["notes"], release.info.notes.as_str());
        assert_eq!(seen["chart_version"], release.chart_field("version"));
    }
}

#[test]
fn every_field_survives_and_encoding_round_trips() {
    let secrets = fixture("secrets.json");
    for item in secrets["items"].as_array().unwrap() {
        let text = payload(item);
        let release = decode("r", &text).unwrap();
        // Nothing Helm wrote is lost: the typed record serialises back to the same JSON.
        assert_eq!(serde_json::to_value(&release).unwrap(), raw_json(&text));
        let encoded = encode(&release).unwrap();
        assert_eq!(decode("r", encoded.as_bytes()).unwrap(), release);
        let secret = to_secret(&release, 1_796_591_926).unwrap();
        let labels = secret.metadata.labels.as_ref().unwrap();
        for key in ["name", "owner", "status", "version"] {
            assert_eq!(
                labels[key],
                item["metadata"]["labels"][key].as_str().unwrap()
            );
        }
        assert_eq!(
            secret.metadata.name.as_deref(),
            item["metadata"]["name"].as_str()
        );
        assert_eq!(secret.type_.as_deref(), item["type"].as_str());
        let summary = summary(&secret.metadata, "secret").unwrap();
        assert_eq!(summary.revision, release.version);
        assert_eq!(summary.updated, "2026-12-06T21:18:46Z");
    }
}

#[test]
fn decodes_the_configmap_driver_and_plain_json() {
    let configmaps = fixture("configmaps.json");
    let item = &configmaps["items"][0];
    let text = item["data"]["release"].as_str().unwrap();
    let release = decode("legacy", text.as_bytes()).unwrap();
    assert_eq!(release.name, "legacy");
    assert_eq!(release.config["greeting"], "old");
    assert_eq!(
        to_config_map(&release, 0).unwrap().metadata.name.as_deref(),
        Some("sh.helm.release.v1.legacy.v1")
    );
    let plain = base64::engine::general_purpose::STANDARD.encode(br#"{"name":"a","version":2}"#);
    assert_eq!(decode("a", plain.as_bytes()).unwrap().version, 2);
}

#[test]
fn bad_records_are_named() {
    let error = decode("sh.helm.release.v1.x.v1", b"@@@").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot decode Helm release record `sh.helm.release.v1.x.v1`: `data.release` is not base64"),
        "{error}"
    );
    let big = HelmRelease {
        manifest: "x".repeat(100_000),
        ..decode(
            "a",
            base64::engine::general_purpose::STANDARD
                .encode(br#"{"name":"a","version":1}"#)
                .as_bytes(),
        )
        .unwrap()
    };
    let text = encode(&big).unwrap();
    let error = decode_at_most("a", text.as_bytes(), 1000).unwrap_err();
    assert!(
        error.to_string().contains("more than 1000 bytes"),
        "{error}"
    );
}

#[test]
fn summaries_skip_what_is_not_a_helm_record() {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    let meta = |name: &str, labels: &[(&str, &str)]| ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some("ns".into()),
        labels: Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        ..Default::default()
    };
    let ok = meta(
        "sh.helm.release.v1.web.v4",
        &[
            ("owner", "helm"),
            ("name", "web"),
            ("version", "4"),
            ("status", "failed"),
        ],
    );
    let summary = summary(&ok, "configmap").unwrap();
    assert_eq!(
        (
            summary.revision,
            summary.status.as_str(),
            summary.updated.as_str()
        ),
        (4, "failed", "")
    );
    let ours = meta(
        "charts.release.v1.web.v4",
        &[("owner", "charts"), ("name", "web"), ("version", "4")],
    );
    assert!(super::summary(&ours, "secret").is_none());
    let renamed = meta(
        "other",
        &[("owner", "helm"), ("name", "web"), ("version", "4")],
    );
    assert!(super::summary(&renamed, "secret").is_none());
}
