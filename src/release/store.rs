//! Where release records live. `SecretStore` keeps them as Secrets in the release's namespace
//! (DESIGN.md section 3, encoded by `encoding`); `MemoryStore` keeps them in a map, for unit
//! tests of the actions. Listing reads metadata only: no payload is decoded for `list`/`history`.

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
    #[error(transparent)]
    Encoding(#[from] super::encoding::Error),
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
    /// Summaries of every stored revision matching `query`, from metadata alone, in one LIST.
    async fn list(&self, query: &ListQuery) -> Result<Vec<ReleaseSummary>, Error>;
    /// One revision, decoded (chunks joined).
    async fn get(&self, namespace: &str, name: &str, revision: u64) -> Result<Release, Error>;
    /// Stores a new revision; `AlreadyExists` if that revision is stored already.
    async fn create(&self, release: &Release) -> Result<(), Error>;
    /// Replaces a stored revision (its status, description, times changed).
    async fn update(&self, release: &Release) -> Result<(), Error>;
    /// Deletes a revision and its chunks.
    async fn delete(&self, namespace: &str, name: &str, revision: u64) -> Result<(), Error>;
}
