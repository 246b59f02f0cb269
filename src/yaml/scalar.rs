//! What an unquoted YAML scalar means, and which strings must be quoted when written.
//!
//! Reading follows YAML 1.1 as Helm and Kubernetes read it: `sigs.k8s.io/yaml` over go-yaml v2
//! (`resolve.go`), so `yes`, `no`, `on`, `off`, `y` and `n` (in their three spellings) are
//! booleans, `0777` is octal, `1_000` is 1000, and integers past 64 bits are floats. Writing
//! quotes every string that a YAML 1.1 *or* 1.2 reader would take for something else (see
//! [`needs_quotes`]), so what this tool writes reads back the same under either.

use std::num::ParseIntError;

/// The meaning of a plain scalar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plain {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    /// A YAML 1.1 timestamp (`2021-01-01`): go-yaml gives plain data the text, so it reads as a
    /// string, but it writes it quoted.
    Timestamp,
    String,
}

/// The meaning of a plain scalar under YAML 1.1, exactly as go-yaml v2 resolves it (with Go's
/// `strconv` base prefixes `0x`, `0o`, `0b` and a leading `0` for octal; `_` ignored).
pub fn resolve(scalar: &str) -> Plain {
    let Some(&first) = scalar.as_bytes().first() else {
        return Plain::Null;
    };
    // go-yaml's first-byte table: only these bytes can start anything but a string.
    match first {
        b'~' | b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' => word(scalar),
        b'.' => match scalar {
            ".inf" | ".Inf" | ".INF" => Plain::Float(f64::INFINITY),
            ".nan" | ".NaN" | ".NAN" => Plain::Float(f64::NAN),
            _ if is_go_float(scalar) => go_float(scalar),
            _ => Plain::String,
        },
        b'0'..=b'9' | b'+' | b'-' => number(scalar),
        _ => Plain::String,
    }
}

fn word(scalar: &str) -> Plain {
    match scalar {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Plain::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Plain::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => Plain::Null,
        _ => Plain::String,
    }
}

/// A scalar starting with a digit or a sign: go-yaml tries its special floats, a timestamp, an
/// integer (signed, then unsigned) and a float, with every `_` removed.
fn number(scalar: &str) -> Plain {
    match scalar {
        "+.inf" | "+.Inf" | "+.INF" => return Plain::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Plain::Float(f64::NEG_INFINITY),
        _ => {}
    }
    if is_timestamp(scalar) {
        return Plain::Timestamp;
    }
    let mut buffer = [0u8; 64];
    let digits = if scalar.contains('_') {
        // Longer numbers than fit are strings or floats either way; those go through a String.
        if scalar.len() > buffer.len() {
            return number(&scalar.replace('_', ""));
        }
        let mut length = 0;
        for &byte in scalar.as_bytes().iter().filter(|&&b| b != b'_') {
            buffer[length] = byte;
            length += 1;
        }
        std::str::from_utf8(&buffer[..length]).unwrap_or_default()
    } else {
        scalar
    };
    if let Some(int) = go_parse_int(digits) {
        return int;
    }
    if is_go_float(digits) {
        return go_float(digits);
    }
    Plain::String
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: an optional sign (signed only),
/// then `0x`/`0X`, `0o`/`0O`, `0b`/`0B` or a leading `0` (octal) prefix, then digits.
fn go_parse_int(text: &str) -> Option<Plain> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let bytes = unsigned.as_bytes();
    let (radix, digits) = match bytes {
        [b'0', b'x' | b'X', ..] => (16, &unsigned[2..]),
        [b'0', b'o' | b'O', ..] => (8, &unsigned[2..]),
        [b'0', b'b' | b'B', ..] => (2, &unsigned[2..]),
        [b'0', _, ..] => (8, &unsigned[1..]),
        _ => (10, unsigned),
    };
    // `from_str_radix` takes a sign of its own; Go takes none after the prefix.
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if !negative {
        return Some(match i64::try_from(magnitude) {
            Ok(_) => Plain::Unsigned(magnitude),
            // ParseUint takes no sign at all.
            Err(_) if text.starts_with('+') => return None,
            Err(_) => Plain::Unsigned(magnitude),
        });
    }
    if magnitude == 0 {
        return Some(Plain::Unsigned(0));
    }
    0i64.checked_sub_unsigned(magnitude).map(Plain::Signed)
}

/// go-yaml's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_go_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut index = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |index: &mut usize| {
        let start = *index;
        while bytes.get(*index).is_some_and(u8::is_ascii_digit) {
            *index += 1;
        }
        *index - start
    };
    if bytes.get(index) == Some(&b'.') {
        index += 1;
        if digits(&mut index) == 0 {
            return false;
        }
    } else {
        if digits(&mut index) == 0 {
            return false;
        }
        if bytes.get(index) == Some(&b'.') {
            index += 1;
            digits(&mut index);
        }
    }
    if matches!(bytes.get(index), Some(b'e' | b'E')) {
        index += 1;
        if matches!(bytes.get(index), Some(b'+' | b'-')) {
            index += 1;
        }
        if digits(&mut index) == 0 {
            return false;
        }
    }
    index == bytes.len()
}

/// A float that matched [`is_go_float`]; Go's `ParseFloat` fails on overflow, which leaves the
/// scalar a string.
fn go_float(text: &str) -> Plain {
    match text.parse::<f64>() {
        Ok(float) if float.is_finite() => Plain::Float(float),
        _ => Plain::String,
    }
}

/// go-yaml's timestamp check: `YYYY-M-D`, optionally followed by `T`, `t` or a space and
/// `h:m:s` with a fraction, and (after `T`/`t`) a zone `Z` or `±hh:mm`. Only decides quoting:
/// go-yaml reads timestamps into plain data as their text.
fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 8 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return false;
    }
    let mut index = 5;
    let field = |index: &mut usize, max: u32| -> Option<u32> {
        let start = *index;
        while *index < bytes.len() && *index - start < 2 && bytes[*index].is_ascii_digit() {
            *index += 1;
        }
        let value: u32 = text.get(start..*index)?.parse().ok()?;
        (value <= max).then_some(value)
    };
    let Some(month) = field(&mut index, 12) else {
        return false;
    };
    if bytes.get(index) != Some(&b'-') {
        return false;
    }
    index += 1;
    let Some(day) = field(&mut index, 31) else {
        return false;
    };
    if month == 0 || day == 0 {
        return false;
    }
    if index == bytes.len() {
        return true;
    }
    let separator = bytes[index];
    if !matches!(separator, b'T' | b't' | b' ') {
        return false;
    }
    index += 1;
    for (max, next) in [(23, Some(b':')), (59, Some(b':')), (59, None)] {
        if field(&mut index, max).is_none() {
            return false;
        }
        if let Some(next) = next {
            if bytes.get(index) != Some(&next) {
                return false;
            }
            index += 1;
        }
    }
    if bytes.get(index) == Some(&b'.') {
        index += 1;
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
        }
    }
    let zone = &text[index..];
    if separator == b' ' {
        return zone.is_empty();
    }
    let zone = zone.as_bytes();
    zone == b"Z"
        || (zone.len() == 6
            && matches!(zone[0], b'+' | b'-')
            && zone[1..3].iter().all(u8::is_ascii_digit)
            && zone[3] == b':'
            && zone[4..].iter().all(u8::is_ascii_digit))
}

/// Whether a string must be quoted to read back as that string, under YAML 1.1 (go-yaml,
/// kubectl, Helm, PyYAML) and YAML 1.2 (`serde_yaml`) alike: anything either resolves to a
/// non-string, YAML 1.1 timestamps and base-60 numbers (`1:20`), 1.2's leading-zero strings
/// (`0755`), and YAML 1.1's merge (`<<`) and value (`=`) keys.
///
/// Called for every key and string written, so the usual word is decided by its first byte.
pub fn needs_quotes(scalar: &str) -> bool {
    let Some(&first) = scalar.as_bytes().first() else {
        return true;
    };
    match first {
        b'~' | b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' => {
            word(scalar) != Plain::String
        }
        b'0'..=b'9' | b'+' | b'-' | b'.' => {
            resolve(scalar) != Plain::String
                || resolve_core(scalar) != Plain::String
                || digits_but_not_number(scalar)
                || is_base60(scalar)
        }
        b'<' | b'=' => scalar == "<<" || scalar == "=",
        _ => false,
    }
}

/// go-yaml's base-60 pattern `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`: YAML 1.1
/// sexagesimal numbers, which go-yaml no longer reads as numbers but still quotes.
fn is_base60(text: &str) -> bool {
    let bytes = text.strip_prefix(['+', '-']).unwrap_or(text).as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_digit) || !bytes.contains(&b':') {
        return false;
    }
    let mut index = 1;
    while bytes
        .get(index)
        .is_some_and(|b| b.is_ascii_digit() || *b == b'_')
    {
        index += 1;
    }
    let mut groups = 0;
    while bytes.get(index) == Some(&b':') {
        index += 1;
        match (bytes.get(index), bytes.get(index + 1)) {
            (Some(b'0'..=b'5'), Some(b'0'..=b'9')) => index += 2,
            (Some(b'0'..=b'9'), _) => index += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if bytes.get(index) == Some(&b'.') {
        index += 1;
        while bytes
            .get(index)
            .is_some_and(|b| b.is_ascii_digit() || *b == b'_')
        {
            index += 1;
        }
    }
    index == bytes.len()
}

/// The meaning of a plain scalar under `serde_yaml` 0.9's YAML 1.2 rules (core schema plus
/// `0x`/`0o`/`0b` integers and `.inf`/`.nan`), ported from `serde_norway`'s
/// `visit_untagged_scalar`: what a YAML 1.2 reader makes of a string written unquoted.
pub fn resolve_core(scalar: &str) -> Plain {
    let Some(&first) = scalar.as_bytes().first() else {
        return Plain::Null;
    };
    match first {
        b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' => {
            return match scalar {
                "null" | "Null" | "NULL" | "~" => Plain::Null,
                "true" | "True" | "TRUE" => Plain::Bool(true),
                "false" | "False" | "FALSE" => Plain::Bool(false),
                _ => Plain::String,
            };
        }
        b'0'..=b'9' | b'+' | b'-' | b'.' => {}
        _ => return Plain::String,
    }
    if let Some(int) = parse_unsigned_int(scalar, u64::from_str_radix) {
        return Plain::Unsigned(int);
    }
    if let Some(int) = parse_negative_int(scalar, i64::from_str_radix) {
        return Plain::Signed(int);
    }
    if parse_unsigned_int(scalar, u128::from_str_radix).is_some()
        || parse_negative_int(scalar, i128::from_str_radix).is_some()
    {
        // Wider than 64 bits: not a string, which is all the callers ask.
        return Plain::Float(f64::NAN);
    }
    if !digits_but_not_number(scalar)
        && let Some(float) = parse_f64(scalar)
    {
        return Plain::Float(float);
    }
    Plain::String
}

fn parse_unsigned_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, radix: u32) -> Result<T, ParseIntError>,
) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_negative_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, radix: u32) -> Result<T, ParseIntError>,
) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix)
            && let Ok(int) = from_str_radix(&format!("-{rest}"), radix)
        {
            return Some(int);
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
        if unpositive.starts_with(['+', '-']) {
            return None;
        }
        unpositive
    } else {
        scalar
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN.copysign(1.0));
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Leading zeros followed by digits are a string in YAML 1.2 (`0755` stays `"0755"`).
fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_resolution_as_go_yaml_v2() {
        for (text, expected) in [
            ("y", Plain::Bool(true)),
            ("Yes", Plain::Bool(true)),
            ("ON", Plain::Bool(true)),
            ("n", Plain::Bool(false)),
            ("NO", Plain::Bool(false)),
            ("Off", Plain::Bool(false)),
            ("yES", Plain::String),
            ("oN", Plain::String),
            ("", Plain::Null),
            ("~", Plain::Null),
            ("NULL", Plain::Null),
            ("0777", Plain::Unsigned(511)),
            ("-0777", Plain::Signed(-511)),
            ("0o17", Plain::Unsigned(15)),
            ("0O17", Plain::Unsigned(15)),
            ("0x1F", Plain::Unsigned(31)),
            ("0X1f", Plain::Unsigned(31)),
            ("+0x1F", Plain::Unsigned(31)),
            ("-0x10", Plain::Signed(-16)),
            ("0b101", Plain::Unsigned(5)),
            ("1_000", Plain::Unsigned(1000)),
            ("0x_1F", Plain::Unsigned(31)),
            ("+1", Plain::Unsigned(1)),
            ("-0", Plain::Unsigned(0)),
            ("08", Plain::Float(8.0)),
            ("0.1_5", Plain::Float(0.15)),
            ("1e3", Plain::Float(1000.0)),
            (".5", Plain::Float(0.5)),
            ("-.5e1", Plain::Float(-5.0)),
            ("5.", Plain::Float(5.0)),
            ("1e400", Plain::String),
            ("-9223372036854775808", Plain::Signed(i64::MIN)),
            ("18446744073709551615", Plain::Unsigned(u64::MAX)),
            (
                "+18446744073709551615",
                Plain::Float(18446744073709551615.0),
            ),
            ("99999999999999999999", Plain::Float(1e20)),
            ("-.inf", Plain::Float(f64::NEG_INFINITY)),
            ("+.Inf", Plain::Float(f64::INFINITY)),
            ("2021-01-01", Plain::Timestamp),
            ("2021-1-1", Plain::Timestamp),
            ("2001-12-14t21:59:43.10-05:00", Plain::Timestamp),
            ("2001-12-14 21:59:43.10", Plain::Timestamp),
            ("2021-13-01", Plain::String),
            ("12:30", Plain::String),
            ("0x", Plain::String),
            ("0x-1", Plain::String),
            ("1.2.3", Plain::String),
            ("inf", Plain::String),
            ("<<", Plain::String),
            ("=", Plain::String),
            ("-", Plain::String),
            (".", Plain::String),
        ] {
            let resolved = resolve(text);
            let same = match (resolved, expected) {
                (Plain::Float(a), Plain::Float(b)) => a == b,
                (a, b) => a == b,
            };
            assert!(same, "{text:?}: {resolved:?}, expected {expected:?}");
        }
        assert!(matches!(resolve(".NaN"), Plain::Float(f) if f.is_nan()));
    }

    #[test]
    fn quoting_covers_both_yaml_versions() {
        let quoted = "y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off \
                      Off OFF ~ null Null NULL 1:20 -1:20:30.5 190:20:30 0o17 0x1F 0b1 0X1F .inf \
                      -.Inf +.INF .nan .NaN 1_000 = << 0755 007 08 1e3 +1 .5 1.0 12:30 \
                      2021-01-01 99999999999999999999 1_";
        for text in quoted.split_whitespace().chain([""]) {
            assert!(needs_quotes(text), "{text:?} must be quoted");
        }
        let plain = "yess nO oN Yes! a plain 1.2.3 v1 1:2:3a 1:60 12:3x - < == <<< _1 0x inf nan \
                     Infinity 8080/TCP 2021-01";
        for text in plain.split_whitespace() {
            assert!(!needs_quotes(text), "{text:?} can stay plain");
        }
    }
}
