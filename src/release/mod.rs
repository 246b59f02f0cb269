//! Releases: the numbered record of what was deployed, its status machine, and how records are
//! stored as cluster Secrets (see `encoding`). Pure code; the cluster edge lives in `cluster`.

pub mod chart_store;
pub mod encoding;
pub mod history;
pub mod inventory;
pub mod lock;
pub mod selector;
pub mod store;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Where a revision is in its life. Names are Helm's, so users and scripts recognise them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    PendingInstall,
    PendingUpgrade,
    PendingRollback,
    Deployed,
    Superseded,
    Failed,
    Uninstalling,
    Uninstalled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::PendingRollback => "pending-rollback",
            Status::Deployed => "deployed",
            Status::Superseded => "superseded",
            Status::Failed => "failed",
            Status::Uninstalling => "uninstalling",
            Status::Uninstalled => "uninstalled",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        [
            Status::PendingInstall,
            Status::PendingUpgrade,
            Status::PendingRollback,
            Status::Deployed,
            Status::Superseded,
            Status::Failed,
            Status::Uninstalling,
            Status::Uninstalled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    pub fn is_pending(self) -> bool {
        matches!(
            self,
            Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback
        )
    }

    /// A revision an on-call engineer would roll back to: it was running fine at some point.
    pub fn is_good(self) -> bool {
        matches!(self, Status::Deployed | Status::Superseded)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The chart a revision was made from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartInfo {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub app_version: String,
    /// sha256 of the chart package, `sha256:<hex>`: of the `.tgz` as installed, or of the
    /// reproducible package of a directory chart; the key of the stored chart (see
    /// `chart_store`). Records written before charts were stored may hold a digest of a
    /// directory's files instead, with no stored chart.
    #[serde(default)]
    pub digest: String,
    /// The subcharts the revision rendered (enabled by their conditions and tags), in tree
    /// order: what `list --wide` shows as the snapshot's parts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subcharts: Vec<SubchartInfo>,
}

/// One subchart of a rendered chart: its chart name and version, the name its parent knows it
/// by when that differs (`alias`), and for a subchart of a subchart, the parent's path
/// (`backend`, `backend/cache`: the names the parents know them by, joined by `/`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubchartInfo {
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// One revision of a release, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub name: String,
    pub namespace: String,
    pub revision: u64,
    pub status: Status,
    pub chart: ChartInfo,
    /// The values the user supplied for this revision (not the chart defaults).
    #[serde(default)]
    pub config: serde_json::Value,
    /// The computed values the templates saw.
    #[serde(default)]
    pub computed_values: serde_json::Value,
    /// The rendered objects, as a multi-document YAML stream: the inventory for pruning and
    /// exactly what a rollback re-applies.
    pub manifest: String,
    #[serde(default)]
    pub notes: String,
    pub description: String,
    /// RFC 3339 times.
    pub first_deployed: String,
    pub last_deployed: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<String>,
    /// Pipeline metadata (`--label commit=abc`), stored as Secret labels too.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    /// The namespace was created for this release (`--create-namespace`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub created_namespace: bool,
    /// The revision's hooks: their manifests (so a rollback runs them without the chart) and
    /// each one's last run. Not part of the inventory: never pruned as release objects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<crate::hooks::Hook>,
    /// The environment the release was deployed into (`--env`, `--branch`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<ReleaseEnv>,
    /// Where this revision was promoted from (`charts promote`), if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// The source of a promoted revision: the release revision whose chart snapshot it deployed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provenance {
    /// The source release's namespace, name and revision.
    pub namespace: String,
    pub release: String,
    pub revision: u64,
    /// The digest of the chart snapshot deployed (`sha256:<hex>`), the same in source and target.
    pub chart_digest: String,
    /// The source revision's pipeline labels (commit, build URL...).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    /// When the promotion happened (RFC 3339).
    #[serde(default)]
    pub promoted_at: String,
}

/// The environment of a release, as its record keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseEnv {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// What `list` and `history` show, read from Secret metadata alone (no payload decoded).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseSummary {
    pub name: String,
    pub namespace: String,
    pub revision: u64,
    pub status: Status,
    pub chart: String,
    pub app_version: String,
    pub updated: String,
    pub description: String,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    /// What the revision runs and where it came from (`list --wide`), from its annotations.
    #[serde(flatten)]
    pub inventory: Inventory,
}

/// The inventory a record's annotations carry (`charts.dev/images`, `charts.dev/subcharts`,
/// `charts.dev/provenance`): read by `list` without decoding the payload. Records written
/// before these annotations existed have an empty inventory.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Inventory {
    /// Image references of the revision's containers (hooks included), sorted, unique.
    pub images: Vec<String>,
    /// How many images were left out of the annotation to keep it under its size cap.
    #[serde(skip_serializing_if = "is_zero")]
    pub images_omitted: usize,
    pub subcharts: Vec<SubchartInfo>,
    /// How many subcharts were left out of the annotation to keep it under its size cap.
    #[serde(skip_serializing_if = "is_zero")]
    pub subcharts_omitted: usize,
    pub provenance: Option<Provenance>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The release-name rule: a DNS-1123 subdomain of at most 53 characters (Helm's), so every
/// object name derived from it still fits.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 53 {
        return Err(format!("release name `{name}` must be 1 to 53 characters"));
    }
    if crate::names::is_subdomain_shaped(name) {
        Ok(())
    } else {
        Err(format!(
            "release name `{name}` is invalid: use lowercase letters, digits, `-` and `.`, starting and ending alphanumeric"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trips_and_names_match_helm() {
        for status in [
            "pending-install",
            "deployed",
            "superseded",
            "failed",
            "uninstalled",
        ] {
            assert_eq!(Status::parse(status).unwrap().as_str(), status);
        }
        assert_eq!(
            serde_json::to_string(&Status::PendingRollback).unwrap(),
            "\"pending-rollback\""
        );
        assert!(Status::parse("bogus").is_none());
    }

    #[test]
    fn release_names() {
        assert!(validate_name("web").is_ok());
        assert!(validate_name("web.v2-a").is_ok());
        assert!(validate_name("Web").is_err());
        assert!(validate_name(&"a".repeat(54)).is_err());
        assert!(validate_name("-web").is_err());
    }
}
