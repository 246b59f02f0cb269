//! Where a deploy's chart comes from: the chart the command names, the chart stored with the
//! release (`charts upgrade NAME` without a chart: a re-render that needs no repository), or a
//! snapshot read already (`charts promote`: the source release's chart).

use std::sync::Arc;

use crate::action::chart::LoadedChart;
use crate::action::chart_snapshot::{self, Snapshot};
use crate::action::operation::Operation;
use crate::error::{Error, Result};
use crate::release::store::Store;
use crate::release::{Release, ReleaseSummary};

/// Where the chart comes from.
#[derive(Debug, Clone, Default)]
pub enum ChartSource {
    /// The chart `DeploySettings::chart` names: a directory, a package, a repository chart.
    #[default]
    Named,
    /// The chart stored with the release's deployed revision (else its latest): `charts
    /// upgrade NAME` without a chart.
    Stored,
    /// This snapshot (e.g. another release's stored chart, for `charts promote`).
    Snapshot(Arc<Snapshot>),
}

impl ChartSource {
    pub fn is_stored(&self) -> bool {
        matches!(self, ChartSource::Stored)
    }
}

/// The chart stored with the revision an upgrade without a chart builds on: `base` (the
/// deployed revision, else the latest), or for an upgrade that installs again (the release was
/// uninstalled with its history kept), the latest revision. Returns that record too: its user
/// values are the ones Helm's rules reuse.
pub(super) async fn stored_chart(
    operation: &Operation<'_, impl Store>,
    revisions: &[ReleaseSummary],
    base: Option<&Release>,
) -> Result<(LoadedChart, Release)> {
    let from = match (base, revisions.last()) {
        (Some(base), _) => base.clone(),
        (None, Some(latest)) => operation.record(latest.revision).await?,
        (None, None) => {
            return Err(Error::with_hint(
                format!(
                    "release `{}` not found in namespace `{}`, so it has no stored chart to upgrade from",
                    operation.name, operation.namespace
                ),
                format!(
                    "name the chart: `charts upgrade --install {} CHART`",
                    operation.name
                ),
            ));
        }
    };
    let chart = chart_snapshot::load(operation.store, &from).await?;
    Ok((chart, from))
}
