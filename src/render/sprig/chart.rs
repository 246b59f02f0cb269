//! Helm's `.Files` methods and its Go-template `tpl`, for converted charts.

use std::cell::RefCell;
use std::collections::HashMap;

use base64::Engine as _;
use tera::{Kwargs, Map, State, Tera, TeraResult, Value};

use super::{kwarg, need};
use crate::render::engine;

fn path_kw(kwargs: &Kwargs, name: &str, f: &str) -> TeraResult<String> {
    let v = need(kwargs, name, f)?;
    Ok(v.as_str()
        .unwrap_or_default()
        .trim_start_matches("./")
        .to_string())
}

/// `.Files.Get`: the file's text, `""` when the chart has no such file.
fn files_get(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let path = path_kw(&kwargs, "path", "filesGet")?;
    let files = engine::chart_files()?;
    Ok(Value::from(
        files
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(_, data)| String::from_utf8_lossy(data).into_owned())
            .unwrap_or_default(),
    ))
}

/// `.Files.Lines`: the file's lines, without a final empty one.
fn files_lines(kwargs: Kwargs, state: &State) -> TeraResult<Value> {
    let text = files_get(kwargs, state)?;
    let text = text.as_str().unwrap_or_default();
    let mut lines: Vec<Value> = text.split('\n').map(Value::from).collect();
    if text.ends_with('\n') || text.is_empty() {
        lines.pop();
    }
    Ok(Value::from(lines))
}

/// `.Files.Glob`: a map from path to text of the files matching the pattern (`*` within a
/// path segment, `**` across segments, `?` one character), in path order.
fn files_glob(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let pattern = path_kw(&kwargs, "pattern", "filesGlob")?;
    let files = engine::chart_files()?;
    let mut matched: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(name, _)| glob_match(pattern.as_bytes(), name.as_bytes()))
        .collect();
    matched.sort_by(|a, b| a.0.cmp(&b.0));
    let mut map = Map::new();
    for (name, data) in matched {
        map.insert(
            name.clone().into(),
            Value::from(String::from_utf8_lossy(data).into_owned()),
        );
    }
    Ok(Value::from(map))
}

pub fn glob_match(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') if p.get(1) == Some(&b'*') => {
            (0..=s.len()).any(|i| glob_match(&p[2..], &s[i..]))
        }
        Some(b'*') => (0..=s.len())
            .take_while(|&i| i == 0 || s[i - 1] != b'/')
            .any(|i| glob_match(&p[1..], &s[i..])),
        Some(b'?') => !s.is_empty() && s[0] != b'/' && glob_match(&p[1..], &s[1..]),
        Some(c) => s.first() == Some(c) && glob_match(&p[1..], &s[1..]),
    }
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn files_map(value: &Value, encode: bool) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    if let Some(map) = value.as_map() {
        for (k, v) in map.iter() {
            let name = Value::from(k.clone()).to_string();
            let text = v.as_str().unwrap_or_default();
            let text = if encode {
                base64::engine::general_purpose::STANDARD.encode(text)
            } else {
                text.to_string()
            };
            out.insert(basename(&name).to_string(), serde_json::Value::String(text));
        }
    }
    serde_json::Value::Object(out)
}

/// `.AsConfig` of a glob: `toYaml` of `{basename: text}`.
fn as_config(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        crate::yaml::to_string(&files_map(value, false))
            .trim_end_matches('\n')
            .to_string(),
    ))
}

/// `.AsSecrets` of a glob: `toYaml` of `{basename: base64(text)}`.
fn as_secrets(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        crate::yaml::to_string(&files_map(value, true))
            .trim_end_matches('\n')
            .to_string(),
    ))
}

thread_local! {
    /// Go template text already translated, by (text, has a dot variable).
    static TRANSLATED: RefCell<HashMap<(String, bool), Result<String, String>>> = RefCell::new(HashMap::new());
}

/// Helm's `tpl` for converted charts: the text is a *Go* template (values written for Helm);
/// it is translated to Tera and rendered with the chart's context, or with `dot` as the Go dot.
fn helm_tpl(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let template = need(&kwargs, "template", "helmTpl")?;
    let Some(text) = template.as_str() else {
        return Err(tera::Error::message(format!(
            "helmTpl: the template must be a string, not {}",
            super::format::type_name(template)
        )));
    };
    let dot = kwarg(&kwargs, "dot").cloned();
    let key = (text.to_string(), dot.is_some());
    let translated = TRANSLATED.with(|cache| {
        if let Some(hit) = cache.borrow().get(&key) {
            return hit.clone();
        }
        let result = crate::convert::translate_text(text, dot.is_some());
        cache.borrow_mut().insert(key, result.clone());
        result
    });
    let translated = translated.map_err(|e| {
        tera::Error::message(format!("helmTpl: cannot parse template {text:?}: {e}"))
    })?;
    engine::render_text(&translated, dot).map(|s| Value::from(s.replace("<no value>", "")))
}

pub(super) fn register(tera: &mut Tera) {
    tera.register_function("filesGet", files_get);
    tera.register_function("filesLines", files_lines);
    tera.register_function("filesGlob", files_glob);
    tera.register_filter("asConfig", as_config);
    tera.register_filter("asSecrets", as_secrets);
    tera.register_function("helmTpl", helm_tpl);
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match(b"files/*.conf", b"files/a.conf"));
        assert!(!glob_match(b"files/*.conf", b"files/x/a.conf"));
        assert!(glob_match(b"files/**", b"files/x/a.conf"));
        assert!(glob_match(b"**.yaml", b"a/b.yaml"));
        assert!(glob_match(b"f?.txt", b"f1.txt"));
    }
}
