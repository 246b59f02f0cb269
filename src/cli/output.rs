//! Where data goes: stdout, written so that a closed pipe ends the program quietly, in the
//! format the user chose ([`show`]); notices go to stderr.

use std::io::Write;

use crate::error::{Error, Result};

mod progress;

/// Writes data to stdout; a broken pipe becomes `Error::BrokenPipe` (a quiet exit 0).
pub fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::io("cannot write to stdout", e))
}

/// Writes `value` to stdout as pretty JSON and a newline, as it is serialized (no copy of the
/// whole text is built first: `list -A -o json` of 20,000 releases is ~20 MB of it).
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| match e.io_error_kind() {
        Some(kind) => Error::io("cannot write to stdout", kind.into()),
        None => Error::message(format!("cannot write JSON: {e}")),
    })?;
    out.write_all(b"\n")
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("cannot write to stdout", e))
}

/// Progress and notices for people: stderr, never mixed with data.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// `1 object`, `3 objects`: a count and its noun, in the plural unless the count is one.
pub fn count(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}

/// Output formats of commands that show data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Yaml,
}

/// Shows data in the format the user chose: `text` for people (a table, or `KEY: value` lines),
/// `data` as JSON or YAML for programs. Only the one asked for is made.
pub fn show(
    format: Format,
    data: impl FnOnce() -> Result<serde_json::Value>,
    text: impl FnOnce() -> Result<String>,
) -> Result<()> {
    let shown = match format {
        Format::Table => text()?,
        Format::Json => to_json(&data()?)?,
        Format::Yaml => to_yaml(&data()?)?,
    };
    print(&shown)
}

pub fn to_yaml(value: &serde_json::Value) -> Result<String> {
    crate::yaml::to_document(value).map_err(|e| Error::message(format!("cannot write YAML: {e}")))
}

pub fn to_json(value: &serde_json::Value) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Error::message(format!("cannot write JSON: {e}")))
}

/// How an operation's progress is shown on stderr: live on a terminal (a spinner for the
/// operation, one line per object still not ready), as timestamped lines in a pipeline (no
/// terminal, or `CHARTS_PROGRESS=plain`), or not at all (`CHARTS_PROGRESS=none`). Cleared when
/// dropped, before any result is printed.
pub struct Spinner {
    sink: Option<std::sync::Arc<dyn crate::cluster::apply::ProgressSink>>,
    live: Option<std::sync::Arc<progress::Live>>,
}

/// `CHARTS_PROGRESS`: `plain` or `none` override what stderr being a terminal decides.
pub const PROGRESS_ENV: &str = "CHARTS_PROGRESS";

impl Spinner {
    pub fn start() -> Spinner {
        use std::io::IsTerminal;
        let setting = std::env::var(PROGRESS_ENV).unwrap_or_default();
        match setting.as_str() {
            "none" | "off" => Spinner {
                sink: None,
                live: None,
            },
            "plain" => Spinner::plain(),
            _ if animate(
                std::io::stdout().is_terminal(),
                std::io::stderr().is_terminal(),
                std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
                std::env::var("TERM").is_ok_and(|t| t == "dumb"),
            ) =>
            {
                let live = std::sync::Arc::new(progress::Live::new());
                Spinner {
                    sink: Some(live.clone()),
                    live: Some(live),
                }
            }
            _ => Spinner::plain(),
        }
    }

    fn plain() -> Spinner {
        Spinner {
            sink: Some(std::sync::Arc::new(progress::Plain::default())),
            live: None,
        }
    }

    /// The sink actions report to (`None` when nothing is shown).
    pub fn progress(&self) -> Option<crate::cluster::apply::Progress> {
        self.sink.clone().map(crate::cluster::apply::Progress)
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(live) = &self.live {
            live.clear();
        }
    }
}

/// Whether progress may be animated (redrawn in place): only for a person at a terminal, so
/// not when stdout or stderr is redirected (a pipeline, `-o json > file`), nor with `NO_COLOR`
/// set (non-empty) or `TERM=dumb`. Otherwise progress is plain timestamped lines.
fn animate(stdout_terminal: bool, stderr_terminal: bool, no_color: bool, dumb: bool) -> bool {
    stdout_terminal && stderr_terminal && !no_color && !dumb
}

/// Left-aligned columns, each cell padded to its column's width and followed by a tab, the last
/// column unpadded (Helm's tables): readable, and split by `cut -f` or `awk -F'\t'`. Widths are
/// display columns (a CJK character takes two); a cell with newlines takes as many lines, the
/// row's other cells blank on the extra ones. Cells may be borrowed (`Cow<str>`, `&str`), so a
/// table of 20,000 releases is not a second copy of them.
pub fn table<S: AsRef<str>>(headers: &[&str], rows: Vec<Vec<S>>) -> String {
    use unicode_width::UnicodeWidthStr;
    let columns = rows.iter().map(Vec::len).fold(headers.len(), usize::max);
    let mut widths = vec![0; columns];
    let mut measure = |cells: &mut dyn Iterator<Item = &str>| {
        for (width, cell) in widths.iter_mut().zip(cells) {
            for line in cell.split('\n') {
                *width = (*width).max(line.width());
            }
        }
    };
    measure(&mut headers.iter().copied());
    for row in &rows {
        measure(&mut row.iter().map(AsRef::as_ref));
    }
    let mut text =
        String::with_capacity((rows.len() + 1) * (widths.iter().sum::<usize>() + columns));
    let mut write_row = |cells: &[&str]| {
        let height = cells
            .iter()
            .map(|c| c.split('\n').count())
            .max()
            .unwrap_or(1);
        let mut lines: Vec<_> = cells.iter().map(|c| c.split('\n')).collect();
        for _ in 0..height {
            let start = text.len();
            for (column, width) in widths.iter().enumerate() {
                let line = lines
                    .get_mut(column)
                    .and_then(Iterator::next)
                    .unwrap_or_default();
                if column > 0 {
                    text.push('\t');
                }
                text.push_str(line);
                text.extend(std::iter::repeat_n(' ', width.saturating_sub(line.width())));
            }
            let end = start + text[start..].trim_end().len();
            text.truncate(end);
            text.push('\n');
        }
    };
    write_row(headers);
    for row in &rows {
        write_row(&row.iter().map(AsRef::as_ref).collect::<Vec<_>>());
    }
    text
}

/// A [`table`]'s text without its header line (`--no-headers`).
pub fn rows_only(table: String) -> String {
    match table.split_once('\n') {
        Some((_, rows)) => rows.to_string(),
        None => table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn tables_pad_every_column_but_the_last_and_trim_each_line() {
        let rows = vec![
            row(&["api", "dev", "1", ""]),
            row(&["web-frontend", "default", "12", "Install complete"]),
        ];
        assert_eq!(
            table(&["NAME", "NAMESPACE", "REVISION", "DESCRIPTION"], rows),
            "NAME        \tNAMESPACE\tREVISION\tDESCRIPTION\n\
             api         \tdev      \t1\n\
             web-frontend\tdefault  \t12      \tInstall complete\n"
        );
        assert_eq!(table::<String>(&["NAME", "URL"], Vec::new()), "NAME\tURL\n");
    }

    #[test]
    fn progress_is_animated_only_for_a_terminal_without_no_color() {
        assert!(animate(true, true, false, false));
        assert!(!animate(false, true, false, false), "stdout redirected");
        assert!(!animate(true, false, false, false), "stderr redirected");
        assert!(!animate(true, true, true, false), "NO_COLOR");
        assert!(!animate(true, true, false, true), "TERM=dumb");
    }

    #[test]
    fn counts_of_one_are_singular() {
        assert_eq!(count(0, "object"), "0 objects");
        assert_eq!(count(1, "object"), "1 object");
        assert_eq!(count(12, "object"), "12 objects");
    }

    #[test]
    fn a_cell_with_newlines_takes_as_many_lines() {
        // As comfy-table 8 wrote it (checked when it was replaced by this function).
        let rows = vec![
            row(&[
                "1",
                "failed",
                "Upgrade failed:\n  a Deployment\nis not ready",
            ]),
            row(&["", "", ""]),
            row(&["2", "deployed", "ok", "extra"]),
            row(&["x\ny", "", ""]),
        ];
        assert_eq!(
            table(&["REVISION", "STATUS", "DESCRIPTION"], rows),
            "REVISION\tSTATUS  \tDESCRIPTION\n1       \tfailed  \tUpgrade failed:\n        \t        \t  a Deployment\n        \t        \tis not ready\n\n2       \tdeployed\tok             \textra\nx\ny\n"
        );
    }

    #[test]
    fn wide_characters_take_two_columns() {
        let rows = vec![row(&["日本", "x"]), row(&["abcde", "y"])];
        assert_eq!(
            table(&["NAME", "V"], rows),
            "NAME \tV\n日本 \tx\nabcde\ty\n"
        );
    }
}
