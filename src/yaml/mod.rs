//! YAML in one place: the `serde_yaml` API (provided by the maintained `serde_norway` fork),
//! converted to and from the JSON data model that values, templates and objects use.
//!
//! YAML is read as Helm and kubectl read it: YAML 1.1's plain scalars (`yes`, `off` and `y` are
//! booleans, `0777` is octal; see [`scalar`]), and written so that YAML 1.1 and 1.2 readers
//! alike read it back to the same value. Rendering reads and writes YAML for every object, so
//! the usual block YAML goes through a fast reader ([`parse`]), which hands anything else (and
//! every error) to `serde_yaml` with the same scalar rules ([`load`]), and a writer ([`emit`]).

mod depth;
pub mod emit;
mod inline;
pub mod json;
pub mod lint;
mod load;
mod number;
mod parse;
mod scalar;

use serde_json::Value;

/// Turns YAML text into a JSON-model value as Helm and kubectl read it (`sigs.k8s.io/yaml`):
/// YAML 1.1 plain scalars, `<<` merge keys resolved, non-string keys turned into strings
/// (`on:` is the key `"true"`).
///
/// Plain block YAML (what templates render) goes through a fast reader; everything else, and
/// every error, through `serde_yaml`. Both give the same value for what the fast reader takes.
pub fn from_str(text: &str) -> Result<Value, serde_yaml::Error> {
    if let Some(value) = parse::from_str(text) {
        return Ok(value);
    }
    from_str_with_serde_yaml(text)
}

/// The fast reader alone: `None` for anything it leaves to `serde_yaml` (see [`parse`]).
pub fn from_str_fast(text: &str) -> Option<Value> {
    parse::from_str(text)
}

pub use parse::Head;

/// The head of an object document (the fields a render looks at, and where a namespace can be
/// written in), having checked the whole document; `None` when the fast reader leaves the
/// document to [`from_str`]. Only the head is built: a fraction of the cost of [`from_str`].
pub fn head(text: &str) -> Option<Head> {
    parse::head(text)
}

/// [`from_str`] without the fast reader.
pub fn from_str_with_serde_yaml(text: &str) -> Result<Value, serde_yaml::Error> {
    check_depth(text)?;
    let mut yaml = load::from_str(text)?;
    yaml.apply_merge()?;
    Ok(to_json(yaml))
}

/// Every document of `text` as `serde_yaml` values read with YAML 1.1 scalars, merge keys not
/// yet applied (for values files, which convert them with their own checks).
pub fn documents(
    text: &str,
) -> impl Iterator<Item = Result<serde_yaml::Value, serde_yaml::Error>> + '_ {
    load::documents(text)
}

/// Converts a parsed YAML value into the JSON model.
pub fn to_json(yaml: serde_yaml::Value) -> Value {
    match yaml {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    // NaN and infinities have no JSON form; keep their YAML spelling.
                    .unwrap_or_else(|| Value::String(n.to_string()))
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => {
            Value::Array(items.into_iter().map(to_json).collect())
        }
        serde_yaml::Value::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (key_to_string(k), to_json(v)))
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => to_json(tagged.value),
    }
}

fn key_to_string(key: serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Null => "null".to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => number_key(&n),
        other => serde_yaml::to_string(&other)
            .map(|s| s.trim_end().to_string())
            .unwrap_or_default(),
    }
}

/// A number map key as `sigs.k8s.io/yaml` makes it a JSON key: integers in decimal, floats as
/// Go's `%g` at `float32` precision (`1e3:` is `"1000"`).
pub fn number_key(number: &serde_yaml::Number) -> String {
    if number.is_f64() {
        number::go_float_key(number.as_f64().unwrap_or(f64::NAN))
    } else {
        number.to_string()
    }
}

/// Serialises a value as Helm's `toYaml` does, without the trailing newline: keys in go-yaml's
/// order, numbers as Helm prints them (see [`emit::Style::Helm`]).
pub fn to_string(value: &Value) -> String {
    let mut text = String::new();
    // A JSON value always has a YAML form.
    let _ = push_string_fast(&mut text, value);
    text
}

/// Appends [`to_string`]'s text for any value the writer knows (`tera::Value` for `toYaml`,
/// which so skips a conversion) to `out`; `None`, with `out` as it was, for values with no
/// JSON form (Tera's undefined, bytes).
pub fn push_string_fast<N: emit::Node>(out: &mut String, value: &N) -> Option<()> {
    let start = out.len();
    if emit::write_document(out, value, emit::Style::Helm).is_none() {
        out.truncate(start);
        return None;
    }
    let end = start + out[start..].trim_end_matches('\n').len();
    out.truncate(end);
    Some(())
}

/// Serialises a value as a YAML document: keys in their order, and the text
/// `serde_yaml::to_string` writes except that strings YAML 1.1 would misread are quoted (see
/// [`emit`]).
pub fn to_document(value: &Value) -> Result<String, serde_yaml::Error> {
    let mut text = String::new();
    push_document(&mut text, value)?;
    Ok(text)
}

/// Appends [`to_document`]'s text to `out`. Never fails today; the `Result` is kept for the
/// callers that handle a writer's errors.
pub fn push_document(out: &mut String, value: &Value) -> Result<(), serde_yaml::Error> {
    // A JSON value always has a YAML form.
    let _ = emit::write_document(out, value, emit::Style::Document);
    Ok(())
}

/// Serialises a typed value (Chart.yaml, Chart.lock, index.yaml, repositories.yaml) as a YAML
/// document through the JSON model, so that it gets [`to_document`]'s YAML 1.1-safe quoting,
/// which `serde_yaml::to_string` lacks (it writes the string `yes` unquoted).
pub fn to_document_of<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut text = String::new();
    // A JSON value always has a YAML form.
    let _ = emit::write_document(
        &mut text,
        &serde_json::to_value(value)?,
        emit::Style::Document,
    );
    Ok(text)
}

/// Appends `count` spaces (indentation) without going character by character.
pub fn push_spaces(out: &mut String, mut count: usize) {
    const SPACES: &str = "                                                                ";
    while count > 0 {
        let chunk = count.min(SPACES.len());
        out.push_str(&SPACES[..chunk]);
        count -= chunk;
    }
}

/// Appends `count` zeros.
fn push_zeros(out: &mut String, count: usize) {
    out.extend(std::iter::repeat_n('0', count));
}

/// How deep `serde_yaml` lets collections nest: deeper documents are refused (deeper nesting
/// would risk the stack of every recursive reader and writer after it, and no real chart or
/// values file comes close).
pub const MAX_DEPTH: usize = 128;

/// Where (line and column) a flow collection of `text` opens more than [`MAX_DEPTH`] levels
/// deep, found before `serde_yaml`'s scanner spends a time growing with the square of the depth
/// on it (see [`depth`]).
pub fn too_deep(text: &str) -> Option<(usize, usize)> {
    depth::flow_too_deep(text, MAX_DEPTH)
}

/// The message for a document [`too_deep`] finds too deep.
pub fn too_deep_message() -> String {
    format!("collections nest more than {MAX_DEPTH} levels deep")
}

/// [`too_deep`] as a `serde_yaml` error, for readers that report those. It has no location of
/// its own: the message carries it.
fn check_depth(text: &str) -> Result<(), serde_yaml::Error> {
    match too_deep(text) {
        None => Ok(()),
        Some((line, column)) => Err(serde::de::Error::custom(format!(
            "{} (line {line}, column {column})",
            too_deep_message()
        ))),
    }
}

/// `serde_yaml::from_slice`, refusing documents nested deeper than [`MAX_DEPTH`] first.
pub fn from_slice<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_yaml::Error> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        check_depth(text)?;
    }
    serde_yaml::from_slice(bytes)
}

/// The message of a `serde_yaml` error without its location (callers print it themselves),
/// saying what its recursion limit is.
pub fn describe(error: &serde_yaml::Error) -> String {
    let message = strip_location(&error.to_string());
    match message.as_str() {
        "recursion limit exceeded" => format!("{} (recursion limit exceeded)", too_deep_message()),
        _ => message,
    }
}

/// serde_yaml appends " at line L column C" to messages; callers print the location themselves.
/// Quoted input in the message is cut (see [`crate::error::shorten_quoted`]).
pub fn strip_location(message: &str) -> String {
    let message = match message.find(" at line ") {
        Some(index) => &message[..index],
        None => message,
    };
    crate::error::shorten_quoted(message)
}

#[cfg(test)]
mod tests;
