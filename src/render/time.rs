//! Times as pages show them: in the site's time zone with the zone named,
//! and UTC alongside (for a `title` attribute or a machine).

use super::locale::Locale;
use crate::model::Config;
use crate::model::duration::days_hours_minutes;
use jiff::civil::Date;
use jiff::fmt::friendly::{Designator, SpanPrinter};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Serialize;
use std::sync::Arc;

/// The site's time zone and locale, for showing times (it does not tell the
/// time: `crate::clock` does).
#[derive(Debug, Clone)]
pub struct SiteTime {
    tz: TimeZone,
    name: Arc<str>,
    /// The words and date formats pages are written in.
    locale: Arc<Locale>,
}

/// One moment, every way a template may want to print it.
#[derive(Debug, Clone, Serialize)]
pub struct When {
    /// RFC 3339 in UTC, for `<time datetime>` and machines.
    pub iso: String,
    /// "26 Nov 2026, 11:05 CET"
    pub local: String,
    /// "11:05 CET"
    pub time: String,
    /// "26 Nov 2026"
    pub day: String,
    /// "2026-11-26 10:05 UTC"
    pub utc: String,
    /// The local date, "2026-11-26".
    pub date: String,
}

impl SiteTime {
    /// The site's clock: its time zone, UTC when none is set (validation
    /// rejects an unknown one before anything renders).
    pub fn new(config: &Config) -> Self {
        Self::localized(config, Locale::english())
    }

    /// The site's clock speaking `locale`.
    pub fn localized(config: &Config, locale: Arc<Locale>) -> Self {
        Self {
            tz: config.timezone(),
            name: config.timezone_name().into(),
            locale,
        }
    }

    pub(crate) fn locale(&self) -> &Locale {
        &self.locale
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// `t` in the site's zone and locale, every way a template prints it.
    pub fn when(&self, t: Timestamp) -> When {
        let z = t.to_zoned_datetime(self.tz.clone());
        let day = self.locale.day(z.date());
        let time = z.strftime("%H:%M %Z").to_string();
        When {
            iso: iso(t),
            local: self.locale.local(&day, &time),
            time,
            day,
            utc: t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            date: z.date().to_string(),
        }
    }

    pub(crate) fn date(&self, t: Timestamp) -> Date {
        t.to_zoned_datetime(self.tz.clone()).date()
    }

    /// The first instant of `date` in the site's zone.
    pub fn start_of(&self, date: Date) -> Timestamp {
        date.to_zoned_datetime(self.tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    pub(crate) fn end_of(&self, date: Date) -> Timestamp {
        date.checked_add(1.day())
            .map_or(Timestamp::MAX, |next| self.start_of(next))
    }
}

/// RFC 3339 in UTC, to the second: "2026-11-26T10:05:00Z".
pub fn iso(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// "1h 6m", "45m", "1d 14m": elapsed time as people read it, to the
/// nearest minute (jiff's friendly printer, compact).
pub fn human_duration(seconds: i64) -> String {
    match days_hours_minutes(SignedDuration::from_secs(seconds)) {
        Some(span) if span.is_positive() => SpanPrinter::new()
            .designator(Designator::Compact)
            .span_to_string(&span),
        Some(_) => "less than a minute".to_string(),
        // Beyond what a span holds: thousands of years, in minutes.
        None => format!("{}m", seconds / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_zone_and_keeps_utc() {
        let clock = SiteTime {
            tz: TimeZone::get("Europe/Berlin").unwrap(),
            name: "Europe/Berlin".into(),
            locale: Locale::english(),
        };
        let w = clock.when("2026-11-26T10:05:00Z".parse().unwrap());
        assert_eq!(w.local, "26 Nov 2026, 11:05 CET");
        assert_eq!(w.utc, "2026-11-26 10:05 UTC");
        assert_eq!(w.iso, "2026-11-26T10:05:00Z");
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(66 * 60), "1h 6m");
        assert_eq!(human_duration(45 * 60), "45m");
        assert_eq!(human_duration(10), "less than a minute");
    }
}
