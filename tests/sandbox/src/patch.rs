//! Patch formats: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch.

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// The merge key of a list field, for strategic merge patch and server-side apply: the lists the
/// Kubernetes schema marks `patchMergeKey` (`containers` by `name`, `ports` by port number, ...).
/// `None` means the list is atomic (replaced as a whole).
pub fn list_merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    let key = match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "secrets"
        | "resourceClaims" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "conditions" => "type",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        "ownerReferences" => "uid",
        // Container ports merge by containerPort, Service ports by port.
        "ports" => {
            let first = items.iter().find(|item| item.is_object());
            match first {
                Some(item) if item.get("containerPort").is_some() => "containerPort",
                Some(item) if item.get("port").is_some() => "port",
                _ => "name",
            }
        }
        _ => return None,
    };
    // Only when every item is an object carrying the key; otherwise treat the list as atomic.
    items
        .iter()
        .all(|item| item.get(key).is_some() || item.get("$patch").is_some())
        .then_some(key)
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(patch_map) => {
            let mut result = match target {
                Value::Object(map) => map.clone(),
                _ => Map::new(),
            };
            for (key, value) in patch_map {
                if value.is_null() {
                    result.remove(key);
                } else {
                    let merged = merge_patch(result.get(key).unwrap_or(&Value::Null), value);
                    result.insert(key.clone(), merged);
                }
            }
            Value::Object(result)
        }
        other => other.clone(),
    }
}

fn unescape_pointer(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn pointer_tokens(path: &str) -> ApiResult<Vec<String>> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| ApiError::bad_request(format!("invalid JSON pointer {path:?}")))?;
    Ok(rest.split('/').map(unescape_pointer).collect())
}

fn parent_mut<'a>(doc: &'a mut Value, tokens: &[String], path: &str) -> ApiResult<&'a mut Value> {
    let mut current = doc;
    for token in tokens {
        current = match current {
            Value::Object(map) => map.get_mut(token),
            Value::Array(list) => token
                .parse::<usize>()
                .ok()
                .and_then(move |i| list.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| missing(path))?;
    }
    Ok(current)
}

fn missing(path: &str) -> ApiError {
    ApiError::new(
        422,
        "Invalid",
        format!(
            "the server rejected our request due to an error in our request: jsonpatch: path {path:?} does not exist"
        ),
    )
}

fn json_patch_add(doc: &mut Value, path: &str, value: Value) -> ApiResult<()> {
    let tokens = pointer_tokens(path)?;
    let Some((last, parents)) = tokens.split_last() else {
        *doc = value;
        return Ok(());
    };
    match parent_mut(doc, parents, path)? {
        Value::Object(map) => {
            map.insert(last.clone(), value);
        }
        Value::Array(list) => {
            if last == "-" {
                list.push(value);
            } else {
                let index: usize = last.parse().map_err(|_| missing(path))?;
                if index > list.len() {
                    return Err(missing(path));
                }
                list.insert(index, value);
            }
        }
        _ => return Err(missing(path)),
    }
    Ok(())
}

fn json_patch_remove(doc: &mut Value, path: &str) -> ApiResult<Value> {
    let tokens = pointer_tokens(path)?;
    let Some((last, parents)) = tokens.split_last() else {
        return Err(missing(path));
    };
    match parent_mut(doc, parents, path)? {
        Value::Object(map) => map.remove(last).ok_or_else(|| missing(path)),
        Value::Array(list) => {
            let index: usize = last.parse().map_err(|_| missing(path))?;
            if index >= list.len() {
                return Err(missing(path));
            }
            Ok(list.remove(index))
        }
        _ => Err(missing(path)),
    }
}

/// RFC 6902 JSON patch: add, remove, replace, move, copy, test.
pub fn json_patch(target: &Value, operations: &Value) -> ApiResult<Value> {
    let operations = operations
        .as_array()
        .ok_or_else(|| ApiError::bad_request("json patch must be a list of operations"))?;
    let mut doc = target.clone();
    for operation in operations {
        let op = operation.get("op").and_then(Value::as_str).unwrap_or("");
        let path = operation.get("path").and_then(Value::as_str).unwrap_or("");
        let from = operation.get("from").and_then(Value::as_str).unwrap_or("");
        let value = || {
            operation.get("value").cloned().ok_or_else(|| {
                ApiError::bad_request(format!("json patch {op} operation has no value"))
            })
        };
        match op {
            "add" => json_patch_add(&mut doc, path, value()?)?,
            "remove" => {
                json_patch_remove(&mut doc, path)?;
            }
            "replace" => {
                json_patch_remove(&mut doc, path)?;
                json_patch_add(&mut doc, path, value()?)?;
            }
            "move" => {
                let moved = json_patch_remove(&mut doc, from)?;
                json_patch_add(&mut doc, path, moved)?;
            }
            "copy" => {
                let copied = doc.pointer(from).cloned().ok_or_else(|| missing(from))?;
                json_patch_add(&mut doc, path, copied)?;
            }
            "test" => {
                if doc.pointer(path) != Some(&value()?) {
                    return Err(ApiError::new(
                        422,
                        "Invalid",
                        format!(
                            "the server rejected our request due to an error in our request: testing value {path} failed"
                        ),
                    ));
                }
            }
            other => {
                return Err(ApiError::bad_request(format!("Unexpected kind: {other}")));
            }
        }
    }
    Ok(doc)
}

/// Strategic merge patch: like a merge patch, but lists with a merge key merge item by item, and
/// the `$patch`, `$retainKeys`, `$setElementOrder/` and `$deleteFromPrimitiveList/` directives apply.
pub fn strategic_merge_patch(target: &Value, patch: &Value) -> ApiResult<Value> {
    Ok(strategic_merge_map_value(target, patch))
}

fn strategic_merge_map_value(target: &Value, patch: &Value) -> Value {
    let Value::Object(patch_map) = patch else {
        return patch.clone();
    };
    if patch_map.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut replaced = patch_map.clone();
        replaced.remove("$patch");
        return Value::Object(replaced);
    }
    let mut result = match target {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    for (key, value) in patch_map {
        if key == "$patch" || key == "$retainKeys" || key.starts_with("$setElementOrder/") {
            continue;
        }
        if let Some(field) = key.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Some(remove)) =
                (result.get_mut(field), value.as_array())
            {
                list.retain(|item| !remove.contains(item));
            }
            continue;
        }
        if value.is_null() {
            result.remove(key);
            continue;
        }
        let merged = match (result.get(key), value) {
            (Some(Value::Object(_)), Value::Object(_)) => {
                strategic_merge_map_value(result.get(key).unwrap(), value)
            }
            (Some(Value::Array(existing)), Value::Array(items)) => merge_list(key, existing, items),
            (_, Value::Object(_)) => strategic_merge_map_value(&Value::Null, value),
            (_, Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .filter(|item| item.get("$patch").is_none())
                    .map(|item| strategic_merge_map_value(&Value::Null, item))
                    .collect(),
            ),
            _ => value.clone(),
        };
        result.insert(key.clone(), merged);
    }
    if let Some(keep) = patch_map.get("$retainKeys").and_then(Value::as_array) {
        result.retain(|key, _| keep.iter().any(|k| k.as_str() == Some(key)));
    }
    Value::Object(result)
}

fn merge_list(field: &str, existing: &[Value], items: &[Value]) -> Value {
    if items
        .iter()
        .any(|item| item.get("$patch").and_then(Value::as_str) == Some("replace"))
    {
        return Value::Array(
            items
                .iter()
                .filter(|i| i.get("$patch").is_none())
                .cloned()
                .collect(),
        );
    }
    // `finalizers` is the one primitive list Kubernetes merges as a set.
    if field == "finalizers" {
        let mut merged = existing.to_vec();
        for item in items {
            if !merged.contains(item) {
                merged.push(item.clone());
            }
        }
        return Value::Array(merged);
    }
    let Some(key) = list_merge_key(field, items) else {
        return Value::Array(items.to_vec());
    };
    let mut merged = existing.to_vec();
    for item in items {
        let item_key = item.get(key);
        let position = merged
            .iter()
            .position(|m| m.get(key) == item_key && item_key.is_some());
        if item.get("$patch").and_then(Value::as_str) == Some("delete") {
            merged.retain(|m| m.get(key) != item_key);
            continue;
        }
        match position {
            Some(index) => merged[index] = strategic_merge_map_value(&merged[index], item),
            None => merged.push(strategic_merge_map_value(&Value::Null, item)),
        }
    }
    Value::Array(merged)
}
