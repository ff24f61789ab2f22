//! Times as pages show them: in the site's time zone with the zone named,
//! and UTC alongside (for a `title` attribute or a machine).

use super::locale::Locale;
use crate::model::Config;
use crate::model::duration::days_hours_minutes;
use jiff::civil::Date;
use jiff::fmt::friendly::{Designator, SpanPrinter};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp, ToSpan};
use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use serde::Serialize;
use std::cell::LazyCell;
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

/// The fields of `When`, in its order.
const WHEN_FIELDS: [&str; 6] = ["iso", "local", "time", "day", "utc", "date"];

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
        let zoned = LazyCell::new(|| self.zoned(t));
        let field = |name| self.field(t, &zoned, name).unwrap_or_default();
        When {
            iso: field("iso"),
            local: field("local"),
            time: field("time"),
            day: field("day"),
            utc: field("utc"),
            date: field("date"),
        }
    }

    /// `when(t)` as a template value, each field written out when a
    /// template reads it: a list of incidents reads three of six, and most
    /// of a site's times are in lists.
    pub fn moment(&self, t: Timestamp) -> Value {
        Value::from_object(Moment {
            clock: self.clone(),
            at: t,
        })
    }

    /// The field `name` of `when(t)` (`WHEN_FIELDS`), written out alone.
    pub(crate) fn when_field(&self, t: Timestamp, name: &str) -> Option<String> {
        self.field(t, &LazyCell::new(|| self.zoned(t)), name)
    }

    /// The field `name` of `when(t)`, `t` in the site's zone looked up at
    /// most once for all the fields asked of `zoned`.
    fn field<F: FnOnce() -> (Date, String)>(
        &self,
        t: Timestamp,
        zoned: &LazyCell<(Date, String), F>,
        name: &str,
    ) -> Option<String> {
        Some(match name {
            "iso" => iso(t),
            "utc" => in_utc(t, ' ', false, " UTC"),
            "time" => zoned.1.clone(),
            "day" => self.locale.day(zoned.0),
            "date" => zoned.0.to_string(),
            "local" => self.locale.local(&self.locale.day(zoned.0), &zoned.1),
            _ => return None,
        })
    }

    /// `t`'s date in the site's zone, and its time there with the zone's
    /// name ("11:05 CET"): one look-up of the zone's offset and name, and
    /// the digits written out one by one (strftime reads its pattern anew
    /// each time).
    fn zoned(&self, t: Timestamp) -> (Date, String) {
        let info = self.tz.to_offset_info(t);
        let local = info.offset().to_datetime(t);
        let mut time = String::with_capacity(12);
        push_time(&mut time, local.time(), false);
        time.push(' ');
        time.push_str(info.abbreviation());
        (local.date(), time)
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

/// `SiteTime::moment`: a moment and the clock that writes it out.
#[derive(Debug)]
struct Moment {
    clock: SiteTime,
    at: Timestamp,
}

impl Object for Moment {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.clock
            .when_field(self.at, key.as_str()?)
            .map(Value::from)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&WHEN_FIELDS)
    }
}

/// RFC 3339 in UTC, to the second: "2026-11-26T10:05:00Z".
pub fn iso(t: Timestamp) -> String {
    in_utc(t, 'T', true, "Z")
}

/// `t`'s date and time in UTC, `between` them, to the minute or the
/// second, then `suffix`.
fn in_utc(t: Timestamp, between: char, seconds: bool, suffix: &str) -> String {
    let utc = Offset::UTC.to_datetime(t);
    let mut out = String::with_capacity(24);
    push_date(&mut out, utc.date());
    out.push(between);
    push_time(&mut out, utc.time(), seconds);
    out.push_str(suffix);
    out
}

/// "2026-11-26", as strftime's `%Y-%m-%d` writes it: the year in four
/// characters at least, its sign among them before the year 0.
fn push_date(out: &mut String, date: Date) {
    let year = date.year();
    if (1000..=9999).contains(&year) {
        let year = year.unsigned_abs();
        push_digits(out, year / 100);
        push_digits(out, year % 100);
    } else {
        let text = year.to_string();
        let (sign, digits) = text.split_at(usize::from(year < 0));
        out.push_str(sign);
        (text.len()..4).for_each(|_| out.push('0'));
        out.push_str(digits);
    }
    out.push('-');
    push_digits(out, date.month().unsigned_abs().into());
    out.push('-');
    push_digits(out, date.day().unsigned_abs().into());
}

/// "10:05", or "10:05:07" with `seconds`.
fn push_time(out: &mut String, time: jiff::civil::Time, seconds: bool) {
    push_digits(out, time.hour().unsigned_abs().into());
    out.push(':');
    push_digits(out, time.minute().unsigned_abs().into());
    if seconds {
        out.push(':');
        push_digits(out, time.second().unsigned_abs().into());
    }
}

/// `n` (below 100) in two digits.
fn push_digits(out: &mut String, n: u16) {
    out.push(char::from(b'0' + (n / 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
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

    /// The site's clock in Berlin, in English.
    fn berlin() -> SiteTime {
        SiteTime {
            tz: TimeZone::get("Europe/Berlin").unwrap(),
            name: "Europe/Berlin".into(),
            locale: Locale::english(),
        }
    }

    /// A template reads the same from `moment` as from `when`, field by
    /// field and whole, in summer and winter time.
    #[test]
    fn a_moment_is_its_when() {
        let clock = berlin();
        for at in [
            "2026-11-26T10:05:00Z",
            "2026-07-01T23:30:59Z",
            "1969-12-31T23:59:59Z",
        ] {
            let t: Timestamp = at.parse().unwrap();
            let (when, moment) = (super::super::ctx(&clock.when(t)), clock.moment(t));
            for name in WHEN_FIELDS {
                let field = moment.get_attr(name).unwrap();
                assert!(!field.is_undefined(), "{name}");
                assert_eq!(field, when.get_attr(name).unwrap(), "{name} of {at}");
            }
            let keys = |v: &Value| v.try_iter().unwrap().collect::<Vec<_>>();
            assert_eq!(keys(&moment), keys(&when));
            assert_eq!(moment.to_string(), when.to_string());
        }
        assert!(
            clock
                .moment(Timestamp::UNIX_EPOCH)
                .get_attr("year")
                .unwrap()
                .is_undefined()
        );
    }

    #[test]
    fn names_the_zone_and_keeps_utc() {
        let clock = berlin();
        let w = clock.when("2026-11-26T10:05:00Z".parse().unwrap());
        assert_eq!(w.local, "26 Nov 2026, 11:05 CET");
        assert_eq!(w.utc, "2026-11-26 10:05 UTC");
        assert_eq!(w.iso, "2026-11-26T10:05:00Z");
    }

    /// Written digit by digit, every form is what strftime writes: across
    /// zones (with and without a name for their offset), both sides of a
    /// change of offset, fractions of a second, the first and last years
    /// jiff holds.
    #[test]
    fn each_form_is_what_strftime_writes() {
        let instants = [
            "-009998-01-01T00:00:00Z",
            "-000001-06-01T12:00:00Z",
            "0000-03-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "0999-12-31T23:59:59Z",
            "1969-12-31T23:59:59.5Z",
            "1970-01-01T00:00:00Z",
            "2026-03-29T00:59:59.999Z",
            "2026-03-29T01:00:00Z",
            "2026-10-25T00:30:00Z",
            "2026-11-26T10:05:07.250Z",
            "9999-12-30T12:00:00Z",
        ];
        let zones = [
            "UTC",
            "Europe/Berlin",
            "Asia/Kolkata",
            "America/Sao_Paulo",
            "Pacific/Chatham",
        ];
        for zone in zones {
            let tz = TimeZone::get(zone).unwrap();
            let clock = SiteTime {
                tz: tz.clone(),
                name: zone.into(),
                locale: Locale::english(),
            };
            for at in instants {
                let t: Timestamp = at.parse().unwrap();
                let z = t.to_zoned_datetime(tz.clone());
                let w = clock.when(t);
                let said = |pattern: &str| t.strftime(pattern).to_string();
                assert_eq!(w.iso, said("%Y-%m-%dT%H:%M:%SZ"), "{zone} {at}");
                assert_eq!(w.utc, said("%Y-%m-%d %H:%M UTC"), "{zone} {at}");
                assert_eq!(w.time, z.strftime("%H:%M %Z").to_string(), "{zone} {at}");
                assert_eq!(w.date, z.date().to_string(), "{zone} {at}");
                assert_eq!(w.day, clock.locale.day(z.date()), "{zone} {at}");
            }
        }
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(66 * 60), "1h 6m");
        assert_eq!(human_duration(45 * 60), "45m");
        assert_eq!(human_duration(10), "less than a minute");
    }
}
