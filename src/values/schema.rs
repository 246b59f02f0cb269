//! Checking values against a chart's `values.schema.json`.

use super::Value;
use super::error::{Error, SchemaViolation};

/// Validates `values` against `schema` (the parsed `values.schema.json` of chart `chart`).
///
/// Every violation is reported, each with the JSON Pointer of the offending value, so a user
/// fixes them all in one go instead of one per run. The draft is taken from `$schema` (the
/// newest supported draft when absent). Remote `$ref`s are not fetched: rendering stays offline.
pub fn validate_schema(schema: &Value, values: &Value, chart: &str) -> Result<(), Error> {
    let validator = jsonschema::validator_for(schema).map_err(|error| Error::InvalidSchema {
        chart: chart.to_owned(),
        reason: describe_schema_error(&error),
    })?;
    let violations: Vec<SchemaViolation> = validator
        .iter_errors(values)
        .map(|error| {
            let path = error.instance_path().as_str();
            SchemaViolation {
                instance_path: if path.is_empty() {
                    "/".to_owned()
                } else {
                    path.to_owned()
                },
                message: schema_message(&error),
            }
        })
        .collect();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::SchemaViolations {
            chart: chart.to_owned(),
            violations,
        })
    }
}

fn describe_schema_error(error: &jsonschema::ValidationError<'_>) -> String {
    // When the schema breaks its meta-schema, the instance path points into the schema itself,
    // which is exactly where the author has to look.
    let path = error.instance_path().as_str();
    let message = schema_message(error);
    if path.is_empty() {
        message
    } else {
        format!("{path}: {message}")
    }
}

/// Longest message of one schema error: they quote the value they judge (a whole map, or a
/// string of any length) and the schema's own text.
const SCHEMA_MESSAGE_LIMIT: usize = 300;

fn schema_message(error: &jsonschema::ValidationError<'_>) -> String {
    let message = crate::error::shorten_quoted(&error.to_string());
    crate::error::truncate_for_message(&message, SCHEMA_MESSAGE_LIMIT).into_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Value {
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "required": ["image"],
            "properties": {
                "replicaCount": {"type": "integer", "minimum": 1},
                "image": {
                    "type": "object",
                    "properties": {"tag": {"type": "string"}},
                    "required": ["repository"],
                },
                "ports": {"type": "array", "items": {"type": "integer"}},
            },
        })
    }

    #[test]
    fn valid_values_pass() {
        let values = json!({"replicaCount": 2, "image": {"repository": "nginx", "tag": "1"}});
        validate_schema(&schema(), &values, "web").unwrap();
    }

    #[test]
    fn every_violation_is_listed_with_its_path() {
        let values = json!({
            "replicaCount": "x",
            "image": {"tag": 5},
            "ports": [80, "http"],
        });
        let error = validate_schema(&schema(), &values, "web").unwrap_err();
        let Error::SchemaViolations { chart, violations } = &error else {
            panic!("unexpected error {error:?}");
        };
        assert_eq!(chart, "web");
        let mut found: Vec<String> = violations.iter().map(ToString::to_string).collect();
        found.sort();
        assert_eq!(
            found,
            [
                r#"/image/tag: 5 is not of type "string""#,
                r#"/image: "repository" is a required property"#,
                r#"/ports/1: "http" is not of type "integer""#,
                r#"/replicaCount: "x" is not of type "integer""#,
            ]
        );
        let message = error.to_string();
        assert!(
            message.starts_with("values do not match the schema of chart `web`:\n- "),
            "{message}"
        );
        assert_eq!(message.lines().count(), 5, "{message}");
    }

    #[test]
    fn top_level_violation_uses_root_path() {
        let error = validate_schema(&schema(), &json!({}), "web").unwrap_err();
        assert_eq!(
            error.to_string(),
            "values do not match the schema of chart `web`:\n- /: \"image\" is a required property"
        );
    }

    #[test]
    fn invalid_schema_names_chart_and_file() {
        let broken = json!({"type": "no-such-type"});
        let error = validate_schema(&broken, &json!({}), "web").unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("invalid `values.schema.json` in chart `web`: "),
            "{message}"
        );
        assert!(matches!(error, Error::InvalidSchema { .. }));
    }

    #[test]
    fn empty_schema_accepts_anything() {
        validate_schema(&json!({}), &json!({"anything": [1, "x"]}), "web").unwrap();
    }
}
