//! `GET pods/<name>/log`: what a container "printed" is the Pod's `sandbox.charts.dev/log`
//! annotation, once the container has started. The API server's and the kubelet's 400 errors
//! for a container that has not started, a missing or unknown container name, or no earlier
//! instance with `previous`.

use std::collections::HashMap;

use serde_json::Value;

use crate::LOG_ANNOTATION;
use crate::error::{ApiError, ApiResult};
use crate::util::{annotation, name_of};

/// The body of the log of `pod` for the query (`container`, `previous`, `tailLines`,
/// `timestamps`, `limitBytes`).
pub fn pod_log(pod: &Value, query: &HashMap<String, String>) -> ApiResult<String> {
    let name = name_of(pod);
    let names: Vec<&str> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("name").and_then(Value::as_str))
        .collect();
    let container = match query.get("container").filter(|c| !c.is_empty()) {
        Some(container) => {
            if !names.contains(&container.as_str()) {
                return Err(ApiError::bad_request(format!(
                    "container {container} is not valid for pod {name}"
                )));
            }
            container.as_str()
        }
        None if names.len() == 1 => names[0],
        None => {
            return Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                names.join(" ")
            )));
        }
    };
    let flag = |key: &str| query.get(key).is_some_and(|v| v == "true" || v == "1");
    let number = |key: &str| -> ApiResult<Option<i64>> {
        match query.get(key) {
            None => Ok(None),
            Some(text) => text.parse::<i64>().map(Some).map_err(|_| {
                ApiError::bad_request(format!(
                    "{key}: Invalid value: \"{text}\": must be an integer"
                ))
            }),
        }
    };
    let tail = number("tailLines")?;
    let limit = number("limitBytes")?;
    if limit.is_some_and(|l| l < 1) {
        return Err(ApiError::new(
            422,
            "Invalid",
            format!(
                "PodLogOptions \"{name}\" is invalid: limitBytes: Invalid value: {}: must be greater than 0",
                limit.unwrap_or(0)
            ),
        ));
    }
    // A Pod not yet scheduled has no node to ask: an empty log.
    if pod.pointer("/spec/nodeName").is_none() {
        return Ok(String::new());
    }
    let status = pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .and_then(|all| all.iter().find(|s| s["name"] == container));
    let Some(status) = status else {
        return Err(ApiError::bad_request(format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating"
        )));
    };
    let instance = if flag("previous") {
        status.pointer("/lastState/terminated").ok_or_else(|| {
            ApiError::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{name}\" not found"
            ))
        })?
    } else if let Some(state) = status
        .pointer("/state/running")
        .or_else(|| status.pointer("/state/terminated"))
    {
        state
    } else if let Some(last) = status.pointer("/lastState/terminated") {
        // A container waiting to restart shows its last instance's log.
        last
    } else {
        let reason = status
            .pointer("/state/waiting/reason")
            .and_then(Value::as_str)
            .unwrap_or("ContainerCreating");
        let why = match reason {
            "ErrImagePull" => "image can't be pulled",
            "ImagePullBackOff" => "trying and failing to pull image",
            other => other,
        };
        return Err(ApiError::bad_request(format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: {why}"
        )));
    };
    let text = annotation(pod, LOG_ANNOTATION).unwrap_or("");
    let mut lines: Vec<&str> = text.lines().collect();
    if let Some(tail) = tail {
        let keep = usize::try_from(tail.max(0)).unwrap_or(0);
        lines = lines.split_off(lines.len().saturating_sub(keep));
    }
    let stamp = instance
        .get("startedAt")
        .and_then(Value::as_str)
        .map(nano_time)
        .unwrap_or_default();
    let mut body = String::new();
    for line in lines {
        if flag("timestamps") {
            body.push_str(&stamp);
            body.push(' ');
        }
        body.push_str(line);
        body.push('\n');
    }
    if let Some(limit) = limit {
        let mut end = usize::try_from(limit).unwrap_or(usize::MAX).min(body.len());
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        body.truncate(end);
    }
    Ok(body)
}

/// `2026-01-02T03:04:05Z` as RFC 3339 with nanoseconds, as the kubelet stamps log lines.
fn nano_time(time: &str) -> String {
    match time.strip_suffix('Z') {
        Some(seconds) if !seconds.contains('.') => format!("{seconds}.000000000Z"),
        _ => time.to_string(),
    }
}
