//! Helm's release records (reference/helm.md section 4), read so that `charts adopt helm` can
//! take a release over and `charts list --helm` can show what could be: one Secret (or, with
//! Helm's `configmap` driver, one ConfigMap) per revision, named
//! `sh.helm.release.v1.<name>.v<revision>`, labels `owner=helm,name,status,version` (and
//! `createdAt`/`modifiedAt`, unix seconds), `data.release` = base64(gzip(JSON of the release)).
//! The Secret's data is base64 once more on the wire; kube decodes that layer.
//!
//! Pure code; the cluster edge is [`storage`].

pub mod storage;

use std::collections::BTreeMap;
use std::io::Write;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const SECRET_TYPE: &str = "helm.sh/release.v1";
pub const OWNER: &str = "helm";
/// Helm's ownership marks on the objects it applies.
pub const RELEASE_NAME_ANNOTATION: &str = "meta.helm.sh/release-name";
pub const RELEASE_NAMESPACE_ANNOTATION: &str = "meta.helm.sh/release-namespace";
pub const MANAGED_BY_VALUE: &str = "Helm";
/// Most bytes a Helm record may decompress to (the same bound as our own records).
pub const MAX_RECORD_BYTES: u64 = crate::release::encoding::MAX_RECORD_BYTES;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot decode Helm release record `{record}`: {message}")]
    Decode { record: String, message: String },
    #[error("cannot encode Helm release `{name}` revision {revision}: {message}")]
    Encode {
        name: String,
        revision: u64,
        message: String,
    },
}

/// One revision of a Helm release, as Helm serialises it (`pkg/release/v1/release.go`). Fields
/// this program does not read are kept in `other`, so a record re-encodes to the same JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HelmRelease {
    pub name: String,
    #[serde(default)]
    pub info: Info,
    /// The chart, as Helm stores it (metadata, templates, values, files...; no subcharts).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub chart: Value,
    /// The values the user supplied (absent when none were).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub config: Value,
    #[serde(default)]
    pub manifest: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<Hook>,
    pub version: u64,
    #[serde(default)]
    pub namespace: String,
    /// Release labels (`helm install --labels`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Info {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub first_deployed: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub last_deployed: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub deleted: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hook {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub manifest: String,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub last_run: LastRun,
    #[serde(default)]
    pub weight: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delete_policies: Vec<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LastRun {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub started_at: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub completed_at: String,
    #[serde(default)]
    pub phase: String,
}

impl HelmRelease {
    /// A chart metadata field (`name`, `version`, `appVersion`).
    pub fn chart_field(&self, field: &str) -> &str {
        self.chart
            .pointer(&format!("/metadata/{field}"))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The chart's default values, as stored with the release (`{}` when absent).
    pub fn chart_values(&self) -> Value {
        match self.chart.get("values") {
            Some(Value::Object(map)) => Value::Object(map.clone()),
            _ => Value::Object(Map::new()),
        }
    }
}

/// The storage key of a revision: the Secret's or ConfigMap's name.
pub fn record_name(release: &str, revision: u64) -> String {
    format!("sh.helm.release.v1.{release}.v{revision}")
}

/// Decodes `data.release` (the base64 text Helm wrote; the API's own base64 layer already
/// removed). Helm reads plain JSON too when the bytes are not gzip.
pub fn decode(record: &str, text: &[u8]) -> Result<HelmRelease, Error> {
    decode_at_most(record, text, MAX_RECORD_BYTES)
}

fn decode_at_most(record: &str, text: &[u8], limit: u64) -> Result<HelmRelease, Error> {
    let error = |message: String| Error::Decode {
        record: record.to_string(),
        message,
    };
    let trimmed: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&trimmed)
        .map_err(|e| error(format!("`data.release` is not base64: {e}")))?;
    let json = if bytes.starts_with(&[0x1f, 0x8b, 0x08]) {
        crate::support::gunzip_at_most(&bytes, limit).map_err(error)?
    } else {
        bytes
    };
    serde_json::from_slice(&json).map_err(|e| {
        error(format!(
            "not a Helm release: {}",
            crate::error::shorten_quoted(&e.to_string())
        ))
    })
}

/// `data.release` as Helm writes it: base64 of the best-compressed gzip of the JSON.
pub fn encode(release: &HelmRelease) -> Result<String, Error> {
    let error = |message: String| Error::Encode {
        name: release.name.clone(),
        revision: release.version,
        message,
    };
    let json = serde_json::to_vec(release).map_err(|e| error(e.to_string()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&json).map_err(|e| error(e.to_string()))?;
    let bytes = gz.finish().map_err(|e| error(e.to_string()))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The labels Helm's storage puts on a record (`createdAt` in unix seconds).
pub fn record_labels(release: &HelmRelease, created_at: i64) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("name".to_string(), release.name.clone()),
        ("owner".to_string(), OWNER.to_string()),
        ("status".to_string(), release.info.status.clone()),
        ("version".to_string(), release.version.to_string()),
        ("createdAt".to_string(), created_at.to_string()),
    ])
}

/// A revision as Helm's `secret` driver stores it.
pub fn to_secret(
    release: &HelmRelease,
    created_at: i64,
) -> Result<k8s_openapi::api::core::v1::Secret, Error> {
    use k8s_openapi::ByteString;
    Ok(k8s_openapi::api::core::v1::Secret {
        metadata: record_metadata(release, created_at),
        type_: Some(SECRET_TYPE.to_string()),
        data: Some(BTreeMap::from([(
            "release".to_string(),
            ByteString(encode(release)?.into_bytes()),
        )])),
        ..Default::default()
    })
}

/// A revision as Helm's `configmap` driver stores it.
pub fn to_config_map(
    release: &HelmRelease,
    created_at: i64,
) -> Result<k8s_openapi::api::core::v1::ConfigMap, Error> {
    Ok(k8s_openapi::api::core::v1::ConfigMap {
        metadata: record_metadata(release, created_at),
        data: Some(BTreeMap::from([("release".to_string(), encode(release)?)])),
        ..Default::default()
    })
}

fn record_metadata(
    release: &HelmRelease,
    created_at: i64,
) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
    k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
        name: Some(record_name(&release.name, release.version)),
        namespace: Some(release.namespace.clone()),
        labels: Some(record_labels(release, created_at)),
        ..Default::default()
    }
}

/// What `list --helm` shows of one revision, from its labels alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordSummary {
    pub name: String,
    pub namespace: String,
    pub revision: u64,
    pub status: String,
    /// `secret` or `configmap`: Helm's storage driver.
    pub storage: &'static str,
    /// RFC 3339, from `modifiedAt` or `createdAt`; empty when neither is there.
    pub updated: String,
}

/// The summary of a record from its metadata; `None` for anything that is not Helm's record.
pub fn summary(
    metadata: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    storage: &'static str,
) -> Option<RecordSummary> {
    let labels = metadata.labels.as_ref()?;
    if labels.get("owner").map(String::as_str) != Some(OWNER) {
        return None;
    }
    let name = labels.get("name")?.clone();
    let revision: u64 = labels.get("version")?.parse().ok()?;
    if metadata.name.as_deref() != Some(record_name(&name, revision).as_str()) {
        return None;
    }
    let updated = labels
        .get("modifiedAt")
        .or_else(|| labels.get("createdAt"))
        .and_then(|s| s.parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(crate::support::clock::rfc3339)
        .unwrap_or_default();
    Some(RecordSummary {
        name,
        namespace: metadata.namespace.clone().unwrap_or_default(),
        revision,
        status: labels.get("status").cloned().unwrap_or_default(),
        storage,
        updated,
    })
}

#[cfg(test)]
mod tests;
