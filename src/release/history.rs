//! Rules over a release's revisions: which one a rollback means, and which ones
//! `--history-max` may prune. Pure functions over summaries, so they are cheap to test.

use super::{ReleaseSummary, Status};

/// The revision `rollback` targets when none is given: the newest good revision (deployed or
/// superseded) older than the current one, skipping failed and pending ones. Helm takes
/// "current minus one", which may be the very revision that failed; on-call engineers mean the
/// last one that worked.
pub fn rollback_target(revisions: &[ReleaseSummary]) -> Option<u64> {
    let current = revisions.iter().map(|r| r.revision).max()?;
    revisions
        .iter()
        .filter(|r| r.revision < current && r.status.is_good())
        .map(|r| r.revision)
        .max()
}

/// Revisions to delete so that at most `max` remain (0 means unlimited). The oldest go first;
/// the deployed revision and the newest revision are never pruned.
pub fn revisions_to_prune(revisions: &[ReleaseSummary], max: usize) -> Vec<u64> {
    if max == 0 || revisions.len() <= max {
        return Vec::new();
    }
    let newest = revisions.iter().map(|r| r.revision).max().unwrap_or(0);
    let mut candidates: Vec<u64> = revisions
        .iter()
        .filter(|r| r.status != Status::Deployed && r.revision != newest)
        .map(|r| r.revision)
        .collect();
    candidates.sort_unstable();
    let excess = revisions.len() - max;
    candidates.into_iter().take(excess).collect()
}

/// The newest revision of each release, for `list`.
pub fn latest_per_release(summaries: Vec<ReleaseSummary>) -> Vec<ReleaseSummary> {
    let mut latest: indexmap::IndexMap<(String, String), ReleaseSummary> =
        indexmap::IndexMap::new();
    for summary in summaries {
        let key = (summary.namespace.clone(), summary.name.clone());
        match latest.get(&key) {
            Some(existing) if existing.revision >= summary.revision => {}
            _ => {
                latest.insert(key, summary);
            }
        }
    }
    let mut result: Vec<ReleaseSummary> = latest.into_values().collect();
    result.sort_by(|a, b| {
        a.namespace
            .cmp(&b.namespace)
            .then_with(|| a.name.cmp(&b.name))
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(revision: u64, status: Status) -> ReleaseSummary {
        ReleaseSummary {
            name: "web".into(),
            namespace: "dev".into(),
            revision,
            status,
            chart: "web-1.0.0".into(),
            app_version: String::new(),
            updated: String::new(),
            description: String::new(),
            labels: Default::default(),
            inventory: Default::default(),
        }
    }

    #[test]
    fn rollback_skips_failed_revisions() {
        let history = [
            summary(1, Status::Superseded),
            summary(2, Status::Superseded),
            summary(3, Status::Failed),
            summary(4, Status::Failed),
        ];
        assert_eq!(rollback_target(&history), Some(2));
        let history = [summary(1, Status::Superseded), summary(2, Status::Deployed)];
        assert_eq!(rollback_target(&history), Some(1));
        assert_eq!(rollback_target(&[summary(1, Status::Deployed)]), None);
    }

    #[test]
    fn pruning_keeps_the_deployed_and_newest_revisions() {
        let history = [
            summary(1, Status::Deployed),
            summary(2, Status::Failed),
            summary(3, Status::Failed),
            summary(4, Status::Failed),
        ];
        assert_eq!(revisions_to_prune(&history, 2), vec![2, 3]);
        assert!(
            revisions_to_prune(&history, 0).is_empty(),
            "0 means unlimited"
        );
        assert!(revisions_to_prune(&history, 10).is_empty());
    }

    #[test]
    fn latest_revision_per_release() {
        let mut other = summary(7, Status::Deployed);
        other.name = "api".into();
        let latest = latest_per_release(vec![
            summary(1, Status::Superseded),
            summary(2, Status::Deployed),
            other,
        ]);
        let shown: Vec<_> = latest
            .iter()
            .map(|s| (s.name.as_str(), s.revision))
            .collect();
        assert_eq!(shown, [("api", 7), ("web", 2)]);
    }
}
