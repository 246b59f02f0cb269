//! Environments: namespaces made on demand for branches and builds (`charts env`).
//!
//! This module is the library side: the labels and annotations that mark a namespace as an
//! environment (the contract every `charts env` command and pipeline reads), branch → name
//! ([`name`]), the configuration ([`config`]) and expiry ([`ttl`]). The cluster calls live in
//! `action::env` and the clap types in `cli::env`.

pub mod config;
pub mod environment;
pub mod name;
pub mod profile;
pub mod ttl;

use std::collections::BTreeMap;

pub use name::{EnvName, NameError};

/// Label on every namespace `charts env` makes (shared with every object charts manages).
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// Its value.
pub const MANAGED_BY: &str = "charts";
/// Label: the environment name.
pub const ENV_LABEL: &str = "charts.dev/env";
/// Label: the pool a pool namespace belongs to.
pub const POOL_LABEL: &str = "charts.dev/pool";

/// Annotation: the branch the environment is for.
pub const BRANCH_ANNOTATION: &str = "charts.dev/branch";
/// Annotation: the commit last deployed or brought up.
pub const COMMIT_ANNOTATION: &str = "charts.dev/commit";
/// Annotation: the kube user who created the environment.
pub const CREATED_BY_ANNOTATION: &str = "charts.dev/created-by";
/// Annotation: when the environment was created (RFC 3339).
pub const CREATED_AT_ANNOTATION: &str = "charts.dev/created-at";
/// Annotation: when the environment expires (RFC 3339); absent = never.
pub const EXPIRES_AT_ANNOTATION: &str = "charts.dev/expires-at";
/// Annotation: the profile applied to the environment.
pub const PROFILE_ANNOTATION: &str = "charts.dev/profile";
/// Annotation: `"true"` = `env gc` never removes the environment.
pub const KEEP_ANNOTATION: &str = "charts.dev/keep";
/// Annotation on a claimed pool namespace: who holds it.
pub const CLAIMED_BY_ANNOTATION: &str = "charts.dev/claimed-by";
/// Annotation on a claimed pool namespace: since when (RFC 3339).
pub const CLAIMED_AT_ANNOTATION: &str = "charts.dev/claimed-at";

/// The reserved release that holds an environment's profile objects. Users cannot install a
/// release with this name.
pub const PROFILE_RELEASE: &str = "charts-profile";

/// What the contract's labels and annotations say about a namespace, read from its metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvMarks {
    /// `charts.dev/env`, if the namespace is an environment.
    pub name: Option<String>,
    pub pool: Option<String>,
    pub branch: Option<String>,
    pub commit: Option<String>,
    pub created_by: Option<String>,
    pub created_at: Option<jiff::Timestamp>,
    pub expires_at: Option<jiff::Timestamp>,
    pub profile: Option<String>,
    pub keep: bool,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<jiff::Timestamp>,
}

impl EnvMarks {
    /// Reads the marks from a namespace's labels and annotations. Times that do not parse are
    /// left out (`expires_at` then reads as never: gc removes nothing it cannot date).
    pub fn read(
        labels: Option<&BTreeMap<String, String>>,
        annotations: Option<&BTreeMap<String, String>>,
    ) -> EnvMarks {
        let label = |key: &str| labels.and_then(|map| map.get(key)).cloned();
        let annotation = |key: &str| annotations.and_then(|map| map.get(key)).cloned();
        let time = |key: &str| annotation(key).and_then(|text| text.parse().ok());
        EnvMarks {
            name: label(ENV_LABEL),
            pool: label(POOL_LABEL),
            branch: annotation(BRANCH_ANNOTATION),
            commit: annotation(COMMIT_ANNOTATION),
            created_by: annotation(CREATED_BY_ANNOTATION),
            created_at: time(CREATED_AT_ANNOTATION),
            expires_at: time(EXPIRES_AT_ANNOTATION),
            profile: annotation(PROFILE_ANNOTATION),
            keep: annotation(KEEP_ANNOTATION).as_deref() == Some("true"),
            claimed_by: annotation(CLAIMED_BY_ANNOTATION),
            claimed_at: time(CLAIMED_AT_ANNOTATION),
        }
    }

    /// Reads the marks from a namespace object's metadata.
    pub fn of(metadata: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> EnvMarks {
        EnvMarks::read(metadata.labels.as_ref(), metadata.annotations.as_ref())
    }

    /// Whether `charts env` made the namespace: managed by charts and named as an environment
    /// (or a pool's).
    pub fn is_environment(labels: Option<&BTreeMap<String, String>>) -> bool {
        let Some(labels) = labels else { return false };
        labels.get(MANAGED_BY_LABEL).map(String::as_str) == Some(MANAGED_BY)
            && (labels.contains_key(ENV_LABEL) || labels.contains_key(POOL_LABEL))
    }

    /// Whether the environment has expired at `now` (never, without `expires-at`).
    pub fn is_expired(&self, now: jiff::Timestamp) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// The label selector that lists every environment namespace.
pub fn selector() -> String {
    format!("{MANAGED_BY_LABEL}={MANAGED_BY},{ENV_LABEL}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_read_from_labels_and_annotations() {
        let labels: BTreeMap<String, String> =
            [(MANAGED_BY_LABEL, MANAGED_BY), (ENV_LABEL, "feature-x")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let annotations: BTreeMap<String, String> = [
            (BRANCH_ANNOTATION, "feature/x"),
            (EXPIRES_AT_ANNOTATION, "2024-05-01T12:00:00Z"),
            (CREATED_AT_ANNOTATION, "not a time"),
            (KEEP_ANNOTATION, "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let marks = EnvMarks::read(Some(&labels), Some(&annotations));
        assert_eq!(marks.name.as_deref(), Some("feature-x"));
        assert_eq!(marks.branch.as_deref(), Some("feature/x"));
        assert!(marks.keep);
        assert_eq!(marks.created_at, None);
        assert!(marks.is_expired("2024-05-01T12:00:00Z".parse().unwrap()));
        assert!(!marks.is_expired("2024-05-01T11:59:59Z".parse().unwrap()));
        assert!(EnvMarks::is_environment(Some(&labels)));
        assert!(!EnvMarks::is_environment(None));
        assert!(!EnvMarks::default().is_expired(jiff::Timestamp::MAX));
    }
}
