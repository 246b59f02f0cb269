//! CRDs from a chart's `crds/`: created when the cluster does not have them, waited on until
//! Established, then the API is discovered again so their kinds can be applied.

use std::time::Duration;

use super::{Applier, Error, ObjectKey, Reason, discover};
use crate::cluster::retry::retry;
use crate::render::Object;

impl Applier {
    /// Creates the CRDs from `crds/` that the cluster does not have (existing ones are left as
    /// they are, as Helm does), waits until they are Established, and rediscovers the API.
    pub async fn install_crds(&mut self, crds: &[Object], timeout: Duration) -> Result<(), Error> {
        if crds.is_empty() {
            return Ok(());
        }
        let mut missing = Vec::new();
        for crd in crds {
            let (resource, _) = self.resolve_or_error("apply", crd)?;
            let api = self.api(&resource, None);
            let exists = retry(|| api.get_metadata_opt(crd.name()))
                .await
                .map_err(|e| {
                    Error::new(
                        "apply",
                        ObjectKey::of(crd),
                        self.cluster_error(e, "get", &resource, None),
                    )
                })?;
            if exists.is_none() {
                missing.push(crd);
            }
        }
        let applied = self.apply_batch(&missing).await?;
        if self.options.dry_run {
            self.dry_run_kinds
                .extend(missing.iter().filter_map(|crd| crd_kind(crd)));
            return Ok(());
        }
        if applied.is_empty() {
            return Ok(());
        }
        self.wait_ready(&missing, timeout).await?;
        self.rediscover().await
    }

    pub(super) async fn rediscover(&mut self) -> Result<(), Error> {
        self.discovery = discover(&self.cluster).await.map_err(|e| {
            Error::new(
                "discover",
                ObjectKey {
                    group: String::new(),
                    kind: "API".into(),
                    namespace: None,
                    name: "resources".into(),
                },
                Reason::Cluster(e),
            )
        })?;
        Ok(())
    }
}

/// The `(group, kind)` a CRD defines.
pub(super) fn crd_kind(crd: &Object) -> Option<(String, String)> {
    let spec = &crd.value["spec"];
    Some((
        spec["group"].as_str()?.to_string(),
        spec["names"]["kind"].as_str()?.to_string(),
    ))
}
