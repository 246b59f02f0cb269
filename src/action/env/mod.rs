//! `charts env up` and deploying into an environment: make the namespace or renew it, mark it
//! with the environment contract (`crate::env`), copy the profile's Secrets in and install the
//! profile's chart as the reserved release `charts-profile`.
//!
//! Requests of a new environment: one GET of the namespace, one SelfSubjectReview (who creates
//! it), one server-side apply of the namespace, one GET and one apply per copied Secret, and the
//! profile release's deploy. An existing one skips the review.

pub(crate) mod secrets;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Patch, PatchParams};
use serde_json::json;

use crate::action::deploy::{self, DeploySettings};
use crate::cluster::Cluster;
use crate::env::profile::ResolvedProfile;
use crate::env::ttl::Ttl;
use crate::env::{self as contract, EnvMarks, EnvName};
use crate::error::{Error, Result};
use crate::release::ReleaseEnv;
use crate::release::store::SecretStore;

/// The field manager of the namespace's marks and of copied Secrets.
pub const FIELD_MANAGER: &str = "charts-env";

/// What `env up` is asked to do.
#[derive(Debug, Clone)]
pub struct UpSettings {
    pub env: EnvName,
    pub commit: Option<String>,
    pub ttl: Ttl,
    pub profile: Option<ResolvedProfile>,
    /// The user's own labels and annotations for the namespace.
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// Mark the environment `charts.dev/keep` (gc never removes it). Once kept it stays kept
    /// until the annotation is removed (`kubectl annotate namespace NS charts.dev/keep-`).
    pub keep: bool,
}

/// What `env up` did.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpOutcome {
    pub name: String,
    pub namespace: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The namespace was created by this run (else renewed).
    pub created: bool,
    pub created_by: String,
    pub created_at: String,
    /// `None`: never expires.
    pub expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The revision of `charts-profile` this run made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_revision: Option<u64>,
    /// Objects of the profile's chart.
    pub profile_objects: usize,
    /// Names of the Secrets copied in (never their data).
    pub secrets: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

impl UpSettings {
    /// The environment as a release record and templates see it.
    pub fn release_env(&self) -> ReleaseEnv {
        ReleaseEnv {
            name: self.env.name.clone(),
            branch: self.env.branch.clone(),
            commit: self.commit.clone(),
        }
    }
}

/// Creates the environment or renews it, and (re)applies its profile.
pub async fn up(cluster: &Cluster, settings: &UpSettings) -> Result<UpOutcome> {
    let existing = read_namespace(cluster, &settings.env).await?;
    let marks = existing.as_ref().map(|n| EnvMarks::of(&n.metadata));
    let now = crate::support::clock::now();
    let created_by = match marks.as_ref().and_then(|m| m.created_by.clone()) {
        Some(user) => user,
        None => who_am_i(cluster).await,
    };
    let created_at = marks
        .as_ref()
        .and_then(|m| m.created_at)
        .map(crate::support::clock::rfc3339)
        .unwrap_or_else(|| crate::support::clock::rfc3339(now));
    let expires_at = settings
        .ttl
        .expires_at(now)
        .map(crate::support::clock::rfc3339);

    let mut labels = settings.labels.clone();
    if let Some(profile) = &settings.profile {
        labels.extend(profile.profile.labels.clone());
    }
    labels.insert(
        contract::MANAGED_BY_LABEL.into(),
        contract::MANAGED_BY.into(),
    );
    labels.insert(contract::ENV_LABEL.into(), settings.env.name.clone());
    let mut annotations = settings.annotations.clone();
    let mut mark = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            annotations.insert(key.to_string(), value);
        }
    };
    // A commit or branch not given this time stays as the last run recorded it.
    mark(
        contract::BRANCH_ANNOTATION,
        settings
            .env
            .branch
            .clone()
            .or_else(|| marks.as_ref().and_then(|m| m.branch.clone())),
    );
    mark(
        contract::COMMIT_ANNOTATION,
        settings
            .commit
            .clone()
            .or_else(|| marks.as_ref().and_then(|m| m.commit.clone())),
    );
    mark(contract::CREATED_BY_ANNOTATION, Some(created_by.clone()));
    mark(contract::CREATED_AT_ANNOTATION, Some(created_at.clone()));
    mark(contract::EXPIRES_AT_ANNOTATION, expires_at.clone());
    mark(
        contract::PROFILE_ANNOTATION,
        settings.profile.as_ref().map(|p| p.name.clone()),
    );
    if settings.keep || marks.as_ref().is_some_and(|m| m.keep) {
        mark(contract::KEEP_ANNOTATION, Some("true".to_string()));
    }
    apply_namespace(cluster, &settings.env.namespace, &labels, &annotations).await?;

    let in_env = Cluster {
        namespace: settings.env.namespace.clone(),
        ..cluster.clone()
    };
    let mut secrets = Vec::new();
    let mut profile_revision = None;
    let mut profile_objects = 0;
    if let Some(profile) = &settings.profile {
        secrets = secrets::sync(&in_env, &profile.profile.secrets).await?;
        if let Some(chart) = &profile.chart {
            let outcome = deploy_profile(&in_env, settings, chart).await?;
            profile_revision = Some(outcome.release.revision);
            profile_objects = outcome.applied;
        }
    }
    Ok(UpOutcome {
        name: settings.env.name.clone(),
        namespace: settings.env.namespace.clone(),
        branch: annotations.get(contract::BRANCH_ANNOTATION).cloned(),
        commit: annotations.get(contract::COMMIT_ANNOTATION).cloned(),
        created: existing.is_none(),
        created_by,
        created_at,
        expires_at,
        profile: settings.profile.as_ref().map(|p| p.name.clone()),
        profile_revision,
        profile_objects,
        secrets,
        labels,
        annotations,
    })
}

/// What [`ensure`] found or made.
#[derive(Debug, Clone)]
pub struct Ensured {
    /// The environment was created for this deploy.
    pub created: bool,
    /// The environment as the release records it: the branch the namespace recorded when the
    /// deploy named the environment only.
    pub env: ReleaseEnv,
}

/// Before a deploy into the environment: creates it (with its profile) when missing, else only
/// renews its expiry (and records the commit).
pub async fn ensure(cluster: &Cluster, settings: &UpSettings) -> Result<Ensured> {
    let mut env = settings.release_env();
    let Some(existing) = read_namespace(cluster, &settings.env).await? else {
        up(cluster, settings).await?;
        return Ok(Ensured { created: true, env });
    };
    if env.branch.is_none() {
        env.branch = EnvMarks::of(&existing.metadata).branch;
    }
    let expires_at = settings
        .ttl
        .expires_at(crate::support::clock::now())
        .map(crate::support::clock::rfc3339);
    let mut annotations = serde_json::Map::new();
    annotations.insert(contract::EXPIRES_AT_ANNOTATION.into(), json!(expires_at));
    if let Some(commit) = &settings.commit {
        annotations.insert(contract::COMMIT_ANNOTATION.into(), json!(commit));
    }
    let api: kube::Api<Namespace> = kube::Api::all(cluster.client.clone());
    let patch = json!({"metadata": {"annotations": annotations}});
    let patch = Patch::Merge(&patch);
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..PatchParams::default()
    };
    crate::cluster::retry::retry(|| api.patch(&settings.env.namespace, &params, &patch))
        .await
        .map_err(|e| {
            crate::cluster::Error::from_kube(
                e,
                cluster,
                "patch",
                "namespaces",
                &settings.env.namespace,
            )
        })?;
    Ok(Ensured {
        created: false,
        env,
    })
}

/// The environment's namespace, if it exists; an error if it exists but is not this
/// environment's (made by someone else, a pool's, being deleted).
async fn read_namespace(cluster: &Cluster, env: &EnvName) -> Result<Option<Namespace>> {
    let api: kube::Api<Namespace> = kube::Api::all(cluster.client.clone());
    let namespace = crate::cluster::retry::retry(|| api.get_opt(&env.namespace))
        .await
        .map_err(|e| {
            crate::cluster::Error::from_kube(e, cluster, "get", "namespaces", &env.namespace)
        })?;
    let Some(namespace) = namespace else {
        return Ok(None);
    };
    let labels = namespace.metadata.labels.as_ref();
    let label = |key: &str| labels.and_then(|l| l.get(key)).map(String::as_str);
    if label(contract::MANAGED_BY_LABEL) != Some(contract::MANAGED_BY)
        || label(contract::ENV_LABEL).is_none()
    {
        let what = match label(contract::POOL_LABEL) {
            Some(pool) => format!("it belongs to pool `{pool}`"),
            None => "it was not made by `charts env`".to_string(),
        };
        return Err(Error::with_hint(
            format!(
                "namespace `{}` exists and {what}: refusing to use it as environment `{}`",
                env.namespace, env.name
            ),
            "pick another name or `--prefix`; charts never takes over a namespace it did not create",
        ));
    }
    if label(contract::ENV_LABEL) != Some(env.name.as_str()) {
        return Err(Error::message(format!(
            "namespace `{}` is environment `{}`, not `{}`",
            env.namespace,
            label(contract::ENV_LABEL).unwrap_or_default(),
            env.name
        )));
    }
    if namespace.metadata.deletion_timestamp.is_some() {
        return Err(Error::with_hint(
            format!(
                "environment `{}` (namespace `{}`) is being deleted",
                env.name, env.namespace
            ),
            "run again once it is gone: `kubectl get namespace NAME` says when",
        ));
    }
    Ok(Some(namespace))
}

/// The kube user, as the API server sees it (a SelfSubjectReview), else `unknown`.
pub(crate) async fn who_am_i(cluster: &Cluster) -> String {
    use k8s_openapi::api::authentication::v1::SelfSubjectReview;
    let api: kube::Api<SelfSubjectReview> = kube::Api::all(cluster.client.clone());
    let review: SelfSubjectReview = serde_json::from_value(json!({
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "SelfSubjectReview",
        "metadata": {}
    }))
    .expect("a valid SelfSubjectReview");
    api.create(&Default::default(), &review)
        .await
        .ok()
        .and_then(|review| review.status?.user_info?.username)
        .unwrap_or_else(|| "unknown".to_string())
}

/// Creates or updates the namespace with its marks (server-side apply: labels and annotations
/// this manager set before and not now are removed, others' stay).
async fn apply_namespace(
    cluster: &Cluster,
    name: &str,
    labels: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
) -> Result<()> {
    let api: kube::Api<Namespace> = kube::Api::all(cluster.client.clone());
    let object = json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": labels, "annotations": annotations},
    });
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let patch = Patch::Apply(&object);
    crate::cluster::retry::retry(|| api.patch(name, &params, &patch))
        .await
        .map_err(|e| crate::cluster::Error::from_kube(e, cluster, "apply", "namespaces", name))?;
    Ok(())
}

/// Installs or upgrades the profile's chart as the reserved release.
pub(crate) async fn deploy_profile(
    in_env: &Cluster,
    settings: &UpSettings,
    chart: &std::path::Path,
) -> Result<deploy::DeployOutcome> {
    let deploy_settings = DeploySettings {
        release: contract::PROFILE_RELEASE.to_string(),
        chart: crate::action::chart::ChartSettings {
            reference: chart.display().to_string(),
            ..Default::default()
        },
        description: Some(format!(
            "Profile `{}` of environment `{}`",
            settings
                .profile
                .as_ref()
                .map(|p| p.name.as_str())
                .unwrap_or_default(),
            settings.env.name
        )),
        install: true,
        history_max: 10,
        env: Some(settings.release_env()),
        ..DeploySettings::default()
    };
    let store = SecretStore::new(in_env.clone());
    deploy::deploy(
        in_env,
        &store,
        &deploy_settings,
        true,
        &crate::values::FsReader,
    )
    .await
}
