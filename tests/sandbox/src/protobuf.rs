//! Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`).
//!
//! kubectl's typed clients (`kubectl create namespace|secret|configmap|serviceaccount|deployment`) send
//! protobuf. The sandbox decodes the kinds those commands produce into JSON; other kinds get a
//! 415 naming the kind. Responses are always JSON, which every client also accepts.

use base64::Engine;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};

const MAGIC: &[u8] = b"k8s\0";

/// Go writes every non-pointer field, zero or not, and `omitempty` drops zeros again when it
/// renders JSON; so zero strings, numbers and booleans are left out, except for the pointer
/// fields (`Pointer*`), where zero is a value.
#[derive(Clone, Copy)]
enum Kind {
    String,
    /// base64-encoded in JSON
    Bytes,
    Int,
    PointerInt,
    Bool,
    PointerBool,
    Message(&'static str),
    RepeatedString,
    RepeatedMessage(&'static str),
    MapStringString,
    MapStringBytes,
    Time,
}

/// `(json name, kind)` of field `number` of message `message`.
fn field(message: &str, number: u64) -> Option<(&'static str, Kind)> {
    use Kind::*;
    Some(match (message, number) {
        ("ObjectMeta", 1) => ("name", String),
        ("ObjectMeta", 2) => ("generateName", String),
        ("ObjectMeta", 3) => ("namespace", String),
        ("ObjectMeta", 5) => ("uid", String),
        ("ObjectMeta", 6) => ("resourceVersion", String),
        ("ObjectMeta", 7) => ("generation", Int),
        ("ObjectMeta", 8) => ("creationTimestamp", Time),
        ("ObjectMeta", 11) => ("labels", MapStringString),
        ("ObjectMeta", 12) => ("annotations", MapStringString),
        ("ObjectMeta", 13) => ("ownerReferences", RepeatedMessage("OwnerReference")),
        ("ObjectMeta", 14) => ("finalizers", RepeatedString),
        ("OwnerReference", 1) => ("kind", String),
        ("OwnerReference", 3) => ("name", String),
        ("OwnerReference", 4) => ("uid", String),
        ("OwnerReference", 5) => ("apiVersion", String),
        ("OwnerReference", 6) => ("controller", PointerBool),
        ("OwnerReference", 7) => ("blockOwnerDeletion", PointerBool),
        ("Namespace", 1) | ("Secret", 1) | ("ConfigMap", 1) | ("ServiceAccount", 1) => {
            ("metadata", Message("ObjectMeta"))
        }
        ("Namespace", 2) => ("spec", Message("NamespaceSpec")),
        ("NamespaceSpec", 1) => ("finalizers", RepeatedString),
        ("Secret", 2) => ("data", MapStringBytes),
        ("Secret", 3) => ("type", String),
        ("Secret", 4) => ("stringData", MapStringString),
        ("Secret", 5) => ("immutable", PointerBool),
        ("ConfigMap", 2) => ("data", MapStringString),
        ("ConfigMap", 3) => ("binaryData", MapStringBytes),
        ("ConfigMap", 4) => ("immutable", PointerBool),
        ("ServiceAccount", 2) => ("secrets", RepeatedMessage("ObjectReference")),
        ("ServiceAccount", 3) => ("imagePullSecrets", RepeatedMessage("LocalObjectReference")),
        ("ServiceAccount", 4) => ("automountServiceAccountToken", PointerBool),
        ("ObjectReference", 1) => ("kind", String),
        ("ObjectReference", 2) => ("namespace", String),
        ("ObjectReference", 3) => ("name", String),
        ("LocalObjectReference", 1) => ("name", String),
        ("Deployment", 1) => ("metadata", Message("ObjectMeta")),
        ("Deployment", 2) => ("spec", Message("DeploymentSpec")),
        ("DeploymentSpec", 1) => ("replicas", PointerInt),
        ("DeploymentSpec", 2) => ("selector", Message("LabelSelector")),
        ("DeploymentSpec", 3) => ("template", Message("PodTemplateSpec")),
        ("DeploymentSpec", 4) => ("strategy", Message("DeploymentStrategy")),
        ("DeploymentSpec", 5) => ("minReadySeconds", Int),
        ("DeploymentSpec", 6) => ("revisionHistoryLimit", PointerInt),
        ("DeploymentSpec", 7) => ("paused", Bool),
        ("DeploymentSpec", 9) => ("progressDeadlineSeconds", PointerInt),
        ("DeploymentStrategy", 1) => ("type", String),
        ("LabelSelector", 1) => ("matchLabels", MapStringString),
        ("PodTemplateSpec", 1) => ("metadata", Message("ObjectMeta")),
        ("PodTemplateSpec", 2) => ("spec", Message("PodSpec")),
        ("PodSpec", 2) => ("containers", RepeatedMessage("Container")),
        ("PodSpec", 3) => ("restartPolicy", String),
        ("PodSpec", 4) => ("terminationGracePeriodSeconds", PointerInt),
        ("PodSpec", 6) => ("dnsPolicy", String),
        ("PodSpec", 7) => ("nodeSelector", MapStringString),
        ("PodSpec", 8) => ("serviceAccountName", String),
        ("PodSpec", 20) => ("initContainers", RepeatedMessage("Container")),
        ("Container", 1) => ("name", String),
        ("Container", 2) => ("image", String),
        ("Container", 3) => ("command", RepeatedString),
        ("Container", 4) => ("args", RepeatedString),
        ("Container", 5) => ("workingDir", String),
        ("Container", 6) => ("ports", RepeatedMessage("ContainerPort")),
        ("Container", 7) => ("env", RepeatedMessage("EnvVar")),
        ("Container", 8) => ("resources", Message("ResourceRequirements")),
        ("Container", 14) => ("imagePullPolicy", String),
        ("ContainerPort", 1) => ("name", String),
        ("ContainerPort", 2) => ("hostPort", Int),
        ("ContainerPort", 3) => ("containerPort", Int),
        ("ContainerPort", 4) => ("protocol", String),
        ("EnvVar", 1) => ("name", String),
        ("EnvVar", 2) => ("value", String),
        ("Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding", 1) => {
            ("metadata", Message("ObjectMeta"))
        }
        ("Role" | "ClusterRole", 2) => ("rules", RepeatedMessage("PolicyRule")),
        ("ClusterRole", 3) => ("aggregationRule", Message("AggregationRule")),
        ("AggregationRule", 1) => ("clusterRoleSelectors", RepeatedMessage("LabelSelector")),
        ("PolicyRule", 1) => ("verbs", RepeatedString),
        ("PolicyRule", 2) => ("apiGroups", RepeatedString),
        ("PolicyRule", 3) => ("resources", RepeatedString),
        ("PolicyRule", 4) => ("resourceNames", RepeatedString),
        ("PolicyRule", 5) => ("nonResourceURLs", RepeatedString),
        ("RoleBinding" | "ClusterRoleBinding", 2) => ("subjects", RepeatedMessage("Subject")),
        ("RoleBinding" | "ClusterRoleBinding", 3) => ("roleRef", Message("RoleRef")),
        ("Subject", 1) => ("kind", String),
        ("Subject", 2) => ("apiGroup", String),
        ("Subject", 3) => ("name", String),
        ("Subject", 4) => ("namespace", String),
        ("RoleRef", 1) => ("apiGroup", String),
        ("RoleRef", 2) => ("kind", String),
        ("RoleRef", 3) => ("name", String),
        ("SelfSubjectAccessReview" | "SelfSubjectRulesReview" | "SelfSubjectReview", 1) => {
            ("metadata", Message("ObjectMeta"))
        }
        ("SelfSubjectAccessReview", 2) => ("spec", Message("SelfSubjectAccessReviewSpec")),
        ("SelfSubjectAccessReviewSpec", 1) => ("resourceAttributes", Message("ResourceAttributes")),
        ("SelfSubjectAccessReviewSpec", 2) => {
            ("nonResourceAttributes", Message("NonResourceAttributes"))
        }
        ("ResourceAttributes", 1) => ("namespace", String),
        ("ResourceAttributes", 2) => ("verb", String),
        ("ResourceAttributes", 3) => ("group", String),
        ("ResourceAttributes", 4) => ("version", String),
        ("ResourceAttributes", 5) => ("resource", String),
        ("ResourceAttributes", 6) => ("subresource", String),
        ("ResourceAttributes", 7) => ("name", String),
        ("NonResourceAttributes", 1) => ("path", String),
        ("NonResourceAttributes", 2) => ("verb", String),
        ("SelfSubjectRulesReview", 2) => ("spec", Message("SelfSubjectRulesReviewSpec")),
        ("SelfSubjectRulesReviewSpec", 1) => ("namespace", String),
        ("Unknown", 1) => ("typeMeta", Message("TypeMeta")),
        ("Unknown", 2) => ("raw", Bytes),
        ("TypeMeta", 1) => ("apiVersion", String),
        ("TypeMeta", 2) => ("kind", String),
        ("Time", 1) => ("seconds", Int),
        ("MapEntry", 1) => ("key", String),
        ("MapEntry", 2) => ("value", Bytes),
        _ => return None,
    })
}

fn malformed() -> ApiError {
    ApiError::bad_request("the protobuf body of the request could not be decoded")
}

struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> ApiResult<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.position).ok_or_else(malformed)?;
            self.position += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(malformed())
    }

    fn slice(&mut self, length: usize) -> ApiResult<&'a [u8]> {
        let end = self
            .position
            .checked_add(length)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(malformed)?;
        let slice = &self.bytes[self.position..end];
        self.position = end;
        Ok(slice)
    }

    /// The next `(field number, raw value)`: varints as numbers, length-delimited as bytes.
    fn next(&mut self) -> ApiResult<Option<(u64, Raw<'a>)>> {
        if self.position >= self.bytes.len() {
            return Ok(None);
        }
        let tag = self.varint()?;
        let raw = match tag & 7 {
            0 => Raw::Varint(self.varint()?),
            1 => {
                self.slice(8)?;
                Raw::Fixed
            }
            2 => {
                let length = self.varint()? as usize;
                Raw::Bytes(self.slice(length)?)
            }
            5 => {
                self.slice(4)?;
                Raw::Fixed
            }
            _ => return Err(malformed()),
        };
        Ok(Some((tag >> 3, raw)))
    }
}

enum Raw<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// A fixed32/fixed64 value; no decoded kind uses one.
    Fixed,
}

fn text(raw: &Raw) -> ApiResult<String> {
    match raw {
        Raw::Bytes(bytes) => String::from_utf8(bytes.to_vec()).map_err(|_| malformed()),
        _ => Err(malformed()),
    }
}

fn bytes<'a>(raw: &Raw<'a>) -> ApiResult<&'a [u8]> {
    match raw {
        Raw::Bytes(bytes) => Ok(bytes),
        _ => Err(malformed()),
    }
}

fn decode_message(message: &str, data: &[u8]) -> ApiResult<Map<String, Value>> {
    let mut reader = Reader {
        bytes: data,
        position: 0,
    };
    let mut out = Map::new();
    while let Some((number, raw)) = reader.next()? {
        let Some((name, kind)) = field(message, number) else {
            continue;
        };
        let value = match kind {
            Kind::String => match text(&raw)? {
                empty if empty.is_empty() => continue,
                text => json!(text),
            },
            Kind::Bytes => json!(base64::engine::general_purpose::STANDARD.encode(bytes(&raw)?)),
            Kind::Int | Kind::PointerInt => match raw {
                Raw::Varint(0) if matches!(kind, Kind::Int) => continue,
                Raw::Varint(n) => json!(n as i64),
                _ => return Err(malformed()),
            },
            Kind::Bool | Kind::PointerBool => match raw {
                Raw::Varint(0) if matches!(kind, Kind::Bool) => continue,
                Raw::Varint(n) => json!(n != 0),
                _ => return Err(malformed()),
            },
            Kind::Message(inner) => Value::Object(decode_message(inner, bytes(&raw)?)?),
            Kind::Time => {
                let time = decode_message("Time", bytes(&raw)?)?;
                let seconds = time.get("seconds").and_then(Value::as_i64).unwrap_or(0);
                if seconds <= 0 {
                    continue;
                }
                json!(crate::util::format_rfc3339(
                    std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds as u64)
                ))
            }
            Kind::RepeatedString => {
                let list = out.entry(name).or_insert_with(|| json!([]));
                list.as_array_mut().unwrap().push(json!(text(&raw)?));
                continue;
            }
            Kind::RepeatedMessage(inner) => {
                let item = Value::Object(decode_message(inner, bytes(&raw)?)?);
                out.entry(name)
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                    .unwrap()
                    .push(item);
                continue;
            }
            Kind::MapStringString | Kind::MapStringBytes => {
                let entry = decode_message("MapEntry", bytes(&raw)?)?;
                let key = entry
                    .get("key")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let encoded = entry.get("value").and_then(Value::as_str).unwrap_or("");
                let value = if matches!(kind, Kind::MapStringBytes) {
                    json!(encoded)
                } else {
                    let decoded = base64::engine::general_purpose::STANDARD
                        .decode(encoded)
                        .map_err(|_| malformed())?;
                    json!(String::from_utf8(decoded).map_err(|_| malformed())?)
                };
                out.entry(name)
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .unwrap()
                    .insert(key, value);
                continue;
            }
        };
        out.insert(name.to_string(), value);
    }
    Ok(out)
}

/// Decodes a `k8s\0`-prefixed protobuf body into the JSON object it stands for.
pub fn decode(body: &[u8]) -> ApiResult<Value> {
    let envelope = body.strip_prefix(MAGIC).ok_or_else(malformed)?;
    let unknown = decode_message("Unknown", envelope)?;
    let api_version = unknown.pointer_str("typeMeta", "apiVersion");
    let kind = unknown.pointer_str("typeMeta", "kind");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(unknown.get("raw").and_then(Value::as_str).unwrap_or(""))
        .map_err(|_| malformed())?;
    if !matches!(
        kind.as_str(),
        "Namespace"
            | "Secret"
            | "ConfigMap"
            | "ServiceAccount"
            | "Deployment"
            | "Role"
            | "ClusterRole"
            | "RoleBinding"
            | "ClusterRoleBinding"
            | "SelfSubjectAccessReview"
            | "SelfSubjectRulesReview"
            | "SelfSubjectReview"
    ) {
        return Err(ApiError::unsupported_media_type(
            "application/vnd.kubernetes.protobuf",
            &format!(
                "application/json, application/yaml (the sandbox decodes protobuf only for Namespace, Secret, ConfigMap, ServiceAccount, Deployment, the RBAC kinds and the self-reviews, not {kind})"
            ),
        ));
    }
    let mut object = decode_message(&kind, &raw)?;
    object.insert("apiVersion".into(), json!(api_version));
    object.insert("kind".into(), json!(kind));
    Ok(Value::Object(object))
}

trait PointerStr {
    fn pointer_str(&self, outer: &str, inner: &str) -> String;
}

impl PointerStr for Map<String, Value> {
    fn pointer_str(&self, outer: &str, inner: &str) -> String {
        self.get(outer)
            .and_then(|o| o.get(inner))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }
}
