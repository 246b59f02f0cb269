//! A fast YAML writer for JSON-model values that writes exactly what `serde_yaml::to_string`
//! (libyaml's emitter with unlimited width, as `serde_norway` configures it) writes.
//!
//! Byte-for-byte equality matters: `toYaml` output lands in manifests and in `sha256sum`
//! checksum annotations, so a different spelling would restart workloads on upgrade. The few
//! shapes this writer does not reproduce (keys longer than 128 bytes or with line breaks, line
//! separators other than `\n`, a multi-line string as the whole document) make it return `None`
//! and the caller falls back to `serde_yaml`.

use std::fmt::Write as _;

use super::scalar;

/// What the writer needs to know of a value. Implemented for `serde_json::Value` (objects,
/// command output) and `tera::Value` (`toYaml`, which so skips a conversion).
pub trait Node: Sized {
    type Entries<'a>: Iterator<Item = (Option<&'a str>, &'a Self)>
    where
        Self: 'a;
    fn shape(&self) -> Shape<'_, Self>;
}

pub enum Shape<'a, N: Node + 'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    String(&'a str),
    Sequence(&'a [N]),
    /// Entries with a `None` key (not a string) make the writer give up.
    Map(N::Entries<'a>, usize),
    /// Anything the writer leaves to `serde_yaml`.
    Other,
}

impl Node for serde_json::Value {
    type Entries<'a> = std::iter::Map<
        serde_json::map::Iter<'a>,
        fn((&'a String, &'a serde_json::Value)) -> (Option<&'a str>, &'a serde_json::Value),
    >;
    fn shape(&self) -> Shape<'_, Self> {
        use serde_json::Value;
        match self {
            Value::Null => Shape::Null,
            Value::Bool(boolean) => Shape::Bool(*boolean),
            Value::Number(number) => match (number.as_u64(), number.as_i64(), number.as_f64()) {
                (Some(unsigned), _, _) => Shape::Unsigned(unsigned),
                (_, Some(signed), _) => Shape::Signed(signed),
                (_, _, Some(float)) => Shape::Float(float),
                _ => Shape::Other,
            },
            Value::String(text) => Shape::String(text),
            Value::Array(items) => Shape::Sequence(items),
            Value::Object(map) => Shape::Map(map.iter().map(json_entry as fn(_) -> _), map.len()),
        }
    }
}

impl Node for tera::Value {
    type Entries<'a> = std::iter::Map<
        indexmap::map::Iter<'a, tera::value::Key<'static>, tera::Value>,
        fn((&'a tera::value::Key<'static>, &'a tera::Value)) -> (Option<&'a str>, &'a tera::Value),
    >;
    fn shape(&self) -> Shape<'_, Self> {
        use tera::value::ValueKind;
        match self.kind() {
            ValueKind::None => Shape::Null,
            ValueKind::Bool => self.as_bool().map_or(Shape::Other, Shape::Bool),
            ValueKind::U64 => self.as_u64().map_or(Shape::Other, Shape::Unsigned),
            ValueKind::I64 => self.as_i64().map_or(Shape::Other, Shape::Signed),
            ValueKind::F64 => self.as_f64().map_or(Shape::Other, Shape::Float),
            ValueKind::String => self.as_str().map_or(Shape::Other, Shape::String),
            ValueKind::Array => self.as_array().map_or(Shape::Other, Shape::Sequence),
            ValueKind::Map => match self.as_map() {
                Some(map) => Shape::Map(map.iter().map(tera_entry as fn(_) -> _), map.len()),
                None => Shape::Other,
            },
            // Undefined, 128-bit integers and bytes: as `serde_json` sees them.
            _ => Shape::Other,
        }
    }
}

fn json_entry<'a>(
    (key, value): (&'a String, &'a serde_json::Value),
) -> (Option<&'a str>, &'a serde_json::Value) {
    (Some(key), value)
}

fn tera_entry<'a>(
    (key, value): (&'a tera::value::Key<'static>, &'a tera::Value),
) -> (Option<&'a str>, &'a tera::Value) {
    (key.as_str(), value)
}

/// The value as `serde_yaml::to_string` writes it, or `None` for the shapes left to it.
pub fn to_string<N: Node>(value: &N) -> Option<String> {
    let mut out = String::with_capacity(512);
    write_document(&mut out, value)?;
    Some(out)
}

/// Appends the value as `serde_yaml::to_string` writes it; on `None`, `out` may hold part of
/// it and the caller truncates.
pub fn write_document<N: Node>(out: &mut String, value: &N) -> Option<()> {
    let start = out.len();
    match value.shape() {
        Shape::Map(entries, len) if len > 0 => write_map::<N>(out, entries, 0, false)?,
        Shape::Sequence(items) if !items.is_empty() => write_sequence(out, items, 0, false)?,
        Shape::String(text) if text.contains('\n') => return None,
        _ => {
            write_inline(out, value, 0)?;
            // `write_inline` puts the separating space before a scalar; a document has none.
            out.remove(start);
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Some(())
}

fn end_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn indent_to(out: &mut String, indent: usize) {
    super::push_spaces(out, indent);
}

/// A block mapping with its keys at column `indent`. With `inline_first`, the first key goes on
/// the current line (after a sequence's `- `).
fn write_map<'a, N: Node + 'a>(
    out: &mut String,
    entries: N::Entries<'a>,
    indent: usize,
    inline_first: bool,
) -> Option<()> {
    for (index, (key, value)) in entries.enumerate() {
        if index > 0 || !inline_first {
            end_line(out);
            indent_to(out, indent);
        }
        write_key(out, key?)?;
        out.push(':');
        match value.shape() {
            Shape::Map(child, len) if len > 0 => write_map::<N>(out, child, indent + 2, false)?,
            // libyaml writes a sequence inside a mapping "indentless": `- ` at the key's column.
            Shape::Sequence(items) if !items.is_empty() => {
                write_sequence(out, items, indent, false)?
            }
            _ => write_inline(out, value, indent + 2)?,
        }
    }
    Some(())
}

/// A block sequence with its `-` at column `indent`.
fn write_sequence<N: Node>(
    out: &mut String,
    items: &[N],
    indent: usize,
    inline_first: bool,
) -> Option<()> {
    for (index, item) in items.iter().enumerate() {
        if index > 0 || !inline_first {
            end_line(out);
            indent_to(out, indent);
        }
        out.push('-');
        match item.shape() {
            Shape::Map(child, len) if len > 0 => {
                out.push(' ');
                write_map::<N>(out, child, indent + 2, true)?;
            }
            Shape::Sequence(inner) if !inner.is_empty() => {
                out.push(' ');
                write_sequence(out, inner, indent + 2, true)?;
            }
            _ => write_inline(out, item, indent + 2)?,
        }
    }
    Some(())
}

/// A scalar or an empty collection after `key:` or `-`, with its leading space. `indent` is
/// where the lines of a literal block go.
fn write_inline<N: Node>(out: &mut String, value: &N, indent: usize) -> Option<()> {
    out.push(' ');
    match value.shape() {
        Shape::Null => out.push_str("null"),
        Shape::Bool(true) => out.push_str("true"),
        Shape::Bool(false) => out.push_str("false"),
        Shape::Unsigned(number) => out.push_str(itoa::Buffer::new().format(number)),
        Shape::Signed(number) => out.push_str(itoa::Buffer::new().format(number)),
        Shape::Float(float) => {
            if !float.is_finite() {
                return None;
            }
            out.push_str(ryu::Buffer::new().format_finite(float));
        }
        Shape::String(text) => write_string(out, text, indent)?,
        Shape::Sequence(_) => out.push_str("[]"),
        Shape::Map(..) => out.push_str("{}"),
        Shape::Other => return None,
    }
    Some(())
}

fn write_key(out: &mut String, key: &str) -> Option<()> {
    // libyaml writes longer or multi-line keys as complex keys (`? key`); leave those to it.
    if key.len() > 128 || key.contains('\n') {
        return None;
    }
    let analysis = Analysis::of(key)?;
    let quoted = scalar::needs_quotes_to_stay_a_string(key);
    if !quoted && analysis.plain_allowed && !key.is_empty() {
        out.push_str(key);
    } else if analysis.single_quoted_allowed {
        write_single_quoted(out, key);
    } else {
        write_double_quoted(out, key);
    }
    Some(())
}

fn write_string(out: &mut String, text: &str, indent: usize) -> Option<()> {
    let analysis = Analysis::of(text)?;
    if text.contains('\n') {
        if analysis.block_allowed {
            write_literal(out, text, indent);
        } else {
            write_double_quoted(out, text);
        }
    } else if analysis.plain_allowed && !scalar::needs_quotes_to_stay_a_string(text) {
        out.push_str(text);
    } else if analysis.single_quoted_allowed {
        write_single_quoted(out, text);
    } else {
        write_double_quoted(out, text);
    }
    Some(())
}

/// The bytes of a simple scalar after its first: ASCII letters, digits and `./_-+=`. A table,
/// because this check runs on every key and string of every object written.
static SIMPLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] =
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'_' | b'-' | b'+' | b'=');
        byte += 1;
    }
    table
};

/// The styles libyaml allows for a scalar in block context (`yaml_emitter_analyze_scalar`).
struct Analysis {
    plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

impl Analysis {
    /// `None` for text with `\r`, NEL, LS or PS: libyaml treats those as line breaks in ways
    /// this writer does not copy.
    fn of(text: &str) -> Option<Analysis> {
        if text.is_empty() {
            return Some(Analysis {
                plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: false,
            });
        }
        let bytes = text.as_bytes();
        // Most strings in manifests are names, images and paths: a letter or digit first and
        // nothing that could start a comment, an indicator or a break later.
        if bytes[0].is_ascii_alphanumeric() && bytes.iter().all(|&b| SIMPLE[b as usize]) {
            return Some(Analysis {
                plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: true,
            });
        }
        let mut indicators = text.starts_with("---") || text.starts_with("...");
        let mut special = false;
        let mut line_breaks = false;
        let mut space_break = false;
        let mut break_space = false;
        // The previous character if it was ASCII, else 0x80. Byte by byte: everything that
        // matters here is ASCII, and non-ASCII characters only need the printable check.
        let mut previous = 0u8;
        let mut index = 0;
        while index < bytes.len() {
            let byte = bytes[index];
            if byte >= 0x80 {
                let ch = text[index..].chars().next()?;
                if matches!(ch, '\u{85}' | '\u{2028}' | '\u{2029}') {
                    return None;
                }
                special |= !is_printable(ch);
                previous = 0x80;
                index += ch.len_utf8();
                continue;
            }
            let followed_by_blank =
                matches!(bytes.get(index + 1), None | Some(b' ' | b'\t' | b'\n'));
            if index == 0 {
                match byte {
                    b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>'
                    | b'\'' | b'"' | b'%' | b'@' | b'`' => indicators = true,
                    b'?' | b':' | b'-' if followed_by_blank => indicators = true,
                    _ => {}
                }
            } else {
                match byte {
                    b':' if followed_by_blank => indicators = true,
                    b'#' if matches!(previous, b' ' | b'\t' | b'\n') => indicators = true,
                    _ => {}
                }
            }
            match byte {
                b'\r' => return None,
                b'\n' => {
                    line_breaks = true;
                    space_break |= previous == b' ';
                }
                b' ' => break_space |= previous == b'\n',
                0x21..=0x7E => {}
                _ => special = true,
            }
            previous = byte;
            index += 1;
        }
        let leading_space = bytes[0] == b' ' || bytes[0] == b'\n';
        let trailing_space = bytes[bytes.len() - 1] == b' ';
        let trailing_break = bytes[bytes.len() - 1] == b'\n';
        let mut analysis = Analysis {
            plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
        if leading_space || trailing_space || trailing_break || line_breaks || indicators {
            analysis.plain_allowed = false;
        }
        if trailing_space {
            analysis.block_allowed = false;
        }
        if break_space {
            analysis.plain_allowed = false;
            analysis.single_quoted_allowed = false;
        }
        if space_break || special {
            analysis.plain_allowed = false;
            analysis.single_quoted_allowed = false;
            analysis.block_allowed = false;
        }
        Some(analysis)
    }
}

/// libyaml's `IS_PRINTABLE` (note: tab is not).
fn is_printable(ch: char) -> bool {
    matches!(ch as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..)
        && ch != '\u{FEFF}'
}

fn write_single_quoted(out: &mut String, text: &str) {
    out.push('\'');
    for ch in text.chars() {
        if ch == '\'' {
            out.push('\'');
        }
        out.push(ch);
    }
    out.push('\'');
}

fn write_double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        if is_printable(ch) && !matches!(ch, '\n' | '"' | '\\') {
            out.push(ch);
            continue;
        }
        out.push('\\');
        match ch {
            '\0' => out.push('0'),
            '\u{7}' => out.push('a'),
            '\u{8}' => out.push('b'),
            '\t' => out.push('t'),
            '\n' => out.push('n'),
            '\u{b}' => out.push('v'),
            '\u{c}' => out.push('f'),
            '\r' => out.push('r'),
            '\u{1b}' => out.push('e'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '\u{85}' => out.push('N'),
            '\u{a0}' => out.push('_'),
            '\u{2028}' => out.push('L'),
            '\u{2029}' => out.push('P'),
            other => {
                let code = other as u32;
                let _ = if code <= 0xFF {
                    write!(out, "x{code:02X}")
                } else if code <= 0xFFFF {
                    write!(out, "u{code:04X}")
                } else {
                    write!(out, "U{code:08X}")
                };
            }
        }
    }
    out.push('"');
}

/// `|` with libyaml's hints: `2` when the text starts with a space or a line break, `-` without
/// a final line break, `+` with more than one.
fn write_literal(out: &mut String, text: &str, indent: usize) {
    out.push('|');
    if text.starts_with([' ', '\n']) {
        out.push('2');
    }
    if !text.ends_with('\n') {
        out.push('-');
    } else if text == "\n" || text[..text.len() - 1].ends_with('\n') {
        out.push('+');
    }
    out.push('\n');
    let mut at_line_start = true;
    for ch in text.chars() {
        if ch == '\n' {
            out.push('\n');
            at_line_start = true;
        } else {
            if at_line_start {
                indent_to(out, indent);
                at_line_start = false;
            }
            out.push(ch);
        }
    }
}
