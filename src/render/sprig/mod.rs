//! Sprig and Helm functions that Tera lacks, with Go's semantics, so that a chart converted
//! from Helm (`charts convert`) renders the same objects. They are part of the template
//! language: documented in docs/chart-authoring.md "Filters and functions".

mod chart;
mod collections;
mod format;
mod strings;

pub use format::{go_string, go_value_text};

use tera::{Kwargs, Tera, TeraResult, Value};

pub(crate) fn kwarg<'k>(kwargs: &'k Kwargs, name: &str) -> Option<&'k Value> {
    kwargs
        .iter()
        .find_map(|(key, value)| (key.as_str() == Some(name)).then_some(value))
}

pub(crate) fn need<'k>(kwargs: &'k Kwargs, name: &str, f: &str) -> TeraResult<&'k Value> {
    kwarg(kwargs, name).ok_or_else(|| tera::Error::message(format!("{f}: missing argument `{name}`")))
}

pub(crate) fn list_arg(kwargs: &Kwargs, name: &str, f: &str) -> TeraResult<Vec<Value>> {
    match need(kwargs, name, f)?.as_array() {
        Some(items) => Ok(items.to_vec()),
        None => Err(tera::Error::message(format!("{f}: `{name}` must be a list"))),
    }
}

/// Sprig's emptiness: missing, null, false, 0, and empty strings, lists and maps.
pub fn is_empty(value: &Value) -> bool {
    !value.is_truthy()
}

/// Registers every filter and function of this module.
pub fn register(tera: &mut Tera) {
    format::register(tera);
    strings::register(tera);
    collections::register(tera);
    chart::register(tera);
}
