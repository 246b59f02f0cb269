//! Admission plugins that depend on other objects in the namespace: LimitRange (defaults and
//! bounds of Pod resources) and ResourceQuota (object counts and compute totals), with the API
//! server's messages. A namespace without LimitRanges or ResourceQuotas costs one map lookup.

mod limits;
pub mod quantity;
mod quota;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult, Cause};
use crate::registry::ResourceType;
use crate::store::Store;
use crate::util::{name_of, namespace_of};

use quantity::Quantity;

pub use limits::default_limit_range;

/// Admission of a new object, after defaulting and validation: LimitRange defaults and bounds
/// for Pods, then every ResourceQuota of the namespace. May fill in the Pod's resources.
pub fn admit_create(store: &Store, resource: &ResourceType, object: &mut Value) -> ApiResult<()> {
    if !resource.namespaced {
        return Ok(());
    }
    let namespace = namespace_of(object).to_string();
    if resource.is("", "pods") && store.holds_any("", "limitranges", &namespace) {
        limits::admit(store, resource, &namespace, object)?;
    }
    if store.holds_any("", "resourcequotas", &namespace) {
        quota::check(store, resource, &namespace, object)?;
    }
    Ok(())
}

/// Admission of an update (not of a status write): ResourceQuota, for what the change adds.
pub fn admit_update(
    store: &Store,
    resource: &ResourceType,
    old: &Value,
    object: &Value,
) -> ApiResult<()> {
    let namespace = namespace_of(object);
    if !resource.namespaced || !store.holds_any("", "resourcequotas", namespace) {
        return Ok(());
    }
    quota::check_update(store, resource, namespace, old, object)
}

/// After a write of a `(group, plural)` object in `namespace`: brings the `status` of its
/// ResourceQuotas up to date, when one of them counts that resource (or the quota itself changed).
pub fn written(store: &mut Store, namespace: &str, group: &str, plural: &str) {
    if !namespace.is_empty()
        && store.holds_any("", "resourcequotas", namespace)
        && quota::concerned(store, namespace, group, plural)
    {
        quota::refresh(store, namespace);
    }
}

/// Validation of the quantities in ResourceQuota and LimitRange objects (422 as the API gives).
pub fn validate_policy(resource: &ResourceType, object: &Value) -> ApiResult<()> {
    let mut causes = Vec::new();
    if resource.is("", "resourcequotas") {
        check_quantities(object.pointer("/spec/hard"), "spec.hard", &mut causes);
    } else if resource.is("", "limitranges") {
        let items = object.pointer("/spec/limits").and_then(Value::as_array);
        for (index, item) in items.into_iter().flatten().enumerate() {
            for field in [
                "max",
                "min",
                "default",
                "defaultRequest",
                "maxLimitRequestRatio",
            ] {
                let path = format!("spec.limits[{index}].{field}");
                check_quantities(item.get(field), &path, &mut causes);
            }
        }
    } else {
        return Ok(());
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(crate::validate::invalid(resource, name_of(object), causes))
    }
}

fn check_quantities(map: Option<&Value>, path: &str, causes: &mut Vec<Cause>) {
    for (key, value) in map.and_then(Value::as_object).into_iter().flatten() {
        if quantity_of(value).is_none() {
            causes.push(bad_quantity(&format!("{path}[{key}]"), value));
        }
    }
}

fn bad_quantity(field: &str, value: &Value) -> Cause {
    let shown = match value {
        Value::String(text) => format!("{text:?}"),
        other => other.to_string(),
    };
    Cause {
        reason: "FieldValueInvalid",
        message: format!("Invalid value: {shown}: {}", quantity::SYNTAX_MESSAGE),
        field: field.into(),
    }
}

/// A quantity written as a string or a JSON number.
fn quantity_of(value: &Value) -> Option<Quantity> {
    match value {
        Value::String(text) => Quantity::parse(text),
        Value::Number(number) => Quantity::parse(&number.to_string()),
        _ => None,
    }
}

/// A map of quantities (`spec.hard`, `resources.limits`), skipping what does not parse.
fn quantities(map: Option<&Value>) -> BTreeMap<String, Quantity> {
    map.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| Some((key.clone(), quantity_of(value)?)))
        .collect()
}

/// 403 Forbidden `<resource> "<name>" is forbidden: <message>`, as admission plugins answer.
fn forbidden(resource: &ResourceType, name: &str, message: &str) -> ApiError {
    let mut error = ApiError::new(
        403,
        "Forbidden",
        format!(
            "{} \"{name}\" is forbidden: {message}",
            resource.group_resource()
        ),
    );
    let mut details = json!({"name": name, "group": resource.group, "kind": resource.plural});
    if resource.group.is_empty() {
        details.as_object_mut().unwrap().remove("group");
    }
    error.details = Some(Box::new(details));
    error
}

/// The requests and limits of one container, with the API's defaulting (a limit without a
/// request is also the request). `Err` names the first quantity that does not parse.
struct Resources {
    name: String,
    requests: BTreeMap<String, Quantity>,
    limits: BTreeMap<String, Quantity>,
}

/// The containers of a Pod (`containers`, then `initContainers`), and whether each is an init
/// container.
fn containers(pod: &Value) -> Result<Vec<(Resources, bool)>, Cause> {
    let mut found = Vec::new();
    for (list, init) in [("containers", false), ("initContainers", true)] {
        let entries = pod
            .pointer(&format!("/spec/{list}"))
            .and_then(Value::as_array);
        for (index, container) in entries.into_iter().flatten().enumerate() {
            let mut resources = Resources {
                name: container
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                requests: BTreeMap::new(),
                limits: BTreeMap::new(),
            };
            for (kind, target) in [
                ("limits", &mut resources.limits),
                ("requests", &mut resources.requests),
            ] {
                let map = container
                    .pointer(&format!("/resources/{kind}"))
                    .and_then(Value::as_object);
                for (key, value) in map.into_iter().flatten() {
                    let quantity = quantity_of(value).ok_or_else(|| {
                        bad_quantity(
                            &format!("spec.{list}[{index}].resources.{kind}[{key}]"),
                            value,
                        )
                    })?;
                    target.insert(key.clone(), quantity);
                }
            }
            for (key, limit) in &resources.limits {
                resources.requests.entry(key.clone()).or_insert(*limit);
            }
            found.push((resources, init));
        }
    }
    Ok(found)
}

/// The Pod's total of one resource: the sum over its containers, or the largest init
/// container's value when that is larger. `None` when no container sets it.
fn pod_total(containers: &[(Resources, bool)], resource: &str, limits: bool) -> Option<Quantity> {
    let mut sum: Option<Quantity> = None;
    let mut init_max: Option<Quantity> = None;
    for (container, init) in containers {
        let map = if limits {
            &container.limits
        } else {
            &container.requests
        };
        let Some(value) = map.get(resource) else {
            continue;
        };
        if *init {
            init_max = Some(init_max.map_or(*value, |m| m.max(*value)));
        } else {
            sum = Some(sum.map_or(*value, |s| s.add(*value)));
        }
    }
    match (sum, init_max) {
        (Some(sum), Some(init)) if init > sum => Some(init),
        (Some(sum), _) => Some(sum),
        (None, init) => init,
    }
}

fn invalid_pod(pod: &Value, cause: Cause) -> ApiError {
    ApiError::invalid("", "Pod", name_of(pod), vec![cause])
}
