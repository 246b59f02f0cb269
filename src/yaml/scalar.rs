//! What an unquoted YAML scalar means: the resolution rules of `serde_yaml` 0.9 (YAML 1.2 core
//! schema plus `0x`/`0o`/`0b` integers and `.inf`/`.nan`), ported from `serde_norway`'s
//! `visit_untagged_scalar` so the fast parser and emitter agree with it to the byte.

use std::num::ParseIntError;

/// The meaning of a plain scalar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plain {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    /// An integer that needs 128 bits; the fast paths leave those to `serde_yaml`.
    Wide,
    Float(f64),
    String,
}

pub fn resolve(scalar: &str) -> Plain {
    let Some(&first) = scalar.as_bytes().first() else {
        return Plain::Null;
    };
    // Almost every scalar in a manifest is a word, so the first byte decides most of them:
    // only null and the booleans start with `~`, `n`, `t` or `f` (of either case), and nothing
    // numeric starts with a letter (the `.inf`/`.nan` family starts with `.`).
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
        return Plain::Wide;
    }
    if !digits_but_not_number(scalar)
        && let Some(float) = parse_f64(scalar)
    {
        return Plain::Float(float);
    }
    Plain::String
}

/// Whether a string written unquoted would be read back as something else (or as a string only
/// because of YAML 1.2's leading-zero rule): `serde_yaml` single-quotes those.
pub fn needs_quotes_to_stay_a_string(scalar: &str) -> bool {
    !matches!(resolve(scalar), Plain::String) || digits_but_not_number(scalar)
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
