//! Stored charts as Secrets (see `release::chart_store`): written once when absent, read back
//! checked against their digest, and deleted with the last record that references them.
//!
//! Concurrency: two releases in a namespace may share a chart while one is being uninstalled
//! and the other installed. A writer creates its record (labelled with the chart's digest)
//! first and then makes sure the chart Secret exists. A deleter, after deleting a record, lists
//! the records that reference the chart; when there are none it deletes the chart (with a
//! `resourceVersion` precondition) and lists again: a record that appeared meanwhile may have
//! seen the chart still there and not written it, so the deleter puts the chart back from the
//! bytes it read. Either the writer's check comes after the deletion (and it writes the chart),
//! or its record comes before the second list (and the deleter restores it).

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, DeleteParams, ListParams, PostParams, Preconditions};

use super::secret::{is_code, name_of};
use super::{Error, SecretStore};
use crate::release::chart_store::{self, StoredChart};
use crate::release::encoding;

/// What deleting a record needs to know from its Secret's metadata.
pub(super) struct RecordMetadata {
    /// Names of its chunk Secrets.
    pub chunks: Vec<String>,
    /// The digest key of its stored chart, if it references one.
    pub chart_key: Option<String>,
}

impl SecretStore {
    /// The metadata of a stored revision; `None` when it does not exist.
    pub(super) async fn record_metadata(
        &self,
        namespace: &str,
        name: &str,
        revision: u64,
    ) -> Result<Option<RecordMetadata>, Error> {
        let stored = self
            .api(namespace)
            .get_metadata_opt(&encoding::secret_name(name, revision))
            .await
            .map_err(|e| self.error(e, "get", namespace))?;
        Ok(stored.map(|meta| {
            let chart_key = meta
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(chart_store::LABEL_DIGEST))
                .cloned();
            let secret = Secret {
                metadata: meta.metadata,
                ..Secret::default()
            };
            RecordMetadata {
                chunks: encoding::chunk_names(name, revision, &secret),
                chart_key,
            }
        }))
    }

    pub(super) async fn read_chart(
        &self,
        namespace: &str,
        digest: &str,
    ) -> Result<Option<StoredChart>, Error> {
        let Some(key) = chart_store::digest_key(digest) else {
            return Ok(None);
        };
        let Some((secret, parts)) = self.chart_secrets(namespace, key).await? else {
            return Ok(None);
        };
        let chunks = parts
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|missing| chart_store::Error::Decode {
                secret: chart_store::secret_name(key),
                message: format!("its part `{missing}` is missing"),
            })?;
        Ok(Some(chart_store::decode(&secret, &chunks)?))
    }

    /// The chart Secret for `key` and its chunks (each found, or the name of a missing one);
    /// `None` when the chart Secret does not exist.
    async fn chart_secrets(
        &self,
        namespace: &str,
        key: &str,
    ) -> Result<Option<(Secret, Vec<Result<Secret, String>>)>, Error> {
        let api = self.api(namespace);
        let Some(secret) = api
            .get_opt(&chart_store::secret_name(key))
            .await
            .map_err(|e| self.error(e, "get", namespace))?
        else {
            return Ok(None);
        };
        let parts = self
            .get_parts(&api, namespace, chart_store::chunk_names(&secret))
            .await?;
        Ok(Some((secret, parts)))
    }

    pub(super) async fn write_chart(
        &self,
        namespace: &str,
        chart: &StoredChart,
    ) -> Result<bool, Error> {
        let secrets = chart_store::encode(namespace, chart)?;
        let api = self.api(namespace);
        // One small request when the chart is there already, as it is for every upgrade that
        // keeps its chart: the package is not sent again.
        let exists = api
            .get_metadata_opt(name_of(&secrets[0]))
            .await
            .map_err(|e| self.error(e, "get", namespace))?
            .is_some();
        if exists {
            return Ok(false);
        }
        self.create_chart_secrets(&api, namespace, &secrets).await
    }

    /// Creates a chart's Secrets, chunks first so the chart Secret never names a missing part.
    /// The content is addressed by its digest, so a Secret someone else wrote meanwhile holds
    /// the same bytes: a conflict on the chart Secret is success, a leftover chunk is replaced.
    async fn create_chart_secrets(
        &self,
        api: &Api<Secret>,
        namespace: &str,
        secrets: &[Secret],
    ) -> Result<bool, Error> {
        let (main, chunks) = secrets
            .split_first()
            .expect("encode gives the chart Secret");
        for chunk in chunks {
            match api.create(&PostParams::default(), chunk).await {
                Ok(_) => {}
                Err(e) if is_code(&e, 409) => {
                    api.replace(name_of(chunk), &PostParams::default(), chunk)
                        .await
                        .map_err(|e| self.error(e, "update", namespace))?;
                }
                Err(e) => return Err(self.error(e, "create", namespace)),
            }
        }
        match api.create(&PostParams::default(), main).await {
            Ok(_) => Ok(true),
            Err(e) if is_code(&e, 409) => Ok(false),
            Err(e) => Err(self.error(e, "create", namespace)),
        }
    }

    /// Whether any release record in `namespace` references the chart `key` (one metadata LIST
    /// of at most one item).
    async fn chart_referenced(&self, namespace: &str, key: &str) -> Result<bool, Error> {
        let selector = format!(
            "owner={},{}={key}",
            encoding::OWNER,
            chart_store::LABEL_DIGEST
        );
        let listed = self
            .api(namespace)
            .list_metadata(&ListParams::default().labels(&selector).limit(1))
            .await
            .map_err(|e| self.error(e, "list", namespace))?;
        Ok(!listed.items.is_empty())
    }

    /// Deletes the chart `key` if no record in `namespace` references it any more (see the
    /// module's note on concurrency).
    pub(super) async fn collect_chart(&self, namespace: &str, key: &str) -> Result<(), Error> {
        if self.chart_referenced(namespace, key).await? {
            return Ok(());
        }
        // The chunks found: a broken chart is still deleted with its last reference.
        let Some((secret, parts)) = self.chart_secrets(namespace, key).await? else {
            return Ok(());
        };
        let chunks: Vec<Secret> = parts.into_iter().flatten().collect();
        let api = self.api(namespace);
        let params = DeleteParams {
            preconditions: Some(Preconditions {
                resource_version: secret.metadata.resource_version.clone(),
                uid: None,
            }),
            ..DeleteParams::default()
        };
        match api.delete(name_of(&secret), &params).await {
            Ok(_) => {}
            // Gone already, or changed since it was read: someone else decides about it.
            Err(e) if is_code(&e, 404) || is_code(&e, 409) => return Ok(()),
            Err(e) => return Err(self.error(e, "delete", namespace)),
        }
        for chunk in &chunks {
            match api.delete(name_of(chunk), &DeleteParams::default()).await {
                Ok(_) => {}
                Err(e) if is_code(&e, 404) => {}
                Err(e) => return Err(self.error(e, "delete", namespace)),
            }
        }
        if self.chart_referenced(namespace, key).await? {
            let restored: Vec<Secret> = std::iter::once(secret).chain(chunks).map(fresh).collect();
            self.create_chart_secrets(&api, namespace, &restored)
                .await?;
        }
        Ok(())
    }
}

/// A Secret read back, ready to be created again: what the server set is dropped.
fn fresh(secret: Secret) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: secret.metadata.name,
            namespace: secret.metadata.namespace,
            labels: secret.metadata.labels,
            annotations: secret.metadata.annotations,
            ..ObjectMeta::default()
        },
        ..secret
    }
}
