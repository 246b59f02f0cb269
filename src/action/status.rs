//! `status NAME [--revision N]`: a release record, and each of its objects as the cluster has it.

use super::operation;
use crate::cluster::Cluster;
use crate::cluster::apply::{Applier, ApplyOptions, ObjectStatus};
use crate::error::Result;
use crate::release::store::Store;
use crate::release::{Release, Status};

/// The record (the given revision, else the latest) and the state of each of its objects.
pub async fn status(
    cluster: &Cluster,
    store: &impl Store,
    name: &str,
    revision: Option<u64>,
) -> Result<(Release, Vec<ObjectStatus>)> {
    let namespace = cluster.namespace.as_str();
    let record = super::records::get(store, namespace, name, revision).await?;
    let applier = Applier::new(cluster, ApplyOptions::new(name, namespace)).await?;
    let objects = if record.status == Status::Uninstalled {
        Vec::new()
    } else {
        operation::manifest_objects(&record)?
    };
    let statuses = applier.status(&objects).await?;
    Ok((record, statuses))
}
