//! Deployments, ReplicaSets, StatefulSets and DaemonSets.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

use super::events::record_event;
use super::pods::{CREATE_RETRY, create_pod};
use super::{condition, controller_options, count, int, is_ready, live, owner_reference};
use crate::FAIL_ANNOTATION;
use crate::store::Store;
use crate::util::{
    annotation, ensure_object, get_str, name_of, now_rfc3339, parse_rfc3339, random_suffix,
    stable_hash, uid_of,
};

pub(super) fn reconcile_replicaset(store: &mut Store, replica_set: &Value) -> Option<Duration> {
    let namespace = crate::util::namespace_of(replica_set);
    let name = name_of(replica_set);
    let desired = int(replica_set, &["spec", "replicas"], 1).max(0) as usize;
    let mut pods = live(store.owned_by("", "pods", namespace, uid_of(replica_set)));
    let mut retry = None;
    while pods.len() < desired {
        let pod_name = format!("{name}-{}", random_suffix(5));
        if !create_pod(store, replica_set, &pod_name, &[], false) {
            retry = Some(CREATE_RETRY);
            break;
        }
        pods = live(store.owned_by("", "pods", namespace, uid_of(replica_set)));
    }
    for extra in pods.iter().skip(desired) {
        store.delete_internal("", "pods", namespace, name_of(extra));
        record_event(
            store,
            replica_set,
            "replicaset-controller",
            "Normal",
            "SuccessfulDelete",
            &format!("Deleted pod: {}", name_of(extra)),
        );
    }
    let pods = live(store.owned_by("", "pods", namespace, uid_of(replica_set)));
    let ready = pods.iter().filter(|p| is_ready(p)).count() as i64;
    let mut status = Map::new();
    status.insert("replicas".into(), json!(pods.len()));
    count(&mut status, "fullyLabeledReplicas", pods.len() as i64);
    count(&mut status, "readyReplicas", ready);
    count(&mut status, "availableReplicas", ready);
    status.insert(
        "observedGeneration".into(),
        json!(int(replica_set, &["metadata", "generation"], 1)),
    );
    if retry.is_some() {
        let message = failed_create_message(store, replica_set);
        status.insert(
            "conditions".into(),
            json!([{"type": "ReplicaFailure", "status": "True", "lastTransitionTime": now_rfc3339(), "reason": "FailedCreate", "message": message}]),
        );
    }
    store.set_status(
        "apps",
        "replicasets",
        namespace,
        name,
        Value::Object(status),
    );
    retry
}

/// The message of the latest `FailedCreate` event of `owner` (the API's refusal).
fn failed_create_message(store: &Store, owner: &Value) -> String {
    store
        .namespaced("", "events", crate::util::namespace_of(owner))
        .filter(|e| e["involvedObject"]["uid"] == uid_of(owner) && e["reason"] == "FailedCreate")
        .last()
        .and_then(|e| e["message"].as_str())
        .map(|m| m.trim_start_matches("Error creating: ").to_string())
        .unwrap_or_default()
}

/// `maxUnavailable` of a rolling update: an integer or a percentage of `replicas`, rounded down.
fn max_unavailable(deployment: &Value, replicas: i64) -> i64 {
    match deployment.pointer("/spec/strategy/rollingUpdate/maxUnavailable") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) if s.ends_with('%') => s
            .trim_end_matches('%')
            .parse::<i64>()
            .map(|p| replicas * p / 100)
            .unwrap_or(0),
        _ if get_str(deployment, &["spec", "strategy", "type"]) == Some("Recreate") => replicas,
        _ => replicas / 4,
    }
}

pub(super) fn reconcile_deployment(store: &mut Store, deployment: &Value) -> Option<Duration> {
    let namespace = crate::util::namespace_of(deployment).to_string();
    let name = name_of(deployment).to_string();
    let uid = uid_of(deployment).to_string();
    let desired = int(deployment, &["spec", "replicas"], 1).max(0);
    let mut template = deployment
        .pointer("/spec/template")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let hash = stable_hash(&template);
    let new_name = format!("{name}-{hash}");
    let owned = store.owned_by("apps", "replicasets", &namespace, &uid);
    let revision = owned
        .iter()
        .filter_map(|rs| {
            annotation(rs, "deployment.kubernetes.io/revision")?
                .parse::<i64>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    match owned.iter().find(|rs| name_of(rs) == new_name) {
        None => {
            ensure_object(&mut template, &["metadata", "labels"])
                .insert("pod-template-hash".into(), json!(hash));
            let mut selector = deployment
                .pointer("/spec/selector")
                .cloned()
                .unwrap_or_else(|| json!({}));
            ensure_object(&mut selector, &["matchLabels"])
                .insert("pod-template-hash".into(), json!(hash));
            let mut labels = template
                .pointer("/metadata/labels")
                .cloned()
                .unwrap_or_else(|| json!({}));
            ensure_object(&mut labels, &[]);
            let mut annotations = json!({
                "deployment.kubernetes.io/revision": (revision + 1).to_string(),
                "deployment.kubernetes.io/desired-replicas": desired.to_string(),
                "deployment.kubernetes.io/max-replicas": desired.to_string(),
            });
            if let Some(fail) = annotation(deployment, FAIL_ANNOTATION) {
                annotations[FAIL_ANNOTATION] = json!(fail);
            }
            let replica_set = json!({
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": new_name, "namespace": namespace, "labels": labels, "annotations": annotations,
                    "ownerReferences": [owner_reference(deployment)],
                },
                "spec": {"replicas": desired, "selector": selector, "template": template},
            });
            let message = format!("Scaled up replica set {new_name} from 0 to {desired}");
            if store
                .create_internal("apps", "replicasets", replica_set, &controller_options())
                .is_ok()
            {
                record_event(
                    store,
                    deployment,
                    "deployment-controller",
                    "Normal",
                    "ScalingReplicaSet",
                    &message,
                );
            }
        }
        Some(current) if int(current, &["spec", "replicas"], 1) != desired => {
            scale_replica_set(store, deployment, current, desired);
        }
        Some(_) => {}
    }
    for old in owned.iter().filter(|rs| name_of(rs) != new_name) {
        if int(old, &["spec", "replicas"], 1) != 0 {
            scale_replica_set(store, deployment, old, 0);
        }
    }

    let owned = store.owned_by("apps", "replicasets", &namespace, &uid);
    let sum = |field: &str| {
        owned
            .iter()
            .map(|rs| int(rs, &["status", field], 0))
            .sum::<i64>()
    };
    let (replicas, ready, available) = (
        sum("replicas"),
        sum("readyReplicas"),
        sum("availableReplicas"),
    );
    let new_set = owned.iter().find(|rs| name_of(rs) == new_name);
    let updated = new_set
        .map(|rs| int(rs, &["status", "replicas"], 0))
        .unwrap_or(0);
    let new_observed = new_set.is_some_and(|rs| {
        int(rs, &["status", "observedGeneration"], 0) >= int(rs, &["metadata", "generation"], 1)
            && int(rs, &["status", "replicas"], -1) == desired
    });
    let complete =
        new_observed && updated == desired && replicas == desired && available >= desired;

    let existing = deployment
        .pointer("/status/conditions")
        .cloned()
        .unwrap_or(Value::Null);
    let generation = int(deployment, &["metadata", "generation"], 1);
    let new_rollout = int(deployment, &["status", "observedGeneration"], 0) != generation;
    let progressing = existing
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c.get("type") == Some(&json!("Progressing")))
        .cloned();
    let deadline = Duration::from_secs(
        int(deployment, &["spec", "progressDeadlineSeconds"], 600).max(0) as u64,
    );
    let mut requeue = None;
    let (status_text, reason, message) = if complete {
        (
            "True",
            "NewReplicaSetAvailable",
            format!("ReplicaSet \"{new_name}\" has successfully progressed."),
        )
    } else {
        let previous_reason = progressing
            .as_ref()
            .and_then(|c| c.get("reason")?.as_str().map(String::from));
        let started = progressing
            .as_ref()
            .filter(|_| !new_rollout && previous_reason.as_deref() == Some("ReplicaSetUpdated"))
            .and_then(|c| parse_rfc3339(c.get("lastUpdateTime")?.as_str()?))
            .unwrap_or_else(SystemTime::now);
        let elapsed = SystemTime::now()
            .duration_since(started)
            .unwrap_or_default();
        if (!new_rollout && previous_reason.as_deref() == Some("ProgressDeadlineExceeded"))
            || elapsed >= deadline
        {
            (
                "False",
                "ProgressDeadlineExceeded",
                format!("ReplicaSet \"{new_name}\" has timed out progressing."),
            )
        } else {
            requeue = Some(deadline - elapsed + Duration::from_millis(20));
            (
                "True",
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{new_name}\" is progressing."),
            )
        }
    };
    let minimum = desired - max_unavailable(deployment, desired);
    let available_condition =
        if available >= minimum.max(0) && (desired == 0 || available > 0 || minimum <= 0) {
            condition(
                &existing,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                true,
            )
        } else {
            condition(
                &existing,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                true,
            )
        };
    // A rollout in progress keeps its start time; only a new rollout or a state change resets it.
    let progressing_condition = if !complete && status_text == "True" && !new_rollout {
        match progressing.filter(|c| c.get("reason") == Some(&json!("ReplicaSetUpdated"))) {
            Some(previous) => previous,
            None => condition(
                &existing,
                "Progressing",
                status_text,
                reason,
                &message,
                true,
            ),
        }
    } else {
        let mut fresh = condition(
            &existing,
            "Progressing",
            status_text,
            reason,
            &message,
            true,
        );
        if new_rollout && !complete {
            fresh["lastUpdateTime"] = json!(now_rfc3339());
        }
        fresh
    };
    let mut status = Map::new();
    status.insert("observedGeneration".into(), json!(generation));
    count(&mut status, "replicas", replicas);
    count(&mut status, "updatedReplicas", updated);
    count(&mut status, "readyReplicas", ready);
    count(&mut status, "availableReplicas", available);
    count(
        &mut status,
        "unavailableReplicas",
        (desired - available).max(0),
    );
    let mut conditions = vec![available_condition, progressing_condition];
    // Pods the API refused (quota, LimitRange) show on the Deployment, as the real controller
    // copies its ReplicaSet's `ReplicaFailure`.
    let failure = new_set
        .and_then(|rs| {
            rs.pointer("/status/conditions")?
                .as_array()?
                .first()
                .cloned()
        })
        .filter(|c| c["type"] == "ReplicaFailure" && c["status"] == "True");
    if let Some(failure) = failure {
        let message = failure["message"].as_str().unwrap_or("");
        conditions.push(condition(
            &existing,
            "ReplicaFailure",
            "True",
            "FailedCreate",
            message,
            true,
        ));
    }
    status.insert("conditions".into(), json!(conditions));
    store.set_status(
        "apps",
        "deployments",
        &namespace,
        &name,
        Value::Object(status),
    );
    requeue
}

/// Sets the replicas of a Deployment's ReplicaSet, with the deployment controller's event.
fn scale_replica_set(store: &mut Store, deployment: &Value, replica_set: &Value, replicas: i64) {
    let before = int(replica_set, &["spec", "replicas"], 1);
    let mut scaled = replica_set.clone();
    scaled["spec"]["replicas"] = json!(replicas);
    store.replace_internal("apps", "replicasets", scaled);
    let direction = if replicas > before { "up" } else { "down" };
    record_event(
        store,
        deployment,
        "deployment-controller",
        "Normal",
        "ScalingReplicaSet",
        &format!(
            "Scaled {direction} replica set {} from {before} to {replicas}",
            name_of(replica_set)
        ),
    );
}

pub(super) fn reconcile_statefulset(store: &mut Store, set: &Value) -> Option<Duration> {
    let namespace = crate::util::namespace_of(set).to_string();
    let name = name_of(set).to_string();
    let uid = uid_of(set).to_string();
    let desired = int(set, &["spec", "replicas"], 1).max(0);
    let revision = format!(
        "{name}-{}",
        stable_hash(set.pointer("/spec/template").unwrap_or(&Value::Null))
    );
    let mut retry = None;
    for ordinal in 0..desired {
        let pod_name = format!("{name}-{ordinal}");
        if let Some(pod) = store.lookup("", "pods", &namespace, &pod_name) {
            if crate::util::labels(&pod).and_then(|l| l.get("controller-revision-hash"))
                == Some(&json!(revision))
            {
                continue;
            }
            store.delete_internal("", "pods", &namespace, &pod_name);
        }
        for claim in set
            .pointer("/spec/volumeClaimTemplates")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let claim_name = format!("{}-{pod_name}", name_of(claim));
            if store
                .lookup("", "persistentvolumeclaims", &namespace, &claim_name)
                .is_none()
            {
                let mut claim = claim.clone();
                let metadata = ensure_object(&mut claim, &["metadata"]);
                metadata.insert("name".into(), json!(claim_name));
                metadata.insert("namespace".into(), json!(namespace));
                let _ = store.create_internal(
                    "",
                    "persistentvolumeclaims",
                    claim,
                    &controller_options(),
                );
            }
        }
        let ordinal_text = ordinal.to_string();
        let labels = [
            ("statefulset.kubernetes.io/pod-name", pod_name.as_str()),
            ("controller-revision-hash", revision.as_str()),
            ("apps.kubernetes.io/pod-index", ordinal_text.as_str()),
        ];
        if !create_pod(store, set, &pod_name, &labels, false) {
            retry = Some(CREATE_RETRY);
            break;
        }
    }
    for pod in live(store.owned_by("", "pods", &namespace, &uid)) {
        let ordinal = name_of(&pod)
            .rsplit('-')
            .next()
            .and_then(|o| o.parse::<i64>().ok());
        if ordinal.is_none_or(|o| o >= desired) {
            store.delete_internal("", "pods", &namespace, name_of(&pod));
        }
    }
    let pods = live(store.owned_by("", "pods", &namespace, &uid));
    let ready = pods.iter().filter(|p| is_ready(p)).count() as i64;
    let mut status = Map::new();
    status.insert(
        "observedGeneration".into(),
        json!(int(set, &["metadata", "generation"], 1)),
    );
    status.insert("replicas".into(), json!(pods.len()));
    count(&mut status, "readyReplicas", ready);
    count(&mut status, "currentReplicas", pods.len() as i64);
    count(&mut status, "updatedReplicas", pods.len() as i64);
    count(&mut status, "availableReplicas", ready);
    status.insert("currentRevision".into(), json!(revision));
    status.insert("updateRevision".into(), json!(revision));
    status.insert("collisionCount".into(), json!(0));
    store.set_status(
        "apps",
        "statefulsets",
        &namespace,
        &name,
        Value::Object(status),
    );
    retry
}

pub(super) fn reconcile_daemonset(store: &mut Store, set: &Value) -> Option<Duration> {
    let namespace = crate::util::namespace_of(set).to_string();
    let name = name_of(set).to_string();
    let uid = uid_of(set).to_string();
    let revision = stable_hash(set.pointer("/spec/template").unwrap_or(&Value::Null));
    let pods = live(store.owned_by("", "pods", &namespace, &uid));
    let current = |pod: &Arc<Value>| {
        crate::util::labels(pod).and_then(|l| l.get("controller-revision-hash"))
            == Some(&json!(revision))
    };
    for stale in pods.iter().filter(|p| !current(p)) {
        store.delete_internal("", "pods", &namespace, name_of(stale));
    }
    let mut retry = None;
    // The sandbox has one node, so a DaemonSet has one Pod.
    if !pods.iter().any(current) {
        let pod_name = format!("{name}-{}", random_suffix(5));
        if !create_pod(
            store,
            set,
            &pod_name,
            &[("controller-revision-hash", revision.as_str())],
            false,
        ) {
            retry = Some(CREATE_RETRY);
        }
    }
    let pods = live(store.owned_by("", "pods", &namespace, &uid));
    let ready = pods.iter().filter(|p| is_ready(p)).count() as i64;
    let mut status = Map::new();
    status.insert("currentNumberScheduled".into(), json!(pods.len()));
    status.insert("desiredNumberScheduled".into(), json!(1));
    status.insert("numberMisscheduled".into(), json!(0));
    status.insert("numberReady".into(), json!(ready));
    status.insert(
        "observedGeneration".into(),
        json!(int(set, &["metadata", "generation"], 1)),
    );
    count(&mut status, "updatedNumberScheduled", pods.len() as i64);
    count(&mut status, "numberAvailable", ready);
    count(&mut status, "numberUnavailable", 1 - ready);
    store.set_status(
        "apps",
        "daemonsets",
        &namespace,
        &name,
        Value::Object(status),
    );
    retry
}
