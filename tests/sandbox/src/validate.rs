//! Admission as the API server does it: defaults, normalisation (Secret `stringData`) and
//! validation (names, data keys, size limits; immutable fields in [`crate::immutable`]).

use base64::Engine;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult, Cause};
use crate::registry::ResourceType;

/// etcd's default request limit; the API server rejects objects larger than this.
pub const MAX_OBJECT_BYTES: usize = 1_572_864;
/// ConfigMap and Secret payloads are limited to 1 MiB.
pub const MAX_DATA_BYTES: usize = 1_048_576;
/// Request bodies over 3 MiB are refused before decoding.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

const SUBDOMAIN_MESSAGE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

fn is_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn is_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(is_label)
}

/// Names that must be DNS labels (no dots) rather than subdomains.
fn needs_label_name(resource: &ResourceType) -> bool {
    !resource.custom && matches!(resource.kind.as_str(), "Namespace" | "Service")
}

/// RBAC objects only need a valid path segment (`system:basic-user`), as the API validates them.
fn path_segment_problem(name: &str) -> Option<&'static str> {
    match name {
        "." => Some("may not be '.'"),
        ".." => Some("may not be '..'"),
        _ if name.contains('/') => Some("may not contain '/'"),
        _ if name.contains('%') => Some("may not contain '%'"),
        _ => None,
    }
}

pub fn validate_name(resource: &ResourceType, name: &str) -> Option<Cause> {
    let (ok, message) = if !resource.custom && resource.group == "rbac.authorization.k8s.io" {
        let problem = path_segment_problem(name);
        (problem.is_none(), problem.unwrap_or(""))
    } else if needs_label_name(resource) {
        (is_label(name), LABEL_MESSAGE)
    } else {
        (is_subdomain(name), SUBDOMAIN_MESSAGE)
    };
    (!ok).then(|| Cause {
        reason: "FieldValueInvalid",
        message: format!("Invalid value: {name:?}: {message}"),
        field: "metadata.name".into(),
    })
}

pub fn invalid(resource: &ResourceType, name: &str, causes: Vec<Cause>) -> ApiError {
    ApiError::invalid(&resource.group, &resource.kind, name, causes)
}

/// Shared checks for every write: name, size, kind-specific rules, and immutability against `old`.
pub fn validate(resource: &ResourceType, object: &Value, old: Option<&Value>) -> ApiResult<()> {
    let name = crate::util::name_of(object);
    let mut causes = Vec::new();
    if old.is_none() {
        causes.extend(validate_name(resource, name));
    }
    if !resource.custom && matches!(resource.kind.as_str(), "Secret" | "ConfigMap") {
        causes.extend(validate_data(resource, object));
    }
    if !resource.custom && resource.group == "batch" {
        let pointer = if resource.kind == "CronJob" {
            "/spec/jobTemplate/spec/template/spec/restartPolicy"
        } else {
            "/spec/template/spec/restartPolicy"
        };
        let field = pointer.trim_start_matches('/').replace('/', ".");
        match object.pointer(pointer).and_then(Value::as_str) {
            Some("Never" | "OnFailure") => {}
            None => causes.push(Cause {
                reason: "FieldValueRequired",
                message: "Required value: valid values: \"OnFailure\", \"Never\"".into(),
                field,
            }),
            Some(other) => causes.push(Cause {
                reason: "FieldValueNotSupported",
                message: format!(
                    "Unsupported value: {other:?}: supported values: \"OnFailure\", \"Never\""
                ),
                field,
            }),
        }
    }
    if let Some(old) = old {
        causes.extend(crate::immutable::changes(resource, old, object));
    }
    if !causes.is_empty() {
        return Err(invalid(resource, name, causes));
    }
    let size = serde_json::to_vec(object).map(|b| b.len()).unwrap_or(0);
    if size > MAX_OBJECT_BYTES {
        return Err(ApiError::new(
            413,
            "RequestEntityTooLarge",
            "Request entity too large: etcdserver: request is too large",
        ));
    }
    Ok(())
}

fn valid_data_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key != "."
        && key != ".."
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
}

fn validate_data(resource: &ResourceType, object: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let mut total = 0;
    for field in ["data", "binaryData"] {
        let Some(map) = object.get(field).and_then(Value::as_object) else {
            continue;
        };
        for (key, value) in map {
            if !valid_data_key(key) {
                causes.push(Cause {
                    reason: "FieldValueInvalid",
                    message: format!("Invalid value: {key:?}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"),
                    field: format!("{field}[{key}]"),
                });
            }
            let text = value.as_str().unwrap_or("");
            // Secret data and binaryData are base64 on the wire; count decoded bytes.
            total += if resource.kind == "Secret" || field == "binaryData" {
                text.len() / 4 * 3
            } else {
                text.len()
            };
        }
    }
    if total > MAX_DATA_BYTES {
        causes.push(Cause {
            reason: "FieldValueTooLong",
            message: format!("Too long: may not be more than {MAX_DATA_BYTES} bytes"),
            field: "data".into(),
        });
    }
    causes
}

/// Decoding-level checks and normalisation done before anything else, as the real server's
/// decoder does: Secret data must be base64 and `stringData` is folded into `data`.
pub fn normalize(resource: &ResourceType, object: &mut Value) -> ApiResult<()> {
    if resource.custom || !resource.group.is_empty() {
        return Ok(());
    }
    if resource.kind == "Secret" {
        let engine = base64::engine::general_purpose::STANDARD;
        if let Some(data) = object.get("data").and_then(Value::as_object) {
            for value in data.values() {
                let text = value.as_str().unwrap_or("");
                if let Err(error) = engine.decode(text) {
                    return Err(ApiError::bad_request(format!(
                        "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte {}",
                        base64_error_offset(&error)
                    )));
                }
            }
        }
        let string_data = object.as_object_mut().and_then(|o| o.remove("stringData"));
        if let Some(Value::Object(string_data)) = string_data {
            let data = crate::util::ensure_object(object, &["data"]);
            for (key, value) in string_data {
                let text = value
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| value.to_string());
                data.insert(key, json!(engine.encode(text)));
            }
        }
        if object
            .get("type")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            object
                .as_object_mut()
                .unwrap()
                .insert("type".into(), json!("Opaque"));
        }
    }
    Ok(())
}

fn base64_error_offset(error: &base64::DecodeError) -> usize {
    match error {
        base64::DecodeError::InvalidByte(offset, _)
        | base64::DecodeError::InvalidLastSymbol(offset, _) => *offset,
        base64::DecodeError::InvalidLength(length) => *length,
        base64::DecodeError::InvalidPadding => 0,
    }
}
