//! `--post-renderer CMD [--post-renderer-args ARG]...`: the rendered objects go through a
//! command before they are printed, applied or recorded, as Helm's post-renderers do (teams
//! patch vendor charts per environment with `kustomize` this way).
//!
//! The command gets the manifest on stdin: every rendered object, hooks included (as Helm v4
//! sends them), in install order then hooks, each a `---` document under a `# Source:` comment
//! naming its template, namespaces filled. CRDs from `crds/` directories do not go through it
//! (Helm neither). What it prints on stdout replaces the render: it is read back as objects,
//! sorted and split into hooks and ordinary objects again, and is what gets applied and stored
//! in the revision. A command that cannot start, exits non-zero, prints something that is not
//! YAML, an object without `apiVersion`, `kind` or `metadata.name`, the same object twice, or no
//! object at all is an error before anything reaches the cluster.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::process::{Command, Stdio};

use super::{Error as RenderError, Object, Rendered, manifest};

/// The command and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostRenderer {
    pub command: String,
    pub args: Vec<String>,
}

/// The source of an object the post-renderer printed when nothing says which template it
/// came from (no `# Source:` comment, and no rendered object of that name).
pub const SOURCE: &str = "post-renderer";

#[derive(Debug, thiserror::Error)]
pub enum PostRenderError {
    #[error("cannot run post-renderer `{command}`: {source}")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("post-renderer `{command}` {status}{}", stderr_block(.stderr))]
    Failed {
        command: String,
        status: String,
        stderr: String,
    },
    #[error("post-renderer `{command}` printed output that is not UTF-8 text")]
    NotText { command: String },
    #[error(
        "post-renderer `{command}` printed invalid YAML at line {line} of its output: {message}\n  | {}",
        crate::error::quoted(snippet)
    )]
    InvalidYaml {
        command: String,
        line: usize,
        message: String,
        snippet: String,
    },
    #[error(
        "post-renderer `{command}` printed a bad object (document {document} of its output, starting at line {line}): {message}"
    )]
    BadObject {
        command: String,
        document: usize,
        line: usize,
        message: String,
    },
    #[error("post-renderer `{command}` printed {object} twice")]
    Duplicate { command: String, object: String },
    #[error("post-renderer `{command}` printed no objects (it was given {given})")]
    Empty { command: String, given: usize },
}

fn stderr_block(stderr: &str) -> String {
    let trimmed = stderr.trim_end();
    if trimmed.is_empty() {
        return " and printed nothing on stderr".to_string();
    }
    // The end of a long stderr is where the reason usually is.
    let lines: Vec<&str> = trimmed.lines().collect();
    let shown = &lines[lines.len().saturating_sub(20)..];
    let mut text = String::from("; its stderr:");
    for line in shown {
        text.push_str("\n  | ");
        text.push_str(line);
    }
    text
}

impl From<PostRenderError> for crate::error::Error {
    fn from(error: PostRenderError) -> Self {
        let hint = match &error {
            PostRenderError::Spawn { .. } => {
                "`--post-renderer` takes an executable: a path, or a name found on PATH; its \
                 arguments go in `--post-renderer-args`. Nothing was applied"
            }
            _ => {
                "nothing was applied; try the command on `charts template` output: `charts \
                 template NAME CHART | CMD ARGS`"
            }
        };
        crate::error::Error::with_hint(error.to_string(), hint)
    }
}

impl PostRenderer {
    /// Runs the command over `rendered`'s objects and hooks and puts what it printed in their
    /// place. `namespace` is filled into namespaced objects that come back without one;
    /// `verbatim` keeps each document's text for printing (see [`super::RenderOptions`]).
    pub fn apply(
        &self,
        rendered: &mut Rendered,
        namespace: &str,
        verbatim: bool,
    ) -> Result<(), PostRenderError> {
        let given = rendered.objects.len() + rendered.hooks.len();
        let input = manifest::write_documents(rendered.objects.iter().chain(&rendered.hooks))
            .expect("rendered objects are written as YAML");
        let output = self.run(&input)?;
        let mut objects = self.read(&output, rendered, verbatim)?;
        if objects.is_empty() && given > 0 {
            return Err(PostRenderError::Empty {
                command: self.command.clone(),
                given,
            });
        }
        let cluster_scoped =
            manifest::cluster_scoped_custom_kinds(objects.iter().chain(rendered.crds.iter()));
        let namespace = manifest::Namespace::new(namespace);
        for object in &mut objects {
            manifest::fill_namespace(object, &namespace, &cluster_scoped);
        }
        let mut seen = HashSet::new();
        for object in &objects {
            let key = (object.api_version().to_string(), object.display_name());
            if !seen.insert(key) {
                return Err(PostRenderError::Duplicate {
                    command: self.command.clone(),
                    object: object.display_name(),
                });
            }
        }
        let (hooks, mut objects): (Vec<Object>, Vec<Object>) =
            objects.into_iter().partition(Object::is_hook);
        manifest::sort_install_order(&mut objects);
        rendered.objects = objects;
        rendered.hooks = hooks;
        Ok(())
    }

    /// The command's stdout for `input` on its stdin.
    fn run(&self, input: &str) -> Result<String, PostRenderError> {
        let mut child = Command::new(&self.command)
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| PostRenderError::Spawn {
                command: self.command.clone(),
                source,
            })?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        // Written from another thread: a command that prints before it has read everything
        // would otherwise fill its stdout pipe while we fill its stdin.
        let output = std::thread::scope(|scope| {
            scope.spawn(move || {
                // A command that exits without reading its input is judged by its exit status.
                let _ = stdin.write_all(input.as_bytes());
            });
            child.wait_with_output()
        })
        .map_err(|source| PostRenderError::Spawn {
            command: self.command.clone(),
            source,
        })?;
        if !output.status.success() {
            let status = match output.status.code() {
                Some(code) => format!("exited with status {code}"),
                None => format!("was stopped ({})", output.status),
            };
            return Err(PostRenderError::Failed {
                command: self.command.clone(),
                status,
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            });
        }
        String::from_utf8(output.stdout).map_err(|_| PostRenderError::NotText {
            command: self.command.clone(),
        })
    }

    /// The objects of the command's output. Each keeps the template it came from: its
    /// document's `# Source:` comment, else the rendered object of the same kind and name,
    /// else [`SOURCE`].
    fn read(
        &self,
        output: &str,
        rendered: &Rendered,
        verbatim: bool,
    ) -> Result<Vec<Object>, PostRenderError> {
        let sources: HashMap<(String, String), &str> = rendered
            .objects
            .iter()
            .chain(&rendered.hooks)
            .map(|o| {
                (
                    (o.kind().to_string(), o.name().to_string()),
                    o.source.as_str(),
                )
            })
            .collect();
        let mut objects = Vec::new();
        for (index, document) in documents(output).into_iter().enumerate() {
            let comment = document.text.lines().find_map(|line| {
                line.strip_prefix("# Source: ")
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            });
            // The comment is written again above the document; blank, it keeps the lines.
            let text: String = document
                .text
                .split_inclusive('\n')
                .map(|line| match line.starts_with("# Source: ") {
                    true => "\n",
                    false => line,
                })
                .collect();
            let parsed =
                manifest::parse_documents_as(comment.as_deref().unwrap_or(SOURCE), &text, verbatim)
                    .map_err(|error| self.located(error, index, document.first_line))?;
            for mut object in parsed {
                if comment.is_none()
                    && let Some(source) =
                        sources.get(&(object.kind().to_string(), object.name().to_string()))
                {
                    object.source = source.to_string();
                }
                objects.push(object);
            }
        }
        Ok(objects)
    }

    /// A parse error of one document, told in lines and documents of the whole output.
    fn located(&self, error: RenderError, index: usize, first_line: usize) -> PostRenderError {
        let command = self.command.clone();
        match error {
            RenderError::InvalidYaml {
                line,
                message,
                snippet,
                ..
            } => PostRenderError::InvalidYaml {
                command,
                line: first_line + line - 1,
                message,
                snippet,
            },
            RenderError::BadObject { message, .. } => PostRenderError::BadObject {
                command,
                document: index + 1,
                line: first_line,
                message,
            },
            other => PostRenderError::BadObject {
                command,
                document: index + 1,
                line: first_line,
                message: other.to_string(),
            },
        }
    }
}

/// One document of the command's output and the line (from 1) it starts at.
struct Document<'a> {
    text: &'a str,
    first_line: usize,
}

/// The non-empty documents of `text`, split at `---` lines (alone, or followed by a space or
/// tab) as [`manifest::parse_documents`] splits them.
fn documents(text: &str) -> Vec<Document<'_>> {
    let mut documents = Vec::new();
    let (mut start, mut first_line) = (0, 1);
    let mut offset = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") || trimmed.starts_with("---\t") {
            documents.push(Document {
                text: &text[start..offset],
                first_line,
            });
            start = offset + line.len();
            first_line = number + 2;
        }
        offset += line.len();
    }
    documents.push(Document {
        text: &text[start..],
        first_line,
    });
    documents.retain(|d| {
        d.text
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    });
    documents
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_split_at_separator_lines_with_their_first_line() {
        let text = "# Source: a\nkind: A\n---\n\n---\nkind: B\n--- # c\nkind: C\n----\n";
        let docs = documents(text);
        let starts: Vec<usize> = docs.iter().map(|d| d.first_line).collect();
        assert_eq!(starts, [1, 6, 8]);
        assert_eq!(docs[2].text, "kind: C\n----\n");
    }

    #[test]
    fn a_long_stderr_shows_its_last_lines() {
        let stderr: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        let block = stderr_block(&stderr);
        assert!(block.contains("line 30") && block.contains("line 11"));
        assert!(!block.contains("line 10"));
        assert_eq!(stderr_block(" \n"), " and printed nothing on stderr");
    }
}
