//! A release revision as Kubernetes Secrets (DESIGN.md section 3): one Secret per revision named
//! `charts.release.v1.<release>.v<revision>`, type `charts.dev/release.v1`, labels
//! `owner=charts,name,status,version` plus the release's own labels, annotations that `list`
//! reads without decoding the payload (chart, times, description, and the inventory of
//! `super::inventory`: images, subcharts, provenance), and `data.release` = gzip(JSON of the
//! record).
//!
//! The API server caps a Secret at 1 MiB, so a record whose payload is larger is split: the
//! first part stays in the revision's Secret (annotated with the number of parts) and the rest
//! go to chunk Secrets labelled `owner=charts-chunk`, which a release listing never matches.

use std::collections::BTreeMap;
use std::io::Write;

use indexmap::IndexMap;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Release, ReleaseSummary, Status};

pub const SECRET_TYPE: &str = "charts.dev/release.v1";
pub const OWNER: &str = "charts";
pub const CHUNK_OWNER: &str = "charts-chunk";
pub const ANNOTATION_CHART: &str = "charts.dev/chart";
pub const ANNOTATION_APP_VERSION: &str = "charts.dev/app-version";
pub const ANNOTATION_UPDATED: &str = "charts.dev/updated";
pub const ANNOTATION_DESCRIPTION: &str = "charts.dev/description";
pub const ANNOTATION_CHUNKS: &str = "charts.dev/chunks";
/// Labels the store owns; release labels may not use them.
pub const RESERVED_LABELS: &[&str] = &[
    "owner",
    "name",
    "status",
    "version",
    super::chart_store::LABEL_DIGEST,
];
/// Payload bytes per Secret: under the 1 MiB cap with room for metadata.
pub const CHUNK_BYTES: usize = 900 * 1024;
/// Most Secrets one record may span (225 MiB of gzip'd record). Records are read back from the
/// cluster, where anyone who can write Secrets can write one: a record that claims more parts
/// is refused rather than listed, fetched or allocated for.
pub const MAX_CHUNKS: usize = 256;
/// Most bytes a record may decompress to: charts unpack to at most 100 MiB, so a record past
/// this is a gzip bomb, not a release.
pub const MAX_RECORD_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot encode release `{name}` revision {revision}: {message}")]
    Encode {
        name: String,
        revision: u64,
        message: String,
    },
    #[error("cannot decode release record `{secret}`: {message}")]
    Decode { secret: String, message: String },
    #[error(
        "release label `{0}` is reserved (owner, name, status, version and charts.dev/chart-digest belong to charts)"
    )]
    ReservedLabel(String),
}

pub fn secret_name(release: &str, revision: u64) -> String {
    format!("charts.release.v1.{release}.v{revision}")
}

fn chunk_name(release: &str, revision: u64, index: usize) -> String {
    format!("{}.c{index}", secret_name(release, revision))
}

/// The Secrets for one revision: the revision's own Secret first, then any chunks.
pub fn encode(release: &Release) -> Result<Vec<Secret>, Error> {
    for key in release.labels.keys() {
        if RESERVED_LABELS.contains(&key.as_str()) {
            return Err(Error::ReservedLabel(key.clone()));
        }
    }
    let encode_error = |message: String| Error::Encode {
        name: release.name.clone(),
        revision: release.revision,
        message,
    };
    let json = serde_json::to_vec(release).map_err(|e| encode_error(e.to_string()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&json)
        .map_err(|e| encode_error(e.to_string()))?;
    let payload = gz.finish().map_err(|e| encode_error(e.to_string()))?;
    let chunks: Vec<&[u8]> = payload.chunks(CHUNK_BYTES).collect();

    let mut labels: BTreeMap<String, String> = release
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    labels.insert("owner".into(), OWNER.into());
    labels.insert("name".into(), release.name.clone());
    labels.insert("status".into(), release.status.as_str().into());
    labels.insert("version".into(), release.revision.to_string());
    // The stored chart this revision needs (see `chart_store`): one LIST finds its users.
    if let Some(key) = super::chart_store::digest_key(&release.chart.digest) {
        labels.insert(super::chart_store::LABEL_DIGEST.into(), key.into());
    }
    let mut annotations = BTreeMap::new();
    annotations.insert(
        ANNOTATION_CHART.to_string(),
        format!("{}-{}", release.chart.name, release.chart.version),
    );
    annotations.insert(
        ANNOTATION_APP_VERSION.to_string(),
        release.chart.app_version.clone(),
    );
    annotations.insert(
        ANNOTATION_UPDATED.to_string(),
        release.last_deployed.clone(),
    );
    annotations.insert(
        ANNOTATION_DESCRIPTION.to_string(),
        release.description.clone(),
    );
    annotations.extend(super::inventory::annotations(release));
    if chunks.len() > 1 {
        annotations.insert(ANNOTATION_CHUNKS.to_string(), chunks.len().to_string());
    }

    let mut secrets = vec![Secret {
        metadata: ObjectMeta {
            name: Some(secret_name(&release.name, release.revision)),
            namespace: Some(release.namespace.clone()),
            labels: Some(labels),
            annotations: Some(annotations),
            ..ObjectMeta::default()
        },
        type_: Some(SECRET_TYPE.to_string()),
        data: Some(BTreeMap::from([(
            "release".to_string(),
            ByteString(chunks.first().map(|c| c.to_vec()).unwrap_or_default()),
        )])),
        ..Secret::default()
    }];
    for (index, chunk) in chunks.iter().enumerate().skip(1) {
        secrets.push(Secret {
            metadata: ObjectMeta {
                name: Some(chunk_name(&release.name, release.revision, index)),
                namespace: Some(release.namespace.clone()),
                labels: Some(BTreeMap::from([
                    ("owner".to_string(), CHUNK_OWNER.to_string()),
                    ("name".to_string(), release.name.clone()),
                    ("version".to_string(), release.revision.to_string()),
                ])),
                ..ObjectMeta::default()
            },
            type_: Some(SECRET_TYPE.to_string()),
            data: Some(BTreeMap::from([(
                "release".to_string(),
                ByteString(chunk.to_vec()),
            )])),
            ..Secret::default()
        });
    }
    Ok(secrets)
}

/// How many Secrets hold this revision (1 unless it was chunked), at most [`MAX_CHUNKS`].
pub fn chunk_count(secret: &Secret) -> usize {
    claimed_chunks(secret).clamp(1, MAX_CHUNKS)
}

/// The number of Secrets a record's or chart's Secret claims in its annotation, unchecked.
pub(crate) fn claimed_chunks(secret: &Secret) -> usize {
    secret
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(ANNOTATION_CHUNKS))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

/// The bytes under `key` of a Secret that may be split in parts (a record, a stored chart) and
/// (in order) its chunk Secrets, joined: the number of parts it claims is checked against
/// [`MAX_CHUNKS`] and the chunks found first (a Secret in the cluster may claim anything), and
/// the error says what is wrong, of the `what` ("the record").
pub(crate) fn join_chunks(
    secret: &Secret,
    chunks: &[Secret],
    key: &str,
    what: &str,
) -> Result<Vec<u8>, String> {
    let expected = claimed_chunks(secret);
    if expected > MAX_CHUNKS {
        let noun = what.trim_start_matches("the ");
        return Err(format!(
            "{what} claims {expected} parts, more than the {MAX_CHUNKS} a {noun} may have"
        ));
    }
    if chunks.len() + 1 != expected {
        return Err(format!(
            "{what} has {expected} parts but {} were found",
            chunks.len() + 1
        ));
    }
    let mut joined = Vec::new();
    for part in std::iter::once(secret).chain(chunks) {
        let bytes = part
            .data
            .as_ref()
            .and_then(|d| d.get(key))
            .ok_or_else(|| format!("no `{key}` key in data"))?;
        joined.extend_from_slice(&bytes.0);
    }
    Ok(joined)
}

/// Names of the chunk Secrets that follow `secret` (empty for an unchunked record).
pub fn chunk_names(release: &str, revision: u64, secret: &Secret) -> Vec<String> {
    (1..chunk_count(secret))
        .map(|index| chunk_name(release, revision, index))
        .collect()
}

/// Decodes a record from its Secret and (in order) its chunk Secrets.
pub fn decode(secret: &Secret, chunks: &[Secret]) -> Result<Release, Error> {
    decode_at_most(secret, chunks, MAX_RECORD_BYTES)
}

/// [`decode`] of a record that decompresses to at most `limit` bytes.
fn decode_at_most(secret: &Secret, chunks: &[Secret], limit: u64) -> Result<Release, Error> {
    let name = secret.metadata.name.clone().unwrap_or_default();
    let decode_error = |message: String| Error::Decode {
        secret: name.clone(),
        message,
    };
    let payload = join_chunks(secret, chunks, "release", "the record").map_err(decode_error)?;
    let json = crate::support::gunzip_at_most(&payload, limit).map_err(decode_error)?;
    serde_json::from_slice(&json).map_err(|e| {
        decode_error(format!(
            "not a release record: {}",
            crate::error::shorten_quoted(&e.to_string())
        ))
    })
}

/// What `list` and `history` need, from metadata only.
pub fn summary(metadata: &ObjectMeta) -> Option<ReleaseSummary> {
    let labels = metadata.labels.as_ref()?;
    if labels.get("owner").map(String::as_str) != Some(OWNER) {
        return None;
    }
    let annotation = |key: &str| {
        metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(key))
            .cloned()
            .unwrap_or_default()
    };
    let release_labels: IndexMap<String, String> = labels
        .iter()
        .filter(|(k, _)| !RESERVED_LABELS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Some(ReleaseSummary {
        name: labels.get("name")?.clone(),
        namespace: metadata.namespace.clone().unwrap_or_default(),
        revision: labels.get("version")?.parse().ok()?,
        status: Status::parse(labels.get("status")?)?,
        chart: annotation(ANNOTATION_CHART),
        app_version: annotation(ANNOTATION_APP_VERSION),
        updated: annotation(ANNOTATION_UPDATED),
        description: annotation(ANNOTATION_DESCRIPTION),
        labels: release_labels,
        inventory: super::inventory::read(metadata.annotations.as_ref()),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::release::ChartInfo;

    pub(crate) fn release(manifest: String) -> Release {
        Release {
            name: "web".into(),
            namespace: "dev".into(),
            revision: 3,
            status: Status::Deployed,
            chart: ChartInfo {
                name: "web".into(),
                version: "1.2.0".into(),
                app_version: "2.0".into(),
                digest: "sha256:00".into(),
                subcharts: Vec::new(),
            },
            config: serde_json::json!({"replicas": 2}),
            computed_values: serde_json::json!({}),
            manifest,
            notes: String::new(),
            description: "Upgrade complete".into(),
            first_deployed: "2026-01-01T00:00:00Z".into(),
            last_deployed: "2026-01-02T00:00:00Z".into(),
            deleted: None,
            labels: IndexMap::from([("commit".to_string(), "abc123".to_string())]),
            created_namespace: false,
            hooks: Vec::new(),
            env: None,
            provenance: None,
        }
    }

    #[test]
    fn one_secret_with_design_labels_and_annotations() {
        let record = release("apiVersion: v1\nkind: ConfigMap\n".into());
        let secrets = encode(&record).unwrap();
        assert_eq!(secrets.len(), 1);
        let secret = &secrets[0];
        assert_eq!(
            secret.metadata.name.as_deref(),
            Some("charts.release.v1.web.v3")
        );
        assert_eq!(secret.type_.as_deref(), Some("charts.dev/release.v1"));
        let labels = secret.metadata.labels.as_ref().unwrap();
        assert_eq!(labels["owner"], "charts");
        assert_eq!(labels["status"], "deployed");
        assert_eq!(labels["version"], "3");
        assert_eq!(labels["commit"], "abc123");
        let summary = summary(&secret.metadata).unwrap();
        assert_eq!(summary.chart, "web-1.2.0");
        assert_eq!(summary.description, "Upgrade complete");
        assert_eq!(summary.labels["commit"], "abc123");
        assert_eq!(decode(secret, &[]).unwrap(), record);
    }

    #[test]
    fn records_over_the_secret_limit_are_chunked_not_refused() {
        // Incompressible text: pseudo-random hex.
        let mut state = 0x2545F4914F6CDD1Du64;
        let manifest: String = (0..3_000_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from_digit((state % 16) as u32, 16).unwrap()
            })
            .collect();
        let record = release(manifest);
        let secrets = encode(&record).unwrap();
        assert!(secrets.len() >= 2, "{} secrets", secrets.len());
        for secret in &secrets {
            assert!(secret.data.as_ref().unwrap()["release"].0.len() <= CHUNK_BYTES);
        }
        assert_eq!(chunk_names("web", 3, &secrets[0]).len(), secrets.len() - 1);
        assert!(
            summary(&secrets[1].metadata).is_none(),
            "chunks are not releases"
        );
        assert_eq!(decode(&secrets[0], &secrets[1..]).unwrap(), record);
        let missing = decode(&secrets[0], &secrets[1..secrets.len() - 1]).unwrap_err();
        assert!(missing.to_string().contains("parts"), "{missing}");
    }

    /// A record read back from the cluster claiming a billion parts once made `get` allocate
    /// a name for each.
    #[test]
    fn a_record_claiming_too_many_parts_is_refused() {
        let mut secret = encode(&release(String::new())).unwrap().remove(0);
        secret
            .metadata
            .annotations
            .get_or_insert_default()
            .insert(ANNOTATION_CHUNKS.into(), "1000000000".into());
        assert_eq!(chunk_count(&secret), MAX_CHUNKS);
        assert_eq!(chunk_names("web", 3, &secret).len(), MAX_CHUNKS - 1);
        assert_eq!(
            decode(&secret, &[]).unwrap_err().to_string(),
            "cannot decode release record `charts.release.v1.web.v3`: the record claims \
             1000000000 parts, more than the 256 a record may have"
        );
    }

    #[test]
    fn a_record_that_decompresses_past_the_limit_is_refused() {
        let record = release("x".repeat(100_000));
        let secret = encode(&record).unwrap().remove(0);
        let error = decode_at_most(&secret, &[], 50_000).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("decompresses to more than 50000 bytes"),
            "{error}"
        );
        assert_eq!(decode_at_most(&secret, &[], 1 << 20).unwrap(), record);
    }

    #[test]
    fn reserved_labels_are_refused() {
        let mut record = release(String::new());
        record.labels.insert("status".into(), "x".into());
        assert!(matches!(encode(&record), Err(Error::ReservedLabel(_))));
    }
}
