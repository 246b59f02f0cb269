//! The chart a revision was rendered from, read back from the cluster: what `upgrade NAME`
//! without a chart, `promote` and `get chart` build on, with no repository in sight.

use crate::chart::Chart;
use crate::error::{Error, Result};
use crate::release::Release;
use crate::release::chart_store::StoredChart;
use crate::release::store::Store;

/// A chart snapshot: the chart loaded, the package it was loaded from (byte for byte as
/// installed) and that package's digest (`sha256:<hex>`). Install and upgrade load every chart
/// into one (a directory chart is packaged reproducibly first), so the snapshot a revision
/// stores is the one it rendered.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub chart: Chart,
    pub package: Vec<u8>,
    pub digest: String,
}

impl Snapshot {
    /// The package as the store keeps it.
    pub fn stored(&self) -> StoredChart {
        StoredChart {
            digest: self.digest.clone(),
            name: self.chart.metadata.name.clone(),
            version: self.chart.metadata.version.clone(),
            package: self.package.clone(),
        }
    }
}

/// The stored chart of `release` (a revision read from `store`), loaded. A record written
/// before charts were stored with their releases, or whose chart Secret is gone, is an error
/// that names the revision and says how to go on.
pub async fn load(store: &impl Store, release: &Release) -> Result<Snapshot> {
    let stored = read(store, release).await?;
    let source = format!(
        "the stored chart of release `{}` revision {}",
        release.name, release.revision
    );
    let chart = crate::chart::load_archive_bytes(&stored.package, &source)?;
    Ok(Snapshot {
        chart,
        package: stored.package,
        digest: stored.digest,
    })
}

/// The stored package of `release`, not loaded (`get chart -d` writes it out as it is).
pub async fn read(store: &impl Store, release: &Release) -> Result<StoredChart> {
    match store
        .get_chart(&release.namespace, &release.chart.digest)
        .await?
    {
        Some(mut stored) => {
            // The record names the chart; the Secret's annotation is only for people.
            stored.name = release.chart.name.clone();
            stored.version = release.chart.version.clone();
            Ok(stored)
        }
        None => Err(not_stored(release)),
    }
}

fn not_stored(release: &Release) -> Error {
    let name = &release.name;
    Error::with_hint(
        format!(
            "release `{name}` revision {} in namespace `{}` has no stored chart (`{}-{}`, digest `{}`)",
            release.revision,
            release.namespace,
            release.chart.name,
            release.chart.version,
            if release.chart.digest.is_empty() {
                "none"
            } else {
                release.chart.digest.as_str()
            },
        ),
        format!(
            "the revision was recorded before charts kept the chart with the release, or its chart \
             Secret was deleted; upgrade it once with the chart named (`charts upgrade {name} CHART \
             --reuse-values`) and the new revision keeps its chart"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::operation::tests::{record, seeded};
    use crate::release::Status;
    use crate::support::block_on;

    fn package() -> Vec<u8> {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("web");
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(
            dir.join("Chart.yaml"),
            "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        )
        .unwrap();
        crate::chart::package::to_bytes(&crate::chart::load(&dir).unwrap(), 0).unwrap()
    }

    #[test]
    fn a_stored_chart_loads_and_a_missing_one_names_the_revision() {
        let stored = StoredChart::new("web", "1.0.0", package());
        let mut release = record(2, Status::Deployed, &[]);
        release.chart.name = "web".into();
        release.chart.version = "1.0.0".into();
        release.chart.digest = stored.digest.clone();
        let store = seeded(std::slice::from_ref(&release));
        let error = block_on(load(&store, &release)).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("release `web` revision 2 in namespace `dev` has no stored chart"),
            "{error}"
        );
        block_on(store.put_chart("dev", &stored)).unwrap();
        let snapshot = block_on(load(&store, &release)).unwrap();
        assert_eq!(snapshot.chart.name(), "web");
        assert_eq!(snapshot.package, stored.package);
        assert_eq!(snapshot.digest, stored.digest);
        assert_eq!(snapshot.stored(), stored);
    }
}
