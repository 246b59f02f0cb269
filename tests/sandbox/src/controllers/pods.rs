//! Pods: the status their containers would report, Pods made for controllers, bare Pods.

use std::time::Duration;

use serde_json::{Value, json};

use super::events::record_event;
use super::{Failure, controller_options, failure, owner_reference};
use crate::FAIL_ANNOTATION;
use crate::store::{NODE_NAME, Store, owner_uids};
use crate::util::{annotation, ensure_object, get_str, name_of, now_rfc3339, random_u64, uid_of};

/// The status a Pod's containers would report. `run_to_completion` for Jobs and Pods with
/// restartPolicy Never/OnFailure.
pub(super) fn pod_status(
    pod_name: &str,
    spec: &Value,
    failure: Option<Failure>,
    run_to_completion: bool,
) -> Value {
    let now = now_rfc3339();
    let mut statuses = Vec::new();
    for container in spec
        .get("containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = get_str(container, &["name"]).unwrap_or("");
        let image = get_str(container, &["image"]).unwrap_or("");
        let mut status = json!({
            "name": name, "image": image, "imageID": "", "containerID": format!("sandbox://{pod_name}/{name}"),
            "restartCount": 0, "started": false, "ready": false,
        });
        match (failure, run_to_completion) {
            (None, false) => {
                status["state"] = json!({"running": {"startedAt": now}});
                status["started"] = json!(true);
                status["ready"] = json!(true);
                status["imageID"] = json!(format!("{image}@sha256:{}", "0".repeat(64)));
            }
            (None, true) => {
                status["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}});
                status["imageID"] = json!(format!("{image}@sha256:{}", "0".repeat(64)));
            }
            (Some(Failure::ImagePull), _) => {
                status.as_object_mut().unwrap().remove("containerID");
                status["state"] = json!({"waiting": {"reason": "ImagePullBackOff", "message": format!("Back-off pulling image \"{image}\"")}});
            }
            (Some(Failure::Crash), false) => {
                status["restartCount"] = json!(5);
                status["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off 2m40s restarting failed container={name} pod={pod_name}")}});
                status["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error", "startedAt": now, "finishedAt": now}});
            }
            (Some(Failure::Crash), true) => {
                status["state"] = json!({"terminated": {"exitCode": 1, "reason": "Error", "startedAt": now, "finishedAt": now}});
            }
        }
        statuses.push(status);
    }
    let (phase, ready, ready_reason) = match (failure, run_to_completion) {
        (None, false) => ("Running", "True", ""),
        (None, true) => ("Succeeded", "False", "PodCompleted"),
        (Some(Failure::ImagePull), _) => ("Pending", "False", "ContainersNotReady"),
        (Some(Failure::Crash), false) => ("Running", "False", "ContainersNotReady"),
        (Some(Failure::Crash), true) => ("Failed", "False", "PodFailed"),
    };
    let with_reason = |kind: &str| {
        let mut c = json!({"type": kind, "status": ready, "lastProbeTime": null, "lastTransitionTime": now});
        if !ready_reason.is_empty() {
            c["reason"] = json!(ready_reason);
            if ready_reason == "ContainersNotReady" {
                let names: Vec<&str> = statuses.iter().filter_map(|s| s["name"].as_str()).collect();
                c["message"] = json!(format!(
                    "containers with unready status: [{}]",
                    names.join(" ")
                ));
            }
        }
        c
    };
    let ip = format!("10.244.{}.{}", random_u64() % 250, random_u64() % 250 + 2);
    json!({
        "phase": phase,
        "conditions": [
            {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": null, "lastTransitionTime": now},
            {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": now},
            with_reason("Ready"),
            with_reason("ContainersReady"),
            {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now},
        ],
        "hostIP": "127.0.0.1",
        "hostIPs": [{"ip": "127.0.0.1"}],
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": now,
        "containerStatuses": statuses,
        "qosClass": "BestEffort",
    })
}

/// How soon a controller tries again after the API refused one of its Pods (quota, limits).
pub(super) const CREATE_RETRY: Duration = Duration::from_secs(1);

/// A Pod for `owner` from its template, with its final status already set. When admission
/// refuses it, `owner` gets a `FailedCreate` warning as from the real controllers, and `false`.
pub(super) fn create_pod(
    store: &mut Store,
    owner: &Value,
    name: &str,
    extra_labels: &[(&str, &str)],
    run_to_completion: bool,
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
    if let Some(fail) = annotation(owner, FAIL_ANNOTATION) {
        ensure_object(&mut metadata, &["annotations"]).insert(FAIL_ANNOTATION.into(), json!(fail));
    }
    let mut spec = template.get("spec").cloned().unwrap_or_else(|| json!({}));
    ensure_object(&mut spec, &[]).insert("nodeName".into(), json!(NODE_NAME));
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec});
    let failure = failure(owner);
    let status = pod_status(name, &spec, failure, run_to_completion);
    let created = match store.create_internal("", "pods", pod, &controller_options()) {
        Ok(created) => created,
        Err(error) => {
            let message = format!("Error creating: {}", error.message);
            // Repeats are folded into one event, as the real event recorder does.
            let earlier = store
                .namespaced("", "events", namespace)
                .find(|e| {
                    e["involvedObject"]["uid"] == uid_of(owner) && e["reason"] == "FailedCreate"
                })
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
                    &message,
                ),
            }
            return false;
        }
    };
    store.set_status("", "pods", namespace, name, status);
    if let Some(failure) = failure {
        let container = spec
            .pointer("/containers/0/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let image = spec
            .pointer("/containers/0/image")
            .and_then(Value::as_str)
            .unwrap_or("");
        let (reason, message) = match failure {
            Failure::ImagePull => (
                "Failed",
                format!(
                    "Failed to pull image \"{image}\": simulated by the {FAIL_ANNOTATION} annotation"
                ),
            ),
            Failure::Crash => (
                "BackOff",
                format!(
                    "Back-off restarting failed container {container} in pod {name}_{namespace}({})",
                    uid_of(&created)
                ),
            ),
        };
        record_event(store, &created, "kubelet", "Warning", reason, &message);
    }
    true
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

pub(super) fn reconcile_pod(store: &mut Store, pod: &Value) -> Option<Duration> {
    // Pods made by a controller are created with their status; bare Pods start "running" here.
    if owner_uids(pod).next().is_some() || pod.pointer("/status/containerStatuses").is_some() {
        return None;
    }
    let restart = get_str(pod, &["spec", "restartPolicy"]).unwrap_or("Always");
    let mut updated = pod.clone();
    ensure_object(&mut updated, &["spec"]).insert("nodeName".into(), json!(NODE_NAME));
    let status = pod_status(
        name_of(pod),
        &updated["spec"],
        failure(pod),
        restart != "Always",
    );
    updated["status"] = status;
    store.replace_internal("", "pods", updated);
    None
}
