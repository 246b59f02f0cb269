//! The one error type the CLI shows: every module's error, classified once into an exit code,
//! and printed as `error: …`, `Caused by: …` lines and an optional `hint: …`.

use std::fmt::Write as _;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Chart(#[from] crate::chart::Error),
    #[error(transparent)]
    Values(#[from] crate::values::Error),
    #[error(transparent)]
    Render(#[from] crate::render::Error),
    #[error(transparent)]
    Cluster(#[from] crate::cluster::Error),
    #[error(transparent)]
    Store(#[from] crate::release::store::Error),
    #[error(transparent)]
    Lock(#[from] crate::release::lock::Error),
    #[error(transparent)]
    Repo(#[from] crate::repo::Error),
    #[error(transparent)]
    Apply(Box<crate::cluster::apply::Error>),
    /// A revision failed and `--rollback-on-failure` went back (or tried to).
    #[error(transparent)]
    Recovery(Box<crate::action::recover::Recovery>),
    #[error(transparent)]
    EnvName(#[from] crate::env::NameError),
    #[error(transparent)]
    EnvConfig(#[from] crate::env::config::ConfigError),
    #[error(transparent)]
    EnvProfile(#[from] crate::env::profile::ProfileError),
    /// A mistake in how the command was called (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// Anything else worth saying, with an optional hint.
    #[error("{message}")]
    Message {
        message: String,
        hint: Option<String>,
    },
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// Work was done and reported already (e.g. lint findings); just exit non-zero.
    #[error("{0}")]
    Reported(String),
    /// `charts convert` wrote the chart but some places could not be converted (exit code 3).
    #[error("{0}")]
    NeedsAttention(String),
    /// The command's answer is its exit code, its output printed already (`plan --exit-code`
    /// with changes: 2).
    #[error("exit code {0}")]
    ExitCode(u8),
    /// stdout was closed by the reader (`charts template … | head`): a quiet exit.
    #[error("broken pipe")]
    BrokenPipe,
}

impl Error {
    pub fn message(message: impl Into<String>) -> Error {
        Error::Message {
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Message {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        if source.kind() == std::io::ErrorKind::BrokenPipe {
            return Error::BrokenPipe;
        }
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::NeedsAttention(_) => 3,
            Error::Repo(error) if error.is_usage() => 2,
            Error::BrokenPipe => 0,
            Error::ExitCode(code) => *code,
            _ => 1,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Error::Message { hint, .. } => hint.clone(),
            Error::Render(crate::render::Error::MissingDependency { .. }) => {
                Some("run `charts dependency build` to fetch the locked dependencies".to_string())
            }
            Error::Render(crate::render::Error::Template { message, .. })
                if message.contains("is not defined") =>
            {
                Some(
                    "give the value a default in values.yaml, or write `x | default(value=...)`"
                        .to_string(),
                )
            }
            Error::Cluster(error) => error.hint(),
            Error::Apply(error) => error.hint(),
            // What to do about the failure itself first, then about the release.
            Error::Recovery(recovery) => Some(match recovery.error.hint() {
                Some(cause) => format!("{cause}\nhint: {}", recovery.hint()),
                None => recovery.hint(),
            }),
            Error::Store(crate::release::store::Error::Cluster(error)) => error.hint(),
            Error::Lock(error) => error.hint(),
            Error::Repo(crate::repo::Error::Chart(error)) => chart_hint(error),
            Error::Repo(error) => error.hint(),
            Error::Store(crate::release::store::Error::InvalidSelector { .. }) => Some(
                "selectors look like `commit=abc`, `env in (prod,staging)`, `!canary`, joined with commas"
                    .to_string(),
            ),
            Error::Store(crate::release::store::Error::RevisionNotFound {
                name, namespace, ..
            }) => Some(format!(
                "`charts history {name} -n {namespace}` shows the revisions there are"
            )),
            Error::Store(crate::release::store::Error::ReleaseNotFound { namespace, .. }) => {
                Some(format!(
                    "`charts list -n {namespace}` shows the releases there; `charts list -A` shows every namespace"
                ))
            }
            Error::Chart(error) => chart_hint(error),
            Error::EnvName(error) => error.hint(),
            Error::EnvProfile(error) => error.hint(),
            _ => None,
        }
    }

    /// The full text shown on stderr.
    pub fn render(&self) -> String {
        let mut text = format!("error: {self}");
        if let Error::Render(crate::render::Error::Template { report, .. }) = self {
            // Tera's report has the source line and a caret; its first line repeats the message.
            for line in report.lines().skip(1) {
                let _ = write!(text, "\n{line}");
            }
        }
        // `transparent` variants already forward `source()` to the inner error's cause.
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            let _ = write!(text, "\nCaused by: {cause}");
            source = cause.source();
        }
        if let Some(hint) = self.hint() {
            let _ = write!(text, "\nhint: {hint}");
        }
        text
    }
}

fn chart_hint(error: &crate::chart::Error) -> Option<String> {
    match error {
        crate::chart::Error::NoChartYaml { .. } => {
            Some("a chart is a directory with a Chart.yaml, or a packaged `.tgz`".to_string())
        }
        _ => None,
    }
}

impl From<crate::cluster::apply::Error> for Error {
    fn from(error: crate::cluster::apply::Error) -> Error {
        Error::Apply(Box::new(error))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `text` as it may be quoted back in an error message: whole when it has at most `limit`
/// characters, else its first `limit` followed by `…(N more characters)`. A 6,000-character
/// `--set-json` or a minified values file on one line would otherwise bury the message.
pub fn truncate_for_message(text: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(limit) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => {
            let more = text[end..].chars().count();
            std::borrow::Cow::Owned(format!("{}…({more} more characters)", &text[..end]))
        }
    }
}

/// `message` (a parser's, such as serde's `invalid type: string "…"` or `unknown variant `…``)
/// with each piece in double quotes or backticks cut as [`quoted`] cuts input.
pub fn shorten_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[open];
        out.push_str(&rest[..=open]);
        let inside = &rest[open + 1..];
        // A quote escaped with a backslash does not close the piece.
        let mut close = None;
        let mut escaped = false;
        for (index, byte) in inside.bytes().enumerate() {
            match byte {
                b'\\' if !escaped => escaped = true,
                byte if byte == quote && !escaped => {
                    close = Some(index);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(close) = close else {
            out.push_str(&quoted(inside));
            return out;
        };
        out.push_str(&quoted(&inside[..close]));
        out.push(quote as char);
        rest = &inside[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `text` with each line cut to `limit` characters, for reports that quote source lines (a
/// template line can be thousands of characters long).
pub fn truncate_lines(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        out.push_str(&truncate_for_message(line, limit));
    }
    out
}

/// How many characters of a user's input an error message quotes back.
pub const QUOTED_INPUT_LIMIT: usize = 80;

/// A user's input (a flag's value, a field of a file) as an error message quotes it: cut to
/// [`QUOTED_INPUT_LIMIT`] characters.
pub fn quoted(text: &str) -> std::borrow::Cow<'_, str> {
    truncate_for_message(text, QUOTED_INPUT_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::truncate_for_message;

    #[test]
    fn short_text_is_quoted_whole() {
        assert_eq!(truncate_for_message("a=1", 80), "a=1");
        assert_eq!(truncate_for_message(&"x".repeat(80), 80), "x".repeat(80));
    }

    #[test]
    fn quoted_pieces_of_parser_messages_are_cut() {
        let long = "w ".repeat(3_000);
        let message = format!("entries: invalid type: string \"{long}\", expected a map");
        let short = super::shorten_quoted(&message);
        assert_eq!(
            short,
            format!(
                "entries: invalid type: string \"{}…(5920 more characters)\", expected a map",
                &long[..80]
            )
        );
        let message = format!("unknown variant `{long}`, expected `a` or `b`");
        assert!(super::shorten_quoted(&message).ends_with("characters)`, expected `a` or `b`"));
        let escaped = r#"duplicate entry with key "a\"b" at line 2"#;
        assert_eq!(super::shorten_quoted(escaped), escaped);
        assert_eq!(super::shorten_quoted("open \"abc"), "open \"abc");
    }

    #[test]
    fn long_text_is_cut_and_says_how_much_is_left() {
        let text = format!("{}{}", "é".repeat(80), "z".repeat(5920));
        assert_eq!(
            truncate_for_message(&text, 80),
            format!("{}…(5920 more characters)", "é".repeat(80))
        );
    }
}
