//! Errors from reading, parsing, merging and checking values.

use std::io;

use crate::error::quoted;

/// Everything that can go wrong while building a chart's values.
///
/// Each variant names what the user typed or which file was involved, so the message can be
/// acted on without a debugger: `cannot read values file `prod.yaml``, then the OS cause.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A `-f` values file (or stdin for `-`) could not be read.
    #[error("cannot read values file `{path}`")]
    ReadValuesFile {
        path: String,
        #[source]
        source: io::Error,
    },

    /// A values document is not valid YAML.
    #[error("cannot parse `{origin}` at line {line}, column {column}: {message}")]
    YamlSyntax {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },

    /// A values document is valid YAML but cannot be a values tree (for example a map used as a
    /// key, or a top level that is a list).
    #[error("invalid values in `{origin}`{}: {reason}", at_path(path))]
    InvalidValues {
        origin: String,
        /// Dotted path of the offending node, empty for the top level.
        path: String,
        reason: String,
    },

    /// A `--set`-style expression does not follow the grammar.
    #[error("invalid {flag} expression `{}`: {reason}", quoted(expression))]
    SetSyntax {
        /// The flag the expression came from, like `--set` or `--set-json`.
        flag: &'static str,
        expression: String,
        reason: String,
    },

    /// A `--set-file` expression names a file that could not be read.
    #[error(
        "cannot read file `{}` for --set-file expression `{}`",
        quoted(path),
        quoted(expression)
    )]
    ReadSetFile {
        expression: String,
        path: String,
        #[source]
        source: io::Error,
    },

    /// The chart's `values.schema.json` is not a usable JSON Schema.
    #[error("invalid `values.schema.json` in chart `{chart}`: {reason}")]
    InvalidSchema { chart: String, reason: String },

    /// The values do not satisfy the chart's `values.schema.json`; every violation is listed.
    #[error(
        "values do not match the schema of chart `{chart}`:{}",
        violations.iter().map(|violation| format!("\n- {violation}")).collect::<String>()
    )]
    SchemaViolations {
        chart: String,
        violations: Vec<SchemaViolation>,
    },
}

/// One failed schema check: where in the values, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaViolation {
    /// JSON Pointer into the values (`/image/tag`); `/` for the top level.
    pub instance_path: String,
    pub message: String,
}

impl std::fmt::Display for SchemaViolation {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {}", self.instance_path, self.message)
    }
}

fn at_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{}`", quoted(path))
    }
}
