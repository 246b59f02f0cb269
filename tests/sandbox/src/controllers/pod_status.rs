//! What a Pod's status says at each step of its life, and what the scheduler thinks of it.

use serde_json::{Value, json};

use super::{Failure, failure, template_annotation};
use crate::EXIT_CODE_ANNOTATION;
use crate::admission::quantity::Quantity;
use crate::util::{get_str, now_rfc3339, random_u64};

/// What the annotations and the restart policy make of a Pod.
#[derive(Debug, Clone, Copy)]
pub(super) struct Behaviour {
    pub failure: Option<Failure>,
    exit_code: Option<i64>,
    /// restartPolicy `Never`/`OnFailure` (Jobs, one-shot Pods): the containers end.
    pub run_to_completion: bool,
}

impl Behaviour {
    pub fn of(pod: &Value) -> Behaviour {
        Behaviour {
            failure: failure(pod),
            exit_code: template_annotation(pod, EXIT_CODE_ANNOTATION)
                .and_then(|code| code.trim().parse::<i64>().ok()),
            run_to_completion: get_str(pod, &["spec", "restartPolicy"]).unwrap_or("Always")
                != "Always",
        }
    }

    /// The exit code of the first container when it ends.
    pub fn exit_code(&self) -> i64 {
        self.exit_code
            .unwrap_or(if self.failure == Some(Failure::Crash) {
                1
            } else {
                0
            })
    }

    /// A container that ends in a Pod that restarts it: CrashLoopBackOff.
    pub fn crash_loops(&self) -> bool {
        !self.run_to_completion
            && (self.failure == Some(Failure::Crash) || self.exit_code.is_some())
    }
}

/// `(name, image)` of the Pod's containers.
pub(super) fn containers(pod: &Value) -> Vec<(String, String)> {
    pod.pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            (
                get_str(c, &["name"]).unwrap_or("").to_string(),
                get_str(c, &["image"]).unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The scheduler's message when the Pod fits on no node, as in a `FailedScheduling` event.
pub(super) fn unschedulable(pod: &Value, node: Option<&Value>) -> Option<String> {
    if failure(pod) == Some(Failure::Unschedulable) {
        return Some(
            "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. \
             preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
                .into(),
        );
    }
    let mut missing = Vec::new();
    for resource in ["cpu", "memory"] {
        let requested = pod
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| {
                let resources = c.get("resources")?;
                let value = resources
                    .pointer(&format!("/requests/{resource}"))
                    .or_else(|| resources.pointer(&format!("/limits/{resource}")))?;
                Quantity::parse(value.as_str()?)
            })
            .fold(Quantity::zero(), Quantity::add);
        let allocatable = node
            .and_then(|n| n.pointer(&format!("/status/allocatable/{resource}")))
            .and_then(Value::as_str)
            .and_then(Quantity::parse);
        if allocatable.is_some_and(|a| requested > a) {
            missing.push(format!("1 Insufficient {resource}"));
        }
    }
    (!missing.is_empty()).then(|| {
        format!(
            "0/1 nodes are available: {}. preemption: 0/1 nodes are available: 1 No preemption \
             victims found for incoming pod.",
            missing.join(", ")
        )
    })
}

fn reason_for(code: i64) -> &'static str {
    if code == 0 { "Completed" } else { "Error" }
}

pub(super) fn terminated(code: i64, started: &Value, container_id: &str) -> Value {
    json!({"terminated": {
        "exitCode": code, "reason": reason_for(code), "startedAt": started,
        "finishedAt": now_rfc3339(), "containerID": container_id,
    }})
}

pub(super) fn container_id(pod_name: &str, container: &str, restarts: i64) -> String {
    format!("sandbox://{pod_name}/{container}/{restarts}")
}

/// One entry of `containerStatuses`; `id` is the container's ID once it was created.
pub(super) fn container_status(
    name: &str,
    image: &str,
    state: Value,
    ready: bool,
    id: Option<String>,
) -> Value {
    let running = state.get("running").is_some();
    let mut status = json!({
        "name": name, "image": image, "imageID": "",
        "restartCount": 0, "started": running, "ready": ready, "state": state,
    });
    if let Some(id) = id {
        status["containerID"] = json!(id);
        status["imageID"] = json!(format!("{image}@sha256:{}", "0".repeat(64)));
    }
    status
}

fn qos_class(pod: &Value) -> &'static str {
    let has_resources = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| {
            c.get("resources")
                .and_then(Value::as_object)
                .is_some_and(|r| !r.is_empty())
        });
    if has_resources {
        "Burstable"
    } else {
        "BestEffort"
    }
}

/// The status of a Pod the scheduler could not place.
pub(super) fn pending_status(pod: &Value, message: &str) -> Value {
    json!({
        "phase": "Pending",
        "conditions": [{
            "type": "PodScheduled", "status": "False", "lastProbeTime": null,
            "lastTransitionTime": now_rfc3339(), "reason": "Unschedulable", "message": message,
        }],
        "qosClass": qos_class(pod),
    })
}

/// The whole status of a scheduled Pod with these container statuses; the phase follows from
/// them as the kubelet derives it.
pub(super) fn pod_status(pod: &Value, statuses: Vec<Value>, earlier: Option<&Value>) -> Value {
    let now = now_rfc3339();
    let state = |s: &Value, key: &str| s.pointer(&format!("/state/{key}")).is_some();
    let all_terminated = !statuses.is_empty() && statuses.iter().all(|s| state(s, "terminated"));
    let any_failed = statuses.iter().any(|s| {
        s.pointer("/state/terminated/exitCode")
            .and_then(Value::as_i64)
            != Some(0)
    });
    let any_started = statuses
        .iter()
        .any(|s| state(s, "running") || state(s, "terminated") || s.get("lastState").is_some());
    let phase = match (all_terminated, any_failed) {
        (true, true) => "Failed",
        (true, false) => "Succeeded",
        _ if any_started => "Running",
        _ => "Pending",
    };
    let unready: Vec<&str> = statuses
        .iter()
        .filter(|s| s["ready"] != json!(true))
        .filter_map(|s| s["name"].as_str())
        .collect();
    let keep_time = |kind: &str, status: &str| {
        earlier
            .and_then(|e| e.get("conditions"))
            .and_then(Value::as_array)
            .and_then(|cs| {
                cs.iter()
                    .find(|c| c["type"] == kind && c["status"] == status)
            })
            .and_then(|c| c.get("lastTransitionTime").cloned())
            .unwrap_or_else(|| json!(now))
    };
    let ready = |kind: &str| {
        let status = if unready.is_empty() { "True" } else { "False" };
        let mut c = json!({"type": kind, "status": status, "lastProbeTime": null, "lastTransitionTime": keep_time(kind, status)});
        if all_terminated {
            c["reason"] = json!("PodCompleted");
        } else if !unready.is_empty() {
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            ));
        }
        c
    };
    let started = earlier
        .and_then(|e| e.get("startTime").cloned())
        .unwrap_or_else(|| json!(now));
    let ip = earlier
        .and_then(|e| e.get("podIP").cloned())
        .unwrap_or_else(|| {
            json!(format!(
                "10.244.{}.{}",
                random_u64() % 250,
                random_u64() % 250 + 2
            ))
        });
    let ready_to_start = if phase == "Pending" || !all_terminated {
        "True"
    } else {
        "False"
    };
    json!({
        "phase": phase,
        "conditions": [
            {"type": "PodReadyToStartContainers", "status": ready_to_start, "lastProbeTime": null, "lastTransitionTime": keep_time("PodReadyToStartContainers", ready_to_start)},
            {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": keep_time("Initialized", "True")},
            ready("Ready"),
            ready("ContainersReady"),
            {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": keep_time("PodScheduled", "True")},
        ],
        "hostIP": "127.0.0.1",
        "hostIPs": [{"ip": "127.0.0.1"}],
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": started,
        "containerStatuses": statuses,
        "qosClass": qos_class(pod),
    })
}
