//! Environments as the cluster shows them: read back from a namespace's labels and annotations
//! (the contract in `env`), with the releases that live in it. What state each is in, what
//! `env gc` removes and why, and which pool namespace `env claim` tries first. Pure: the API
//! calls are in `action::environments`.

use std::collections::{BTreeMap, HashSet};

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{ENV_LABEL, EnvMarks, MANAGED_BY, MANAGED_BY_LABEL, PROFILE_RELEASE};
use crate::release::ReleaseSummary;

/// Who is tearing an environment down (`env down`, `env gc`), and since when: set with the
/// namespace's resourceVersion as a precondition, so of two teardowns started at once one wins
/// and the other leaves it alone.
pub const TEARDOWN_ANNOTATION: &str = "charts.dev/teardown";

/// A teardown mark older than this was left by a run that died: another run may take over.
pub const TEARDOWN_STALE: SignedDuration = SignedDuration::from_mins(10);

/// One environment: a namespace `charts env` made (or a pool namespace), as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    /// The environment's name (`charts.dev/env`).
    pub name: String,
    pub namespace: String,
    pub pool: Option<String>,
    pub branch: Option<String>,
    pub commit: Option<String>,
    pub profile: Option<String>,
    pub created_by: Option<String>,
    pub created_at: Option<Timestamp>,
    /// `None`: never expires (for a pool namespace: the claim's expiry).
    pub expires_at: Option<Timestamp>,
    pub keep: bool,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<Timestamp>,
    pub terminating: bool,
    /// The teardown mark, `<holder> <time>`, when a teardown is under way.
    pub teardown: Option<String>,
    pub uid: Option<String>,
    pub resource_version: Option<String>,
    /// The latest revision of each release in it, newest first (the profile's too).
    pub releases: Vec<ReleaseSummary>,
}

/// Where an environment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Active,
    Expired,
    Terminating,
    /// A pool namespace nobody holds.
    Free,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Active => "active",
            State::Expired => "expired",
            State::Terminating => "terminating",
            State::Free => "free",
        }
    }
}

/// Why `env gc` removes an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GcReason {
    Expired { since: SignedDuration },
    BranchGone { branch: String },
}

impl std::fmt::Display for GcReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GcReason::Expired { since } => write!(f, "expired {} ago", human(*since)),
            GcReason::BranchGone { branch } => write!(f, "branch `{branch}` is gone"),
        }
    }
}

/// Why a namespace is not an environment `charts env` may tear down, if it is not.
pub fn not_ours(namespace: &str, metadata: &ObjectMeta) -> Option<String> {
    if EnvMarks::is_environment(metadata.labels.as_ref()) {
        return None;
    }
    let manager = metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(MANAGED_BY_LABEL))
        .filter(|m| m.as_str() != MANAGED_BY);
    Some(match manager {
        Some(manager) => format!(
            "namespace `{namespace}` was not created by `charts env`: it is managed by `{manager}`"
        ),
        None => format!(
            "namespace `{namespace}` was not created by `charts env`: it has no `{MANAGED_BY_LABEL}={MANAGED_BY}` and `{ENV_LABEL}` labels"
        ),
    })
}

impl Environment {
    /// The environment a namespace's metadata describes; `None` for a namespace `charts env`
    /// did not make.
    pub fn from_metadata(metadata: &ObjectMeta) -> Option<Environment> {
        let namespace = metadata.name.clone()?;
        if not_ours(&namespace, metadata).is_some() {
            return None;
        }
        let marks = EnvMarks::of(metadata);
        let teardown = metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(TEARDOWN_ANNOTATION))
            .filter(|v| !v.is_empty())
            .cloned();
        let nonempty = |value: Option<String>| value.filter(|v| !v.is_empty());
        Some(Environment {
            name: marks.name.unwrap_or_else(|| namespace.clone()),
            namespace,
            pool: marks.pool,
            branch: nonempty(marks.branch),
            commit: nonempty(marks.commit),
            profile: nonempty(marks.profile),
            created_by: marks.created_by,
            created_at: marks
                .created_at
                .or_else(|| metadata.creation_timestamp.as_ref().map(|t| t.0)),
            expires_at: marks.expires_at,
            keep: marks.keep,
            claimed_by: nonempty(marks.claimed_by),
            claimed_at: marks.claimed_at,
            terminating: metadata.deletion_timestamp.is_some(),
            teardown,
            uid: metadata.uid.clone(),
            resource_version: metadata.resource_version.clone(),
            releases: Vec::new(),
        })
    }

    pub fn state(&self, now: Timestamp) -> State {
        if self.terminating {
            State::Terminating
        } else if self.pool.is_some() && self.claimed_by.is_none() {
            State::Free
        } else if self.expires_at.is_some_and(|at| at <= now) {
            State::Expired
        } else {
            State::Active
        }
    }

    /// Time left before it expires (negative once expired); `None` when it never does.
    pub fn expires_in(&self, now: Timestamp) -> Option<SignedDuration> {
        self.expires_at.map(|at| at.duration_since(now))
    }

    pub fn age(&self, now: Timestamp) -> Option<SignedDuration> {
        self.created_at.map(|at| now.duration_since(at))
    }

    /// The newest `updated` time of its releases (RFC 3339 in UTC sorts as text).
    pub fn last_deployed(&self) -> Option<&str> {
        self.releases
            .iter()
            .map(|r| r.updated.as_str())
            .filter(|u| !u.is_empty())
            .max()
    }

    /// The releases a teardown uninstalls, in order: newest first, the profile last.
    pub fn teardown_order(&self) -> Vec<&ReleaseSummary> {
        let mut order: Vec<&ReleaseSummary> = self
            .releases
            .iter()
            .filter(|r| r.name != PROFILE_RELEASE)
            .collect();
        order.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.name.cmp(&b.name)));
        order.extend(self.releases.iter().filter(|r| r.name == PROFILE_RELEASE));
        order
    }

    /// Whether another run is tearing it down right now (a fresh teardown mark).
    pub fn teardown_in_progress(&self, now: Timestamp) -> Option<&str> {
        let mark = self.teardown.as_deref()?;
        let since = mark
            .rsplit_once(' ')
            .and_then(|(_, time)| time.parse::<Timestamp>().ok())?;
        (now.duration_since(since) < TEARDOWN_STALE).then_some(mark)
    }

    /// Why `env gc` should remove it, if it should. `branches`: the branches that still exist,
    /// when the caller gave them. Kept, terminating and pool namespaces are never collected
    /// (an expired claim is taken over by the next `env claim`).
    pub fn gc_reason(
        &self,
        now: Timestamp,
        branches: Option<&HashSet<String>>,
    ) -> Option<GcReason> {
        if self.keep || self.terminating || self.pool.is_some() {
            return None;
        }
        if let Some(at) = self.expires_at.filter(|at| *at <= now) {
            return Some(GcReason::Expired {
                since: now.duration_since(at),
            });
        }
        match (branches, &self.branch) {
            (Some(branches), Some(branch)) if !branches.contains(branch) => {
                Some(GcReason::BranchGone {
                    branch: branch.clone(),
                })
            }
            _ => None,
        }
    }
}

/// Groups release records by namespace into the environments listed: the latest revision of
/// each release, newest first.
pub fn attach_releases(environments: &mut [Environment], records: Vec<ReleaseSummary>) {
    let mut by_namespace: BTreeMap<String, Vec<ReleaseSummary>> = BTreeMap::new();
    for record in crate::release::history::latest_per_release(records) {
        by_namespace
            .entry(record.namespace.clone())
            .or_default()
            .push(record);
    }
    for environment in environments {
        let mut releases = by_namespace
            .remove(&environment.namespace)
            .unwrap_or_default();
        releases.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.name.cmp(&b.name)));
        environment.releases = releases;
    }
}

/// The branches that still exist, from a list of branch names or the output of
/// `git branch -r` / `git branch -a`: `origin/` (and `remotes/origin/`) is stripped, the
/// `HEAD -> origin/main` line and blank lines are skipped.
pub fn parse_branches(text: &str) -> HashSet<String> {
    text.lines()
        .map(|line| line.trim().trim_start_matches("* ").trim())
        .filter(|line| !line.is_empty() && !line.contains(" -> "))
        .map(|line| {
            let line = line.strip_prefix("remotes/").unwrap_or(line);
            line.strip_prefix("origin/").unwrap_or(line).to_string()
        })
        .collect()
}

/// The pool namespaces `env claim` tries, in order: free ones by name, then those whose claim
/// has expired, oldest expiry first. Terminating ones and live claims are left out.
pub fn claim_candidates(pool: &[Environment], now: Timestamp) -> Vec<&Environment> {
    let mut free: Vec<&Environment> = pool
        .iter()
        .filter(|e| !e.terminating && e.claimed_by.is_none())
        .collect();
    free.sort_by_key(|a| natural_key(&a.namespace));
    let mut expired: Vec<&Environment> = pool
        .iter()
        .filter(|e| !e.terminating && e.claimed_by.is_some())
        .filter(|e| e.state(now) == State::Expired)
        .collect();
    expired.sort_by_key(|e| e.expires_at);
    free.extend(expired);
    free
}

/// `ci-2` before `ci-10`.
fn natural_key(name: &str) -> (String, u64) {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (stem, number) = name.split_at(name.len() - digits);
    (stem.to_string(), number.parse().unwrap_or(0))
}

/// The pool namespace names of `pool` with `size` members: `<prefix><pool>-1` ... `-N`.
pub fn pool_namespaces(prefix: &str, pool: &str, size: usize) -> Vec<String> {
    (1..=size).map(|i| format!("{prefix}{pool}-{i}")).collect()
}

/// A duration for people, in its two largest units: `3d4h`, `12m`, `45s`.
pub fn human(duration: SignedDuration) -> String {
    let total = duration.as_secs().unsigned_abs();
    let sign = if duration.is_negative() { "-" } else { "" };
    let units = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)];
    let mut parts = Vec::new();
    let mut rest = total;
    for (unit, seconds) in units {
        if rest >= seconds || (parts.is_empty() && seconds == 1) {
            parts.push(format!("{}{unit}", rest / seconds));
            rest %= seconds;
        }
        if parts.len() == 2 {
            break;
        }
        if !parts.is_empty() && rest == 0 {
            break;
        }
    }
    format!("{sign}{}", parts.join(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{
        BRANCH_ANNOTATION, CLAIMED_BY_ANNOTATION, EXPIRES_AT_ANNOTATION, KEEP_ANNOTATION,
        POOL_LABEL,
    };
    use crate::release::Status;

    fn metadata(name: &str, labels: &[(&str, &str)], annotations: &[(&str, &str)]) -> ObjectMeta {
        let map = |pairs: &[(&str, &str)]| {
            Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        ObjectMeta {
            name: Some(name.into()),
            labels: map(labels),
            annotations: map(annotations),
            ..ObjectMeta::default()
        }
    }

    fn environment(name: &str, annotations: &[(&str, &str)]) -> Environment {
        Environment::from_metadata(&metadata(
            name,
            &[(MANAGED_BY_LABEL, MANAGED_BY), (ENV_LABEL, name)],
            annotations,
        ))
        .unwrap()
    }

    fn pool_member(name: &str, annotations: &[(&str, &str)]) -> Environment {
        Environment::from_metadata(&metadata(
            name,
            &[
                (MANAGED_BY_LABEL, MANAGED_BY),
                (ENV_LABEL, name),
                (POOL_LABEL, "ci"),
            ],
            annotations,
        ))
        .unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn summary(namespace: &str, name: &str, revision: u64, updated: &str) -> ReleaseSummary {
        ReleaseSummary {
            name: name.into(),
            namespace: namespace.into(),
            revision,
            status: Status::Deployed,
            chart: "web-1.0.0".into(),
            app_version: String::new(),
            updated: updated.into(),
            description: String::new(),
            labels: Default::default(),
            inventory: Default::default(),
        }
    }

    #[test]
    fn only_namespaces_with_both_labels_are_environments() {
        assert!(
            not_ours("x", &metadata("x", &[], &[]))
                .unwrap()
                .contains("has no")
        );
        let helm = metadata("x", &[(MANAGED_BY_LABEL, "Helm"), (ENV_LABEL, "x")], &[]);
        assert!(not_ours("x", &helm).unwrap().contains("managed by `Helm`"));
        // `--create-namespace` marks its namespaces managed by charts, but not as environments.
        let created = metadata("x", &[(MANAGED_BY_LABEL, MANAGED_BY)], &[]);
        assert!(not_ours("x", &created).is_some());
        assert_eq!(Environment::from_metadata(&created), None);
        assert_eq!(environment("shop-a", &[]).namespace, "shop-a");
    }

    #[test]
    fn state_follows_expiry_termination_and_claims() {
        let now = at("2026-01-02T00:00:00Z");
        let live = environment("a", &[(EXPIRES_AT_ANNOTATION, "2026-01-03T00:00:00Z")]);
        assert_eq!(live.state(now), State::Active);
        assert_eq!(live.expires_in(now), Some(SignedDuration::from_hours(24)));
        let old = environment("b", &[(EXPIRES_AT_ANNOTATION, "2026-01-01T00:00:00Z")]);
        assert_eq!(old.state(now), State::Expired);
        assert_eq!(environment("c", &[]).state(now), State::Active);
        let mut gone = old.clone();
        gone.terminating = true;
        assert_eq!(gone.state(now), State::Terminating);
        assert_eq!(pool_member("ci-1", &[]).state(now), State::Free);
        let held = pool_member(
            "ci-2",
            &[
                (CLAIMED_BY_ANNOTATION, "ci"),
                (EXPIRES_AT_ANNOTATION, "2026-01-01T12:00:00Z"),
            ],
        );
        assert_eq!(held.state(now), State::Expired);
    }

    #[test]
    fn gc_takes_expired_and_branchless_environments_but_never_kept_ones() {
        let now = at("2026-01-02T00:00:00Z");
        let branches =
            parse_branches("  origin/HEAD -> origin/main\n  origin/main\n  origin/feature/x\n");
        let expired = environment("a", &[(EXPIRES_AT_ANNOTATION, "2026-01-01T23:00:00Z")]);
        assert_eq!(
            expired.gc_reason(now, None).unwrap().to_string(),
            "expired 1h ago"
        );
        let kept = environment(
            "b",
            &[
                (EXPIRES_AT_ANNOTATION, "2026-01-01T23:00:00Z"),
                (KEEP_ANNOTATION, "true"),
                (BRANCH_ANNOTATION, "gone"),
            ],
        );
        assert_eq!(kept.gc_reason(now, Some(&branches)), None);
        let branchless = environment("c", &[(BRANCH_ANNOTATION, "feature/y")]);
        assert_eq!(branchless.gc_reason(now, None), None);
        assert_eq!(
            branchless.gc_reason(now, Some(&branches)),
            Some(GcReason::BranchGone {
                branch: "feature/y".into()
            })
        );
        let alive = environment("d", &[(BRANCH_ANNOTATION, "feature/x")]);
        assert_eq!(alive.gc_reason(now, Some(&branches)), None);
        // Without a branch annotation there is nothing to compare.
        assert_eq!(environment("e", &[]).gc_reason(now, Some(&branches)), None);
        let claimed = pool_member(
            "ci-1",
            &[
                (CLAIMED_BY_ANNOTATION, "ci"),
                (EXPIRES_AT_ANNOTATION, "2026-01-01T00:00:00Z"),
            ],
        );
        assert_eq!(claimed.gc_reason(now, None), None);
    }

    #[test]
    fn branch_lists_from_git_branch_output() {
        let branches = parse_branches(
            "  origin/HEAD -> origin/main\n  origin/main\n* local\n  remotes/origin/feature/Login_v2\n\n  release/1.x\n",
        );
        let mut sorted: Vec<_> = branches.into_iter().collect();
        sorted.sort();
        assert_eq!(sorted, ["feature/Login_v2", "local", "main", "release/1.x"]);
    }

    #[test]
    fn teardown_goes_newest_first_and_the_profile_last() {
        let mut environments = vec![environment("a", &[])];
        attach_releases(
            &mut environments,
            vec![
                summary("a", PROFILE_RELEASE, 1, "2026-01-01T00:00:00Z"),
                summary("a", "web", 1, "2026-01-01T01:00:00Z"),
                summary("a", "web", 2, "2026-01-01T05:00:00Z"),
                summary("a", "db", 1, "2026-01-01T03:00:00Z"),
                summary("elsewhere", "api", 1, "2026-01-01T09:00:00Z"),
            ],
        );
        let order: Vec<(&str, u64)> = environments[0]
            .teardown_order()
            .iter()
            .map(|r| (r.name.as_str(), r.revision))
            .collect();
        assert_eq!(order, [("web", 2), ("db", 1), (PROFILE_RELEASE, 1)]);
        assert_eq!(
            environments[0].last_deployed(),
            Some("2026-01-01T05:00:00Z")
        );
    }

    #[test]
    fn a_fresh_teardown_mark_holds_a_stale_one_does_not() {
        let now = at("2026-01-02T00:00:00Z");
        let marked = environment(
            "a",
            &[(TEARDOWN_ANNOTATION, "gc@host 2026-01-01T23:55:00Z")],
        );
        assert_eq!(
            marked.teardown_in_progress(now),
            Some("gc@host 2026-01-01T23:55:00Z")
        );
        let stale = environment(
            "a",
            &[(TEARDOWN_ANNOTATION, "gc@host 2026-01-01T23:00:00Z")],
        );
        assert_eq!(stale.teardown_in_progress(now), None);
    }

    #[test]
    fn claims_try_free_namespaces_in_order_then_expired_claims() {
        let now = at("2026-01-02T00:00:00Z");
        let pool = vec![
            pool_member("ci-10", &[]),
            pool_member(
                "ci-1",
                &[
                    (CLAIMED_BY_ANNOTATION, "x"),
                    (EXPIRES_AT_ANNOTATION, "2026-01-01T00:00:00Z"),
                ],
            ),
            pool_member(
                "ci-3",
                &[
                    (CLAIMED_BY_ANNOTATION, "y"),
                    (EXPIRES_AT_ANNOTATION, "2026-01-03T00:00:00Z"),
                ],
            ),
            pool_member("ci-2", &[]),
        ];
        let order: Vec<&str> = claim_candidates(&pool, now)
            .iter()
            .map(|e| e.namespace.as_str())
            .collect();
        assert_eq!(order, ["ci-2", "ci-10", "ci-1"]);
        assert_eq!(
            pool_namespaces("shop-", "ci", 2),
            ["shop-ci-1", "shop-ci-2"]
        );
    }

    #[test]
    fn durations_for_people() {
        assert_eq!(human(SignedDuration::from_secs(45)), "45s");
        assert_eq!(
            human(SignedDuration::from_secs(3 * 86_400 + 4 * 3600 + 7)),
            "3d4h"
        );
        assert_eq!(human(SignedDuration::from_secs(-720)), "-12m");
        assert_eq!(human(SignedDuration::from_secs(0)), "0s");
        assert_eq!(human(SignedDuration::from_secs(7200)), "2h");
    }
}
