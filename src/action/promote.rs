//! `charts promote NAME --from NS --to NS`: deploy into the target namespace exactly the chart
//! snapshot of the source release's deployed revision (read from the cluster: no repository
//! involved), over the target's own values, and record where it came from. The deploy itself
//! is install/upgrade's ([`super::deploy`]), fed the snapshot and the provenance.

use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::Value;

use super::chart_snapshot;
use super::deploy::{self, ChartSource, DeployOutcome, DeploySettings};
use crate::cluster::Cluster;
use crate::error::{Error, Result};
use crate::release::store::{self, Store};
use crate::release::{Provenance, Release, Status};
use crate::values::SourceReader;

/// What a promotion adds to a deploy: the provenance the new revision records, and (with
/// `--reuse-values`) the source's user values, laid under the command's own.
#[derive(Debug, Clone, Default)]
pub struct Promotion {
    pub provenance: Provenance,
    pub values: Option<Value>,
}

#[derive(Debug, Clone, Default)]
pub struct PromoteSettings {
    /// The source namespace.
    pub from: String,
    /// The target namespace.
    pub to: String,
    /// Carry the source revision's user values (under this command's).
    pub reuse_values: bool,
    /// How to deploy into the target: the release name, values, labels, waits. The chart
    /// source, provenance and default description are filled in here.
    pub deploy: DeploySettings,
}

/// What a promotion did.
#[derive(Debug)]
pub struct PromoteOutcome {
    /// The source revision promoted.
    pub source: Release,
    /// The deploy into the target.
    pub deployed: DeployOutcome,
}

/// The source's revision to promote: its last one, which must be deployed.
pub async fn source(store: &impl Store, namespace: &str, name: &str) -> Result<Release> {
    let history = match store.history(namespace, name).await {
        Ok(history) => history,
        Err(store::Error::ReleaseNotFound { .. }) => {
            return Err(Error::with_hint(
                format!(
                    "cannot promote `{name}`: release `{name}` not found in namespace `{namespace}`"
                ),
                format!(
                    "`charts list -n {namespace}` shows the releases there; `--from` names the namespace promoted from"
                ),
            ));
        }
        Err(error) => return Err(error.into()),
    };
    let latest = history.last().expect("a history has a revision");
    if latest.status != Status::Deployed {
        return Err(Error::with_hint(
            format!(
                "cannot promote `{name}` from `{namespace}`: its last revision {} is `{}`, not `deployed`",
                latest.revision, latest.status
            ),
            format!(
                "only a revision that is running can be promoted; `charts history {name} -n {namespace}` \
                 shows why, and an upgrade or rollback there makes a deployed one"
            ),
        ));
    }
    Ok(store.get(namespace, name, latest.revision).await?)
}

/// The settings of the deploy into the target: the snapshot as the chart, the source's labels
/// under the command's, the provenance, and the source's values with `--reuse-values`.
pub fn deploy_settings(
    settings: &PromoteSettings,
    source: &Release,
    snapshot: chart_snapshot::Snapshot,
) -> DeploySettings {
    let mut labels: IndexMap<String, String> = source.labels.clone();
    labels.extend(settings.deploy.labels.clone());
    let provenance = Provenance {
        namespace: source.namespace.clone(),
        release: source.name.clone(),
        revision: source.revision,
        chart_digest: snapshot.digest.clone(),
        labels: source.labels.clone(),
        promoted_at: crate::support::clock::now_rfc3339(),
    };
    let description = settings.deploy.description.clone().or_else(|| {
        Some(format!(
            "Promoted from `{}/{}` revision {}",
            source.namespace, source.name, source.revision
        ))
    });
    DeploySettings {
        release: source.name.clone(),
        generate_name: false,
        source: ChartSource::Snapshot(Arc::new(snapshot)),
        labels,
        description,
        // The target keeps its own values; a release new there starts from the chart's.
        reuse_values: true,
        install: true,
        promotion: Some(Promotion {
            provenance,
            values: settings.reuse_values.then(|| source.config.clone()),
        }),
        ..settings.deploy.clone()
    }
}

/// Checks what can be checked without a cluster: two different namespaces.
pub fn check(settings: &PromoteSettings) -> Result<()> {
    if settings.from == settings.to {
        return Err(Error::Usage(format!(
            "`--from` and `--to` are both `{}`: promote deploys a release's revision into another namespace",
            settings.from
        )));
    }
    crate::release::validate_name(&settings.deploy.release).map_err(Error::Usage)
}

/// Promotes: reads the source's deployed revision and its chart snapshot, then installs or
/// upgrades the release of the same name in the target with them.
pub async fn promote(
    cluster: &Cluster,
    store: &impl Store,
    settings: &PromoteSettings,
    reader: &dyn SourceReader,
) -> Result<PromoteOutcome> {
    check(settings)?;
    let name = settings.deploy.release.as_str();
    let source = source(store, &settings.from, name).await?;
    let snapshot = chart_snapshot::load(store, &source).await?;
    let deploy_settings = deploy_settings(settings, &source, snapshot);
    let target = Cluster {
        namespace: settings.to.clone(),
        ..cluster.clone()
    };
    let deployed = deploy::deploy(&target, store, &deploy_settings, true, reader).await?;
    Ok(PromoteOutcome { source, deployed })
}

/// What the promotion would change in the target (`promote --plan`), from a server-side dry run
/// of the source's snapshot over the target's values; nothing is changed. Refuses as `promote`
/// does.
pub async fn plan(
    cluster: &Cluster,
    store: &impl Store,
    settings: &PromoteSettings,
    reader: &dyn SourceReader,
) -> Result<(Release, crate::action::plan::Plan)> {
    check(settings)?;
    let source = source(store, &settings.from, &settings.deploy.release).await?;
    let snapshot = chart_snapshot::load(store, &source).await?;
    let deploy_settings = deploy_settings(settings, &source, snapshot);
    let target = Cluster {
        namespace: settings.to.clone(),
        ..cluster.clone()
    };
    let planned = crate::action::plan::plan(&target, store, &deploy_settings, reader).await?;
    Ok((source, planned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::operation::tests::{record, seeded};
    use crate::support::block_on;

    fn in_staging(revision: u64, status: Status) -> Release {
        Release {
            namespace: "staging".into(),
            ..record(revision, status, &[])
        }
    }

    #[test]
    fn the_source_must_exist_and_its_last_revision_be_deployed() {
        let store = seeded(&[
            in_staging(1, Status::Superseded),
            in_staging(2, Status::Deployed),
        ]);
        assert_eq!(
            block_on(source(&store, "staging", "web")).unwrap().revision,
            2
        );

        let error = block_on(source(&store, "prod", "web"))
            .unwrap_err()
            .render();
        assert!(
            error.contains("cannot promote `web`: release `web` not found in namespace `prod`"),
            "{error}"
        );

        let store = seeded(&[
            in_staging(1, Status::Deployed),
            in_staging(2, Status::Failed),
        ]);
        let error = block_on(source(&store, "staging", "web"))
            .unwrap_err()
            .render();
        assert!(
            error.contains(
                "cannot promote `web` from `staging`: its last revision 2 is `failed`, not `deployed`"
            ),
            "{error}"
        );
        let store = seeded(&[in_staging(1, Status::PendingUpgrade)]);
        let error = block_on(source(&store, "staging", "web"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("revision 1 is `pending-upgrade`"), "{error}");
    }

    #[test]
    fn the_same_namespace_twice_is_a_usage_error() {
        let settings = PromoteSettings {
            from: "prod".into(),
            to: "prod".into(),
            deploy: DeploySettings {
                release: "web".into(),
                ..DeploySettings::default()
            },
            ..PromoteSettings::default()
        };
        let error = check(&settings).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("both `prod`"), "{error}");
    }
}
