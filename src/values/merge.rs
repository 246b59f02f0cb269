//! Combining values layers, and reading or writing a value by its dotted path.
//!
//! Two merge flavours exist because Helm needs both (`MergeValues` and `CoalesceValues` in
//! `coalesce.go`):
//!
//! * [`merge`] stacks *user* layers (`-f` files, `--set`, documents of one file). A `null` in the
//!   overlay is kept, because its job is to delete a chart default that is not known yet.
//! * [`coalesce`] lays the final user values over chart defaults. A `null` in the overlay deletes
//!   the key, and a `null` for a key the defaults do not have is dropped as well.
//!
//! Helm keeps a `null` whose key is absent from the defaults (#6900, #30587), so a template sees
//! a key that holds nothing. We drop it instead: `null` always means "unset", and a template
//! cannot tell "set to null" from "never set", which is what users expect when they write it.
//!
//! In both, maps merge deeply and everything else (scalars, lists, a map over a scalar or a
//! scalar over a map) is replaced by the overlay. Helm logs a warning and keeps the user's value
//! in the type-mismatch cases; the result is the same.

use super::{Map, Value};

/// Lays `overlay` over `base`, keeping `null`s of the overlay (user layer over user layer).
///
/// Maps merge key by key, recursively; any other overlay value replaces the base value.
pub fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(base_map), Value::Object(overlay_map)) => merge_maps(base_map, overlay_map),
        (base, overlay) => *base = overlay,
    }
}

fn merge_maps(base: &mut Map, overlay: Map) {
    for (key, overlay_value) in overlay {
        match base.get_mut(&key) {
            Some(base_value) if base_value.is_object() && overlay_value.is_object() => {
                merge(base_value, overlay_value);
            }
            _ => {
                base.insert(key, overlay_value);
            }
        }
    }
}

/// Lays user values (`overlay`) over chart defaults (`base`); a `null` in the overlay deletes.
///
/// A top-level `null` overlay means "no user values" and leaves `base` untouched. `null`s that
/// come from `base` itself (the chart author wrote them) are kept.
pub fn coalesce(base: &mut Value, overlay: Value) {
    coalesce_with_subcharts(base, overlay, &[]);
}

/// Like [`coalesce`], but the top-level keys named in `subcharts` are merged with [`merge`], so
/// their `null`s survive and can delete the subchart's own defaults when the subchart's values
/// are coalesced in turn (Helm's `childChartMergeTrue`; without it `--set child.key=null` could
/// not remove a subchart default, #5184, #12637).
pub fn coalesce_with_subcharts(base: &mut Value, overlay: Value, subcharts: &[&str]) {
    match (base, overlay) {
        (_, Value::Null) => {}
        (Value::Object(base_map), Value::Object(overlay_map)) => {
            for (key, overlay_value) in overlay_map {
                if subcharts.contains(&key.as_str()) {
                    match base_map.get_mut(&key) {
                        Some(base_value) => merge(base_value, overlay_value),
                        None => {
                            base_map.insert(key, overlay_value);
                        }
                    }
                } else {
                    coalesce_entry(base_map, key, overlay_value);
                }
            }
        }
        (base, overlay) => *base = without_nulls(overlay),
    }
}

fn coalesce_entry(base: &mut Map, key: String, overlay_value: Value) {
    if overlay_value.is_null() {
        // `shift_remove` keeps the order of the remaining keys, which users see in output.
        base.shift_remove(&key);
        return;
    }
    match base.get_mut(&key) {
        Some(base_value @ Value::Object(_)) if overlay_value.is_object() => {
            let Value::Object(base_map) = base_value else {
                unreachable!("matched as an object above")
            };
            let Value::Object(overlay_map) = overlay_value else {
                unreachable!("checked with is_object above")
            };
            for (key, value) in overlay_map {
                coalesce_entry(base_map, key, value);
            }
        }
        _ => {
            base.insert(key, without_nulls(overlay_value));
        }
    }
}

/// Removes `null` map entries at every depth: with nothing underneath to delete, a user `null`
/// has no meaning. `null` list items are kept, since they hold positions.
pub(crate) fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (key, without_nulls(value)))
                .collect(),
        ),
        other => other,
    }
}

/// Copies the parent's `global` map into the child's `global` (Helm's `coalesceGlobals`).
///
/// The parent wins on conflicts and maps merge deeply. The child always ends up with a
/// `global` map, even an empty one, so templates can read `Values.global.x` in any chart. When
/// either side's `global` is not a map the parent's value replaces the child's (Helm skips with
/// a warning; replacing keeps "parent wins" true without exceptions).
pub fn propagate_globals(parent: &Value, child: &mut Value) {
    let Value::Object(child_map) = child else {
        return;
    };
    let child_global = child_map
        .entry("global")
        .or_insert_with(|| Value::Object(Map::new()));
    if child_global.is_null() {
        *child_global = Value::Object(Map::new());
    }
    if let Some(parent_global) = parent.get("global")
        && !parent_global.is_null()
    {
        merge(child_global, parent_global.clone());
    }
}

/// Finds the value at a dotted path such as `image.tag`. Numeric segments index into lists
/// (`ports.0`). The empty path is the whole tree.
pub fn lookup_path<'a>(values: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(values);
    }
    path.split('.')
        .try_fold(values, |current, segment| match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

/// Sets the value at a dotted path, creating intermediate maps. Anything in the way that is not
/// a map (including the root) is replaced by a map, because the caller asked for this path to
/// exist. The empty path replaces the whole tree.
pub fn set_path(values: &mut Value, path: &str, value: Value) {
    if path.is_empty() {
        *values = value;
        return;
    }
    let mut current = values;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
        let Value::Object(map) = current else {
            unreachable!("made an object above")
        };
        if segments.peek().is_none() {
            map.insert(segment.to_owned(), value);
            return;
        }
        current = map
            .entry(segment)
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn merge_deep_merges_maps() {
        let mut base = json!({"image": {"repository": "nginx", "tag": "1"}, "replicas": 1});
        merge(&mut base, json!({"image": {"tag": "2"}, "extra": true}));
        assert_eq!(
            base,
            json!({"image": {"repository": "nginx", "tag": "2"}, "replicas": 1, "extra": true})
        );
    }

    #[test]
    fn merge_replaces_lists_and_scalars() {
        let mut base = json!({"ports": [80, 443], "name": "a", "map": {"x": 1}});
        merge(
            &mut base,
            json!({"ports": [8080], "name": {"now": "a map"}, "map": "scalar"}),
        );
        assert_eq!(
            base,
            json!({"ports": [8080], "name": {"now": "a map"}, "map": "scalar"})
        );
    }

    #[test]
    fn merge_keeps_overlay_nulls() {
        let mut base = json!({"a": 1, "b": {"c": 2}});
        merge(&mut base, json!({"a": null, "b": {"c": null}, "d": null}));
        assert_eq!(base, json!({"a": null, "b": {"c": null}, "d": null}));
    }

    #[test]
    fn coalesce_deep_merges_and_user_wins() {
        let mut defaults = json!({"image": {"repository": "nginx", "tag": "1"}, "list": [1, 2]});
        coalesce(&mut defaults, json!({"image": {"tag": "2"}, "list": [3]}));
        assert_eq!(
            defaults,
            json!({"image": {"repository": "nginx", "tag": "2"}, "list": [3]})
        );
    }

    #[test]
    fn coalesce_null_deletes_present_key_keeping_order() {
        let mut defaults = json!({"a": 1, "b": 2, "c": 3, "nested": {"x": 1, "y": 2}});
        coalesce(&mut defaults, json!({"b": null, "nested": {"x": null}}));
        assert_eq!(defaults, json!({"a": 1, "c": 3, "nested": {"y": 2}}));
        let keys: Vec<&String> = defaults.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "c", "nested"]);
    }

    #[test]
    fn coalesce_null_for_absent_key_is_dropped() {
        let mut defaults = json!({"a": 1});
        coalesce(
            &mut defaults,
            json!({"ghost": null, "new": {"x": null, "y": 1}}),
        );
        assert_eq!(defaults, json!({"a": 1, "new": {"y": 1}}));
    }

    #[test]
    fn coalesce_null_deletes_whole_map() {
        let mut defaults = json!({"resources": {"limits": {"cpu": "1"}}, "keep": true});
        coalesce(&mut defaults, json!({"resources": null}));
        assert_eq!(defaults, json!({"keep": true}));
    }

    #[test]
    fn coalesce_keeps_nulls_written_in_defaults() {
        let mut defaults = json!({"nodeSelector": null});
        coalesce(&mut defaults, json!({"other": 1}));
        assert_eq!(defaults, json!({"nodeSelector": null, "other": 1}));
    }

    #[test]
    fn coalesce_map_over_scalar_and_scalar_over_map() {
        let mut defaults = json!({"a": "scalar", "b": {"x": 1}});
        coalesce(
            &mut defaults,
            json!({"a": {"x": 1, "gone": null}, "b": "scalar"}),
        );
        assert_eq!(defaults, json!({"a": {"x": 1}, "b": "scalar"}));
    }

    #[test]
    fn coalesce_keeps_null_list_items() {
        let mut defaults = json!({});
        coalesce(&mut defaults, json!({"list": [null, 1]}));
        assert_eq!(defaults, json!({"list": [null, 1]}));
    }

    #[test]
    fn coalesce_top_level_null_changes_nothing() {
        let mut defaults = json!({"a": 1});
        coalesce(&mut defaults, Value::Null);
        assert_eq!(defaults, json!({"a": 1}));
    }

    #[test]
    fn coalesce_with_subcharts_keeps_nulls_for_subcharts() {
        let mut parent_defaults = json!({"own": {"x": 1}, "redis": {"port": 6379}});
        coalesce_with_subcharts(
            &mut parent_defaults,
            json!({"own": {"x": null}, "redis": {"auth": null}}),
            &["redis"],
        );
        assert_eq!(
            parent_defaults,
            json!({"own": {}, "redis": {"port": 6379, "auth": null}})
        );
        // The subchart's own coalesce then deletes its default.
        let mut redis_defaults = json!({"auth": {"enabled": true}, "port": 1});
        coalesce(&mut redis_defaults, parent_defaults["redis"].clone());
        assert_eq!(redis_defaults, json!({"port": 6379}));
    }

    #[test]
    fn propagate_globals_parent_wins_and_maps_merge() {
        let parent = json!({"global": {"registry": "parent.io", "labels": {"team": "a"}}});
        let mut child = json!({
            "global": {"registry": "child.io", "labels": {"tier": "db"}, "own": 1},
            "port": 1,
        });
        propagate_globals(&parent, &mut child);
        assert_eq!(
            child,
            json!({
                "global": {
                    "registry": "parent.io",
                    "labels": {"tier": "db", "team": "a"},
                    "own": 1,
                },
                "port": 1,
            })
        );
    }

    #[test]
    fn propagate_globals_creates_empty_global() {
        let mut child = json!({"port": 1});
        propagate_globals(&json!({}), &mut child);
        assert_eq!(child, json!({"port": 1, "global": {}}));
    }

    #[test]
    fn propagate_globals_replaces_non_map_child_global() {
        let mut child = json!({"global": "oops"});
        propagate_globals(&json!({"global": {"a": 1}}), &mut child);
        assert_eq!(child, json!({"global": {"a": 1}}));
    }

    #[test]
    fn lookup_path_walks_maps_and_lists() {
        let values = json!({"a": {"b": {"c": 3}}, "list": [{"name": "x"}], "flag": false});
        assert_eq!(lookup_path(&values, "a.b.c"), Some(&json!(3)));
        assert_eq!(lookup_path(&values, "list.0.name"), Some(&json!("x")));
        assert_eq!(lookup_path(&values, "flag"), Some(&json!(false)));
        assert_eq!(lookup_path(&values, ""), Some(&values));
        assert_eq!(lookup_path(&values, "a.missing"), None);
        assert_eq!(lookup_path(&values, "a.b.c.d"), None);
        assert_eq!(lookup_path(&values, "list.1"), None);
        assert_eq!(lookup_path(&values, "list.x"), None);
    }

    #[test]
    fn set_path_creates_intermediate_maps() {
        let mut values = json!({"a": {"keep": 1}});
        set_path(&mut values, "a.b.c", json!("x"));
        assert_eq!(values, json!({"a": {"keep": 1, "b": {"c": "x"}}}));
    }

    #[test]
    fn set_path_replaces_scalars_in_the_way() {
        let mut values = json!({"a": "scalar"});
        set_path(&mut values, "a.b", json!(1));
        assert_eq!(values, json!({"a": {"b": 1}}));
        let mut root = Value::Null;
        set_path(&mut root, "x", json!(true));
        assert_eq!(root, json!({"x": true}));
    }
}
