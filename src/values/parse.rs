//! Turning a values document (YAML text) into a [`Value`] tree.
//!
//! Helm converts YAML to JSON before using values, so we do the same: keys become strings,
//! merge keys (`<<`) are resolved, and several documents in one file are merged in order
//! (Helm v4).
//!
//! One deliberate difference: a key written twice in one map is an error. Helm's YAML reader
//! silently keeps the last one, which hides copy-paste mistakes in long values files.

use super::error::Error;
use super::merge::merge;
use super::{Map, Value};

/// Parses one values file. `origin` names it in error messages (a file name, `-` for stdin).
///
/// Every document in the text is parsed and merged over the previous ones with [`merge`], so a
/// later document wins and its `null`s survive to delete chart defaults later. An empty text or
/// empty documents give an empty map. The top level of each document must be a map.
pub fn parse_yaml(text: &str, origin: &str) -> Result<Value, Error> {
    // The fast reader takes one plain document and leaves every doubt (several documents,
    // NaN, non-string keys, merge keys, errors) to the strict conversion below.
    match crate::yaml::from_str_fast(text) {
        Some(Value::Null) => return Ok(Value::Object(Map::new())),
        Some(mut map @ Value::Object(_)) => {
            wide_integers_as_floats(&mut map);
            return Ok(map);
        }
        _ => {}
    }
    if let Some((line, column)) = crate::yaml::too_deep(text) {
        return Err(Error::YamlSyntax {
            origin: origin.to_owned(),
            line,
            column,
            message: crate::yaml::too_deep_message(),
        });
    }
    let mut result = Value::Object(Map::new());
    // YAML 1.1 scalars, as Helm reads values files: `enabled: no` is `false`.
    for document in crate::yaml::documents(text) {
        let mut yaml = document.map_err(|error| syntax_error(&error, origin))?;
        yaml.apply_merge()
            .map_err(|error| syntax_error(&error, origin))?;
        let value = yaml_to_json(yaml, origin, &mut Vec::new())?;
        match value {
            Value::Null => {}
            Value::Object(_) => merge(&mut result, value),
            other => {
                return Err(Error::InvalidValues {
                    origin: origin.to_owned(),
                    path: String::new(),
                    reason: format!("the top level must be a map, not {}", kind_of(&other)),
                });
            }
        }
    }
    wide_integers_as_floats(&mut result);
    Ok(result)
}

/// Helm reads every number of a values file as a float64. Integers it holds exactly stay
/// integers here (they print the same); larger ones become the float Helm has, so that
/// `toYaml` prints `12345678901234567000` for `12345678901234567890` as Helm does.
fn wide_integers_as_floats(value: &mut Value) {
    const EXACT: u64 = 1 << 53;
    match value {
        Value::Number(number) => {
            let wide = match (number.as_u64(), number.as_i64()) {
                (Some(unsigned), _) => unsigned > EXACT,
                (_, Some(signed)) => signed.unsigned_abs() > EXACT,
                _ => false,
            };
            if let (true, Some(float)) = (wide, number.as_f64()) {
                *value = Value::from(float);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(wide_integers_as_floats),
        Value::Object(map) => map.values_mut().for_each(wide_integers_as_floats),
        _ => {}
    }
}

fn syntax_error(error: &serde_yaml::Error, origin: &str) -> Error {
    let message = error.to_string();
    let Some(location) = error.location() else {
        // Errors found after parsing (a bad merge key, for one) have no position.
        return Error::InvalidValues {
            origin: origin.to_owned(),
            path: String::new(),
            reason: message,
        };
    };
    // serde_yaml appends the position to its message; we show it once, up front.
    let suffix = format!(" at line {} column {}", location.line(), location.column());
    Error::YamlSyntax {
        origin: origin.to_owned(),
        line: location.line(),
        column: location.column(),
        message: match message.replacen(&suffix, "", 1) {
            recursion if recursion == "recursion limit exceeded" => crate::yaml::describe(error),
            message => crate::error::shorten_quoted(&message),
        },
    }
}

/// Converts YAML to JSON the way Helm (sigs.k8s.io/yaml) does: scalar keys are written as
/// strings, tags are dropped, numbers keep their integer or float type.
fn yaml_to_json(
    yaml: serde_yaml::Value,
    origin: &str,
    path: &mut Vec<String>,
) -> Result<Value, Error> {
    Ok(match yaml {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(boolean) => Value::Bool(boolean),
        serde_yaml::Value::Number(number) => number_to_json(&number, origin, path)?,
        serde_yaml::Value::String(string) => Value::String(string),
        serde_yaml::Value::Sequence(items) => {
            let mut list = Vec::with_capacity(items.len());
            for (index, item) in items.into_iter().enumerate() {
                path.push(format!("[{index}]"));
                list.push(yaml_to_json(item, origin, path)?);
                path.pop();
            }
            Value::Array(list)
        }
        serde_yaml::Value::Mapping(mapping) => {
            let mut map = Map::with_capacity(mapping.len());
            for (key, item) in mapping {
                let key = key_to_string(key, origin, path)?;
                path.push(key.clone());
                let item = yaml_to_json(item, origin, path)?;
                path.pop();
                map.insert(key, item);
            }
            Value::Object(map)
        }
        // Custom tags (`!foo bar`) mean nothing to values; Helm ignores them too.
        serde_yaml::Value::Tagged(tagged) => yaml_to_json(tagged.value, origin, path)?,
    })
}

fn number_to_json(
    number: &serde_yaml::Number,
    origin: &str,
    path: &[String],
) -> Result<Value, Error> {
    if let Some(integer) = number.as_i64() {
        return Ok(Value::from(integer));
    }
    if let Some(integer) = number.as_u64() {
        return Ok(Value::from(integer));
    }
    let float = number.as_f64().unwrap_or(f64::NAN);
    serde_json::Number::from_f64(float)
        .map(Value::Number)
        .ok_or_else(|| Error::InvalidValues {
            origin: origin.to_owned(),
            path: dotted(path),
            // JSON has no NaN or infinity; Helm fails on them as well.
            reason: format!("`{number}` cannot be represented in values"),
        })
}

fn key_to_string(key: serde_yaml::Value, origin: &str, path: &[String]) -> Result<String, Error> {
    Ok(match key {
        serde_yaml::Value::String(string) => string,
        serde_yaml::Value::Bool(boolean) => boolean.to_string(),
        serde_yaml::Value::Null => "null".to_owned(),
        serde_yaml::Value::Number(number) => crate::yaml::number_key(&number),
        serde_yaml::Value::Tagged(tagged) => key_to_string(tagged.value, origin, path)?,
        other @ (serde_yaml::Value::Sequence(_) | serde_yaml::Value::Mapping(_)) => {
            return Err(Error::InvalidValues {
                origin: origin.to_owned(),
                path: dotted(path),
                reason: format!(
                    "a {} cannot be a map key",
                    if other.is_sequence() { "list" } else { "map" }
                ),
            });
        }
    })
}

fn dotted(path: &[String]) -> String {
    let mut out = String::new();
    for segment in path {
        if !out.is_empty() && !segment.starts_with('[') {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}

pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_nested_maps_lists_and_scalars() {
        let value = parse_yaml(
            "image:\n  repository: nginx\n  tag: \"1.25\"\nports: [80, 443]\nreplicas: 3\nratio: 0.5\nenabled: true\nnothing: null\n",
            "values.yaml",
        )
        .unwrap();
        assert_eq!(
            value,
            json!({
                "image": {"repository": "nginx", "tag": "1.25"},
                "ports": [80, 443],
                "replicas": 3,
                "ratio": 0.5,
                "enabled": true,
                "nothing": null,
            })
        );
    }

    #[test]
    fn integers_stay_integers_and_floats_stay_floats() {
        let value = parse_yaml(
            "int: 3\nexact: 9007199254740992\nbig: 18446744073709551615\nfloat: 3.0\n",
            "v",
        )
        .unwrap();
        assert!(value["int"].is_i64());
        assert!(value["exact"].is_u64());
        // Beyond 2^53, the float64 Helm reads.
        assert_eq!(value["big"].as_f64(), Some(18446744073709551615.0));
        assert!(value["big"].is_f64());
        assert!(value["float"].is_f64());
        assert_eq!(value["float"].as_f64(), Some(3.0));
    }

    #[test]
    fn keeps_key_order() {
        let value = parse_yaml("zeta: 1\nalpha: 2\nmid: 3\n", "v").unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["zeta", "alpha", "mid"]);
    }

    #[test]
    fn empty_document_is_an_empty_map() {
        assert_eq!(parse_yaml("", "v").unwrap(), json!({}));
        assert_eq!(parse_yaml("# only a comment\n", "v").unwrap(), json!({}));
        assert_eq!(parse_yaml("---\n", "v").unwrap(), json!({}));
    }

    #[test]
    fn non_string_keys_become_strings() {
        let value = parse_yaml(
            "1: a\ntrue: x\n2.5: \"y\"\n~: z\nOff: w\n1e3: u\n08: t\n",
            "v",
        )
        .unwrap();
        assert_eq!(
            value,
            json!({"1": "a", "true": "x", "2.5": "y", "null": "z", "false": "w", "1000": "u", "8": "t"})
        );
    }

    #[test]
    fn yaml_1_1_scalars_read_as_helm_reads_them() {
        // Helm reads values with YAML 1.1 rules: `enabled: no` is false, not a (true) string.
        let text = "enabled: no\nshort: y\nswitch: off\nmode: 0755\nbig: 1_000\nquoted: \"no\"\n\
                    date: 2021-01-01\nlist: [on, 'off']\n";
        let expected = json!({
            "enabled": false, "short": true, "switch": false, "mode": 493, "big": 1000,
            "quoted": "no", "date": "2021-01-01", "list": [true, "off"]
        });
        assert_eq!(parse_yaml(text, "v").unwrap(), expected);
        // The same through the serde_yaml path (several documents).
        let value = parse_yaml(&format!("{text}---\nother: N\n"), "v").unwrap();
        let mut expected = expected;
        expected["other"] = json!(false);
        assert_eq!(value, expected);
    }

    #[test]
    fn merge_keys_are_resolved() {
        let text = "base: &base\n  a: 1\n  b: 2\nderived:\n  <<: *base\n  b: 3\n";
        let value = parse_yaml(text, "v").unwrap();
        assert_eq!(value["derived"], json!({"a": 1, "b": 3}));
        assert!(value["derived"].get("<<").is_none());
    }

    #[test]
    fn multiple_documents_merge_in_order() {
        let text = "a: 1\nnested:\n  x: 1\n  z: 1\n---\nb: 2\nnested:\n  z: 2\n  x: null\n---\n";
        let value = parse_yaml(text, "v").unwrap();
        // The later document wins; its null is kept so it can delete a chart default later.
        assert_eq!(
            value,
            json!({"a": 1, "nested": {"x": null, "z": 2}, "b": 2})
        );
    }

    #[test]
    fn top_level_list_is_rejected_naming_origin() {
        let error = parse_yaml("- a\n- b\n", "prod.yaml").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid values in `prod.yaml`: the top level must be a map, not a list"
        );
    }

    #[test]
    fn top_level_scalar_is_rejected() {
        let error = parse_yaml("just a string\n", "prod.yaml").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid values in `prod.yaml`: the top level must be a map, not a string"
        );
    }

    #[test]
    fn syntax_error_reports_origin_line_and_column() {
        let error = parse_yaml("a: 1\nb:\n  c: [1, 2\n", "prod.yaml").unwrap_err();
        match &error {
            Error::YamlSyntax {
                origin,
                line,
                column,
                message,
            } => {
                assert_eq!(origin, "prod.yaml");
                assert_eq!(*line, 4);
                assert_eq!(*column, 1);
                // The problem's position moves up front; the context keeps its own.
                assert_eq!(
                    message,
                    "did not find expected ',' or ']', while parsing a flow sequence at line 3 column 6"
                );
            }
            other => panic!("unexpected error {other:?}"),
        }
        assert!(
            error
                .to_string()
                .starts_with("cannot parse `prod.yaml` at line 4, column 1: "),
            "{error}"
        );
    }

    #[test]
    fn bad_indentation_reports_its_line() {
        let error = parse_yaml("a:\n  b: 1\n c: 2\n", "values.yaml").unwrap_err();
        let Error::YamlSyntax { line, .. } = error else {
            panic!("unexpected error {error:?}");
        };
        assert_eq!(line, 3);
    }

    #[test]
    fn map_as_key_is_rejected_with_path() {
        let error = parse_yaml("outer:\n  ? {a: 1}\n  : x\n", "v.yaml").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid values in `v.yaml` at `outer`: a map cannot be a map key"
        );
    }

    #[test]
    fn infinity_is_rejected_with_path() {
        let error = parse_yaml("limits:\n  - .inf\n", "v.yaml").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid values in `v.yaml` at `limits[0]`: `.inf` cannot be represented in values"
        );
    }

    #[test]
    fn bad_merge_key_is_an_error_naming_origin() {
        let error = parse_yaml("a:\n  <<: 1\n", "v.yaml").unwrap_err();
        assert!(
            matches!(&error, Error::InvalidValues { origin, .. } if origin == "v.yaml"),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("invalid values in `v.yaml`: "),
            "{error}"
        );
    }

    #[test]
    fn duplicate_keys_are_an_error() {
        let error = parse_yaml("a: 1\nb: 2\na: 3\n", "v.yaml").unwrap_err();
        // serde_yaml points at the start of the map, not at the second `a`; the key is named.
        assert_eq!(
            error.to_string(),
            "cannot parse `v.yaml` at line 1, column 1: duplicate entry with key \"a\""
        );
    }

    #[test]
    fn custom_tags_are_dropped() {
        let value = parse_yaml("a: !secret hunter2\n", "v").unwrap();
        assert_eq!(value, json!({"a": "hunter2"}));
    }
}
