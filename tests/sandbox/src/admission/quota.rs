//! ResourceQuota: what each object uses of each quota resource, admission of new objects
//! against `spec.hard`, and `status.hard`/`status.used` kept current after every write.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::quantity::Quantity;
use super::{containers, forbidden, invalid_pod, pod_total, quantities};
use crate::error::ApiResult;
use crate::registry::ResourceType;
use crate::store::Store;
use crate::util::{get_str, name_of};

/// Pod compute resources a quota can constrain, and the container resource each one reads.
const COMPUTE: &[(&str, &str, bool)] = &[
    ("cpu", "cpu", false),
    ("memory", "memory", false),
    ("requests.cpu", "cpu", false),
    ("requests.memory", "memory", false),
    ("limits.cpu", "cpu", true),
    ("limits.memory", "memory", true),
    ("ephemeral-storage", "ephemeral-storage", false),
    ("requests.ephemeral-storage", "ephemeral-storage", false),
    ("limits.ephemeral-storage", "ephemeral-storage", true),
];

/// Compute resources every container must set when a quota tracks them.
const REQUIRED: &[&str] = &[
    "cpu",
    "memory",
    "requests.cpu",
    "requests.memory",
    "limits.cpu",
    "limits.memory",
];

/// The resource `(group, plural)` whose objects count towards a quota resource name.
fn source(key: &str) -> Option<(String, String)> {
    if let Some(counted) = key.strip_prefix("count/") {
        let (plural, group) = counted.split_once('.').unwrap_or((counted, ""));
        return Some((group.to_string(), plural.to_string()));
    }
    let plural = match key {
        "pods" => "pods",
        "services" | "services.loadbalancers" | "services.nodeports" => "services",
        "secrets" | "configmaps" | "replicationcontrollers" | "resourcequotas" => key,
        "persistentvolumeclaims" | "requests.storage" => "persistentvolumeclaims",
        _ if COMPUTE.iter().any(|(name, _, _)| *name == key) => "pods",
        _ => return None,
    };
    Some((String::new(), plural.to_string()))
}

fn terminal(pod: &Value) -> bool {
    matches!(
        get_str(pod, &["status", "phase"]),
        Some("Succeeded" | "Failed")
    )
}

/// What `object` of `(group, plural)` uses of quota resource `key`; `None` when the key does not
/// concern that resource. Containers whose quantities do not parse count as unset.
fn usage(key: &str, group: &str, plural: &str, object: &Value) -> Option<Quantity> {
    let (wanted_group, wanted_plural) = source(key)?;
    if wanted_group != group || wanted_plural != plural {
        return None;
    }
    let one = Quantity::count(1);
    Some(match key {
        _ if key.starts_with("count/") => one,
        "pods" if terminal(object) => Quantity::zero(),
        "services.loadbalancers" => match get_str(object, &["spec", "type"]) {
            Some("LoadBalancer") => one,
            _ => Quantity::zero(),
        },
        "services.nodeports" => match get_str(object, &["spec", "type"]) {
            Some("NodePort" | "LoadBalancer") => {
                let ports = object.pointer("/spec/ports").and_then(Value::as_array);
                Quantity::count(ports.map_or(0, |p| p.len() as i64))
            }
            _ => Quantity::zero(),
        },
        "requests.storage" => object
            .pointer("/spec/resources/requests/storage")
            .and_then(super::quantity_of)
            .unwrap_or_else(Quantity::zero),
        _ => match COMPUTE.iter().find(|(name, _, _)| *name == key) {
            Some(_) if terminal(object) => Quantity::zero(),
            Some((_, resource, limits)) => containers(object)
                .ok()
                .and_then(|c| pod_total(&c, resource, *limits))
                .unwrap_or_else(Quantity::zero),
            None => one,
        },
    })
}

/// Whether a Pod is in a quota scope (`Terminating`, `NotTerminating`, `BestEffort`,
/// `NotBestEffort`, `PriorityClass`); other scopes match nothing here.
fn in_scope(scope: &str, pod: &Value) -> bool {
    let best_effort = || {
        containers(pod).is_ok_and(|found| {
            found.iter().all(|(c, _)| {
                ["cpu", "memory"]
                    .iter()
                    .all(|r| !c.requests.contains_key(*r) && !c.limits.contains_key(*r))
            })
        })
    };
    let deadline = pod.pointer("/spec/activeDeadlineSeconds").is_some();
    match scope {
        "Terminating" => deadline,
        "NotTerminating" => !deadline,
        "BestEffort" => best_effort(),
        "NotBestEffort" => !best_effort(),
        "PriorityClass" => pod.pointer("/spec/priorityClassName").is_some(),
        _ => false,
    }
}

/// Whether `quota` applies to `object`: a quota without scopes to everything, a scoped one
/// only to Pods in all its scopes (`spec.scopes` and `spec.scopeSelector`).
fn applies(quota: &Value, group: &str, plural: &str, object: &Value) -> bool {
    let scopes = quota.pointer("/spec/scopes").and_then(Value::as_array);
    let expressions = quota
        .pointer("/spec/scopeSelector/matchExpressions")
        .and_then(Value::as_array);
    if scopes.is_none_or(|s| s.is_empty()) && expressions.is_none_or(|e| e.is_empty()) {
        return true;
    }
    if !group.is_empty() || plural != "pods" {
        return false;
    }
    let named = scopes
        .into_iter()
        .flatten()
        .all(|scope| in_scope(scope.as_str().unwrap_or(""), object));
    let selected = expressions.into_iter().flatten().all(|expression| {
        let scope = expression["scopeName"].as_str().unwrap_or("");
        let values: Vec<&str> = expression["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let class = get_str(object, &["spec", "priorityClassName"]);
        match expression["operator"].as_str().unwrap_or("") {
            "Exists" => in_scope(scope, object),
            "DoesNotExist" => !in_scope(scope, object),
            "In" if scope == "PriorityClass" => class.is_some_and(|c| values.contains(&c)),
            "NotIn" if scope == "PriorityClass" => class.is_none_or(|c| !values.contains(&c)),
            _ => false,
        }
    });
    named && selected
}

/// What the namespace's objects that `quota` applies to use of `key`, as the quota controller
/// would count it.
fn used(store: &Store, namespace: &str, key: &str, quota: &Value) -> Quantity {
    let Some((group, plural)) = source(key) else {
        return Quantity::zero();
    };
    store
        .namespaced(&group, &plural, namespace)
        .filter(|object| applies(quota, &group, &plural, object))
        .filter_map(|object| usage(key, &group, &plural, object))
        .fold(Quantity::zero(), Quantity::add)
}

fn listed(entries: &[(&String, Quantity)]) -> String {
    entries
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Admission of a new object against every quota of its namespace, in name order.
pub fn check(
    store: &Store,
    resource: &ResourceType,
    namespace: &str,
    object: &Value,
) -> ApiResult<()> {
    let name = name_of(object);
    let pod = resource.is("", "pods");
    let pod_containers = if pod {
        containers(object).map_err(|cause| invalid_pod(object, cause))?
    } else {
        Vec::new()
    };
    for quota in store.namespaced("", "resourcequotas", namespace) {
        if !applies(quota, &resource.group, &resource.plural, object) {
            continue;
        }
        let quota_name = name_of(quota);
        let hard = quantities(quota.pointer("/spec/hard"));
        if pod && !terminal(object) {
            let mut missing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for key in hard.keys().filter(|k| REQUIRED.contains(&k.as_str())) {
                let (_, container_resource, limits) =
                    COMPUTE.iter().find(|(n, _, _)| n == key).unwrap();
                for (container, _) in &pod_containers {
                    let set = if *limits {
                        &container.limits
                    } else {
                        &container.requests
                    };
                    if !set.contains_key(*container_resource) {
                        missing.entry(key).or_default().push(&container.name);
                    }
                }
            }
            if !missing.is_empty() {
                let what = missing
                    .into_iter()
                    .map(|(key, mut names)| {
                        names.sort_unstable();
                        format!("{key} for: {}", names.join(","))
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                let message = format!("failed quota: {quota_name}: must specify {what}");
                return Err(forbidden(resource, name, &message));
            }
        }
        let mut exceeded = Vec::new();
        for (key, limit) in &hard {
            let Some(requested) = usage(key, &resource.group, &resource.plural, object) else {
                continue;
            };
            if requested.is_zero() {
                continue;
            }
            let used = used(store, namespace, key, quota);
            if used.add(requested) > *limit {
                exceeded.push((key, requested, used, *limit));
            }
        }
        if !exceeded.is_empty() {
            let pick = |index: usize| -> Vec<(&String, Quantity)> {
                exceeded
                    .iter()
                    .map(|entry| {
                        let value = [entry.1, entry.2, entry.3][index];
                        (entry.0, value)
                    })
                    .collect()
            };
            let message = format!(
                "exceeded quota: {quota_name}, requested: {}, used: {}, limited: {}",
                listed(&pick(0)),
                listed(&pick(1)),
                listed(&pick(2))
            );
            return Err(forbidden(resource, name, &message));
        }
    }
    Ok(())
}

/// Admission of an update against every quota of the namespace: what the change adds to a
/// quota resource (a Service turned into a LoadBalancer, a claim asking for more storage) must
/// fit, as for a create. Object counts and Pod compute resources do not change on update.
pub fn check_update(
    store: &Store,
    resource: &ResourceType,
    namespace: &str,
    old: &Value,
    object: &Value,
) -> ApiResult<()> {
    if resource.is("", "pods") {
        return Ok(());
    }
    let (group, plural) = (&resource.group, &resource.plural);
    for quota in store.namespaced("", "resourcequotas", namespace) {
        let hard = quantities(quota.pointer("/spec/hard"));
        let mut exceeded = Vec::new();
        for (key, limit) in &hard {
            if key.starts_with("count/") || !applies(quota, group, plural, object) {
                continue;
            }
            let Some(after) = usage(key, group, plural, object) else {
                continue;
            };
            let before = applies(quota, group, plural, old)
                .then(|| usage(key, group, plural, old))
                .flatten()
                .unwrap_or_else(Quantity::zero);
            if after <= before {
                continue;
            }
            let requested = after.sub(before);
            let used = used(store, namespace, key, quota);
            if used.add(requested) > *limit {
                exceeded.push((key, requested, used, *limit));
            }
        }
        if !exceeded.is_empty() {
            let column = |index: usize| -> Vec<(&String, Quantity)> {
                exceeded
                    .iter()
                    .map(|entry| (entry.0, [entry.1, entry.2, entry.3][index]))
                    .collect()
            };
            let message = format!(
                "exceeded quota: {}, requested: {}, used: {}, limited: {}",
                name_of(quota),
                listed(&column(0)),
                listed(&column(1)),
                listed(&column(2))
            );
            return Err(forbidden(resource, name_of(object), &message));
        }
    }
    Ok(())
}

/// Whether a write of a `(group, plural)` object can change a quota's status in `namespace`.
pub fn concerned(store: &Store, namespace: &str, group: &str, plural: &str) -> bool {
    if group.is_empty() && plural == "resourcequotas" {
        return true;
    }
    store
        .namespaced("", "resourcequotas", namespace)
        .any(|quota| {
            let hard = quota.pointer("/spec/hard").and_then(Value::as_object);
            hard.into_iter()
                .flatten()
                .any(|(key, _)| source(key).is_some_and(|(g, p)| g == group && p == plural))
        })
}

/// Recounts every quota of the namespace and writes `status.hard` and `status.used`.
pub fn refresh(store: &mut Store, namespace: &str) {
    let quotas: Vec<Arc<Value>> = store
        .namespaced("", "resourcequotas", namespace)
        .cloned()
        .collect();
    for quota in quotas {
        let name = name_of(&quota);
        let hard = quota.pointer("/spec/hard").cloned().unwrap_or(json!({}));
        let mut used = Map::new();
        for key in hard.as_object().into_iter().flatten().map(|(k, _)| k) {
            let total = self::used(store, namespace, key, &quota);
            used.insert(key.clone(), json!(total.to_string()));
        }
        let status = json!({"hard": hard, "used": used});
        store.set_status("", "resourcequotas", namespace, name, status);
    }
}
