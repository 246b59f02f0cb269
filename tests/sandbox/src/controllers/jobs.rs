//! Jobs.

use std::time::Duration;

use serde_json::{Value, json};

use super::pods::{CREATE_RETRY, create_pod};
use super::{failure, int};
use crate::store::Store;
use crate::util::{name_of, now_rfc3339, random_suffix, uid_of};

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
    let failure = failure(job);
    let completions = int(job, &["spec", "completions"], 1).max(1);
    let pods_wanted = if failure.is_some() { 1 } else { completions };
    let job_labels = [
        ("batch.kubernetes.io/job-name", name.as_str()),
        ("job-name", name.as_str()),
    ];
    if store
        .owned_by("", "pods", &namespace, uid_of(job))
        .is_empty()
    {
        for _ in 0..pods_wanted {
            let pod_name = format!("{name}-{}", random_suffix(5));
            if !create_pod(store, job, &pod_name, &job_labels, true) {
                // Not started: the Job waits for its Pods, as a real one stays active.
                return Some(CREATE_RETRY);
            }
        }
    }
    let now = now_rfc3339();
    let start = job
        .pointer("/status/startTime")
        .cloned()
        .unwrap_or_else(|| json!(now));
    let status = match failure {
        None => json!({
            "startTime": start,
            "completionTime": now,
            "succeeded": completions,
            "ready": 0,
            "terminating": 0,
            "uncountedTerminatedPods": {},
            "conditions": [
                {"type": "SuccessCriteriaMet", "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods"},
                {"type": "Complete", "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods"},
            ],
        }),
        Some(_) => json!({
            "startTime": start,
            "failed": int(job, &["spec", "backoffLimit"], 6) + 1,
            "ready": 0,
            "terminating": 0,
            "uncountedTerminatedPods": {},
            "conditions": [
                {"type": "FailureTarget", "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"},
                {"type": "Failed", "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"},
            ],
        }),
    };
    store.set_status("batch", "jobs", &namespace, &name, status);
    None
}
