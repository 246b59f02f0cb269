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

/// What the Pod's containers say, one clause per container that is not fine: exit codes with
/// their reason, a waiting reason with its message and, for image problems, the image.
pub fn container_states(pod: &Pod) -> Vec<String> {
    let mut states = Vec::new();
    for status in container_statuses(pod) {
        let container = &status.name;
        let state = status.state.as_ref();
        if let Some(terminated) = state.and_then(|s| s.terminated.as_ref()) {
            if terminated.exit_code != 0 {
                let reason = terminated.reason.as_deref().unwrap_or("Error");
                states.push(format!(
                    "container `{container}` exited with code {} ({reason})",
                    terminated.exit_code
                ));
            }
        } else if let Some(waiting) = state.and_then(|s| s.waiting.as_ref()) {
            let reason = waiting.reason.as_deref().unwrap_or("Waiting");
            let mut text = format!("container `{container}` is waiting: {reason}");
            if reason.contains("Image") || reason.contains("Pull") {
                text.push_str(&format!(" (image `{}`)", status.image));
            }
            if let Some(message) = waiting.message.as_deref().filter(|m| !m.is_empty()) {
                text.push_str(&format!(": {message}"));
            }
            if let Some(last) = status
                .last_state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
            {
                text.push_str(&format!(
                    "; it last exited with code {} after {} restarts",
                    last.exit_code, status.restart_count
                ));
            }
            states.push(text);
        }
    }
    states
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

/// Why a hook's Job or Pod failed, in words: the Pod, its containers' states and the last lines
/// of their logs. Empty when there is no Pod to ask.
pub async fn explain_failure(cluster: &Cluster, namespace: &str, kind: &str, name: &str) -> String {
    let Ok(pods) = pods_of(cluster, namespace, kind, name).await else {
        return String::new();
    };
    let Some(pod) = failing_pod(&pods) else {
        return String::new();
    };
    let mut text = format!("pod `{}` is {}", name_of(pod), phase_of(pod));
    let states = container_states(pod);
    if !states.is_empty() {
        text.push_str(": ");
        text.push_str(&states.join("; "));
    }
    for (container, log) in logs(cluster, namespace, pod, Some(FAILURE_LOG_LINES)).await {
        let log = log.trim_end();
        if log.is_empty() {
            continue;
        }
        text.push_str(&format!(
            "\nlast lines of the log of container `{container}`:"
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
    fn container_states_name_exit_codes_and_images() {
        let failed = pod(serde_json::json!({
            "metadata": {"name": "migrate-abcde"},
            "status": {"phase": "Failed", "containerStatuses": [
                {"name": "m", "image": "db:1", "imageID": "", "ready": false, "restartCount": 0,
                 "state": {"terminated": {"exitCode": 3, "reason": "Error"}}},
                {"name": "ok", "image": "x", "imageID": "", "ready": false, "restartCount": 0,
                 "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}
        }));
        assert_eq!(
            container_states(&failed),
            ["container `m` exited with code 3 (Error)"]
        );
        let pulling = pod(serde_json::json!({
            "metadata": {"name": "p"},
            "status": {"phase": "Pending", "containerStatuses": [
                {"name": "m", "image": "db:nope", "imageID": "", "ready": false, "restartCount": 0,
                 "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"db:nope\""}}}]}
        }));
        assert_eq!(
            container_states(&pulling),
            [
                "container `m` is waiting: ImagePullBackOff (image `db:nope`): Back-off pulling image \"db:nope\""
            ]
        );
        let pods = [pulling, failed];
        assert_eq!(name_of(failing_pod(&pods).unwrap()), "migrate-abcde");
    }
}
