//! Durations as people write them in config and on the command line: "15m",
//! "4h", "3d", "1h30m". Days are 24 hours: cadences and due dates are about
//! elapsed time, not calendar days.

use jiff::fmt::StdFmtWrite;
use jiff::fmt::friendly::{Designator, Spacing, SpanPrinter};
use jiff::{RoundMode, SignedDuration, Span, SpanRound, Unit};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::str::FromStr;

/// A length of time as written in config and on the command line (see the
/// module); `Display` writes it back in the same form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(SignedDuration);

/// A text that is not a duration; the message shows how to write one.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a duration: write a number and a unit, e.g. 15m, 4h, 3d or 1h30m")]
pub struct ParseDurationError(String);

impl Duration {
    pub(crate) const fn minutes(m: i64) -> Self {
        Self(SignedDuration::from_secs(m * 60))
    }

    pub(crate) const fn hours(h: i64) -> Self {
        Self::minutes(h * 60)
    }

    pub(crate) const fn days(d: i64) -> Self {
        Self::hours(d * 24)
    }

    /// As jiff's duration, for arithmetic on timestamps.
    pub fn as_signed(self) -> SignedDuration {
        self.0
    }

    /// From `from` to `to`, to the minute: every interval between two
    /// moments of an incident is counted this way, wherever it is shown.
    pub fn between(from: jiff::Timestamp, to: jiff::Timestamp) -> Self {
        Self::from(to.duration_since(from)).to_minute()
    }

    /// Whole minutes, the seconds dropped: durations are shown to the minute.
    pub fn to_minute(self) -> Self {
        Self::minutes(self.as_minutes())
    }

    pub(crate) fn as_minutes(self) -> i64 {
        self.0.as_secs() / 60
    }

    /// As said in a sentence: "47 min", "1 h 5 min", "2 d 3 h" (minutes
    /// dropped beyond a day).
    pub fn spoken(self) -> String {
        let m = self.as_minutes().abs();
        let (d, h, min) = (m / 1440, m % 1440 / 60, m % 60);
        let parts: Vec<String> = [(d, "d"), (h, "h"), (min, "min")]
            .into_iter()
            .filter(|(n, unit)| *n > 0 && !(d > 0 && *unit == "min"))
            .map(|(n, unit)| format!("{n} {unit}"))
            .collect();
        if parts.is_empty() {
            "0 min".into()
        } else {
            parts.join(" ")
        }
    }
}

impl From<SignedDuration> for Duration {
    fn from(d: SignedDuration) -> Self {
        Self(d)
    }
}

impl FromStr for Duration {
    type Err = ParseDurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseDurationError(s.to_string());
        let mut minutes: i64 = 0;
        let mut digits = String::new();
        for c in s.trim().chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let unit = match c {
                'm' => 1,
                'h' => 60,
                'd' => 60 * 24,
                'w' => 60 * 24 * 7,
                _ => return Err(err()),
            };
            let n: i64 = digits.parse().map_err(|_| err())?;
            minutes = n
                .checked_mul(unit)
                .and_then(|m| minutes.checked_add(m))
                .filter(|m| *m <= 60 * 24 * 366)
                .ok_or_else(err)?;
            digits.clear();
        }
        if !digits.is_empty() || minutes == 0 {
            return Err(err());
        }
        Ok(Self::minutes(minutes))
    }
}

/// The shortest readable form: 15m, 1h, 1h30m, 3d (jiff's friendly printer,
/// compact, without spaces, so the text parses back).
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const COMPACT: SpanPrinter = SpanPrinter::new()
            .designator(Designator::Compact)
            .spacing(Spacing::None)
            .zero_unit(Unit::Minute);
        match days_hours_minutes(self.to_minute().0) {
            Some(span) => COMPACT
                .print_span(&span, StdFmtWrite(f))
                .map_err(|_| fmt::Error),
            None => write!(f, "{}m", self.as_minutes()),
        }
    }
}

/// `d` as 24-hour days, hours and minutes (rounded half up to the minute),
/// for jiff's printer; `None` beyond what a span holds (thousands of years).
pub fn days_hours_minutes(d: SignedDuration) -> Option<Span> {
    let round = SpanRound::new()
        .largest(Unit::Day)
        .smallest(Unit::Minute)
        .mode(RoundMode::HalfExpand)
        .days_are_24_hours();
    Span::try_from(d).ok()?.round(round).ok()
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        for (text, minutes) in [
            ("15m", 15),
            ("4h", 240),
            ("3d", 4320),
            ("1h30m", 90),
            ("1w", 10080),
        ] {
            let d: Duration = text.parse().unwrap();
            assert_eq!(d.as_minutes(), minutes, "{text}");
        }
        assert_eq!(Duration::minutes(90).to_string(), "1h30m");
        assert_eq!(Duration::days(3).to_string(), "3d");
        assert_eq!(Duration::minutes(47).spoken(), "47 min");
        assert_eq!(Duration::minutes(65).spoken(), "1 h 5 min");
        assert_eq!(Duration::minutes(3 * 1440 + 61).spoken(), "3 d 1 h");
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for bad in [
            "",
            "15",
            "m",
            "15s",
            "1.5h",
            "-5m",
            "0m",
            "99999999999999999999m",
        ] {
            assert!(bad.parse::<Duration>().is_err(), "{bad}");
        }
    }
}
