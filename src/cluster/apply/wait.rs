//! Readiness: waiting until applied objects are ready, and what `status` shows of each.

use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use serde_json::Value;

use super::{Applier, Error, ObjectKey, ObjectStatus, Reason};
use crate::cluster::ready::{Readiness, readiness};
use crate::cluster::retry::retry;
use crate::render::Object;

impl Applier {
    /// Reads each object back; waits until every one is ready (or one fails, or time runs out).
    pub async fn wait_ready(&self, objects: &[&Object], timeout: Duration) -> Result<(), Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut pending: Vec<&Object> = objects.to_vec();
        let mut delay = Duration::from_millis(50);
        loop {
            let statuses = self.statuses(&pending).await;
            let mut still = Vec::new();
            let mut first_pending = None;
            for (object, status) in pending.iter().zip(statuses) {
                let status = status?;
                match status.1 {
                    Readiness::Ready => {}
                    Readiness::Failed(reason) => {
                        return Err(Error::new("wait for", status.0, Reason::Failed(reason)));
                    }
                    Readiness::Pending(reason) => {
                        first_pending.get_or_insert((status.0, reason));
                        still.push(*object);
                    }
                }
            }
            let Some((key, reason)) = first_pending else {
                return Ok(());
            };
            let others = match still.len() - 1 {
                0 => String::new(),
                1 => " and 1 more object".to_string(),
                more => format!(" and {more} more objects"),
            };
            self.report(&format!("waiting for {key}: {reason}{others}"));
            if tokio::time::Instant::now() >= deadline {
                let statuses = self.statuses(&still[..1]).await;
                let (key, readiness) = statuses.into_iter().next().expect("one")?;
                return Err(Error {
                    verb: "wait for",
                    object: Box::new(key),
                    reason: Box::new(Reason::NotReady {
                        after: timeout,
                        reason: readiness.reason().to_string(),
                    }),
                    others: still.len() - 1,
                });
            }
            pending = still;
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(1));
        }
    }

    /// Readiness of each object (missing objects are pending).
    async fn statuses(&self, objects: &[&Object]) -> Vec<Result<(ObjectKey, Readiness), Error>> {
        stream::iter(objects.iter())
            .map(|object| async move {
                let (resource, namespaced) = self
                    .resolve_any_version(object.api_version(), object.kind())
                    .ok_or_else(|| {
                        Error::new(
                            "read",
                            ObjectKey::of(object),
                            Reason::UnknownKind {
                                api_version: object.api_version().to_string(),
                                kind: object.kind().to_string(),
                            },
                        )
                    })?;
                let key = self.scoped_key(object, namespaced);
                let api = self.api(&resource, key.namespace.as_deref());
                let live = retry(|| api.get_opt(&key.name)).await.map_err(|e| {
                    let reason = self.cluster_error(e, "get", &resource, key.namespace.as_deref());
                    Error::new("read", key.clone(), reason)
                })?;
                let readiness = match live {
                    None => Readiness::Pending("does not exist yet".into()),
                    Some(live) => readiness(&serde_json::to_value(&live).unwrap_or(Value::Null)),
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
                Ok((key, Readiness::Pending(reason))) if reason == "does not exist yet" => result
                    .push(ObjectStatus {
                        key,
                        exists: false,
                        state: "missing".into(),
                        reason: String::new(),
                    }),
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
