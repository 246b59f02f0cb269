//! Sprig and Helm functions that Tera lacks, with Go's semantics, so that a chart converted
//! from Helm (`charts convert`) renders the same objects. They are part of the template
//! language: documented in docs/chart-authoring.md "Filters and functions".

mod chart;
mod collections;
mod format;
mod math;
mod strings;

pub use format::{go_string, go_value_text};

use tera::{Kwargs, Tera, TeraResult, Value};

pub(crate) fn kwarg<'k>(kwargs: &'k Kwargs, name: &str) -> Option<&'k Value> {
    kwargs
        .iter()
        .find_map(|(key, value)| (key.as_str() == Some(name)).then_some(value))
}

pub(crate) fn need<'k>(kwargs: &'k Kwargs, name: &str, f: &str) -> TeraResult<&'k Value> {
    kwarg(kwargs, name)
        .ok_or_else(|| tera::Error::message(format!("{f}: missing argument `{name}`")))
}

pub(crate) fn list_arg(kwargs: &Kwargs, name: &str, f: &str) -> TeraResult<Vec<Value>> {
    match need(kwargs, name, f)?.as_array() {
        Some(items) => Ok(items.to_vec()),
        None => Err(tera::Error::message(format!(
            "{f}: `{name}` must be a list"
        ))),
    }
}

/// Sprig's emptiness: missing, null, false, 0, and empty strings, lists and maps.
pub fn is_empty(value: &Value) -> bool {
    !value.is_truthy()
}

/// `1.19-0` → `1.19.0-0`, `1-0` → `1.0.0-0` in a constraint: Masterminds/semver reads a
/// partial version with a pre-release that way.
pub fn complete_partial_versions(constraint: &str) -> String {
    static PARTIAL: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = PARTIAL.get_or_init(|| {
        regex::Regex::new(r"(^|[^0-9.])v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-[0-9A-Za-z.-]+)")
            .expect("valid regex")
    });
    re.replace_all(constraint, |c: &regex::Captures| {
        let minor = c.get(3).map(|m| m.as_str()).unwrap_or(".0");
        let patch = c.get(4).map(|m| m.as_str()).unwrap_or(".0");
        format!("{}{}{minor}{patch}{}", &c[1], &c[2], &c[5])
    })
    .into_owned()
}

/// Registers every filter and function of this module.
pub fn register(tera: &mut Tera) {
    format::register(tera);
    strings::register(tera);
    math::register(tera);
    collections::register(tera);
    chart::register(tera);
}
