//! Chart values: parsing values files, the `--set` family of flags, merging layers with Helm's
//! rules, schema checks, and subchart scoping in umbrella charts (conditions, tags, globals,
//! import-values).
//!
//! Values are plain JSON trees ([`Value`]), as in Helm, which converts YAML to JSON before use.
//! Maps keep insertion order, so output follows the order users wrote. Everything here is pure
//! except [`FsReader`], the one place that touches files and stdin, behind [`SourceReader`].
//!
//! Layering, lowest first: chart `values.yaml` < parent chart's values for the subchart < `-f`
//! files in order < `--set-json` < `--set` < `--set-string` < `--set-file` < `--set-literal`.
//! [`compose_user_values`] builds the user part (from `-f` on); [`coalesce`] lays it over chart
//! defaults.

mod error;
mod merge;
mod parse;
mod schema;
pub mod scope;
pub mod strvals;

use std::collections::HashMap;
use std::io::{self, Read};

pub use error::{Error, SchemaViolation};
pub use merge::{
    coalesce, coalesce_with_subcharts, lookup_path, merge, propagate_globals, set_path,
};
pub use parse::parse_yaml;
pub use schema::validate_schema;
pub use strvals::{parse_set, parse_set_file, parse_set_json, parse_set_literal, parse_set_string};

/// A values tree. Numbers keep their integer or float type.
pub type Value = serde_json::Value;

/// A values map, insertion-ordered.
pub type Map = serde_json::Map<String, Value>;

/// Where values files and `--set-file` files come from. `-` means standard input.
pub trait SourceReader {
    fn read_to_string(&self, path: &str) -> io::Result<String>;
}

/// Reads from the file system, and `-` from the process's standard input.
#[derive(Debug, Default, Clone, Copy)]
pub struct FsReader;

impl SourceReader for FsReader {
    fn read_to_string(&self, path: &str) -> io::Result<String> {
        // Helm trims before comparing, so `" -"` from a sloppy script still means stdin.
        if path.trim() == "-" {
            let mut text = String::new();
            io::stdin().lock().read_to_string(&mut text)?;
            return Ok(text);
        }
        std::fs::read_to_string(path)
    }
}

/// Serves files from memory: for tests, and for callers that already hold the content.
#[derive(Debug, Default, Clone)]
pub struct MapReader {
    files: HashMap<String, String>,
    stdin: Option<String>,
}

impl MapReader {
    pub fn new() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn with_file(mut self, path: impl Into<String>, content: impl Into<String>) -> Self {
        self.files.insert(path.into(), content.into());
        self
    }

    #[must_use]
    pub fn with_stdin(mut self, content: impl Into<String>) -> Self {
        self.stdin = Some(content.into());
        self
    }
}

impl SourceReader for MapReader {
    fn read_to_string(&self, path: &str) -> io::Result<String> {
        let found = if path.trim() == "-" {
            self.stdin.as_ref()
        } else {
            self.files.get(path)
        };
        found.cloned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "No such file or directory (os error 2)",
            )
        })
    }
}

/// The user's values as given on the command line. Each list keeps command-line order within
/// its flag; the flags themselves apply in Helm's fixed order (see [`compose_user_values`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UserValueOptions {
    /// `-f`/`--values`: paths, `-` for stdin.
    pub values_files: Vec<String>,
    /// `--set-json`: `key=<json>` lists or whole JSON objects.
    pub set_json: Vec<String>,
    /// `--set`: typed values.
    pub set: Vec<String>,
    /// `--set-string`: string values.
    pub set_string: Vec<String>,
    /// `--set-file`: `key=path`, the file's content as a string.
    pub set_file: Vec<String>,
    /// `--set-literal`: `key=value`, the value verbatim.
    pub set_literal: Vec<String>,
}

impl UserValueOptions {
    /// Whether the user gave any values at all (upgrade reuses old values when not).
    pub fn is_empty(&self) -> bool {
        self.values_files.is_empty()
            && self.set_json.is_empty()
            && self.set.is_empty()
            && self.set_string.is_empty()
            && self.set_file.is_empty()
            && self.set_literal.is_empty()
    }
}

/// Builds the user-supplied values (Helm's `MergeValues` in `pkg/cli/values/options.go`).
///
/// Order, lowest first, whatever the order on the command line: every `-f` file in order,
/// then `--set-json`, `--set`, `--set-string`, `--set-file`, `--set-literal`. `null`s are kept
/// (see [`merge`]) so that they delete chart defaults when [`coalesce`]d. The result is always a
/// map.
pub fn compose_user_values(
    options: &UserValueOptions,
    reader: &dyn SourceReader,
) -> Result<Value, Error> {
    let mut values = Value::Object(Map::new());
    for path in &options.values_files {
        let text = reader
            .read_to_string(path)
            .map_err(|source| Error::ReadValuesFile {
                path: path.clone(),
                source,
            })?;
        merge(&mut values, parse_yaml(&text, path)?);
    }
    let Value::Object(mut map) = values else {
        unreachable!("parse_yaml returns maps and merging maps gives a map")
    };
    for expression in &options.set_json {
        parse_set_json(expression, &mut map)?;
    }
    for expression in &options.set {
        parse_set(expression, &mut map)?;
    }
    for expression in &options.set_string {
        parse_set_string(expression, &mut map)?;
    }
    for expression in &options.set_file {
        parse_set_file(expression, &mut map, reader)?;
    }
    for expression in &options.set_literal {
        parse_set_literal(expression, &mut map)?;
    }
    Ok(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn options() -> UserValueOptions {
        UserValueOptions::default()
    }

    #[test]
    fn files_merge_in_order() {
        let reader = MapReader::new()
            .with_file(
                "base.yaml",
                "image:\n  repository: nginx\n  tag: \"1\"\nlist: [1, 2]\n",
            )
            .with_file("prod.yaml", "image:\n  tag: \"2\"\nlist: [3]\n");
        let values = compose_user_values(
            &UserValueOptions {
                values_files: vec!["base.yaml".into(), "prod.yaml".into()],
                ..options()
            },
            &reader,
        )
        .unwrap();
        assert_eq!(
            values,
            json!({"image": {"repository": "nginx", "tag": "2"}, "list": [3]})
        );
    }

    #[test]
    fn precedence_is_fixed_whatever_the_flag_order() {
        // Every source sets `key`; only --set-literal may win. Each also sets its own marker,
        // so we can see every layer was applied.
        let reader = MapReader::new()
            .with_file("a.yaml", "key: file-a\nfromA: 1\n")
            .with_file("b.yaml", "key: file-b\nfromB: 1\n")
            .with_file("content.txt", "file-content");
        let all = UserValueOptions {
            values_files: vec!["a.yaml".into(), "b.yaml".into()],
            set_json: vec![r#"key="json",fromJson=1"#.into()],
            set: vec!["key=set,fromSet=1".into()],
            set_string: vec!["key=string,fromString=1".into()],
            set_file: vec!["key=content.txt,fromFile=content.txt".into()],
            set_literal: vec!["key=literal,value".into()],
        };
        let values = compose_user_values(&all, &reader).unwrap();
        assert_eq!(
            values,
            json!({
                "key": "literal,value",
                "fromA": 1,
                "fromB": 1,
                "fromJson": 1,
                "fromSet": 1,
                "fromString": "1",
                "fromFile": "file-content",
            })
        );

        // Drop the higher layers one by one: the next one down wins each time.
        let mut fewer = all.clone();
        fewer.set_literal.clear();
        assert_eq!(
            compose_user_values(&fewer, &reader).unwrap()["key"],
            "file-content"
        );
        fewer.set_file.clear();
        assert_eq!(
            compose_user_values(&fewer, &reader).unwrap()["key"],
            "string"
        );
        fewer.set_string.clear();
        assert_eq!(compose_user_values(&fewer, &reader).unwrap()["key"], "set");
        fewer.set.clear();
        assert_eq!(compose_user_values(&fewer, &reader).unwrap()["key"], "json");
        fewer.set_json.clear();
        assert_eq!(
            compose_user_values(&fewer, &reader).unwrap()["key"],
            "file-b"
        );
    }

    #[test]
    fn later_expressions_of_one_flag_win() {
        let values = compose_user_values(
            &UserValueOptions {
                set: vec!["a=1,b=1".into(), "a=2".into()],
                ..options()
            },
            &MapReader::new(),
        )
        .unwrap();
        assert_eq!(values, json!({"a": 2, "b": 1}));
    }

    #[test]
    fn set_changes_one_item_of_a_list_from_a_file() {
        let reader = MapReader::new().with_file("v.yaml", "hosts: [a, b, c]\n");
        let values = compose_user_values(
            &UserValueOptions {
                values_files: vec!["v.yaml".into()],
                set: vec!["hosts[1]=x".into()],
                ..options()
            },
            &reader,
        )
        .unwrap();
        assert_eq!(values, json!({"hosts": ["a", "x", "c"]}));
    }

    #[test]
    fn stdin_values_file() {
        let reader = MapReader::new().with_stdin("fromStdin: true\n");
        let values = compose_user_values(
            &UserValueOptions {
                values_files: vec!["-".into()],
                ..options()
            },
            &reader,
        )
        .unwrap();
        assert_eq!(values, json!({"fromStdin": true}));
    }

    #[test]
    fn missing_values_file_names_it_with_cause() {
        let error = compose_user_values(
            &UserValueOptions {
                values_files: vec!["prod.yaml".into()],
                ..options()
            },
            &MapReader::new(),
        )
        .unwrap_err();
        assert_eq!(error.to_string(), "cannot read values file `prod.yaml`");
        let cause = std::error::Error::source(&error).unwrap().to_string();
        assert_eq!(cause, "No such file or directory (os error 2)");
    }

    #[test]
    fn fs_reader_reports_the_os_cause() {
        let error = compose_user_values(
            &UserValueOptions {
                values_files: vec!["/nonexistent/charts-values-test/prod.yaml".into()],
                ..options()
            },
            &FsReader,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot read values file `/nonexistent/charts-values-test/prod.yaml`"
        );
        let Error::ReadValuesFile { source, .. } = &error else {
            panic!("unexpected error {error:?}");
        };
        assert_eq!(source.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn fs_reader_reads_files() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("values.yaml");
        std::fs::write(&path, "a: 1\n").unwrap();
        let path = path.to_str().unwrap().to_owned();
        let values = compose_user_values(
            &UserValueOptions {
                values_files: vec![path.clone()],
                set_file: vec![format!("raw={path}")],
                ..options()
            },
            &FsReader,
        )
        .unwrap();
        assert_eq!(values, json!({"a": 1, "raw": "a: 1\n"}));
    }

    #[test]
    fn bad_yaml_in_values_file_names_the_file() {
        let reader = MapReader::new().with_file("bad.yaml", "a: [1\n");
        let error = compose_user_values(
            &UserValueOptions {
                values_files: vec!["bad.yaml".into()],
                ..options()
            },
            &reader,
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot parse `bad.yaml` at line 2, column 1: "),
            "{error}"
        );
    }

    #[test]
    fn nulls_survive_composition_and_delete_defaults_when_coalesced() {
        let reader = MapReader::new().with_file("v.yaml", "resources: null\n");
        let user = compose_user_values(
            &UserValueOptions {
                values_files: vec!["v.yaml".into()],
                set: vec!["image.tag=null,ghost=null".into()],
                ..options()
            },
            &reader,
        )
        .unwrap();
        assert_eq!(
            user,
            json!({"resources": null, "image": {"tag": null}, "ghost": null})
        );
        let mut defaults = json!({
            "resources": {"limits": {"cpu": "1"}},
            "image": {"repository": "nginx", "tag": "1"},
        });
        coalesce(&mut defaults, user);
        assert_eq!(defaults, json!({"image": {"repository": "nginx"}}));
    }

    #[test]
    fn set_error_propagates_with_expression() {
        let error = compose_user_values(
            &UserValueOptions {
                set: vec!["good=1".into(), "a[=1".into()],
                ..options()
            },
            &MapReader::new(),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid --set expression `a[=1`: missing `]` after list index `=1`"
        );
    }

    #[test]
    fn no_options_give_an_empty_map() {
        assert!(options().is_empty());
        assert_eq!(
            compose_user_values(&options(), &MapReader::new()).unwrap(),
            json!({})
        );
    }
}
