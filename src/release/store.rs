//! Where release records live. `SecretStore` keeps them as Secrets in the release's namespace
//! (DESIGN.md section 3, encoded by `encoding`); `MemoryStore` keeps them in a map, for unit
//! tests of the actions. Listing reads metadata only: no payload is decoded for `list`/`history`.

mod chart_secrets;
mod memory;
mod record_page;
mod secret;

pub use memory::MemoryStore;
pub use secret::SecretStore;

use super::chart_store::{self, StoredChart};
use super::{Release, ReleaseSummary};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("release `{name}` not found in namespace `{namespace}`")]
    ReleaseNotFound { name: String, namespace: String },
    #[error("release `{name}` has no revision {revision} in namespace `{namespace}`")]
    RevisionNotFound {
        name: String,
        namespace: String,
        revision: u64,
    },
    #[error("release `{name}` revision {revision} already exists in namespace `{namespace}`")]
    AlreadyExists {
        name: String,
        namespace: String,
        revision: u64,
    },
    #[error("invalid label selector `{selector}`: {message}")]
    InvalidSelector { selector: String, message: String },
    #[error(transparent)]
    Encoding(#[from] super::encoding::Error),
    #[error(transparent)]
    Chart(#[from] chart_store::Error),
    #[error(transparent)]
    Cluster(#[from] crate::cluster::Error),
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// `None` lists every namespace (`-A`).
    pub namespace: Option<String>,
    /// Only this release's revisions.
    pub name: Option<String>,
    /// Extra label selector on release labels (`list -l commit=abc`), Kubernetes syntax.
    pub selector: Option<String>,
}

/// The storage driver contract the actions are written against.
#[allow(async_fn_in_trait)]
pub trait Store: Send + Sync {
    /// Summaries of every stored revision matching `query`, from metadata alone, sorted.
    async fn list(&self, query: &ListQuery) -> Result<Vec<ReleaseSummary>, Error>;
    /// Hands each stored revision matching `query` to `visit`, in no particular order, as the
    /// records are read (page by page from a cluster): a caller that keeps only some of them
    /// holds memory for those alone, not for every revision.
    async fn scan(
        &self,
        query: &ListQuery,
        visit: &mut (dyn FnMut(ReleaseSummary) + Send),
    ) -> Result<(), Error> {
        for summary in self.list(query).await? {
            visit(summary);
        }
        Ok(())
    }
    /// As [`Store::scan`], for a caller that keeps only the newest revision of each release:
    /// the store may leave out a revision it can tell is older than another one of the same
    /// release it read (which saves building its summary). The newest revision of each
    /// release is always visited; older ones may be.
    async fn scan_newest(
        &self,
        query: &ListQuery,
        visit: &mut (dyn FnMut(ReleaseSummary) + Send),
    ) -> Result<(), Error> {
        self.scan(query, visit).await
    }
    /// One revision, decoded (chunks joined).
    async fn get(&self, namespace: &str, name: &str, revision: u64) -> Result<Release, Error>;
    /// Stores a new revision; `AlreadyExists` if that revision is stored already.
    async fn create(&self, release: &Release) -> Result<(), Error>;
    /// Replaces a stored revision (its status, description, times changed).
    async fn update(&self, release: &Release) -> Result<(), Error>;
    /// Deletes a revision and its chunks, and its stored chart when no other record in the
    /// namespace references it.
    async fn delete(&self, namespace: &str, name: &str, revision: u64) -> Result<(), Error>;

    /// The chart stored in `namespace` under `digest` (`sha256:<hex>`), checked against it;
    /// `None` when there is none.
    async fn get_chart(&self, namespace: &str, digest: &str) -> Result<Option<StoredChart>, Error>;
    /// Stores `chart` in `namespace` unless a chart with its digest is stored already (it is
    /// never rewritten); `true` when this call wrote it. Called after the record that
    /// references it is created, so that a concurrent deletion of the last other reference
    /// sees the new one (see `SecretStore`).
    async fn put_chart(&self, namespace: &str, chart: &StoredChart) -> Result<bool, Error>;

    /// Every revision of one release, oldest first, from metadata alone (one LIST);
    /// `ReleaseNotFound` if it has none.
    async fn history(&self, namespace: &str, name: &str) -> Result<Vec<ReleaseSummary>, Error> {
        let mut revisions = self
            .list(&ListQuery {
                namespace: Some(namespace.to_string()),
                name: Some(name.to_string()),
                selector: None,
            })
            .await?;
        if revisions.is_empty() {
            return Err(Error::ReleaseNotFound {
                name: name.to_string(),
                namespace: namespace.to_string(),
            });
        }
        revisions.sort_by_key(|r| r.revision);
        Ok(revisions)
    }

    /// The newest revision of a release, decoded; `ReleaseNotFound` if it has none.
    async fn latest(&self, namespace: &str, name: &str) -> Result<Release, Error> {
        let history = self.history(namespace, name).await?;
        let newest = history.last().map(|r| r.revision).unwrap_or_default();
        self.get(namespace, name, newest).await
    }
}

impl ListQuery {
    /// The label selector that finds these records: ours, this release's, and the user's.
    pub fn label_selector(&self) -> Result<String, Error> {
        let mut selector = format!("owner={}", super::encoding::OWNER);
        if let Some(name) = &self.name {
            selector.push_str(",name=");
            selector.push_str(name);
        }
        if let Some(user) = self.selector.as_deref().filter(|s| !s.trim().is_empty()) {
            super::selector::Selector::parse(user).map_err(|message| Error::InvalidSelector {
                selector: user.to_string(),
                message,
            })?;
            selector.push(',');
            selector.push_str(user);
        }
        super::selector::Selector::parse(&selector).map_err(|message| Error::InvalidSelector {
            selector: selector.clone(),
            message,
        })?;
        Ok(selector)
    }
}

/// Stable order for listings: namespace, release name, revision.
fn sort_summaries(summaries: &mut [ReleaseSummary]) {
    summaries.sort_by(|a, b| {
        (a.namespace.as_str(), a.name.as_str(), a.revision).cmp(&(
            b.namespace.as_str(),
            b.name.as_str(),
            b.revision,
        ))
    });
}
