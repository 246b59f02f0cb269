//! The Pods behind a Job or a Pod, what their containers say, and their logs: what a failed hook
//! or test shows so nobody has to open kubectl to learn why it failed.

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use kube::api::{Api, ListParams, LogParams};

use super::Cluster;
use super::retry::retry;

/// Lines of log a failure shows.
pub const FAILURE_LOG_LINES: i64 = 10;

/// The Pods of a hook object: a Pod itself, a Job's Pods (newest last); none for other kinds.
pub async fn pods_of(
    cluster: &Cluster,
    namespace: &str,
    kind: &str,
    name: &str,
) -> Result<Vec<Pod>, super::Error> {
    let api: Api<Pod> = Api::namespaced(cluster.client.clone(), namespace);
    match kind {
        "Pod" => Ok(retry(|| api.get_opt(name))
            .await
            .map_err(|e| super::Error::from_kube(e, cluster, "get", "pods", namespace))?
            .into_iter()
            .collect()),
        "Job" => {
            let params = ListParams::default().labels(&format!("job-name={name}"));
            let mut pods = retry(|| api.list(&params))
                .await
                .map_err(|e| super::Error::from_kube(e, cluster, "list", "pods", namespace))?
                .items;
            pods.sort_by(|a, b| {
                a.metadata
                    .creation_timestamp
                    .cmp(&b.metadata.creation_timestamp)
                    .then_with(|| a.metadata.name.cmp(&b.metadata.name))
            });
            Ok(pods)
        }
        _ => Ok(Vec::new()),
    }
}

fn name_of(pod: &Pod) -> &str {
    pod.metadata.name.as_deref().unwrap_or_default()
}

fn phase_of(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

fn container_statuses(pod: &Pod) -> impl Iterator<Item = &ContainerStatus> {
    let status = pod.status.as_ref();
    status
        .and_then(|s| s.init_container_statuses.as_ref())
        .into_iter()
        .flatten()
        .chain(
            status
                .and_then(|s| s.container_statuses.as_ref())
                .into_iter()
                .flatten(),
        )
}

/// The Pod that says most about a failure: the newest failed one, else the newest.
pub fn failing_pod(pods: &[Pod]) -> Option<&Pod> {
    pods.iter()
        .rev()
        .find(|p| phase_of(p) == "Failed")
        .or_else(|| {
            pods.iter().rev().find(|p| {
                container_statuses(p).any(|c| {
                    c.state.as_ref().is_some_and(|s| s.waiting.is_some())
                        || c.last_state
                            .as_ref()
                            .is_some_and(|s| s.terminated.is_some())
                })
            })
        })
        .or_else(|| pods.last())
}

/// The containers of a Pod that have started (and so may have a log).
fn started_containers(pod: &Pod) -> Vec<String> {
    let started: Vec<String> = container_statuses(pod)
        .filter(|c| {
            c.state
                .as_ref()
                .is_some_and(|s| s.running.is_some() || s.terminated.is_some())
                || c.last_state
                    .as_ref()
                    .is_some_and(|s| s.terminated.is_some())
        })
        .map(|c| c.name.clone())
        .collect();
    if started.is_empty()
        && pod
            .status
            .as_ref()
            .is_none_or(|s| s.container_statuses.is_none())
    {
        // No statuses reported at all: ask for every container and let the API say.
        return pod
            .spec
            .iter()
            .flat_map(|s| s.containers.iter().map(|c| c.name.clone()))
            .collect();
    }
    started
}

/// A container's log, its last `tail` lines when given. An empty log is `""`.
pub async fn log(
    cluster: &Cluster,
    namespace: &str,
    pod: &str,
    container: &str,
    tail: Option<i64>,
) -> Result<String, super::Error> {
    let api: Api<Pod> = Api::namespaced(cluster.client.clone(), namespace);
    let params = LogParams {
        container: Some(container.to_string()),
        tail_lines: tail,
        ..LogParams::default()
    };
    retry(|| api.logs(pod, &params))
        .await
        .map_err(|e| super::Error::from_kube(e, cluster, "get", "pods/log", namespace))
}

/// The logs of every started container of the Pod: `(container, text)`. Containers whose log
/// cannot be read are left out.
pub async fn logs(
    cluster: &Cluster,
    namespace: &str,
    pod: &Pod,
    tail: Option<i64>,
) -> Vec<(String, String)> {
    let mut logs = Vec::new();
    for container in started_containers(pod) {
        if let Ok(text) = log(cluster, namespace, name_of(pod), &container, tail).await {
            logs.push((container, text));
        }
    }
    logs
}

/// Why a hook's Job or Pod failed, in words: what [`super::explain`] finds in its status, its
/// Pods and their Events (the condition, the Pod, the container's exit code or waiting reason),
/// then the last lines of the failing Pod's logs. Empty for other kinds, or when the object is
/// gone.
pub async fn explain_failure(cluster: &Cluster, namespace: &str, kind: &str, name: &str) -> String {
    let client = &cluster.client;
    let live = match kind {
        "Job" => {
            let api: Api<k8s_openapi::api::batch::v1::Job> =
                Api::namespaced(client.clone(), namespace);
            retry(|| api.get_opt(name))
                .await
                .ok()
                .flatten()
                .and_then(|job| serde_json::to_value(job).ok())
        }
        "Pod" => {
            let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
            retry(|| api.get_opt(name))
                .await
                .ok()
                .flatten()
                .and_then(|pod| serde_json::to_value(pod).ok())
        }
        _ => None,
    };
    let Some(live) = live else {
        return String::new();
    };
    let mut text = match kind {
        "Job" => super::explain::job(client, &live).await,
        _ => super::explain::pod(client, &live).await,
    };
    let pods = pods_of(cluster, namespace, kind, name)
        .await
        .unwrap_or_default();
    if let Some(pod) = failing_pod(&pods) {
        text.push_str(&log_tail_text(cluster, namespace, pod).await);
    }
    text
}

/// The last lines of each started container's log, each line indented under a heading; empty
/// when there is no log.
async fn log_tail_text(cluster: &Cluster, namespace: &str, pod: &Pod) -> String {
    let mut text = String::new();
    for (container, log) in logs(cluster, namespace, pod, Some(FAILURE_LOG_LINES)).await {
        let log = log.trim_end();
        if log.is_empty() {
            continue;
        }
        text.push_str(&format!(
            "\nlast lines of the log of container `{container}` of pod `{}`:",
            name_of(pod)
        ));
        for line in log.lines() {
            text.push_str("\n  | ");
            text.push_str(line);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(value: serde_json::Value) -> Pod {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_failing_pod_is_the_newest_failed_one() {
        let failed = pod(serde_json::json!({
            "metadata": {"name": "migrate-abcde"},
            "status": {"phase": "Failed"}
        }));
        let running = pod(serde_json::json!({
            "metadata": {"name": "migrate-fghij"},
            "status": {"phase": "Running"}
        }));
        let pods = [failed, running];
        assert_eq!(name_of(failing_pod(&pods).unwrap()), "migrate-abcde");
        assert_eq!(name_of(failing_pod(&pods[1..]).unwrap()), "migrate-fghij");
        assert!(failing_pod(&[]).is_none());
    }
}
