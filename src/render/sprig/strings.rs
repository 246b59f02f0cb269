//! Sprig's string, regex, number and conversion functions.

use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::format::go_value_text;
use super::{is_empty, kwarg, list_arg, need};

fn text(value: &Value) -> String {
    if value.is_undefined() || value.is_none() {
        return String::new();
    }
    go_value_text(value)
}

fn str_kw(kwargs: &Kwargs, name: &str, f: &str) -> TeraResult<String> {
    Ok(text(need(kwargs, name, f)?))
}

pub(super) fn int_kw(kwargs: &Kwargs, name: &str, f: &str) -> TeraResult<i64> {
    Ok(to_int(need(kwargs, name, f)?))
}

/// spf13/cast's int conversion as Sprig uses it: floats truncate, bools 1/0, strings parsed
/// (a `.0…` tail dropped; `0x`, `0` octal prefixes), anything else 0.
pub fn to_int(value: &Value) -> i64 {
    if let Some(b) = value.as_bool() {
        return b as i64;
    }
    if value.is_f64() {
        return value.as_f64().unwrap_or(0.0) as i64;
    }
    if let Some(i) = value.as_i64() {
        return i;
    }
    if let Some(s) = value.as_str() {
        let s = match s.split_once('.') {
            Some((int, frac)) if frac.bytes().all(|b| b == b'0') => int,
            Some(_) => return 0,
            None => s,
        };
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let lower = digits.to_ascii_lowercase();
        let parsed = if let Some(h) = lower.strip_prefix("0x") {
            i64::from_str_radix(h, 16).ok()
        } else if let Some(b) = lower.strip_prefix("0b") {
            i64::from_str_radix(b, 2).ok()
        } else if lower.len() > 1 && lower.starts_with('0') {
            i64::from_str_radix(lower.trim_start_matches("0o"), 8).ok()
        } else {
            lower.parse().ok()
        };
        return parsed.map(|i| if neg { -i } else { i }).unwrap_or(0);
    }
    0
}

pub fn to_float(value: &Value) -> f64 {
    if let Some(b) = value.as_bool() {
        return b as i64 as f64;
    }
    if let Some(f) = value.as_f64() {
        return f;
    }
    value
        .as_str()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0.0)
}

fn int64(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(to_int(value)))
}

fn float64(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(to_float(value)))
}

fn atoi(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(text(value).parse::<i64>().unwrap_or(0)))
}

fn default_empty(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let fallback = kwarg(&kwargs, "value").cloned().unwrap_or_else(Value::none);
    Ok(if is_empty(value) {
        fallback
    } else {
        value.clone()
    })
}

fn empty(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(is_empty(value)))
}

fn coalesce(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let values = list_arg(&kwargs, "values", "coalesce")?;
    Ok(values
        .into_iter()
        .find(|v| !is_empty(v))
        .unwrap_or_else(Value::none))
}

fn trim_all(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let chars: Vec<char> = str_kw(&kwargs, "chars", "trimAll")?.chars().collect();
    Ok(Value::from(
        text(value).trim_matches(|c| chars.contains(&c)),
    ))
}

fn substr(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let s = text(value);
    let bytes = s.as_bytes();
    let start = int_kw(&kwargs, "start", "substr")?;
    let end = int_kw(&kwargs, "end", "substr")?;
    let len = bytes.len() as i64;
    let slice = if start < 0 {
        &bytes[..end.clamp(0, len) as usize]
    } else if end < 0 || end > len {
        &bytes[start.min(len) as usize..]
    } else if start > end {
        return Err(tera::Error::message(format!(
            "substr: start {start} is after end {end}"
        )));
    } else {
        &bytes[start as usize..end as usize]
    };
    Ok(Value::from(String::from_utf8_lossy(slice).into_owned()))
}

fn repeat(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let count = int_kw(&kwargs, "count", "repeat")?.max(0) as usize;
    Ok(Value::from(text(value).repeat(count)))
}

fn nospace(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        text(value)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>(),
    ))
}

fn contains(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(text(value).contains(&str_kw(
        &kwargs,
        "substring",
        "contains",
    )?)))
}

fn has_prefix(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(text(value).starts_with(&str_kw(
        &kwargs,
        "prefix",
        "hasPrefix",
    )?)))
}

fn has_suffix(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(text(value).ends_with(&str_kw(
        &kwargs,
        "suffix",
        "hasSuffix",
    )?)))
}

/// Sprig's `split`: a map `{_0: ..., _1: ...}`.
fn split_map(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let sep = str_kw(&kwargs, "sep", "splitMap")?;
    let s = text(value);
    let limit = kwarg(&kwargs, "limit").map(to_int).unwrap_or(-1);
    let parts: Vec<&str> = if limit > 0 {
        s.splitn(limit as usize, sep.as_str()).collect()
    } else {
        s.split(sep.as_str()).collect()
    };
    let mut map = tera::Map::new();
    for (i, p) in parts.into_iter().enumerate() {
        map.insert(format!("_{i}").into(), Value::from(p));
    }
    Ok(Value::from(map))
}

fn split_list(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let sep = str_kw(&kwargs, "sep", "splitList")?;
    let s = text(value);
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::from(c.to_string())).collect()
    } else {
        s.split(sep.as_str()).map(Value::from).collect()
    };
    Ok(Value::from(parts))
}

/// Sprig's `join`: items as Go prints them, nulls skipped; a non-list is one item.
fn join_list(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let sep = str_kw(&kwargs, "sep", "joinList")?;
    let items: Vec<String> = match value.as_array() {
        Some(items) => items
            .iter()
            .filter(|v| !(v.is_none() || v.is_undefined()))
            .map(go_value_text)
            .collect(),
        None if value.is_none() || value.is_undefined() => Vec::new(),
        None => vec![go_value_text(value)],
    };
    Ok(Value::from(items.join(&sep)))
}

fn sha1sum(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(sha1_hex(text(value).as_bytes())))
}

/// The hex SHA-1 of `data`, as Sprig's `sha1sum` prints it.
fn sha1_hex(data: &[u8]) -> String {
    use sha1::Digest;
    sha1::Sha1::digest(data)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn regex(kwargs: &Kwargs, f: &str) -> TeraResult<regex::Regex> {
    let pattern = str_kw(kwargs, "regex", f)?;
    regex::Regex::new(&pattern)
        .map_err(|e| tera::Error::message(format!("{f}: bad regular expression `{pattern}`: {e}")))
}

fn regex_match(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        regex(&kwargs, "regexMatch")
            .map(|r| r.is_match(&text(value)))
            .unwrap_or(false),
    ))
}

fn regex_find(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let r = regex(&kwargs, "regexFind")?;
    Ok(Value::from(
        r.find(&text(value))
            .map(|m| m.as_str().to_string())
            .unwrap_or_default(),
    ))
}

fn regex_find_all(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let r = regex(&kwargs, "regexFindAll")?;
    let limit = kwarg(&kwargs, "limit").map(to_int).unwrap_or(-1);
    let s = text(value);
    let found = r.find_iter(&s).map(|m| Value::from(m.as_str()));
    let found: Vec<Value> = if limit >= 0 {
        found.take(limit as usize).collect()
    } else {
        found.collect()
    };
    Ok(Value::from(found))
}

/// Go's `Regexp.Expand` syntax (`$1`, `${name}`; `$1W` names the group `1W`) to the regex
/// crate's, which reads `$1W` the same way.
fn regex_replace_all(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let r = regex(&kwargs, "regexReplaceAll")?;
    let replacement = str_kw(&kwargs, "replacement", "regexReplaceAll")?;
    Ok(Value::from(
        r.replace_all(&text(value), replacement.as_str())
            .into_owned(),
    ))
}

fn regex_replace_all_literal(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let r = regex(&kwargs, "regexReplaceAllLiteral")?;
    let replacement = str_kw(&kwargs, "replacement", "regexReplaceAllLiteral")?;
    Ok(Value::from(
        r.replace_all(&text(value), regex::NoExpand(&replacement))
            .into_owned(),
    ))
}

fn regex_split(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let r = regex(&kwargs, "regexSplit")?;
    let limit = kwarg(&kwargs, "limit").map(to_int).unwrap_or(-1);
    let s = text(value);
    let parts: Vec<Value> = if limit > 0 {
        r.splitn(&s, limit as usize).map(Value::from).collect()
    } else if limit == 0 {
        Vec::new()
    } else {
        r.split(&s).map(Value::from).collect()
    };
    Ok(Value::from(parts))
}

fn regex_quote_meta(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(regex::escape(&text(value))))
}

fn path_base(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let s = text(value);
    let t = s.trim_end_matches('/');
    if t.is_empty() {
        return Ok(Value::from(if s.is_empty() { "." } else { "/" }));
    }
    Ok(Value::from(t.rsplit('/').next().unwrap_or(t)))
}

fn path_dir(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let s = text(value);
    Ok(Value::from(match s.rfind('/') {
        Some(0) => "/".to_string(),
        Some(i) => s[..i].to_string(),
        None => ".".to_string(),
    }))
}

fn path_ext(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let s = text(value);
    let base = s.rsplit('/').next().unwrap_or("");
    Ok(Value::from(
        base.rfind('.')
            .map(|i| base[i..].to_string())
            .unwrap_or_default(),
    ))
}

/// Sprig's `semver`: the parts of a version (`v` prefix and partial versions allowed).
fn semver_parts(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let original = text(value);
    let body = original.trim_start_matches('v');
    let (body, metadata) = body.split_once('+').unwrap_or((body, ""));
    let (core, pre) = body.split_once('-').unwrap_or((body, ""));
    let parts: Vec<&str> = core.split('.').collect();
    let number = |i: usize| -> TeraResult<i64> {
        match parts.get(i) {
            None => Ok(0),
            Some(p) => p.parse().map_err(|_| {
                tera::Error::message(format!("semver: `{original}` is not a version"))
            }),
        }
    };
    if parts.len() > 3 || parts.is_empty() {
        return Err(tera::Error::message(format!(
            "semver: `{original}` is not a version"
        )));
    }
    let mut map = tera::Map::new();
    map.insert("Major".into(), Value::from(number(0)?));
    map.insert("Minor".into(), Value::from(number(1)?));
    map.insert("Patch".into(), Value::from(number(2)?));
    map.insert("Prerelease".into(), Value::from(pre));
    map.insert("Metadata".into(), Value::from(metadata));
    map.insert("Original".into(), Value::from(original.as_str()));
    Ok(Value::from(map))
}

/// Sprig's `seq`: `seq END`, `seq START END`, `seq START STEP END` as space-separated text.
fn seq(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let n: Vec<i64> = list_arg(&kwargs, "values", "seq")?
        .iter()
        .map(to_int)
        .collect();
    let (start, step, end) = match n.as_slice() {
        [end] => (1, if *end >= 1 { 1 } else { -1 }, *end),
        [start, end] => (*start, if end >= start { 1 } else { -1 }, *end),
        [start, step, end] => (*start, *step, *end),
        _ => return Ok(Value::from("")),
    };
    let mut out = Vec::new();
    let mut i = start;
    while step != 0 && ((step > 0 && i <= end) || (step < 0 && i >= end)) && out.len() < 1_000_000 {
        out.push(i.to_string());
        i += step;
    }
    Ok(Value::from(out.join(" ")))
}

fn abbrev(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let width = int_kw(&kwargs, "width", "abbrev")?;
    let s = text(value);
    if width < 4 || s.chars().count() as i64 <= width {
        return Ok(Value::from(s));
    }
    let head: String = s.chars().take(width as usize - 3).collect();
    Ok(Value::from(format!("{head}...")))
}

fn adler32sum(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let (mut a, mut b) = (1u32, 0u32);
    for byte in text(value).bytes() {
        a = (a + byte as u32) % 65521;
        b = (b + a) % 65521;
    }
    Ok(Value::from(((b << 16) | a).to_string()))
}

/// Sprig's `untitle`: the first letter of each word lower-cased.
fn untitle(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let mut out = String::new();
    let mut start = true;
    for c in text(value).chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        start = c.is_whitespace();
    }
    Ok(Value::from(out))
}

/// Words of an identifier-like string: split at `_`, `-`, spaces and lower-to-upper changes.
fn words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c == '_' || c == '-' || c.is_whitespace() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Sprig's `camelcase` (`hello_world` → `HelloWorld`).
fn camelcase(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let out: String = words(&text(value))
        .iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect();
    Ok(Value::from(out))
}

fn snakecase(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        words(&text(value))
            .iter()
            .map(|w| w.to_lowercase())
            .collect::<Vec<_>>()
            .join("_"),
    ))
}

fn kebabcase(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        words(&text(value))
            .iter()
            .map(|w| w.to_lowercase())
            .collect::<Vec<_>>()
            .join("-"),
    ))
}

fn swapcase(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let out: String = text(value)
        .chars()
        .flat_map(|c| {
            if c.is_uppercase() {
                c.to_lowercase().collect::<Vec<_>>()
            } else {
                c.to_uppercase().collect()
            }
        })
        .collect();
    Ok(Value::from(out))
}

/// Sprig's `title` (Go's `strings.Title`): the first letter of each word upper-cased, the rest
/// kept (`hello wORLD foo-bar` → `Hello WORLD Foo-Bar`); Tera's `title` lower-cases the rest.
fn title_words(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let mut out = String::new();
    let mut prev_letter = false;
    for c in text(value).chars() {
        if !prev_letter && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_letter = c.is_alphanumeric() || c == '_' || c == '\'';
    }
    Ok(Value::from(out))
}

/// Sprig's `plural ONE MANY N`.
fn plural(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let which = if to_int(value) == 1 { "one" } else { "many" };
    Ok(Value::from(str_kw(&kwargs, which, "plural")?))
}

fn len(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    if let Some(s) = value.as_str() {
        return Ok(Value::from(s.len() as i64));
    }
    match value.len() {
        Some(n) => Ok(Value::from(n as i64)),
        None if value.is_none() || value.is_undefined() => {
            Err(tera::Error::message("len of nil pointer"))
        }
        None => Err(tera::Error::message(format!(
            "len of type {}",
            super::format::type_name(value)
        ))),
    }
}

pub(super) fn register(tera: &mut Tera) {
    tera.register_filter("int64", int64);
    tera.register_filter("float64", float64);
    tera.register_filter("atoi", atoi);
    tera.register_filter("defaultEmpty", default_empty);
    tera.register_filter("empty", empty);
    tera.register_function("coalesce", coalesce);
    tera.register_filter("trimAll", trim_all);
    tera.register_filter("substr", substr);
    tera.register_filter("repeat", repeat);
    tera.register_filter("nospace", nospace);
    tera.register_filter("contains", contains);
    tera.register_filter("hasPrefix", has_prefix);
    tera.register_filter("hasSuffix", has_suffix);
    tera.register_filter("splitMap", split_map);
    tera.register_filter("splitList", split_list);
    tera.register_filter("joinList", join_list);
    tera.register_filter("sha1sum", sha1sum);
    tera.register_filter("regexMatch", regex_match);
    tera.register_filter("regexFind", regex_find);
    tera.register_filter("regexFindAll", regex_find_all);
    tera.register_filter("regexReplaceAll", regex_replace_all);
    tera.register_filter("regexReplaceAllLiteral", regex_replace_all_literal);
    tera.register_filter("regexSplit", regex_split);
    tera.register_filter("regexQuoteMeta", regex_quote_meta);
    tera.register_filter("pathBase", path_base);
    tera.register_filter("pathDir", path_dir);
    tera.register_filter("pathExt", path_ext);
    tera.register_filter("len", len);
    tera.register_filter("semver", semver_parts);
    tera.register_filter("untitle", untitle);
    tera.register_filter("titleWords", title_words);
    tera.register_filter("camelcase", camelcase);
    tera.register_filter("snakecase", snakecase);
    tera.register_filter("kebabcase", kebabcase);
    tera.register_filter("swapcase", swapcase);
    tera.register_filter("plural", plural);
    tera.register_function("seq", seq);
    tera.register_filter("abbrev", abbrev);
    tera.register_filter("adler32sum", adler32sum);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_known_digest() {
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn cast_int_rules() {
        assert_eq!(to_int(&Value::from("1.0")), 1);
        assert_eq!(to_int(&Value::from("1.5")), 0);
        assert_eq!(to_int(&Value::from("010")), 8);
        assert_eq!(to_int(&Value::from("0x1F")), 31);
        assert_eq!(to_int(&Value::from(1.9)), 1);
        assert_eq!(to_int(&Value::from("abc")), 0);
    }
}
