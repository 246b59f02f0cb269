//! The simulated controllers: readiness, completion, and the `sandbox.charts.dev/fail` switch.

use std::time::Duration;

use charts_sandbox::Sandbox;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};
use kube::api::{Api, ListParams, PostParams};
use serde_json::{Value, json};

use super::{apply, client, eventually};

const WAIT: Duration = Duration::from_secs(10);

fn workload(kind: &str, name: &str, annotations: Value, extra_spec: Value) -> Value {
    let mut manifest = json!({
        "apiVersion": "apps/v1", "kind": kind,
        "metadata": {"name": name, "namespace": "default", "annotations": annotations},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}
        }
    });
    for (key, value) in extra_spec.as_object().unwrap() {
        manifest["spec"][key] = value.clone();
    }
    manifest
}

fn condition<'a>(
    conditions: &'a Option<Vec<k8s_openapi::api::apps::v1::DeploymentCondition>>,
    kind: &str,
) -> Option<&'a k8s_openapi::api::apps::v1::DeploymentCondition> {
    conditions.as_ref()?.iter().find(|c| c.type_ == kind)
}

#[tokio::test]
async fn deployments_become_available_with_owned_pods() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    apply(
        &client,
        workload("Deployment", "web", json!({}), json!({"replicas": 3})),
        "charts",
    )
    .await
    .unwrap();
    let deployments: Api<Deployment> = Api::default_namespaced(client.clone());
    let status = eventually("deployment available", WAIT, || async {
        let status = deployments.get("web").await.unwrap().status?;
        let available = condition(&status.conditions, "Available")?;
        (available.status == "True").then_some(status)
    })
    .await;
    assert_eq!(status.observed_generation, Some(1));
    assert_eq!(
        (
            status.replicas,
            status.ready_replicas,
            status.updated_replicas,
            status.available_replicas
        ),
        (Some(3), Some(3), Some(3), Some(3))
    );
    let progressing = condition(&status.conditions, "Progressing").unwrap();
    assert_eq!(
        (progressing.status.as_str(), progressing.reason.as_deref()),
        ("True", Some("NewReplicaSetAvailable"))
    );

    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let list = pods
        .list(&ListParams::default().labels("app=web"))
        .await
        .unwrap();
    assert_eq!(list.items.len(), 3);
    for pod in &list.items {
        let owner = &pod.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(owner.kind, "ReplicaSet");
        let status = pod.status.as_ref().unwrap();
        assert_eq!(status.phase.as_deref(), Some("Running"));
        assert!(status.container_statuses.as_ref().unwrap()[0].ready);
    }

    // A new template rolls out: generation 2 observed, old ReplicaSet scaled to zero.
    let mut changed = workload("Deployment", "web", json!({}), json!({"replicas": 3}));
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28");
    apply(&client, changed, "charts").await.unwrap();
    eventually("second rollout", WAIT, || async {
        let status = deployments.get("web").await.unwrap().status?;
        let done = status.observed_generation == Some(2)
            && status.updated_replicas == Some(3)
            && status.replicas == Some(3)
            && condition(&status.conditions, "Progressing")?
                .reason
                .as_deref()
                == Some("NewReplicaSetAvailable");
        done.then_some(())
    })
    .await;
}

#[tokio::test]
async fn the_fail_annotation_keeps_workloads_unready_and_says_why() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let spec = json!({"replicas": 1, "progressDeadlineSeconds": 1});
    apply(
        &client,
        workload(
            "Deployment",
            "pull",
            json!({"sandbox.charts.dev/fail": "image-pull"}),
            spec.clone(),
        ),
        "charts",
    )
    .await
    .unwrap();
    apply(
        &client,
        workload(
            "Deployment",
            "crash",
            json!({"sandbox.charts.dev/fail": "crash"}),
            spec,
        ),
        "charts",
    )
    .await
    .unwrap();
    let deployments: Api<Deployment> = Api::default_namespaced(client.clone());
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    for (name, reason) in [("pull", "ImagePullBackOff"), ("crash", "CrashLoopBackOff")] {
        let pod = eventually("failing pod", WAIT, || async {
            pods.list(&ListParams::default().labels(&format!("app={name}")))
                .await
                .unwrap()
                .items
                .into_iter()
                // Once the kubelet has started it (a controller delay after creation).
                .find(|pod| {
                    pod.status
                        .as_ref()
                        .is_some_and(|s| s.container_statuses.is_some())
                })
        })
        .await;
        let container = &pod.status.unwrap().container_statuses.unwrap()[0];
        assert!(!container.ready);
        let waiting = container.state.as_ref().unwrap().waiting.as_ref().unwrap();
        assert_eq!(waiting.reason.as_deref(), Some(reason));
        // A Warning Event names the Pod, as the kubelet's would.
        let events: Api<k8s_openapi::api::core::v1::Event> =
            Api::default_namespaced(client.clone());
        let selector = format!(
            "involvedObject.name={},type=Warning",
            pod.metadata.name.as_deref().unwrap()
        );
        let warnings = events
            .list(&ListParams::default().fields(&selector))
            .await
            .unwrap();
        let messages: Vec<&str> = warnings
            .items
            .iter()
            .filter_map(|e| e.message.as_deref())
            .collect();
        let expected = if name == "pull" {
            "Failed to pull image \"nginx:1.27\": "
        } else {
            "Back-off restarting failed container app in pod crash-"
        };
        assert!(
            messages.iter().any(|m| m.starts_with(expected)),
            "{messages:?}"
        );

        let status = eventually("progress deadline", WAIT, || async {
            let status = deployments.get(name).await.unwrap().status?;
            let progressing = condition(&status.conditions, "Progressing")?;
            (progressing.reason.as_deref() == Some("ProgressDeadlineExceeded")).then_some(status)
        })
        .await;
        assert_eq!(
            condition(&status.conditions, "Progressing").unwrap().status,
            "False"
        );
        assert_eq!(
            condition(&status.conditions, "Available").unwrap().status,
            "False"
        );
        assert_eq!(status.ready_replicas, None);
    }
}

#[tokio::test]
async fn jobs_complete_or_fail() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let job = |name: &str, annotations: Value| {
        json!({
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": "default", "annotations": annotations},
            "spec": {"backoffLimit": 2, "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox:1"}]}}}
        })
    };
    apply(&client, job("ok", json!({})), "charts")
        .await
        .unwrap();
    apply(
        &client,
        job("bad", json!({"sandbox.charts.dev/fail": "crash"})),
        "charts",
    )
    .await
    .unwrap();
    let jobs: Api<Job> = Api::default_namespaced(client.clone());
    let finished = |name: &'static str, kind: &'static str| {
        let jobs = jobs.clone();
        async move {
            eventually(kind, WAIT, || async {
                let status = jobs.get(name).await.unwrap().status?;
                status
                    .conditions
                    .clone()?
                    .iter()
                    .any(|c| c.type_ == kind && c.status == "True")
                    .then_some(status)
            })
            .await
        }
    };
    let ok = finished("ok", "Complete").await;
    assert_eq!(ok.succeeded, Some(1));
    assert!(ok.completion_time.is_some());
    let bad = finished("bad", "Failed").await;
    assert_eq!(bad.failed, Some(3));
    let failed = bad
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == "Failed")
        .unwrap();
    assert_eq!(failed.reason.as_deref(), Some("BackoffLimitExceeded"));
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let pod = pods
        .list(&ListParams::default().labels("job-name=ok"))
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(pod.status.unwrap().phase.as_deref(), Some("Succeeded"));
}

#[tokio::test]
async fn pods_claims_services_statefulsets_and_daemonsets_settle() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    for (name, restart) in [("server", "Always"), ("task", "Never")] {
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": name},
            "spec": {"restartPolicy": restart, "containers": [{"name": "c", "image": "busybox:1"}]}
        }))
        .unwrap();
        pods.create(&PostParams::default(), &pod).await.unwrap();
    }
    for (name, phase) in [("server", "Running"), ("task", "Succeeded")] {
        eventually(phase, WAIT, || async {
            let status = pods.get(name).await.unwrap().status?;
            (status.phase.as_deref() == Some(phase)).then_some(())
        })
        .await;
    }

    let claims: Api<PersistentVolumeClaim> = Api::default_namespaced(client.clone());
    let claim: PersistentVolumeClaim = serde_json::from_value(json!({
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    }))
    .unwrap();
    claims.create(&PostParams::default(), &claim).await.unwrap();
    eventually("claim bound", WAIT, || async {
        (claims.get("data").await.unwrap().status?.phase.as_deref() == Some("Bound")).then_some(())
    })
    .await;

    let services: Api<Service> = Api::default_namespaced(client.clone());
    let service: Service = serde_json::from_value(json!({
        "metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "ports": [{"port": 80}], "selector": {"app": "x"}}
    }))
    .unwrap();
    let created = services
        .create(&PostParams::default(), &service)
        .await
        .unwrap();
    assert!(created.spec.unwrap().cluster_ip.is_some());
    eventually("load balancer address", WAIT, || async {
        let ingress = services
            .get("lb")
            .await
            .unwrap()
            .status?
            .load_balancer?
            .ingress?;
        ingress[0].ip.clone()
    })
    .await;

    let mut set = workload(
        "StatefulSet",
        "db",
        json!({}),
        json!({"replicas": 2, "serviceName": "db"}),
    );
    set["spec"]["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]);
    apply(&client, set, "charts").await.unwrap();
    apply(
        &client,
        workload("DaemonSet", "agent", json!({}), json!({})),
        "charts",
    )
    .await
    .unwrap();
    let sets: Api<StatefulSet> = Api::default_namespaced(client.clone());
    let status = eventually("statefulset ready", WAIT, || async {
        let status = sets.get("db").await.unwrap().status?;
        (status.ready_replicas == Some(2)).then_some(status)
    })
    .await;
    assert_eq!(status.current_revision, status.update_revision);
    assert!(
        pods.get_opt("db-0").await.unwrap().is_some()
            && pods.get_opt("db-1").await.unwrap().is_some()
    );
    assert!(claims.get_opt("data-db-1").await.unwrap().is_some());
    let daemons: Api<DaemonSet> = Api::default_namespaced(client.clone());
    eventually("daemonset ready", WAIT, || async {
        let status = daemons.get("agent").await.unwrap().status?;
        (status.number_ready == 1 && status.desired_number_scheduled == 1).then_some(())
    })
    .await;
}
