//! Kubernetes label selectors (`commit=abc,env in (prod,staging),!canary`), parsed on our side
//! so a bad `--selector` gets the same clear error from every store, and so the in-memory store
//! can match records the way the API server does.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A parsed label selector: every requirement must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

impl Selector {
    /// Parses the Kubernetes syntax; the message says what is wrong.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        for part in split_top_level(text) {
            let part = part.trim();
            if part.is_empty() {
                if text.trim().is_empty() {
                    continue;
                }
                return Err("empty requirement (two commas in a row?)".to_string());
            }
            requirements.push(parse_requirement(part)?);
        }
        Ok(Selector { requirements })
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements
            .iter()
            .all(|requirement| match requirement {
                Requirement::Equals(key, value) => labels.get(key) == Some(value),
                Requirement::NotEquals(key, value) => labels.get(key) != Some(value),
                Requirement::In(key, values) => labels.get(key).is_some_and(|v| values.contains(v)),
                Requirement::NotIn(key, values) => {
                    labels.get(key).is_none_or(|v| !values.contains(v))
                }
                Requirement::Exists(key) => labels.contains_key(key),
                Requirement::DoesNotExist(key) => !labels.contains_key(key),
            })
    }
}

/// Splits on commas that are not inside `( … )`.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
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

fn parse_requirement(part: &str) -> Result<Requirement, String> {
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(key_of(key.trim())?));
    }
    for (operator, build) in [
        (
            "!=",
            Requirement::NotEquals as fn(String, String) -> Requirement,
        ),
        ("==", Requirement::Equals),
        ("=", Requirement::Equals),
    ] {
        if let Some((key, value)) = part.split_once(operator) {
            return Ok(build(key_of(key.trim())?, value_of(value.trim())?));
        }
    }
    let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
    if let [key, rest] = words[..] {
        let rest = rest.trim();
        let (negated, list) = if let Some(list) = rest.strip_prefix("notin") {
            (true, list)
        } else if let Some(list) = rest.strip_prefix("in") {
            (false, list)
        } else {
            return Err(format!(
                "`{part}`: expected `=`, `==`, `!=`, `in (…)` or `notin (…)`"
            ));
        };
        let list = list
            .trim()
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .ok_or_else(|| format!("`{part}`: the values must be in parentheses"))?;
        let values = list
            .split(',')
            .map(|v| value_of(v.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        let key = key_of(key)?;
        return Ok(if negated {
            Requirement::NotIn(key, values)
        } else {
            Requirement::In(key, values)
        });
    }
    Ok(Requirement::Exists(key_of(part)?))
}

/// A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters.
fn key_of(key: &str) -> Result<String, String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && (prefix.len() > 253 || !crate::names::is_subdomain_shaped(prefix))
    {
        return Err(format!(
            "`{key}` is not a valid label key: bad prefix `{prefix}`"
        ));
    }
    if name.is_empty() || !is_label_value(name) {
        return Err(format!("`{key}` is not a valid label key"));
    }
    Ok(key.to_string())
}

fn value_of(value: &str) -> Result<String, String> {
    if value.is_empty() || is_label_value(value) {
        Ok(value.to_string())
    } else {
        Err(format!("`{value}` is not a valid label value"))
    }
}

/// At most 63 characters of `[A-Za-z0-9_.-]`, starting and ending alphanumeric.
fn is_label_value(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() <= 63
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn equality_and_sets() {
        let record = labels(&[("commit", "abc"), ("env", "prod")]);
        let matches = |text: &str| Selector::parse(text).unwrap().matches(&record);
        assert!(matches("commit=abc"));
        assert!(matches("commit==abc,env=prod"));
        assert!(!matches("commit=abd"));
        assert!(matches("commit!=abd"));
        assert!(matches("env in (prod, staging)"));
        assert!(!matches("env notin (prod,staging)"));
        assert!(matches("team notin (a)"), "a missing key is not in any set");
        assert!(matches("commit"));
        assert!(matches("!team"));
        assert!(!matches("!commit"));
        assert!(matches(""), "the empty selector matches everything");
        assert!(matches("example.com/team notin (x),env"));
    }

    #[test]
    fn malformed_selectors_say_what_is_wrong() {
        for (text, expected) in [
            ("commit=a b", "not a valid label value"),
            ("a,,b", "empty requirement"),
            ("env in prod", "parentheses"),
            ("env like (x)", "expected"),
            ("-x=1", "not a valid label key"),
        ] {
            let error = Selector::parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
