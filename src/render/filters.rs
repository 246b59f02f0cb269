//! Template filters and functions with Helm's names and meanings, registered on every chart's
//! Tera engine. Each is a plain function on Tera values so it can be tested on its own.

use std::borrow::Cow;
use std::cell::RefCell;

use base64::Engine as _;
use sha2::Digest as _;
use tera::{ArgFromValue, Kwargs, State, TeraResult, Value};

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

thread_local! {
    /// Where filters write the text they return, kept between calls. Tera copies a returned
    /// string into its own value anyway (inline up to 21 bytes, else into a shared `Arc<str>`),
    /// so a fresh `String` per call would be one more allocation and free.
    static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
}

/// A buffer larger than this is not kept for the next call, so that one huge `toYaml` does not
/// hold its memory until the thread ends.
const SCRATCH_KEPT: usize = 64 * 1024;

/// Runs `write` on an empty buffer (the thread's reused one when free) and gives its result,
/// which copies what it needs out of the buffer.
fn with_scratch<R>(write: impl FnOnce(&mut String) -> R) -> R {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut buffer) => {
            buffer.clear();
            let result = write(&mut buffer);
            if buffer.capacity() > SCRATCH_KEPT {
                *buffer = String::new();
            }
            result
        }
        Err(_) => write(&mut String::new()),
    })
}

/// The text `write` writes, as a Tera string.
fn text_value(write: impl FnOnce(&mut String)) -> Value {
    with_scratch(|buffer| {
        write(buffer);
        Value::from(buffer.as_str())
    })
}

fn error(message: impl std::fmt::Display) -> tera::Error {
    tera::Error::message(message)
}

/// The keyword argument `name`, found by comparing the names of the call's few arguments:
/// `Kwargs::get` hashes the name first, which costs more than the whole scan.
fn find_kwarg<'k>(kwargs: &'k Kwargs, name: &str) -> Option<&'k Value> {
    kwargs
        .iter()
        .find_map(|(key, value)| (key.as_str() == Some(name)).then_some(value))
}

/// [`Kwargs::get`] through [`find_kwarg`].
fn get_kwarg<'k, T: ArgFromValue<'k, Output = T>>(
    kwargs: &'k Kwargs,
    name: &str,
) -> TeraResult<Option<T>> {
    find_kwarg(kwargs, name).map(T::from_value).transpose()
}

/// [`Kwargs::must_get`] through [`find_kwarg`]; a missing argument gets Tera's own error.
fn must_get_kwarg<'k, T: ArgFromValue<'k, Output = T>>(
    kwargs: &'k Kwargs,
    name: &'k str,
) -> TeraResult<T> {
    match find_kwarg(kwargs, name) {
        Some(value) => T::from_value(value),
        None => kwargs.must_get(name),
    }
}

/// `toYaml`: YAML as Helm writes it, without the trailing newline: keys in Helm's natural
/// order (`a2` before `a10`) at every depth, integral numbers as integers, and every string a
/// YAML 1.1 or 1.2 reader would misread quoted; `{}`/`[]` for empty collections.
pub fn to_yaml(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    if !value.is_undefined() {
        let fast = with_scratch(|buffer| {
            crate::yaml::push_string_fast(buffer, value)?;
            Some(Value::from(buffer.as_str()))
        });
        if let Some(text) = fast {
            return Ok(text);
        }
    }
    let json = to_json(value);
    if json.is_null() {
        return Ok(Value::from("null"));
    }
    Ok(Value::from(crate::yaml::to_string(&json)))
}

/// `toJson`: compact JSON as Helm writes it, keys sorted bytewise at every depth.
pub fn to_json_filter(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    json_text(value, false).map_err(|e| error(format!("toJson: {e}")))
}

/// `toPrettyJson`: [`to_json_filter`] indented by two spaces.
pub fn to_pretty_json(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    json_text(value, true).map_err(|e| error(format!("toPrettyJson: {e}")))
}

fn json_text(value: &Value, pretty: bool) -> Result<Value, String> {
    let fast = with_scratch(|buffer| {
        crate::yaml::json::write(buffer, value, pretty)?;
        Some(Value::from(buffer.as_str()))
    });
    if let Some(text) = fast {
        return Ok(text);
    }
    // Undefined, bytes and the like: as their JSON model, where they have one.
    with_scratch(|buffer| {
        crate::yaml::json::write(buffer, &to_json(value), pretty)
            .map(|()| Value::from(buffer.as_str()))
            .ok_or_else(|| "the value has no JSON form (infinity or NaN)".to_string())
    })
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
pub fn indent(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let width: usize = get_kwarg(&kwargs, "width")?.unwrap_or(4);
    let text = to_text(value);
    Ok(text_value(|out| push_indented(out, &text, width)))
}

/// Helm's `nindent`: a newline, then `indent`.
pub fn nindent(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let width: usize = get_kwarg(&kwargs, "width")?.unwrap_or(4);
    let text = to_text(value);
    Ok(text_value(|out| {
        out.push('\n');
        push_indented(out, &text, width);
    }))
}

pub fn indent_text(text: &str, width: usize) -> String {
    let mut out = String::new();
    push_indented(&mut out, text, width);
    out
}

/// Appends `text` with `width` spaces before every line (a final newline gets them too).
fn push_indented(out: &mut String, text: &str, width: usize) {
    // Room for the text and one line; `out` is usually the reused scratch buffer, which has
    // the rest already, so counting the lines first would cost more than growing now and then.
    out.reserve(text.len() + width);
    crate::yaml::push_spaces(out, width);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        out.push_str(&text[start..=end]);
        crate::yaml::push_spaces(out, width);
        start = end + 1;
    }
    out.push_str(&text[start..]);
}

pub fn b64enc(value: &Value, _: Kwargs, _: &State) -> Value {
    let text = to_text(value);
    text_value(|out| {
        base64::engine::general_purpose::STANDARD.encode_string(text.as_bytes(), out);
    })
}

pub fn b64dec(text: &str, _: Kwargs, _: &State) -> TeraResult<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| error(format!("b64dec: `{text}` is not base64: {e}")))?;
    String::from_utf8(bytes).map_err(|_| error("b64dec: the decoded bytes are not UTF-8"))
}

pub fn sha256sum(value: &Value, _: Kwargs, _: &State) -> Value {
    let digest = sha2::Sha256::digest(to_text(value).as_bytes());
    let mut hex = [0; 64];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(digest) {
        pair[0] = HEX_DIGITS[usize::from(byte >> 4)];
        pair[1] = HEX_DIGITS[usize::from(byte & 0xf)];
    }
    Value::from(std::str::from_utf8(&hex).unwrap_or_default())
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `quote`: a double-quoted string with JSON escapes (safe inside YAML).
pub fn quote(value: &Value, _: Kwargs, _: &State) -> Value {
    // Numbers as Go prints them (`1.0` → `"1"`), as Helm's `quote` does.
    let go_number;
    let text = if value.is_f64() || value.is_u64() {
        go_number = super::sprig::go_value_text(value);
        Cow::Borrowed(go_number.as_str())
    } else {
        to_text(value)
    };
    // JSON escapes only these bytes, so text without them is quoted as it is. The check has no
    // early exit so that it runs on whole vectors.
    let needs_escapes = text.bytes().fold(false, |found, b| {
        found | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if needs_escapes {
        return Value::from(serde_json::to_string(&text).unwrap_or_default());
    }
    text_value(|out| {
        out.push('"');
        out.push_str(&text);
        out.push('"');
    })
}

/// `squote`: single quotes, with embedded single quotes doubled as YAML wants.
pub fn squote(value: &Value, _: Kwargs, _: &State) -> String {
    format!("'{}'", to_text(value).replace('\'', "''"))
}

/// `trunc(length=N)`: the first N characters; a negative N keeps the last N, as Helm.
pub fn trunc(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let length: i64 = must_get_kwarg(&kwargs, "length")?;
    let text = to_text(value);
    let count = usize::try_from(length.unsigned_abs()).unwrap_or(usize::MAX);
    let kept = if length >= 0 {
        first_chars(&text, count)
    } else {
        last_chars(&text, count)
    };
    Ok(part_of(value, kept))
}

/// The first `count` characters of `text`. Byte offsets stand for characters in an ASCII run,
/// which spares counting characters one by one in the usual case.
fn first_chars(text: &str, count: usize) -> &str {
    if count >= text.len() {
        return text;
    }
    if text.as_bytes()[..count].is_ascii() {
        return &text[..count];
    }
    text.char_indices()
        .nth(count)
        .map_or(text, |(index, _)| &text[..index])
}

/// The last `count` characters of `text`.
fn last_chars(text: &str, count: usize) -> &str {
    if count >= text.len() {
        return text;
    }
    if count == 0 {
        return "";
    }
    let start = text.len() - count;
    if text.as_bytes()[start..].is_ascii() {
        return &text[start..];
    }
    text.char_indices()
        .nth_back(count - 1)
        .map_or(text, |(index, _)| &text[index..])
}

/// `part`, a piece of the string `value` filters (or of its text), as the filter's result.
/// The whole of a string is `value` itself, whose clone shares its storage; anything else is
/// copied. Safe strings are copied too, so that the result stays an ordinary string as it was
/// when these filters returned a `String` (`escape` treats the two differently).
fn part_of(value: &Value, part: &str) -> Value {
    match value.as_str() {
        Some(whole) if whole.len() == part.len() && !value.is_safe() => value.clone(),
        _ => Value::from(part),
    }
}

/// `trimSuffix(suffix=S)`: the string without S at its end, when it ends with S.
pub fn trim_suffix(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let text = <&str as ArgFromValue>::from_value(value)?;
    let suffix: Cow<'_, str> = must_get_kwarg(&kwargs, "suffix")?;
    Ok(part_of(value, text.strip_suffix(&*suffix).unwrap_or(text)))
}

/// `trimPrefix(prefix=P)`: the string without P at its start, when it starts with P.
pub fn trim_prefix(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let text = <&str as ArgFromValue>::from_value(value)?;
    let prefix: Cow<'_, str> = must_get_kwarg(&kwargs, "prefix")?;
    Ok(part_of(value, text.strip_prefix(&*prefix).unwrap_or(text)))
}

/// `default(value=X)`: X when the input is undefined, null or the empty string. Unlike Helm,
/// `false` and `0` are kept: Helm's `default` turns an explicit `false` into the default, a
/// classic chart bug.
pub fn default(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let fallback: &Value = must_get_kwarg(&kwargs, "value")?;
    let empty = value.is_undefined() || value.is_none() || value.as_str() == Some("");
    Ok(if empty { fallback } else { value }.clone())
}

/// `required(message=...)`: fails the render with the message when the value is missing,
/// null or empty.
pub fn required(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let empty = value.is_undefined() || value.is_none() || value.as_str() == Some("");
    if empty {
        let message: Option<String> = get_kwarg(&kwargs, "message")?;
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
    let constraint: String = must_get_kwarg(&kwargs, "constraint")?;
    let version: String = must_get_kwarg(&kwargs, "version")?;
    let parsed = crate::chart::constraint::parse(&constraint)
        .or_else(|e| {
            // Helm's constraints may give a pre-release to a partial version (`>=1.19-0`).
            let full = super::sprig::complete_partial_versions(&constraint);
            crate::chart::constraint::parse(&full).map_err(|_| e)
        })
        .map_err(|e| error(format!("semverCompare: {e}")))?;
    let version_text = version.trim_start_matches('v');
    let version = semver::Version::parse(version_text)
        .or_else(|_| semver::Version::parse(&format!("{version_text}.0")))
        .map_err(|e| error(format!("semverCompare: `{version}` is not a version: {e}")))?;
    if !version.pre.is_empty() && constraint.contains('-') && !parsed.matches(&version) {
        // Masterminds/semver (Helm): a constraint with a pre-release (`>=1.19-0`) admits
        // pre-release versions of any release (`v1.28.3-gke.1`), ordered as their release.
        let mut release = version.clone();
        release.pre = semver::Prerelease::EMPTY;
        return Ok(parsed.matches(&release));
    }
    Ok(parsed.matches(&version))
}

/// `fail(message=...)`: stops the render with the message.
pub fn fail(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let message: String = must_get_kwarg(&kwargs, "message")?;
    Err(error(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    use tera::Context;

    /// Runs a filter as Tera would, with the given keyword arguments.
    fn run<R: tera::FunctionResult>(
        filter: impl Fn(&Value, Kwargs, &State) -> R,
        value: impl Into<Value>,
        kwargs: Kwargs,
    ) -> TeraResult<Value> {
        let context = Context::new();
        filter(&value.into(), kwargs, &State::new(&context)).into_result()
    }

    fn text<R: tera::FunctionResult>(
        filter: impl Fn(&Value, Kwargs, &State) -> R,
        value: impl Into<Value>,
        kwargs: Kwargs,
    ) -> String {
        let value = run(filter, value, kwargs).unwrap();
        assert!(value.is_string(), "not a string: {value:?}");
        assert!(!value.is_safe(), "a filter's text became safe: {value:?}");
        value.as_str().unwrap().to_string()
    }

    fn length(n: i64) -> Kwargs {
        Kwargs::from([("length", Value::from(n))])
    }

    #[test]
    fn trunc_counts_characters_from_either_end() {
        assert_eq!(text(trunc, "abcdef", length(3)), "abc");
        assert_eq!(text(trunc, "abcdef", length(-2)), "ef");
        assert_eq!(text(trunc, "abcdef", length(0)), "");
        assert_eq!(text(trunc, "abcdef", length(6)), "abcdef");
        assert_eq!(text(trunc, "abcdef", length(63)), "abcdef");
        assert_eq!(text(trunc, "abcdef", length(-63)), "abcdef");
        assert_eq!(text(trunc, "abcdef", length(i64::MIN)), "abcdef");
        assert_eq!(text(trunc, "", length(-1)), "");
        // Characters, not bytes, wherever the cut falls.
        assert_eq!(text(trunc, "héllo wörld", length(2)), "hé");
        assert_eq!(text(trunc, "héllo wörld", length(1)), "h");
        assert_eq!(text(trunc, "héllo wörld", length(10)), "héllo wörl");
        assert_eq!(text(trunc, "héllo wörld", length(-3)), "rld");
        assert_eq!(text(trunc, "héllo wörld", length(-4)), "örld");
        assert_eq!(text(trunc, "héllo wörld", length(-10)), "éllo wörld");
        assert_eq!(text(trunc, "日本語のテキスト", length(3)), "日本語");
        assert_eq!(text(trunc, "日本語のテキスト", length(-4)), "テキスト");
        assert_eq!(text(trunc, "日本語", length(5)), "日本語");
        assert_eq!(text(trunc, "日本語", length(-5)), "日本語");
    }

    #[test]
    fn trunc_of_other_values_cuts_their_text() {
        assert_eq!(text(trunc, 12345, length(2)), "12");
        assert_eq!(text(trunc, 12345, length(10)), "12345");
        assert_eq!(text(trunc, true, length(-2)), "ue");
        assert_eq!(text(trunc, vec![1, 2], length(3)), "[1,");
        assert_eq!(text(trunc, Value::none(), length(3)), "");
        assert_eq!(text(trunc, Value::undefined(), length(-3)), "");
        // Safe (component) output comes back an ordinary string, as before.
        assert_eq!(text(trunc, Value::safe_string("abc"), length(5)), "abc");
    }

    #[test]
    fn trunc_without_a_length_fails_as_tera_does() {
        let missing = Kwargs::default().must_get::<i64>("length").unwrap_err();
        let error = run(trunc, "abc", Kwargs::default()).unwrap_err();
        assert_eq!(error.to_string(), missing.to_string());
        assert!(run(trunc, "abc", Kwargs::from([("length", Value::from("x"))])).is_err());
    }

    #[test]
    fn trim_suffix_and_prefix() {
        let suffix = |s: &str| Kwargs::from([("suffix", Value::from(s))]);
        let prefix = |s: &str| Kwargs::from([("prefix", Value::from(s))]);
        assert_eq!(text(trim_suffix, "web-", suffix("-")), "web");
        assert_eq!(text(trim_suffix, "web--", suffix("-")), "web-");
        assert_eq!(text(trim_suffix, "web", suffix("-")), "web");
        assert_eq!(text(trim_suffix, "", suffix("-")), "");
        assert_eq!(text(trim_suffix, "web", suffix("")), "web");
        assert_eq!(text(trim_suffix, "naïveté", suffix("té")), "naïve");
        assert_eq!(
            text(trim_suffix, Value::safe_string("a-"), suffix("x")),
            "a-"
        );
        assert_eq!(text(trim_prefix, "v1.2.3", prefix("v")), "1.2.3");
        assert_eq!(text(trim_prefix, "1.2.3", prefix("v")), "1.2.3");
        assert_eq!(text(trim_prefix, "ünï", prefix("ü")), "nï");
        // A non-string argument is matched by its text.
        let number = Kwargs::from([("suffix", Value::from(1))]);
        assert_eq!(text(trim_suffix, "pod-1", number), "pod-");
        // Only strings are trimmed.
        assert!(run(trim_suffix, 5, suffix("5")).is_err());
        assert!(run(trim_prefix, Value::undefined(), prefix("x")).is_err());
        assert!(run(trim_suffix, "a", Kwargs::default()).is_err());
    }

    #[test]
    fn default_replaces_only_missing_null_and_empty() {
        let fallback = || Kwargs::from([("value", Value::from("dflt"))]);
        let result = |value: Value| run(default, value, fallback()).unwrap();
        assert_eq!(result(Value::undefined()).as_str(), Some("dflt"));
        assert_eq!(result(Value::none()).as_str(), Some("dflt"));
        assert_eq!(result(Value::from("")).as_str(), Some("dflt"));
        assert_eq!(result(Value::from("set")).as_str(), Some("set"));
        assert_eq!(result(Value::from(false)).as_bool(), Some(false));
        assert_eq!(result(Value::from(0)).as_i64(), Some(0));
        assert!(run(default, "x", Kwargs::default()).is_err());
    }

    #[test]
    fn indent_and_nindent() {
        let width = |n: i64| Kwargs::from([("width", Value::from(n))]);
        assert_eq!(text(nindent, "a: 1\nb: 2", width(2)), "\n  a: 1\n  b: 2");
        assert_eq!(text(nindent, "a\n\nb\n", width(1)), "\n a\n \n b\n ");
        assert_eq!(text(nindent, "a\nb", width(0)), "\na\nb");
        assert_eq!(text(nindent, "", Kwargs::default()), "\n    ");
        assert_eq!(text(nindent, "ä\nö", width(2)), "\n  ä\n  ö");
        assert_eq!(text(nindent, 42, width(2)), "\n  42");
        assert_eq!(text(nindent, Value::undefined(), width(2)), "\n  ");
        assert_eq!(text(indent, "a\nb", width(3)), "   a\n   b");
        assert_eq!(text(indent, Value::none(), width(3)), "   ");
        let long = "line\n".repeat(1000);
        assert_eq!(text(indent, long.as_str(), width(2)), indent_text(&long, 2));
        assert!(run(nindent, "a", width(-1)).is_err());
    }

    #[test]
    fn quote_escapes_as_json() {
        assert_eq!(text(quote, "web", Kwargs::default()), "\"web\"");
        assert_eq!(text(quote, "", Kwargs::default()), "\"\"");
        assert_eq!(text(quote, Value::undefined(), Kwargs::default()), "\"\"");
        assert_eq!(text(quote, Value::none(), Kwargs::default()), "\"\"");
        assert_eq!(text(quote, 42, Kwargs::default()), "\"42\"");
        assert_eq!(text(quote, "héllo ✓", Kwargs::default()), "\"héllo ✓\"");
        for tricky in [
            "a\"b",
            "back\\slash",
            "line\nbreak\ttab",
            "\u{1}\u{1f}\u{7f}",
        ] {
            assert_eq!(
                text(quote, tricky, Kwargs::default()),
                serde_json::to_string(tricky).unwrap()
            );
        }
    }

    #[test]
    fn to_yaml_of_each_shape() {
        let yaml = |value: Value| text(to_yaml, value, Kwargs::default());
        let map = Value::from_serializable(&serde_json::json!({"b": ["x", "y"], "a": 1.0}));
        assert_eq!(yaml(map.clone()), "a: 1\nb:\n- x\n- \"y\"");
        // The reused buffer does not leak one result into the next.
        assert_eq!(yaml(Value::from("plain")), "plain");
        assert_eq!(yaml(map), "a: 1\nb:\n- x\n- \"y\"");
        assert_eq!(yaml(Value::from_serializable(&serde_json::json!({}))), "{}");
        assert_eq!(yaml(Value::from_serializable(&serde_json::json!([]))), "[]");
        assert_eq!(yaml(Value::undefined()), "null");
        assert_eq!(yaml(Value::none()), "null");
        assert_eq!(yaml(Value::from("two\nlines")), "|-\n  two\n  lines");
    }

    #[test]
    fn digests_and_base64() {
        assert_eq!(
            text(sha256sum, "abc", Kwargs::default()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            text(sha256sum, Value::undefined(), Kwargs::default()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(text(b64enc, "hunter2", Kwargs::default()), "aHVudGVyMg==");
        assert_eq!(text(b64enc, "ü", Kwargs::default()), "w7w=");
        assert_eq!(text(b64enc, 7, Kwargs::default()), "Nw==");
    }

    #[test]
    fn scratch_buffer_can_be_used_from_inside_itself() {
        let outer = text_value(|out| {
            out.push_str("outer ");
            let inner = text_value(|out| out.push_str("inner"));
            out.push_str(inner.as_str().unwrap());
        });
        assert_eq!(outer.as_str(), Some("outer inner"));
    }

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
