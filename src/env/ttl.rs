//! Time to live of an environment: `--ttl 3d`, `12h`, `1w2d`, `90m`; `0` = never expires.

/// How long an environment lives after each `env up` or deploy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ttl {
    Never,
    Seconds(i64),
}

impl Ttl {
    /// The expiry of an environment renewed at `now` (`None` = never).
    pub fn expires_at(self, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
        match self {
            Ttl::Never => None,
            Ttl::Seconds(seconds) => now
                .checked_add(jiff::SignedDuration::from_secs(seconds))
                .ok(),
        }
    }
}

impl std::str::FromStr for Ttl {
    type Err = String;

    /// `0`, or numbers each followed by a unit: `w`, `d`, `h`, `m`, `s` (`1d12h`).
    fn from_str(text: &str) -> Result<Ttl, String> {
        let error = || {
            format!(
                "invalid TTL `{}`: use e.g. `3d`, `12h`, `1w`, `1d12h`, or `0` for never",
                crate::error::quoted(text)
            )
        };
        let text = text.trim();
        if text == "0" {
            return Ok(Ttl::Never);
        }
        if text.is_empty() {
            return Err(error());
        }
        let mut total: i64 = 0;
        let mut number = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let unit = match c {
                'w' => 7 * 86_400,
                'd' => 86_400,
                'h' => 3_600,
                'm' => 60,
                's' => 1,
                _ => return Err(error()),
            };
            let value: i64 = number.parse().map_err(|_| error())?;
            number.clear();
            total = value
                .checked_mul(unit)
                .and_then(|part| total.checked_add(part))
                .filter(|total| *total <= 100 * 365 * 86_400)
                .ok_or_else(error)?;
        }
        if !number.is_empty() {
            return Err(error());
        }
        Ok(if total == 0 {
            Ttl::Never
        } else {
            Ttl::Seconds(total)
        })
    }
}

impl std::fmt::Display for Ttl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ttl::Never => f.write_str("0"),
            Ttl::Seconds(seconds) => {
                let mut rest = *seconds;
                for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
                    if rest >= size {
                        write!(f, "{}{unit}", rest / size)?;
                        rest %= size;
                    }
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls() {
        assert_eq!("3d".parse(), Ok(Ttl::Seconds(3 * 86_400)));
        assert_eq!("1d12h".parse(), Ok(Ttl::Seconds(36 * 3_600)));
        assert_eq!("1w".parse(), Ok(Ttl::Seconds(7 * 86_400)));
        assert_eq!("0".parse(), Ok(Ttl::Never));
        assert_eq!("0d".parse(), Ok(Ttl::Never));
        assert!("3".parse::<Ttl>().is_err());
        assert!("d".parse::<Ttl>().is_err());
        assert!("3x".parse::<Ttl>().is_err());
        assert!("".parse::<Ttl>().is_err());
        assert!("999999999999w".parse::<Ttl>().is_err());
        assert_eq!(Ttl::Seconds(36 * 3_600).to_string(), "1d12h");
        let now: jiff::Timestamp = "2024-05-01T12:00:00Z".parse().unwrap();
        assert_eq!(
            Ttl::Seconds(86_400).expires_at(now),
            Some("2024-05-02T12:00:00Z".parse().unwrap())
        );
        assert_eq!(Ttl::Never.expires_at(now), None);
    }
}
