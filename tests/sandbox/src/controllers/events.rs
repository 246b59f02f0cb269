//! Events as the kubelet, the scheduler and the controllers write them.

use serde_json::{Value, json};

use super::controller_options;
use crate::store::{NODE_NAME, Store};
use crate::util::{name_of, now_rfc3339, random_u64, uid_of};

/// Writes a core/v1 Event about `object`, as the component that noticed it would.
pub(super) fn record_event(
    store: &mut Store,
    object: &Value,
    component: &str,
    kind: &str,
    reason: &str,
    message: &str,
) {
    let now = now_rfc3339();
    let namespace = crate::util::namespace_of(object);
    let event = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": format!("{}.{:016x}", name_of(object), random_u64()), "namespace": namespace},
        "involvedObject": {
            "apiVersion": object.get("apiVersion"), "kind": object.get("kind"),
            "name": name_of(object), "namespace": namespace, "uid": uid_of(object),
        },
        "reason": reason,
        "message": message,
        "type": kind,
        "source": {"component": component, "host": NODE_NAME},
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "reportingComponent": component,
        "reportingInstance": NODE_NAME,
    });
    let _ = store.create_internal("", "events", event, &controller_options());
}
