//! Pods that run, end and fail as the `sandbox.charts.dev/exit-code`, `log` and `fail`
//! annotations say; Jobs that retry up to their backoff limit; pod logs; Events as the kubelet,
//! the scheduler and the controllers write them.

use std::time::Duration;

use charts_sandbox::Sandbox;
use futures_util::{StreamExt, TryStreamExt};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{Api, ListParams, LogParams, PostParams, WatchEvent, WatchParams};
use serde_json::{Value, json};

use super::{apply, client, eventually, status_of};

const WAIT: Duration = Duration::from_secs(10);

fn job(name: &str, annotations: Value, backoff_limit: i64) -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"backoffLimit": backoff_limit, "template": {
            "metadata": {"annotations": annotations},
            "spec": {"restartPolicy": "Never", "containers": [{"name": "migrate", "image": "migrate:1.0"}]}
        }}
    })
}

async fn events_of(client: &kube::Client, selector: &str) -> Vec<Event> {
    let events: Api<Event> = Api::default_namespaced(client.clone());
    events
        .list(&ListParams::default().fields(selector))
        .await
        .unwrap()
        .items
}

async fn finished_job(jobs: &Api<Job>, name: &str, condition: &str) -> Job {
    eventually(condition, WAIT, || async {
        let job = jobs.get(name).await.unwrap();
        let done = job
            .status
            .as_ref()?
            .conditions
            .as_ref()?
            .iter()
            .any(|c| c.type_ == condition && c.status == "True");
        done.then_some(job)
    })
    .await
}

#[tokio::test]
async fn a_job_whose_pods_exit_non_zero_retries_to_its_backoff_limit_and_fails() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let annotations = json!({
        "sandbox.charts.dev/exit-code": "3",
        "sandbox.charts.dev/log": "connecting to db\napplying 0042_add_orders\nERROR: relation \"orders\" already exists",
    });
    apply(&client, job("migrate", annotations, 1), "charts")
        .await
        .unwrap();
    let jobs: Api<Job> = Api::default_namespaced(client.clone());
    let failed = finished_job(&jobs, "migrate", "Failed").await;
    let status = failed.status.unwrap();
    assert_eq!(status.failed, Some(2), "backoffLimit 1: two Pods fail");
    let condition = status
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == "Failed")
        .unwrap();
    assert_eq!(condition.reason.as_deref(), Some("BackoffLimitExceeded"));
    assert_eq!(
        condition.message.as_deref(),
        Some("Job has reached the specified backoff limit")
    );

    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let listed = pods
        .list(&ListParams::default().labels("job-name=migrate"))
        .await
        .unwrap()
        .items;
    assert_eq!(listed.len(), 2);
    for pod in &listed {
        let status = pod.status.as_ref().unwrap();
        assert_eq!(status.phase.as_deref(), Some("Failed"));
        let container = &status.container_statuses.as_ref().unwrap()[0];
        let terminated = container
            .state
            .as_ref()
            .unwrap()
            .terminated
            .as_ref()
            .unwrap();
        assert_eq!(terminated.exit_code, 3);
        assert_eq!(terminated.reason.as_deref(), Some("Error"));
        assert!(terminated.started_at.is_some() && terminated.finished_at.is_some());
    }

    // The log of a Pod that ran: all of it, its tail, with timestamps, cut at a byte limit.
    let pod = listed[0].metadata.name.clone().unwrap();
    let log = pods.logs(&pod, &LogParams::default()).await.unwrap();
    assert_eq!(
        log,
        "connecting to db\napplying 0042_add_orders\nERROR: relation \"orders\" already exists\n"
    );
    let tail = LogParams {
        tail_lines: Some(1),
        ..LogParams::default()
    };
    assert_eq!(
        pods.logs(&pod, &tail).await.unwrap(),
        "ERROR: relation \"orders\" already exists\n"
    );
    let stamped = LogParams {
        timestamps: true,
        tail_lines: Some(2),
        ..LogParams::default()
    };
    let stamped = pods.logs(&pod, &stamped).await.unwrap();
    let first = stamped.lines().next().unwrap();
    let (stamp, text) = first.split_once(' ').unwrap();
    assert!(
        stamp.ends_with(".000000000Z") && stamp.len() == 30,
        "{first}"
    );
    assert_eq!(text, "applying 0042_add_orders");
    let limited = LogParams {
        limit_bytes: Some(10),
        ..LogParams::default()
    };
    assert_eq!(pods.logs(&pod, &limited).await.unwrap(), "connecting");
    let previous = LogParams {
        previous: true,
        ..LogParams::default()
    };
    assert_eq!(
        status_of(pods.logs(&pod, &previous).await).message,
        format!("previous terminated container \"migrate\" in pod \"{pod}\" not found")
    );

    // The job controller's events: a Pod created per try, then the backoff limit.
    let created = events_of(
        &client,
        "involvedObject.name=migrate,reason=SuccessfulCreate",
    )
    .await;
    assert_eq!(created.len(), 2);
    assert!(created.iter().all(|e| {
        e.message
            .as_deref()
            .unwrap()
            .starts_with("Created pod: migrate-")
            && e.source.as_ref().unwrap().component.as_deref() == Some("job-controller")
    }));
    let exceeded = events_of(
        &client,
        "involvedObject.kind=Job,involvedObject.name=migrate,type=Warning",
    )
    .await;
    assert_eq!(exceeded.len(), 1);
    assert_eq!(exceeded[0].reason.as_deref(), Some("BackoffLimitExceeded"));
    let job_uid = failed.metadata.uid.unwrap();
    assert_eq!(
        events_of(&client, &format!("involvedObject.uid={job_uid}"))
            .await
            .len(),
        3
    );
}

#[tokio::test]
async fn a_job_that_exits_zero_completes_with_events() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let annotations =
        json!({"sandbox.charts.dev/exit-code": "0", "sandbox.charts.dev/log": "done"});
    apply(&client, job("ok", annotations, 0), "charts")
        .await
        .unwrap();
    let jobs: Api<Job> = Api::default_namespaced(client.clone());
    let done = finished_job(&jobs, "ok", "Complete").await;
    assert_eq!(done.status.unwrap().succeeded, Some(1));
    let completed = events_of(&client, "involvedObject.name=ok,reason=Completed").await;
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0].message.as_deref(), Some("Job completed"));
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let pod = pods
        .list(&ListParams::default().labels("job-name=ok"))
        .await
        .unwrap()
        .items
        .remove(0);
    let terminated = pod.status.unwrap().container_statuses.unwrap()[0]
        .state
        .clone()
        .unwrap()
        .terminated
        .unwrap();
    assert_eq!(
        (terminated.exit_code, terminated.reason.as_deref()),
        (0, Some("Completed"))
    );
    assert_eq!(
        pods.logs(pod.metadata.name.as_deref().unwrap(), &LogParams::default())
            .await
            .unwrap(),
        "done\n"
    );
}

#[tokio::test]
async fn a_bare_pod_goes_pending_running_succeeded_with_kubelet_events() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let stream = pods
        .watch(&WatchParams::default().fields("metadata.name=once"), "0")
        .await
        .unwrap();
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "once", "annotations": {"sandbox.charts.dev/log": "hello"}},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": "busybox:1.36"}]}
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let mut stream = stream.boxed();
    let mut phases: Vec<String> = Vec::new();
    tokio::time::timeout(WAIT, async {
        while let Some(event) = stream.try_next().await.unwrap() {
            let (WatchEvent::Added(pod) | WatchEvent::Modified(pod)) = event else {
                continue;
            };
            let phase = pod.status.and_then(|s| s.phase).unwrap_or_default();
            if phases.last() != Some(&phase) {
                phases.push(phase.clone());
            }
            if phase == "Succeeded" {
                break;
            }
        }
    })
    .await
    .expect("the pod finishes");
    assert_eq!(phases, ["Pending", "Running", "Succeeded"]);
    let done = pods.get("once").await.unwrap().status.unwrap();
    assert_eq!(done.phase.as_deref(), Some("Succeeded"));
    let reasons: Vec<String> =
        events_of(&client, "involvedObject.name=once,involvedObject.kind=Pod")
            .await
            .into_iter()
            .map(|e| {
                format!(
                    "{} {} {}",
                    e.reason.unwrap(),
                    e.source.unwrap().component.unwrap(),
                    e.message.unwrap()
                )
            })
            .collect();
    for expected in [
        "Scheduled default-scheduler Successfully assigned default/once to sandbox-node",
        "Pulled kubelet Container image \"busybox:1.36\" already present on machine",
        "Created kubelet Created container main",
        "Started kubelet Started container main",
    ] {
        assert!(
            reasons.iter().any(|r| r == expected),
            "{expected} in {reasons:?}"
        );
    }
}

#[tokio::test]
async fn a_crashing_pod_restarts_with_a_growing_count_and_one_folded_back_off_event() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "crashy", "annotations": {
            "sandbox.charts.dev/exit-code": "137", "sandbox.charts.dev/log": "starting\nout of memory"}},
        "spec": {"containers": [{"name": "app", "image": "app:2"}, {"name": "sidecar", "image": "proxy:1"}]}
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let status = eventually("two restarts", WAIT, || async {
        let status = pods.get("crashy").await.unwrap().status?;
        let restarts = status.container_statuses.as_ref()?[0].restart_count;
        (restarts >= 2).then_some(status)
    })
    .await;
    assert_eq!(status.phase.as_deref(), Some("Running"));
    let app = &status.container_statuses.as_ref().unwrap()[0];
    let waiting = app.state.as_ref().unwrap().waiting.as_ref().unwrap();
    assert_eq!(waiting.reason.as_deref(), Some("CrashLoopBackOff"));
    let last = app
        .last_state
        .as_ref()
        .unwrap()
        .terminated
        .as_ref()
        .unwrap();
    assert_eq!(
        (last.exit_code, last.reason.as_deref()),
        (137, Some("Error"))
    );
    assert!(status.container_statuses.as_ref().unwrap()[1].ready);

    let back_off = events_of(&client, "involvedObject.name=crashy,reason=BackOff").await;
    assert_eq!(back_off.len(), 1, "repeats bump the count");
    assert!(back_off[0].count.unwrap() >= 2);
    let uid = pods.get("crashy").await.unwrap().metadata.uid.unwrap();
    assert_eq!(
        back_off[0].message.as_deref().unwrap(),
        format!("Back-off restarting failed container app in pod crashy_default({uid})")
    );
    assert_eq!(
        back_off[0].involved_object.field_path.as_deref(),
        Some("spec.containers{app}")
    );

    // Two containers: the API wants a name; the crashed one shows its last run.
    assert_eq!(
        status_of(pods.logs("crashy", &LogParams::default()).await).message,
        "a container name must be specified for pod crashy, choose one of: [app sidecar]"
    );
    let of = |container: &str, previous: bool| LogParams {
        container: Some(container.into()),
        previous,
        ..LogParams::default()
    };
    assert_eq!(
        pods.logs("crashy", &of("app", false)).await.unwrap(),
        "starting\nout of memory\n"
    );
    assert_eq!(
        pods.logs("crashy", &of("app", true)).await.unwrap(),
        "starting\nout of memory\n"
    );
    let nope = status_of(pods.logs("crashy", &of("nope", false)).await);
    assert_eq!(
        (nope.code, nope.message.as_str()),
        (400, "container nope is not valid for pod crashy")
    );
}

#[tokio::test]
async fn an_image_that_cannot_be_pulled_is_named_in_events_and_logs_refuse() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "nopull", "annotations": {"sandbox.charts.dev/fail": "image-pull"}},
        "spec": {"containers": [{"name": "app", "image": "registry.local/app:404"}]}
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    eventually("pull failure", WAIT, || async {
        let status = pods.get("nopull").await.unwrap().status?;
        let waiting = status.container_statuses?[0].state.clone()?.waiting?;
        (waiting.reason.as_deref() == Some("ImagePullBackOff")).then_some(())
    })
    .await;
    let messages: Vec<String> = events_of(&client, "involvedObject.name=nopull")
        .await
        .into_iter()
        .map(|e| format!("{} {}", e.reason.unwrap(), e.message.unwrap()))
        .collect();
    for expected in [
        "Pulling Pulling image \"registry.local/app:404\"",
        "Failed Error: ErrImagePull",
        "BackOff Back-off pulling image \"registry.local/app:404\"",
        "Failed Error: ImagePullBackOff",
    ] {
        assert!(
            messages.iter().any(|m| m == expected),
            "{expected} in {messages:?}"
        );
    }
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Failed Failed to pull image \"registry.local/app:404\": "))
    );
    let refused = status_of(pods.logs("nopull", &LogParams::default()).await);
    assert_eq!(
        (refused.code, refused.message.as_str()),
        (
            400,
            "container \"app\" in pod \"nopull\" is waiting to start: trying and failing to pull image"
        )
    );
}

#[tokio::test]
async fn pods_that_fit_no_node_stay_pending_with_the_scheduler_s_message() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let big: Pod = serde_json::from_value(json!({
        "metadata": {"name": "big"},
        "spec": {"containers": [
            {"name": "a", "image": "app:1", "resources": {"requests": {"cpu": "1500m", "memory": "1Gi"}}},
            {"name": "b", "image": "app:1", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}},
        ]}
    }))
    .unwrap();
    pods.create(&PostParams::default(), &big).await.unwrap();
    let annotated: Pod = serde_json::from_value(json!({
        "metadata": {"name": "nowhere", "annotations": {"sandbox.charts.dev/fail": "unschedulable"}},
        "spec": {"containers": [{"name": "app", "image": "app:1"}]}
    }))
    .unwrap();
    pods.create(&PostParams::default(), &annotated)
        .await
        .unwrap();
    // Small enough: 2 cpu and 8Gi are allocatable.
    let fits: Pod = serde_json::from_value(json!({
        "metadata": {"name": "fits"},
        "spec": {"containers": [{"name": "app", "image": "app:1", "resources": {"requests": {"cpu": "2", "memory": "8Gi"}}}]}
    }))
    .unwrap();
    pods.create(&PostParams::default(), &fits).await.unwrap();
    let insufficient = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
    let selector = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
    for (name, message) in [("big", insufficient), ("nowhere", selector)] {
        let status = eventually("unschedulable", WAIT, || async {
            let status = pods.get(name).await.unwrap().status?;
            status.conditions.is_some().then_some(status)
        })
        .await;
        assert_eq!(status.phase.as_deref(), Some("Pending"));
        assert!(status.container_statuses.is_none());
        let scheduled = &status.conditions.unwrap()[0];
        assert_eq!(
            (
                scheduled.type_.as_str(),
                scheduled.status.as_str(),
                scheduled.reason.as_deref(),
                scheduled.message.as_deref()
            ),
            (
                "PodScheduled",
                "False",
                Some("Unschedulable"),
                Some(message)
            )
        );
        let pod = pods.get(name).await.unwrap();
        assert!(pod.spec.unwrap().node_name.is_none());
        let events = events_of(
            &client,
            &format!("involvedObject.name={name},reason=FailedScheduling"),
        )
        .await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].type_.as_deref(), Some("Warning"));
        assert_eq!(events[0].message.as_deref(), Some(message));
        assert_eq!(
            events[0].source.as_ref().unwrap().component.as_deref(),
            Some("default-scheduler")
        );
        // Not scheduled: no node to ask, an empty log.
        let container = if name == "big" { "a" } else { "app" };
        let params = LogParams {
            container: Some(container.into()),
            ..LogParams::default()
        };
        assert_eq!(pods.logs(name, &params).await.unwrap(), "");
    }
    eventually("fits runs", WAIT, || async {
        let status = pods.get("fits").await.unwrap().status?;
        (status.phase.as_deref() == Some("Running")).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_deployment_whose_template_is_unschedulable_has_pending_pods() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}, "annotations": {"sandbox.charts.dev/fail": "unschedulable"}},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}
            }
        }
    });
    apply(&client, deployment, "charts").await.unwrap();
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let listed = eventually("two pods", WAIT, || async {
        let items = pods
            .list(&ListParams::default().labels("app=web"))
            .await
            .unwrap()
            .items;
        // Once the scheduler has looked at both (a controller delay after creation).
        let scheduled = |pod: &Pod| pod.status.as_ref().is_some_and(|s| s.conditions.is_some());
        (items.len() == 2 && items.iter().all(scheduled)).then_some(items)
    })
    .await;
    for pod in listed {
        let status = pod.status.unwrap();
        assert_eq!(status.phase.as_deref(), Some("Pending"));
        assert_eq!(
            status.conditions.unwrap()[0].reason.as_deref(),
            Some("Unschedulable")
        );
    }
    // The ReplicaSet made them; the Deployment scaled it.
    let created = events_of(
        &client,
        "reason=SuccessfulCreate,involvedObject.kind=ReplicaSet",
    )
    .await;
    assert_eq!(created.len(), 2);
    let scaled = events_of(&client, "reason=ScalingReplicaSet,involvedObject.name=web").await;
    assert_eq!(scaled.len(), 1);
    assert!(
        scaled[0]
            .message
            .as_deref()
            .unwrap()
            .starts_with("Scaled up replica set web-")
    );
}

#[tokio::test]
async fn a_rollout_and_a_scale_down_are_told_in_controller_events() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let deployment = |image: &str, replicas: i64| {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": image}]}
                }
            }
        })
    };
    apply(&client, deployment("nginx:1.27", 2), "charts")
        .await
        .unwrap();
    let scaling = |expected: usize| {
        let client = client.clone();
        async move {
            eventually("scaling events", WAIT, || async {
                let events = events_of(&client, "reason=ScalingReplicaSet").await;
                (events.len() >= expected).then(|| {
                    events
                        .into_iter()
                        .map(|e| e.message.unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .await
        }
    };
    let first = scaling(1).await;
    let old = first[0]
        .strip_prefix("Scaled up replica set ")
        .and_then(|m| m.strip_suffix(" from 0 to 2"))
        .unwrap_or_else(|| panic!("{first:?}"))
        .to_string();
    apply(&client, deployment("nginx:1.28", 2), "charts")
        .await
        .unwrap();
    let messages = scaling(3).await;
    assert!(
        messages.contains(&format!("Scaled down replica set {old} from 2 to 0")),
        "{messages:?}"
    );
    let deleted = eventually("pods deleted", WAIT, || async {
        let events = events_of(
            &client,
            &format!("involvedObject.name={old},reason=SuccessfulDelete"),
        )
        .await;
        (events.len() == 2).then_some(events)
    })
    .await;
    assert!(deleted.iter().all(|e| {
        e.message
            .as_deref()
            .unwrap()
            .starts_with(&format!("Deleted pod: {old}-"))
    }));
}
