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

/// A spinner on stderr showing what a long operation is doing, only when stderr is a terminal;
/// cleared when dropped, before any result is printed.
pub struct Spinner {
    bar: Option<indicatif::ProgressBar>,
}

impl Spinner {
    pub fn start() -> Spinner {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(100));
            bar
        });
        Spinner { bar }
    }

    /// The sink actions report to (`None` when nothing is shown).
    pub fn progress(&self) -> Option<crate::cluster::apply::Progress> {
        let bar = self.bar.clone()?;
        Some(crate::cluster::apply::Progress(std::sync::Arc::new(
            move |message: &str| bar.set_message(message.to_string()),
        )))
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Left-aligned columns separated by tabs-worth of spaces, like Helm's tables.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let header_row: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header_row).chain(rows.iter()) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}\t", width = widths[i]));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}
