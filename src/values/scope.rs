//! Subchart scoping in umbrella charts, Helm's rules (`chartutil/dependencies.go` and
//! `coalesce.go`): which subcharts are enabled (tags, then conditions), the values each one
//! sees (its defaults under what its parent supplies for it, and the parent's `global`), what it
//! hands back to its parent (`import-values`), and how its final values show in the parent's
//! (`Values.<subchart>`).
//!
//! Rendering walks the chart tree and asks these functions at each node; nothing here knows
//! about templates. Umbrella charts are rendered often and can be large, so values move between
//! parent and child where they can instead of being copied.

use super::merge::{coalesce_with_subcharts, lookup_path, merge, propagate_globals, set_path};
use super::{Map, Value};
use crate::chart::{Dependency, ImportValue};

/// The top-level `tags` map every dependency's tags are checked against: the root chart's
/// `tags` with the user's over them.
pub fn tags(root_defaults: &Value, user_values: &Value) -> Value {
    let mut tags = root_defaults.get("tags").cloned().unwrap_or(Value::Null);
    if let Some(user) = user_values.get("tags") {
        merge(&mut tags, user.clone());
    }
    tags
}

/// Whether a dependency is enabled, given its parent's values: tags first (any true enables,
/// all false disables, tags the map does not hold count for nothing), then the first path of
/// `condition` that holds a boolean overrides them.
pub fn is_enabled(dependency: &Dependency, parent_values: &Value, tags: &Value) -> bool {
    let mut enabled = true;
    let tag_values: Vec<bool> = dependency
        .tags
        .iter()
        .filter_map(|tag| tags.get(tag).and_then(Value::as_bool))
        .collect();
    if !tag_values.is_empty() {
        enabled = tag_values.iter().any(|v| *v);
    }
    if let Some(condition) = &dependency.condition {
        for path in condition
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            if let Some(value) = lookup_path(parent_values, path).and_then(Value::as_bool) {
                enabled = value;
                break;
            }
        }
    }
    enabled
}

/// A chart's values: its `defaults` with what was `supplied` for it over them (the user's values
/// for the root, the parent's values under the subchart's name otherwise), and the parent's
/// `global` merged into its own. The keys named in `subcharts` keep their `null`s, so that they
/// can delete the subcharts' own defaults in turn.
pub fn chart_values(
    defaults: &Value,
    supplied: Value,
    parent: Option<&Value>,
    subcharts: &[&str],
) -> Value {
    // Helm renders a chart's own `key: null` defaults as absent (a `range` does not see them);
    // under a subchart's key they stay, to delete that subchart's defaults.
    let mut values = match defaults {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, value)| !value.is_null() || subcharts.contains(&key.as_str()))
                .map(|(key, value)| {
                    let value = if subcharts.contains(&key.as_str()) {
                        value.clone()
                    } else {
                        super::merge::without_nulls(value.clone())
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        other => other.clone(),
    };
    coalesce_with_subcharts(&mut values, supplied, subcharts);
    propagate_globals(parent.unwrap_or(&Value::Null), &mut values);
    values
}

/// What a parent supplies to its subchart `name`: its values under that name (a copy: the
/// parent keeps its own until the subchart's final values replace them).
pub fn supplied_to(parent_values: &Value, name: &str) -> Value {
    parent_values
        .get(name)
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()))
}

/// Copies what a subchart exports into its parent's values, per the dependency's
/// `import-values`: `exports.<key>` of the child into the parent's top level for the short
/// form, `child` path to `parent` path for the long one. Imported values sit below the
/// parent's own. Returns whether anything was imported.
pub fn import_values(parent: &mut Value, child: &Value, imports: &[ImportValue]) -> bool {
    let mut imported = false;
    for import in imports {
        let (child_path, parent_path) = match import {
            ImportValue::Exported(key) => (format!("exports.{key}"), ""),
            ImportValue::Mapped { child, parent } => (child.clone(), parent.as_str()),
        };
        if let Some(found) = lookup_path(child, &child_path) {
            let mut merged = found.clone();
            if let Some(existing) = lookup_path(parent, parent_path) {
                merge(&mut merged, existing.clone());
            }
            set_path(parent, parent_path, merged);
            imported = true;
        }
    }
    imported
}

/// Puts each subchart's final values into its parent's under the subchart's name, where the
/// parent's templates see them. They are moved out of their slot, not copied, unless a later
/// subchart has the same name: that one's values end up in the map, and the earlier subchart
/// keeps its own.
pub fn nest_subchart_values(parent: &mut Value, subcharts: &mut [(&str, &mut Option<Value>)]) {
    let Value::Object(map) = parent else {
        return;
    };
    let names: Vec<&str> = subcharts.iter().map(|(name, _)| *name).collect();
    for (index, (name, slot)) in subcharts.iter_mut().enumerate() {
        let shadowed = names[index + 1..].contains(name);
        let values = if shadowed { slot.clone() } else { slot.take() };
        if let Some(values) = values {
            map.insert(name.to_string(), values);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn dependency(condition: Option<&str>, tags: &[&str]) -> Dependency {
        Dependency {
            name: "db".to_string(),
            condition: condition.map(str::to_string),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Dependency::default()
        }
    }

    #[test]
    fn user_tags_lie_over_the_chart_tags() {
        let defaults = json!({"tags": {"backend": true, "frontend": true}});
        let user = json!({"tags": {"frontend": false}});
        assert_eq!(
            tags(&defaults, &user),
            json!({"backend": true, "frontend": false})
        );
        assert_eq!(tags(&json!({}), &json!({})), Value::Null);
    }

    #[test]
    fn any_true_tag_enables_and_all_false_disable() {
        let tags = json!({"a": true, "b": false, "c": false});
        let values = json!({});
        assert!(is_enabled(&dependency(None, &["a", "b"]), &values, &tags));
        assert!(!is_enabled(&dependency(None, &["b", "c"]), &values, &tags));
        assert!(is_enabled(&dependency(None, &["unknown"]), &values, &tags));
        assert!(is_enabled(&dependency(None, &[]), &values, &Value::Null));
    }

    #[test]
    fn the_first_boolean_condition_wins_over_tags() {
        let tags = json!({"off": false});
        let values = json!({"db": {"enabled": "yes", "on": true}, "global": {"db": false}});
        // `db.enabled` is not a boolean: skipped; `db.on` decides, over the tag.
        let first_bool = dependency(Some("missing.path, db.enabled, db.on"), &["off"]);
        assert!(is_enabled(&first_bool, &values, &tags));
        let global = dependency(Some("global.db,db.on"), &[]);
        assert!(!is_enabled(&global, &values, &tags));
        let nothing = dependency(Some("missing"), &["off"]);
        assert!(!is_enabled(&nothing, &values, &tags), "the tag decides");
    }

    #[test]
    fn supplied_values_lie_over_defaults_and_globals_come_from_the_parent() {
        let defaults = json!({"port": 80, "host": "x", "db": {"user": "app"}, "global": {"env": "dev", "own": 1}});
        let supplied = json!({"port": 8080, "host": null, "db": {"user": null}});
        let parent = json!({"global": {"env": "prod"}});
        let values = chart_values(&defaults, supplied, Some(&parent), &["db"]);
        assert_eq!(
            values,
            json!({"port": 8080, "db": {"user": null}, "global": {"env": "prod", "own": 1}}),
            "`null` deletes, except under a subchart's key, which keeps it for the subchart"
        );
        let root = chart_values(&json!({"a": 1}), Value::Null, None, &[]);
        assert_eq!(root, json!({"a": 1, "global": {}}));
    }

    #[test]
    fn a_subchart_is_supplied_a_copy_of_its_key_or_an_empty_map() {
        let parent = json!({"db": {"user": "app"}});
        assert_eq!(supplied_to(&parent, "db"), json!({"user": "app"}));
        assert_eq!(supplied_to(&parent, "cache"), json!({}));
    }

    #[test]
    fn imports_copy_exports_and_mapped_paths_below_the_parents_values() {
        let child =
            json!({"exports": {"data": {"port": 5432, "host": "db"}}, "conn": {"user": "u"}});
        let mut parent = json!({"port": 1, "settings": {"user": "mine"}});
        let imports = [
            ImportValue::Exported("data".to_string()),
            ImportValue::Mapped {
                child: "conn".to_string(),
                parent: "settings".to_string(),
            },
            ImportValue::Mapped {
                child: "missing".to_string(),
                parent: "nowhere".to_string(),
            },
        ];
        assert!(import_values(&mut parent, &child, &imports));
        assert_eq!(
            parent,
            json!({"port": 1, "settings": {"user": "mine"}, "host": "db"}),
            "the parent's own values win"
        );
        let none = [ImportValue::Exported("absent".to_string())];
        assert!(!import_values(&mut parent, &child, &none));
    }

    #[test]
    fn subchart_values_move_into_the_parent_and_a_shadowed_one_keeps_its_own() {
        let mut parent = json!({"web": {"stale": true}, "keep": 1});
        let mut first = Some(json!({"from": "first"}));
        let mut second = Some(json!({"from": "second"}));
        let mut other = Some(json!({"from": "other"}));
        nest_subchart_values(
            &mut parent,
            &mut [
                ("web", &mut first),
                ("db", &mut other),
                ("web", &mut second),
            ],
        );
        assert_eq!(
            parent,
            json!({"web": {"from": "second"}, "keep": 1, "db": {"from": "other"}})
        );
        assert_eq!(first, Some(json!({"from": "first"})), "shadowed: kept");
        assert_eq!(other, None, "moved");
        assert_eq!(second, None, "moved");
    }
}
