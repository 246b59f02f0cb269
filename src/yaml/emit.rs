//! The YAML writer for JSON-model values: block style as libyaml (and so go-yaml and
//! `serde_yaml`) writes it, with quoting that reads back the same under YAML 1.1 and 1.2.
//!
//! Every string a YAML 1.1 reader (kubectl, Helm, go-yaml, PyYAML) or a 1.2 reader
//! (`serde_yaml`) would take for something else is double-quoted, as go-yaml does (see
//! [`scalar::needs_quotes`]); the rest is written as libyaml would (plain when it can be,
//! single-quoted for indicators, double-quoted for control characters, `|` blocks for several
//! lines). In [`Style::Document`] the text is otherwise `serde_yaml::to_string`'s, byte for
//! byte (keys longer than 128 bytes or with line breaks aside, written as `? key`);
//! [`Style::Helm`] (`toYaml`) sorts keys, prints numbers and folds lines longer than 80
//! characters as Helm does.
//!
//! Byte-for-byte stability matters: `toYaml` output lands in manifests and in `sha256sum`
//! checksum annotations, so a different spelling would restart workloads on upgrade.

use std::cmp::Ordering;
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

/// How [`write_document`] writes keys and numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Objects and command output: keys in their order, numbers as `serde_yaml` writes them
    /// (`1.0` stays a float when read back).
    Document,
    /// Helm's `toYaml`: keys in go-yaml's natural order at every depth ([`natural_cmp`]),
    /// numbers as Helm prints them after its JSON round trip (`1.0` → `1`, `1e6` → `1000000`,
    /// `1234567.5` → `1.2345675e+06`).
    Helm,
}

/// The value as [`write_document`] writes it.
pub fn to_string<N: Node>(value: &N, style: Style) -> Option<String> {
    let mut out = String::with_capacity(512);
    write_document(&mut out, value, style)?;
    Some(out)
}

/// Appends the value as a YAML document ending with a line break. `None` only for values
/// with no JSON form (Tera's undefined, bytes, 128-bit integers), when `out` may hold part of
/// the document and the caller truncates.
pub fn write_document<N: Node>(out: &mut String, value: &N, style: Style) -> Option<()> {
    let start = out.len();
    let mut writer = Writer {
        out,
        style,
        line_start: start,
    };
    match value.shape() {
        Shape::Map(entries, len) if len > 0 => writer.write_map::<N>(entries, len, 0, false)?,
        Shape::Sequence(items) if !items.is_empty() => writer.write_sequence(items, 0, false)?,
        _ => {
            // A multi-line string at the top is a `|` block indented by 2, as libyaml does.
            writer.write_inline(value, 2)?;
            // `write_inline` puts the separating space before a scalar; a document has none.
            writer.out.remove(start);
        }
    }
    if !writer.out.ends_with('\n') {
        writer.out.push('\n');
    }
    Some(())
}

struct Writer<'o> {
    out: &'o mut String,
    style: Style,
    /// At or before the start of the current line (where the last [`Writer::end_line`] left
    /// it), and never before the document: its lines are counted from there.
    line_start: usize,
}

/// A map entry as the writer sees it.
type Entry<'a, N> = (Option<&'a str>, &'a N);

/// Maps with at most this many entries are sorted on the stack.
const SORTED_ON_STACK: usize = 16;

impl Writer<'_> {
    fn end_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.line_start = self.out.len();
    }

    fn indent_to(&mut self, indent: usize) {
        super::push_spaces(self.out, indent);
    }

    /// A block mapping with its keys at column `indent`, in the style's key order. With
    /// `inline_first`, the first key goes on the current line (after a sequence's `- `).
    fn write_map<'a, N: Node + 'a>(
        &mut self,
        entries: N::Entries<'a>,
        len: usize,
        indent: usize,
        inline_first: bool,
    ) -> Option<()> {
        if self.style == Style::Document || len < 2 {
            return self.write_entries(entries, indent, inline_first);
        }
        let by_key = |a: &Entry<'a, N>, b: &Entry<'a, N>| {
            natural_cmp(a.0.unwrap_or_default(), b.0.unwrap_or_default())
        };
        if len <= SORTED_ON_STACK {
            let mut slots: [Option<Entry<'a, N>>; SORTED_ON_STACK] = [None; SORTED_ON_STACK];
            let mut count = 0;
            for (slot, entry) in slots.iter_mut().zip(entries) {
                *slot = Some(entry);
                count += 1;
            }
            let sorted = &mut slots[..count];
            sorted.sort_unstable_by(|a, b| match (a, b) {
                (Some(a), Some(b)) => by_key(a, b),
                _ => Ordering::Equal,
            });
            return self.write_entries(sorted.iter().flatten().copied(), indent, inline_first);
        }
        let mut sorted: Vec<Entry<'a, N>> = entries.collect();
        sorted.sort_unstable_by(by_key);
        self.write_entries(sorted.into_iter(), indent, inline_first)
    }

    fn write_entries<'a, N: Node + 'a>(
        &mut self,
        entries: impl Iterator<Item = Entry<'a, N>>,
        indent: usize,
        inline_first: bool,
    ) -> Option<()> {
        for (index, (key, value)) in entries.enumerate() {
            if index > 0 || !inline_first {
                self.end_line();
                self.indent_to(indent);
            }
            let key = key?;
            // libyaml writes longer or multi-line keys (any line break: LF, CR, NEL, LS, PS) as
            // complex keys: `? key`, then `: value` on the next line, each written like a
            // sequence item.
            if key.len() > 128 || has_line_break(key) {
                self.out.push('?');
                self.out.push(' ');
                self.write_string(key, indent + 2, false);
                self.end_line();
                self.indent_to(indent);
                self.out.push(':');
                self.write_item(value, indent)?;
                continue;
            }
            self.write_string(key, indent, true);
            self.out.push(':');
            match value.shape() {
                Shape::Map(child, len) if len > 0 => {
                    self.write_map::<N>(child, len, indent + 2, false)?
                }
                // libyaml writes a sequence inside a mapping "indentless": `- ` at the key's
                // column.
                Shape::Sequence(items) if !items.is_empty() => {
                    self.write_sequence(items, indent, false)?
                }
                _ => self.write_inline(value, indent + 2)?,
            }
        }
        Some(())
    }

    /// A block sequence with its `-` at column `indent`.
    fn write_sequence<N: Node>(
        &mut self,
        items: &[N],
        indent: usize,
        inline_first: bool,
    ) -> Option<()> {
        for (index, item) in items.iter().enumerate() {
            if index > 0 || !inline_first {
                self.end_line();
                self.indent_to(indent);
            }
            self.out.push('-');
            self.write_item(item, indent)?;
        }
        Some(())
    }

    /// The node after a `-` (or a complex key's `:`) at column `indent`.
    fn write_item<N: Node>(&mut self, item: &N, indent: usize) -> Option<()> {
        match item.shape() {
            Shape::Map(child, len) if len > 0 => {
                self.out.push(' ');
                self.write_map::<N>(child, len, indent + 2, true)
            }
            Shape::Sequence(inner) if !inner.is_empty() => {
                self.out.push(' ');
                self.write_sequence(inner, indent + 2, true)
            }
            _ => self.write_inline(item, indent + 2),
        }
    }

    /// A scalar or an empty collection after `key:` or `-`, with its leading space. `indent`
    /// is where the lines of a literal block go.
    fn write_inline<N: Node>(&mut self, value: &N, indent: usize) -> Option<()> {
        self.out.push(' ');
        match value.shape() {
            Shape::Null => self.out.push_str("null"),
            Shape::Bool(true) => self.out.push_str("true"),
            Shape::Bool(false) => self.out.push_str("false"),
            Shape::Unsigned(number) => self.out.push_str(itoa::Buffer::new().format(number)),
            Shape::Signed(number) => self.out.push_str(itoa::Buffer::new().format(number)),
            Shape::Float(float) if !float.is_finite() => self.out.push_str(if float.is_nan() {
                ".nan"
            } else if float > 0.0 {
                ".inf"
            } else {
                "-.inf"
            }),
            Shape::Float(float) => match self.style {
                Style::Document => self.out.push_str(ryu::Buffer::new().format_finite(float)),
                Style::Helm => super::number::push_helm_yaml(self.out, float),
            },
            Shape::String(text) => self.write_string(text, indent, false),
            Shape::Sequence(_) => self.out.push_str("[]"),
            Shape::Map(..) => self.out.push_str("{}"),
            Shape::Other => return None,
        }
        Some(())
    }

    /// A string as a key (`simple_key`: one line, no block) or a value whose block lines go at
    /// `indent`, in the style go-yaml picks: double quotes for what would read as something
    /// else, else plain, single-quoted or double-quoted as the characters allow.
    fn write_string(&mut self, text: &str, indent: usize, simple_key: bool) {
        let analysis = Analysis::of(text, self.style);
        let lines = analysis.line_feed;
        if lines && !simple_key && analysis.block_allowed {
            write_literal(self.out, text, indent);
            return;
        }
        let quoting = if lines || scalar::needs_quotes(text) {
            Quoting::Double
        } else if analysis.plain_allowed {
            Quoting::Plain
        } else if analysis.single_quoted_allowed {
            Quoting::Single
        } else {
            Quoting::Double
        };
        if !simple_key
            && self.style == Style::Helm
            && let Some(column) = self.long_line(text, quoting)
        {
            return write_folded(self.out, text, quoting, indent, column);
        }
        match quoting {
            Quoting::Plain => self.out.push_str(text),
            Quoting::Single => write_single_quoted(self.out, text),
            Quoting::Double => write_double_quoted(self.out, text, self.style),
        }
    }

    /// When `text` written on the current line could pass [`BEST_WIDTH`] at a space, the
    /// line's length so far in characters.
    fn long_line(&self, text: &str, quoting: Quoting) -> Option<usize> {
        // A plain scalar takes at most a column per byte, and the current line is at most what
        // follows `line_start`: most scalars end well before the width. Quotes and escapes take
        // more columns; those scalars are few.
        let at_most = self.out.len() - self.line_start;
        if quoting == Quoting::Plain && at_most + text.len() <= BEST_WIDTH || !text.contains(' ') {
            return None;
        }
        let after = &self.out.as_bytes()[self.line_start..];
        let line_start = self.line_start + memchr::memrchr(b'\n', after).map_or(0, |at| at + 1);
        Some(self.out[line_start..].chars().count())
    }
}

/// Whether `text` has a line break as libyaml counts them: LF, CR, NEL, LS or PS.
fn has_line_break(text: &str) -> bool {
    if text.is_ascii() {
        return memchr::memchr2(b'\n', b'\r', text.as_bytes()).is_some();
    }
    text.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
}

/// go-yaml v2's key order (`sorter.go`, `keyList.Less`) for string keys: character by
/// character; two letters by code point; a letter after anything else; runs of digits by their
/// numeric value (`a2` < `a10`), a shorter run first when equal; a prefix first.
///
/// Letters are Rust's alphabetic characters (Go's `unicode.IsLetter` differs on a few marks)
/// and digits ASCII ones.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let less = if a.is_ascii() && b.is_ascii() {
        natural_less(a.as_bytes(), b.as_bytes(), |&byte| char::from(byte))
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        natural_less(&a, &b, |&ch| ch)
    };
    if less {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

fn natural_less<T>(a: &[T], b: &[T], char_of: impl Fn(&T) -> char) -> bool {
    let digit = |ch: char| ch.is_ascii_digit();
    for index in 0..a.len().min(b.len()) {
        let (x, y) = (char_of(&a[index]), char_of(&b[index]));
        if x == y {
            continue;
        }
        let (x_letter, y_letter) = (x.is_alphabetic(), y.is_alphabetic());
        if x_letter && y_letter {
            return x < y;
        }
        if x_letter || y_letter {
            return y_letter;
        }
        let (mut x_number, mut y_number) = (0i64, 0i64);
        if x == '0' || y == '0' {
            // A zero inside a number (after a non-zero digit of `a`) counts as a digit.
            let mut back = index;
            while back > 0 && digit(char_of(&a[back - 1])) {
                back -= 1;
                if char_of(&a[back]) != '0' {
                    x_number = 1;
                    y_number = 1;
                    break;
                }
            }
        }
        let mut x_end = index;
        while x_end < a.len() && digit(char_of(&a[x_end])) {
            x_number = x_number
                .wrapping_mul(10)
                .wrapping_add(i64::from(char_of(&a[x_end]) as u8 - b'0'));
            x_end += 1;
        }
        let mut y_end = index;
        while y_end < b.len() && digit(char_of(&b[y_end])) {
            y_number = y_number
                .wrapping_mul(10)
                .wrapping_add(i64::from(char_of(&b[y_end]) as u8 - b'0'));
            y_end += 1;
        }
        if x_number != y_number {
            return x_number < y_number;
        }
        if x_end != y_end {
            return x_end < y_end;
        }
        return x < y;
    }
    a.len() < b.len()
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
    /// Whether the text has a `\n`.
    line_feed: bool,
}

impl Analysis {
    /// `\r`, NEL, LS and PS count as characters only double quotes can hold (escaped): libyaml
    /// takes them for line breaks, which other readers fold differently.
    fn of(text: &str, style: Style) -> Analysis {
        if text.is_empty() {
            return Analysis {
                plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: false,
                line_feed: false,
            };
        }
        let bytes = text.as_bytes();
        // Most strings in manifests are names, images and paths: a letter or digit first and
        // nothing that could start a comment, an indicator or a break later.
        if bytes[0].is_ascii_alphanumeric() && bytes.iter().all(|&b| SIMPLE[b as usize]) {
            return Analysis {
                plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: true,
                line_feed: false,
            };
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
                let ch = text[index..].chars().next().unwrap_or_default();
                special |=
                    !is_printable(ch, style) || matches!(ch, '\u{85}' | '\u{2028}' | '\u{2029}');
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
            line_feed: line_breaks,
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
        analysis
    }
}

/// libyaml's `IS_PRINTABLE` (note: tab is not). Characters past U+FFFF are printable to
/// `serde_yaml`'s libyaml, not to go-yaml's, which escapes them (`"\U0001F389"`).
fn is_printable(ch: char, style: Style) -> bool {
    match ch as u32 {
        0x0A | 0x20..=0x7E | 0xA0..=0xD7FF => true,
        0xE000..=0xFFFD => ch != '\u{FEFF}',
        0x10000.. => style == Style::Document,
        _ => false,
    }
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

fn write_double_quoted(out: &mut String, text: &str, style: Style) {
    out.push('"');
    for ch in text.chars() {
        if escaped(ch, style) {
            push_escape(out, ch);
        } else {
            out.push(ch);
        }
    }
    out.push('"');
}

/// Whether a double-quoted scalar writes `ch` as an escape.
fn escaped(ch: char, style: Style) -> bool {
    !is_printable(ch, style) || matches!(ch, '\n' | '"' | '\\' | '\u{2028}' | '\u{2029}')
}

/// `ch`'s escape in a double-quoted scalar; returns how many characters it took.
fn push_escape(out: &mut String, ch: char) -> usize {
    out.push('\\');
    let short = match ch {
        '\0' => '0',
        '\u{7}' => 'a',
        '\u{8}' => 'b',
        '\t' => 't',
        '\n' => 'n',
        '\u{b}' => 'v',
        '\u{c}' => 'f',
        '\r' => 'r',
        '\u{1b}' => 'e',
        '"' => '"',
        '\\' => '\\',
        '\u{85}' => 'N',
        '\u{a0}' => '_',
        '\u{2028}' => 'L',
        '\u{2029}' => 'P',
        other => {
            let code = other as u32;
            let _ = if code <= 0xFF {
                write!(out, "x{code:02X}")
            } else if code <= 0xFFFF {
                write!(out, "u{code:04X}")
            } else {
                write!(out, "U{code:08X}")
            };
            return if code <= 0xFF {
                4
            } else if code <= 0xFFFF {
                6
            } else {
                10
            };
        }
    };
    out.push(short);
    2
}

/// The quoting of a scalar written by [`write_folded`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoting {
    Plain,
    Single,
    Double,
}

/// Lines longer than this are folded at a space in [`Style::Helm`], as go-yaml does.
const BEST_WIDTH: usize = 80;

/// A scalar written as go-yaml writes it with its default width (libyaml's `write_plain`,
/// `write_single_quoted` and `write_double_quoted` with breaks allowed): at a single space once
/// the line is longer than 80 characters, the line breaks and goes on at `indent` (readers fold
/// the break back into the space). `column` is the line's length in characters so far.
fn write_folded(out: &mut String, text: &str, quoting: Quoting, indent: usize, mut column: usize) {
    let quote = match quoting {
        Quoting::Plain => None,
        Quoting::Single => Some('\''),
        Quoting::Double => Some('"'),
    };
    if let Some(quote) = quote {
        out.push(quote);
        column += 1;
    }
    let mut spaces = false;
    let mut chars = text.char_indices().peekable();
    while let Some((index, ch)) = chars.next() {
        let next_is_space = chars.peek().is_some_and(|&(_, next)| next == ' ');
        if quoting == Quoting::Double && escaped(ch, Style::Helm) {
            column += push_escape(out, ch);
            spaces = false;
        } else if ch == ' ' {
            let inside = quoting == Quoting::Plain || (index > 0 && index + 1 < text.len());
            let allowed = quoting == Quoting::Double || !next_is_space;
            if !spaces && column > BEST_WIDTH && inside && allowed {
                out.push('\n');
                super::push_spaces(out, indent);
                column = indent;
                if next_is_space {
                    // A double-quoted line's leading spaces are not content: escape the first.
                    out.push('\\');
                    column += 1;
                }
            } else {
                out.push(' ');
                column += 1;
            }
            spaces = true;
        } else {
            if quoting == Quoting::Single && ch == '\'' {
                out.push('\'');
                column += 1;
            }
            out.push(ch);
            column += 1;
            spaces = false;
        }
    }
    if let Some(quote) = quote {
        out.push(quote);
    }
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
                super::push_spaces(out, indent);
                at_line_start = false;
            }
            out.push(ch);
        }
    }
}
