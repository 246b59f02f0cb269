//! Seeds release records into a cluster (the sandbox, for `bench/list.sh`): RELEASES releases
//! spread over NAMESPACES namespaces, REVISIONS revisions each, every revision a realistic
//! record (a Deployment, Service and ConfigMap manifest of a few KB, values, notes, labels),
//! written through the Secret store so the encoding is the real one.
//!
//!   cargo run --release --features bench --example seed_releases -- \
//!       --kubeconfig FILE [--releases 1000] [--revisions 5] [--namespaces 4] \
//!       [--environments EXPIRES_AT|never]
//!
//! With `--environments` (for `bench/env-list.sh` and `bench/env-gc.sh`) the namespaces are
//! environments as `charts env up` makes them, `env-0000`, `env-0001`, ..., labelled and
//! annotated per the contract in `src/env/mod.rs`, expiring at EXPIRES_AT (RFC 3339) or never.
//!
//! Built only with `--features bench`, so that `cargo test` does not link it.

use std::time::Instant;

use charts::cluster::{self, ClusterSettings};
use charts::release::store::{SecretStore, Store};
use charts::release::{ChartInfo, Release, Status, SubchartInfo};
use futures_util::StreamExt;
use indexmap::IndexMap;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, PostParams};

struct Settings {
    kubeconfig: std::path::PathBuf,
    releases: usize,
    revisions: u64,
    namespaces: usize,
    /// `--environments`: the namespaces are environments expiring then (`None`: never).
    environments: Option<Option<String>>,
}

fn parse() -> Result<Settings, String> {
    let mut settings = Settings {
        kubeconfig: std::path::PathBuf::new(),
        releases: 1000,
        revisions: 5,
        namespaces: 4,
        environments: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|e| format!("`{flag} {value}`: {e}"))
        };
        match flag.as_str() {
            "--kubeconfig" => settings.kubeconfig = value.clone().into(),
            "--releases" => settings.releases = number()?,
            "--revisions" => settings.revisions = number()? as u64,
            "--namespaces" => settings.namespaces = number()?.max(1),
            "--environments" => {
                settings.environments = Some((value != "never").then(|| value.clone()))
            }
            other => return Err(format!("unknown flag `{other}`")),
        }
    }
    if settings.kubeconfig.as_os_str().is_empty() {
        return Err("`--kubeconfig FILE` is required".into());
    }
    Ok(settings)
}

/// A chart's worth of objects, different for every release and revision.
fn manifest(name: &str, revision: u64) -> String {
    let mut text = format!(
        "---\n# Source: app/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\n  labels:\n    app.kubernetes.io/name: app\n    app.kubernetes.io/instance: {name}\n    app.kubernetes.io/version: \"2.{revision}.0\"\ndata:\n"
    );
    for key in 0..24 {
        text.push_str(&format!(
            "  setting_{key:02}: \"{name}-{revision}-{:016x}\"\n",
            (key as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ revision
        ));
    }
    text.push_str(&format!(
        "---\n# Source: app/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  labels:\n    app.kubernetes.io/instance: {name}\nspec:\n  type: ClusterIP\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n  selector:\n    app.kubernetes.io/instance: {name}\n"
    ));
    text.push_str(&format!(
        "---\n# Source: app/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app.kubernetes.io/instance: {name}\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app.kubernetes.io/instance: {name}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/instance: {name}\n      annotations:\n        checksum/config: {:064x}\n    spec:\n      containers:\n        - name: app\n          image: \"registry.example.com/team/app:2.{revision}.0\"\n          ports:\n            - name: http\n              containerPort: 8080\n          env:\n",
        (revision as u128 + 7) * 0x1234_5678_9ABC_DEF0_1234_5678_9ABC_DEF0u128
    ));
    for variable in 0..20 {
        text.push_str(&format!(
            "            - name: FEATURE_{variable:02}\n              value: \"{}\"\n",
            (variable + revision).is_multiple_of(3)
        ));
    }
    text.push_str("          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n            limits:\n              memory: 256Mi\n          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n");
    text
}

fn record(namespace: &str, index: usize, revision: u64, revisions: u64) -> Release {
    let name = format!("app-{index:04}");
    let status = if revision == revisions {
        if index % 50 == 7 {
            Status::Failed
        } else {
            Status::Deployed
        }
    } else {
        Status::Superseded
    };
    Release {
        name: name.clone(),
        namespace: namespace.to_string(),
        revision,
        status,
        chart: ChartInfo {
            name: "app".into(),
            version: format!("1.{revision}.0"),
            app_version: format!("2.{revision}.0"),
            digest: format!("sha256:{:064x}", index as u128 * 31 + revision as u128),
            // An umbrella of three components, as `list --wide` shows them.
            subcharts: ["api", "ui", "worker"]
                .iter()
                .map(|component| SubchartInfo {
                    name: format!("app-{component}"),
                    version: format!("1.{revision}.{index}"),
                    alias: None,
                    parent: None,
                })
                .collect(),
        },
        config: serde_json::json!({"replicas": 3, "image": {"tag": format!("2.{revision}.0")}}),
        computed_values: serde_json::json!({
            "replicas": 3,
            "image": {"repository": "registry.example.com/team/app", "tag": format!("2.{revision}.0")},
            "service": {"type": "ClusterIP", "port": 80},
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
        }),
        manifest: manifest(&name, revision),
        notes: format!("{name} is running revision {revision}.\n"),
        description: if revision == 1 {
            "Install complete".into()
        } else {
            "Upgrade complete".into()
        },
        first_deployed: "2026-01-01T10:00:00Z".into(),
        last_deployed: format!("2026-01-{:02}T10:{:02}:00Z", revision, index % 60),
        deleted: None,
        labels: IndexMap::from([
            (
                "commit".to_string(),
                format!("{:07x}", index * 131 + revision as usize),
            ),
            ("pipeline".to_string(), format!("{}", 1000 + revision)),
        ]),
        created_namespace: false,
        hooks: Vec::new(),
        env: None,
        provenance: None,
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let settings = match parse() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    match seed(&settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn seed(settings: &Settings) -> Result<(), String> {
    let cluster = cluster::connect(&ClusterSettings {
        kubeconfig: Some(settings.kubeconfig.clone()),
        ..ClusterSettings::default()
    })
    .await
    .map_err(|e| e.to_string())?;
    let namespaces: Vec<String> = (0..settings.namespaces)
        .map(|i| match settings.environments {
            Some(_) => format!("env-{i:04}"),
            None => format!("team-{i}"),
        })
        .collect();
    let api: Api<Namespace> = Api::all(cluster.client.clone());
    for name in &namespaces {
        let metadata = match &settings.environments {
            None => serde_json::json!({"name": name}),
            Some(expires) => {
                use charts::env::*;
                let mut annotations = serde_json::json!({
                    BRANCH_ANNOTATION: format!("feature/{name}"),
                    COMMIT_ANNOTATION: "0123abc",
                    CREATED_BY_ANNOTATION: "bench",
                    CREATED_AT_ANNOTATION: "2026-01-01T00:00:00Z",
                    PROFILE_ANNOTATION: "preview",
                });
                if let Some(expires) = expires {
                    annotations[EXPIRES_AT_ANNOTATION] = expires.clone().into();
                }
                serde_json::json!({
                    "name": name,
                    "labels": {MANAGED_BY_LABEL: MANAGED_BY, ENV_LABEL: name},
                    "annotations": annotations,
                })
            }
        };
        let namespace: Namespace =
            serde_json::from_value(serde_json::json!({ "metadata": metadata })).unwrap();
        match api.create(&PostParams::default(), &namespace).await {
            Ok(_) => {}
            Err(kube::Error::Api(status)) if status.code == 409 => {}
            Err(e) => return Err(format!("cannot create namespace `{name}`: {e}")),
        }
    }
    let store = SecretStore::new(cluster);
    let started = Instant::now();
    let records = (0..settings.releases).flat_map(|index| {
        let namespace = namespaces[index % namespaces.len()].clone();
        (1..=settings.revisions).map(move |revision| (namespace.clone(), index, revision))
    });
    let mut bytes = 0usize;
    let mut written = 0usize;
    let mut results = futures_util::stream::iter(records)
        .map(|(namespace, index, revision)| {
            let store = &store;
            async move {
                let release = record(&namespace, index, revision, settings.revisions);
                let size = charts::release::encoding::encode(&release)
                    .map(|s| {
                        s.iter()
                            .map(|s| s.data.as_ref().map_or(0, |d| d["release"].0.len()))
                            .sum::<usize>()
                    })
                    .unwrap_or(0);
                store.create(&release).await.map(|()| size)
            }
        })
        .buffer_unordered(16);
    while let Some(result) = results.next().await {
        bytes += result.map_err(|e| e.to_string())?;
        written += 1;
    }
    eprintln!(
        "seeded {written} records ({} releases x {} revisions in {} namespaces), {} KiB of gzip payload, in {:.1}s",
        settings.releases,
        settings.revisions,
        namespaces.len(),
        bytes / 1024,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
