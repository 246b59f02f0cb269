//! Simulated controllers, so readiness logic can be tested against the sandbox: workloads get
//! ReplicaSets, Pods and status; Jobs complete; bare Pods run; PVCs bind; LoadBalancer Services
//! get an address; terminating namespaces are emptied. Nothing runs: Pods only carry a status.
//!
//! The `sandbox.charts.dev/fail` annotation (on the workload or its Pod template) makes things
//! fail: `image-pull` (ImagePullBackOff) or `crash` (CrashLoopBackOff); Deployments then never
//! become available and time out after `spec.progressDeadlineSeconds`, and Jobs fail.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use crate::FAIL_ANNOTATION;
use crate::due::Due;
use crate::server::Shared;
use crate::store::{EventType, NODE_NAME, Store, WatchEvent, WriteOptions, owner_uids};
use crate::util::{
    annotation, ensure_object, get_path, get_str, name_of, now_rfc3339, parse_rfc3339,
    random_suffix, random_u64, stable_hash, uid_of,
};

/// `(group, plural, namespace, name)` of an object to reconcile.
type Target = (String, String, String, String);

const WATCHED: &[(&str, &str)] = &[
    ("apps", "deployments"),
    ("apps", "replicasets"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("batch", "jobs"),
    ("", "pods"),
    ("", "persistentvolumeclaims"),
    ("", "services"),
    ("", "namespaces"),
];

pub async fn run(shared: Arc<Shared>) {
    let delay = shared.options.controller_delay;
    let mut receiver = shared.store().subscribe();
    let mut due: Due<Target> = Due::new();
    loop {
        let next = due.next();
        tokio::select! {
            received = receiver.recv() => match received {
                Ok(event) => schedule(&event, &mut due, delay),
                Err(RecvError::Lagged(_)) => resync(&shared, &mut due, delay),
                Err(RecvError::Closed) => return,
            },
            _ = tokio::time::sleep_until(next.unwrap_or_else(Instant::now)), if next.is_some() => {
                let now = Instant::now();
                for target in due.take_ready(now) {
                    let mut store = shared.store();
                    if let Some(after) = reconcile(&mut store, &target) {
                        due.insert(target, now + after);
                    }
                }
            }
        }
    }
}

fn watched(group: &str, plural: &str) -> bool {
    WATCHED.iter().any(|(g, p)| *g == group && *p == plural)
}

fn at_least(due: &mut Due<Target>, target: Target, at: Instant) {
    due.at_least(target, at);
}

fn owner_target(reference: &Value, namespace: &str) -> Option<Target> {
    let (group, plural) = match reference.get("kind")?.as_str()? {
        "ReplicaSet" => ("apps", "replicasets"),
        "Deployment" => ("apps", "deployments"),
        "StatefulSet" => ("apps", "statefulsets"),
        "DaemonSet" => ("apps", "daemonsets"),
        "Job" => ("batch", "jobs"),
        _ => return None,
    };
    Some((
        group.into(),
        plural.into(),
        namespace.into(),
        reference.get("name")?.as_str()?.into(),
    ))
}

fn schedule(event: &WatchEvent, due: &mut Due<Target>, delay: Duration) {
    let (group, plural) = &event.key;
    if !watched(group, plural) {
        return;
    }
    let object = &event.object;
    let namespace = crate::util::namespace_of(object).to_string();
    // A change to an owned object is news for its owner, at once.
    for reference in object
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(owner) = owner_target(reference, &namespace) {
            at_least(due, owner, Instant::now());
        }
    }
    if event.event_type != EventType::Deleted {
        let target = (
            group.clone(),
            plural.clone(),
            namespace,
            name_of(object).to_string(),
        );
        at_least(due, target, Instant::now() + delay);
    }
}

fn resync(shared: &Shared, due: &mut Due<Target>, delay: Duration) {
    let store = shared.store();
    for (group, plural) in WATCHED {
        for object in store.all(group, plural) {
            let target = (
                group.to_string(),
                plural.to_string(),
                crate::util::namespace_of(&object).to_string(),
                name_of(&object).to_string(),
            );
            at_least(due, target, Instant::now() + delay);
        }
    }
}

fn reconcile(store: &mut Store, target: &Target) -> Option<Duration> {
    let (group, plural, namespace, name) = target;
    let object = store.lookup(group, plural, namespace, name)?;
    if object.pointer("/metadata/deletionTimestamp").is_some() {
        // A namespace whose objects still have finalizers is looked at again until they go.
        if plural == "namespaces" && !store.finalize_namespace(name) {
            return Some(Duration::from_millis(200));
        }
        return None;
    }
    match (group.as_str(), plural.as_str()) {
        ("apps", "deployments") => reconcile_deployment(store, &object),
        ("apps", "replicasets") => reconcile_replicaset(store, &object),
        ("apps", "statefulsets") => reconcile_statefulset(store, &object),
        ("apps", "daemonsets") => reconcile_daemonset(store, &object),
        ("batch", "jobs") => reconcile_job(store, &object),
        ("", "pods") => reconcile_pod(store, &object),
        ("", "persistentvolumeclaims") => reconcile_claim(store, &object),
        ("", "services") => reconcile_service(store, &object),
        _ => None,
    }
}

fn controller_options() -> WriteOptions {
    WriteOptions {
        field_manager: "kube-controller-manager".into(),
        ..WriteOptions::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Failure {
    ImagePull,
    Crash,
}

fn failure(object: &Value) -> Option<Failure> {
    let value = annotation(object, FAIL_ANNOTATION).or_else(|| {
        object
            .pointer("/spec/template/metadata/annotations")
            .and_then(|a| a.get(FAIL_ANNOTATION))
            .and_then(Value::as_str)
    })?;
    match value.to_ascii_lowercase().as_str() {
        "image-pull" | "imagepull" | "imagepullbackoff" | "errimagepull" => {
            Some(Failure::ImagePull)
        }
        "crash" | "crashloop" | "crashloopbackoff" => Some(Failure::Crash),
        _ => None,
    }
}

fn int(value: &Value, path: &[&str], default: i64) -> i64 {
    get_path(value, path)
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

fn owner_reference(owner: &Value) -> Value {
    json!({
        "apiVersion": owner.get("apiVersion"),
        "kind": owner.get("kind"),
        "name": name_of(owner),
        "uid": uid_of(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

fn is_ready(pod: &Value) -> bool {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c.get("type") == Some(&json!("Ready")) && c.get("status") == Some(&json!("True")))
}

fn live(objects: Vec<Arc<Value>>) -> Vec<Arc<Value>> {
    objects
        .into_iter()
        .filter(|o| o.pointer("/metadata/deletionTimestamp").is_none())
        .collect()
}

/// Puts a key only when the count is not zero, as the API omits zero counters.
fn count(status: &mut Map<String, Value>, key: &str, value: i64) {
    if value != 0 {
        status.insert(key.into(), json!(value));
    }
}

fn condition(
    existing: &Value,
    kind: &str,
    status: &str,
    reason: &str,
    message: &str,
    update_time: bool,
) -> Value {
    let now = now_rfc3339();
    let previous = existing
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(kind));
    let same_status = previous.filter(|p| p.get("status").and_then(Value::as_str) == Some(status));
    let transition = same_status
        .and_then(|p| p.get("lastTransitionTime").cloned())
        .unwrap_or_else(|| json!(now));
    let unchanged = same_status.filter(|p| {
        p.get("reason").and_then(Value::as_str) == Some(reason)
            && p.get("message").and_then(Value::as_str) == Some(message)
    });
    let mut out = json!({"type": kind, "status": status});
    if update_time {
        out["lastUpdateTime"] = unchanged
            .and_then(|p| p.get("lastUpdateTime").cloned())
            .unwrap_or_else(|| json!(now));
    }
    out["lastTransitionTime"] = transition;
    out["reason"] = json!(reason);
    out["message"] = json!(message);
    out
}

/// The status a Pod's containers would report. `run_to_completion` for Jobs and Pods with
/// restartPolicy Never/OnFailure.
fn pod_status(
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
const CREATE_RETRY: Duration = Duration::from_secs(1);

/// A Pod for `owner` from its template, with its final status already set. When admission
/// refuses it, `owner` gets a `FailedCreate` warning as from the real controllers, and `false`.
fn create_pod(
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
fn controller_of(owner: &Value) -> &'static str {
    match owner.get("kind").and_then(Value::as_str) {
        Some("StatefulSet") => "statefulset-controller",
        Some("DaemonSet") => "daemonset-controller",
        Some("Job") => "job-controller",
        _ => "replicaset-controller",
    }
}

/// Writes a core/v1 Event about `object`, as the component that noticed it would.
fn record_event(
    store: &mut Store,
    object: &Value,
    component: &str,
    kind: &str,
    reason: &str,
    message: &str,
) {
    let now = now_rfc3339();
    let namespace = crate::util::namespace_of(object);
    let event = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": format!("{}.{:016x}", name_of(object), random_u64()), "namespace": namespace},
        "involvedObject": {
            "apiVersion": object.get("apiVersion"), "kind": object.get("kind"),
            "name": name_of(object), "namespace": namespace, "uid": uid_of(object),
        },
        "reason": reason,
        "message": message,
        "type": kind,
        "source": {"component": component, "host": NODE_NAME},
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "reportingComponent": component,
        "reportingInstance": NODE_NAME,
    });
    let _ = store.create_internal("", "events", event, &controller_options());
}

fn reconcile_pod(store: &mut Store, pod: &Value) -> Option<Duration> {
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

fn reconcile_replicaset(store: &mut Store, replica_set: &Value) -> Option<Duration> {
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

fn reconcile_deployment(store: &mut Store, deployment: &Value) -> Option<Duration> {
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
            let mut scaled = (**current).clone();
            scaled["spec"]["replicas"] = json!(desired);
            store.replace_internal("apps", "replicasets", scaled);
        }
        Some(_) => {}
    }
    for old in owned.iter().filter(|rs| name_of(rs) != new_name) {
        if int(old, &["spec", "replicas"], 1) != 0 {
            let mut scaled = (**old).clone();
            scaled["spec"]["replicas"] = json!(0);
            store.replace_internal("apps", "replicasets", scaled);
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

fn reconcile_statefulset(store: &mut Store, set: &Value) -> Option<Duration> {
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

fn reconcile_daemonset(store: &mut Store, set: &Value) -> Option<Duration> {
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

fn reconcile_job(store: &mut Store, job: &Value) -> Option<Duration> {
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

fn reconcile_claim(store: &mut Store, claim: &Value) -> Option<Duration> {
    if get_str(claim, &["status", "phase"]) == Some("Bound") {
        return None;
    }
    let namespace = crate::util::namespace_of(claim).to_string();
    let volume_name = format!("pvc-{}", uid_of(claim));
    let storage = claim
        .pointer("/spec/resources/requests/storage")
        .cloned()
        .unwrap_or_else(|| json!("1Gi"));
    let access_modes = claim
        .pointer("/spec/accessModes")
        .cloned()
        .unwrap_or_else(|| json!(["ReadWriteOnce"]));
    let storage_class = claim
        .pointer("/spec/storageClassName")
        .cloned()
        .unwrap_or_else(|| json!("standard"));
    let volume = json!({
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": volume_name, "annotations": {"pv.kubernetes.io/provisioned-by": "sandbox.charts.dev/no-storage"}},
        "spec": {
            "capacity": {"storage": storage}, "accessModes": access_modes, "persistentVolumeReclaimPolicy": "Delete",
            "storageClassName": storage_class, "volumeMode": "Filesystem",
            "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "namespace": namespace, "name": name_of(claim), "uid": uid_of(claim)},
            "hostPath": {"path": format!("/nonexistent/{volume_name}")},
        },
    });
    if store
        .lookup("", "persistentvolumes", "", &volume_name)
        .is_none()
    {
        let _ = store.create_internal("", "persistentvolumes", volume, &controller_options());
    }
    store.set_status(
        "",
        "persistentvolumes",
        "",
        &volume_name,
        json!({"phase": "Bound"}),
    );
    let mut bound = claim.clone();
    ensure_object(&mut bound, &["spec"]).insert("volumeName".into(), json!(volume_name));
    let annotations = ensure_object(&mut bound, &["metadata", "annotations"]);
    annotations.insert("pv.kubernetes.io/bind-completed".into(), json!("yes"));
    annotations.insert("pv.kubernetes.io/bound-by-controller".into(), json!("yes"));
    bound["status"] =
        json!({"phase": "Bound", "accessModes": access_modes, "capacity": {"storage": storage}});
    store.replace_internal("", "persistentvolumeclaims", bound);
    None
}

fn reconcile_service(store: &mut Store, service: &Value) -> Option<Duration> {
    if get_str(service, &["spec", "type"]) != Some("LoadBalancer")
        || service.pointer("/status/loadBalancer/ingress").is_some()
    {
        return None;
    }
    let ip = format!("172.18.255.{}", random_u64() % 200 + 10);
    let status = json!({"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"}]}});
    store.set_status(
        "",
        "services",
        crate::util::namespace_of(service),
        name_of(service),
        status,
    );
    None
}
