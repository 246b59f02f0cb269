//! A fast reader for the block YAML that templates render, giving the same values as the
//! `serde_yaml` reader with YAML 1.1 scalars ([`super::load`]) followed by [`super::to_json`].
//!
//! It reads one document of block mappings and sequences (compact `- key: value` items and
//! indentless sequences included), plain and single-line quoted scalars, single-line flow
//! collections, `|` literal blocks and comments. Anything else (anchors, aliases, tags, merge
//! keys, folded or multi-line scalars, complex or non-string keys, duplicate keys, tabs,
//! unusual characters) and anything it finds invalid makes it return `None`, and the caller
//! parses the document with `serde_yaml`, which also produces the error message. So this reader
//! never decides alone that a document is wrong, and only ever accepts text that `serde_yaml`
//! reads to the same value.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::inline::{Flow, quoted, skip_quoted};
use super::scalar::{self, Plain};

/// Deepest nesting of block collections this reader follows: it reads recursively, so a
/// document nested 100,000 levels deep would overflow the stack. Deeper documents go to
/// `serde_yaml`, which refuses more than 128 levels with an error; with the flow limit
/// (`inline::MAX_FLOW_DEPTH`) this stays below that, so this reader never takes what
/// `serde_yaml` refuses.
const MAX_BLOCK_DEPTH: usize = 64;

/// The document's value, or `None` when the text should go to `serde_yaml`.
pub fn from_str(text: &str) -> Option<Value> {
    let mut parser = Parser::new(text)?;
    let Some((indent, content)) = parser.peek() else {
        return Some(Value::Null);
    };
    let value = if is_sequence_item(content) {
        parser.sequence(indent, content, Keep::All)?
    } else if let Some((key, rest)) = split_key(content).ok()? {
        parser.mapping(indent, key, rest, Keep::All)?
    } else {
        // A document that is one scalar or flow collection, as `fromYaml` may read.
        parser.position += 1;
        inline_value(content, Keep::All)?
    };
    if parser.peek().is_some() {
        return None;
    }
    Some(value)
}

/// What a render needs of an object it prints as the template wrote it: the fields it looks at
/// and where a `namespace` can go.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// The document's mapping with only `apiVersion`, `kind`, `metadata.name`,
    /// `metadata.namespace`, `metadata.annotations`, `spec.scope`, `spec.group` and
    /// `spec.names.kind` (those present).
    pub value: Value,
    /// Where a `namespace` entry fits into `metadata` when that is a block mapping: the byte
    /// offset of the line to insert before, and the indentation of `metadata`'s keys.
    pub namespace_at: Option<(usize, usize)>,
}

/// The [`Head`] of a document whose root is a mapping, having checked that the whole document
/// is YAML the fast reader takes; `None` leaves the document to [`from_str`] (or `serde_yaml`).
/// Only the head is built, so this costs a fraction of reading the whole value.
pub fn head(text: &str) -> Option<Head> {
    let mut parser = Parser::new(text)?;
    let (indent, content) = parser.peek()?;
    if is_sequence_item(content) {
        return None;
    }
    let (key, rest) = split_key(content).ok()??;
    let value = parser.mapping(indent, key, rest, Keep::Root)?;
    if parser.peek().is_some() {
        return None;
    }
    let offset = |line: usize| match parser.lines.get(line) {
        Some(line) => line.as_ptr() as usize - text.as_ptr() as usize,
        None => text.len(),
    };
    let namespace_at = parser.metadata_keys.map(|(first, indent)| {
        let line = parser.after_name.unwrap_or(first);
        (offset(line), indent)
    });
    Some(Head {
        value,
        namespace_at,
    })
}

/// The lines of `text` (as `split('\n')` gives them, without the empty piece after a final
/// line break), or `None` when it has characters not every YAML reader takes the same way:
/// tabs, `\r`, control characters, byte-order marks or Unicode line separators.
///
/// One pass, eight bytes at a time: this runs over every rendered document, and a byte loop
/// followed by a line split cost more than a tenth of reading a document's head.
pub(super) fn plain_lines(text: &str) -> Option<Vec<&str>> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // The high bit of each byte of `word` that is zero, and of no other byte.
    let zero_bytes = |word: u64| !(((word & LOW7) + LOW7) | word | LOW7);
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 32 + 1);
    let mut start = 0;
    let mut ascii = true;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let newlines = zero_bytes(word ^ (ONES * b'\n' as u64));
        // Bytes below 0x20 (high bit clear, and still clear after adding 0x60), 0x7F, and
        // anything non-ASCII.
        let control = !((word & LOW7) + ONES * 0x60) & !word & HIGH;
        let odd = (control & !newlines) | zero_bytes(word ^ LOW7) | (word & HIGH);
        ascii &= odd == 0;
        let mut found = newlines;
        while found != 0 {
            let end = offset + (found.trailing_zeros() / 8) as usize;
            lines.push(&text[start..end]);
            start = end + 1;
            found &= found - 1;
        }
        offset += 8;
    }
    for (index, &byte) in chunks.remainder().iter().enumerate() {
        if byte == b'\n' {
            lines.push(&text[start..offset + index]);
            start = offset + index + 1;
        } else if !(0x20..0x7F).contains(&byte) {
            ascii = false;
        }
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    if !ascii && !plain_characters(text) {
        return None;
    }
    Some(lines)
}

/// Only characters every YAML reader takes the same way (see [`plain_lines`]), Unicode
/// included.
fn plain_characters(text: &str) -> bool {
    text.chars().all(|ch| match ch as u32 {
        0x0A | 0x20..=0x7E => true,
        0xA0..=0xD7FF | 0xE000..=0xFFFD => !matches!(ch, '\u{2028}' | '\u{2029}' | '\u{FEFF}'),
        0x10000.. => true,
        _ => false,
    })
}

/// `---` and `...` lines start or end documents; the caller splits documents, so here they
/// would mean something this reader does not handle.
fn is_marker(line: &str) -> bool {
    (line.starts_with("---") || line.starts_with("..."))
        && matches!(line.as_bytes().get(3), None | Some(b' '))
}

/// Which parts of a document the reader builds: everything, nothing (it only checks the text),
/// or the head of an object (the fields [`Head`] lists) at each level on the way down to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    All,
    Nothing,
    Root,
    Metadata,
    Spec,
    SpecNames,
}

impl Keep {
    /// What to keep of the value of `key` in a mapping read with `self`.
    fn child(self, key: &str) -> Keep {
        match (self, key) {
            (Keep::All, _) => Keep::All,
            (Keep::Root, "apiVersion" | "kind")
            | (Keep::Metadata, "name" | "namespace" | "annotations")
            | (Keep::Spec, "scope" | "group")
            | (Keep::SpecNames, "kind") => Keep::All,
            (Keep::Root, "metadata") => Keep::Metadata,
            (Keep::Root, "spec") => Keep::Spec,
            (Keep::Spec, "names") => Keep::SpecNames,
            _ => Keep::Nothing,
        }
    }

    /// A head field that turns out not to be a mapping is kept whole.
    fn whole(self) -> Keep {
        match self {
            Keep::Nothing => Keep::Nothing,
            _ => Keep::All,
        }
    }
}

struct Parser<'a> {
    lines: Vec<&'a str>,
    position: usize,
    ends_with_newline: bool,
    /// Entries of the mappings being read, innermost last: a mapping is built once its size is
    /// known, at its exact capacity. Growing maps and vectors entry by entry cost reallocations
    /// and left slack in memory that rendered objects keep until the end of a render.
    entries: Vec<(String, Value)>,
    /// Items of the sequences being read, in the same way.
    items: Vec<Value>,
    /// Keys of the mappings being checked but not built (for duplicates), innermost last.
    keys: Vec<Cow<'a, str>>,
    /// For [`head`]: the line of the first key of the root's `metadata` block mapping and its
    /// indentation.
    metadata_keys: Option<(usize, usize)>,
    /// For [`head`]: the line after `metadata.name` when its value took one line.
    after_name: Option<usize>,
    /// Block collections being read, to stop at [`MAX_BLOCK_DEPTH`].
    depth: usize,
}

fn indent_of(line: &str) -> usize {
    line.bytes().take_while(|&b| b == b' ').count()
}

/// Text that can start a plain scalar in block context without any doubt.
pub(super) fn plain_start(text: &str) -> bool {
    let Some(first) = text.bytes().next() else {
        return false;
    };
    if matches!(
        first,
        b'#' | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b'?'
            | b':'
    ) {
        return false;
    }
    !(first == b'-' && matches!(text.as_bytes().get(1), None | Some(b' ')))
}

fn is_sequence_item(text: &str) -> bool {
    text.starts_with('-') && matches!(text.as_bytes().get(1), None | Some(b' '))
}

/// Whether what follows a scalar on its line is nothing or a comment.
pub(super) fn only_comment(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// A mapping key at the start of `text` and the text after its `:`. `Ok(None)`: the text is
/// not a key; `Err(())`: a key this reader leaves to `serde_yaml`.
type KeySplit<'a> = Result<Option<(Cow<'a, str>, &'a str)>, ()>;

fn split_key(text: &str) -> KeySplit<'_> {
    let (key, rest) = match text.as_bytes().first() {
        Some(b'"' | b'\'') => {
            let (key, rest) = quoted(text).ok_or(())?;
            match rest.strip_prefix(':') {
                Some(after) if after.is_empty() || after.starts_with(' ') => {
                    (Cow::Owned(key), after)
                }
                _ if only_comment(rest) => return Ok(None),
                _ => return Err(()),
            }
        }
        Some(b'[' | b'{' | b'|' | b'>') => return Ok(None),
        _ if is_sequence_item(text) => return Ok(None),
        _ if !plain_start(text) => return Err(()),
        _ => {
            let bytes = text.as_bytes();
            let mut split = None;
            for (index, &byte) in bytes.iter().enumerate() {
                match byte {
                    b':' if matches!(bytes.get(index + 1), None | Some(b' ')) => {
                        split = Some(index);
                        break;
                    }
                    b'#' if index > 0 && bytes[index - 1] == b' ' => break,
                    _ => {}
                }
            }
            let Some(index) = split else {
                return Ok(None);
            };
            let key = text[..index].trim_end_matches(' ');
            if key.len() > 1024 {
                return Err(());
            }
            // As `sigs.k8s.io/yaml` turns YAML 1.1 keys into JSON ones: `on:` is `"true"`.
            let key = match scalar::resolve(key) {
                Plain::String | Plain::Timestamp => key,
                Plain::Bool(true) => "true",
                Plain::Bool(false) => "false",
                _ => return Err(()),
            };
            (Cow::Borrowed(key), &text[index + 1..])
        }
    };
    if key == "<<" {
        return Err(());
    }
    Ok(Some((key, rest)))
}

impl<'a> Parser<'a> {
    /// A parser for `text`, or `None` when the text has characters or document markers this
    /// reader leaves to `serde_yaml`.
    fn new(text: &'a str) -> Option<Parser<'a>> {
        let ends_with_newline = text.ends_with('\n');
        let lines = plain_lines(text)?;
        if lines.iter().any(|line| is_marker(line)) {
            return None;
        }
        Some(Parser {
            lines,
            position: 0,
            ends_with_newline,
            entries: Vec::new(),
            items: Vec::new(),
            keys: Vec::new(),
            metadata_keys: None,
            after_name: None,
            depth: 0,
        })
    }

    /// The next line with content (not blank, not only a comment), with its indentation.
    fn peek(&mut self) -> Option<(usize, &'a str)> {
        while let Some(line) = self.lines.get(self.position) {
            let indent = indent_of(line);
            match line.as_bytes().get(indent) {
                None | Some(b'#') => self.position += 1,
                Some(_) => return Some((indent, &line[indent..])),
            }
        }
        None
    }

    /// The node whose first line is the next content line, indented by `indent`.
    fn block_node(&mut self, indent: usize, keep: Keep) -> Option<Value> {
        let (_, content) = self.peek()?;
        if is_sequence_item(content) {
            self.sequence(indent, content, keep.whole())
        } else {
            let (key, rest) = split_key(content).ok()??;
            self.mapping(indent, key, rest, keep)
        }
    }

    /// A block mapping with keys at column `indent`, whose first key (read from the current
    /// line) is `key`, followed by `rest`.
    fn mapping(
        &mut self,
        indent: usize,
        key: Cow<'a, str>,
        rest: &'a str,
        keep: Keep,
    ) -> Option<Value> {
        self.deeper(|parser| parser.mapping_entries(indent, key, rest, keep))
    }

    /// `read` one block collection deeper, or `None` past [`MAX_BLOCK_DEPTH`].
    fn deeper(&mut self, read: impl FnOnce(&mut Self) -> Option<Value>) -> Option<Value> {
        if self.depth >= MAX_BLOCK_DEPTH {
            return None;
        }
        self.depth += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn mapping_entries(
        &mut self,
        indent: usize,
        mut key: Cow<'a, str>,
        mut rest: &'a str,
        keep: Keep,
    ) -> Option<Value> {
        let start = self.entries.len();
        let keys_start = self.keys.len();
        loop {
            let child = keep.child(&key);
            let line = self.position;
            if keep == Keep::Root && key == "metadata" {
                self.metadata_keys = self.block_mapping_after(line, indent);
            }
            let value = self.value_after_indicator(rest, indent, true, child)?;
            if keep == Keep::Metadata && key == "name" && self.position == line + 1 {
                self.after_name = Some(self.position);
            }
            match (keep, child) {
                (Keep::All, _) => self.entries.push((key.into_owned(), value)),
                (Keep::Nothing, _) => self.keys.push(key),
                (_, Keep::Nothing) => self.keys.push(key),
                _ => {
                    self.keys.push(key.clone());
                    self.entries.push((key.into_owned(), value));
                }
            }
            match self.peek() {
                Some((next, content)) if next == indent => {
                    if is_sequence_item(content) {
                        return None;
                    }
                    (key, rest) = split_key(content).ok()??;
                }
                Some((next, _)) if next > indent => return None,
                _ => break,
            }
        }
        if keep != Keep::All {
            let unique = all_different(&self.keys[keys_start..]);
            self.keys.truncate(keys_start);
            if !unique {
                return None;
            }
            if keep == Keep::Nothing {
                return Some(Value::Null);
            }
        }
        let mut map = Map::with_capacity(self.entries.len() - start);
        for (key, value) in self.entries.drain(start..) {
            if map.insert(key, value).is_some() {
                return None;
            }
        }
        Some(Value::Object(map))
    }

    /// When the value of the key on line `line` (of a mapping at column `parent`) is a block
    /// mapping, the line of its first key and that key's indentation.
    fn block_mapping_after(&self, line: usize, parent: usize) -> Option<(usize, usize)> {
        let (_, after_key) = split_key(self.lines[line].trim_start_matches(' ')).ok()??;
        let after_key = after_key.trim_start_matches(' ');
        if !(after_key.is_empty() || after_key.starts_with('#')) {
            return None;
        }
        (line + 1..self.lines.len()).find_map(|index| {
            let text = self.lines[index];
            let indent = indent_of(text);
            match text.as_bytes().get(indent) {
                None | Some(b'#') => None,
                Some(_) if indent > parent && !is_sequence_item(&text[indent..]) => {
                    Some(Some((index, indent)))
                }
                Some(_) => Some(None),
            }
        })?
    }

    /// A block sequence with its `-` at column `indent`; `first` is its first item's text.
    fn sequence(&mut self, indent: usize, first: &'a str, keep: Keep) -> Option<Value> {
        self.deeper(|parser| parser.sequence_items(indent, first, keep))
    }

    fn sequence_items(&mut self, indent: usize, first: &'a str, keep: Keep) -> Option<Value> {
        let start = self.items.len();
        let mut item = first;
        loop {
            let after = &item[1..];
            let content = after.trim_start_matches(' ');
            let column = indent + 1 + (after.len() - content.len());
            let value = if is_sequence_item(content) {
                self.sequence(column, content, keep)?
            } else if let Some((key, rest)) = match content.is_empty() {
                true => None,
                false => split_key(content).ok()?,
            } {
                self.mapping(column, key, rest, keep)?
            } else {
                self.value_after_indicator(after, indent, false, keep)?
            };
            if keep == Keep::All {
                self.items.push(value);
            }
            match self.peek() {
                Some((next, content)) if next == indent && is_sequence_item(content) => {
                    item = content
                }
                Some((next, _)) if next > indent => return None,
                _ if keep == Keep::All => {
                    return Some(Value::Array(self.items.drain(start..).collect()));
                }
                _ => return Some(Value::Null),
            }
        }
    }

    /// The value after `key:` or `-` on the current line (`rest` starts after the indicator),
    /// for a node whose parent collection is at column `parent`. Consumes its lines.
    fn value_after_indicator(
        &mut self,
        rest: &'a str,
        parent: usize,
        in_mapping: bool,
        keep: Keep,
    ) -> Option<Value> {
        let content = rest.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            if content.starts_with('#') && content.len() == rest.len() {
                return None;
            }
            self.position += 1;
            return Some(match self.peek() {
                Some((indent, _)) if indent > parent => self.block_node(indent, keep)?,
                // A mapping's value can be a sequence at the mapping's own column.
                Some((indent, next))
                    if in_mapping && indent == parent && is_sequence_item(next) =>
                {
                    self.sequence(indent, next, keep.whole())?
                }
                _ => Value::Null,
            });
        }
        if content.len() == rest.len() {
            // `key:value` or `-value` never reach here; anything else glued to its indicator
            // is not ours to judge.
            return None;
        }
        if let Some(header) = content.strip_prefix('|') {
            return self.literal(header, parent, keep);
        }
        let value = inline_value(content, keep.whole())?;
        self.position += 1;
        Some(value)
    }

    /// A `|` block scalar; `header` is the text after the `|`.
    fn literal(&mut self, header: &str, parent: usize, keep: Keep) -> Option<Value> {
        let (chomp, comment) = match header.as_bytes().first() {
            Some(b'-') => (Chomp::Strip, &header[1..]),
            Some(b'+') => (Chomp::Keep, &header[1..]),
            _ => (Chomp::Clip, header),
        };
        if !only_comment(comment) || comment.starts_with('#') {
            return None;
        }
        let first_line = self.position + 1;
        let mut indent = None;
        let mut leading_blank_width = 0;
        let mut last_content = None;
        let mut end = first_line;
        while let Some(line) = self.lines.get(end) {
            let spaces = indent_of(line);
            let blank = spaces == line.len();
            match indent {
                None if blank => leading_blank_width = leading_blank_width.max(spaces),
                None => {
                    if spaces <= parent || spaces < leading_blank_width {
                        return None;
                    }
                    indent = Some(spaces);
                    last_content = Some(end);
                }
                Some(indent) if spaces >= indent && line.len() > indent => last_content = Some(end),
                Some(_) if blank => {}
                Some(_) => break,
            }
            end += 1;
        }
        let (indent, last_content) = (indent?, last_content?);
        self.position = end;
        if keep == Keep::Nothing {
            return Some(Value::Null);
        }
        let mut text = String::new();
        for (index, line) in self.lines[first_line..=last_content].iter().enumerate() {
            if index > 0 {
                text.push('\n');
            }
            if line.len() > indent {
                text.push_str(&line[indent..]);
            }
        }
        // The line breaks after the last content line: one per following line consumed, and
        // the last consumed line's own unless the text ends there without one.
        let last = end - 1;
        let final_break = last + 1 < self.lines.len() || self.ends_with_newline;
        let breaks = (last - last_content) + usize::from(final_break);
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => {
                if breaks > 0 {
                    text.push('\n');
                }
            }
            Chomp::Keep => text.extend(std::iter::repeat_n('\n', breaks)),
        }
        Some(Value::String(text))
    }
}

/// Whether no two keys of a mapping are the same (`serde_yaml` refuses duplicates).
fn all_different(keys: &[Cow<'_, str>]) -> bool {
    if keys.len() <= 16 {
        return keys
            .iter()
            .enumerate()
            .all(|(index, key)| !keys[..index].contains(key));
    }
    let mut sorted: Vec<&str> = keys.iter().map(|k| k.as_ref()).collect();
    sorted.sort_unstable();
    sorted.windows(2).all(|pair| pair[0] != pair[1])
}

/// A scalar or flow collection that ends on its line (before an optional comment); with
/// `Keep::Nothing` only checked, and `Value::Null` stands for it.
fn inline_value(content: &str, keep: Keep) -> Option<Value> {
    Some(match content.as_bytes()[0] {
        b'"' | b'\'' if keep == Keep::Nothing => {
            return only_comment(skip_quoted(content)?).then_some(Value::Null);
        }
        b'"' | b'\'' => {
            let (text, after) = quoted(content)?;
            if !only_comment(after) {
                return None;
            }
            Value::String(text)
        }
        b'[' | b'{' => {
            let mut flow = Flow::new(content);
            let value = flow.node()?;
            if !only_comment(&content[flow.position..]) {
                return None;
            }
            value
        }
        _ if plain_start(content) => {
            let text = block_plain(content)?;
            if keep == Keep::Nothing {
                return Some(Value::Null);
            }
            plain_value(text)?
        }
        _ => return None,
    })
}

enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// A plain scalar in block context: up to a comment, never containing `: ` (which would make
/// it a key, or an error).
fn block_plain(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b':' if matches!(bytes.get(index + 1), None | Some(b' ')) => return None,
            b'#' if bytes[index - 1] == b' ' => {
                end = index;
                break;
            }
            _ => {}
        }
    }
    Some(text[..end].trim_end_matches(' '))
}

/// What a plain scalar means, as YAML 1.1 ([`scalar::resolve`]) and `to_json` read it.
pub(super) fn plain_value(text: &str) -> Option<Value> {
    Some(match scalar::resolve(text) {
        Plain::Null => Value::Null,
        Plain::Bool(boolean) => Value::Bool(boolean),
        Plain::Unsigned(number) => Value::from(number),
        Plain::Signed(number) => Value::from(number),
        Plain::Float(float) => Value::Number(Number::from_f64(float)?),
        Plain::Timestamp | Plain::String => Value::String(text.to_string()),
    })
}
