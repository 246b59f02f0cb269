//! Reading release records: `list`, `history`, `get`. Listing and history read Secret metadata
//! only (one LIST); only `get` decodes a payload.

use crate::error::{Error, Result};
use crate::release::store::{ListQuery, Store};
use indexmap::IndexMap;

use crate::release::{Release, ReleaseSummary, Status};

/// Which statuses `list` shows. None chosen means every status (Helm v4; v3 showed only
/// deployed and failed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateFilter {
    pub deployed: bool,
    pub failed: bool,
    /// pending-install, pending-upgrade and pending-rollback.
    pub pending: bool,
    pub superseded: bool,
    pub uninstalled: bool,
    pub uninstalling: bool,
}

impl StateFilter {
    fn any(&self) -> bool {
        *self != StateFilter::default()
    }

    pub fn admits(&self, status: Status) -> bool {
        if !self.any() {
            return true;
        }
        match status {
            Status::Deployed => self.deployed,
            Status::Failed => self.failed,
            Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback => {
                self.pending
            }
            Status::Superseded => self.superseded,
            Status::Uninstalled => self.uninstalled,
            Status::Uninstalling => self.uninstalling,
        }
    }

    /// Only `--superseded`: the latest revision is never superseded, so (as Helm does) every
    /// superseded revision is listed instead of the latest of each release.
    fn only_superseded(&self) -> bool {
        *self
            == StateFilter {
                superseded: true,
                ..StateFilter::default()
            }
    }
}

/// The newest revision of each release that `query` matches, read page by page and keeping one
/// summary per release (in no particular order).
pub async fn latest<S: Store>(store: &S, query: &ListQuery) -> Result<Vec<ReleaseSummary>> {
    let mut latest: IndexMap<(String, String), ReleaseSummary> = IndexMap::new();
    store
        .scan_newest(query, &mut |summary| keep_newest(&mut latest, summary))
        .await?;
    Ok(latest.into_values().collect())
}

fn keep_newest(latest: &mut IndexMap<(String, String), ReleaseSummary>, summary: ReleaseSummary) {
    match latest.get_mut(&(summary.namespace.clone(), summary.name.clone())) {
        Some(existing) if existing.revision >= summary.revision => {}
        Some(existing) => *existing = summary,
        None => {
            latest.insert((summary.namespace.clone(), summary.name.clone()), summary);
        }
    }
}

/// How to order `list` output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Namespace, then name.
    #[default]
    Name,
    /// Last update time, oldest first.
    Date,
}

#[derive(Debug, Clone, Default)]
pub struct ListSettings {
    /// `None` lists every namespace.
    pub namespace: Option<String>,
    /// Only releases whose name matches (anywhere in the name).
    pub filter: Option<regex::Regex>,
    /// Kubernetes label selector on release labels.
    pub selector: Option<String>,
    pub states: StateFilter,
    pub sort: SortBy,
    pub reverse: bool,
    /// At most this many (0: no limit), after skipping `offset`.
    pub max: usize,
    pub offset: usize,
}

/// The latest revision of each matching release, from the records' metadata read page by page;
/// only the revisions that can still be shown are kept, so memory follows releases, not
/// revisions.
pub async fn list<S: Store>(store: &S, settings: &ListSettings) -> Result<Vec<ReleaseSummary>> {
    let query = ListQuery {
        namespace: settings.namespace.clone(),
        name: None,
        selector: settings.selector.clone(),
    };
    let every_superseded = settings.states.only_superseded();
    let mut kept: Vec<ReleaseSummary> = Vec::new();
    let mut latest: IndexMap<(String, String), ReleaseSummary> = IndexMap::new();
    let mut visit = |summary: ReleaseSummary| {
        if settings
            .filter
            .as_ref()
            .is_some_and(|f| !f.is_match(&summary.name))
        {
            return;
        }
        if every_superseded {
            if summary.status == Status::Superseded {
                kept.push(summary);
            }
            return;
        }
        keep_newest(&mut latest, summary);
    };
    if every_superseded {
        store.scan(&query, &mut visit).await?;
    } else {
        store.scan_newest(&query, &mut visit).await?;
    }
    let mut releases = if every_superseded {
        kept
    } else {
        latest.into_values().collect()
    };
    // After picking the latest revisions, so an old deployed revision does not stand in for
    // a release whose latest one failed.
    releases.retain(|s| settings.states.admits(s.status));
    match settings.sort {
        SortBy::Name => releases.sort_by(|a, b| {
            (a.namespace.as_str(), a.name.as_str(), a.revision).cmp(&(
                b.namespace.as_str(),
                b.name.as_str(),
                b.revision,
            ))
        }),
        // RFC 3339 in UTC sorts as text.
        SortBy::Date => releases.sort_by(|a, b| a.updated.cmp(&b.updated)),
    }
    if settings.reverse {
        releases.reverse();
    }
    let releases = releases.into_iter().skip(settings.offset);
    Ok(match settings.max {
        0 => releases.collect(),
        max => releases.take(max).collect(),
    })
}

/// The newest `max` revisions of a release (0: all), oldest first.
pub async fn history<S: Store>(
    store: &S,
    namespace: &str,
    name: &str,
    max: usize,
) -> Result<Vec<ReleaseSummary>> {
    let mut revisions = store.history(namespace, name).await?;
    if max > 0 && revisions.len() > max {
        revisions.drain(..revisions.len() - max);
    }
    Ok(revisions)
}

/// One revision, decoded: the given one, or the newest.
pub async fn get<S: Store>(
    store: &S,
    namespace: &str,
    name: &str,
    revision: Option<u64>,
) -> Result<Release> {
    Ok(match revision {
        Some(revision) => store.get(namespace, name, revision).await?,
        None => store.latest(namespace, name).await?,
    })
}

/// The release name from the command line, checked before anything is asked of the cluster.
pub fn checked_name(name: &str) -> Result<&str> {
    crate::release::validate_name(name).map_err(Error::Usage)?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::*;
    use crate::release::ChartInfo;
    use crate::release::store::MemoryStore;

    fn record(namespace: &str, name: &str, revision: u64, status: Status, second: u64) -> Release {
        Release {
            name: name.into(),
            namespace: namespace.into(),
            revision,
            status,
            chart: ChartInfo {
                name: name.into(),
                version: "1.0.0".into(),
                ..ChartInfo::default()
            },
            config: serde_json::Value::Null,
            computed_values: serde_json::Value::Null,
            manifest: String::new(),
            notes: String::new(),
            description: String::new(),
            first_deployed: "2026-01-01T00:00:00Z".into(),
            last_deployed: format!("2026-01-01T00:00:{second:02}Z"),
            deleted: None,
            labels: IndexMap::new(),
            created_namespace: false,
            hooks: Vec::new(),
            env: None,
            provenance: None,
        }
    }

    fn seeded() -> MemoryStore {
        let store = MemoryStore::new();
        crate::support::block_on(async {
            for release in [
                record("dev", "web", 1, Status::Deployed, 10),
                record("dev", "web", 2, Status::Failed, 50),
                record("dev", "api", 1, Status::Superseded, 20),
                record("dev", "api", 2, Status::Deployed, 40),
                record("dev", "db", 1, Status::PendingInstall, 15),
                record("prod", "web", 1, Status::Uninstalled, 30),
            ] {
                store.create(&release).await.unwrap();
            }
        });
        store
    }

    fn names(settings: ListSettings) -> Vec<String> {
        let store = seeded();
        crate::support::block_on(list(&store, &settings))
            .unwrap()
            .into_iter()
            .map(|s| format!("{}/{}:{}", s.namespace, s.name, s.revision))
            .collect()
    }

    #[test]
    fn list_shows_the_latest_revision_of_every_release_by_default() {
        assert_eq!(
            names(ListSettings::default()),
            ["dev/api:2", "dev/db:1", "dev/web:2", "prod/web:1"]
        );
        let dev = ListSettings {
            namespace: Some("dev".into()),
            ..ListSettings::default()
        };
        assert_eq!(names(dev), ["dev/api:2", "dev/db:1", "dev/web:2"]);
    }

    #[test]
    fn state_filters_apply_to_the_latest_revision() {
        let only = |states: StateFilter| {
            names(ListSettings {
                states,
                ..ListSettings::default()
            })
        };
        let deployed = StateFilter {
            deployed: true,
            ..StateFilter::default()
        };
        assert_eq!(
            only(deployed),
            ["dev/api:2"],
            "web's deployed revision is not its latest"
        );
        let failed_or_pending = StateFilter {
            failed: true,
            pending: true,
            ..StateFilter::default()
        };
        assert_eq!(only(failed_or_pending), ["dev/db:1", "dev/web:2"]);
        let superseded = StateFilter {
            superseded: true,
            ..StateFilter::default()
        };
        assert_eq!(only(superseded), ["dev/api:1"]);
        let uninstalled = StateFilter {
            uninstalled: true,
            ..StateFilter::default()
        };
        assert_eq!(only(uninstalled), ["prod/web:1"]);
    }

    #[test]
    fn filter_sort_and_paging() {
        let filtered = ListSettings {
            filter: Some(regex::Regex::new("^(web|db)$").unwrap()),
            ..ListSettings::default()
        };
        assert_eq!(names(filtered), ["dev/db:1", "dev/web:2", "prod/web:1"]);
        let by_date = ListSettings {
            sort: SortBy::Date,
            reverse: true,
            ..ListSettings::default()
        };
        assert_eq!(
            names(by_date),
            ["dev/web:2", "dev/api:2", "prod/web:1", "dev/db:1"]
        );
        let page = ListSettings {
            offset: 1,
            max: 2,
            ..ListSettings::default()
        };
        assert_eq!(names(page), ["dev/db:1", "dev/web:2"]);
    }

    #[test]
    fn history_keeps_the_newest_revisions() {
        let store = seeded();
        let revisions = crate::support::block_on(history(&store, "dev", "web", 1)).unwrap();
        assert_eq!(
            revisions.iter().map(|r| r.revision).collect::<Vec<_>>(),
            [2]
        );
        let missing = crate::support::block_on(history(&store, "dev", "nope", 0)).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "release `nope` not found in namespace `dev`"
        );
        let latest = crate::support::block_on(get(&store, "dev", "web", None)).unwrap();
        assert_eq!(latest.revision, 2);
        assert!(checked_name("Web").is_err());
    }
}
