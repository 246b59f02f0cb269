//! The profile's Secrets (image pull secrets and the like): copied from their source namespace
//! into the environment on every `env up`, so a rotated source reaches every environment.
//! Their data is never printed nor stored in a release record.

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Patch, PatchParams};
use serde_json::json;

use crate::cluster::Cluster;
use crate::env::profile::SecretCopy;
use crate::error::{Error, Result};

/// Annotation on a copy: `NAMESPACE/NAME` of its source.
pub const COPIED_FROM_ANNOTATION: &str = "charts.dev/copied-from";

/// Copies each Secret into `in_env`'s namespace; returns the copies' names.
pub async fn sync(in_env: &Cluster, copies: &[SecretCopy]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for copy in copies {
        let Some((namespace, name)) = copy.source() else {
            continue;
        };
        let source_api: kube::Api<Secret> = kube::Api::namespaced(in_env.client.clone(), namespace);
        let source = crate::cluster::retry::retry(|| source_api.get_opt(name))
            .await
            .map_err(|e| crate::cluster::Error::from_kube(e, in_env, "get", "secrets", namespace))?
            .ok_or_else(|| {
                Error::with_hint(
                    format!("the profile copies Secret `{name}` from namespace `{namespace}`, which does not exist"),
                    "create it there, or fix `from:` in the profiles file",
                )
            })?;
        let target = copy.target();
        let object = json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": target,
                "namespace": in_env.namespace,
                "labels": {crate::env::MANAGED_BY_LABEL: crate::env::MANAGED_BY},
                "annotations": {COPIED_FROM_ANNOTATION: copy.from},
            },
            "type": source.type_.clone().unwrap_or_else(|| "Opaque".into()),
            "data": source.data.clone().unwrap_or_default(),
        });
        let api: kube::Api<Secret> =
            kube::Api::namespaced(in_env.client.clone(), &in_env.namespace);
        let params = PatchParams::apply(super::FIELD_MANAGER).force();
        let patch = Patch::Apply(&object);
        crate::cluster::retry::retry(|| api.patch(target, &params, &patch))
            .await
            .map_err(|e| {
                crate::cluster::Error::from_kube(e, in_env, "apply", "secrets", &in_env.namespace)
            })?;
        names.push(target.to_string());
    }
    Ok(names)
}
