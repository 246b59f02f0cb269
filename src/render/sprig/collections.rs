//! Sprig's list and dict functions on Tera's immutable values (`set`/`unset`/`merge` return the
//! changed map; the converter writes it back to the variable Helm would have mutated), and
//! `rangeOrder`, which makes Helm's `range` order explicit.

use tera::{Kwargs, Map, State, Tera, TeraResult, Value};

use super::format::go_value_text;
use super::strings::to_int;
use super::{is_empty, kwarg, list_arg, need};

fn key_text(value: &Value) -> String {
    if value.is_none() || value.is_undefined() {
        return String::new();
    }
    go_value_text(value)
}

fn items(value: &Value) -> Vec<Value> {
    value.as_array().map(|a| a.to_vec()).unwrap_or_default()
}

fn map_of(value: &Value, f: &str) -> TeraResult<Map> {
    match value.as_map() {
        Some(map) => Ok(map.clone()),
        None if value.is_none() || value.is_undefined() => Ok(Map::new()),
        None => Err(tera::Error::message(format!(
            "{f}: expected a map, got {}",
            super::format::type_name(value)
        ))),
    }
}

/// What Helm's `range` goes through: a map with its keys sorted bytewise, a list as it is (with
/// `indexed=true`, as a map from index to item, for `range $i, $v`), nothing for null or a
/// missing value, `0..n` for an integer.
fn range_order(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let indexed = kwarg(&kwargs, "indexed").is_some_and(|v| v.is_truthy());
    if let Some(map) = value.as_map() {
        let mut entries: Vec<(String, Value)> = map
            .iter()
            .map(|(k, v)| (Value::from(k.clone()).to_string(), v.clone()))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut sorted = Map::new();
        for (k, v) in entries {
            sorted.insert(k.into(), v);
        }
        return Ok(Value::from(sorted));
    }
    let list = if let Some(items) = value.as_array() {
        items.to_vec()
    } else if value.is_none() || value.is_undefined() {
        Vec::new()
    } else if value.is_number() && !value.is_f64() {
        (0..to_int(value)).map(Value::from).collect()
    } else {
        return Err(tera::Error::message(format!(
            "range can't iterate over {}",
            go_value_text(value)
        )));
    };
    if indexed {
        let mut map = Map::new();
        for (i, v) in list.into_iter().enumerate() {
            map.insert(tera::value::Key::I64(i as i64), v);
        }
        return Ok(Value::from(map));
    }
    Ok(Value::from(list))
}

fn get_in(value: &Value, key: &Value) -> TeraResult<Value> {
    if value.is_none() || value.is_undefined() {
        return Err(tera::Error::message("index of untyped nil"));
    }
    if let Some(map) = value.as_map() {
        let k = key_text(key);
        return Ok(map
            .iter()
            .find(|(mk, _)| Value::from((*mk).clone()).to_string() == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(Value::none));
    }
    if let Some(list) = value.as_array() {
        let i = to_int(key);
        return list
            .get(i as usize)
            .filter(|_| i >= 0)
            .cloned()
            .ok_or_else(|| tera::Error::message(format!("index out of range: {i}")));
    }
    Err(tera::Error::message(format!(
        "can't index item of type {}",
        super::format::type_name(value)
    )))
}

/// Go's `index X k1 k2...` and field access on a computed value.
fn index(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let keys = list_arg(&kwargs, "keys", "index")?;
    // `nil="empty"`: a field of a null value is null (Go's `(x).field`), not an error.
    let nil_empty = kwarg(&kwargs, "nil").and_then(|v| v.as_str()) == Some("empty");
    let mut current = value.clone();
    for key in &keys {
        if nil_empty && (current.is_none() || current.is_undefined()) {
            return Ok(Value::none());
        }
        current = get_in(&current, key)?;
    }
    Ok(current)
}

/// Sprig's `get`: the value, or `""` when absent.
fn get_key(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let key = key_text(need(&kwargs, "key", "getKey")?);
    let map = map_of(value, "getKey")?;
    Ok(map
        .get(&tera::value::Key::from(key))
        .cloned()
        .unwrap_or_else(|| Value::from("")))
}

fn set_key(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let key = key_text(need(&kwargs, "key", "setKey")?);
    let new = kwarg(&kwargs, "value").cloned().unwrap_or_else(Value::none);
    let mut map = map_of(value, "setKey")?;
    map.insert(key.into(), new);
    Ok(Value::from(map))
}

fn unset_key(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let key = key_text(need(&kwargs, "key", "unsetKey")?);
    let mut map = map_of(value, "unsetKey")?;
    map.shift_remove(&tera::value::Key::from(key));
    Ok(Value::from(map))
}

/// Replaces the value at `path` (a list of keys) under a map: how a mutation of a nested map
/// (`set .Values.a "k" v`) is written back.
fn set_in(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let path = list_arg(&kwargs, "path", "setIn")?;
    let new = kwarg(&kwargs, "value").cloned().unwrap_or_else(Value::none);
    fn go(current: &Value, path: &[Value], new: Value) -> TeraResult<Value> {
        let Some((first, rest)) = path.split_first() else {
            return Ok(new);
        };
        let mut map = map_of(current, "setIn")?;
        let key: tera::value::Key<'static> = key_text(first).into();
        let inner = map.get(&key).cloned().unwrap_or_else(Value::none);
        map.insert(key, go(&inner, rest, new)?);
        Ok(Value::from(map))
    }
    go(value, &path, new)
}

fn has_key(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let key = key_text(need(&kwargs, "key", "hasKey")?);
    Ok(Value::from(
        map_of(value, "hasKey")?.contains_key(&tera::value::Key::from(key)),
    ))
}

fn sorted_keys(map: &Map) -> Vec<String> {
    let mut keys: Vec<String> = map
        .keys()
        .map(|k| Value::from(k.clone()).to_string())
        .collect();
    keys.sort();
    keys
}

/// Sprig's `keys` (in sorted order: Go's is random, charts sort it).
fn keys_list(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        sorted_keys(&map_of(value, "keys")?)
            .into_iter()
            .map(Value::from)
            .collect::<Vec<_>>(),
    ))
}

fn values_list(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let map = map_of(value, "values")?;
    let values: Vec<Value> = sorted_keys(&map)
        .into_iter()
        .filter_map(|k| map.get(&tera::value::Key::from(k)).cloned())
        .collect();
    Ok(Value::from(values))
}

fn pick(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let keys: Vec<String> = list_arg(&kwargs, "keys", "pick")?
        .iter()
        .map(key_text)
        .collect();
    let map = map_of(value, "pick")?;
    let picked: Map = map
        .into_iter()
        .filter(|(k, _)| keys.contains(&Value::from(k.clone()).to_string()))
        .collect();
    Ok(Value::from(picked))
}

fn omit(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let keys: Vec<String> = list_arg(&kwargs, "keys", "omit")?
        .iter()
        .map(key_text)
        .collect();
    let map = map_of(value, "omit")?;
    let kept: Map = map
        .into_iter()
        .filter(|(k, _)| !keys.contains(&Value::from(k.clone()).to_string()))
        .collect();
    Ok(Value::from(kept))
}

fn pluck(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let key: tera::value::Key<'static> = key_text(need(&kwargs, "key", "pluck")?).into();
    let dicts = list_arg(&kwargs, "dicts", "pluck")?;
    let found: Vec<Value> = dicts
        .iter()
        .filter_map(|d| d.as_map().and_then(|m| m.get(&key).cloned()))
        .collect();
    Ok(Value::from(found))
}

fn dig(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let keys = list_arg(&kwargs, "keys", "dig")?;
    let default = kwarg(&kwargs, "default")
        .cloned()
        .unwrap_or_else(Value::none);
    let mut current = value.clone();
    for key in &keys {
        let Some(map) = current.as_map() else {
            return Err(tera::Error::message(format!(
                "dig: {} is not a map",
                go_value_text(&current)
            )));
        };
        match map.get(&tera::value::Key::from(key_text(key))) {
            Some(v) => current = v.clone(),
            None => return Ok(default),
        }
    }
    Ok(current)
}

/// mergo's merge: `dst` keeps its non-empty values, gains what it lacks; maps merge deeply.
fn merge_into(dst: &Value, src: &Value, overwrite: bool) -> Value {
    let (Some(d), Some(s)) = (dst.as_map(), src.as_map()) else {
        return dst.clone();
    };
    let mut out = d.clone();
    for (k, sv) in s.iter() {
        match out.get(k).cloned() {
            Some(dv) if dv.is_map() && sv.is_map() => {
                out.insert(k.clone(), merge_into(&dv, sv, overwrite));
            }
            Some(dv) => {
                if (overwrite && !(sv.is_map() && sv.as_map().is_some_and(|m| m.is_empty())))
                    || (!overwrite && is_empty(&dv))
                {
                    if !overwrite && (sv.is_none() || sv.is_undefined()) {
                        continue;
                    }
                    out.insert(k.clone(), sv.clone());
                }
            }
            None => {
                out.insert(k.clone(), sv.clone());
            }
        }
    }
    Value::from(out)
}

fn merge(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let values = list_arg(&kwargs, "values", "merge")?;
    let mut iter = values.into_iter();
    let mut dst = iter.next().unwrap_or_else(|| Value::from(Map::new()));
    for src in iter {
        dst = merge_into(&dst, &src, false);
    }
    Ok(dst)
}

fn merge_overwrite(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let values = list_arg(&kwargs, "values", "mergeOverwrite")?;
    let mut iter = values.into_iter();
    let mut dst = iter.next().unwrap_or_else(|| Value::from(Map::new()));
    for src in iter {
        dst = merge_into(&dst, &src, true);
    }
    Ok(dst)
}

/// `dict` with computed keys: `dict(pairs=[k1, v1, k2, v2])`.
fn dict(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let pairs = list_arg(&kwargs, "pairs", "dict")?;
    let mut map = Map::new();
    for chunk in pairs.chunks(2) {
        let value = chunk.get(1).cloned().unwrap_or_else(|| Value::from(""));
        map.insert(key_text(&chunk[0]).into(), value);
    }
    Ok(Value::from(map))
}

fn list_of(value: &Value, f: &str) -> TeraResult<Vec<Value>> {
    match value.as_array() {
        Some(items) => Ok(items.to_vec()),
        None if value.is_none() || value.is_undefined() => Ok(Vec::new()),
        None => Err(tera::Error::message(format!(
            "{f}: cannot use type {} as a list",
            super::format::type_name(value)
        ))),
    }
}

fn first_item(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(list_of(value, "first")?
        .first()
        .cloned()
        .unwrap_or_else(Value::none))
}

fn last_item(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(list_of(value, "last")?
        .last()
        .cloned()
        .unwrap_or_else(Value::none))
}

fn rest(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let l = list_of(value, "rest")?;
    Ok(Value::from(
        l.get(1..).map(|s| s.to_vec()).unwrap_or_default(),
    ))
}

fn initial(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let l = list_of(value, "initial")?;
    Ok(Value::from(l[..l.len().saturating_sub(1)].to_vec()))
}

fn append(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let mut l = list_of(value, "append")?;
    l.push(kwarg(&kwargs, "value").cloned().unwrap_or_else(Value::none));
    Ok(Value::from(l))
}

fn prepend(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let mut l = list_of(value, "prepend")?;
    l.insert(
        0,
        kwarg(&kwargs, "value").cloned().unwrap_or_else(Value::none),
    );
    Ok(Value::from(l))
}

fn concat(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let mut out = Vec::new();
    for l in list_arg(&kwargs, "lists", "concat")? {
        out.extend(list_of(&l, "concat")?);
    }
    Ok(Value::from(out))
}

/// Go's deep equality over Helm's data: an int and a float are never equal.
fn deep_equal(a: &Value, b: &Value) -> bool {
    if a.is_f64() != b.is_f64() && a.is_number() && b.is_number() {
        return false;
    }
    a == b
}

fn uniq(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let mut out: Vec<Value> = Vec::new();
    for v in list_of(value, "uniq")? {
        if !out.iter().any(|o| deep_equal(o, &v)) {
            out.push(v);
        }
    }
    Ok(Value::from(out))
}

fn compact(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        list_of(value, "compact")?
            .into_iter()
            .filter(|v| !is_empty(v))
            .collect::<Vec<_>>(),
    ))
}

fn sort_alpha(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let mut l: Vec<String> = list_of(value, "sortAlpha")?
        .iter()
        .map(go_value_text)
        .collect();
    l.sort();
    Ok(Value::from(l))
}

fn without(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let drop = list_arg(&kwargs, "values", "without")?;
    Ok(Value::from(
        list_of(value, "without")?
            .into_iter()
            .filter(|v| !drop.iter().any(|d| deep_equal(d, v)))
            .collect::<Vec<_>>(),
    ))
}

fn has(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let needle = kwarg(&kwargs, "value").cloned().unwrap_or_else(Value::none);
    Ok(Value::from(
        list_of(value, "has")?
            .iter()
            .any(|v| deep_equal(v, &needle)),
    ))
}

fn slice_list(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let l = list_of(value, "slice")?;
    let start = kwarg(&kwargs, "start").map(to_int).unwrap_or(0).max(0) as usize;
    let end = kwarg(&kwargs, "end")
        .map(to_int)
        .map(|e| e.max(0) as usize)
        .unwrap_or(l.len());
    if start > end || end > l.len() {
        return Err(tera::Error::message(format!(
            "slice: bounds [{start}:{end}] out of range for {} items",
            l.len()
        )));
    }
    Ok(Value::from(l[start..end].to_vec()))
}

fn chunk(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let size = to_int(need(&kwargs, "size", "chunk")?).max(1) as usize;
    let l = list_of(value, "chunk")?;
    Ok(Value::from(
        l.chunks(size)
            .map(|c| Value::from(c.to_vec()))
            .collect::<Vec<_>>(),
    ))
}

fn to_strings(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        items(value)
            .iter()
            .filter(|v| !(v.is_none() || v.is_undefined()))
            .map(go_value_text)
            .collect::<Vec<_>>(),
    ))
}

/// Helm's `fromYaml`/`fromJson`: a map, `{}` for empty text, `{"Error": ...}` when the text is
/// not a YAML map.
fn from_yaml_map(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let text = key_text(value);
    match crate::yaml::from_str(&text) {
        Ok(serde_json::Value::Object(map)) => Ok(Value::from_serializable(&map)),
        Ok(serde_json::Value::Null) => Ok(Value::from(Map::new())),
        Ok(_) => Ok(error_map(
            "error unmarshaling JSON: json: cannot unmarshal into Go value of type map[string]interface {}",
        )),
        Err(e) => Ok(error_map(&e.to_string())),
    }
}

fn error_map(message: &str) -> Value {
    let mut map = Map::new();
    map.insert("Error".into(), Value::from(message));
    Value::from(map)
}

fn from_yaml_array(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let text = key_text(value);
    match crate::yaml::from_str(&text) {
        Ok(serde_json::Value::Array(items)) => Ok(Value::from_serializable(&items)),
        Ok(serde_json::Value::Null) => Ok(Value::from(Vec::<Value>::new())),
        Ok(_) => Ok(Value::from(vec![Value::from(
            "error unmarshaling JSON: cannot unmarshal into []interface {}",
        )])),
        Err(e) => Ok(Value::from(vec![Value::from(e.to_string())])),
    }
}

pub(super) fn register(tera: &mut Tera) {
    tera.register_filter("rangeOrder", range_order);
    tera.register_filter("index", index);
    tera.register_filter("getKey", get_key);
    tera.register_filter("setKey", set_key);
    tera.register_filter("unsetKey", unset_key);
    tera.register_filter("setIn", set_in);
    tera.register_filter("hasKey", has_key);
    tera.register_filter("keysList", keys_list);
    tera.register_filter("valuesList", values_list);
    tera.register_filter("pick", pick);
    tera.register_filter("omit", omit);
    tera.register_function("pluck", pluck);
    tera.register_filter("dig", dig);
    tera.register_function("merge", merge);
    tera.register_function("mergeOverwrite", merge_overwrite);
    tera.register_function("dict", dict);
    tera.register_filter("firstItem", first_item);
    tera.register_filter("lastItem", last_item);
    tera.register_filter("rest", rest);
    tera.register_filter("initial", initial);
    tera.register_filter("append", append);
    tera.register_filter("prepend", prepend);
    tera.register_function("concat", concat);
    tera.register_filter("uniq", uniq);
    tera.register_filter("compact", compact);
    tera.register_filter("sortAlpha", sort_alpha);
    tera.register_filter("without", without);
    tera.register_filter("has", has);
    tera.register_filter("sliceList", slice_list);
    tera.register_filter("toStrings", to_strings);
    tera.register_filter("chunk", chunk);
    tera.register_filter("fromYamlMap", from_yaml_map);
    tera.register_filter("fromYamlArray", from_yaml_array);
}
