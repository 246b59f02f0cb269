//! Fields an object cannot change once it exists: which API answers mean "this change needs the
//! object deleted and created again", and which changes of a rendered object may hit such a field
//! at all (so that an upgrade only asks the API server about those).

use serde_json::Value;

use crate::render::Object;

/// On an object, `"true"`: replace it (delete, wait, create) when a change hits a field that
/// cannot change, without `--force-replace`.
pub const REPLACE_ON_CHANGE_ANNOTATION: &str = "charts.dev/replace-on-change";

/// One field the API server refused to change, with its message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImmutableField {
    pub field: String,
    pub message: String,
}

/// What the API server says when a change hits a field that cannot change (the messages of
/// Kubernetes' validation, by kind).
const IMMUTABLE_MESSAGES: &[&str] = &[
    "field is immutable",
    "may not change once set",
    "updates to statefulset spec for fields other than",
    "spec is immutable after creation",
    "cannot change roleRef",
    "are forbidden.",
];

fn is_immutability(message: &str) -> bool {
    IMMUTABLE_MESSAGES.iter().any(|m| message.contains(m))
}

/// The fields a 422 `Invalid` answer refuses to change, when every cause it gives is about
/// immutability; `None` for any other answer (that is an error of its own).
pub fn immutable_fields(status: &kube::core::Status) -> Option<Vec<ImmutableField>> {
    if status.code != 422 {
        return None;
    }
    let causes: Vec<_> = status.details.iter().flat_map(|d| &d.causes).collect();
    if causes.is_empty() || !causes.iter().all(|c| is_immutability(&c.message)) {
        return None;
    }
    let mut fields: Vec<ImmutableField> = causes
        .iter()
        .map(|c| ImmutableField {
            field: c.field.clone(),
            message: c.message.clone(),
        })
        .collect();
    fields.dedup();
    Some(fields)
}

/// The object asks to be replaced when a change hits an immutable field.
pub fn replace_on_change(object: &Object) -> bool {
    object.annotation(REPLACE_ON_CHANGE_ANNOTATION) == Some("true")
}

/// Spec fields of a StatefulSet that may change; any other change is refused.
const STATEFULSET_MUTABLE: &[&str] = &[
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
];

fn group_of(object: &Object) -> &str {
    object
        .api_version()
        .split_once('/')
        .map(|(group, _)| group)
        .unwrap_or("")
}

fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(*key))
}

fn differs(new: &Object, old: &Object, path: &[&str]) -> bool {
    at(&new.value, path) != at(&old.value, path)
}

/// `spec` without the named fields (and without `resources.requests` when `requests`).
fn spec_without(object: &Object, mutable: &[&str], requests: bool) -> Value {
    let mut spec = object.value.get("spec").cloned().unwrap_or(Value::Null);
    if let Some(map) = spec.as_object_mut() {
        for field in mutable {
            map.remove(*field);
        }
        if requests && let Some(resources) = map.get_mut("resources").and_then(Value::as_object_mut)
        {
            resources.remove("requests");
        }
    }
    spec
}

/// Whether the change from `old` (the object as the deployed revision rendered it) to `new` may
/// hit a field the API server will not change: only such objects need a dry run before an
/// upgrade. Pure; an object the deployed revision did not have is never a candidate (it is
/// created, or refused as someone else's).
pub fn may_hit_immutable_field(new: &Object, old: &Object) -> bool {
    match (group_of(new), new.kind()) {
        ("apps", "Deployment" | "ReplicaSet" | "DaemonSet") => {
            differs(new, old, &["spec", "selector"])
        }
        ("apps", "StatefulSet") => {
            spec_without(new, STATEFULSET_MUTABLE, false)
                != spec_without(old, STATEFULSET_MUTABLE, false)
        }
        ("batch", "Job") => ["selector", "template", "completionMode"]
            .iter()
            .any(|field| differs(new, old, &["spec", field])),
        ("", "Service") => {
            at(&new.value, &["spec", "clusterIP"]).is_some_and(|ip| ip != "")
                && differs(new, old, &["spec", "clusterIP"])
        }
        ("", "PersistentVolumeClaim") => {
            spec_without(new, &["volumeAttributesClassName"], true)
                != spec_without(old, &["volumeAttributesClassName"], true)
        }
        ("", "ConfigMap" | "Secret") => {
            old.value.get("immutable") == Some(&Value::Bool(true))
                && ["data", "binaryData", "stringData", "immutable"]
                    .iter()
                    .any(|field| differs(new, old, &[field]))
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            differs(new, old, &["roleRef"])
        }
        ("storage.k8s.io", "StorageClass") => [
            "provisioner",
            "parameters",
            "reclaimPolicy",
            "volumeBindingMode",
        ]
        .iter()
        .any(|field| differs(new, old, &[field])),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::apply::tests::object;

    fn deployment(selector: &str, image: &str) -> Object {
        object(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  selector: {{matchLabels: {{app: {selector}}}}}\n  template: {{spec: {{containers: [{{name: web, image: {image}}}]}}}}\n"
        ))
    }

    #[test]
    fn only_changes_of_fields_that_cannot_change_are_candidates() {
        let old = deployment("web", "nginx:1");
        assert!(!may_hit_immutable_field(
            &deployment("web", "nginx:2"),
            &old
        ));
        assert!(may_hit_immutable_field(
            &deployment("web2", "nginx:1"),
            &old
        ));
        let set = |replicas: u32, service: &str| {
            object(&format!(
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db}}\nspec: {{replicas: {replicas}, serviceName: {service}}}\n"
            ))
        };
        assert!(!may_hit_immutable_field(&set(3, "db"), &set(1, "db")));
        assert!(may_hit_immutable_field(&set(1, "db2"), &set(1, "db")));
        let claim = |size: &str, class: &str| {
            object(&format!(
                "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: data}}\nspec: {{storageClassName: {class}, resources: {{requests: {{storage: {size}}}}}}}\n"
            ))
        };
        assert!(!may_hit_immutable_field(
            &claim("2Gi", "fast"),
            &claim("1Gi", "fast")
        ));
        assert!(may_hit_immutable_field(
            &claim("1Gi", "slow"),
            &claim("1Gi", "fast")
        ));
        let config = |immutable: bool, value: &str| {
            object(&format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\nimmutable: {immutable}\ndata: {{a: {value}}}\n"
            ))
        };
        assert!(may_hit_immutable_field(
            &config(true, "2"),
            &config(true, "1")
        ));
        assert!(!may_hit_immutable_field(
            &config(false, "2"),
            &config(false, "1")
        ));
    }

    #[test]
    fn an_invalid_answer_is_about_immutability_only_when_every_cause_is() {
        let status = |messages: &[(&str, &str)]| {
            kube::core::Status::failure("invalid", "Invalid")
                .with_code(422)
                .with_details(kube::core::response::StatusDetails {
                    causes: messages
                        .iter()
                        .map(|(field, message)| kube::core::response::StatusCause {
                            reason: "FieldValueInvalid".into(),
                            message: message.to_string(),
                            field: field.to_string(),
                        })
                        .collect(),
                    name: String::new(),
                    group: String::new(),
                    kind: String::new(),
                    uid: String::new(),
                    retry_after_seconds: 0,
                })
        };
        let fields = immutable_fields(&status(&[(
            "spec.selector",
            "Invalid value: {\"matchLabels\":{\"app\":\"x\"}}: field is immutable",
        )]))
        .unwrap();
        assert_eq!(fields[0].field, "spec.selector");
        assert!(
            immutable_fields(&status(&[
                ("spec.selector", "Invalid value: x: field is immutable"),
                (
                    "metadata.name",
                    "Invalid value: \"A\": a lowercase RFC 1123 subdomain"
                ),
            ]))
            .is_none()
        );
        assert!(immutable_fields(&status(&[])).is_none());
    }
}
