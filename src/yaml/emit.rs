//! A fast YAML writer for JSON-model values that writes exactly what `serde_yaml::to_string`
//! (libyaml's emitter with unlimited width, as `serde_norway` configures it) writes.
//!
//! Byte-for-byte equality matters: `toYaml` output lands in manifests and in `sha256sum`
//! checksum annotations, so a different spelling would restart workloads on upgrade. The few
//! shapes this writer does not reproduce (keys longer than 128 bytes or with line breaks, line
//! separators other than `\n`, a multi-line string as the whole document) make it return `None`
//! and the caller falls back to `serde_yaml`.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::scalar;

/// The value as `serde_yaml::to_string` writes it, or `None` for the shapes left to it.
pub fn to_string(value: &Value) -> Option<String> {
    let mut out = String::with_capacity(512);
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0, false)?,
        Value::Array(items) if !items.is_empty() => write_sequence(&mut out, items, 0, false)?,
        Value::String(text) if text.contains('\n') => return None,
        other => {
            write_inline(&mut out, other, 0)?;
            // `write_inline` puts the separating space before a scalar; a document has none.
            out.remove(0);
        }
    }
    end_line(&mut out);
    Some(out)
}

fn end_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn indent_to(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A block mapping with its keys at column `indent`. With `inline_first`, the first key goes on
/// the current line (after a sequence's `- `).
fn write_map(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    inline_first: bool,
) -> Option<()> {
    for (index, (key, value)) in map.iter().enumerate() {
        if index > 0 || !inline_first {
            end_line(out);
            indent_to(out, indent);
        }
        write_key(out, key)?;
        out.push(':');
        match value {
            Value::Object(child) if !child.is_empty() => write_map(out, child, indent + 2, false)?,
            // libyaml writes a sequence inside a mapping "indentless": `- ` at the key's column.
            Value::Array(items) if !items.is_empty() => write_sequence(out, items, indent, false)?,
            other => write_inline(out, other, indent + 2)?,
        }
    }
    Some(())
}

/// A block sequence with its `-` at column `indent`.
fn write_sequence(
    out: &mut String,
    items: &[Value],
    indent: usize,
    inline_first: bool,
) -> Option<()> {
    for (index, item) in items.iter().enumerate() {
        if index > 0 || !inline_first {
            end_line(out);
            indent_to(out, indent);
        }
        out.push('-');
        match item {
            Value::Object(child) if !child.is_empty() => {
                out.push(' ');
                write_map(out, child, indent + 2, true)?;
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push(' ');
                write_sequence(out, inner, indent + 2, true)?;
            }
            other => write_inline(out, other, indent + 2)?,
        }
    }
    Some(())
}

/// A scalar or an empty collection after `key:` or `-`, with its leading space. `indent` is
/// where the lines of a literal block go.
fn write_inline(out: &mut String, value: &Value, indent: usize) -> Option<()> {
    out.push(' ');
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => {
            if let Some(unsigned) = number.as_u64() {
                let _ = write!(out, "{unsigned}");
            } else if let Some(signed) = number.as_i64() {
                let _ = write!(out, "{signed}");
            } else {
                let float = number.as_f64()?;
                if !float.is_finite() {
                    return None;
                }
                out.push_str(ryu::Buffer::new().format_finite(float));
            }
        }
        Value::String(text) => write_string(out, text, indent)?,
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
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
        let simple = |b: &u8| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'_' | b'-' | b'+' | b'=')
        };
        if bytes[0].is_ascii_alphanumeric() && bytes.iter().all(simple) {
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
