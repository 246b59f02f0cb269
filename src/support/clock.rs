//! The one clock for every time this tool stamps: release records (`last_deployed`, `deleted`),
//! the operation lock's acquire time (shown to whoever finds a release locked), generated release
//! names, and the `generated`/`created` fields of `Chart.lock`, `index.yaml` and
//! `repositories.yaml`.
//!
//! `SOURCE_DATE_EPOCH` is not read here on purpose. It asks for reproducible *build outputs*,
//! and only packaging honours it (`charts package` stamps it on every archive entry, as Helm
//! does); a pipeline that exports it would otherwise record every revision of a release at the
//! same time. Helm stamps `index.yaml` and `Chart.lock` with the real time as well.

use jiff::Timestamp;

/// For tests only, never documented to users: an RFC 3339 time that [`now`] returns instead of
/// the real time, so that whole outputs holding times can be compared. Read only by the stamps;
/// durations measured against another machine (the lock lease's expiry, which the API server
/// and other clients see) always use [`system_now`].
const TEST_NOW: &str = "CHARTS_TEST_NOW";

/// The time to stamp on what this run records.
pub fn now() -> Timestamp {
    std::env::var(TEST_NOW)
        .ok()
        .and_then(|text| fixed(&text))
        .unwrap_or_else(system_now)
}

/// [`now`], to the second, as RFC 3339 in UTC: `2024-05-01T12:00:00Z`.
pub fn now_rfc3339() -> String {
    rfc3339(now())
}

/// The machine's real time, never overridden: for times compared with other machines' clocks.
pub fn system_now() -> Timestamp {
    Timestamp::now()
}

/// `time` to the second, as RFC 3339 in UTC.
pub fn rfc3339(time: Timestamp) -> String {
    Timestamp::from_second(time.as_second())
        .unwrap_or(time)
        .to_string()
}

/// The test override's time; an unreadable override is ignored rather than trusted.
fn fixed(text: &str) -> Option<Timestamp> {
    text.trim().parse::<Timestamp>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_dates() {
        let at = |seconds| rfc3339(Timestamp::from_second(seconds).unwrap());
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn rfc3339_drops_fractions_of_a_second() {
        let time = Timestamp::from_microsecond(1_700_000_000_250_000).unwrap();
        assert_eq!(rfc3339(time), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn the_test_override_reads_rfc3339_with_any_offset() {
        assert_eq!(
            fixed("2023-11-14T22:13:20Z"),
            Some(Timestamp::from_second(1_700_000_000).unwrap())
        );
        assert_eq!(
            fixed("2023-11-15T00:13:20+02:00"),
            Some(Timestamp::from_second(1_700_000_000).unwrap())
        );
        assert_eq!(fixed("1700000000"), None);
        assert_eq!(fixed("yesterday"), None);
    }
}
