//! Simulated controllers, so readiness logic can be tested against the sandbox: workloads get
//! ReplicaSets, Pods and status; Jobs complete; bare Pods run; PVCs bind; LoadBalancer Services
//! get an address; terminating namespaces are emptied. Nothing runs: Pods only carry a status.
//!
//! The `sandbox.charts.dev/fail` annotation (on the workload or its Pod template) makes things
//! fail: `image-pull` (ImagePullBackOff) or `crash` (CrashLoopBackOff); Deployments then never
//! become available and time out after `spec.progressDeadlineSeconds`, and Jobs fail.

mod events;
mod jobs;
mod pod_status;
mod pods;
mod workloads;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use crate::FAIL_ANNOTATION;
use crate::due::Due;
use crate::server::Shared;
use crate::store::{EventType, Store, WatchEvent, WriteOptions};
use crate::util::{
    annotation, ensure_object, get_path, get_str, name_of, now_rfc3339, random_u64, uid_of,
};

use jobs::reconcile_job;
use pods::reconcile_pod;
use workloads::{
    reconcile_daemonset, reconcile_deployment, reconcile_replicaset, reconcile_statefulset,
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
        let after = reaction_time(plural, delay);
        at_least(due, target, Instant::now() + after);
    }
}

/// How long after a change a controller acts on an object. The workload controllers
/// (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs) react within milliseconds on a
/// real cluster; what takes time is a Pod starting (scheduling, image pull, container start), a
/// volume binding, a load balancer, a namespace being emptied. So only those wait the
/// controller delay, and a Deployment is available about one delay after it is created.
fn reaction_time(plural: &str, delay: Duration) -> Duration {
    match plural {
        "deployments" | "replicasets" | "statefulsets" | "daemonsets" | "jobs" => {
            delay.min(Duration::from_millis(10))
        }
        _ => delay,
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
    Unschedulable,
}

/// An annotation of `object`, or else of its Pod template.
fn template_annotation<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    annotation(object, key).or_else(|| {
        object
            .pointer("/spec/template/metadata/annotations")
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
    })
}

fn failure(object: &Value) -> Option<Failure> {
    let value = template_annotation(object, FAIL_ANNOTATION)?;
    match value.to_ascii_lowercase().as_str() {
        "image-pull" | "imagepull" | "imagepullbackoff" | "errimagepull" => {
            Some(Failure::ImagePull)
        }
        "crash" | "crashloop" | "crashloopbackoff" => Some(Failure::Crash),
        "unschedulable" => Some(Failure::Unschedulable),
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
