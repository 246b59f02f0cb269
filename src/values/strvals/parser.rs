//! The parser of one `--set`-style expression, applying it into a map as it reads.

use std::io;

use super::{MAX_INDEX, MAX_NESTING};
use crate::error::quoted;
use crate::values::{Map, SourceReader, Value};

#[derive(Clone, Copy)]
pub(super) enum Mode<'a> {
    Typed,
    String,
    Json,
    File(&'a dyn SourceReader),
    Literal,
}

/// Whether more input follows the part just parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Continue,
    End,
}

pub(super) enum Failure {
    Syntax(String),
    File { path: String, source: io::Error },
}

fn syntax(reason: impl Into<String>) -> Failure {
    Failure::Syntax(reason.into())
}

pub(super) struct Parser<'a> {
    pub(super) input: &'a str,
    /// Byte offset of the next unread character.
    pub(super) position: usize,
    pub(super) mode: Mode<'a>,
}

impl Parser<'_> {
    fn is_literal(&self) -> bool {
        matches!(self.mode, Mode::Literal)
    }

    fn next_char(&mut self) -> Option<char> {
        let next = self.input[self.position..].chars().next()?;
        self.position += next.len_utf8();
        Some(next)
    }

    fn peek_char(&self) -> Option<char> {
        self.input[self.position..].chars().next()
    }

    /// Reads up to (and consumes) the first unescaped stop character; `None` means the input
    /// ended first. Backslash escapes apply except in literal mode.
    fn until(&mut self, stops: &[char]) -> (String, Option<char>) {
        let mut text = String::new();
        while let Some(next) = self.next_char() {
            if stops.contains(&next) {
                return (text, Some(next));
            }
            if next == '\\' && !self.is_literal() {
                match self.next_char() {
                    Some(escaped) => text.push(escaped),
                    None => return (text, None),
                }
            } else {
                text.push(next);
            }
        }
        (text, None)
    }

    pub(super) fn key(&mut self, data: &mut Map, nesting: usize) -> Result<Step, Failure> {
        let stops: &[char] = if self.is_literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (key, last) = self.until(stops);
        match last {
            None if key.is_empty() => Ok(Step::End),
            None => Err(syntax(format!("key `{}` has no value", quoted(&key)))),
            Some(',') => Err(syntax(format!(
                "key `{}` has no value (cannot end with `,`)",
                quoted(&key)
            ))),
            Some(_) if key.is_empty() => Err(syntax("a key is empty")),
            Some('=') => {
                let (value, step) = self.value()?;
                data.insert(key, value);
                Ok(step)
            }
            Some('[') => {
                let index = self.index()?;
                let list = match data.get_mut(&key) {
                    // Taken out in place (not removed) so the key keeps its position.
                    Some(Value::Array(list)) => std::mem::take(list),
                    _ => Vec::new(),
                };
                let (list, step) = self.list_item(list, index, &key, nesting)?;
                data.insert(key, Value::Array(list));
                Ok(step)
            }
            Some('.') => {
                let nesting = nested(nesting)?;
                let mut inner = match data.get_mut(&key) {
                    Some(Value::Object(inner)) => std::mem::take(inner),
                    _ => Map::new(),
                };
                let step = self.key(&mut inner, nesting)?;
                if inner.is_empty() {
                    return Err(syntax(format!("key map `{}` has no value", quoted(&key))));
                }
                data.insert(key, Value::Object(inner));
                Ok(step)
            }
            Some(other) => unreachable!("`{other}` is not a stop character"),
        }
    }

    /// Reads `N]` after a `[`.
    fn index(&mut self) -> Result<usize, Failure> {
        let (text, last) = self.until(&[']']);
        if last.is_none() {
            return Err(syntax(format!(
                "missing `]` after list index `{}`",
                quoted(&text)
            )));
        }
        let index: i64 = text
            .parse()
            .map_err(|_| syntax(format!("list index `{}` is not a number", quoted(&text))))?;
        if index < 0 {
            return Err(syntax(format!(
                "negative list index {index} is not allowed"
            )));
        }
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        if index > MAX_INDEX {
            return Err(syntax(format!(
                "list index {index} is greater than the maximum of {MAX_INDEX}"
            )));
        }
        Ok(index)
    }

    /// Parses what follows `name[index]` and stores it in `list` at `index`.
    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        index: usize,
        name: &str,
        nesting: usize,
    ) -> Result<(Vec<Value>, Step), Failure> {
        let (unexpected, last) = self.until(&['[', '.', '=']);
        if !unexpected.is_empty() {
            return Err(syntax(format!(
                "unexpected `{}` after list index {index} of `{}`",
                quoted(&unexpected),
                quoted(name)
            )));
        }
        let step = match last {
            None => {
                return Err(syntax(format!(
                    "list index {index} of `{}` has no value",
                    quoted(name)
                )));
            }
            Some('=') => {
                let (value, step) = self.value()?;
                set_index(&mut list, index, value);
                step
            }
            Some('[') => {
                let nesting = nested(nesting)?;
                let inner_index = self.index()?;
                let inner = match list.get_mut(index) {
                    Some(Value::Array(inner)) => std::mem::take(inner),
                    _ => Vec::new(),
                };
                let (inner, step) = self.list_item(inner, inner_index, name, nesting)?;
                set_index(&mut list, index, Value::Array(inner));
                step
            }
            Some('.') => {
                let nesting = nested(nesting)?;
                let mut inner = match list.get_mut(index) {
                    Some(Value::Object(inner)) => std::mem::take(inner),
                    _ => Map::new(),
                };
                let step = self.key(&mut inner, nesting)?;
                if inner.is_empty() {
                    return Err(syntax(format!(
                        "list index {index} of `{}` has no value",
                        quoted(name)
                    )));
                }
                set_index(&mut list, index, Value::Object(inner));
                step
            }
            Some(other) => unreachable!("`{other}` is not a stop character"),
        };
        Ok((list, step))
    }

    /// Parses the value after `=` according to the mode.
    fn value(&mut self) -> Result<(Value, Step), Failure> {
        match self.mode {
            Mode::Literal => {
                let rest = self.input[self.position..].to_owned();
                self.position = self.input.len();
                Ok((Value::String(rest), Step::End))
            }
            Mode::Json => self.json_value(),
            Mode::Typed | Mode::String | Mode::File(_) => match self.peek_char() {
                None => Ok((Value::String(String::new()), Step::End)),
                Some('{') => {
                    self.next_char();
                    Ok((Value::Array(self.list_literal()?), Step::Continue))
                }
                Some(_) => {
                    let (text, last) = self.until(&[',']);
                    let step = if last.is_some() {
                        Step::Continue
                    } else {
                        Step::End
                    };
                    Ok((self.scalar(text)?, step))
                }
            },
        }
    }

    /// Reads `a,b,c}` after a `{`.
    fn list_literal(&mut self) -> Result<Vec<Value>, Failure> {
        let mut items = Vec::new();
        loop {
            let (text, last) = self.until(&[',', '}']);
            match last {
                None => return Err(syntax("list must end with `}`")),
                Some('}') => {
                    if self.peek_char() == Some(',') {
                        self.next_char();
                    }
                    // `{}` is an empty list, not a list holding one empty string.
                    if !(items.is_empty() && text.is_empty()) {
                        items.push(self.scalar(text)?);
                    }
                    return Ok(items);
                }
                Some(_) => items.push(self.scalar(text)?),
            }
        }
    }

    fn scalar(&self, text: String) -> Result<Value, Failure> {
        match self.mode {
            Mode::Typed => Ok(typed_value(text)),
            Mode::File(reader) => match reader.read_to_string(&text) {
                Ok(content) => Ok(Value::String(content)),
                Err(source) => Err(Failure::File { path: text, source }),
            },
            Mode::String | Mode::Json | Mode::Literal => Ok(Value::String(text)),
        }
    }

    fn json_value(&mut self) -> Result<(Value, Step), Failure> {
        if let Some(step) = self.skip_empty_value() {
            return Ok((Value::Null, step));
        }
        let rest = &self.input[self.position..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        let value = match stream.next() {
            Some(Ok(value)) => value,
            Some(Err(error)) => return Err(syntax(format!("invalid JSON value: {error}"))),
            None => return Ok((Value::Null, Step::End)),
        };
        self.position += stream.byte_offset();
        let step = self.skip_empty_value().unwrap_or(Step::Continue);
        Ok((value, step))
    }

    /// Skips blanks; when they run up to a comma (consumed) or the end, the value is empty and
    /// the step after it is returned. Otherwise nothing but the blanks is consumed.
    fn skip_empty_value(&mut self) -> Option<Step> {
        loop {
            match self.peek_char() {
                None => return Some(Step::End),
                Some(',') => {
                    self.next_char();
                    return Some(Step::Continue);
                }
                Some(blank) if blank.is_whitespace() => {
                    self.next_char();
                }
                Some(_) => return None,
            }
        }
    }
}

fn nested(nesting: usize) -> Result<usize, Failure> {
    let nesting = nesting + 1;
    if nesting > MAX_NESTING {
        return Err(syntax(format!(
            "names nest deeper than the maximum of {MAX_NESTING} levels"
        )));
    }
    Ok(nesting)
}

fn set_index(list: &mut Vec<Value>, index: usize, value: Value) {
    if list.len() <= index {
        list.resize(index + 1, Value::Null);
    }
    list[index] = value;
}

/// Helm's `typedVal`: booleans and null in any case, integers without a leading zero; never
/// floats, so `1.10` and `007` survive as written.
fn typed_value(text: String) -> Value {
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::from(0);
    }
    if !text.is_empty()
        && !text.starts_with('0')
        && let Ok(integer) = text.parse::<i64>()
    {
        return Value::from(integer);
    }
    Value::String(text)
}
