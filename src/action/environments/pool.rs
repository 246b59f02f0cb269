//! Pools of namespaces, for clusters where pipelines may deploy into namespaces but not create
//! them. `create` (an administrator, once) makes `<prefix><pool>-1..N`; `claim` takes a free
//! member (or one whose claim expired, emptied first) with a patch conditioned on the
//! namespace's resourceVersion, so two pipelines claiming at once never get the same one;
//! `release` uninstalls what the build installed, deletes what it left behind and gives the
//! namespace back. Claim and release need only get/list/patch on namespaces plus the rights of
//! the namespace itself.

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, ListParams, PostParams};

use super::{Patched, get, in_namespace, list_namespaces, namespaces, patch_annotations};
use crate::action::uninstall::{UninstallSettings, uninstall};
use crate::cluster::{self, Cluster};
use crate::env::environment::{Environment, claim_candidates};
use crate::env::{
    BRANCH_ANNOTATION, CLAIMED_AT_ANNOTATION, CLAIMED_BY_ANNOTATION, COMMIT_ANNOTATION,
    CREATED_AT_ANNOTATION, CREATED_BY_ANNOTATION, ENV_LABEL, EXPIRES_AT_ANNOTATION, MANAGED_BY,
    MANAGED_BY_LABEL, POOL_LABEL, PROFILE_ANNOTATION, PROFILE_RELEASE,
};
use crate::error::{Error, Result};
use crate::release::store::Store;

/// `env pool create NAME --size N`.
#[derive(Debug, Clone, Default)]
pub struct PoolSettings {
    pub pool: String,
    pub prefix: String,
    pub size: usize,
    pub profile: Option<crate::env::profile::ResolvedProfile>,
    /// Who creates it (the kube user), recorded on each namespace.
    pub created_by: String,
}

/// What `pool create` found and did, per member namespace.
#[derive(Debug, Default)]
pub struct PoolReport {
    pub created: Vec<String>,
    pub existing: Vec<String>,
    /// Members beyond `size` (kept: a pool is never shrunk by `create`).
    pub beyond: Vec<String>,
    /// Members the profile was applied to.
    pub profiled: usize,
}

/// The profile on one pool namespace, as `env up` applies it: its labels, its Secrets copied
/// in, its chart installed or upgraded as the reserved release `charts-profile`.
async fn apply_profile(
    cluster: &Cluster,
    namespace: &str,
    profile: &crate::env::profile::ResolvedProfile,
) -> Result<()> {
    let in_env = in_namespace(cluster, namespace);
    if !profile.profile.labels.is_empty() {
        let api = namespaces(cluster);
        let patch = serde_json::json!({"metadata": {"labels": profile.profile.labels}});
        let patch = kube::api::Patch::Merge(&patch);
        let params = kube::api::PatchParams::default();
        cluster::retry::retry(|| api.patch_metadata(namespace, &params, &patch))
            .await
            .map_err(|e| cluster::Error::from_kube(e, cluster, "patch", "namespaces", namespace))?;
    }
    crate::action::env::secrets::sync(&in_env, &profile.profile.secrets).await?;
    if let Some(chart) = &profile.chart {
        let settings = crate::action::env::UpSettings {
            env: crate::env::EnvName {
                name: namespace.to_string(),
                namespace: namespace.to_string(),
                branch: None,
            },
            commit: None,
            ttl: crate::env::ttl::Ttl::Never,
            profile: Some(profile.clone()),
            labels: Default::default(),
            annotations: Default::default(),
            keep: false,
        };
        crate::action::env::deploy_profile(&in_env, &settings, chart).await?;
    }
    Ok(())
}

/// Creates the pool's namespaces that do not exist yet; re-running keeps or grows the pool.
pub async fn create(cluster: &Cluster, settings: &PoolSettings) -> Result<PoolReport> {
    let existing = list_namespaces(cluster, &super::selector(None, Some(&settings.pool))?).await?;
    let wanted =
        crate::env::environment::pool_namespaces(&settings.prefix, &settings.pool, settings.size);
    let mut report = PoolReport::default();
    let api = namespaces(cluster);
    let now = crate::support::clock::now_rfc3339();
    for name in &wanted {
        if existing.iter().any(|e| &e.namespace == name) {
            report.existing.push(name.clone());
            continue;
        }
        let mut annotations = serde_json::json!({
            CREATED_BY_ANNOTATION: settings.created_by,
            CREATED_AT_ANNOTATION: now,
        });
        let mut labels = serde_json::json!({});
        if let Some(profile) = &settings.profile {
            annotations[PROFILE_ANNOTATION] = profile.name.clone().into();
            for (key, value) in &profile.profile.labels {
                labels[key] = value.clone().into();
            }
        }
        labels[MANAGED_BY_LABEL] = MANAGED_BY.into();
        labels[ENV_LABEL] = name.clone().into();
        labels[POOL_LABEL] = settings.pool.clone().into();
        let object: Namespace = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": name,
                "labels": labels,
                "annotations": annotations,
            }
        }))
        .expect("a valid Namespace");
        match api.create(&PostParams::default(), &object).await {
            Ok(_) => report.created.push(name.clone()),
            Err(kube::Error::Api(status)) if status.code == 409 => {
                // It exists but is not labelled as this pool's: never take over a namespace.
                let live = super::get_namespace(cluster, name).await?;
                let pool = live.as_ref().and_then(|l| {
                    l.metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get(POOL_LABEL))
                        .cloned()
                });
                if pool.as_deref() != Some(&settings.pool) {
                    return Err(Error::with_hint(
                        format!(
                            "namespace `{name}` exists and is not a member of pool `{}`; refusing to take it over",
                            settings.pool
                        ),
                        "pick another pool name or `--prefix`",
                    ));
                }
                report.existing.push(name.clone());
            }
            Err(e) => {
                return Err(
                    cluster::Error::from_kube(e, cluster, "create", "namespaces", name).into(),
                );
            }
        }
    }
    if let Some(profile) = &settings.profile {
        // Every member, new or not: a changed profile rolls out, drift is repaired (as `env up`).
        for name in report.created.iter().chain(&report.existing) {
            apply_profile(cluster, name, profile).await?;
            report.profiled += 1;
        }
    }
    report.beyond = existing
        .iter()
        .map(|e| e.namespace.clone())
        .filter(|n| !wanted.contains(n))
        .collect();
    Ok(report)
}

/// `env claim --pool NAME --branch X`.
#[derive(Debug, Clone, Default)]
pub struct ClaimSettings {
    pub pool: String,
    pub branch: String,
    pub commit: Option<String>,
    /// `None`: the claim never expires.
    pub ttl: Option<SignedDuration>,
    /// The kube user, recorded as `claimed-by`.
    pub claimed_by: String,
}

/// A claim that succeeded.
#[derive(Debug)]
pub struct Claimed {
    pub environment: Environment,
    /// The previous, expired claim whose leftovers were cleaned first, if any.
    pub took_over: Option<String>,
}

/// Takes a free namespace of the pool, or one whose claim expired (emptied first).
pub async fn claim(
    cluster: &Cluster,
    store: &impl Store,
    settings: &ClaimSettings,
) -> Result<Claimed> {
    let now = crate::support::clock::now();
    let members = list_namespaces(cluster, &super::selector(None, Some(&settings.pool))?).await?;
    if members.is_empty() {
        return Err(Error::with_hint(
            format!("pool `{}` has no namespaces", settings.pool),
            format!(
                "an administrator creates it with `charts env pool create {} --size N`",
                settings.pool
            ),
        ));
    }
    let annotations = claim_annotations(settings, now);
    for candidate in claim_candidates(&members, now) {
        let version = candidate.resource_version.clone().unwrap_or_default();
        let took_over = candidate.claimed_by.clone();
        match patch_annotations(cluster, &candidate.namespace, &version, annotations.clone())
            .await?
        {
            Patched::Done(environment) => {
                if took_over.is_some() {
                    // An expired claim: its build's leftovers go before the new build starts.
                    clean(cluster, store, &environment.namespace).await?;
                }
                return Ok(Claimed {
                    environment: *environment,
                    took_over,
                });
            }
            // Another pipeline took it (or it went) between our LIST and our patch: next.
            Patched::Conflict | Patched::Gone => continue,
        }
    }
    let holders: Vec<String> = members
        .iter()
        .map(|m| {
            format!(
                "`{}` by {}",
                m.namespace,
                m.claimed_by.as_deref().unwrap_or("nobody")
            )
        })
        .collect();
    Err(Error::with_hint(
        format!(
            "no free namespace in pool `{}`: {} claimed ({})",
            settings.pool,
            members.len(),
            holders.join(", ")
        ),
        format!(
            "wait for a build to `charts env release` its namespace, or grow the pool (`charts env pool create {} --size {}`)",
            settings.pool,
            members.len() + 1
        ),
    ))
}

fn claim_annotations(settings: &ClaimSettings, now: Timestamp) -> serde_json::Value {
    let expires = settings
        .ttl
        .and_then(|ttl| now.checked_add(ttl).ok())
        .map(crate::support::clock::rfc3339);
    serde_json::json!({
        CLAIMED_BY_ANNOTATION: settings.claimed_by,
        CLAIMED_AT_ANNOTATION: crate::support::clock::rfc3339(now),
        BRANCH_ANNOTATION: settings.branch,
        COMMIT_ANNOTATION: settings.commit,
        EXPIRES_AT_ANNOTATION: expires,
    })
}

/// What `release` did.
#[derive(Debug, Default)]
pub struct Released {
    pub releases: Vec<String>,
    /// Leftover objects deleted: `Kind/name`.
    pub leftovers: Vec<String>,
    /// Whether the namespace was claimed at all.
    pub was_claimed: bool,
}

/// `env release NAME`: empties a pool namespace (all but the profile) and frees it.
pub async fn release(cluster: &Cluster, store: &impl Store, namespace: &str) -> Result<Released> {
    let environment = get(cluster, store, namespace).await?.ok_or_else(|| {
        Error::with_hint(
            format!("namespace `{namespace}` does not exist"),
            "`charts env list` shows the pools and who holds each namespace",
        )
    })?;
    if environment.pool.is_none() {
        return Err(Error::with_hint(
            format!("namespace `{namespace}` is not a pool namespace; refusing to empty it"),
            format!("an environment of its own goes with `charts env down {namespace}`"),
        ));
    }
    let claimed_at = environment.claimed_at;
    let mut report = clean(cluster, store, namespace).await?;
    report.was_claimed = environment.claimed_by.is_some();
    // Free it, unless someone claimed it anew meanwhile (their claim is not ours to drop).
    for _ in 0..3 {
        let Some(live) = super::get_namespace(cluster, namespace).await? else {
            return Ok(report);
        };
        let Some(current) = Environment::from_metadata(&live.metadata) else {
            return Ok(report);
        };
        if current.claimed_at != claimed_at {
            return Ok(report);
        }
        let nulls = serde_json::json!({
            CLAIMED_BY_ANNOTATION: null, CLAIMED_AT_ANNOTATION: null, BRANCH_ANNOTATION: null,
            COMMIT_ANNOTATION: null, EXPIRES_AT_ANNOTATION: null,
        });
        let version = current.resource_version.unwrap_or_default();
        match patch_annotations(cluster, namespace, &version, nulls).await? {
            Patched::Done(_) | Patched::Gone => return Ok(report),
            Patched::Conflict => continue,
        }
    }
    Err(Error::message(format!(
        "namespace `{namespace}` kept changing while we tried to free it"
    )))
}

/// Uninstalls every release but the profile, then deletes the objects the build left behind:
/// everything in the namespace labelled `app.kubernetes.io/managed-by=charts` (or with the
/// environment's `charts.dev/env` label) that is not the profile's.
async fn clean(cluster: &Cluster, store: &impl Store, namespace: &str) -> Result<Released> {
    let here = in_namespace(cluster, namespace);
    let mut environment = get(cluster, store, namespace)
        .await?
        .ok_or_else(|| Error::message(format!("namespace `{namespace}` is gone")))?;
    let mut report = Released::default();
    let order: Vec<String> = environment
        .teardown_order()
        .iter()
        .filter(|r| r.name != PROFILE_RELEASE)
        .map(|r| r.name.clone())
        .collect();
    for name in order {
        let settings = UninstallSettings {
            release: name.clone(),
            ignore_not_found: true,
            ..UninstallSettings::default()
        };
        uninstall(&here, store, &settings).await?;
        report.releases.push(name);
    }
    environment.releases.clear();
    report.leftovers = delete_leftovers(&here, namespace).await?;
    Ok(report)
}

/// Deletes what a build left in the namespace besides its releases. Resource types the caller
/// may not list (a CI user with `edit` cannot list Roles) cannot hold its leftovers either.
async fn delete_leftovers(cluster: &Cluster, namespace: &str) -> Result<Vec<String>> {
    let discovery = cluster::discovery::discover(cluster).await?;
    let mut deleted = Vec::new();
    for group in discovery.groups() {
        for (resource, capabilities) in group.recommended_resources() {
            if capabilities.scope != kube::discovery::Scope::Namespaced
                || !capabilities.supports_operation(kube::discovery::verbs::LIST)
                || !capabilities.supports_operation(kube::discovery::verbs::DELETE)
                || matches!(resource.kind.as_str(), "Event" | "Lease")
            {
                continue;
            }
            let api: Api<kube::api::DynamicObject> =
                Api::namespaced_with(cluster.client.clone(), namespace, &resource);
            let params = ListParams::default();
            let listed = match cluster::retry::retry(|| api.list_metadata(&params)).await {
                Ok(listed) => listed,
                Err(kube::Error::Api(status)) if status.code == 403 || status.code == 404 => {
                    continue;
                }
                Err(e) => {
                    return Err(cluster::Error::from_kube(
                        e,
                        cluster,
                        "list",
                        &resource.plural,
                        namespace,
                    )
                    .into());
                }
            };
            for item in listed.items {
                if !left_behind(&item.metadata) {
                    continue;
                }
                let name = item.metadata.name.clone().unwrap_or_default();
                match api.delete(&name, &DeleteParams::background()).await {
                    Ok(_) => deleted.push(format!("{}/{name}", resource.kind)),
                    Err(kube::Error::Api(status)) if status.code == 404 => {}
                    Err(e) => {
                        return Err(cluster::Error::from_kube(
                            e,
                            cluster,
                            "delete",
                            &resource.plural,
                            namespace,
                        )
                        .into());
                    }
                }
            }
        }
    }
    deleted.sort();
    Ok(deleted)
}

/// Whether an object is a build's leftover: ours or labelled for the environment, not the
/// profile's, and not already going.
fn left_behind(metadata: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> bool {
    let label = |key: &str| metadata.labels.as_ref().and_then(|l| l.get(key));
    let release = metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(cluster::apply::RELEASE_NAME_ANNOTATION));
    let ours = label(MANAGED_BY_LABEL).map(String::as_str) == Some(MANAGED_BY)
        || label(ENV_LABEL).is_some();
    // A release record of the profile carries `owner=charts`, `name=charts-profile`.
    let profile_record = label("owner").map(String::as_str) == Some("charts")
        && label("name").map(String::as_str) == Some(PROFILE_RELEASE);
    ours && release.map(String::as_str) != Some(PROFILE_RELEASE)
        && !profile_record
        && metadata.deletion_timestamp.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn meta(labels: &[(&str, &str)], annotations: &[(&str, &str)]) -> ObjectMeta {
        let map = |pairs: &[(&str, &str)]| {
            Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        ObjectMeta {
            labels: map(labels),
            annotations: map(annotations),
            ..ObjectMeta::default()
        }
    }

    #[test]
    fn leftovers_are_ours_and_never_the_profiles() {
        let release = cluster::apply::RELEASE_NAME_ANNOTATION;
        assert!(left_behind(&meta(
            &[(MANAGED_BY_LABEL, MANAGED_BY)],
            &[(release, "web")]
        )));
        assert!(left_behind(&meta(&[(ENV_LABEL, "ci-1")], &[])));
        assert!(!left_behind(&meta(
            &[(MANAGED_BY_LABEL, MANAGED_BY)],
            &[(release, PROFILE_RELEASE)]
        )));
        assert!(!left_behind(&meta(&[("app", "x")], &[])));
        assert!(!left_behind(&meta(&[(MANAGED_BY_LABEL, "Helm")], &[])));
    }

    #[test]
    fn a_claim_records_who_what_and_until_when() {
        let settings = ClaimSettings {
            pool: "ci".into(),
            branch: "feature/x".into(),
            commit: None,
            ttl: Some(SignedDuration::from_hours(2)),
            claimed_by: "ci".into(),
        };
        let annotations = claim_annotations(&settings, "2026-01-02T00:00:00Z".parse().unwrap());
        assert_eq!(
            annotations,
            serde_json::json!({
                CLAIMED_BY_ANNOTATION: "ci",
                CLAIMED_AT_ANNOTATION: "2026-01-02T00:00:00Z",
                BRANCH_ANNOTATION: "feature/x",
                COMMIT_ANNOTATION: null,
                EXPIRES_AT_ANNOTATION: "2026-01-02T02:00:00Z",
            })
        );
    }
}
