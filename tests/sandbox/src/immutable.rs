//! Fields that cannot change once an object exists, refused with the API server's messages
//! (Kubernetes 1.35: values printed as JSON, `Invalid` 422 with `details.causes`):
//!
//! - Deployment, ReplicaSet, DaemonSet `spec.selector`; Job `spec.selector`, `spec.template`,
//!   `spec.completionMode`: `spec.selector: Invalid value: {"matchLabels":{"app":"x"}}: field is
//!   immutable`;
//! - StatefulSet, any spec field but the mutable ones: `spec: Forbidden: updates to statefulset
//!   spec for fields other than 'replicas', 'ordinals', ... are forbidden`;
//! - Service cluster IP, once allocated: `spec.clusterIPs[0]: Invalid value: ["None"]: may not
//!   change once set`;
//! - PersistentVolumeClaim spec but `resources.requests` and `volumeAttributesClassName`: `spec:
//!   Forbidden: spec is immutable after creation except resources.requests and
//!   volumeAttributesClassName for bound claims`, then the changed fields (the server prints a
//!   diff of its internal Go struct; this prints `-`/`+` lines of the changed spec fields as
//!   JSON);
//! - ConfigMap and Secret with `immutable: true`: `data: Forbidden: field is immutable when
//!   `immutable` is set` (also `binaryData` and `immutable` itself); Secret `type`;
//! - RoleBinding and ClusterRoleBinding: `roleRef: Invalid value: {...}: cannot change roleRef`;
//! - StorageClass: `provisioner: Forbidden: updates to provisioner are forbidden.` (also
//!   `parameters`, `reclaimPolicy`, `volumeBindingMode`).
//!
//! Values are printed as Go's `encoding/json` would: object keys sorted.

use serde_json::{Map, Value};

use crate::error::Cause;
use crate::registry::ResourceType;

const STATEFULSET_MUTABLE: &[&str] = &[
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
];
const STATEFULSET_MESSAGE: &str = "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
const CLAIM_MESSAGE: &str = "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

/// `value` as Go's `encoding/json` writes it: no spaces, object keys sorted.
pub fn go_json(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&map[k])))
                        .collect::<Map<_, _>>(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(*key))
}

fn invalid(field: &str, value: Option<&Value>, detail: &str) -> Cause {
    Cause {
        reason: "FieldValueInvalid",
        message: format!(
            "Invalid value: {}: {detail}",
            value.map(go_json).unwrap_or_else(|| "null".into())
        ),
        field: field.into(),
    }
}

fn forbidden(field: &str, message: impl Into<String>) -> Cause {
    Cause {
        reason: "FieldValueForbidden",
        message: message.into(),
        field: field.into(),
    }
}

/// `spec` without the named fields.
fn spec_without(object: &Value, fields: &[&str]) -> Map<String, Value> {
    let mut spec = object
        .get("spec")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for field in fields {
        spec.remove(*field);
    }
    spec
}

/// The causes for every field that `object` changes and may not, given the stored `old`.
pub fn changes(resource: &ResourceType, old: &Value, object: &Value) -> Vec<Cause> {
    if resource.custom {
        return Vec::new();
    }
    let mut causes = Vec::new();
    let mut immutable = |path: &[&str], detail: &str| {
        let (before, after) = (at(old, path), at(object, path));
        if before.is_some() && before != after {
            causes.push(invalid(&path.join("."), after, detail));
        }
    };
    match (resource.group.as_str(), resource.kind.as_str()) {
        ("apps", "Deployment" | "ReplicaSet" | "DaemonSet") => {
            immutable(&["spec", "selector"], "field is immutable")
        }
        ("batch", "Job") => {
            for field in ["selector", "template", "completionMode"] {
                immutable(&["spec", field], "field is immutable");
            }
        }
        ("", "Secret") => immutable(&["type"], "field is immutable"),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            immutable(&["roleRef"], "cannot change roleRef")
        }
        ("apps", "StatefulSet")
            if spec_without(old, STATEFULSET_MUTABLE)
                != spec_without(object, STATEFULSET_MUTABLE) =>
        {
            causes.push(forbidden("spec", STATEFULSET_MESSAGE));
        }
        ("", "Service") => {
            let ip = |o: &Value| {
                at(o, &["spec", "clusterIP"])
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let (before, after) = (ip(old), ip(object));
            let external = |o: &Value| {
                at(o, &["spec", "type"]).and_then(Value::as_str) == Some("ExternalName")
            };
            if !before.is_empty() && before != after && !external(old) && !external(object) {
                let ips = at(object, &["spec", "clusterIPs"])
                    .filter(|ips| ips.get(0).and_then(Value::as_str) == Some(after.as_str()))
                    .cloned()
                    .unwrap_or_else(|| Value::from(vec![after.clone()]));
                causes.push(invalid(
                    "spec.clusterIPs[0]",
                    Some(&ips),
                    "may not change once set",
                ));
            }
        }
        ("", "PersistentVolumeClaim") => {
            let mut before = spec_without(old, &["volumeAttributesClassName"]);
            let mut after = spec_without(object, &["volumeAttributesClassName"]);
            for spec in [&mut before, &mut after] {
                if let Some(resources) = spec.get_mut("resources").and_then(Value::as_object_mut) {
                    resources.remove("requests");
                }
            }
            if before != after {
                let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
                keys.sort();
                keys.dedup();
                let mut message = CLAIM_MESSAGE.to_string();
                for key in keys.into_iter().filter(|k| before.get(*k) != after.get(*k)) {
                    for (sign, side) in [('-', &before), ('+', &after)] {
                        if let Some(value) = side.get(key) {
                            message.push_str(&format!("\n{sign}  {key:?}: {}", go_json(value)));
                        }
                    }
                }
                causes.push(forbidden("spec", message));
            }
        }
        ("storage.k8s.io", "StorageClass") => {
            for field in [
                "provisioner",
                "parameters",
                "reclaimPolicy",
                "volumeBindingMode",
            ] {
                if old.get(field).is_some() && old.get(field) != object.get(field) {
                    causes.push(forbidden(
                        field,
                        format!("Forbidden: updates to {field} are forbidden."),
                    ));
                }
            }
        }
        _ => {}
    }
    if matches!(resource.kind.as_str(), "Secret" | "ConfigMap")
        && resource.group.is_empty()
        && old.get("immutable") == Some(&Value::Bool(true))
    {
        for field in ["data", "binaryData", "immutable"] {
            if old.get(field) != object.get(field) {
                causes.push(forbidden(
                    field,
                    "Forbidden: field is immutable when `immutable` is set",
                ));
            }
        }
    }
    causes
}
