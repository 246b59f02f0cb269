//! What the fast reader ([`super::parse`]) finds inside one line: quoted scalars (`'…'` and
//! `"…"` with YAML's escapes) and flow collections (`[a, b]`, `{k: v}`).

use serde_json::{Map, Value};

use super::parse::{plain_start, plain_value};

/// Deepest nesting of flow nodes on one line the fast reader follows (see
/// `parse::MAX_BLOCK_DEPTH`: together they stay below `serde_yaml`'s 128 levels).
pub(super) const MAX_FLOW_DEPTH: usize = 32;

/// [`quoted`] without building the value: the text after the closing quote. Without escapes
/// (most quoted scalars) that is one search for the closing quote.
pub(super) fn skip_quoted(text: &str) -> Option<&str> {
    let quote = text.as_bytes()[0];
    let body = &text.as_bytes()[1..];
    match memchr::memchr2(quote, b'\\', body) {
        Some(index)
            if body[index] == quote && (quote == b'"' || body.get(index + 1) != Some(&b'\'')) =>
        {
            Some(&text[index + 2..])
        }
        _ => quoted(text).map(|(_, rest)| rest),
    }
}

/// A quoted scalar that closes on this line: its value and the text after the closing quote.
pub(super) fn quoted(text: &str) -> Option<(String, &str)> {
    let quote = text.as_bytes()[0];
    let body = &text[1..];
    let mut value = String::new();
    if quote == b'\'' {
        let mut rest = body;
        loop {
            let close = rest.find('\'')?;
            value.push_str(&rest[..close]);
            rest = &rest[close + 1..];
            match rest.strip_prefix('\'') {
                Some(after) => {
                    value.push('\'');
                    rest = after;
                }
                None => return Some((value, rest)),
            }
        }
    }
    let mut chars = body.char_indices();
    while let Some((index, ch)) = chars.next() {
        match ch {
            '"' => return Some((value, &body[index + 1..])),
            '\\' => {
                let (_, escape) = chars.next()?;
                let code_length = match escape {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    _ => 0,
                };
                if code_length > 0 {
                    let start = index + 2;
                    let digits = body.get(start..start + code_length)?;
                    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return None;
                    }
                    value.push(char::from_u32(u32::from_str_radix(digits, 16).ok()?)?);
                    for _ in 0..code_length {
                        chars.next();
                    }
                    continue;
                }
                value.push(match escape {
                    '0' => '\0',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    't' => '\t',
                    'n' => '\n',
                    'v' => '\u{b}',
                    'f' => '\u{c}',
                    'r' => '\r',
                    'e' => '\u{1b}',
                    ' ' => ' ',
                    '"' => '"',
                    '/' => '/',
                    '\\' => '\\',
                    'N' => '\u{85}',
                    '_' => '\u{a0}',
                    'L' => '\u{2028}',
                    'P' => '\u{2029}',
                    _ => return None,
                });
            }
            other => value.push(other),
        }
    }
    None
}

/// A flow collection (`[a, b]`, `{k: v}`) that closes on its line.
pub(super) struct Flow<'a> {
    text: &'a str,
    /// Where the reader is in `text`: after a node, just past its end.
    pub(super) position: usize,
    /// Nodes being read, to stop at [`MAX_FLOW_DEPTH`].
    depth: usize,
}

impl<'a> Flow<'a> {
    pub(super) fn new(text: &'a str) -> Flow<'a> {
        Flow {
            text,
            position: 0,
            depth: 0,
        }
    }

    fn skip_spaces(&mut self) {
        while self.text.as_bytes().get(self.position) == Some(&b' ') {
            self.position += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.position).copied()
    }

    pub(super) fn node(&mut self) -> Option<Value> {
        if self.depth >= MAX_FLOW_DEPTH {
            return None;
        }
        self.depth += 1;
        let value = self.node_here();
        self.depth -= 1;
        value
    }

    fn node_here(&mut self) -> Option<Value> {
        self.skip_spaces();
        match self.peek()? {
            b'[' => {
                self.position += 1;
                let mut items = Vec::new();
                self.skip_spaces();
                if self.peek()? == b']' {
                    self.position += 1;
                    return Some(Value::Array(items));
                }
                loop {
                    items.push(self.node()?);
                    self.skip_spaces();
                    match self.peek()? {
                        b',' => self.position += 1,
                        b']' => {
                            self.position += 1;
                            return Some(Value::Array(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.position += 1;
                let mut map = Map::new();
                self.skip_spaces();
                if self.peek()? == b'}' {
                    self.position += 1;
                    return Some(Value::Object(map));
                }
                loop {
                    self.skip_spaces();
                    let key = match self.node()? {
                        Value::String(key) if key != "<<" => key,
                        // YAML 1.1's `{n: 1}` has the key `"false"`, as for block keys.
                        Value::Bool(boolean) => boolean.to_string(),
                        _ => return None,
                    };
                    if !self.text[self.position..].starts_with(": ") {
                        return None;
                    }
                    self.position += 2;
                    let value = self.node()?;
                    if map.insert(key, value).is_some() {
                        return None;
                    }
                    self.skip_spaces();
                    match self.peek()? {
                        b',' => self.position += 1,
                        b'}' => {
                            self.position += 1;
                            return Some(Value::Object(map));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' | b'\'' => {
                let (value, rest) = quoted(&self.text[self.position..])?;
                self.position = self.text.len() - rest.len();
                Some(Value::String(value))
            }
            _ => {
                let rest = &self.text[self.position..];
                if !plain_start(rest) {
                    return None;
                }
                let bytes = rest.as_bytes();
                let mut end = bytes.len();
                for (index, &byte) in bytes.iter().enumerate() {
                    match byte {
                        b',' | b'[' | b']' | b'{' | b'}' => {
                            end = index;
                            break;
                        }
                        b':' => match bytes.get(index + 1) {
                            None | Some(b' ') => {
                                end = index;
                                break;
                            }
                            Some(b',' | b'?' | b'[' | b']' | b'{' | b'}') => return None,
                            _ => {}
                        },
                        b'#' if bytes[index - 1] == b' ' => return None,
                        _ => {}
                    }
                }
                let text = rest[..end].trim_end_matches(' ');
                if text.is_empty() {
                    return None;
                }
                self.position += end;
                plain_value(text)
            }
        }
    }
}
