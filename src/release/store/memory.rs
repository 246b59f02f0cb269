//! Release records in a map, for unit tests of the actions. It keeps the encoded Secrets (chunks
//! included), so the encoding path is the one the cluster store runs.

use std::collections::BTreeMap;
use std::sync::Mutex;

use k8s_openapi::api::core::v1::Secret;

use super::{Error, ListQuery, Store, sort_summaries};
use crate::release::chart_store::{self, StoredChart};
use crate::release::selector::Selector;
use crate::release::{Release, ReleaseSummary, encoding};

/// Secrets by (namespace, name).
#[derive(Debug, Default)]
pub struct MemoryStore {
    secrets: Mutex<BTreeMap<(String, String), Secret>>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Names of the stored Secrets in `namespace`, chunks included, sorted.
    pub fn secret_names(&self, namespace: &str) -> Vec<String> {
        self.lock()
            .keys()
            .filter(|(ns, _)| ns == namespace)
            .map(|(_, name)| name.clone())
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<(String, String), Secret>> {
        // A test that panicked while holding the lock leaves consistent data behind.
        self.secrets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn key(namespace: &str, name: &str) -> (String, String) {
    (namespace.to_string(), name.to_string())
}

fn revision_not_found(namespace: &str, name: &str, revision: u64) -> Error {
    Error::RevisionNotFound {
        name: name.to_string(),
        namespace: namespace.to_string(),
        revision,
    }
}

impl Store for MemoryStore {
    async fn list(&self, query: &ListQuery) -> Result<Vec<ReleaseSummary>, Error> {
        let selector = Selector::parse(&query.label_selector()?)
            .expect("label_selector gives a selector that parses");
        let secrets = self.lock();
        let mut summaries: Vec<ReleaseSummary> = secrets
            .iter()
            .filter(|((namespace, _), _)| query.namespace.as_ref().is_none_or(|n| n == namespace))
            .filter(|(_, secret)| {
                selector.matches(secret.metadata.labels.as_ref().unwrap_or(&BTreeMap::new()))
            })
            .filter_map(|(_, secret)| encoding::summary(&secret.metadata))
            .collect();
        sort_summaries(&mut summaries);
        Ok(summaries)
    }

    async fn get(&self, namespace: &str, name: &str, revision: u64) -> Result<Release, Error> {
        let secrets = self.lock();
        let secret_name = encoding::secret_name(name, revision);
        let secret = secrets
            .get(&key(namespace, &secret_name))
            .ok_or_else(|| revision_not_found(namespace, name, revision))?;
        let mut chunks = Vec::new();
        for chunk_name in encoding::chunk_names(name, revision, secret) {
            let chunk = secrets.get(&key(namespace, &chunk_name)).ok_or_else(|| {
                encoding::Error::Decode {
                    secret: secret_name.clone(),
                    message: format!("its part `{chunk_name}` is missing"),
                }
            })?;
            chunks.push(chunk.clone());
        }
        Ok(encoding::decode(secret, &chunks)?)
    }

    async fn create(&self, release: &Release) -> Result<(), Error> {
        let encoded = encoding::encode(release)?;
        let mut secrets = self.lock();
        let main = key(
            &release.namespace,
            &encoding::secret_name(&release.name, release.revision),
        );
        if secrets.contains_key(&main) {
            return Err(Error::AlreadyExists {
                name: release.name.clone(),
                namespace: release.namespace.clone(),
                revision: release.revision,
            });
        }
        for secret in encoded {
            let name = secret.metadata.name.clone().unwrap_or_default();
            secrets.insert(key(&release.namespace, &name), secret);
        }
        Ok(())
    }

    async fn update(&self, release: &Release) -> Result<(), Error> {
        let encoded = encoding::encode(release)?;
        let mut secrets = self.lock();
        let main_name = encoding::secret_name(&release.name, release.revision);
        let old = secrets
            .get(&key(&release.namespace, &main_name))
            .ok_or_else(|| {
                revision_not_found(&release.namespace, &release.name, release.revision)
            })?;
        for chunk in encoding::chunk_names(&release.name, release.revision, old) {
            secrets.remove(&key(&release.namespace, &chunk));
        }
        for secret in encoded {
            let name = secret.metadata.name.clone().unwrap_or_default();
            secrets.insert(key(&release.namespace, &name), secret);
        }
        Ok(())
    }

    async fn delete(&self, namespace: &str, name: &str, revision: u64) -> Result<(), Error> {
        let mut secrets = self.lock();
        let main = secrets
            .remove(&key(namespace, &encoding::secret_name(name, revision)))
            .ok_or_else(|| revision_not_found(namespace, name, revision))?;
        for chunk in encoding::chunk_names(name, revision, &main) {
            secrets.remove(&key(namespace, &chunk));
        }
        let chart_key = main
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(chart_store::LABEL_DIGEST));
        if let Some(chart_key) = chart_key {
            let referenced = secrets.iter().any(|((ns, _), secret)| {
                let labels = secret.metadata.labels.as_ref();
                ns == namespace
                    && labels.and_then(|l| l.get("owner")).map(String::as_str)
                        == Some(encoding::OWNER)
                    && labels.and_then(|l| l.get(chart_store::LABEL_DIGEST)) == Some(chart_key)
            });
            if !referenced {
                let chart_name = chart_store::secret_name(chart_key);
                if let Some(chart) = secrets.remove(&key(namespace, &chart_name)) {
                    for chunk in chart_store::chunk_names(&chart) {
                        secrets.remove(&key(namespace, &chunk));
                    }
                }
            }
        }
        Ok(())
    }

    async fn get_chart(&self, namespace: &str, digest: &str) -> Result<Option<StoredChart>, Error> {
        let Some(chart_key) = chart_store::digest_key(digest) else {
            return Ok(None);
        };
        let secrets = self.lock();
        let name = chart_store::secret_name(chart_key);
        let Some(secret) = secrets.get(&key(namespace, &name)) else {
            return Ok(None);
        };
        let mut chunks = Vec::new();
        for chunk_name in chart_store::chunk_names(secret) {
            let chunk = secrets.get(&key(namespace, &chunk_name)).ok_or_else(|| {
                chart_store::Error::Decode {
                    secret: name.clone(),
                    message: format!("its part `{chunk_name}` is missing"),
                }
            })?;
            chunks.push(chunk.clone());
        }
        Ok(Some(chart_store::decode(secret, &chunks)?))
    }

    async fn put_chart(&self, namespace: &str, chart: &StoredChart) -> Result<bool, Error> {
        let encoded = chart_store::encode(namespace, chart)?;
        let mut secrets = self.lock();
        let main = key(
            namespace,
            encoded[0].metadata.name.as_deref().unwrap_or_default(),
        );
        if secrets.contains_key(&main) {
            return Ok(false);
        }
        for secret in encoded {
            let name = secret.metadata.name.clone().unwrap_or_default();
            secrets.insert(key(namespace, &name), secret);
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::*;
    use crate::release::{ChartInfo, Status};

    fn record(namespace: &str, name: &str, revision: u64, status: Status) -> Release {
        Release {
            name: name.into(),
            namespace: namespace.into(),
            revision,
            status,
            chart: ChartInfo {
                name: "web".into(),
                version: "1.0.0".into(),
                app_version: "2.1".into(),
                digest: "sha256:00".into(),
                subcharts: Vec::new(),
            },
            config: serde_json::json!({"replicas": revision}),
            computed_values: serde_json::json!({"replicas": revision, "image": "nginx"}),
            manifest: format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"),
            notes: String::new(),
            description: format!("revision {revision}"),
            first_deployed: "2026-01-01T00:00:00Z".into(),
            last_deployed: format!("2026-01-0{revision}T00:00:00Z"),
            deleted: None,
            labels: IndexMap::from([("commit".to_string(), format!("c{revision}"))]),
            created_namespace: false,
            hooks: Vec::new(),
            env: None,
            provenance: None,
        }
    }

    /// Pseudo-random hex: gzip cannot shrink it below the chunk size.
    fn incompressible(len: usize) -> String {
        let mut state = 0x9E3779B97F4A7C15u64;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from_digit((state % 16) as u32, 16).unwrap()
            })
            .collect()
    }

    fn run<F: std::future::Future>(future: F) -> F::Output {
        crate::support::block_on(future)
    }

    #[test]
    fn create_get_and_list_summaries() {
        run(async {
            let store = MemoryStore::new();
            store
                .create(&record("dev", "web", 1, Status::Superseded))
                .await
                .unwrap();
            store
                .create(&record("dev", "web", 2, Status::Deployed))
                .await
                .unwrap();
            store
                .create(&record("prod", "web", 1, Status::Deployed))
                .await
                .unwrap();
            store
                .create(&record("dev", "api", 1, Status::Failed))
                .await
                .unwrap();

            let got = store.get("dev", "web", 2).await.unwrap();
            assert_eq!(got, record("dev", "web", 2, Status::Deployed));

            let all = store.list(&ListQuery::default()).await.unwrap();
            let keys: Vec<_> = all
                .iter()
                .map(|s| (s.namespace.as_str(), s.name.as_str(), s.revision))
                .collect();
            assert_eq!(
                keys,
                [
                    ("dev", "api", 1),
                    ("dev", "web", 1),
                    ("dev", "web", 2),
                    ("prod", "web", 1)
                ]
            );
            let web = &all[2];
            assert_eq!(web.status, Status::Deployed);
            assert_eq!(web.chart, "web-1.0.0");
            assert_eq!(web.app_version, "2.1");
            assert_eq!(web.updated, "2026-01-02T00:00:00Z");
            assert_eq!(web.labels["commit"], "c2");

            let dev = ListQuery {
                namespace: Some("dev".into()),
                ..ListQuery::default()
            };
            assert_eq!(store.list(&dev).await.unwrap().len(), 3);
            let by_label = ListQuery {
                selector: Some("commit=c2".into()),
                ..ListQuery::default()
            };
            let found = store.list(&by_label).await.unwrap();
            assert_eq!((found.len(), found[0].revision), (1, 2));
            let history = store.history("dev", "web").await.unwrap();
            assert_eq!(
                history.iter().map(|s| s.revision).collect::<Vec<_>>(),
                [1, 2]
            );
            assert_eq!(store.latest("dev", "web").await.unwrap().revision, 2);
        });
    }

    #[test]
    fn missing_records_and_duplicates_are_typed_errors() {
        run(async {
            let store = MemoryStore::new();
            let first = record("dev", "web", 1, Status::Deployed);
            store.create(&first).await.unwrap();
            assert!(matches!(
                store.create(&first).await,
                Err(Error::AlreadyExists { revision: 1, .. })
            ));
            assert!(matches!(
                store.get("dev", "web", 9).await,
                Err(Error::RevisionNotFound { revision: 9, .. })
            ));
            assert!(matches!(
                store
                    .update(&record("dev", "web", 2, Status::Deployed))
                    .await,
                Err(Error::RevisionNotFound { revision: 2, .. })
            ));
            assert!(matches!(
                store.delete("prod", "web", 1).await,
                Err(Error::RevisionNotFound { .. })
            ));
            let missing = store.history("dev", "api").await.unwrap_err();
            assert_eq!(
                missing.to_string(),
                "release `api` not found in namespace `dev`"
            );
            let bad = ListQuery {
                selector: Some("commit in c1".into()),
                ..ListQuery::default()
            };
            assert!(matches!(
                store.list(&bad).await,
                Err(Error::InvalidSelector { .. })
            ));
        });
    }

    #[test]
    fn update_replaces_the_record_and_its_labels() {
        run(async {
            let store = MemoryStore::new();
            let mut release = record("dev", "web", 1, Status::PendingInstall);
            store.create(&release).await.unwrap();
            release.status = Status::Deployed;
            release.description = "Install complete".into();
            store.update(&release).await.unwrap();
            assert_eq!(store.get("dev", "web", 1).await.unwrap(), release);
            let listed = store.list(&ListQuery::default()).await.unwrap();
            assert_eq!(listed[0].status, Status::Deployed);
            assert_eq!(listed[0].description, "Install complete");
            let pending = ListQuery {
                selector: Some("status=pending-install".into()),
                ..ListQuery::default()
            };
            assert!(store.list(&pending).await.unwrap().is_empty());
        });
    }

    #[test]
    fn chunked_records_grow_shrink_and_delete_with_their_chunks() {
        run(async {
            let store = MemoryStore::new();
            let mut release = record("dev", "big", 1, Status::Deployed);
            release.manifest = incompressible(4_000_000);
            store.create(&release).await.unwrap();
            let names = store.secret_names("dev");
            assert!(names.len() >= 3, "{names:?}");
            assert_eq!(store.get("dev", "big", 1).await.unwrap(), release);
            let listed = store.list(&ListQuery::default()).await.unwrap();
            assert_eq!(listed.len(), 1, "chunks are not listed as releases");

            release.manifest = incompressible(2_500_000);
            store.update(&release).await.unwrap();
            assert_eq!(store.secret_names("dev").len(), 2, "extra chunks deleted");
            assert_eq!(store.get("dev", "big", 1).await.unwrap(), release);

            release.manifest = "small".into();
            store.update(&release).await.unwrap();
            assert_eq!(store.secret_names("dev"), ["charts.release.v1.big.v1"]);

            release.manifest = incompressible(2_000_000);
            store.update(&release).await.unwrap();
            assert_eq!(store.get("dev", "big", 1).await.unwrap(), release);
            store.delete("dev", "big", 1).await.unwrap();
            assert!(store.secret_names("dev").is_empty());
        });
    }

    #[test]
    fn a_shared_chart_is_stored_once_and_deleted_with_its_last_record() {
        run(async {
            let store = MemoryStore::new();
            let chart = StoredChart::new("web", "1.0.0", b"package".to_vec());
            let with_chart = |namespace: &str, name: &str, revision| {
                let mut release = record(namespace, name, revision, Status::Deployed);
                release.chart.digest = chart.digest.clone();
                release
            };
            for (namespace, name, revision) in [
                ("dev", "web", 1),
                ("dev", "web", 2),
                ("dev", "api", 1),
                ("prod", "web", 1),
            ] {
                store
                    .create(&with_chart(namespace, name, revision))
                    .await
                    .unwrap();
                store.put_chart(namespace, &chart).await.unwrap();
            }
            let chart_secret =
                chart_store::secret_name(chart_store::digest_key(&chart.digest).unwrap());
            let has_chart = |namespace: &str| store.secret_names(namespace).contains(&chart_secret);
            assert_eq!(store.secret_names("dev").len(), 4, "3 records, 1 chart");
            store.delete("dev", "web", 1).await.unwrap();
            store.delete("dev", "web", 2).await.unwrap();
            assert!(has_chart("dev"), "`api` still needs it");
            assert_eq!(
                store.get_chart("dev", &chart.digest).await.unwrap(),
                Some(chart.clone())
            );
            store.delete("dev", "api", 1).await.unwrap();
            assert!(!has_chart("dev"));
            assert!(has_chart("prod"), "another namespace keeps its own");
        });
    }

    #[test]
    fn a_record_with_a_missing_chunk_names_the_part() {
        run(async {
            let store = MemoryStore::new();
            let mut release = record("dev", "big", 1, Status::Deployed);
            release.manifest = incompressible(2_000_000);
            store.create(&release).await.unwrap();
            let chunk = store.secret_names("dev").pop().unwrap();
            store.lock().remove(&key("dev", &chunk));
            let error = store.get("dev", "big", 1).await.unwrap_err();
            assert!(error.to_string().contains(&chunk), "{error}");
        });
    }
}
