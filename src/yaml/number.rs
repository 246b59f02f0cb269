//! Floats printed as Helm prints them: Go's `strconv.FormatFloat` shortest forms, after
//! `encoding/json` (for `toJson`) or after the JSON → YAML round trip `toYaml` makes.

use std::fmt::Write as _;

/// The shortest digits that read back as a float, and the power of ten of the first one:
/// `1234567.5` is `12345675` and 6.
struct Shortest {
    negative: bool,
    digits: [u8; 24],
    length: usize,
    exponent: i32,
}

impl Shortest {
    fn of(float: f64) -> Shortest {
        // Rust's `{:e}` is the shortest round-trip form, `d.ddde±x`.
        let mut text = StackText::default();
        let _ = write!(text, "{:e}", float.abs());
        Shortest::parse(text.as_str(), float.is_sign_negative())
    }

    /// The shortest digits that read back as the same `f32`.
    fn of_f32(float: f32) -> Shortest {
        let mut text = StackText::default();
        let _ = write!(text, "{:e}", float.abs());
        Shortest::parse(text.as_str(), float.is_sign_negative())
    }

    fn parse(text: &str, negative: bool) -> Shortest {
        let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
        let mut digits = [0u8; 24];
        let mut length = 0;
        for byte in mantissa.bytes().filter(u8::is_ascii_digit) {
            if length < digits.len() {
                digits[length] = byte;
                length += 1;
            }
        }
        Shortest {
            negative,
            digits,
            length,
            exponent: exponent.parse().unwrap_or(0),
        }
    }

    fn digits(&self) -> &str {
        std::str::from_utf8(&self.digits[..self.length]).unwrap_or_default()
    }

    /// `%e`: `d.ddde±dd`.
    fn push_exponent(&self, out: &mut String, two_digit_exponent: bool) {
        if self.negative {
            out.push('-');
        }
        let digits = self.digits();
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if self.exponent < 0 { '-' } else { '+' });
        let magnitude = self.exponent.unsigned_abs();
        if two_digit_exponent && magnitude < 10 {
            out.push('0');
        }
        out.push_str(itoa::Buffer::new().format(magnitude));
    }

    /// `%f` with just the digits needed.
    fn push_fixed(&self, out: &mut String) {
        if self.negative {
            out.push('-');
        }
        let digits = self.digits();
        if self.exponent < 0 {
            out.push_str("0.");
            super::push_zeros(out, (-self.exponent - 1) as usize);
            out.push_str(digits);
            return;
        }
        let whole = self.exponent as usize + 1;
        if digits.len() <= whole {
            out.push_str(digits);
            super::push_zeros(out, whole - digits.len());
        } else {
            out.push_str(&digits[..whole]);
            out.push('.');
            out.push_str(&digits[whole..]);
        }
    }
}

/// A float as Helm's `toYaml` prints it: Go's JSON text of it read back by go-yaml, so an
/// integral value that fits 64 bits is an integer (`1.0` → `1`, `1e6` → `1000000`), anything
/// else Go's shortest `%g` (`0.5`, `1e-05`, `1.2345675e+06`, `1e+21`).
pub fn push_helm_yaml(out: &mut String, float: f64) {
    // Below 2^53 an integral float is its integer, digit for digit.
    if float.fract() == 0.0 && float.abs() < 9_007_199_254_740_992.0 {
        out.push_str(itoa::Buffer::new().format(float as i64));
        return;
    }
    let shortest = Shortest::of(float);
    if float.fract() == 0.0 && float.abs() < 1e21 {
        // JSON writes the shortest digits padded with zeros; go-yaml reads that back as an
        // integer when it fits 64 bits (`12345678901234567890` → `12345678901234567000`).
        let start = out.len();
        shortest.push_fixed(out);
        let text = &out[start..];
        if text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok() {
            return;
        }
        out.truncate(start);
    }
    if shortest.exponent < -4 || shortest.exponent >= 6 {
        shortest.push_exponent(out, true);
    } else {
        shortest.push_fixed(out);
    }
}

/// A float map key as `sigs.k8s.io/yaml` turns it into a JSON key: Go's shortest `%g` at
/// `float32` precision (`1e3:` is the key `1000`, `2.5:` `2.5`, `123456789.5:` `1.2345679e+08`).
pub fn go_float_key(float: f64) -> String {
    if !float.is_finite() {
        return match float {
            f if f.is_nan() => ".nan",
            f if f > 0.0 => ".inf",
            _ => "-.inf",
        }
        .to_string();
    }
    let mut out = String::new();
    let shortest = Shortest::of_f32(float as f32);
    if shortest.exponent < -4 || shortest.exponent >= 6 {
        shortest.push_exponent(&mut out, true);
    } else {
        shortest.push_fixed(&mut out);
    }
    out
}

/// A float as Go's `encoding/json` writes it (Helm's `toJson`): fixed notation from 1e-6 up to
/// 1e21 (`1` for `1.0`), else `1e-7`, `1.5e+21`.
pub fn push_json(out: &mut String, float: f64) {
    let shortest = Shortest::of(float);
    let magnitude = float.abs();
    if magnitude != 0.0 && !(1e-6..1e21).contains(&magnitude) {
        shortest.push_exponent(out, false);
    } else {
        shortest.push_fixed(out);
    }
}

/// Room for `{:e}` of any `f64` (at most 24 bytes), without allocating.
#[derive(Default)]
struct StackText {
    bytes: [u8; 32],
    length: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.length]).unwrap_or_default()
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        let end = self.length + text.len();
        self.bytes
            .get_mut(self.length..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(text.as_bytes());
        self.length = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(float: f64) -> String {
        let mut out = String::new();
        push_helm_yaml(&mut out, float);
        out
    }

    fn json(float: f64) -> String {
        let mut out = String::new();
        push_json(&mut out, float);
        out
    }

    #[test]
    fn helm_to_yaml_numbers() {
        // go-templates.md §2.6 and §1.8.
        for (float, text) in [
            (1.0, "1"),
            (1e6, "1000000"),
            (8080.0, "8080"),
            (-0.0, "0"),
            (0.5, "0.5"),
            (1.1, "1.1"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1234567.5, "1.2345675e+06"),
            (123456.5, "123456.5"),
            (-1.5e-7, "-1.5e-07"),
            (1e21, "1e+21"),
            (12345678901234567890.0, "12345678901234567000"),
            (9007199254740993.0, "9007199254740992"),
            (1e20, "1e+20"),
            (-1e19, "-1e+19"),
            (-9.3e18, "-9.3e+18"),
        ] {
            assert_eq!(yaml(float), text, "{float}");
        }
    }

    #[test]
    fn float_keys_as_sigs_k8s_io_yaml() {
        for (float, text) in [
            (1000.0, "1000"),
            (8.0, "8"),
            (2.5, "2.5"),
            (0.1, "0.1"),
            (1e20, "1e+20"),
            (123456789.5, "1.2345679e+08"),
            (f64::INFINITY, ".inf"),
        ] {
            assert_eq!(go_float_key(float), text, "{float}");
        }
    }

    #[test]
    fn go_json_numbers() {
        for (float, text) in [
            (1.0, "1"),
            (1e6, "1000000"),
            (0.5, "0.5"),
            (-0.0, "-0"),
            (1e-7, "1e-7"),
            (1.5e-6, "0.0000015"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (123456789.125, "123456789.125"),
        ] {
            assert_eq!(json(float), text, "{float}");
        }
    }
}
