//! Template filters and functions with Helm's names and meanings, registered on every chart's
//! Tera engine. Each is a plain function on Tera values so it can be tested on its own.

use std::borrow::Cow;

use base64::Engine as _;
use sha2::Digest as _;
use tera::{Kwargs, State, TeraResult, Value};

/// Text of a value as Helm prints it: strings verbatim, everything else as JSON.
pub fn to_text(value: &Value) -> Cow<'_, str> {
    match value.as_str() {
        Some(s) => Cow::Borrowed(s),
        None if value.is_undefined() || value.is_none() => Cow::Borrowed(""),
        None => Cow::Owned(serde_json::to_string(&to_json(value)).unwrap_or_default()),
    }
}

pub fn to_json(value: &Value) -> serde_json::Value {
    if value.is_undefined() {
        return serde_json::Value::Null;
    }
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

pub fn from_json(value: serde_json::Value) -> Value {
    Value::from_serializable(&value)
}

fn error(message: impl std::fmt::Display) -> tera::Error {
    tera::Error::message(message)
}

/// `toYaml`: YAML without the trailing newline; `{}`/`[]` for empty collections, as Helm.
pub fn to_yaml(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    if !value.is_undefined()
        && let Some(text) = crate::yaml::to_string_fast(value)
    {
        return Ok(text);
    }
    let json = to_json(value);
    if json.is_null() {
        return Ok("null".to_string());
    }
    crate::yaml::to_string(&json).map_err(|e| error(format!("toYaml: {e}")))
}

pub fn to_json_filter(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    serde_json::to_string(&to_json(value)).map_err(|e| error(format!("toJson: {e}")))
}

pub fn to_pretty_json(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    serde_json::to_string_pretty(&to_json(value)).map_err(|e| error(format!("toPrettyJson: {e}")))
}

pub fn from_yaml(text: &str, _: Kwargs, _: &State) -> TeraResult<Value> {
    crate::yaml::from_str(text)
        .map(from_json)
        .map_err(|e| error(format!("fromYaml: {e}")))
}

pub fn from_json_filter(text: &str, _: Kwargs, _: &State) -> TeraResult<Value> {
    serde_json::from_str::<serde_json::Value>(text)
        .map(from_json)
        .map_err(|e| error(format!("fromJson: {e}")))
}

/// Helm's `indent`: every line, the first included, gets `width` spaces.
pub fn indent(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let width: usize = kwargs.get("width")?.unwrap_or(4);
    Ok(indent_text(&to_text(value), width))
}

/// Helm's `nindent`: a newline, then `indent`.
pub fn nindent(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let width: usize = kwargs.get("width")?.unwrap_or(4);
    let mut out = String::from("\n");
    push_indented(&mut out, &to_text(value), width);
    Ok(out)
}

pub fn indent_text(text: &str, width: usize) -> String {
    let mut out = String::new();
    push_indented(&mut out, text, width);
    out
}

/// Appends `text` with `width` spaces before every line (a final newline gets them too).
fn push_indented(out: &mut String, text: &str, width: usize) {
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    out.reserve(text.len() + width * lines);
    for (index, line) in crate::yaml::lines(text).enumerate() {
        if index > 0 {
            out.push('\n');
        }
        crate::yaml::push_spaces(out, width);
        out.push_str(line);
    }
}

pub fn b64enc(value: &Value, _: Kwargs, _: &State) -> String {
    base64::engine::general_purpose::STANDARD.encode(to_text(value).as_bytes())
}

pub fn b64dec(text: &str, _: Kwargs, _: &State) -> TeraResult<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| error(format!("b64dec: `{text}` is not base64: {e}")))?;
    String::from_utf8(bytes).map_err(|_| error("b64dec: the decoded bytes are not UTF-8"))
}

pub fn sha256sum(value: &Value, _: Kwargs, _: &State) -> String {
    hex::encode(sha2::Sha256::digest(to_text(value).as_bytes()))
}

/// `quote`: a double-quoted string with JSON escapes (safe inside YAML).
pub fn quote(value: &Value, _: Kwargs, _: &State) -> String {
    serde_json::to_string(&to_text(value)).unwrap_or_default()
}

/// `squote`: single quotes, with embedded single quotes doubled as YAML wants.
pub fn squote(value: &Value, _: Kwargs, _: &State) -> String {
    format!("'{}'", to_text(value).replace('\'', "''"))
}

/// `trunc(length=N)`: the first N characters; a negative N keeps the last N, as Helm.
pub fn trunc(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let length: i64 = kwargs.must_get("length")?;
    let text = to_text(value);
    let count = text.chars().count() as i64;
    Ok(if length >= 0 {
        text.chars().take(length as usize).collect()
    } else {
        text.chars()
            .skip((count + length).max(0) as usize)
            .collect()
    })
}

pub fn trim_suffix(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let suffix: String = kwargs.must_get("suffix")?;
    Ok(text
        .strip_suffix(suffix.as_str())
        .unwrap_or(text)
        .to_string())
}

pub fn trim_prefix(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let prefix: String = kwargs.must_get("prefix")?;
    Ok(text
        .strip_prefix(prefix.as_str())
        .unwrap_or(text)
        .to_string())
}

/// `default(value=X)`: X when the input is undefined, null or the empty string. Unlike Helm,
/// `false` and `0` are kept: Helm's `default` turns an explicit `false` into the default, a
/// classic chart bug.
pub fn default(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let fallback: Value = kwargs.must_get("value")?;
    let empty = value.is_undefined() || value.is_none() || value.as_str() == Some("");
    Ok(if empty { fallback } else { value.clone() })
}

/// `required(message=...)`: fails the render with the message when the value is missing,
/// null or empty.
pub fn required(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let empty = value.is_undefined() || value.is_none() || value.as_str() == Some("");
    if empty {
        let message: Option<String> = kwargs.get("message")?;
        return Err(error(
            message.unwrap_or_else(|| "a required value is missing".to_string()),
        ));
    }
    Ok(value.clone())
}

/// `dns1123`: any string to a valid DNS-1123 label (lowercase `[a-z0-9-]`, at most 63,
/// starting and ending alphanumeric); cut names get a hash suffix so they stay distinct.
pub fn dns1123(value: &Value, _: Kwargs, _: &State) -> String {
    dns1123_label(&to_text(value))
}

pub fn dns1123_label(input: &str) -> String {
    let mut label = String::with_capacity(input.len());
    let mut last_dash = false;
    for ch in input.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() {
            label.push(ch);
            last_dash = false;
        } else if !last_dash {
            label.push('-');
            last_dash = true;
        }
    }
    let trimmed = label.trim_matches('-').to_string();
    if trimmed.len() <= 63 {
        return if trimmed.is_empty() {
            format!(
                "x-{}",
                &hex::encode(sha2::Sha256::digest(input.as_bytes()))[..8]
            )
        } else {
            trimmed
        };
    }
    let hash = &hex::encode(sha2::Sha256::digest(input.as_bytes()))[..8];
    let head = trimmed[..63 - 9].trim_end_matches('-');
    format!("{head}-{hash}")
}

/// `semverCompare(constraint=..., version=...)`: Helm's version check, e.g. against
/// `Capabilities.KubeVersion.Version`.
pub fn semver_compare(kwargs: Kwargs, _: &State) -> TeraResult<bool> {
    let constraint: String = kwargs.must_get("constraint")?;
    let version: String = kwargs.must_get("version")?;
    let parsed = crate::chart::constraint::parse(&constraint)
        .map_err(|e| error(format!("semverCompare: {e}")))?;
    let version_text = version.trim_start_matches('v');
    let version = semver::Version::parse(version_text)
        .or_else(|_| semver::Version::parse(&format!("{version_text}.0")))
        .map_err(|e| error(format!("semverCompare: `{version}` is not a version: {e}")))?;
    Ok(parsed.matches(&version))
}

/// `fail(message=...)`: stops the render with the message.
pub fn fail(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let message: String = kwargs.must_get("message")?;
    Err(error(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_every_line_like_helm() {
        assert_eq!(indent_text("a: 1\nb: 2", 2), "  a: 1\n  b: 2");
        assert_eq!(indent_text("a\n\nb\n", 2), "  a\n  \n  b\n  ");
        assert_eq!(indent_text("", 3), "   ");
    }

    #[test]
    fn dns1123_labels() {
        assert_eq!(dns1123_label("My_App.v2"), "my-app-v2");
        assert_eq!(dns1123_label("--x--"), "x");
        let long = "a".repeat(80);
        let label = dns1123_label(&long);
        assert_eq!(label.len(), 63);
        assert_ne!(
            dns1123_label(&"a".repeat(81)),
            label,
            "hash keeps cut names distinct"
        );
        assert!(dns1123_label("___").starts_with("x-"));
    }
}
