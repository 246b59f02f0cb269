//! YAML in one place: the `serde_yaml` API (provided by the maintained `serde_norway` fork),
//! converted to and from the JSON data model that values, templates and objects use.
//!
//! Rendering reads and writes YAML for every object, so the usual block YAML goes through a
//! fast reader ([`parse`]) and writer ([`emit`]) that give exactly `serde_yaml`'s values and
//! text, and hand anything else (and every error) to `serde_yaml`.

mod depth;
pub mod emit;
mod parse;
mod scalar;

use serde_json::Value;

/// Turns YAML text into a JSON-model value, resolving `<<` merge keys and turning non-string
/// keys into strings, as Helm does (it converts YAML to JSON before use).
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
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text)?;
    yaml.apply_merge()?;
    Ok(to_json(yaml))
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
        serde_yaml::Value::Number(n) => n.to_string(),
        other => serde_yaml::to_string(&other)
            .map(|s| s.trim_end().to_string())
            .unwrap_or_default(),
    }
}

/// Serialises a value as YAML without the trailing newline (Helm's `toYaml`).
pub fn to_string(value: &Value) -> Result<String, serde_yaml::Error> {
    let mut text = to_document(value)?;
    text.truncate(text.trim_end_matches('\n').len());
    Ok(text)
}

/// Appends [`to_string`]'s text for any value the fast writer knows (`tera::Value` for
/// `toYaml`) to `out`; `None`, with `out` as it was, when the value needs `serde_yaml`.
pub fn push_string_fast<N: emit::Node>(out: &mut String, value: &N) -> Option<()> {
    let start = out.len();
    if emit::write_document(out, value).is_none() {
        out.truncate(start);
        return None;
    }
    let end = start + out[start..].trim_end_matches('\n').len();
    out.truncate(end);
    Some(())
}

/// Serialises a value as a YAML document, exactly as `serde_yaml::to_string` does (a fast
/// writer handles the usual shapes, `serde_yaml` the rest).
pub fn to_document(value: &Value) -> Result<String, serde_yaml::Error> {
    let mut text = String::new();
    push_document(&mut text, value)?;
    Ok(text)
}

/// Appends [`to_document`]'s text to `out`.
pub fn push_document(out: &mut String, value: &Value) -> Result<(), serde_yaml::Error> {
    let start = out.len();
    if emit::write_document(out, value).is_none() {
        out.truncate(start);
        out.push_str(&serde_yaml::to_string(value)?);
    }
    Ok(())
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
