//! The typed decoding a real API server does for built-in kinds: a field the kind does not have
//! is dropped, with a warning or (with `fieldValidation=Strict`) an error, and a value of the
//! wrong type is a 400. The schemas come from `k8s-openapi`: an object is read into its Rust type
//! and written back, and whatever did not survive was unknown.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::registry::ResourceType;

/// The `fieldValidation` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldValidation {
    /// Drop unknown fields silently.
    Ignore,
    /// Drop unknown fields and warn (the API server's default).
    #[default]
    Warn,
    /// Refuse objects with unknown fields.
    Strict,
}

impl FieldValidation {
    pub fn parse(value: Option<&str>) -> ApiResult<FieldValidation> {
        match value {
            None | Some("") | Some("Warn") => Ok(FieldValidation::Warn),
            Some("Ignore") => Ok(FieldValidation::Ignore),
            Some("Strict") => Ok(FieldValidation::Strict),
            Some(other) => Err(ApiError::bad_request(format!(
                "fieldValidation: Unsupported value: {other:?}: supported values: \"Ignore\", \"Strict\", \"Warn\""
            ))),
        }
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(object: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(object.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// The object as its Rust type sees it, or `None` for kinds without one (custom resources).
fn typed_copy(resource: &ResourceType, object: &Value) -> Option<Result<Value, String>> {
    use k8s_openapi::api::{
        apps, autoscaling, batch, coordination, core, networking, policy, rbac, storage,
    };
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions;
    if resource.custom {
        return None;
    }
    Some(match (resource.group.as_str(), resource.kind.as_str()) {
        ("", "Namespace") => round_trip::<core::v1::Namespace>(object),
        ("", "Node") => round_trip::<core::v1::Node>(object),
        ("", "Secret") => round_trip::<core::v1::Secret>(object),
        ("", "ConfigMap") => round_trip::<core::v1::ConfigMap>(object),
        ("", "Service") => round_trip::<core::v1::Service>(object),
        ("", "ServiceAccount") => round_trip::<core::v1::ServiceAccount>(object),
        ("", "Pod") => round_trip::<core::v1::Pod>(object),
        ("", "PersistentVolumeClaim") => round_trip::<core::v1::PersistentVolumeClaim>(object),
        ("", "PersistentVolume") => round_trip::<core::v1::PersistentVolume>(object),
        ("", "ResourceQuota") => round_trip::<core::v1::ResourceQuota>(object),
        ("", "LimitRange") => round_trip::<core::v1::LimitRange>(object),
        ("", "Event") => round_trip::<core::v1::Event>(object),
        ("apps", "Deployment") => round_trip::<apps::v1::Deployment>(object),
        ("apps", "StatefulSet") => round_trip::<apps::v1::StatefulSet>(object),
        ("apps", "DaemonSet") => round_trip::<apps::v1::DaemonSet>(object),
        ("apps", "ReplicaSet") => round_trip::<apps::v1::ReplicaSet>(object),
        ("batch", "Job") => round_trip::<batch::v1::Job>(object),
        ("batch", "CronJob") => round_trip::<batch::v1::CronJob>(object),
        ("networking.k8s.io", "Ingress") => round_trip::<networking::v1::Ingress>(object),
        ("networking.k8s.io", "NetworkPolicy") => {
            round_trip::<networking::v1::NetworkPolicy>(object)
        }
        ("networking.k8s.io", "IngressClass") => round_trip::<networking::v1::IngressClass>(object),
        ("rbac.authorization.k8s.io", "Role") => round_trip::<rbac::v1::Role>(object),
        ("rbac.authorization.k8s.io", "RoleBinding") => round_trip::<rbac::v1::RoleBinding>(object),
        ("rbac.authorization.k8s.io", "ClusterRole") => round_trip::<rbac::v1::ClusterRole>(object),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => {
            round_trip::<rbac::v1::ClusterRoleBinding>(object)
        }
        ("policy", "PodDisruptionBudget") => round_trip::<policy::v1::PodDisruptionBudget>(object),
        ("autoscaling", "HorizontalPodAutoscaler") => {
            round_trip::<autoscaling::v2::HorizontalPodAutoscaler>(object)
        }
        ("storage.k8s.io", "StorageClass") => round_trip::<storage::v1::StorageClass>(object),
        ("coordination.k8s.io", "Lease") => round_trip::<coordination::v1::Lease>(object),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            round_trip::<apiextensions::v1::CustomResourceDefinition>(object)
        }
        _ => return None,
    })
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// `spec.template.spec.containers[0].imagee`, as the API server names fields in messages.
fn display(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Paths present in `given` but not in `known`.
fn unknown_paths(given: &Value, known: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match (given, known) {
        (Value::Object(given), Value::Object(known)) => {
            for (key, value) in given {
                path.push(Step::Key(key.clone()));
                match known.get(key) {
                    Some(known_value) => unknown_paths(value, known_value, path, out),
                    None if value.is_null() => {}
                    None => out.push(path.clone()),
                }
                path.pop();
            }
        }
        (Value::Array(given), Value::Array(known)) => {
            for (index, (value, known_value)) in given.iter().zip(known).enumerate() {
                path.push(Step::Index(index));
                unknown_paths(value, known_value, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn remove_path(object: &mut Value, path: &[Step]) {
    let Some((Step::Key(last), parents)) = path.split_last() else {
        return;
    };
    let mut current = object;
    for step in parents {
        let next = match step {
            Step::Key(key) => current.get_mut(key.as_str()),
            Step::Index(index) => current.get_mut(*index),
        };
        match next {
            Some(next) => current = next,
            None => return,
        }
    }
    if let Some(map) = current.as_object_mut() {
        map.remove(last);
    }
}

/// Checks a built-in object against its kind: drops its unknown fields and names them (the
/// warnings of `Warn`), or fails for `Strict` and for values of the wrong type.
pub fn check(
    resource: &ResourceType,
    object: &mut Value,
    validation: FieldValidation,
) -> ApiResult<Vec<String>> {
    let Some(typed) = typed_copy(resource, object) else {
        return Ok(Vec::new());
    };
    let cannot_handle = |why: &str| {
        ApiError::bad_request(format!(
            "{kind} in version \"{version}\" cannot be handled as a {kind}: {why}",
            kind = resource.kind,
            version = resource.versions[0],
        ))
    };
    let typed = typed.map_err(|error| cannot_handle(&error))?;
    let mut unknown = Vec::new();
    unknown_paths(object, &typed, &mut Vec::new(), &mut unknown);
    let messages: Vec<String> = unknown
        .iter()
        .map(|p| format!("unknown field \"{}\"", display(p)))
        .collect();
    if validation == FieldValidation::Strict && !messages.is_empty() {
        return Err(cannot_handle(&format!(
            "strict decoding error: {}",
            messages.join(", ")
        )));
    }
    for path in &unknown {
        remove_path(object, path);
    }
    Ok(messages)
}
