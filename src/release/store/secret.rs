//! Release records as Secrets in the cluster, through `kube::Api<Secret>`.

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, DeleteParams, ListParams, PostParams};

use super::{Error, ListQuery, Store, record_page, sort_summaries};
use crate::cluster::{self, Cluster};
use crate::release::chart_store::StoredChart;
use crate::release::{Release, ReleaseSummary, encoding};

/// The storage driver for a real cluster: one Secret per revision (plus chunk Secrets for big
/// records) in the release's namespace.
#[derive(Clone)]
pub struct SecretStore {
    cluster: Cluster,
}

impl SecretStore {
    pub fn new(cluster: Cluster) -> SecretStore {
        SecretStore { cluster }
    }

    /// Connects to the cluster the settings name (no API call yet).
    pub async fn connect(
        settings: &cluster::ClusterSettings,
    ) -> Result<SecretStore, cluster::Error> {
        Ok(SecretStore::new(cluster::connect(settings).await?))
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    pub(super) fn api(&self, namespace: &str) -> Api<Secret> {
        Api::namespaced(self.cluster.client.clone(), namespace)
    }

    pub(super) fn error(&self, source: kube::Error, verb: &str, namespace: &str) -> Error {
        Error::Cluster(cluster::Error::from_kube(
            source,
            &self.cluster,
            verb,
            "secrets",
            namespace,
        ))
    }

    /// Names of the chunk Secrets the stored revision has now (its Secret's metadata says how
    /// many); `None` when the revision does not exist.
    async fn stored_chunks(
        &self,
        namespace: &str,
        name: &str,
        revision: u64,
    ) -> Result<Option<Vec<String>>, Error> {
        let stored = self
            .api(namespace)
            .get_metadata_opt(&encoding::secret_name(name, revision))
            .await
            .map_err(|e| self.error(e, "get", namespace))?;
        Ok(stored.map(|meta| {
            let secret = Secret {
                metadata: meta.metadata,
                ..Secret::default()
            };
            encoding::chunk_names(name, revision, &secret)
        }))
    }

    /// Reads the records `query` matches page by page (see [`Store::scan`]); `newest_only`
    /// leaves out, within each page, the revisions older than another of the same release.
    async fn scan_pages(
        &self,
        query: &ListQuery,
        newest_only: bool,
        visit: &mut (dyn FnMut(ReleaseSummary) + Send),
    ) -> Result<(), Error> {
        let selector = query.label_selector()?;
        let namespace = query.namespace.as_deref().unwrap_or("*");
        // Metadata only, and page by page: neither the payloads nor more than two pages of
        // metadata are held at once, whatever the number of revisions. Each page is parsed on
        // a blocking thread while the next one is fetched (its token comes first in the page).
        let path = <Secret as kube::Resource>::url_path(&(), query.namespace.as_deref());
        let failed = |e: kube::Error| self.error(e, "list", namespace);
        let mut token: Option<String> = None;
        let mut parsing: Option<tokio::task::JoinHandle<_>> = None;
        loop {
            let mut params = ListParams::default().labels(&selector).limit(LIST_PAGE);
            if let Some(token) = &token {
                params = params.continue_token(token);
            }
            let request = kube::core::Request::new(path.as_str())
                .list_metadata(&params)
                .map_err(|e| failed(kube::Error::BuildRequest(e)))?;
            let text = self
                .cluster
                .client
                .request_text(request)
                .await
                .map_err(failed)?;
            let (sender, next) = tokio::sync::oneshot::channel();
            let page =
                tokio::task::spawn_blocking(move || record_page::read(&text, newest_only, sender));
            if let Some(previous) = parsing.replace(page) {
                deliver(previous, visit).await.map_err(failed)?;
            }
            // A page that failed to parse before its token gives none: its error follows.
            match next.await.ok().flatten() {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        if let Some(last) = parsing {
            deliver(last, visit).await.map_err(failed)?;
        }
        Ok(())
    }

    /// The Secrets `names` (the chunks of a record or a chart), in order: each found, or the
    /// name of a missing one.
    pub(super) async fn get_parts(
        &self,
        api: &Api<Secret>,
        namespace: &str,
        names: Vec<String>,
    ) -> Result<Vec<Result<Secret, String>>, Error> {
        let mut parts = Vec::with_capacity(names.len());
        for name in names {
            let part = api
                .get_opt(&name)
                .await
                .map_err(|e| self.error(e, "get", namespace))?;
            parts.push(part.ok_or(name));
        }
        Ok(parts)
    }

    /// Creates `secret`, or replaces it if it exists already.
    async fn put(&self, api: &Api<Secret>, secret: &Secret, namespace: &str) -> Result<(), Error> {
        let name = secret.metadata.name.clone().unwrap_or_default();
        match api.create(&PostParams::default(), secret).await {
            Ok(_) => Ok(()),
            Err(e) if is_code(&e, 409) => api
                .replace(&name, &PostParams::default(), secret)
                .await
                .map(drop)
                .map_err(|e| self.error(e, "update", namespace)),
            Err(e) => Err(self.error(e, "create", namespace)),
        }
    }

    /// Deletes the Secret `name`; `Ok(false)` if it did not exist.
    async fn remove(&self, api: &Api<Secret>, name: &str, namespace: &str) -> Result<bool, Error> {
        match api.delete(name, &DeleteParams::default()).await {
            Ok(_) => Ok(true),
            Err(e) if is_code(&e, 404) => Ok(false),
            Err(e) => Err(self.error(e, "delete", namespace)),
        }
    }
}

/// Records per LIST request (kubectl's default chunk size).
pub const LIST_PAGE: u32 = 500;

/// Hands the summaries of a parsed page to `visit`.
async fn deliver(
    page: tokio::task::JoinHandle<Result<Vec<ReleaseSummary>, serde_json::Error>>,
    visit: &mut (dyn FnMut(ReleaseSummary) + Send),
) -> Result<(), kube::Error> {
    let summaries = page
        .await
        .map_err(|e| kube::Error::Service(Box::new(e)))?
        .map_err(kube::Error::SerdeError)?;
    summaries.into_iter().for_each(visit);
    Ok(())
}

pub(super) fn is_code(error: &kube::Error, code: u16) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == code)
}

pub(super) fn name_of(secret: &Secret) -> &str {
    secret.metadata.name.as_deref().unwrap_or_default()
}

impl Store for SecretStore {
    async fn list(&self, query: &ListQuery) -> Result<Vec<ReleaseSummary>, Error> {
        let mut summaries = Vec::new();
        self.scan(query, &mut |summary| summaries.push(summary))
            .await?;
        sort_summaries(&mut summaries);
        Ok(summaries)
    }

    async fn scan(
        &self,
        query: &ListQuery,
        visit: &mut (dyn FnMut(ReleaseSummary) + Send),
    ) -> Result<(), Error> {
        self.scan_pages(query, false, visit).await
    }

    async fn scan_newest(
        &self,
        query: &ListQuery,
        visit: &mut (dyn FnMut(ReleaseSummary) + Send),
    ) -> Result<(), Error> {
        self.scan_pages(query, true, visit).await
    }

    async fn get(&self, namespace: &str, name: &str, revision: u64) -> Result<Release, Error> {
        let api = self.api(namespace);
        let secret_name = encoding::secret_name(name, revision);
        let secret = api
            .get_opt(&secret_name)
            .await
            .map_err(|e| self.error(e, "get", namespace))?
            .ok_or_else(|| Error::RevisionNotFound {
                name: name.to_string(),
                namespace: namespace.to_string(),
                revision,
            })?;
        let chunks = self
            .get_parts(
                &api,
                namespace,
                encoding::chunk_names(name, revision, &secret),
            )
            .await?
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|missing| encoding::Error::Decode {
                secret: secret_name.clone(),
                message: format!("its part `{missing}` is missing"),
            })?;
        Ok(encoding::decode(&secret, &chunks)?)
    }

    async fn create(&self, release: &Release) -> Result<(), Error> {
        let namespace = release.namespace.as_str();
        let secrets = encoding::encode(release)?;
        let (main, chunks) = secrets.split_first().expect("encode gives the main Secret");
        let api = self.api(namespace);
        let already_exists = || Error::AlreadyExists {
            name: release.name.clone(),
            namespace: namespace.to_string(),
            revision: release.revision,
        };
        // Chunks first, so a listing never shows a record whose parts are not all there.
        let mut created = Vec::new();
        for chunk in chunks {
            match api.create(&PostParams::default(), chunk).await {
                Ok(_) => created.push(name_of(chunk)),
                Err(e) if is_code(&e, 409) => {
                    // Either the revision exists (its chunks are not ours to touch), or an
                    // earlier create failed half-way and left this chunk behind.
                    if self
                        .stored_chunks(namespace, &release.name, release.revision)
                        .await?
                        .is_some()
                    {
                        return Err(already_exists());
                    }
                    self.put(&api, chunk, namespace).await?;
                }
                Err(e) => return Err(self.error(e, "create", namespace)),
            }
        }
        match api.create(&PostParams::default(), main).await {
            Ok(_) => Ok(()),
            Err(e) if is_code(&e, 409) => {
                // Someone stored this revision meanwhile: take back what we added.
                for chunk in created {
                    let _ = self.remove(&api, chunk, namespace).await;
                }
                Err(already_exists())
            }
            Err(e) => Err(self.error(e, "create", namespace)),
        }
    }

    async fn update(&self, release: &Release) -> Result<(), Error> {
        let namespace = release.namespace.as_str();
        let old_chunks = self
            .stored_chunks(namespace, &release.name, release.revision)
            .await?
            .ok_or_else(|| Error::RevisionNotFound {
                name: release.name.clone(),
                namespace: namespace.to_string(),
                revision: release.revision,
            })?;
        let secrets = encoding::encode(release)?;
        let (main, chunks) = secrets.split_first().expect("encode gives the main Secret");
        let api = self.api(namespace);
        // The re-encoded record may have a different number of parts.
        for chunk in chunks {
            self.put(&api, chunk, namespace).await?;
        }
        match api
            .replace(name_of(main), &PostParams::default(), main)
            .await
        {
            Ok(_) => {}
            Err(e) if is_code(&e, 404) => {
                return Err(Error::RevisionNotFound {
                    name: release.name.clone(),
                    namespace: namespace.to_string(),
                    revision: release.revision,
                });
            }
            Err(e) => return Err(self.error(e, "update", namespace)),
        }
        for old in old_chunks {
            if !chunks.iter().any(|c| name_of(c) == old) {
                self.remove(&api, &old, namespace).await?;
            }
        }
        Ok(())
    }

    async fn delete(&self, namespace: &str, name: &str, revision: u64) -> Result<(), Error> {
        let not_found = || Error::RevisionNotFound {
            name: name.to_string(),
            namespace: namespace.to_string(),
            revision,
        };
        let stored = self
            .record_metadata(namespace, name, revision)
            .await?
            .ok_or_else(not_found)?;
        let chunks = stored.chunks;
        let api = self.api(namespace);
        // The record first: leftover chunks are invisible to listings, a record without its
        // chunks is not.
        if !self
            .remove(&api, &encoding::secret_name(name, revision), namespace)
            .await?
        {
            return Err(not_found());
        }
        for chunk in chunks {
            self.remove(&api, &chunk, namespace).await?;
        }
        if let Some(key) = stored.chart_key {
            self.collect_chart(namespace, &key).await?;
        }
        Ok(())
    }

    async fn get_chart(&self, namespace: &str, digest: &str) -> Result<Option<StoredChart>, Error> {
        self.read_chart(namespace, digest).await
    }

    async fn put_chart(&self, namespace: &str, chart: &StoredChart) -> Result<bool, Error> {
        self.write_chart(namespace, chart).await
    }
}
