//! Following the waited objects of one kind in one namespace: a LIST, then a WATCH from its
//! resourceVersion, again and again until the wait ends, so a wait costs a few requests per
//! (kind, namespace) whatever the number of objects. One object is selected by name, several by
//! the label every object we apply carries. Where list or watch is not allowed (RBAC), the
//! objects are read one by one every second instead.

use std::time::Duration;

use futures_util::StreamExt;
use kube::api::{ApiResource, DynamicObject, ListParams, WatchEvent, WatchParams};
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use super::{Applier, Error, MANAGED_BY, MANAGED_BY_LABEL, ObjectKey};
use crate::cluster::retry::{is_transient, retry};

/// The waited objects of one kind in one namespace.
pub(super) struct Group {
    pub resource: ApiResource,
    pub namespace: Option<String>,
    pub kind: String,
    pub names: Vec<String>,
    /// A key of one of them, to name the group in errors.
    pub key: ObjectKey,
}

/// What a group's feeder saw.
pub(super) enum Update {
    /// Every object the group's selector matches now (a fresh listing).
    Listed {
        group: usize,
        objects: Vec<Value>,
    },
    Changed {
        group: usize,
        object: Value,
    },
    Deleted {
        group: usize,
        name: String,
    },
    /// Reading failed for a lasting reason: the wait cannot go on.
    Failed {
        error: Error,
    },
}

/// How long a watch request may stay open (the API server's limit is higher; kube asks < 295 s).
const MAX_WATCH: Duration = Duration::from_secs(290);
/// Pause before asking again after a watch broke off.
const REWATCH_PAUSE: Duration = Duration::from_millis(500);
/// How often objects are read one by one where list or watch is not allowed.
const POLL: Duration = Duration::from_secs(1);

impl Group {
    fn selectors(&self) -> (Option<String>, Option<String>) {
        match self.names.as_slice() {
            [one] => (None, Some(format!("metadata.name={one}"))),
            _ => (Some(format!("{MANAGED_BY_LABEL}={MANAGED_BY}")), None),
        }
    }

    /// `object` as JSON with its kind (list items and watch events may leave it out).
    fn value(&self, object: DynamicObject) -> Value {
        let mut value = serde_json::to_value(&object).unwrap_or(Value::Null);
        if value.is_object() {
            value["kind"] = Value::String(self.kind.clone());
        }
        value
    }
}

fn forbidden(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 403 || status.code == 405)
}

impl Applier {
    /// Sends the group's objects to `updates` until the receiver is gone or `deadline` passes.
    pub(super) async fn feed(
        &self,
        index: usize,
        group: &Group,
        updates: UnboundedSender<Update>,
        deadline: Instant,
    ) {
        let api = self.api(&group.resource, group.namespace.as_deref());
        let (labels, fields) = group.selectors();
        let failed = |error: kube::Error, verb: &str| Update::Failed {
            error: Error::new(
                "wait for",
                group.key.clone(),
                self.cluster_error(error, verb, &group.resource, group.namespace.as_deref()),
            ),
        };
        'list: loop {
            let params = ListParams {
                label_selector: labels.clone(),
                field_selector: fields.clone(),
                ..ListParams::default()
            };
            let list = match retry(|| api.list(&params)).await {
                Ok(list) => list,
                Err(error) if forbidden(&error) => return self.poll(index, group, updates).await,
                Err(error) => {
                    let _ = updates.send(failed(error, "list"));
                    return;
                }
            };
            let mut version = list.metadata.resource_version.clone().unwrap_or_default();
            let objects = list.items.into_iter().map(|o| group.value(o)).collect();
            if updates
                .send(Update::Listed {
                    group: index,
                    objects,
                })
                .is_err()
            {
                return;
            }
            loop {
                let remaining = deadline.saturating_duration_since(Instant::now());
                let seconds = (remaining.min(MAX_WATCH).as_secs() + 1) as u32;
                let params = WatchParams {
                    label_selector: labels.clone(),
                    field_selector: fields.clone(),
                    timeout: Some(seconds),
                    bookmarks: true,
                    ..WatchParams::default()
                };
                let stream = match api.watch(&params, &version).await {
                    Ok(stream) => stream,
                    Err(kube::Error::Api(status)) if status.code == 410 => continue 'list,
                    Err(error) if forbidden(&error) => {
                        return self.poll(index, group, updates).await;
                    }
                    Err(error) if is_transient(&error) => {
                        tokio::time::sleep(REWATCH_PAUSE).await;
                        continue;
                    }
                    Err(error) => {
                        let _ = updates.send(failed(error, "watch"));
                        return;
                    }
                };
                let started = Instant::now();
                let mut stream = std::pin::pin!(stream);
                while let Some(event) = stream.next().await {
                    let update = match event {
                        Ok(WatchEvent::Added(object)) | Ok(WatchEvent::Modified(object)) => {
                            version = object.metadata.resource_version.clone().unwrap_or(version);
                            Update::Changed {
                                group: index,
                                object: group.value(object),
                            }
                        }
                        Ok(WatchEvent::Deleted(object)) => {
                            version = object.metadata.resource_version.clone().unwrap_or(version);
                            Update::Deleted {
                                group: index,
                                name: object.metadata.name.unwrap_or_default(),
                            }
                        }
                        Ok(WatchEvent::Bookmark(bookmark)) => {
                            version = bookmark.metadata.resource_version;
                            continue;
                        }
                        // The history we asked to resume from is gone: list again.
                        Ok(WatchEvent::Error(status)) if status.code == 410 => continue 'list,
                        Ok(WatchEvent::Error(_)) | Err(_) => break,
                    };
                    if updates.send(update).is_err() {
                        return;
                    }
                }
                if started.elapsed() < Duration::from_secs(1) {
                    tokio::time::sleep(REWATCH_PAUSE).await;
                }
            }
        }
    }

    /// Reads each object of the group every second (when list or watch is not allowed).
    async fn poll(&self, index: usize, group: &Group, updates: UnboundedSender<Update>) {
        let api = self.api(&group.resource, group.namespace.as_deref());
        loop {
            let mut objects = Vec::new();
            for name in &group.names {
                match retry(|| api.get_opt(name)).await {
                    Ok(Some(object)) => objects.push(group.value(object)),
                    Ok(None) => {}
                    Err(error) => {
                        let reason = self.cluster_error(
                            error,
                            "get",
                            &group.resource,
                            group.namespace.as_deref(),
                        );
                        let _ = updates.send(Update::Failed {
                            error: Error::new("wait for", group.key.clone(), reason),
                        });
                        return;
                    }
                }
            }
            if updates
                .send(Update::Listed {
                    group: index,
                    objects,
                })
                .is_err()
            {
                return;
            }
            tokio::time::sleep(POLL).await;
        }
    }
}
