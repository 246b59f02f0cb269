//! Release storage in the cluster: the Secret store, the operation lock, and the commands that
//! read records (`list`, `history`, `get`), against the sandbox API server (which stores objects
//! and runs no containers).

mod cli;
mod lock;
mod store;

use charts::release::{ChartInfo, Release, Status};
use indexmap::IndexMap;

pub use crate::common::{cluster, create_namespaces};

/// A release record with a small manifest; `updated` is 2026-01-<revision>.
pub fn record(namespace: &str, name: &str, revision: u64, status: Status) -> Release {
    Release {
        name: name.into(),
        namespace: namespace.into(),
        revision,
        status,
        chart: ChartInfo {
            name: "web".into(),
            version: format!("1.{revision}.0"),
            app_version: "2.0".into(),
            digest: "sha256:0000".into(),
            subcharts: Vec::new(),
        },
        config: serde_json::json!({"replicas": revision}),
        computed_values: serde_json::json!({"replicas": revision, "image": "nginx:1.27"}),
        manifest: format!(
            "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  revision: \"{revision}\"\n"
        ),
        notes: format!("{name} is ready at revision {revision}\n"),
        description: if revision == 1 {
            "Install complete".into()
        } else {
            "Upgrade complete".into()
        },
        first_deployed: "2026-01-01T10:00:00Z".into(),
        last_deployed: format!("2026-01-{revision:02}T10:00:00Z"),
        deleted: None,
        labels: IndexMap::from([("commit".to_string(), format!("abc{revision}"))]),
        created_namespace: false,
        hooks: Vec::new(),
        env: None,
        provenance: None,
    }
}

/// Pseudo-random hex: gzip cannot shrink it much, so big inputs need chunks.
pub fn incompressible(len: usize) -> String {
    let mut state = 0x2545F4914F6CDD1Du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from_digit((state % 16) as u32, 16).unwrap()
        })
        .collect()
}
