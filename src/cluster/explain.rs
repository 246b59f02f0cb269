//! Why an object is not ready, in one short text: from its own status, its Pods and their
//! Events, as a person with kubectl would find out (`describe`, `get pods`). The waiting loop
//! calls it when a wait fails or times out; hooks call [`job`] and [`pod`] to say why a hook
//! failed. The reading of a Pod's state is pure ([`pod_status`]); the rest makes a few GETs and
//! LISTs (never a watch), so it costs nothing until something needs explaining.

use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{Api, ListParams};
use serde_json::Value;

/// Waiting reasons that mean the image cannot be had.
const IMAGE_REASONS: &[&str] = &[
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "ErrImageNeverPull",
];

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn conditions(object: &Value) -> impl Iterator<Item = &Value> {
    object
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn condition<'a>(object: &'a Value, kind: &str) -> Option<&'a Value> {
    conditions(object).find(|c| c["type"] == kind)
}

/// `Reason: message` of a condition (or whichever of the two it has).
fn condition_text(condition: &Value) -> String {
    let reason = text(condition, "/reason");
    let message = text(condition, "/message");
    match (reason.is_empty(), message.is_empty()) {
        (false, false) => format!("{reason}: {message}"),
        (false, true) => reason.to_string(),
        _ => message.to_string(),
    }
}

/// What is wrong with a Pod, from its status alone; `None` when nothing is (it may simply not
/// be ready yet). Unschedulable, a container that cannot pull its image (with the image), a
/// crash loop (with the last exit code and the restart count), a container that ended with a
/// non-zero exit code, or the Pod's own failure reason (`Evicted`, `DeadlineExceeded`).
pub fn pod_status(pod: &Value) -> Option<String> {
    if let Some(scheduled) = condition(pod, "PodScheduled")
        && scheduled["status"] == "False"
    {
        return Some(condition_text(scheduled));
    }
    for status in crate::cluster::ready::container_statuses(pod) {
        if let Some(found) = container_status(status) {
            return Some(found);
        }
    }
    if text(pod, "/status/phase") == "Failed" {
        let reason = text(pod, "/status/reason");
        let message = text(pod, "/status/message");
        return Some(match (reason.is_empty(), message.is_empty()) {
            (true, true) => "the Pod failed".to_string(),
            (false, true) => format!("the Pod failed: {reason}"),
            (true, false) => format!("the Pod failed: {message}"),
            (false, false) => format!("the Pod failed: {reason}: {message}"),
        });
    }
    None
}

/// What is wrong with one container, from its entry in `containerStatuses`.
fn container_status(status: &Value) -> Option<String> {
    let name = text(status, "/name");
    let image = text(status, "/image");
    let restarts = status["restartCount"].as_i64().unwrap_or(0);
    if let Some(waiting) = status.pointer("/state/waiting") {
        let reason = text(waiting, "/reason");
        let message = text(waiting, "/message");
        if IMAGE_REASONS.contains(&reason) {
            let mut found = format!("container `{name}`: {reason}: cannot pull image `{image}`");
            if !message.is_empty() {
                found.push_str(&format!(" ({message})"));
            }
            return Some(found);
        }
        if reason == "CrashLoopBackOff" {
            let exit = match status.pointer("/lastState/terminated") {
                Some(last) => format!(
                    "last exit code {} ({})",
                    last["exitCode"].as_i64().unwrap_or(0),
                    non_empty(text(last, "/reason"), "Error")
                ),
                None => "no exit code recorded".to_string(),
            };
            return Some(format!(
                "container `{name}`: CrashLoopBackOff: {exit}, restarted {restarts} {}",
                if restarts == 1 { "time" } else { "times" }
            ));
        }
        if !reason.is_empty() && !matches!(reason, "ContainerCreating" | "PodInitializing") {
            return Some(if message.is_empty() {
                format!("container `{name}`: {reason}")
            } else {
                format!("container `{name}`: {reason}: {message}")
            });
        }
    }
    if let Some(terminated) = status.pointer("/state/terminated") {
        let code = terminated["exitCode"].as_i64().unwrap_or(0);
        if code != 0 {
            let mut found = format!(
                "container `{name}` exited with code {code} ({})",
                non_empty(text(terminated, "/reason"), "Error")
            );
            let message = text(terminated, "/message");
            if !message.is_empty() {
                found.push_str(&format!(": {message}"));
            }
            if restarts > 0 {
                found.push_str(&format!(", restarted {restarts} times"));
            }
            return Some(found);
        }
    }
    None
}

fn non_empty<'a>(value: &'a str, default: &'a str) -> &'a str {
    if value.is_empty() { default } else { value }
}

/// A label selector (`spec.selector` of a workload) as the API's query syntax.
pub fn selector_query(selector: &Value) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(labels) = selector.get("matchLabels").and_then(Value::as_object) {
        for (key, value) in labels {
            parts.push(format!("{key}={}", value.as_str().unwrap_or_default()));
        }
    }
    for expression in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = text(expression, "/key");
        let values: Vec<&str> = expression["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        parts.push(match text(expression, "/operator") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => continue,
        });
    }
    (!parts.is_empty()).then(|| parts.join(","))
}

/// The Pods of a namespace that a selector picks, as JSON.
async fn pods(client: &kube::Client, namespace: &str, selector: &str) -> Vec<Value> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    match api.list(&ListParams::default().labels(selector)).await {
        Ok(list) => list
            .items
            .iter()
            .filter_map(|pod| serde_json::to_value(pod).ok())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The latest Warning Event about the named object, as `Reason: message`.
async fn latest_warning(
    client: &kube::Client,
    namespace: &str,
    kind: &str,
    name: &str,
) -> Option<String> {
    let api: Api<Event> = Api::namespaced(client.clone(), namespace);
    let fields = format!("involvedObject.name={name}");
    let events = match api.list(&ListParams::default().fields(&fields)).await {
        Ok(list) => list.items,
        // A server that cannot select by these fields: select here instead.
        Err(_) => api.list(&ListParams::default()).await.ok()?.items,
    };
    events
        .into_iter()
        .filter(|e| {
            e.involved_object.name.as_deref() == Some(name)
                && e.involved_object.kind.as_deref() == Some(kind)
                && e.type_.as_deref() == Some("Warning")
        })
        .max_by_key(|e| {
            e.last_timestamp
                .as_ref()
                .map(|t| t.0)
                .or(e.event_time.as_ref().map(|t| t.0))
        })
        .map(|e| {
            format!(
                "{}: {}",
                e.reason.unwrap_or_default(),
                e.message.unwrap_or_default()
            )
        })
}

fn name_of(object: &Value) -> &str {
    text(object, "/metadata/name")
}

fn namespace_of(object: &Value) -> &str {
    text(object, "/metadata/namespace")
}

/// Why a Pod is not ready or failed: its status, else its latest Warning Event, else its phase.
pub async fn pod(client: &kube::Client, pod: &Value) -> String {
    if let Some(found) = pod_status(pod) {
        return found;
    }
    if let Some(warning) = latest_warning(client, namespace_of(pod), "Pod", name_of(pod)).await {
        return warning;
    }
    format!("phase {}", non_empty(text(pod, "/status/phase"), "Pending"))
}

/// What is wrong with the Pod that best says it, from their statuses alone: failed ones first,
/// then any with a problem (`Pod `web-1`: container `web`: ImagePullBackOff: ...`).
pub fn pods_problem<'a>(pods: impl IntoIterator<Item = &'a Value> + Clone) -> Option<String> {
    let failed = pods
        .clone()
        .into_iter()
        .filter(|p| text(p, "/status/phase") == "Failed")
        .chain(
            pods.into_iter()
                .filter(|p| text(p, "/status/phase") != "Failed"),
        );
    for candidate in failed {
        if let Some(found) = pod_status(candidate) {
            return Some(format!("Pod `{}`: {found}", name_of(candidate)));
        }
    }
    None
}

/// Every Pod of a namespace, as JSON (`None` when they cannot be listed).
pub async fn pods_in(client: &kube::Client, namespace: &str) -> Option<Vec<Value>> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let list = api.list(&ListParams::default()).await.ok()?;
    Some(
        list.items
            .iter()
            .filter_map(|pod| serde_json::to_value(pod).ok())
            .collect(),
    )
}

/// Whether `pod` is one of the Pods of `workload` (a Deployment, StatefulSet, DaemonSet,
/// ReplicaSet or Job), by the workload's selector (a Job without one: its `job-name` label).
pub fn selects(workload: &Value, pod: &Value) -> bool {
    if namespace_of(workload) != namespace_of(pod) {
        return false;
    }
    let labels = pod.pointer("/metadata/labels").and_then(Value::as_object);
    let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
    let Some(selector) = workload.pointer("/spec/selector").filter(|s| s.is_object()) else {
        return text(workload, "/kind") == "Job"
            && label("batch.kubernetes.io/job-name") == Some(name_of(workload));
    };
    let mut any = false;
    if let Some(wanted) = selector.get("matchLabels").and_then(Value::as_object) {
        for (key, value) in wanted {
            any = true;
            if label(key) != value.as_str() {
                return false;
            }
        }
    }
    for expression in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        any = true;
        let key = text(expression, "/key");
        let values: Vec<&str> = expression["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let holds = match text(expression, "/operator") {
            "In" => label(key).is_some_and(|v| values.contains(&v)),
            "NotIn" => !label(key).is_some_and(|v| values.contains(&v)),
            "Exists" => label(key).is_some(),
            "DoesNotExist" => label(key).is_none(),
            _ => false,
        };
        if !holds {
            return false;
        }
    }
    // An empty selector selects nothing here: no Pod is worth naming for it.
    any
}

/// Picks the Pod that best says what is wrong: failed ones first, then any with a problem.
async fn worst_pod(client: &kube::Client, pods: &[Value]) -> Option<String> {
    if let Some(found) = pods_problem(pods) {
        return Some(found);
    }
    // Nothing in their statuses: what the kubelet or the scheduler said about the first one.
    let first = pods.first()?;
    let warning = latest_warning(client, namespace_of(first), "Pod", name_of(first)).await?;
    Some(format!("Pod `{}`: {warning}", name_of(first)))
}

/// Why a Job failed or has not completed: its `Failed` condition (`BackoffLimitExceeded`,
/// `DeadlineExceeded`) and the failing Pod's reason and exit code.
pub async fn job(client: &kube::Client, job: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(failed) = condition(job, "Failed").filter(|c| c["status"] == "True") {
        parts.push(condition_text(failed));
    }
    let namespace = namespace_of(job);
    let selector = job
        .pointer("/spec/selector")
        .and_then(selector_query)
        .unwrap_or_else(|| format!("batch.kubernetes.io/job-name={}", name_of(job)));
    let uid = text(job, "/metadata/uid");
    let owned: Vec<Value> = pods(client, namespace, &selector)
        .await
        .into_iter()
        .filter(|pod| owned_by(pod, uid))
        .collect();
    if let Some(found) = worst_pod(client, &owned).await {
        parts.push(found);
    } else if let Some(warning) = latest_warning(client, namespace, "Job", name_of(job)).await {
        parts.push(warning);
    }
    if parts.is_empty() {
        "not complete, and no Pod of it says why".to_string()
    } else {
        parts.join("; ")
    }
}

fn owned_by(object: &Value, uid: &str) -> bool {
    uid.is_empty()
        || object
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .is_some_and(|owners| owners.iter().any(|o| o["uid"] == uid))
}

/// Why `object` (a live object with `kind`) is not ready, from its status, its Pods and their
/// Events; `None` when there is nothing to add to what its readiness already says.
pub async fn object(client: &kube::Client, object: &Value) -> Option<String> {
    let kind = text(object, "/kind");
    match kind {
        "Pod" => Some(pod(client, object).await),
        "Job" => Some(job(client, object).await),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => {
            let mut parts = Vec::new();
            for kind in ["Progressing", "ReplicaFailure"] {
                if let Some(found) = condition(object, kind).filter(|c| {
                    (kind == "Progressing" && c["status"] == "False")
                        || (kind == "ReplicaFailure" && c["status"] == "True")
                }) {
                    parts.push(format!("{kind}: {}", condition_text(found)));
                }
            }
            let selector = object.pointer("/spec/selector").and_then(selector_query);
            if let Some(selector) = selector {
                let pods = pods(client, namespace_of(object), &selector).await;
                if let Some(found) = worst_pod(client, &pods).await {
                    parts.push(found);
                }
            }
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pods_say_what_is_wrong() {
        let pulling = json!({"status": {"phase": "Pending", "containerStatuses": [{"name": "web", "image": "web:9",
            "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"web:9\""}}}]}});
        assert_eq!(
            pod_status(&pulling).unwrap(),
            "container `web`: ImagePullBackOff: cannot pull image `web:9` (Back-off pulling image \"web:9\")"
        );
        let crashing = json!({"status": {"phase": "Running", "containerStatuses": [{"name": "web", "image": "web:1",
            "restartCount": 5, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 2, "reason": "Error"}}}]}});
        assert_eq!(
            pod_status(&crashing).unwrap(),
            "container `web`: CrashLoopBackOff: last exit code 2 (Error), restarted 5 times"
        );
        let unschedulable = json!({"status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
            "reason": "Unschedulable", "message": "0/1 nodes are available: 1 Insufficient cpu."}]}});
        assert_eq!(
            pod_status(&unschedulable).unwrap(),
            "Unschedulable: 0/1 nodes are available: 1 Insufficient cpu."
        );
        let failed = json!({"status": {"phase": "Failed", "containerStatuses": [{"name": "migrate",
            "state": {"terminated": {"exitCode": 3, "reason": "Error"}}}]}});
        assert_eq!(
            pod_status(&failed).unwrap(),
            "container `migrate` exited with code 3 (Error)"
        );
        let evicted =
            json!({"status": {"phase": "Failed", "reason": "Evicted", "message": "low on memory"}});
        assert_eq!(
            pod_status(&evicted).unwrap(),
            "the Pod failed: Evicted: low on memory"
        );
        let starting = json!({"status": {"phase": "Pending", "containerStatuses": [{"name": "web",
            "state": {"waiting": {"reason": "ContainerCreating"}}}]}});
        assert_eq!(pod_status(&starting), None);
    }

    #[test]
    fn workloads_select_their_pods() {
        let deployment = json!({"kind": "Deployment", "metadata": {"name": "web", "namespace": "dev"},
            "spec": {"selector": {"matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]}}});
        let pod = |namespace: &str, labels: Value| json!({"metadata": {"namespace": namespace, "labels": labels}});
        assert!(selects(&deployment, &pod("dev", json!({"app": "web"}))));
        assert!(!selects(
            &deployment,
            &pod("dev", json!({"app": "web", "tier": "db"}))
        ));
        assert!(!selects(&deployment, &pod("dev", json!({"app": "api"}))));
        assert!(!selects(&deployment, &pod("prod", json!({"app": "web"}))));
        let job =
            json!({"kind": "Job", "metadata": {"name": "migrate", "namespace": "dev"}, "spec": {}});
        assert!(selects(
            &job,
            &pod("dev", json!({"batch.kubernetes.io/job-name": "migrate"}))
        ));
    }

    #[test]
    fn selectors_become_queries() {
        let selector = json!({"matchLabels": {"app": "web"}, "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["a", "b"]},
            {"key": "canary", "operator": "DoesNotExist"}]});
        assert_eq!(
            selector_query(&selector).unwrap(),
            "app=web,tier in (a,b),!canary"
        );
        assert_eq!(selector_query(&json!({})), None);
    }
}
