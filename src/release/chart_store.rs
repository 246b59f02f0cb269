//! The chart a revision was rendered from, kept in the cluster next to the release records so
//! that `upgrade NAME` without a chart, `promote` and `get chart` work from the cluster alone.
//!
//! Each distinct chart package is stored once per namespace, content-addressed by its sha256
//! digest: a Secret `charts.chart.v1.<first 40 hex of the digest>`, type `charts.dev/chart.v1`,
//! label `owner=charts-chart` (a release listing, `owner=charts`, never matches it), holding the
//! package bytes as installed (a gzip'd tar) under `data.package`. Packages larger than one
//! Secret are split like records are (see `encoding`): the first part stays in the chart's
//! Secret, annotated with the number of parts, the rest go to `<name>.c<N>` Secrets labelled
//! `owner=charts-chart-chunk`.
//!
//! Every record Secret carries the label `charts.dev/chart-digest=<hex40>` of its chart, so the
//! revisions that still need a chart are one metadata LIST away: a chart Secret is deleted when
//! the last record that references it is (see `store::SecretStore`).

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::encoding::{ANNOTATION_CHUNKS, CHUNK_BYTES, MAX_CHUNKS, claimed_chunks, join_chunks};

pub const SECRET_TYPE: &str = "charts.dev/chart.v1";
pub const OWNER: &str = "charts-chart";
pub const CHUNK_OWNER: &str = "charts-chart-chunk";
/// On record Secrets and chart Secrets: the first 40 hex digits of the chart's digest.
pub const LABEL_DIGEST: &str = "charts.dev/chart-digest";
/// On chart Secrets: the whole digest, `sha256:<hex>`.
pub const ANNOTATION_DIGEST: &str = "charts.dev/digest";
/// On chart Secrets: `<name>-<version>` of the chart, for people reading `kubectl get`.
pub const ANNOTATION_CHART: &str = "charts.dev/chart";
/// The data key that holds the package bytes.
pub const DATA_KEY: &str = "package";
/// Hex digits of the digest in names and labels (a label value holds at most 63 characters).
const KEY_LEN: usize = 40;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("chart digest `{0}` is not `sha256:` and 64 hex digits")]
    Digest(String),
    #[error("cannot read stored chart `{secret}`: {message}")]
    Decode { secret: String, message: String },
}

/// A chart package as stored: its bytes, and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChart {
    /// `sha256:<hex>` of `package`.
    pub digest: String,
    pub name: String,
    pub version: String,
    /// The package (gzip'd tar), byte for byte as installed.
    pub package: Vec<u8>,
}

impl StoredChart {
    /// The package `bytes` of chart `name` `version`, with their digest.
    pub fn new(name: &str, version: &str, package: Vec<u8>) -> StoredChart {
        StoredChart {
            digest: format!("sha256:{}", crate::support::sha256_hex(&package)),
            name: name.to_string(),
            version: version.to_string(),
            package,
        }
    }

    /// `<name>-<version>.tgz`, the file `get chart -d DIR` writes.
    pub fn file_name(&self) -> String {
        format!("{}-{}.tgz", self.name, self.version)
    }
}

/// The short form of a digest that names the chart Secret and labels the records: its first 40
/// hex digits. `None` for anything but `sha256:` and 64 lowercase hex digits (records written
/// before charts were stored may hold other digests).
pub fn digest_key(digest: &str) -> Option<&str> {
    let hex = digest.strip_prefix("sha256:")?;
    let well_formed = hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then(|| &hex[..KEY_LEN])
}

/// The chart Secret's name for a digest key (see [`digest_key`]).
pub fn secret_name(key: &str) -> String {
    format!("charts.chart.v1.{key}")
}

fn chunk_name(key: &str, index: usize) -> String {
    format!("{}.c{index}", secret_name(key))
}

/// The Secrets that hold `chart` in `namespace`: the chart's own Secret first, then any chunks.
pub fn encode(namespace: &str, chart: &StoredChart) -> Result<Vec<Secret>, Error> {
    let key = digest_key(&chart.digest).ok_or_else(|| Error::Digest(chart.digest.clone()))?;
    let parts: Vec<&[u8]> = if chart.package.is_empty() {
        vec![&[]]
    } else {
        chart.package.chunks(CHUNK_BYTES).collect()
    };
    let mut annotations = BTreeMap::from([
        (ANNOTATION_DIGEST.to_string(), chart.digest.clone()),
        (
            ANNOTATION_CHART.to_string(),
            format!("{}-{}", chart.name, chart.version),
        ),
    ]);
    if parts.len() > 1 {
        annotations.insert(ANNOTATION_CHUNKS.to_string(), parts.len().to_string());
    }
    let secret =
        |name: String, owner: &str, annotations: Option<BTreeMap<String, String>>, part| Secret {
            metadata: ObjectMeta {
                name: Some(name),
                namespace: Some(namespace.to_string()),
                labels: Some(BTreeMap::from([
                    ("owner".to_string(), owner.to_string()),
                    (LABEL_DIGEST.to_string(), key.to_string()),
                ])),
                annotations,
                ..ObjectMeta::default()
            },
            type_: Some(SECRET_TYPE.to_string()),
            data: Some(BTreeMap::from([(
                DATA_KEY.to_string(),
                ByteString(<[u8]>::to_vec(part)),
            )])),
            ..Secret::default()
        };
    let mut secrets = vec![secret(secret_name(key), OWNER, Some(annotations), parts[0])];
    for (index, part) in parts.iter().enumerate().skip(1) {
        secrets.push(secret(chunk_name(key, index), CHUNK_OWNER, None, part));
    }
    Ok(secrets)
}

/// Names of the chunk Secrets that follow the chart Secret `secret` (at most [`MAX_CHUNKS`]).
pub fn chunk_names(secret: &Secret) -> Vec<String> {
    let Some(key) = secret
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(LABEL_DIGEST))
    else {
        return Vec::new();
    };
    (1..claimed_chunks(secret).clamp(1, MAX_CHUNKS))
        .map(|index| chunk_name(key, index))
        .collect()
}

/// The chart held by the chart Secret `secret` and (in order) its chunk Secrets. The bytes must
/// have the digest the Secret claims, and that digest the one its name is made from: a chart
/// Secret anyone could edit is checked before it is deployed.
pub fn decode(secret: &Secret, chunks: &[Secret]) -> Result<StoredChart, Error> {
    let name = secret.metadata.name.clone().unwrap_or_default();
    let error = |message: String| Error::Decode {
        secret: name.clone(),
        message,
    };
    let annotation = |key: &str| {
        secret
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(key))
            .cloned()
            .unwrap_or_default()
    };
    let digest = annotation(ANNOTATION_DIGEST);
    let key = digest_key(&digest).ok_or_else(|| {
        error(format!(
            "its `{ANNOTATION_DIGEST}` annotation `{}` is not a sha256 digest",
            crate::error::shorten_quoted(&digest)
        ))
    })?;
    if name != secret_name(key) {
        return Err(error(format!(
            "its name does not match its digest `{digest}`"
        )));
    }
    let package = join_chunks(secret, chunks, DATA_KEY, "the chart").map_err(error)?;
    let actual = format!("sha256:{}", crate::support::sha256_hex(&package));
    if actual != digest {
        return Err(error(format!(
            "its package has digest `{actual}`, not the `{digest}` it was stored under"
        )));
    }
    let chart = annotation(ANNOTATION_CHART);
    let (chart_name, version) = split_name_version(&chart);
    Ok(StoredChart {
        digest,
        name: chart_name.to_string(),
        version: version.to_string(),
        package,
    })
}

/// `web-1.2.0-rc.1` into (`web`, `1.2.0-rc.1`): the version starts at the first `-` followed
/// by a digit.
fn split_name_version(chart: &str) -> (&str, &str) {
    let bytes = chart.as_bytes();
    for (index, byte) in bytes.iter().enumerate() {
        if *byte == b'-' && bytes.get(index + 1).is_some_and(u8::is_ascii_digit) {
            return (&chart[..index], &chart[index + 1..]);
        }
    }
    (chart, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(package: Vec<u8>) -> StoredChart {
        StoredChart::new("web", "1.2.0", package)
    }

    #[test]
    fn one_secret_named_by_the_digest_with_the_contract_type_and_labels() {
        let stored = chart(b"not really a tgz".to_vec());
        let secrets = encode("dev", &stored).unwrap();
        assert_eq!(secrets.len(), 1);
        let secret = &secrets[0];
        let key = &stored.digest["sha256:".len().."sha256:".len() + 40];
        assert_eq!(
            secret.metadata.name.as_deref(),
            Some(format!("charts.chart.v1.{key}").as_str())
        );
        assert_eq!(secret.type_.as_deref(), Some("charts.dev/chart.v1"));
        let labels = secret.metadata.labels.as_ref().unwrap();
        assert_eq!(labels["owner"], "charts-chart");
        assert_eq!(labels[LABEL_DIGEST], key);
        assert_eq!(decode(secret, &[]).unwrap(), stored);
        assert_eq!(stored.file_name(), "web-1.2.0.tgz");
    }

    #[test]
    fn big_packages_are_chunked_and_come_back_whole() {
        let mut state = 0x2545F4914F6CDD1Du64;
        let package: Vec<u8> = (0..2_500_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let stored = chart(package);
        let secrets = encode("dev", &stored).unwrap();
        assert_eq!(secrets.len(), 3);
        assert_eq!(chunk_names(&secrets[0]).len(), 2);
        assert_eq!(
            secrets[1].metadata.labels.as_ref().unwrap()["owner"],
            "charts-chart-chunk"
        );
        assert_eq!(decode(&secrets[0], &secrets[1..]).unwrap(), stored);
        let missing = decode(&secrets[0], &secrets[1..2]).unwrap_err();
        assert!(missing.to_string().contains("3 parts but 2"), "{missing}");
    }

    #[test]
    fn a_chart_claiming_too_many_parts_is_refused() {
        let stored = chart(b"package".to_vec());
        let mut secret = encode("dev", &stored).unwrap().remove(0);
        secret
            .metadata
            .annotations
            .as_mut()
            .unwrap()
            .insert(ANNOTATION_CHUNKS.into(), "1000000000".into());
        assert_eq!(chunk_names(&secret).len(), MAX_CHUNKS - 1);
        let error = decode(&secret, &[]).unwrap_err().to_string();
        assert!(
            error.contains("the chart claims 1000000000 parts, more than the 256 a chart may have"),
            "{error}"
        );
    }

    #[test]
    fn a_tampered_package_is_refused() {
        let stored = chart(b"package".to_vec());
        let mut secret = encode("dev", &stored).unwrap().remove(0);
        secret
            .data
            .as_mut()
            .unwrap()
            .insert(DATA_KEY.into(), ByteString(b"evil".to_vec()));
        let error = decode(&secret, &[]).unwrap_err().to_string();
        assert!(error.contains("not the `sha256:"), "{error}");
    }

    #[test]
    fn only_sha256_digests_have_a_key() {
        let digest = format!("sha256:{}", "ab".repeat(32));
        assert_eq!(digest_key(&digest), Some(&"ab".repeat(20)[..]));
        assert_eq!(digest_key("sha256:00"), None);
        assert_eq!(digest_key(&digest.to_uppercase()), None);
        assert!(
            encode(
                "dev",
                &StoredChart {
                    digest: "md5:x".into(),
                    ..chart(vec![])
                }
            )
            .is_err()
        );
    }

    #[test]
    fn chart_names_split_at_the_version() {
        assert_eq!(split_name_version("web-1.2.0"), ("web", "1.2.0"));
        assert_eq!(
            split_name_version("my-app-0.1.0-rc.1"),
            ("my-app", "0.1.0-rc.1")
        );
        assert_eq!(split_name_version("odd"), ("odd", ""));
    }
}
