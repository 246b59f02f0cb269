//! Pods: made for their controllers, scheduled on the one node, started by a pretend kubelet
//! (with its Events), and ended as their annotations say: `Pending` → `Running` →
//! `Succeeded`/`Failed` for Pods that run to completion, a crash loop whose restart count grows,
//! an image that cannot be pulled, or no node that fits.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::events::{SCHEDULER, container_event, record_event, record_repeated};
use super::pod_status::{
    Behaviour, container_id, container_status, containers, pending_status, pod_status, terminated,
    unschedulable,
};
use super::{Failure, controller_options, owner_reference};
use crate::store::{NODE_NAME, Store};
use crate::util::{
    annotation, ensure_object, get_str, name_of, now_rfc3339, parse_rfc3339, uid_of,
};
use crate::{EXIT_CODE_ANNOTATION, FAIL_ANNOTATION, LOG_ANNOTATION};

/// How soon a controller tries again after the API refused one of its Pods (quota, limits).
pub(super) const CREATE_RETRY: Duration = Duration::from_secs(1);

/// How long a crash-looping container waits between restarts here (the kubelet's back-off
/// starts at 10 s and doubles); the restart count stops growing at [`MAX_RESTARTS`].
const CRASH_INTERVAL: Duration = Duration::from_secs(1);
const MAX_RESTARTS: i64 = 5;

/// A Pod for `owner` from its template, started at once. When admission refuses it, `owner`
/// gets a `FailedCreate` warning as from the real controllers, and `false`. `job`: the Pod runs
/// to completion (restartPolicy `Never` unless the template says `OnFailure`).
pub(super) fn create_pod(
    store: &mut Store,
    owner: &Value,
    name: &str,
    extra_labels: &[(&str, &str)],
    job: bool,
) -> bool {
    let template = owner
        .pointer("/spec/template")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let namespace = crate::util::namespace_of(owner);
    let mut metadata = template
        .get("metadata")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let labels = ensure_object(&mut metadata, &["labels"]);
    for (key, value) in extra_labels {
        labels.insert(key.to_string(), json!(value));
    }
    let metadata_map = metadata.as_object_mut().unwrap();
    metadata_map.insert("name".into(), json!(name));
    metadata_map.insert("namespace".into(), json!(namespace));
    metadata_map.insert("ownerReferences".into(), json!([owner_reference(owner)]));
    for key in [FAIL_ANNOTATION, EXIT_CODE_ANNOTATION, LOG_ANNOTATION] {
        if let Some(value) = annotation(owner, key) {
            ensure_object(&mut metadata, &["annotations"])
                .entry(key.to_string())
                .or_insert(json!(value));
        }
    }
    let mut spec = template.get("spec").cloned().unwrap_or_else(|| json!({}));
    let spec_map = ensure_object(&mut spec, &[]);
    if job && get_str(&json!(spec_map), &["restartPolicy"]) != Some("OnFailure") {
        spec_map.insert("restartPolicy".into(), json!("Never"));
    }
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec});
    let node = store.lookup("", "nodes", "", NODE_NAME);
    if unschedulable(&pod, node.as_deref()).is_none() {
        pod["spec"]["nodeName"] = json!(NODE_NAME);
    }
    if let Err(error) = store.create_internal("", "pods", pod, &controller_options()) {
        failed_create(store, owner, &format!("Error creating: {}", error.message));
        return false;
    }
    let message = match owner.get("kind").and_then(Value::as_str) {
        Some("StatefulSet") => format!(
            "create Pod {name} in StatefulSet {} successful",
            name_of(owner)
        ),
        _ => format!("Created pod: {name}"),
    };
    record_event(
        store,
        owner,
        controller_of(owner),
        "Normal",
        "SuccessfulCreate",
        &message,
    );
    // Pending until the scheduler and the kubelet take it, one controller delay later (see
    // `reconcile_pod`): that is what makes a workload take time to become available.
    store.set_status("", "pods", namespace, name, json!({"phase": "Pending"}));
    true
}

/// A `FailedCreate` warning on `owner`; repeats are folded into one event (with the latest
/// message), as the real event recorder does.
fn failed_create(store: &mut Store, owner: &Value, message: &str) {
    let namespace = crate::util::namespace_of(owner);
    let earlier = store
        .namespaced("", "events", namespace)
        .find(|e| e["involvedObject"]["uid"] == uid_of(owner) && e["reason"] == "FailedCreate")
        .cloned();
    match earlier {
        Some(earlier) => {
            let mut event = (*earlier).clone();
            event["message"] = json!(message);
            event["count"] = json!(event["count"].as_i64().unwrap_or(1) + 1);
            event["lastTimestamp"] = json!(now_rfc3339());
            store.replace_internal("", "events", event);
        }
        None => record_event(
            store,
            owner,
            controller_of(owner),
            "Warning",
            "FailedCreate",
            message,
        ),
    }
}

/// The controller that creates the Pods of `owner`, as named in its events.
pub(super) fn controller_of(owner: &Value) -> &'static str {
    match owner.get("kind").and_then(Value::as_str) {
        Some("StatefulSet") => "statefulset-controller",
        Some("DaemonSet") => "daemonset-controller",
        Some("Job") => "job-controller",
        _ => "replicaset-controller",
    }
}

/// Schedules the Pod and starts its containers: the status to write, with the scheduler's and
/// the kubelet's events recorded.
fn start(store: &mut Store, pod: &Value) -> Value {
    let node = store.lookup("", "nodes", "", NODE_NAME);
    if let Some(message) = unschedulable(pod, node.as_deref()) {
        record_repeated(
            store,
            pod,
            SCHEDULER,
            "Warning",
            "FailedScheduling",
            &message,
        );
        return pending_status(pod, &message);
    }
    let (name, namespace) = (name_of(pod), crate::util::namespace_of(pod));
    record_event(
        store,
        pod,
        SCHEDULER,
        "Normal",
        "Scheduled",
        &format!("Successfully assigned {namespace}/{name} to {NODE_NAME}"),
    );
    let behaviour = Behaviour::of(pod);
    let now = json!(now_rfc3339());
    let mut statuses = Vec::new();
    for (index, (container, image)) in containers(pod).iter().enumerate() {
        let event = |store: &mut Store, kind: &str, reason: &str, message: &str| {
            container_event(store, pod, container, kind, reason, message)
        };
        if behaviour.failure == Some(Failure::ImagePull) {
            event(
                store,
                "Normal",
                "Pulling",
                &format!("Pulling image \"{image}\""),
            );
            event(
                store,
                "Warning",
                "Failed",
                &format!(
                    "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed \
                     to pull and unpack image \"{image}\": simulated by the {FAIL_ANNOTATION} \
                     annotation"
                ),
            );
            event(store, "Warning", "Failed", "Error: ErrImagePull");
            event(
                store,
                "Normal",
                "BackOff",
                &format!("Back-off pulling image \"{image}\""),
            );
            event(store, "Warning", "Failed", "Error: ImagePullBackOff");
            let waiting = json!({"waiting": {"reason": "ImagePullBackOff", "message": format!("Back-off pulling image \"{image}\"")}});
            statuses.push(container_status(container, image, waiting, false, None));
            continue;
        }
        let always = pull_policy(pod, index) == "Always";
        if always {
            event(
                store,
                "Normal",
                "Pulling",
                &format!("Pulling image \"{image}\""),
            );
            event(
                store,
                "Normal",
                "Pulled",
                &format!(
                    "Successfully pulled image \"{image}\" in 0s (0s including waiting). Image size: 0 bytes."
                ),
            );
        } else {
            event(
                store,
                "Normal",
                "Pulled",
                &format!("Container image \"{image}\" already present on machine"),
            );
        }
        event(
            store,
            "Normal",
            "Created",
            &format!("Created container {container}"),
        );
        event(
            store,
            "Normal",
            "Started",
            &format!("Started container {container}"),
        );
        if index == 0 && behaviour.crash_loops() {
            let id = container_id(name, container, 0);
            let mut status = container_status(
                container,
                image,
                crash_loop_waiting(pod, container, 1),
                false,
                Some(id.clone()),
            );
            status["lastState"] = terminated(behaviour.exit_code(), &now, &id);
            status["restartCount"] = json!(1);
            event(
                store,
                "Warning",
                "BackOff",
                &format!(
                    "Back-off restarting failed container {container} in pod {name}_{namespace}({})",
                    uid_of(pod)
                ),
            );
            statuses.push(status);
            continue;
        }
        let id = container_id(name, container, 0);
        statuses.push(container_status(
            container,
            image,
            json!({"running": {"startedAt": now}}),
            true,
            Some(id),
        ));
    }
    pod_status(pod, statuses, None)
}

fn pull_policy(pod: &Value, index: usize) -> String {
    let container = pod.pointer(&format!("/spec/containers/{index}"));
    if let Some(policy) = container.and_then(|c| get_str(c, &["imagePullPolicy"])) {
        return policy.to_string();
    }
    let image = container.and_then(|c| get_str(c, &["image"])).unwrap_or("");
    let tag = image.rsplit('/').next().unwrap_or(image);
    if !tag.contains(':') || tag.ends_with(":latest") {
        "Always".into()
    } else {
        "IfNotPresent".into()
    }
}

fn crash_loop_waiting(pod: &Value, container: &str, restarts: i64) -> Value {
    let seconds = (10u64 << (restarts - 1).clamp(0, 5)).min(300);
    let delay = if seconds >= 60 {
        format!("{}m{}s", seconds / 60, seconds % 60)
    } else {
        format!("{seconds}s")
    };
    json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!(
        "back-off {delay} restarting failed container={container} pod={}_{}({})",
        name_of(pod), crate::util::namespace_of(pod), uid_of(pod)
    )}})
}

pub(super) fn reconcile_pod(store: &mut Store, pod: &Value) -> Option<Duration> {
    let Some(status) = pod.get("status").filter(|s| s.get("conditions").is_some()) else {
        // A Pod made through the API: the scheduler and the kubelet take it from here.
        let mut updated = pod.clone();
        let node = store.lookup("", "nodes", "", NODE_NAME);
        if unschedulable(pod, node.as_deref()).is_none() {
            ensure_object(&mut updated, &["spec"]).insert("nodeName".into(), json!(NODE_NAME));
        }
        updated["status"] = start(store, &updated);
        store.replace_internal("", "pods", updated);
        return None;
    };
    let statuses = status
        .get("containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let behaviour = Behaviour::of(pod);
    let running = |s: &Value| s.pointer("/state/running").is_some();
    if behaviour.run_to_completion && statuses.iter().any(running) {
        // The containers of a one-shot Pod end: the first with its exit code, the rest with 0.
        let ended = statuses
            .into_iter()
            .enumerate()
            .map(|(index, mut s)| {
                if let Some(started) = s.pointer("/state/running/startedAt").cloned() {
                    let code = if index == 0 { behaviour.exit_code() } else { 0 };
                    let id = s["containerID"].as_str().unwrap_or("").to_string();
                    s["state"] = terminated(code, &started, &id);
                    s["ready"] = json!(false);
                    s["started"] = json!(false);
                }
                s
            })
            .collect();
        let new_status = pod_status(pod, ended, Some(status));
        store.set_status(
            "",
            "pods",
            crate::util::namespace_of(pod),
            name_of(pod),
            new_status,
        );
        return None;
    }
    let first = statuses.first()?;
    let restarts = first["restartCount"].as_i64().unwrap_or(0);
    if first.pointer("/state/waiting/reason") != Some(&json!("CrashLoopBackOff"))
        || restarts >= MAX_RESTARTS
    {
        return None;
    }
    let finished = first
        .pointer("/lastState/terminated/finishedAt")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
        .unwrap_or_else(SystemTime::now);
    let elapsed = SystemTime::now()
        .duration_since(finished)
        .unwrap_or_default();
    if elapsed < CRASH_INTERVAL {
        return Some(CRASH_INTERVAL - elapsed);
    }
    // It ran again and crashed again.
    let container = first["name"].as_str().unwrap_or("").to_string();
    let id = container_id(name_of(pod), &container, restarts);
    let mut again = first.clone();
    again["restartCount"] = json!(restarts + 1);
    again["lastState"] = terminated(behaviour.exit_code(), &json!(now_rfc3339()), &id);
    again["containerID"] = json!(id);
    again["state"] = crash_loop_waiting(pod, &container, restarts + 1);
    let mut statuses = statuses;
    statuses[0] = again;
    container_event(
        store,
        pod,
        &container,
        "Warning",
        "BackOff",
        &format!(
            "Back-off restarting failed container {container} in pod {}_{}({})",
            name_of(pod),
            crate::util::namespace_of(pod),
            uid_of(pod)
        ),
    );
    let new_status = pod_status(pod, statuses, Some(status));
    store.set_status(
        "",
        "pods",
        crate::util::namespace_of(pod),
        name_of(pod),
        new_status,
    );
    Some(CRASH_INTERVAL)
}
