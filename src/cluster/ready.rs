//! Whether a live object is ready, from its status alone: the per-kind rules Helm's legacy
//! waiter and kstatus share. Pure functions over JSON, so each rule is tested without a cluster.

use serde_json::Value;

/// A live object's readiness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// Not yet: what it is waiting for.
    Pending(String),
    /// It will not get there without a change: why.
    Failed(String),
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        matches!(self, Readiness::Ready)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Readiness::Ready => "ready",
            Readiness::Pending(_) => "pending",
            Readiness::Failed(_) => "failed",
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            Readiness::Ready => "",
            Readiness::Pending(reason) | Readiness::Failed(reason) => reason,
        }
    }
}

fn int(value: &Value, pointer: &str) -> i64 {
    value.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn condition<'a>(object: &'a Value, kind: &str) -> Option<&'a Value> {
    object
        .pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

fn condition_is(object: &Value, kind: &str, status: &str) -> bool {
    condition(object, kind).is_some_and(|c| c["status"] == status)
}

fn condition_message(object: &Value, kind: &str) -> String {
    condition(object, kind)
        .map(|c| {
            let reason = c["reason"].as_str().unwrap_or_default();
            let message = c["message"].as_str().unwrap_or_default();
            match (reason.is_empty(), message.is_empty()) {
                (false, false) => format!("{reason}: {message}"),
                (false, true) => reason.to_string(),
                _ => message.to_string(),
            }
        })
        .unwrap_or_default()
}

/// The controller has not seen the latest spec yet.
fn stale(object: &Value) -> Option<Readiness> {
    let generation = int(object, "/metadata/generation");
    let observed = object
        .pointer("/status/observedGeneration")
        .and_then(Value::as_i64);
    match observed {
        Some(observed) if observed < generation => Some(Readiness::Pending(format!(
            "the controller has not observed generation {generation} yet"
        ))),
        _ => None,
    }
}

/// The statuses of a pod's init containers, then of its containers.
pub(crate) fn container_statuses(pod: &Value) -> impl Iterator<Item = &Value> {
    ["initContainerStatuses", "containerStatuses"]
        .into_iter()
        .flat_map(|list| {
            pod.pointer(&format!("/status/{list}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
}

/// Why a pod's containers are not running, if a container says so.
fn pod_waiting_reason(pod: &Value) -> Option<String> {
    for status in container_statuses(pod) {
        if let Some(waiting) = status.pointer("/state/waiting") {
            let reason = waiting["reason"].as_str().unwrap_or_default();
            if matches!(
                reason,
                "ImagePullBackOff"
                    | "ErrImagePull"
                    | "CrashLoopBackOff"
                    | "CreateContainerConfigError"
                    | "InvalidImageName"
            ) {
                let container = status["name"].as_str().unwrap_or_default();
                let message = waiting["message"].as_str().unwrap_or_default();
                return Some(format!("container `{container}`: {reason}: {message}"));
            }
        }
    }
    None
}

/// Why a failed pod's container ended: its terminated state's reason and exit code.
fn pod_terminated_reason(pod: &Value) -> Option<String> {
    for status in container_statuses(pod) {
        let Some(terminated) = status.pointer("/state/terminated") else {
            continue;
        };
        let code = terminated["exitCode"].as_i64().unwrap_or(0);
        if code == 0 {
            continue;
        }
        let container = status["name"].as_str().unwrap_or_default();
        let reason = terminated["reason"].as_str().unwrap_or("Error");
        return Some(format!(
            "container `{container}` exited with code {code} ({reason})"
        ));
    }
    None
}

/// Kinds without a rule of their own (custom resources among them), by the kstatus rules:
/// `Stalled=True` fails, `Reconciling=True` is in progress, a `Ready` (else `Available`)
/// condition must be `True`; without any of these, an object is ready once it exists.
fn custom(object: &Value) -> Readiness {
    if condition_is(object, "Stalled", "True") {
        return Readiness::Failed(or_type(condition_message(object, "Stalled"), "Stalled"));
    }
    if condition_is(object, "Reconciling", "True") {
        return Readiness::Pending(or_type(
            condition_message(object, "Reconciling"),
            "Reconciling",
        ));
    }
    for kind in ["Ready", "Available"] {
        if let Some(found) = condition(object, kind) {
            return if found["status"] == "True" {
                Readiness::Ready
            } else {
                let status = found["status"].as_str().unwrap_or("Unknown");
                let message = condition_message(object, kind);
                Readiness::Pending(if message.is_empty() {
                    format!("{kind}={status}")
                } else {
                    format!("{kind}={status}: {message}")
                })
            };
        }
    }
    Readiness::Ready
}

fn or_type(message: String, kind: &str) -> String {
    if message.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {message}")
    }
}

/// The readiness of `object` (a full live object with `kind` and `status`).
pub fn readiness(object: &Value) -> Readiness {
    let kind = object["kind"].as_str().unwrap_or_default();
    if object.pointer("/metadata/deletionTimestamp").is_some() {
        return Readiness::Pending("being deleted".into());
    }
    if let Some(stale) = stale(object) {
        return stale;
    }
    match kind {
        "Deployment" => {
            if condition(object, "Progressing")
                .is_some_and(|c| c["reason"] == "ProgressDeadlineExceeded")
            {
                return Readiness::Failed(condition_message(object, "Progressing"));
            }
            let wanted = object
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let updated = int(object, "/status/updatedReplicas");
            let available = int(object, "/status/availableReplicas");
            let total = int(object, "/status/replicas");
            // Pods the API refuses (quota, limits) show as `ReplicaFailure` on the Deployment.
            let failure = if condition_is(object, "ReplicaFailure", "True") {
                format!(
                    " (ReplicaFailure: {})",
                    condition_message(object, "ReplicaFailure")
                )
            } else {
                String::new()
            };
            if updated < wanted {
                Readiness::Pending(format!("{updated} of {wanted} replicas updated{failure}"))
            } else if total > updated {
                Readiness::Pending(format!(
                    "{} old replicas pending termination",
                    total - updated
                ))
            } else if available < wanted {
                Readiness::Pending(format!(
                    "{available} of {wanted} replicas available{failure}"
                ))
            } else {
                Readiness::Ready
            }
        }
        "StatefulSet" => {
            let wanted = object
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let ready = int(object, "/status/readyReplicas");
            let updated = int(object, "/status/updatedReplicas");
            let rolling = object.pointer("/spec/updateStrategy/type")
                != Some(&Value::String("OnDelete".into()));
            if ready < wanted {
                Readiness::Pending(format!("{ready} of {wanted} replicas ready"))
            } else if rolling && updated < wanted {
                Readiness::Pending(format!("{updated} of {wanted} replicas updated"))
            } else {
                Readiness::Ready
            }
        }
        "DaemonSet" => {
            let wanted = int(object, "/status/desiredNumberScheduled");
            let ready = int(object, "/status/numberReady");
            let updated = int(object, "/status/updatedNumberScheduled");
            if updated < wanted {
                Readiness::Pending(format!("{updated} of {wanted} pods updated"))
            } else if ready < wanted {
                Readiness::Pending(format!("{ready} of {wanted} pods ready"))
            } else {
                Readiness::Ready
            }
        }
        "ReplicaSet" | "ReplicationController" => {
            let wanted = object
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let ready = int(object, "/status/readyReplicas");
            if ready < wanted {
                Readiness::Pending(format!("{ready} of {wanted} replicas ready"))
            } else {
                Readiness::Ready
            }
        }
        "Job" => {
            if condition_is(object, "Failed", "True") {
                Readiness::Failed(condition_message(object, "Failed"))
            } else if condition_is(object, "Complete", "True") {
                Readiness::Ready
            } else {
                Readiness::Pending("not complete".into())
            }
        }
        "Pod" => {
            let phase = object
                .pointer("/status/phase")
                .and_then(Value::as_str)
                .unwrap_or("Pending");
            if phase == "Succeeded" {
                return Readiness::Ready;
            }
            // A failed Pod is certain failure; a container in a back-off is not (the kubelet
            // keeps trying, and so does Helm's waiter): it stays pending, with the reason.
            if phase == "Failed" {
                return Readiness::Failed(
                    pod_terminated_reason(object)
                        .or_else(|| pod_waiting_reason(object))
                        .unwrap_or_else(|| "the pod failed".into()),
                );
            }
            if let Some(reason) = pod_waiting_reason(object) {
                return Readiness::Pending(reason);
            }
            if condition_is(object, "PodScheduled", "False") {
                return Readiness::Pending(condition_message(object, "PodScheduled"));
            }
            if condition_is(object, "Ready", "True") {
                Readiness::Ready
            } else {
                Readiness::Pending(format!("phase {phase}, not ready"))
            }
        }
        "PersistentVolumeClaim" => match object.pointer("/status/phase").and_then(Value::as_str) {
            Some("Bound") => Readiness::Ready,
            Some("Lost") => Readiness::Failed("the claim lost its volume".into()),
            phase => Readiness::Pending(format!("phase {}", phase.unwrap_or("Pending"))),
        },
        "Service" => {
            let load_balancer = object.pointer("/spec/type") == Some(&Value::from("LoadBalancer"));
            let ingress = object
                .pointer("/status/loadBalancer/ingress")
                .and_then(Value::as_array)
                .is_some_and(|i| !i.is_empty());
            if load_balancer && !ingress {
                Readiness::Pending("waiting for a load balancer address".into())
            } else {
                Readiness::Ready
            }
        }
        "CustomResourceDefinition" => {
            if condition_is(object, "Established", "True") {
                Readiness::Ready
            } else {
                Readiness::Pending("not established yet".into())
            }
        }
        _ => custom(object),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deployments() {
        let mut deployment = json!({"kind": "Deployment", "metadata": {"generation": 2},
            "spec": {"replicas": 2},
            "status": {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2}});
        assert!(
            matches!(readiness(&deployment), Readiness::Pending(_)),
            "stale generation"
        );
        deployment["status"]["observedGeneration"] = json!(2);
        assert_eq!(readiness(&deployment), Readiness::Ready);
        deployment["status"]["availableReplicas"] = json!(1);
        assert_eq!(
            readiness(&deployment),
            Readiness::Pending("1 of 2 replicas available".into())
        );
        deployment["status"]["conditions"] = json!([{"type": "Progressing", "status": "False",
            "reason": "ProgressDeadlineExceeded", "message": "ReplicaSet \"web-1\" has timed out progressing."}]);
        assert!(matches!(readiness(&deployment), Readiness::Failed(m) if m.contains("timed out")));
    }

    #[test]
    fn jobs_pods_and_claims() {
        let job = json!({"kind": "Job", "status": {"conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]}});
        assert_eq!(
            readiness(&job),
            Readiness::Failed(
                "BackoffLimitExceeded: Job has reached the specified backoff limit".into()
            )
        );
        let job = json!({"kind": "Job", "status": {"conditions": [{"type": "Complete", "status": "True"}]}});
        assert!(readiness(&job).is_ready());
        let pod = json!({"kind": "Pod", "status": {"phase": "Pending", "containerStatuses": [
            {"name": "web", "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"x\""}}}]}});
        assert!(
            matches!(readiness(&pod), Readiness::Pending(m) if m.contains("`web`: ImagePullBackOff")),
            "a back-off is not certain failure"
        );
        let pod = json!({"kind": "Pod", "status": {"phase": "Failed", "containerStatuses": [
            {"name": "main", "state": {"terminated": {"exitCode": 3, "reason": "Error"}}}]}});
        assert_eq!(
            readiness(&pod),
            Readiness::Failed("container `main` exited with code 3 (Error)".into())
        );
        let claim = json!({"kind": "PersistentVolumeClaim", "status": {"phase": "Bound"}});
        assert!(readiness(&claim).is_ready());
        let config = json!({"kind": "ConfigMap"});
        assert!(readiness(&config).is_ready());
        let service = json!({"kind": "Service", "spec": {"type": "LoadBalancer"}, "status": {}});
        assert!(!readiness(&service).is_ready());
    }

    #[test]
    fn custom_resources_follow_kstatus() {
        let mut database = json!({"kind": "Database", "metadata": {"generation": 2},
            "status": {"observedGeneration": 1, "conditions": [{"type": "Ready", "status": "True"}]}});
        assert!(!readiness(&database).is_ready(), "stale generation");
        database["status"]["observedGeneration"] = json!(2);
        assert!(readiness(&database).is_ready());
        database["status"]["conditions"] = json!([{"type": "Ready", "status": "False",
            "reason": "Provisioning", "message": "waiting for storage"}]);
        assert_eq!(
            readiness(&database),
            Readiness::Pending("Ready=False: Provisioning: waiting for storage".into())
        );
        database["status"]["conditions"] = json!([{"type": "Available", "status": "True"}]);
        assert!(readiness(&database).is_ready());
        database["status"]["conditions"] =
            json!([{"type": "Stalled", "status": "True", "message": "bad spec"}]);
        assert_eq!(
            readiness(&database),
            Readiness::Failed("Stalled: bad spec".into())
        );
        assert!(
            readiness(&json!({"kind": "Widget"})).is_ready(),
            "no conditions"
        );
    }
}
