//! Go's formatting of values: `{{ x }}` (`show`), `toString`, `print`, `printf`, `cat`.

use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::{kwarg, list_arg, need};

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`): shortest digits, in
/// exponent form when the decimal exponent is below -4 or 6 and more (`1e+06`).
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let text = format!("{f}");
    text
}

/// Go's `%v` of a value: strings as they are, floats Go-style, lists `[a b]`, maps
/// `map[k:v]` (keys sorted), null `<nil>`.
pub fn go_value_text(value: &Value) -> String {
    let mut out = String::new();
    push_go(&mut out, value);
    out
}

fn push_go(out: &mut String, value: &Value) {
    if value.is_undefined() || value.is_none() {
        out.push_str("<nil>");
    } else if let Some(s) = value.as_str() {
        out.push_str(s);
    } else if value.is_f64() {
        out.push_str(&go_float(value.as_f64().unwrap_or(0.0)));
    } else if is_values_number(value) {
        out.push_str(&go_float(value.as_u64().unwrap_or(0) as f64));
    } else if let Some(items) = value.as_array() {
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            push_go(out, item);
        }
        out.push(']');
    } else if let Some(map) = value.as_map() {
        let mut entries: Vec<(String, &Value)> = map
            .iter()
            .map(|(k, v)| (Value::from(k.clone()).to_string(), v))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        out.push_str("map[");
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(k);
            out.push(':');
            push_go(out, v);
        }
        out.push(']');
    } else {
        out.push_str(&value.to_string());
    }
}

/// A whole number read from values (unsigned in a Tera value): a float64 in Helm, so printed
/// `1e+06` from a million and of kind `float64`. Integers that templates compute (`int64`,
/// `add`, `len`...) are signed, Go's `int`, and print plainly.
pub fn is_values_number(value: &Value) -> bool {
    value.is_u64()
}

/// What `{{ x }}` prints in Helm: nothing for a missing or null value, else Go's `%v`.
pub fn go_string(value: &Value) -> String {
    if value.is_undefined() || value.is_none() {
        return String::new();
    }
    go_value_text(value)
}

fn show(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    if let Some(s) = value.as_str() {
        return Ok(Value::from(s));
    }
    Ok(Value::from(go_string(value)))
}

fn to_string(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(go_value_text(value)))
}

/// Go's `print`: operands joined, with a space between two operands when neither is a string.
fn print(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let values = list_arg(&kwargs, "values", "print")?;
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 && !v.is_string() && !values[i - 1].is_string() {
            out.push(' ');
        }
        out.push_str(&go_value_text(v));
    }
    Ok(Value::from(out))
}

/// Sprig's `cat`: non-null values joined with single spaces.
fn cat(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let values = list_arg(&kwargs, "values", "cat")?;
    let parts: Vec<String> = values
        .iter()
        .filter(|v| !(v.is_none() || v.is_undefined()))
        .map(go_value_text)
        .collect();
    Ok(Value::from(parts.join(" ")))
}

/// Go's `fmt.Sprintf` for the verbs charts use: `%s %v %d %q %x %X %o %f %e %g %t %T %%`,
/// with flags `-+0 #`, width and precision.
fn printf(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let format = need(&kwargs, "format", "printf")?;
    let format = format
        .as_str()
        .ok_or_else(|| tera::Error::message("printf: the format must be a string"))?;
    let values = match kwarg(&kwargs, "values") {
        Some(v) => v.as_array().map(|a| a.to_vec()).unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(Value::from(sprintf(format, &values)))
}

pub fn sprintf(format: &str, values: &[Value]) -> String {
    let mut out = String::new();
    let mut next = 0usize;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut minus = false;
        let mut plus = false;
        let mut zero = false;
        let mut sharp = false;
        let mut space = false;
        while let Some(&f) = chars.peek() {
            match f {
                '-' => minus = true,
                '+' => plus = true,
                '0' => zero = true,
                '#' => sharp = true,
                ' ' => space = true,
                _ => break,
            }
            chars.next();
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(value) = values.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        let _ = (sharp, space);
        let nil = value.is_none() || value.is_undefined();
        let mut text = match verb {
            's' | 'v' => {
                if nil {
                    if verb == 'v' {
                        "<nil>".into()
                    } else {
                        "%!s(<nil>)".into()
                    }
                } else if verb == 's' && (value.is_number() || value.is_bool()) {
                    let kind = type_name(value);
                    format!("%!s({kind}={})", go_value_text(value))
                } else {
                    let t = go_value_text(value);
                    match precision {
                        Some(p) if value.is_string() => t.chars().take(p).collect(),
                        _ => t,
                    }
                }
            }
            'd' => match value.as_i64() {
                Some(i) if !value.is_f64() && !is_values_number(value) => {
                    if plus && i >= 0 {
                        format!("+{i}")
                    } else {
                        i.to_string()
                    }
                }
                _ => format!("%!d({}={})", type_name(value), go_value_text(value)),
            },
            'q' => match value.as_str() {
                Some(s) => go_quote(s),
                None => format!("%!q({}={})", type_name(value), go_value_text(value)),
            },
            'x' | 'X' => {
                let t = if let Some(s) = value.as_str() {
                    s.bytes().map(|b| format!("{b:02x}")).collect::<String>()
                } else if let Some(i) = value.as_i64().filter(|_| !value.is_f64()) {
                    format!("{i:x}")
                } else {
                    go_value_text(value)
                };
                if verb == 'X' { t.to_uppercase() } else { t }
            }
            'o' => value
                .as_i64()
                .map(|i| format!("{i:o}"))
                .unwrap_or_else(|| go_value_text(value)),
            'f' | 'F' => match value.as_f64() {
                Some(f) => format!("{f:.*}", precision.unwrap_or(6)),
                None => format!("%!f({}={})", type_name(value), go_value_text(value)),
            },
            'e' => match value.as_f64() {
                Some(f) => {
                    let s = format!("{f:.*e}", precision.unwrap_or(6));
                    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                    let e: i32 = e.parse().unwrap_or(0);
                    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
                }
                None => go_value_text(value),
            },
            'g' => match value.as_f64() {
                Some(f) => go_float(f),
                None => go_value_text(value),
            },
            't' => match value.as_bool() {
                Some(b) => b.to_string(),
                None => format!("%!t({}={})", type_name(value), go_value_text(value)),
            },
            'T' => type_name(value).to_string(),
            other => format!("%!{other}({}={})", type_name(value), go_value_text(value)),
        };
        if let Ok(w) = width.parse::<usize>() {
            let len = text.chars().count();
            if len < w {
                let pad = w - len;
                if minus {
                    text.push_str(&" ".repeat(pad));
                } else if zero && matches!(verb, 'd' | 'f' | 'x' | 'X' | 'e' | 'g') {
                    let (sign, digits) = if text.starts_with(['-', '+']) {
                        text.split_at(1)
                    } else {
                        ("", text.as_str())
                    };
                    text = format!("{sign}{}{digits}", "0".repeat(pad));
                } else {
                    text = format!("{}{text}", " ".repeat(pad));
                }
            }
        }
        out.push_str(&text);
    }
    if next < values.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = values[next..]
            .iter()
            .map(|v| format!("{}={}", type_name(v), go_value_text(v)))
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

/// Go's `%q` of a string.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Go type a value has in Helm's data (values files give float64 numbers).
enum GoType {
    Nil,
    String,
    Bool,
    Float64,
    Int,
    Slice,
    Map,
    Bytes,
}

fn go_type(value: &Value) -> GoType {
    if value.is_undefined() || value.is_none() {
        GoType::Nil
    } else if value.is_string() {
        GoType::String
    } else if value.is_bool() {
        GoType::Bool
    } else if value.is_f64() || is_values_number(value) {
        GoType::Float64
    } else if value.is_number() {
        GoType::Int
    } else if value.is_array() {
        GoType::Slice
    } else if value.is_map() {
        GoType::Map
    } else {
        GoType::Bytes
    }
}

/// Go's type name of a value as Helm's data holds it (`%T`, `typeOf`).
pub fn type_name(value: &Value) -> &'static str {
    match go_type(value) {
        GoType::Nil => "<nil>",
        GoType::String => "string",
        GoType::Bool => "bool",
        GoType::Float64 => "float64",
        GoType::Int => "int",
        GoType::Slice => "[]interface {}",
        GoType::Map => "map[string]interface {}",
        GoType::Bytes => "[]uint8",
    }
}

/// Go's kind name (`kindOf`, `kindIs`).
pub fn kind_name(value: &Value) -> &'static str {
    match go_type(value) {
        GoType::Nil => "invalid",
        GoType::String => "string",
        GoType::Bool => "bool",
        GoType::Float64 => "float64",
        GoType::Int => "int",
        GoType::Slice | GoType::Bytes => "slice",
        GoType::Map => "map",
    }
}

fn kind_of(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(kind_name(value)))
}

fn type_of(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(type_name(value)))
}

fn kind_is(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let kind = need(&kwargs, "kind", "kindIs")?
        .as_str()
        .unwrap_or_default()
        .to_string();
    let actual = kind_name(value);
    let matches = actual == kind || (actual == "int" && kind == "int64");
    Ok(Value::from(matches))
}

fn type_is(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let ty = need(&kwargs, "type", "typeIs")?
        .as_str()
        .unwrap_or_default()
        .to_string();
    let actual = type_name(value);
    let matches = actual == ty || (actual == "int" && ty == "int64");
    Ok(Value::from(matches))
}

pub(super) fn register(tera: &mut Tera) {
    tera.register_filter("show", show);
    tera.register_filter("toString", to_string);
    tera.register_filter("kindOf", kind_of);
    tera.register_filter("typeOf", type_of);
    tera.register_filter("kindIs", kind_is);
    tera.register_filter("typeIs", type_is);
    tera.register_function("print", print);
    tera.register_function("printf", printf);
    tera.register_function("cat", cat);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_go_does() {
        assert_eq!(go_float(1e6), "1e+06");
        assert_eq!(go_float(1234567.0), "1.234567e+06");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(1.0), "1");
        assert_eq!(go_float(0.00001), "1e-05");
    }

    #[test]
    fn sprintf_verbs() {
        let v = |s: &str| Value::from(s);
        assert_eq!(sprintf("%s-%s", &[v("a"), v("b")]), "a-b");
        assert_eq!(
            sprintf("%d/%v", &[Value::from(3i64), Value::from(1.5)]),
            "3/1.5"
        );
        assert_eq!(sprintf("%q", &[v("a\"b")]), "\"a\\\"b\"");
        assert_eq!(sprintf("%-5s|%5s", &[v("ab"), v("cd")]), "ab   |   cd");
        assert_eq!(
            sprintf(
                "%05d %x %.2f",
                &[Value::from(42i64), Value::from(255i64), Value::from(2.345)]
            ),
            "00042 ff 2.35"
        );
        assert_eq!(sprintf("%s", &[Value::none()]), "%!s(<nil>)");
        assert_eq!(sprintf("%T %%", &[v("x")]), "string %");
    }
}
