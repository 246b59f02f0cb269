//! Resource quantities as Kubernetes parses, adds, compares and prints them (`100m`, `1Gi`,
//! `500M`, `1e3`), kept exactly as a count of nano-units.

use std::cmp::Ordering;
use std::fmt;

/// The message the API server gives for a quantity it cannot parse.
pub const SYNTAX_MESSAGE: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const NANO: i128 = 1_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    DecimalSi,
    BinarySi,
    DecimalExponent,
}

/// A quantity: its value in nano-units and the suffix family it was written in.
#[derive(Debug, Clone, Copy)]
pub struct Quantity {
    nanos: i128,
    format: Format,
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Quantity) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Quantity) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl Quantity {
    pub fn zero() -> Quantity {
        Quantity {
            nanos: 0,
            format: Format::DecimalSi,
        }
    }

    /// A whole number, such as an object count.
    pub fn count(value: i64) -> Quantity {
        Quantity {
            nanos: i128::from(value) * NANO,
            format: Format::DecimalSi,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// The sum, in the format of the first operand that is not zero (as `Quantity.Add` does).
    pub fn add(self, other: Quantity) -> Quantity {
        let format = if self.nanos == 0 {
            other.format
        } else {
            self.format
        };
        Quantity {
            nanos: self.nanos.saturating_add(other.nanos),
            format,
        }
    }

    /// The difference, in the format of `self` (or `other` when `self` is zero).
    pub fn sub(self, other: Quantity) -> Quantity {
        let format = if self.nanos == 0 {
            other.format
        } else {
            self.format
        };
        Quantity {
            nanos: self.nanos.saturating_sub(other.nanos),
            format,
        }
    }

    /// The value as a float, for ratios.
    pub fn as_f64(&self) -> f64 {
        self.nanos as f64 / NANO as f64
    }

    /// Parses `text`, or `None` when it is not a quantity.
    pub fn parse(text: &str) -> Option<Quantity> {
        let text = text.trim();
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(number_end);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return None;
        }
        let mut mantissa: i128 = 0;
        for digit in whole.bytes().chain(fraction.bytes()) {
            mantissa = mantissa
                .checked_mul(10)?
                .checked_add(i128::from(digit - b'0'))?;
        }
        let fraction_digits = fraction.len() as i32;
        let (format, multiplier, exponent): (Format, i128, i32) = match suffix {
            "" => (Format::DecimalSi, 1, 0),
            "n" => (Format::DecimalSi, 1, -9),
            "u" => (Format::DecimalSi, 1, -6),
            "m" => (Format::DecimalSi, 1, -3),
            "k" => (Format::DecimalSi, 1, 3),
            "M" => (Format::DecimalSi, 1, 6),
            "G" => (Format::DecimalSi, 1, 9),
            "T" => (Format::DecimalSi, 1, 12),
            "P" => (Format::DecimalSi, 1, 15),
            "E" => (Format::DecimalSi, 1, 18),
            "Ki" => (Format::BinarySi, 1 << 10, 0),
            "Mi" => (Format::BinarySi, 1 << 20, 0),
            "Gi" => (Format::BinarySi, 1 << 30, 0),
            "Ti" => (Format::BinarySi, 1 << 40, 0),
            "Pi" => (Format::BinarySi, 1 << 50, 0),
            "Ei" => (Format::BinarySi, 1 << 60, 0),
            exponent if exponent.starts_with(['e', 'E']) => {
                let digits = &exponent[1..];
                let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(digits);
                if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let value: i32 = digits.parse().ok().filter(|e: &i32| e.abs() <= 30)?;
                (Format::DecimalExponent, 1, value)
            }
            _ => return None,
        };
        // value = mantissa * multiplier * 10^(exponent - fraction_digits), in nano-units.
        let scale = 9 + exponent - fraction_digits;
        let scaled = mantissa.checked_mul(multiplier)?;
        let nanos = if scale >= 0 {
            scaled.checked_mul(10i128.checked_pow(scale as u32)?)?
        } else {
            // Below a nano-unit, round up as the API server does.
            let divisor = 10i128.checked_pow((-scale) as u32)?;
            (scaled + divisor - 1) / divisor
        };
        Some(Quantity {
            nanos: if negative { -nanos } else { nanos },
            format,
        })
    }
}

/// The canonical form the API server prints: the largest suffix that keeps the number whole.
impl fmt::Display for Quantity {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nanos == 0 {
            return formatter.write_str("0");
        }
        let sign = if self.nanos < 0 { "-" } else { "" };
        let value = self.nanos.unsigned_abs();
        let nano = NANO as u128;
        let binary =
            self.format == Format::BinarySi && value.is_multiple_of(nano) && value / nano >= 1024;
        if binary {
            let mut units = value / nano;
            let mut suffix = 0;
            while units.is_multiple_of(1024) && suffix < 6 {
                units /= 1024;
                suffix += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][suffix];
            return write!(formatter, "{sign}{units}{suffix}");
        }
        // Exponents -9, -6, ..., 18: the largest one that divides the value.
        let mut exponent = -9;
        let mut mantissa = value;
        while exponent < 18 && mantissa.is_multiple_of(1000) {
            mantissa /= 1000;
            exponent += 3;
        }
        if self.format == Format::DecimalExponent {
            return match exponent {
                0 => write!(formatter, "{sign}{mantissa}"),
                _ => write!(formatter, "{sign}{mantissa}e{exponent}"),
            };
        }
        let suffix = match exponent {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            _ => "E",
        };
        write!(formatter, "{sign}{mantissa}{suffix}")
    }
}
