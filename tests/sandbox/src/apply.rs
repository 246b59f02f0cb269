//! Field ownership (`metadata.managedFields`) and server-side apply.
//!
//! The model: each manager owns a set of field paths. A path is a list of map keys and, for lists
//! with a merge key (`containers` by `name`, see [`crate::patch::list_merge_key`]), item keys.
//! Other lists are atomic: the list is one leaf. This is the structure `fieldsV1` encodes.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::patch::list_merge_key;
use crate::util::now_rfc3339;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// `f:name`
    Field(String),
    /// `k:{"name":"web"}`: the JSON of the item's key fields.
    Key(String),
    /// Any other `fieldsV1` key (`v:`, `i:`) kept as written.
    Raw(String),
}

pub type FieldPath = Vec<Segment>;
pub type FieldSet = BTreeSet<FieldPath>;

/// Metadata fields the server owns; they never appear in a manager's set.
const SERVER_METADATA: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
    "generateName",
];

/// The paths an object (or an apply configuration) sets. `status` is left out: it belongs to the
/// status subresource.
pub fn field_set(object: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    if let Value::Object(map) = object {
        for (key, value) in map {
            match key.as_str() {
                "apiVersion" | "kind" | "status" => {}
                "metadata" => {
                    if let Value::Object(metadata) = value {
                        for (field, child) in metadata {
                            if !SERVER_METADATA.contains(&field.as_str()) {
                                collect(
                                    child,
                                    vec![
                                        Segment::Field("metadata".into()),
                                        Segment::Field(field.clone()),
                                    ],
                                    field,
                                    &mut set,
                                );
                            }
                        }
                    }
                }
                _ => collect(value, vec![Segment::Field(key.clone())], key, &mut set),
            }
        }
    }
    set
}

fn item_key(key: &str, item: &Value) -> Segment {
    let mut map = Map::new();
    map.insert(
        key.to_string(),
        item.get(key).cloned().unwrap_or(Value::Null),
    );
    Segment::Key(Value::Object(map).to_string())
}

fn collect(value: &Value, path: FieldPath, field: &str, set: &mut FieldSet) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                let mut child_path = path.clone();
                child_path.push(Segment::Field(key.clone()));
                collect(child, child_path, key, set);
            }
        }
        Value::Array(items) if !items.is_empty() => match list_merge_key(field, items) {
            Some(key) => {
                for item in items {
                    let mut item_path = path.clone();
                    item_path.push(item_key(key, item));
                    set.insert(item_path.clone());
                    collect(item, item_path, "", set);
                }
            }
            None => {
                set.insert(path);
            }
        },
        _ => {
            set.insert(path);
        }
    }
}

/// The value at a path, if present.
pub fn value_at<'a>(object: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    let mut current = object;
    for segment in path {
        current = match segment {
            Segment::Field(name) => current.get(name)?,
            Segment::Key(key) => {
                let (field, wanted) = parse_key(key)?;
                current
                    .as_array()?
                    .iter()
                    .find(|item| item.get(&field) == Some(&wanted))?
            }
            Segment::Raw(_) => return None,
        };
    }
    Some(current)
}

fn parse_key(key: &str) -> Option<(String, Value)> {
    let parsed: Map<String, Value> = serde_json::from_str(key).ok()?;
    parsed.into_iter().next()
}

/// Removes the field or list item at `path`.
pub fn remove_at(object: &mut Value, path: &FieldPath) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = object;
    for segment in parents {
        let next = match segment {
            Segment::Field(name) => current.get_mut(name),
            Segment::Key(key) => match parse_key(key) {
                Some((field, wanted)) => current.as_array_mut().and_then(|items| {
                    items
                        .iter_mut()
                        .find(|item| item.get(&field) == Some(&wanted))
                }),
                None => None,
            },
            Segment::Raw(_) => None,
        };
        match next {
            Some(next) => current = next,
            None => return,
        }
    }
    match last {
        Segment::Field(name) => {
            if let Some(map) = current.as_object_mut() {
                map.remove(name);
            }
        }
        Segment::Key(key) => {
            if let (Some((field, wanted)), Some(items)) = (parse_key(key), current.as_array_mut()) {
                items.retain(|item| item.get(&field) != Some(&wanted));
            }
        }
        Segment::Raw(_) => {}
    }
}

/// `.spec.template.spec.containers[name="web"].image`, the form conflict messages use.
pub fn path_string(path: &FieldPath) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Field(name) => {
                out.push('.');
                out.push_str(name);
            }
            Segment::Key(key) => {
                if let Some((field, value)) = parse_key(key) {
                    out.push_str(&format!("[{field}={value}]"));
                }
            }
            Segment::Raw(raw) => out.push_str(&format!("[{raw}]")),
        }
    }
    out
}

fn encode_segment(segment: &Segment) -> String {
    match segment {
        Segment::Field(name) => format!("f:{name}"),
        Segment::Key(key) => format!("k:{key}"),
        Segment::Raw(raw) => raw.clone(),
    }
}

fn decode_segment(text: &str) -> Segment {
    if let Some(name) = text.strip_prefix("f:") {
        Segment::Field(name.to_string())
    } else if let Some(key) = text.strip_prefix("k:") {
        Segment::Key(key.to_string())
    } else {
        Segment::Raw(text.to_string())
    }
}

pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Value::Object(Map::new());
    for path in set {
        let mut node = &mut root;
        for segment in path {
            node = node
                .as_object_mut()
                .expect("fieldsV1 nodes are objects")
                .entry(encode_segment(segment))
                .or_insert_with(|| json!({}));
        }
    }
    // A path that is owned and also has owned children gets the "." marker.
    for path in set {
        let mut node = &mut root;
        for segment in path {
            node = node
                .get_mut(encode_segment(segment))
                .expect("inserted above");
        }
        let map = node.as_object_mut().expect("fieldsV1 nodes are objects");
        if !map.is_empty() && !map.contains_key(".") {
            map.insert(".".into(), json!({}));
        }
    }
    root
}

pub fn from_fields_v1(fields: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    decode_into(fields, Vec::new(), &mut set);
    set
}

fn decode_into(node: &Value, path: FieldPath, set: &mut FieldSet) {
    let Some(map) = node.as_object() else { return };
    for (key, child) in map {
        if key == "." {
            set.insert(path.clone());
            continue;
        }
        let mut child_path = path.clone();
        child_path.push(decode_segment(key));
        if child.as_object().is_none_or(Map::is_empty) {
            set.insert(child_path);
        } else {
            decode_into(child, child_path, set);
        }
    }
}

/// One `metadata.managedFields` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedEntry {
    pub manager: String,
    pub operation: String,
    pub api_version: String,
    pub time: String,
    pub subresource: Option<String>,
    pub fields: FieldSet,
}

impl ManagedEntry {
    fn to_json(&self) -> Value {
        let mut entry = json!({
            "manager": self.manager,
            "operation": self.operation,
            "apiVersion": self.api_version,
            "time": self.time,
            "fieldsType": "FieldsV1",
            "fieldsV1": to_fields_v1(&self.fields),
        });
        let object = entry.as_object_mut().unwrap();
        if let Some(subresource) = &self.subresource {
            object.insert("subresource".into(), json!(subresource));
        }
        // Entries written by clients may leave the time out.
        if self.time.is_empty() {
            object.remove("time");
        }
        entry
    }

    /// How conflict messages name this manager.
    fn describe(&self) -> String {
        let mut text = format!("{:?}", self.manager);
        if let Some(subresource) = &self.subresource {
            text.push_str(&format!(" with subresource {subresource:?}"));
        }
        if self.operation == "Update" {
            text.push_str(&format!(" using {}", self.api_version));
        }
        text
    }
}

pub fn read_managed(object: &Value) -> Vec<ManagedEntry> {
    let Some(entries) = object
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|entry| {
            let text = |key: &str| {
                entry
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            ManagedEntry {
                manager: text("manager"),
                operation: text("operation"),
                api_version: text("apiVersion"),
                time: text("time"),
                subresource: entry
                    .get("subresource")
                    .and_then(Value::as_str)
                    .map(String::from),
                fields: entry
                    .get("fieldsV1")
                    .map(from_fields_v1)
                    .unwrap_or_default(),
            }
        })
        .collect()
}

pub fn write_managed(object: &mut Value, entries: &[ManagedEntry]) {
    let metadata = crate::util::ensure_object(object, &["metadata"]);
    let entries: Vec<Value> = entries
        .iter()
        .filter(|entry| !entry.fields.is_empty())
        .map(ManagedEntry::to_json)
        .collect();
    if entries.is_empty() {
        metadata.remove("managedFields");
    } else {
        metadata.insert("managedFields".into(), Value::Array(entries));
    }
}

fn is_item(path: &FieldPath) -> bool {
    matches!(path.last(), Some(Segment::Key(_)))
}

fn has_prefix(path: &FieldPath, prefix: &FieldPath) -> bool {
    path.len() >= prefix.len() && path[..prefix.len()] == prefix[..]
}

/// Records a create, update or patch by `manager` (operation `Update`): it takes the fields it
/// changed from everyone else; fields it removed leave every set.
pub fn record_update(
    entries: &mut Vec<ManagedEntry>,
    old: Option<&Value>,
    new: &Value,
    manager: &str,
    api_version: &str,
) {
    let new_fields = field_set(new);
    let changed: FieldSet = new_fields
        .iter()
        .filter(|path| match old.and_then(|old| value_at(old, path)) {
            None => true,
            Some(before) => !is_item(path) && Some(before) != value_at(new, path),
        })
        .cloned()
        .collect();
    let removed: Vec<FieldPath> = match old {
        Some(old) => field_set(old).difference(&new_fields).cloned().collect(),
        None => Vec::new(),
    };
    for entry in entries.iter_mut() {
        entry.fields.retain(|path| {
            !changed.contains(path) && !removed.iter().any(|gone| has_prefix(path, gone))
        });
    }
    if !changed.is_empty() {
        let time = now_rfc3339();
        match entries
            .iter_mut()
            .find(|e| e.manager == manager && e.operation == "Update" && e.subresource.is_none())
        {
            Some(entry) => {
                entry.fields.extend(changed);
                entry.time = time;
                entry.api_version = api_version.to_string();
            }
            None => entries.push(ManagedEntry {
                manager: manager.to_string(),
                operation: "Update".into(),
                api_version: api_version.to_string(),
                time,
                subresource: None,
                fields: changed,
            }),
        }
    }
    entries.retain(|entry| !entry.fields.is_empty());
}

/// A field another manager owns with a different value than the apply configuration asks for.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub manager: String,
    pub path: FieldPath,
}

/// The 409 message and `details.causes` of a failed apply, worded as the API server words them.
pub fn conflict_message(conflicts: &[Conflict]) -> (String, Vec<Value>) {
    let causes = conflicts
        .iter()
        .map(|c| {
            json!({"reason": "FieldManagerConflict", "message": format!("conflict with {}", c.manager), "field": path_string(&c.path)})
        })
        .collect();
    if let [only] = conflicts {
        return (
            format!(
                "Apply failed with 1 conflict: conflict with {}: {}",
                only.manager,
                path_string(&only.path)
            ),
            causes,
        );
    }
    let mut managers: Vec<&String> = conflicts.iter().map(|c| &c.manager).collect();
    managers.sort();
    managers.dedup();
    let mut lines = Vec::new();
    for manager in managers {
        lines.push(format!("conflicts with {manager}:"));
        for conflict in conflicts.iter().filter(|c| &c.manager == manager) {
            lines.push(format!("- {}", path_string(&conflict.path)));
        }
    }
    (
        format!(
            "Apply failed with {} conflicts: {}",
            conflicts.len(),
            lines.join("\n")
        ),
        causes,
    )
}

/// Server-side apply of `config` by `manager` onto `live` (None when the object is new).
/// Returns the merged object (managedFields written) or the conflicts.
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    api_version: &str,
    force: bool,
) -> Result<Value, Vec<Conflict>> {
    let config_fields = field_set(config);
    let mut entries = live.map(read_managed).unwrap_or_default();
    let mut base = live.cloned().unwrap_or_else(|| json!({}));
    let is_mine = |e: &ManagedEntry| e.manager == manager && e.operation == "Apply";

    let mut conflicts = Vec::new();
    for entry in entries.iter().filter(|e| !is_mine(e)) {
        for path in config_fields.intersection(&entry.fields) {
            if !is_item(path) && value_at(config, path) != value_at(&base, path) {
                conflicts.push(Conflict {
                    manager: entry.describe(),
                    path: path.clone(),
                });
            }
        }
    }
    if !conflicts.is_empty() {
        if !force {
            return Err(conflicts);
        }
        for entry in entries
            .iter_mut()
            .filter(|e| !(e.manager == manager && e.operation == "Apply"))
        {
            entry.fields.retain(|path| {
                !(config_fields.contains(path)
                    && !is_item(path)
                    && value_at(config, path) != value_at(&base, path))
            });
        }
    }

    // Fields this manager applied before and no longer applies go away, unless someone else owns them.
    let previous: FieldSet = entries
        .iter()
        .find(|e| is_mine(e))
        .map(|e| e.fields.clone())
        .unwrap_or_default();
    let dropped: Vec<FieldPath> = previous.difference(&config_fields).cloned().collect();
    for path in dropped.iter().rev() {
        let owned_elsewhere = entries
            .iter()
            .filter(|e| !is_mine(e))
            .any(|e| e.fields.iter().any(|owned| has_prefix(owned, path)));
        if !owned_elsewhere {
            remove_at(&mut base, path);
        }
    }

    let mut merged = merge_applied(&base, config, "");
    let time = now_rfc3339();
    match entries.iter_mut().find(|e| is_mine(e)) {
        Some(entry) => {
            if entry.fields != config_fields {
                entry.time = time;
            }
            entry.fields = config_fields;
            entry.api_version = api_version.to_string();
        }
        None => entries.push(ManagedEntry {
            manager: manager.to_string(),
            operation: "Apply".into(),
            api_version: api_version.to_string(),
            time,
            subresource: None,
            fields: config_fields,
        }),
    }
    entries.retain(|entry| !entry.fields.is_empty());
    write_managed(&mut merged, &entries);
    Ok(merged)
}

/// Merges an apply configuration into the live object: maps deeply, keyed lists item by item,
/// everything else replaced.
fn merge_applied(base: &Value, config: &Value, field: &str) -> Value {
    match (base, config) {
        (Value::Object(live), Value::Object(applied)) => {
            let mut result = live.clone();
            for (key, value) in applied {
                if value.is_null() {
                    continue;
                }
                let merged = match result.get(key) {
                    Some(existing) => merge_applied(existing, value, key),
                    None => value.clone(),
                };
                result.insert(key.clone(), merged);
            }
            Value::Object(result)
        }
        (Value::Array(live), Value::Array(applied)) => match list_merge_key(field, applied) {
            Some(key) if list_merge_key(field, live) == Some(key) || live.is_empty() => {
                let mut result = live.clone();
                for item in applied {
                    match result
                        .iter()
                        .position(|existing| existing.get(key) == item.get(key))
                    {
                        Some(index) => result[index] = merge_applied(&result[index], item, ""),
                        None => result.push(item.clone()),
                    }
                }
                Value::Array(result)
            }
            _ => config.clone(),
        },
        _ => config.clone(),
    }
}
