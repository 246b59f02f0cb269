//! Events as the kubelet, the scheduler and the controllers write them: core/v1 Events in the
//! object's namespace. A repeat (same object, reason, type and message) bumps `count` and
//! `lastTimestamp` of the earlier Event, as the event recorder's aggregation does.

use serde_json::{Value, json};

use crate::store::{NODE_NAME, Store};
use crate::util::{name_of, now_rfc3339, random_u64, uid_of};

/// Who writes an event: the component name (`kubelet`, `default-scheduler`, `job-controller`...).
pub(super) const KUBELET: &str = "kubelet";
pub(super) const SCHEDULER: &str = "default-scheduler";

/// Writes a core/v1 Event about `object`, as the component that noticed it would.
pub(super) fn record_event(
    store: &mut Store,
    object: &Value,
    component: &str,
    kind: &str,
    reason: &str,
    message: &str,
) {
    write_event(store, object, None, component, kind, reason, message, false);
}

/// Like [`record_event`], but a repeat of an earlier event bumps its count instead of adding one.
pub(super) fn record_repeated(
    store: &mut Store,
    object: &Value,
    component: &str,
    kind: &str,
    reason: &str,
    message: &str,
) {
    write_event(store, object, None, component, kind, reason, message, true);
}

/// An event of the kubelet about one container of a Pod (`fieldPath: spec.containers{c}`).
pub(super) fn container_event(
    store: &mut Store,
    pod: &Value,
    container: &str,
    kind: &str,
    reason: &str,
    message: &str,
) {
    let field_path = format!("spec.containers{{{container}}}");
    write_event(
        store,
        pod,
        Some(&field_path),
        KUBELET,
        kind,
        reason,
        message,
        kind == "Warning" || reason == "BackOff",
    );
}

#[allow(clippy::too_many_arguments)]
fn write_event(
    store: &mut Store,
    object: &Value,
    field_path: Option<&str>,
    component: &str,
    kind: &str,
    reason: &str,
    message: &str,
    fold: bool,
) {
    let now = now_rfc3339();
    let namespace = crate::util::namespace_of(object);
    let namespace = if namespace.is_empty() {
        "default"
    } else {
        namespace
    };
    if fold {
        let earlier = store
            .namespaced("", "events", namespace)
            .find(|e| {
                e["involvedObject"]["uid"] == uid_of(object)
                    && e["reason"] == reason
                    && e["type"] == kind
                    && e["message"] == message
                    && e["source"]["component"] == component
            })
            .cloned();
        if let Some(earlier) = earlier {
            let mut event = (*earlier).clone();
            event["count"] = json!(event["count"].as_i64().unwrap_or(1) + 1);
            event["lastTimestamp"] = json!(now);
            store.replace_internal("", "events", event);
            return;
        }
    }
    let mut involved = json!({
        "apiVersion": object.get("apiVersion"), "kind": object.get("kind"),
        "name": name_of(object), "namespace": crate::util::namespace_of(object), "uid": uid_of(object),
        "resourceVersion": object.pointer("/metadata/resourceVersion"),
    });
    if let Some(path) = field_path {
        involved["fieldPath"] = json!(path);
    }
    let mut source = json!({"component": component});
    if component == KUBELET {
        source["host"] = json!(NODE_NAME);
    }
    let instance = match component {
        KUBELET => NODE_NAME.to_string(),
        SCHEDULER => format!("{SCHEDULER}-sandbox"),
        _ => "kube-controller-manager".to_string(),
    };
    let event = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": format!("{}.{:016x}", name_of(object), random_u64()), "namespace": namespace},
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "type": kind,
        "source": source,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "eventTime": null,
        "reportingComponent": component,
        "reportingInstance": instance,
    });
    let _ = store.create_unmanaged("", "events", event);
}
