//! Where data goes: stdout, written so that a closed pipe ends the program quietly.

use std::io::Write;

use crate::error::{Error, Result};

/// Writes data to stdout; a broken pipe becomes `Error::BrokenPipe` (a quiet exit 0).
pub fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::io("cannot write to stdout", e))
}

/// Progress and notices for people: stderr, never mixed with data.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Output formats of commands that show data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Yaml,
}

pub fn to_yaml(value: &serde_json::Value) -> Result<String> {
    crate::yaml::to_document(value).map_err(|e| Error::message(format!("cannot write YAML: {e}")))
}

pub fn to_json(value: &serde_json::Value) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Error::message(format!("cannot write JSON: {e}")))
}
