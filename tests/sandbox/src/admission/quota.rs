//! ResourceQuota: what each object uses of each quota resource, admission of new objects
//! against `spec.hard`, and `status.hard`/`status.used` kept current after every write.

use std::collections::BTreeMap;

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

/// What the namespace's objects use of `key`, as the quota controller would count it.
fn used(store: &Store, namespace: &str, key: &str) -> Quantity {
    let Some((group, plural)) = source(key) else {
        return Quantity::zero();
    };
    store
        .namespaced(&group, &plural, namespace)
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
            let used = used(store, namespace, key);
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

/// Recounts every quota of the namespace and writes `status.hard` and `status.used`.
pub fn refresh(store: &mut Store, namespace: &str) {
    let quotas: Vec<(String, Value)> = store
        .namespaced("", "resourcequotas", namespace)
        .map(|quota| {
            let hard = quota.pointer("/spec/hard").cloned().unwrap_or(json!({}));
            (name_of(quota).to_string(), hard)
        })
        .collect();
    for (name, hard) in quotas {
        let mut used = Map::new();
        for key in hard.as_object().into_iter().flatten().map(|(k, _)| k) {
            used.insert(
                key.clone(),
                json!(self::used(store, namespace, key).to_string()),
            );
        }
        let status = json!({"hard": hard, "used": used});
        store.set_status("", "resourcequotas", namespace, &name, status);
    }
}
