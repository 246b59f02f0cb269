//! What changes in one object, for people: the live object and the one a dry-run apply returned,
//! both without what the server sets on its own (`managedFields`, `resourceVersion`, `status`,
//! controllers' annotations...), as YAML, in a unified diff. Secret values never appear: the keys
//! that change are named, their values masked. Pure.

use serde_json::{Map, Value};

/// Metadata fields the API server sets itself.
const SERVER_METADATA: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "uid",
    "generation",
    "creationTimestamp",
    "selfLink",
];

/// Annotations controllers and clients write on objects we apply.
const SERVER_ANNOTATIONS: &[&str] = &[
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "kubectl.kubernetes.io/last-applied-configuration",
    "pv.kubernetes.io/bind-completed",
    "pv.kubernetes.io/bound-by-controller",
    "volume.kubernetes.io/storage-provisioner",
    "volume.beta.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/selected-node",
];

/// What a Secret's values are shown as.
pub const MASKED: &str = "(masked)";
/// What a changed Secret value is shown as on the new side.
pub const MASKED_CHANGED: &str = "(masked, changed)";

/// The object without what the server sets on its own.
pub fn without_noise(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(map) = object.as_object_mut() {
        map.remove("status");
        if let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            for field in SERVER_METADATA {
                metadata.remove(*field);
            }
            let empty = match metadata
                .get_mut("annotations")
                .and_then(Value::as_object_mut)
            {
                Some(annotations) => {
                    for annotation in SERVER_ANNOTATIONS {
                        annotations.remove(*annotation);
                    }
                    annotations.is_empty()
                }
                None => false,
            };
            if empty {
                metadata.remove("annotations");
            }
        }
    }
    object
}

/// `live` with the `apiVersion` and `kind` of `planned`, first as in any object: the items of a
/// LIST may leave them out.
pub fn typed_as(live: &Value, planned: &Value) -> Value {
    let mut typed = Map::new();
    for field in ["apiVersion", "kind"] {
        if let Some(value) = planned.get(field) {
            typed.insert(field.to_string(), value.clone());
        }
    }
    if let Some(map) = live.as_object() {
        for (key, value) in map {
            if key != "apiVersion" && key != "kind" {
                typed.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(typed)
}

fn is_secret(object: &Value) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("Secret")
        && object.get("apiVersion").and_then(Value::as_str) == Some("v1")
}

/// A Secret's values, `data` and `stringData` (the latter as `data` would hold it).
fn secret_values(object: &Value) -> Map<String, Value> {
    let mut values = Map::new();
    for field in ["data", "stringData"] {
        if let Some(map) = object.get(field).and_then(Value::as_object) {
            for (key, value) in map {
                values.insert(key.clone(), value.clone());
            }
        }
    }
    values
}

/// Both sides of a Secret with every value masked, and the keys whose value is added, removed or
/// changed (sorted). Other objects are returned as they are, with no keys.
pub fn masked(old: &Value, new: &Value) -> (Value, Value, Vec<String>) {
    if !is_secret(new) && !is_secret(old) {
        return (old.clone(), new.clone(), Vec::new());
    }
    let (before, after) = (secret_values(old), secret_values(new));
    let mut changed: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|key| before.get(*key) != after.get(*key))
        .cloned()
        .collect();
    changed.sort();
    changed.dedup();
    let mask = |object: &Value, new_side: bool| {
        let mut object = object.clone();
        if let Some(map) = object.as_object_mut() {
            map.remove("stringData");
            let values = if new_side { &after } else { &before };
            if values.is_empty() {
                map.remove("data");
            } else {
                let data: Map<String, Value> = values
                    .keys()
                    .map(|key| {
                        let shown = if new_side && changed.contains(key) {
                            MASKED_CHANGED
                        } else {
                            MASKED
                        };
                        (key.clone(), Value::from(shown))
                    })
                    .collect();
                map.insert("data".into(), Value::Object(data));
            }
        }
        object
    };
    (mask(old, false), mask(new, true), changed)
}

/// A unified diff of two objects as YAML; `None` when they are the same.
pub fn unified(label: &str, old: &Value, new: &Value) -> Option<String> {
    let (old, new) = (to_yaml(old), to_yaml(new));
    if old == new {
        return None;
    }
    let diff = similar::TextDiff::from_lines(&old, &new);
    Some(
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("{label} (live)"), &format!("{label} (planned)"))
            .to_string(),
    )
}

fn to_yaml(value: &Value) -> String {
    crate::yaml::to_document(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn server_noise_is_left_out_of_the_comparison() {
        let live = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "uid": "1", "resourceVersion": "7", "generation": 3,
                "managedFields": [{}], "annotations": {"deployment.kubernetes.io/revision": "2"}},
            "spec": {"replicas": 1}, "status": {"readyReplicas": 1}});
        let planned = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "uid": "1", "resourceVersion": "8", "generation": 4},
            "spec": {"replicas": 1}});
        assert_eq!(without_noise(&live), without_noise(&planned));
        let changed = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web"}, "spec": {"replicas": 2}});
        let diff = unified("Deployment dev/web", &without_noise(&live), &changed).unwrap();
        assert!(diff.contains("-  replicas: 1\n+  replicas: 2\n"), "{diff}");
        assert!(
            diff.starts_with("--- Deployment dev/web (live)\n+++ Deployment dev/web (planned)\n")
        );
        assert!(unified("x", &changed, &changed).is_none());
    }

    #[test]
    fn secret_values_are_masked_and_changed_keys_named() {
        let live = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "data": {"password": "b2xk", "user": "YWRtaW4=", "gone": "eA=="}});
        let planned = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "data": {"password": "bmV3", "user": "YWRtaW4=", "token": "dA=="}});
        let (old, new, keys) = masked(&live, &planned);
        assert_eq!(keys, ["gone", "password", "token"]);
        let diff = unified("Secret dev/s", &old, &new).unwrap();
        for secret in ["b2xk", "bmV3", "YWRtaW4=", "eA==", "dA=="] {
            assert!(!diff.contains(secret), "{diff}");
        }
        assert!(diff.contains("+  password: (masked, changed)"), "{diff}");
        assert!(diff.contains("   user: (masked)"), "{diff}");
    }
}
