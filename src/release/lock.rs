//! The per-release operation lock (DESIGN.md section 3): a coordination.k8s.io/v1 Lease named
//! `charts.lock.<release>` in the release's namespace, holding who runs the operation, since
//! when, and until when it counts as alive. The holder renews it while the operation runs; a
//! crashed operation stops renewing, the lease expires, and the next operation takes it over
//! (Helm's `pending-*` status has no expiry, its most reported pain point).
//!
//! Takeover and renewal write with the observed `resourceVersion`, so of two operations that
//! race for the same expired lease exactly one wins; the other gets a 409 and an error.
//! Expiry compares the lease's `renewTime` with this machine's clock, so clocks that disagree
//! by more than the lease duration can make a live lease look expired.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DeleteParams, PostParams, Preconditions};
use tokio::sync::oneshot;

use crate::cluster::{self, Cluster};
use crate::support::clock;

/// How long a lease stays alive without renewal, unless the caller picks another duration.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

/// The Lease that locks `release` (a valid DNS subdomain: release names are at most 53
/// characters).
pub fn lease_name(release: &str) -> String {
    format!("charts.lock.{release}")
}

/// Who is running this operation, as shown to whoever finds the release locked:
/// `user@host pid N`.
pub fn default_holder() -> String {
    let user = ["USER", "LOGNAME"]
        .iter()
        .find_map(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_string());
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string());
    format!("{user}@{host} pid {}", std::process::id())
}

/// A lease holder as read from the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub identity: String,
    /// When it took the lock.
    pub since: Timestamp,
    /// When the lease expires unless renewed.
    pub expires: Timestamp,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "release `{release}` is locked: an operation by `{}` has been in progress since {}",
        holder.identity,
        clock::rfc3339(holder.since)
    )]
    Locked {
        release: String,
        namespace: String,
        holder: Holder,
    },
    #[error(
        "release `{release}` in namespace `{namespace}`: another operation took the lock at the same moment"
    )]
    Contended { release: String, namespace: String },
    #[error("lost the lock on release `{release}` in namespace `{namespace}`: {reason}")]
    Lost {
        release: String,
        namespace: String,
        reason: String,
    },
    #[error(transparent)]
    Cluster(#[from] cluster::Error),
}

impl Error {
    /// What the user can do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Locked {
                release,
                namespace,
                holder,
            } => Some(format!(
                "wait for that operation to finish; if it died, its lock expires at {} and the next operation takes over (`kubectl delete lease {} -n {namespace}` frees it now)",
                clock::rfc3339(holder.expires),
                lease_name(release),
            )),
            Error::Contended { .. } => Some("run the command again".to_string()),
            Error::Lost {
                release, namespace, ..
            } => Some(format!(
                "another operation may have taken over: check `charts history {release} -n {namespace}` before retrying"
            )),
            Error::Cluster(error) => error.hint(),
        }
    }
}

/// The real time, for renewals and expiry: a lease is judged by other clients and the API
/// server against their clocks, so it never reads the test clock.
fn system_now() -> Timestamp {
    to_microsecond(clock::system_now())
}

/// Lease times hold microseconds.
fn to_microsecond(time: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(time.as_microsecond()).unwrap_or(time)
}

/// Lease durations are whole seconds; round up so a short ttl still means something.
fn ttl_seconds(ttl: Duration) -> i32 {
    ttl.as_secs_f64().ceil().clamp(1.0, i32::MAX as f64) as i32
}

/// The holder of a lease and whether it is still alive at `now`; `None` for a lease nobody
/// holds (no holder identity).
fn observe(lease: &Lease, now: Timestamp) -> Option<(Holder, bool)> {
    let spec = lease.spec.as_ref()?;
    let identity = spec.holder_identity.clone().filter(|h| !h.is_empty())?;
    let since = spec
        .acquire_time
        .as_ref()
        .map(|t| t.0)
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let renewed = spec.renew_time.as_ref().map(|t| t.0).unwrap_or(since);
    let duration = i64::from(spec.lease_duration_seconds.unwrap_or(0));
    let expires = Timestamp::from_microsecond(renewed.as_microsecond() + duration * 1_000_000)
        .unwrap_or(renewed);
    Some((
        Holder {
            identity,
            since,
            expires,
        },
        expires > now,
    ))
}

/// What we write: a lease held by `holder` since `acquired`, renewed now.
fn lease(
    name: &str,
    release: &str,
    holder: &str,
    acquired: Timestamp,
    duration: i32,
    transitions: i32,
    resource_version: Option<String>,
) -> Lease {
    Lease {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: Some(BTreeMap::from([
                ("owner".to_string(), super::encoding::OWNER.to_string()),
                ("name".to_string(), release.to_string()),
            ])),
            resource_version,
            ..ObjectMeta::default()
        },
        spec: Some(LeaseSpec {
            holder_identity: Some(holder.to_string()),
            acquire_time: Some(MicroTime(acquired)),
            renew_time: Some(MicroTime(system_now())),
            lease_duration_seconds: Some(duration),
            lease_transitions: Some(transitions),
            ..LeaseSpec::default()
        }),
    }
}

fn is_code(error: &kube::Error, code: u16) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == code)
}

/// Takes the lock on `release` in `namespace` for `holder`, or says who holds it. A lease
/// whose holder stopped renewing it for `ttl` is taken over (`LockGuard::taken_over` tells from
/// whom, so the caller can recover a release left pending).
pub async fn acquire(
    cluster: &Cluster,
    namespace: &str,
    release: &str,
    holder: &str,
    ttl: Duration,
) -> Result<LockGuard, Error> {
    let api: Api<Lease> = Api::namespaced(cluster.client.clone(), namespace);
    let name = lease_name(release);
    let duration = ttl_seconds(ttl);
    let cluster_error =
        |e, verb: &str| cluster::Error::from_kube(e, cluster, verb, "leases", namespace);
    // When the operation started, as shown to whoever finds the release locked: a stamp.
    let acquired = to_microsecond(clock::now());
    let current = api
        .get_opt(&name)
        .await
        .map_err(|e| cluster_error(e, "get"))?;
    let (written, taken_over) = match current {
        None => {
            let fresh = lease(&name, release, holder, acquired, duration, 0, None);
            match api.create(&PostParams::default(), &fresh).await {
                Ok(written) => (written, None),
                Err(e) if is_code(&e, 409) => {
                    return Err(lost_race(&api, cluster, namespace, release).await);
                }
                Err(e) => return Err(cluster_error(e, "create").into()),
            }
        }
        Some(current) => {
            let previous = match observe(&current, system_now()) {
                Some((holder, true)) => {
                    return Err(Error::Locked {
                        release: release.to_string(),
                        namespace: namespace.to_string(),
                        holder,
                    });
                }
                Some((holder, false)) => Some(holder),
                None => None,
            };
            let transitions = current
                .spec
                .as_ref()
                .and_then(|s| s.lease_transitions)
                .unwrap_or(0)
                .saturating_add(1);
            let takeover = lease(
                &name,
                release,
                holder,
                acquired,
                duration,
                transitions,
                current.metadata.resource_version.clone(),
            );
            match api.replace(&name, &PostParams::default(), &takeover).await {
                Ok(written) => (written, previous),
                // 409: someone else wrote it since we read it; 404: someone released it.
                Err(e) if is_code(&e, 409) || is_code(&e, 404) => {
                    return Err(lost_race(&api, cluster, namespace, release).await);
                }
                Err(e) => return Err(cluster_error(e, "update").into()),
            }
        }
    };

    let shared = Arc::new(Mutex::new(Shared {
        resource_version: written.metadata.resource_version.clone(),
        lost: None,
    }));
    let (stop, stopped) = oneshot::channel();
    let renewal = Renewal {
        api: api.clone(),
        name: name.clone(),
        release: release.to_string(),
        holder: holder.to_string(),
        acquired,
        duration,
        transitions: written
            .spec
            .as_ref()
            .and_then(|s| s.lease_transitions)
            .unwrap_or(0),
        ttl: Duration::from_secs(duration as u64),
        shared: shared.clone(),
    };
    let task = tokio::spawn(renewal.run(stopped));
    Ok(LockGuard {
        api,
        cluster: cluster.clone(),
        name,
        namespace: namespace.to_string(),
        release: release.to_string(),
        holder: holder.to_string(),
        taken_over,
        shared,
        stop,
        task,
    })
}

/// After a 409 on create or takeover: who won, if we can tell.
async fn lost_race(api: &Api<Lease>, cluster: &Cluster, namespace: &str, release: &str) -> Error {
    match api.get_opt(&lease_name(release)).await {
        Ok(Some(lease)) => match observe(&lease, system_now()) {
            Some((holder, true)) => Error::Locked {
                release: release.to_string(),
                namespace: namespace.to_string(),
                holder,
            },
            _ => Error::Contended {
                release: release.to_string(),
                namespace: namespace.to_string(),
            },
        },
        Ok(None) => Error::Contended {
            release: release.to_string(),
            namespace: namespace.to_string(),
        },
        Err(e) => cluster::Error::from_kube(e, cluster, "get", "leases", namespace).into(),
    }
}

/// What the renewal task and the guard share.
struct Shared {
    resource_version: Option<String>,
    /// Why the lock was lost, once it is.
    lost: Option<String>,
}

struct Renewal {
    api: Api<Lease>,
    name: String,
    release: String,
    holder: String,
    acquired: Timestamp,
    duration: i32,
    transitions: i32,
    ttl: Duration,
    shared: Arc<Mutex<Shared>>,
}

impl Renewal {
    /// Renews every ttl/3 until told to stop (or the guard is dropped), or until the lease is
    /// lost: someone else wrote it, it was deleted, or renewal kept failing for a whole ttl.
    async fn run(self, mut stopped: oneshot::Receiver<()>) {
        let interval = self.ttl / 3;
        let mut last_renewal = tokio::time::Instant::now();
        loop {
            // Only stop while idle: a renewal in flight finishes, so the resourceVersion the
            // guard deletes with is the current one.
            tokio::select! {
                _ = &mut stopped => return,
                _ = tokio::time::sleep(interval) => {}
            }
            let resource_version = self.lock().resource_version.clone();
            let renewed = lease(
                &self.name,
                &self.release,
                &self.holder,
                self.acquired,
                self.duration,
                self.transitions,
                resource_version,
            );
            match self
                .api
                .replace(&self.name, &PostParams::default(), &renewed)
                .await
            {
                Ok(written) => {
                    self.lock().resource_version = written.metadata.resource_version;
                    last_renewal = tokio::time::Instant::now();
                }
                Err(e) if is_code(&e, 409) => {
                    self.lock().lost = Some("another operation took over the lease".into());
                    return;
                }
                Err(e) if is_code(&e, 404) => {
                    self.lock().lost = Some(format!("the lease `{}` was deleted", self.name));
                    return;
                }
                Err(e) => {
                    if last_renewal.elapsed() >= self.ttl {
                        self.lock().lost = Some(format!(
                            "it could not be renewed for {} seconds: {e}",
                            self.duration
                        ));
                        return;
                    }
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The held lock. `release` deletes the lease; dropping the guard without releasing stops the
/// renewal and leaves the lease to expire (what a crash does).
pub struct LockGuard {
    api: Api<Lease>,
    cluster: Cluster,
    name: String,
    namespace: String,
    release: String,
    holder: String,
    taken_over: Option<Holder>,
    shared: Arc<Mutex<Shared>>,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for LockGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockGuard")
            .field("lease", &self.name)
            .field("namespace", &self.namespace)
            .field("holder", &self.holder)
            .finish_non_exhaustive()
    }
}

impl LockGuard {
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// The holder whose expired lease we took over, if any: its operation died mid-way.
    pub fn taken_over(&self) -> Option<&Holder> {
        self.taken_over.as_ref()
    }

    /// `Err(Lost)` once renewal has failed for good; check before each irreversible step.
    pub fn check(&self) -> Result<(), Error> {
        match &self.shared.lock().unwrap_or_else(|e| e.into_inner()).lost {
            Some(reason) => Err(self.lost(reason.clone())),
            None => Ok(()),
        }
    }

    fn lost(&self, reason: String) -> Error {
        Error::Lost {
            release: self.release.clone(),
            namespace: self.namespace.clone(),
            reason,
        }
    }

    /// Stops renewing and deletes the lease, unless someone else holds it by now.
    pub async fn release(self) -> Result<(), Error> {
        let LockGuard {
            api,
            cluster,
            name,
            namespace,
            release,
            shared,
            stop,
            task,
            ..
        } = self;
        let _ = stop.send(());
        let _ = task.await;
        let (resource_version, lost) = {
            let shared = shared.lock().unwrap_or_else(|e| e.into_inner());
            (shared.resource_version.clone(), shared.lost.clone())
        };
        let lost_error = |reason: String| Error::Lost {
            release: release.clone(),
            namespace: namespace.clone(),
            reason,
        };
        if let Some(reason) = lost {
            return Err(lost_error(reason));
        }
        let params = DeleteParams {
            preconditions: Some(Preconditions {
                resource_version,
                uid: None,
            }),
            ..DeleteParams::default()
        };
        match api.delete(&name, &params).await {
            Ok(_) => Ok(()),
            Err(e) if is_code(&e, 404) => Ok(()),
            Err(e) if is_code(&e, 409) => Err(lost_error(
                "another operation took over the lease".to_string(),
            )),
            Err(e) => {
                Err(cluster::Error::from_kube(e, &cluster, "delete", "leases", &namespace).into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).unwrap()
    }

    fn held(identity: Option<&str>, renewed: i64, duration: i32) -> Lease {
        Lease {
            metadata: ObjectMeta::default(),
            spec: Some(LeaseSpec {
                holder_identity: identity.map(str::to_string),
                acquire_time: Some(MicroTime(at(renewed - 100))),
                renew_time: Some(MicroTime(at(renewed))),
                lease_duration_seconds: Some(duration),
                ..LeaseSpec::default()
            }),
        }
    }

    #[test]
    fn a_lease_is_alive_until_renew_time_plus_duration() {
        let lease = held(Some("ci@runner pid 7"), 1_000, 60);
        let (holder, alive) = observe(&lease, at(1_059)).unwrap();
        assert!(alive);
        assert_eq!(holder.identity, "ci@runner pid 7");
        assert_eq!((holder.since, holder.expires), (at(900), at(1_060)));
        assert!(
            !observe(&lease, at(1_060)).unwrap().1,
            "expired at the boundary"
        );
        assert!(
            observe(&held(None, 1_000, 60), at(0)).is_none(),
            "nobody holds it"
        );
        assert!(observe(&held(Some(""), 1_000, 60), at(0)).is_none());
    }

    #[test]
    fn locked_message_names_the_holder_and_times() {
        let error = Error::Locked {
            release: "web".into(),
            namespace: "prod".into(),
            holder: Holder {
                identity: "ci@runner pid 7".into(),
                since: Timestamp::from_microsecond(1_767_261_600_123_456).unwrap(),
                expires: at(1_767_261_660),
            },
        };
        assert_eq!(
            error.to_string(),
            "release `web` is locked: an operation by `ci@runner pid 7` has been in progress since 2026-01-01T10:00:00Z"
        );
        let hint = error.hint().unwrap();
        assert!(hint.contains("expires at 2026-01-01T10:01:00Z"), "{hint}");
        assert!(
            hint.contains("kubectl delete lease charts.lock.web -n prod"),
            "{hint}"
        );
    }

    #[test]
    fn lease_durations_round_up_to_whole_seconds() {
        assert_eq!(ttl_seconds(Duration::from_millis(10)), 1);
        assert_eq!(ttl_seconds(Duration::from_millis(1_500)), 2);
        assert_eq!(ttl_seconds(DEFAULT_TTL), 60);
        assert!(crate::names::is_subdomain_shaped(&lease_name("web.v2-a")));
    }
}
