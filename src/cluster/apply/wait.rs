//! Readiness: waiting until applied objects are ready, and what `status` shows of each.

use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::watch::{Group, Update};
use super::{Applier, Error, ObjectKey, ObjectStatus, Progress, Reason};
use crate::cluster::explain;
use crate::cluster::ready::{Readiness, readiness};
use crate::render::Object;

/// How a wait ended.
enum Outcome {
    Ready,
    /// The object at this index failed for certain.
    Failed(usize),
    TimedOut,
    Error(Error),
}

/// `1 object`, `2 objects`.
fn count(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The readiness reason followed by the parts of the explanation it does not already say.
fn merge(reason: &str, explanation: &str) -> String {
    let mut merged = reason.to_string();
    for part in explanation.split("; ") {
        let core = ["Progressing: ", "ReplicaFailure: "]
            .iter()
            .find_map(|prefix| part.strip_prefix(prefix))
            .unwrap_or(part);
        if merged.contains(core) {
            continue;
        }
        if !merged.is_empty() {
            merged.push_str("; ");
        }
        merged.push_str(part);
    }
    merged
}

/// A waited object: where its updates come from and what it was last seen as.
struct Waited {
    group: usize,
    name: String,
    key: ObjectKey,
    live: Option<Value>,
    readiness: Readiness,
    /// What the progress display was last told (nothing until its group was first listed).
    reported: Option<Readiness>,
    /// Since when it has been pending without a break.
    pending_since: Option<Instant>,
    /// What its Pods say is wrong, shown after its readiness while it is pending.
    hint: Option<String>,
    hinted_at: Option<Instant>,
}

/// Workloads pending longer than this get their Pods looked at, for the progress display.
const HINT_AFTER: Duration = Duration::from_secs(2);
/// How often the Pods of a namespace with pending workloads are listed again.
const HINT_EVERY: Duration = Duration::from_secs(3);

impl Waited {
    fn wants_hint(&self, now: Instant) -> bool {
        matches!(
            self.key.kind.as_str(),
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job"
        ) && self.live.is_some()
            && self
                .pending_since
                .is_some_and(|since| now - since >= HINT_AFTER)
            && self.hinted_at.is_none_or(|at| now - at >= HINT_EVERY)
    }

    /// Its readiness as shown: with the hint while it is pending.
    fn shown(&self) -> Readiness {
        match (&self.readiness, &self.hint) {
            (Readiness::Pending(reason), Some(hint)) => {
                Readiness::Pending(format!("{reason}; {hint}"))
            }
            (readiness, _) => readiness.clone(),
        }
    }
}

/// How long explaining a failure may take (a few reads), after the wait itself has ended.
const EXPLAIN_TIMEOUT: Duration = Duration::from_secs(5);

const MISSING: &str = "does not exist yet";

impl Applier {
    /// Waits until every object is ready, one fails for certain (a Deployment that stopped
    /// progressing, a failed Job or Pod), or `timeout` passes; a failure or a timeout says why,
    /// from the object's status, its Pods and their Events. The objects are followed with one
    /// list and watch per kind and namespace (they must carry the labels `apply` gives them),
    /// and the wait ends by its deadline whatever the API server does.
    pub async fn wait_ready(&self, objects: &[&Object], timeout: Duration) -> Result<(), Error> {
        let deadline = Instant::now() + timeout;
        let (groups, mut waited) = self.groups(objects)?;
        if waited.is_empty() {
            return Ok(());
        }
        self.report(&format!(
            "waiting for {} to be ready",
            count(waited.len(), "object")
        ));
        let (sender, mut updates) = mpsc::unbounded_channel();
        let feeders = futures_util::future::join_all(
            groups
                .iter()
                .enumerate()
                .map(|(index, group)| self.feed(index, group, sender.clone(), deadline)),
        );
        drop(sender);
        let follow = async {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tokio::select! {
                    update = updates.recv() => {
                        // Every feeder stopped without a verdict (not while the wait runs).
                        let Some(update) = update else { return Outcome::TimedOut };
                        if let Some(end) = self.apply_update(&mut waited, update) {
                            return end;
                        }
                    }
                    _ = tick.tick() => self.hint(&mut waited).await,
                }
            }
        };
        let outcome = tokio::time::timeout_at(deadline, async {
            // `follow` first: a feeder that stopped on an error sent it before it stopped.
            tokio::select! {
                biased;
                outcome = follow => outcome,
                _ = feeders => Outcome::TimedOut,
            }
        })
        .await
        .unwrap_or(Outcome::TimedOut);
        match outcome {
            Outcome::Ready => {
                self.report(&format!("{} ready", count(waited.len(), "object")));
                Ok(())
            }
            Outcome::Error(error) => Err(error),
            Outcome::Failed(index) => {
                let object = &waited[index];
                let reason = self.explained(object).await;
                Err(Error::new(
                    "wait for",
                    object.key.clone(),
                    Reason::Failed(reason),
                ))
            }
            Outcome::TimedOut => {
                let still: Vec<&Waited> =
                    waited.iter().filter(|w| !w.readiness.is_ready()).collect();
                let first = still.first().copied().unwrap_or(&waited[0]);
                let reason = self.explained(first).await;
                Err(Error {
                    verb: "wait for",
                    object: Box::new(first.key.clone()),
                    reason: Box::new(Reason::NotReady {
                        after: timeout,
                        reason,
                    }),
                    others: still.len().saturating_sub(1),
                })
            }
        }
    }

    /// The objects grouped by kind and namespace, one group per watch.
    fn groups(&self, objects: &[&Object]) -> Result<(Vec<Group>, Vec<Waited>), Error> {
        let mut groups: Vec<Group> = Vec::new();
        let mut waited: Vec<Waited> = Vec::new();
        for object in objects {
            let (resource, namespaced) = self.resolve_any_or_error("wait for", object)?;
            let key = self.scoped_key(object, namespaced);
            if waited.iter().any(|w| w.key == key) {
                continue;
            }
            let index = match groups
                .iter()
                .position(|g| g.resource == resource && g.namespace == key.namespace)
            {
                Some(index) => index,
                None => {
                    groups.push(Group {
                        resource: resource.clone(),
                        namespace: key.namespace.clone(),
                        kind: object.kind().to_string(),
                        names: Vec::new(),
                        key: key.clone(),
                    });
                    groups.len() - 1
                }
            };
            groups[index].names.push(key.name.clone());
            waited.push(Waited {
                group: index,
                name: key.name.clone(),
                key,
                live: None,
                readiness: Readiness::Pending(MISSING.into()),
                reported: None,
                pending_since: None,
                hint: None,
                hinted_at: None,
            });
        }
        Ok((groups, waited))
    }

    /// Takes in one update; the wait's outcome once it is known.
    fn apply_update(&self, waited: &mut [Waited], update: Update) -> Option<Outcome> {
        let group = match &update {
            Update::Listed { group, .. }
            | Update::Changed { group, .. }
            | Update::Deleted { group, .. } => *group,
            Update::Failed { .. } => {
                let Update::Failed { error, .. } = update else {
                    return None;
                };
                return Some(Outcome::Error(error));
            }
        };
        for entry in waited.iter_mut().filter(|w| w.group == group) {
            let seen = match &update {
                Update::Listed { objects, .. } => Some(
                    objects
                        .iter()
                        .find(|o| {
                            o.pointer("/metadata/name") == Some(&Value::from(entry.name.as_str()))
                        })
                        .cloned(),
                ),
                Update::Changed { object, .. }
                    if object.pointer("/metadata/name")
                        == Some(&Value::from(entry.name.as_str())) =>
                {
                    Some(Some(object.clone()))
                }
                Update::Deleted { name, .. } if *name == entry.name => Some(None),
                _ => None,
            };
            let Some(live) = seen else { continue };
            entry.readiness = match &live {
                Some(live) => readiness(live),
                None => Readiness::Pending(MISSING.into()),
            };
            entry.live = live;
            if matches!(entry.readiness, Readiness::Pending(_)) {
                entry.pending_since.get_or_insert_with(Instant::now);
            } else {
                entry.pending_since = None;
                entry.hint = None;
            }
            // Objects ready when first seen (ConfigMaps, Services...) changed nothing to show.
            if entry.reported.is_none() && entry.readiness.is_ready() {
                entry.reported = Some(Readiness::Ready);
            } else {
                self.show(entry);
            }
        }
        if let Some(index) = waited
            .iter()
            .position(|w| matches!(w.readiness, Readiness::Failed(_)))
        {
            return Some(Outcome::Failed(index));
        }
        waited
            .iter()
            .all(|w| w.readiness.is_ready())
            .then_some(Outcome::Ready)
    }

    /// Tells the progress display the object's state, if it changed.
    fn show(&self, entry: &mut Waited) {
        let shown = entry.shown();
        if entry.reported.as_ref() != Some(&shown) {
            Progress::object(self.options.progress.as_ref(), &entry.key, &shown);
            entry.reported = Some(shown);
        }
    }

    /// For workloads pending a while, what their Pods say is wrong: one list of Pods per
    /// namespace every `HINT_EVERY`, whatever the number of workloads. Only when progress is
    /// shown.
    async fn hint(&self, waited: &mut [Waited]) {
        if self.options.progress.is_none() {
            return;
        }
        let now = Instant::now();
        let namespaces: std::collections::BTreeSet<String> = waited
            .iter()
            .filter(|w| w.wants_hint(now))
            .filter_map(|w| w.key.namespace.clone())
            .collect();
        for namespace in namespaces {
            let pods = tokio::time::timeout(
                HINT_EVERY,
                explain::pods_in(&self.cluster.client, &namespace),
            )
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
            for entry in waited.iter_mut().filter(|w| {
                w.wants_hint(now) && w.key.namespace.as_deref() == Some(namespace.as_str())
            }) {
                entry.hinted_at = Some(now);
                let Some(live) = &entry.live else { continue };
                entry.hint =
                    explain::pods_problem(pods.iter().filter(|pod| explain::selects(live, pod)));
                self.show(entry);
            }
        }
    }

    /// The object's readiness with what its Pods and Events add, within `EXPLAIN_TIMEOUT`.
    async fn explained(&self, object: &Waited) -> String {
        let reason = object.readiness.reason().to_string();
        let Some(live) = &object.live else {
            return reason;
        };
        let explanation =
            tokio::time::timeout(EXPLAIN_TIMEOUT, explain::object(&self.cluster.client, live))
                .await
                .ok()
                .flatten();
        match explanation {
            Some(explanation) => merge(&reason, &explanation),
            None => reason,
        }
    }

    /// Readiness of each object (missing objects are pending).
    async fn statuses(&self, objects: &[&Object]) -> Vec<Result<(ObjectKey, Readiness), Error>> {
        stream::iter(objects.iter())
            .map(|object| async move {
                let (key, live) = self.live(object).await?;
                let readiness = match live {
                    None => Readiness::Pending(MISSING.into()),
                    Some(live) => readiness(&live),
                };
                Ok((key, readiness))
            })
            .buffered(self.options.concurrency.max(1))
            .collect()
            .await
    }

    /// Each object as it is in the cluster: exists, and ready or why not.
    pub async fn status(&self, objects: &[Object]) -> Result<Vec<ObjectStatus>, Error> {
        let refs: Vec<&Object> = objects.iter().collect();
        let mut result = Vec::new();
        for (object, status) in refs.iter().zip(self.statuses(&refs).await) {
            match status {
                Ok((key, Readiness::Pending(reason))) if reason == MISSING => {
                    result.push(ObjectStatus {
                        key,
                        exists: false,
                        state: "missing".into(),
                        reason: String::new(),
                    })
                }
                Ok((key, readiness)) => result.push(ObjectStatus {
                    key,
                    exists: true,
                    state: readiness.label().into(),
                    reason: readiness.reason().to_string(),
                }),
                Err(error) if matches!(*error.reason, Reason::UnknownKind { .. }) => {
                    result.push(ObjectStatus {
                        key: ObjectKey::of(object),
                        exists: false,
                        state: "unknown-kind".into(),
                        reason: format!(
                            "the cluster has no kind `{}` in `{}`",
                            object.kind(),
                            object.api_version()
                        ),
                    })
                }
                Err(error) => return Err(error),
            }
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn explanations_add_only_what_the_reason_does_not_say() {
        assert_eq!(
            merge(
                "ProgressDeadlineExceeded: ReplicaSet \"w-1\" has timed out progressing.",
                "Progressing: ProgressDeadlineExceeded: ReplicaSet \"w-1\" has timed out progressing.; Pod `w-1-a`: container `w`: ImagePullBackOff: cannot pull image `w:1`"
            ),
            "ProgressDeadlineExceeded: ReplicaSet \"w-1\" has timed out progressing.; Pod `w-1-a`: container `w`: ImagePullBackOff: cannot pull image `w:1`"
        );
        assert_eq!(
            merge("0 of 1 replicas available", ""),
            "0 of 1 replicas available"
        );
    }
}
