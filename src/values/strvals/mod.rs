//! The `--set` family of command-line expressions (Helm's `pkg/strvals`).
//!
//! Grammar, shared by `--set`, `--set-string`, `--set-json` and `--set-file`:
//!
//! * `a.b=c,d=e` sets several keys; a dot descends into a map (created when missing).
//! * `list[0].x=1`, `a[0]=x`, `m[1][0]=y` index lists; gaps are filled with `null`. An index is at
//!   most 65536 and a name nests at most 30 levels (dots and nested indices count alike).
//! * `\` makes the next character literal anywhere, so `a\.b=c` sets the key `a.b` and `\,`
//!   `\=` keep a comma or an equals sign in a value.
//! * `a={x,y}` is a list literal; `a={}` is an empty list.
//! * `a=` sets the empty string (`null` for `--set-json`).
//!
//! Values are typed by `--set` only: `true`/`false` (any case) become booleans, `null` (any case)
//! becomes null, a decimal integer without a leading zero becomes an integer. Everything else,
//! floats included (`1.5`, `1e3`), stays a string, so a version like `1.10` is never turned into
//! `1.1`. `--set-string` keeps every value a string, `--set-json` reads each value as JSON,
//! `--set-file` reads the file a value names, and `--set-literal` takes everything after the
//! first `=` verbatim, without commas, escapes or lists.
//!
//! Expressions are applied *into* an existing map, because Helm lets `--set list[1]=x` change one
//! item of a list that came from a `-f` file.
//!
//! Where Helm is silent or panics we report an error or pick the obvious result, and say so:
//! `a[0` and `a[0]` without a value, `a.` and `=x` (an empty key) are errors (Helm ignores them);
//! `{}` is an empty list (Helm gives a list holding one empty string); a path through a value of
//! another type replaces it (`--set a.b=1` over `a: text`), where Helm fails with an interface
//! conversion panic.

mod parser;

use super::error::Error;
use super::merge::merge;
use super::{Map, SourceReader, Value};
use parser::{Failure, Mode, Parser, Step};

/// Highest list index an expression may use (Helm's `MaxIndex`).
pub const MAX_INDEX: usize = 65536;

/// Deepest nesting of names an expression may use (Helm's `MaxNestedNameLevel`).
pub const MAX_NESTING: usize = 30;

/// Applies a `--set` expression: values are typed (bool, null, integer, else string).
pub fn parse_set(expression: &str, dest: &mut Map) -> Result<(), Error> {
    run(expression, dest, Mode::Typed, "--set")
}

/// Applies a `--set-string` expression: every value is a string.
pub fn parse_set_string(expression: &str, dest: &mut Map) -> Result<(), Error> {
    run(expression, dest, Mode::String, "--set-string")
}

/// Applies a `--set-json` expression: `key=<json>[,key=<json>...]`, or (Helm v4) a whole JSON
/// object, which is merged into `dest` like a values file.
pub fn parse_set_json(expression: &str, dest: &mut Map) -> Result<(), Error> {
    let trimmed = expression.trim();
    if trimmed.starts_with('{') {
        let object: Map = serde_json::from_str(trimmed).map_err(|error| Error::SetSyntax {
            flag: "--set-json",
            expression: expression.to_owned(),
            reason: format!("not a valid JSON object: {error}"),
        })?;
        let mut merged = Value::Object(std::mem::take(dest));
        merge(&mut merged, Value::Object(object));
        if let Value::Object(map) = merged {
            *dest = map;
        }
        return Ok(());
    }
    run(expression, dest, Mode::Json, "--set-json")
}

/// Applies a `--set-file` expression: `key=path`; the key gets the file's content as a string.
/// `-` as the path reads standard input (through `reader`).
pub fn parse_set_file(
    expression: &str,
    dest: &mut Map,
    reader: &dyn SourceReader,
) -> Result<(), Error> {
    run(expression, dest, Mode::File(reader), "--set-file")
}

/// Applies a `--set-literal` expression: everything after the first `=` is the value, verbatim.
pub fn parse_set_literal(expression: &str, dest: &mut Map) -> Result<(), Error> {
    run(expression, dest, Mode::Literal, "--set-literal")
}

fn run(expression: &str, dest: &mut Map, mode: Mode<'_>, flag: &'static str) -> Result<(), Error> {
    let mut parser = Parser {
        input: expression,
        position: 0,
        mode,
    };
    // Work on a copy so a failed expression leaves `dest` as it was.
    let mut scratch = dest.clone();
    loop {
        match parser.key(&mut scratch, 0) {
            Ok(Step::Continue) => {}
            Ok(Step::End) => break,
            Err(Failure::Syntax(reason)) => {
                return Err(Error::SetSyntax {
                    flag,
                    expression: expression.to_owned(),
                    reason,
                });
            }
            Err(Failure::File { path, source }) => {
                return Err(Error::ReadSetFile {
                    expression: expression.to_owned(),
                    path,
                    source,
                });
            }
        }
    }
    *dest = scratch;
    Ok(())
}

#[cfg(test)]
mod tests;
