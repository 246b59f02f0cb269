//! Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which
//! `kubectl get` asks for: NAME, a few kind-specific columns, AGE.

use std::time::SystemTime;

use serde_json::{Value, json};

use crate::util::{get_path, name_of, parse_rfc3339};

/// Whether the client prefers a Table (its first Accept entry asks for one).
pub fn wanted(accept: &str) -> bool {
    accept
        .split(',')
        .next()
        .is_some_and(|first| first.contains("as=Table"))
}

/// kubectl's human durations: `45s`, `3m12s`, `17m`, `5h3m`, `20h`, `3d4h`, `40d`.
fn age(object: &Value) -> String {
    let Some(created) = get_path(object, &["metadata", "creationTimestamp"])
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
    else {
        return "<unknown>".into();
    };
    let seconds = SystemTime::now()
        .duration_since(created)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (minutes, hours, days) = (seconds / 60, seconds / 3600, seconds / 86_400);
    match seconds {
        s if s < 120 => format!("{s}s"),
        s if s < 600 => format!("{minutes}m{}s", s % 60),
        s if s < 3 * 3600 => format!("{minutes}m"),
        s if s < 8 * 3600 => format!("{hours}h{}m", minutes % 60),
        s if s < 48 * 3600 => format!("{hours}h"),
        s if s < 8 * 86_400 => format!("{days}d{}h", hours % 24),
        _ => format!("{days}d"),
    }
}

fn number(object: &Value, path: &[&str]) -> i64 {
    get_path(object, path).and_then(Value::as_i64).unwrap_or(0)
}

/// Column names and the cells for one object, by kind.
fn columns(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &["Name", "Ready", "Status", "Restarts", "Age"],
        "Deployment" => &["Name", "Ready", "Up-to-date", "Available", "Age"],
        "Namespace" => &["Name", "Status", "Age"],
        "Job" => &["Name", "Status", "Completions", "Age"],
        "Service" => &["Name", "Type", "Cluster-IP", "Age"],
        "Event" => &["Last Seen", "Type", "Reason", "Object", "Message"],
        _ => &["Name", "Age"],
    }
}

fn cells(kind: &str, object: &Value) -> Vec<Value> {
    let name = json!(name_of(object));
    let age = json!(age(object));
    match kind {
        "Pod" => {
            let statuses = get_path(object, &["status", "containerStatuses"])
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let ready = statuses.iter().filter(|s| s["ready"] == true).count();
            let total = get_path(object, &["spec", "containers"])
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let waiting = statuses.iter().find_map(|s| {
                s.pointer("/state/waiting/reason")
                    .or_else(|| s.pointer("/state/terminated/reason"))
                    .and_then(Value::as_str)
            });
            let phase = get_path(object, &["status", "phase"])
                .and_then(Value::as_str)
                .unwrap_or("Pending");
            let restarts: i64 = statuses
                .iter()
                .map(|s| s["restartCount"].as_i64().unwrap_or(0))
                .sum();
            vec![
                name,
                json!(format!("{ready}/{total}")),
                json!(waiting.unwrap_or(phase)),
                json!(restarts),
                age,
            ]
        }
        "Deployment" => {
            let desired = get_path(object, &["spec", "replicas"])
                .and_then(Value::as_i64)
                .unwrap_or(1);
            vec![
                name,
                json!(format!(
                    "{}/{desired}",
                    number(object, &["status", "readyReplicas"])
                )),
                json!(number(object, &["status", "updatedReplicas"])),
                json!(number(object, &["status", "availableReplicas"])),
                age,
            ]
        }
        "Namespace" => vec![
            name,
            json!(
                get_path(object, &["status", "phase"])
                    .and_then(Value::as_str)
                    .unwrap_or("Active")
            ),
            age,
        ],
        "Job" => {
            let conditions = get_path(object, &["status", "conditions"])
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let status = conditions
                .iter()
                .find(|c| {
                    c["status"] == "True" && (c["type"] == "Complete" || c["type"] == "Failed")
                })
                .and_then(|c| c["type"].as_str())
                .unwrap_or("Running");
            let completions = get_path(object, &["spec", "completions"])
                .and_then(Value::as_i64)
                .unwrap_or(1);
            vec![
                name,
                json!(status),
                json!(format!(
                    "{}/{completions}",
                    number(object, &["status", "succeeded"])
                )),
                age,
            ]
        }
        "Service" => vec![
            name,
            json!(
                get_path(object, &["spec", "type"])
                    .and_then(Value::as_str)
                    .unwrap_or("ClusterIP")
            ),
            json!(
                get_path(object, &["spec", "clusterIP"])
                    .and_then(Value::as_str)
                    .unwrap_or("<none>")
            ),
            age,
        ],
        "Event" => {
            let seen = json!({"metadata": {"creationTimestamp": object.get("lastTimestamp")}});
            let seen = self::age(&seen);
            let involved = &object["involvedObject"];
            vec![
                json!(seen),
                object["type"].clone(),
                object["reason"].clone(),
                json!(format!(
                    "{}/{}",
                    involved["kind"].as_str().unwrap_or("").to_ascii_lowercase(),
                    involved["name"].as_str().unwrap_or("")
                )),
                object["message"].clone(),
            ]
        }
        _ => vec![name, age],
    }
}

/// The metadata-only form of an object (`meta.k8s.io/v1` PartialObjectMetadata).
pub fn partial_object_metadata(object: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": object.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}

/// A `meta.k8s.io/v1` Table of `objects`; each row carries the object's metadata.
pub fn table(kind: &str, objects: &[&Value], list_metadata: Value) -> Value {
    let definitions: Vec<Value> = columns(kind)
        .iter()
        .map(|column| {
            let format = if *column == "Name" { "name" } else { "" };
            json!({"name": column, "type": "string", "format": format, "description": column, "priority": 0})
        })
        .collect();
    let rows: Vec<Value> = objects
        .iter()
        .map(|object| {
            json!({
                "cells": cells(kind, object),
                "object": partial_object_metadata(object),
            })
        })
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": list_metadata, "columnDefinitions": definitions, "rows": rows})
}
