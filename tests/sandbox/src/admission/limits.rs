//! LimitRange: defaults of a LimitRange's own items, and at Pod creation the defaults filled
//! into containers and the minimum, maximum and ratio checks, with the LimitRanger's messages.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::quantity::Quantity;
use super::{Resources, containers, forbidden, invalid_pod, pod_total, quantities};
use crate::error::ApiResult;
use crate::registry::ResourceType;
use crate::store::Store;
use crate::util::{ensure_object, name_of};

const ANNOTATION: &str = "kubernetes.io/limit-ranger";

/// The API's defaulting of a LimitRange: for `Container` items a missing `default` comes from
/// `max`, a missing `defaultRequest` from `default`, then from `min`.
pub fn default_limit_range(object: &mut Value) {
    let items = object
        .pointer_mut("/spec/limits")
        .and_then(Value::as_array_mut);
    for item in items.into_iter().flatten() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        if item.get("type").and_then(Value::as_str) != Some("Container") {
            continue;
        }
        fill(item, "default", "max");
        fill(item, "defaultRequest", "default");
        fill(item, "defaultRequest", "min");
    }
}

/// Copies the entries of `item[from]` that `item[into]` lacks.
fn fill(item: &mut Map<String, Value>, into: &str, from: &str) {
    let Some(source) = item.get(from).and_then(Value::as_object).cloned() else {
        return;
    };
    let target = item.entry(into).or_insert_with(|| json!({}));
    let Some(target) = target.as_object_mut() else {
        return;
    };
    for (key, value) in source {
        target.entry(key).or_insert(value);
    }
    if target.is_empty() {
        item.remove(into);
    }
}

/// Pod admission: defaults from every LimitRange of the namespace, then their bounds.
pub fn admit(
    store: &Store,
    resource: &ResourceType,
    namespace: &str,
    pod: &mut Value,
) -> ApiResult<()> {
    let ranges: Vec<Value> = store
        .namespaced("", "limitranges", namespace)
        .map(|range| range.get("spec").cloned().unwrap_or(Value::Null))
        .collect();
    for range in &ranges {
        apply_defaults(range, pod);
    }
    let found = containers(pod).map_err(|cause| invalid_pod(pod, cause))?;
    let mut errors = Vec::new();
    for range in &ranges {
        for item in range
            .get("limits")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            check_item(item, &found, &mut errors);
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(forbidden(resource, name_of(pod), &errors[0])),
        _ => Err(forbidden(
            resource,
            name_of(pod),
            &format!("[{}]", errors.join(", ")),
        )),
    }
}

/// Fills in missing container requests and limits from the range's `Container` items and
/// notes what was set in the `kubernetes.io/limit-ranger` annotation.
fn apply_defaults(range: &Value, pod: &mut Value) {
    let mut limits = Map::new();
    let mut requests = Map::new();
    for item in range
        .get("limits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|item| item.get("type").and_then(Value::as_str) == Some("Container"))
    {
        for (field, target) in [("default", &mut limits), ("defaultRequest", &mut requests)] {
            for (key, value) in item
                .get(field)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                target.insert(key.clone(), value.clone());
            }
        }
    }
    if limits.is_empty() && requests.is_empty() {
        return;
    }
    let mut notes = Vec::new();
    for (list, kind) in [
        ("containers", "container"),
        ("initContainers", "init container"),
    ] {
        let entries = pod
            .pointer_mut(&format!("/spec/{list}"))
            .and_then(Value::as_array_mut);
        for container in entries.into_iter().flatten() {
            let name = container
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let set_requests = merge(container, "requests", &requests);
            let set_limits = merge(container, "limits", &limits);
            let mut parts = Vec::new();
            if !set_requests.is_empty() {
                parts.push(format!(
                    "{} request for {kind} {name}",
                    set_requests.join(", ")
                ));
            }
            if !set_limits.is_empty() {
                parts.push(format!("{} limit for {kind} {name}", set_limits.join(", ")));
            }
            if !parts.is_empty() {
                notes.push(parts.join("; "));
            }
        }
    }
    if !notes.is_empty() {
        ensure_object(pod, &["metadata", "annotations"]).insert(
            ANNOTATION.into(),
            json!(format!("LimitRanger plugin set: {}", notes.join("; "))),
        );
    }
}

/// Sets the defaults a container lacks in `resources.<kind>`; returns their names, sorted.
fn merge(container: &mut Value, kind: &str, defaults: &Map<String, Value>) -> Vec<String> {
    if defaults.is_empty() || !container.is_object() {
        return Vec::new();
    }
    let target = ensure_object(container, &["resources", kind]);
    let mut set = Vec::new();
    for (key, value) in defaults {
        if !target.contains_key(key) {
            target.insert(key.clone(), value.clone());
            set.push(key.clone());
        }
    }
    set.sort();
    set
}

/// The checks of one LimitRange item, each violation one message.
fn check_item(item: &Value, found: &[(Resources, bool)], errors: &mut Vec<String>) {
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
    let min = quantities(item.get("min"));
    let max = quantities(item.get("max"));
    let ratio = quantities(item.get("maxLimitRequestRatio"));
    match kind {
        "Container" => {
            for (container, _) in found {
                bounds(
                    kind,
                    &min,
                    &max,
                    &ratio,
                    &container.requests,
                    &container.limits,
                    errors,
                );
            }
        }
        "Pod" => {
            let total = |limits: bool| -> BTreeMap<String, Quantity> {
                let names = min.keys().chain(max.keys()).chain(ratio.keys());
                names
                    .filter_map(|name| Some((name.clone(), pod_total(found, name, limits)?)))
                    .collect()
            };
            bounds(
                kind,
                &min,
                &max,
                &ratio,
                &total(false),
                &total(true),
                errors,
            );
        }
        _ => {}
    }
}

fn bounds(
    kind: &str,
    min: &BTreeMap<String, Quantity>,
    max: &BTreeMap<String, Quantity>,
    ratio: &BTreeMap<String, Quantity>,
    requests: &BTreeMap<String, Quantity>,
    limits: &BTreeMap<String, Quantity>,
    errors: &mut Vec<String>,
) {
    for (name, enforced) in min {
        let start = format!("minimum {name} usage per {kind} is {enforced}");
        match (requests.get(name), limits.get(name)) {
            (None, _) => errors.push(format!("{start}.  No request is specified")),
            (Some(request), _) if request < enforced => {
                errors.push(format!("{start}, but request is {request}"))
            }
            (_, Some(limit)) if limit < enforced => {
                errors.push(format!("{start}, but limit is {limit}"))
            }
            _ => {}
        }
    }
    for (name, enforced) in max {
        let start = format!("maximum {name} usage per {kind} is {enforced}");
        match (requests.get(name), limits.get(name)) {
            (_, None) => errors.push(format!("{start}.  No limit is specified")),
            (_, Some(limit)) if limit > enforced => {
                errors.push(format!("{start}, but limit is {limit}"))
            }
            (Some(request), _) if request > enforced => {
                errors.push(format!("{start}, but request is {request}"))
            }
            _ => {}
        }
    }
    for (name, enforced) in ratio {
        let start = format!("{name} max limit to request ratio per {kind} is {enforced}");
        let request = requests.get(name).filter(|q| !q.is_zero());
        let limit = limits.get(name).filter(|q| !q.is_zero());
        match (request, limit) {
            (None, _) => errors.push(format!(
                "{start}, but no request is specified or request is 0"
            )),
            (_, None) => errors.push(format!("{start}, but no limit is specified or limit is 0")),
            (Some(request), Some(limit)) => {
                let observed = limit.as_f64() / request.as_f64();
                if observed > enforced.as_f64() {
                    errors.push(format!("{start}, but provided ratio is {observed:.6}"));
                }
            }
        }
    }
}
