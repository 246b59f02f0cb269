//! Jobs: Pods that run to completion, a new Pod for each failed one until `spec.backoffLimit`
//! (default 6) is passed, then `Failed` with reason `BackoffLimitExceeded`; `Complete` once
//! `spec.completions` Pods succeeded. Events as the job controller writes them.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::events::record_event;
use super::pods::{CREATE_RETRY, create_pod};
use super::{Failure, failure, int, is_ready, live};
use crate::store::Store;
use crate::util::{name_of, now_rfc3339, random_suffix, uid_of};

fn phase(pod: &Arc<Value>) -> &str {
    pod.pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub(super) fn reconcile_job(store: &mut Store, job: &Value) -> Option<Duration> {
    let namespace = crate::util::namespace_of(job).to_string();
    let name = name_of(job).to_string();
    let finished = job
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| {
            matches!(
                c.get("type").and_then(Value::as_str),
                Some("Complete" | "Failed")
            ) && c["status"] == "True"
        });
    if finished || job.pointer("/spec/suspend") == Some(&json!(true)) {
        return None;
    }
    let completions = int(job, &["spec", "completions"], 1).max(1);
    let parallelism = int(job, &["spec", "parallelism"], 1).max(1);
    let backoff_limit = int(job, &["spec", "backoffLimit"], 6).max(0);
    let job_labels = [
        ("batch.kubernetes.io/job-name", name.as_str()),
        ("job-name", name.as_str()),
    ];
    let now = now_rfc3339();
    let start = job
        .pointer("/status/startTime")
        .cloned()
        .unwrap_or_else(|| json!(now));
    let mut pods = live(store.owned_by("", "pods", &namespace, uid_of(job)));
    let count = |pods: &[Arc<Value>], wanted: &str| {
        pods.iter().filter(|p| phase(p) == wanted).count() as i64
    };
    let succeeded = count(&pods, "Succeeded");
    let failed = count(&pods, "Failed");
    // A Pod that cannot pull its image fails the Job at once here (a real Job would stay
    // active until its activeDeadlineSeconds).
    let pull_stuck = failure(job) == Some(Failure::ImagePull)
        && pods.iter().any(|p| {
            p.pointer("/status/containerStatuses/0/state/waiting/reason")
                == Some(&json!("ImagePullBackOff"))
        });
    if failed > backoff_limit || pull_stuck {
        let message = "Job has reached the specified backoff limit";
        let status = json!({
            "startTime": start,
            "failed": if pull_stuck { backoff_limit + 1 } else { failed },
            "succeeded": succeeded,
            "ready": 0,
            "terminating": 0,
            "uncountedTerminatedPods": {},
            "conditions": [
                {"type": "FailureTarget", "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": "BackoffLimitExceeded", "message": message},
                {"type": "Failed", "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": "BackoffLimitExceeded", "message": message},
            ],
        });
        store.set_status("batch", "jobs", &namespace, &name, strip_zero(status));
        record_event(
            store,
            job,
            "job-controller",
            "Warning",
            "BackoffLimitExceeded",
            message,
        );
        return None;
    }
    if succeeded >= completions {
        let message = "Reached expected number of succeeded pods";
        let status = json!({
            "startTime": start,
            "completionTime": now,
            "succeeded": succeeded,
            "failed": failed,
            "ready": 0,
            "terminating": 0,
            "uncountedTerminatedPods": {},
            "conditions": [
                {"type": "SuccessCriteriaMet", "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": "CompletionsReached", "message": message},
                {"type": "Complete", "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": "CompletionsReached", "message": message},
            ],
        });
        store.set_status("batch", "jobs", &namespace, &name, strip_zero(status));
        record_event(
            store,
            job,
            "job-controller",
            "Normal",
            "Completed",
            "Job completed",
        );
        return None;
    }
    let mut retry = None;
    let active = |pods: &[Arc<Value>]| {
        pods.iter()
            .filter(|p| !matches!(phase(p), "Succeeded" | "Failed"))
            .count() as i64
    };
    let wanted = parallelism.min(completions - succeeded);
    while active(&pods) < wanted {
        let pod_name = format!("{name}-{}", random_suffix(5));
        if !create_pod(store, job, &pod_name, &job_labels, true) {
            // Not started: the Job waits for its Pods, as a real one stays active.
            retry = Some(CREATE_RETRY);
            break;
        }
        pods = live(store.owned_by("", "pods", &namespace, uid_of(job)));
    }
    let ready = pods
        .iter()
        .filter(|p| phase(p) == "Running" && is_ready(p))
        .count();
    let status = json!({
        "startTime": start,
        "active": active(&pods),
        "succeeded": succeeded,
        "failed": failed,
        "ready": ready,
        "terminating": 0,
        "uncountedTerminatedPods": {},
    });
    store.set_status("batch", "jobs", &namespace, &name, strip_zero(status));
    retry
}

/// Drops the zero `active`/`succeeded`/`failed` counters, as the API omits them.
fn strip_zero(mut status: Value) -> Value {
    let map = status.as_object_mut().expect("an object");
    for key in ["active", "succeeded", "failed"] {
        if map.get(key) == Some(&json!(0)) {
            map.remove(key);
        }
    }
    status
}
