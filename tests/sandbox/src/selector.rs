//! Label selectors (`=`, `==`, `!=`, `in`, `notin`, exists, `!`, `>`, `<`) and field selectors.

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, PartialEq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
    GreaterThan(String, i64),
    LessThan(String, i64),
}

/// A parsed label selector; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

fn parse_error(text: &str, why: &str) -> ApiError {
    ApiError::bad_request(format!(
        "unable to parse requirement: {why}: found '{text}'"
    ))
}

fn valid_key(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c))
    });
    name_ok && prefix_ok
}

fn valid_value(value: &str) -> bool {
    value.is_empty()
        || (value.len() <= 63
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

/// Splits on commas that are not inside `( )`.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_set(text: &str, original: &str) -> ApiResult<Vec<String>> {
    let inner = text
        .trim()
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .ok_or_else(|| parse_error(original, "expected a set in parentheses"))?;
    let values: Vec<String> = inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return Err(parse_error(
            original,
            "for 'in', 'notin' operators, values set can't be empty",
        ));
    }
    for value in &values {
        if !valid_value(value) {
            return Err(parse_error(original, "invalid label value"));
        }
    }
    Ok(values)
}

fn parse_requirement(text: &str) -> ApiResult<Requirement> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(parse_error(text, "found '', expected: identifier"));
    }
    let check_key = |key: &str| -> ApiResult<String> {
        let key = key.trim();
        if valid_key(key) {
            Ok(key.to_string())
        } else {
            Err(parse_error(trimmed, "invalid label key"))
        }
    };
    let check_value = |value: &str| -> ApiResult<String> {
        let value = value.trim();
        if valid_value(value) {
            Ok(value.to_string())
        } else {
            Err(parse_error(trimmed, "invalid label value"))
        }
    };
    if let Some(key) = trimmed.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(check_key(key)?));
    }
    // Set-based: `key in (...)`, `key notin (...)`.
    let words: Vec<&str> = trimmed.splitn(2, char::is_whitespace).collect();
    if words.len() == 2 {
        let rest = words[1].trim_start();
        if let Some(set) = rest.strip_prefix("notin")
            && set.trim_start().starts_with('(')
        {
            return Ok(Requirement::NotIn(
                check_key(words[0])?,
                parse_set(set, trimmed)?,
            ));
        }
        if let Some(set) = rest.strip_prefix("in")
            && set.trim_start().starts_with('(')
        {
            return Ok(Requirement::In(
                check_key(words[0])?,
                parse_set(set, trimmed)?,
            ));
        }
    }
    if let Some((key, value)) = trimmed.split_once("!=") {
        return Ok(Requirement::NotEquals(check_key(key)?, check_value(value)?));
    }
    if let Some((key, value)) = trimmed.split_once("==") {
        return Ok(Requirement::Equals(check_key(key)?, check_value(value)?));
    }
    if let Some((key, value)) = trimmed.split_once('=') {
        return Ok(Requirement::Equals(check_key(key)?, check_value(value)?));
    }
    for (operator, greater) in [('>', true), ('<', false)] {
        if let Some((key, value)) = trimmed.split_once(operator) {
            let number: i64 = value.trim().parse().map_err(|_| {
                parse_error(
                    trimmed,
                    "for 'Gt', 'Lt' operators, the value must be an integer",
                )
            })?;
            let key = check_key(key)?;
            return Ok(if greater {
                Requirement::GreaterThan(key, number)
            } else {
                Requirement::LessThan(key, number)
            });
        }
    }
    Ok(Requirement::Exists(check_key(trimmed)?))
}

impl LabelSelector {
    pub fn parse(text: &str) -> ApiResult<LabelSelector> {
        if text.trim().is_empty() {
            return Ok(LabelSelector::default());
        }
        let requirements = split_top_level(text)
            .into_iter()
            .map(parse_requirement)
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(LabelSelector { requirements })
    }

    /// Selects everything (no requirements).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        let get = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
        self.requirements
            .iter()
            .all(|requirement| match requirement {
                Requirement::Equals(key, value) => get(key) == Some(value.as_str()),
                Requirement::NotEquals(key, value) => get(key) != Some(value.as_str()),
                Requirement::In(key, values) => {
                    get(key).is_some_and(|v| values.iter().any(|x| x == v))
                }
                Requirement::NotIn(key, values) => {
                    get(key).is_none_or(|v| !values.iter().any(|x| x == v))
                }
                Requirement::Exists(key) => get(key).is_some(),
                Requirement::DoesNotExist(key) => get(key).is_none(),
                Requirement::GreaterThan(key, number) => get(key)
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| v > *number),
                Requirement::LessThan(key, number) => get(key)
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| v < *number),
            })
    }
}

/// A field selector: `metadata.name=x,metadata.namespace!=y` (plus a few per-kind fields).
#[derive(Debug, Clone, Default)]
pub struct FieldSelector {
    terms: Vec<(String, bool, String)>,
}

impl FieldSelector {
    /// `kind` decides which fields beyond `metadata.name`/`metadata.namespace` are allowed.
    pub fn parse(text: &str, kind: &str) -> ApiResult<FieldSelector> {
        let mut terms = Vec::new();
        for term in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (field, equal, value) = if let Some((f, v)) = term.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = term.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = term.split_once('=') {
                (f, true, v)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: '{text}'; can't understand '{term}'"
                )));
            };
            let field = field.trim();
            if !field_supported(kind, field) {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {field}"
                )));
            }
            terms.push((field.to_string(), equal, value.trim().to_string()));
        }
        Ok(FieldSelector { terms })
    }

    /// Selects everything (no terms).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn matches(&self, object: &Value) -> bool {
        self.terms.iter().all(|(field, equal, value)| {
            let path: Vec<&str> = field.split('.').collect();
            let actual = crate::util::get_path(object, &path);
            let actual = match actual {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Bool(b)) => b.to_string(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            (actual == *value) == *equal
        })
    }
}

fn field_supported(kind: &str, field: &str) -> bool {
    if field == "metadata.name" || field == "metadata.namespace" {
        return true;
    }
    match kind {
        "Pod" => matches!(
            field,
            "spec.nodeName"
                | "spec.restartPolicy"
                | "spec.schedulerName"
                | "spec.serviceAccountName"
                | "status.phase"
                | "status.podIP"
                | "status.nominatedNodeName"
        ),
        "Event" => {
            field.starts_with("involvedObject.")
                || matches!(field, "reason" | "reportingComponent" | "source" | "type")
        }
        "Secret" => field == "type",
        "Namespace" => field == "status.phase",
        "Job" => field == "status.successful",
        "ReplicaSet" | "ReplicationController" => field == "status.replicas",
        "Node" => field == "spec.unschedulable",
        _ => false,
    }
}
