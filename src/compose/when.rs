//! Times as responders type them: RFC 3339 (with `T` or a space), or "10:05"
//! meaning its most recent occurrence in the site's time zone; and "next
//! update in 30m" or at a time. An entry records what has happened, so a
//! time later than now (beyond a small clock skew) is refused.

use crate::clock::{SKEW, parse_timestamp};
use crate::model::Duration;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};

#[derive(Debug, thiserror::Error)]
#[error(
    "`{0}` is not a time: write 10:05 (its last occurrence, site time zone) or 2026-11-26T10:05:00Z"
)]
pub struct ParseTimeError(String);

/// A bare clock time (`10:05`, `10:05:30`): nothing else, because jiff
/// would also take the time out of a naive date-time.
pub fn clock_time(text: &str) -> Option<Time> {
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    text.parse().ok()
}

fn on(date: Date, time: Time, tz: &TimeZone) -> Option<Timestamp> {
    date.to_datetime(time)
        .to_zoned_datetime(tz.clone())
        .ok()
        .map(|z| z.timestamp())
}

/// Every moment `time` on `date` names in `tz`: both in the hour a clock
/// goes back; in the hour it skips, the one after the jump (as jiff's
/// `compatible`).
fn moments(date: Date, time: Time, tz: &TimeZone) -> Vec<Timestamp> {
    let ambiguous = tz.to_ambiguous_timestamp(date.to_datetime(time));
    if let AmbiguousOffset::Fold { .. } = ambiguous.offset() {
        return [ambiguous.earlier(), ambiguous.later()]
            .into_iter()
            .flatten()
            .collect();
    }
    ambiguous.compatible().into_iter().collect()
}

/// When something happened: RFC 3339, or a clock time meaning its most
/// recent occurrence in the site's zone (today, or yesterday when today's
/// is still ahead beyond the skew: `23:55` typed at 00:05 is ten minutes
/// ago; `01:30` typed at 01:45 after the clock went back from 02:00 is a
/// quarter of an hour ago, not the 01:30 before the change).
pub fn parse_time(text: &str, now: Timestamp, tz: &TimeZone) -> Result<Timestamp, ParseTimeError> {
    let err = || ParseTimeError(text.to_string());
    if let Some(t) = parse_timestamp(text) {
        return Ok(t);
    }
    let time = clock_time(text).ok_or_else(err)?;
    let today = now.to_zoned_datetime(tz.clone()).date();
    let latest = now.checked_add(SKEW.as_signed()).map_err(|_| err())?;
    let yesterday = today.yesterday().map_err(|_| err())?;
    [yesterday, today]
        .into_iter()
        .flat_map(|day| moments(day, time, tz))
        .filter(|at| *at <= latest)
        .max()
        .ok_or_else(err)
}

/// The other moment a clock time `text` named, when `at` (what
/// `parse_time` took) lies in the hour a clock went back: that clock time
/// happened twice that day.
pub fn other_fold_moment(text: &str, at: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
    let time = clock_time(text)?;
    let day = at.to_zoned_datetime(tz.clone()).date();
    moments(day, time, tz).into_iter().find(|m| *m != at)
}

#[derive(Debug, thiserror::Error)]
#[error(
    "{what} {text} is {ahead} in the future (now is {now}): an entry records what has already happened; give a past time (10:05 means its last occurrence in the site's time zone), or leave {what} out to mean now"
)]
pub struct FutureError {
    what: String,
    text: String,
    ahead: String,
    now: String,
}

/// Refuses a time later than `now` plus the skew. `what` names the flag.
pub fn not_future(
    what: &str,
    text: &str,
    at: Timestamp,
    now: Timestamp,
) -> Result<(), FutureError> {
    if at <= now || Duration::from(at.duration_since(now)) <= SKEW {
        return Ok(());
    }
    Err(FutureError {
        what: what.to_string(),
        text: format!("`{text}` ({})", at.strftime("%Y-%m-%d %H:%M:%S UTC")),
        ahead: Duration::from(at.duration_since(now)).spoken(),
        now: now.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
    })
}

#[derive(Debug, thiserror::Error)]
#[error("`{0}` is neither a duration nor a time: write 30m, 1h, 10:05 or 2026-11-26T10:05:00Z")]
pub struct ParseNextError(String);

/// `30m` (after `at`), an RFC 3339 time, or a clock time meaning its next
/// occurrence after `at` in the site's zone.
pub fn parse_next(text: &str, at: Timestamp, tz: &TimeZone) -> Result<Timestamp, ParseNextError> {
    let err = || ParseNextError(text.to_string());
    if let Ok(d) = text.parse::<Duration>() {
        return at.checked_add(d.as_signed()).map_err(|_| err());
    }
    if let Some(t) = parse_timestamp(text) {
        return Ok(t);
    }
    let time = clock_time(text).ok_or_else(err)?;
    let day = at.to_zoned_datetime(tz.clone()).date();
    let same_day = on(day, time, tz).ok_or_else(err)?;
    if same_day > at {
        return Ok(same_day);
    }
    on(day.tomorrow().map_err(|_| err())?, time, tz).ok_or_else(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn clock_times_are_their_last_occurrence_in_the_site_zone() {
        let now = ts("2026-11-26T20:00:00Z");
        let berlin = jiff::tz::db().get("Europe/Berlin").unwrap();
        assert_eq!(
            parse_time("10:05", now, &berlin).unwrap(),
            ts("2026-11-26T09:05:00Z")
        );
        // 23:55 typed at 00:05 in Los Angeles is ten minutes ago, not tomorrow.
        let la = jiff::tz::db().get("America/Los_Angeles").unwrap();
        let just_after_midnight = ts("2026-11-27T08:05:00Z");
        assert_eq!(
            parse_time("23:55", just_after_midnight, &la).unwrap(),
            ts("2026-11-27T07:55:00Z")
        );
        // A minute ahead is within the skew: today.
        assert_eq!(
            parse_time("00:06", just_after_midnight, &la).unwrap(),
            ts("2026-11-27T08:06:00Z")
        );
        assert!(
            parse_time("2026-11-26T10:05:00", now, &berlin).is_err(),
            "a naive timestamp is refused"
        );
    }

    #[test]
    fn a_clock_time_in_the_hour_the_clock_goes_back_is_the_latest_past() {
        let la = jiff::tz::db().get("America/Los_Angeles").unwrap();
        // 2026-11-01: 02:00 PDT becomes 01:00 PST; 01:45 PST is 09:45Z.
        let now = ts("2026-11-01T09:45:00Z");
        assert_eq!(
            parse_time("01:30", now, &la).unwrap(),
            ts("2026-11-01T09:30:00Z"),
            "01:30 PST, a quarter of an hour ago"
        );
        // Before the second 01:30 comes, the first one is the latest.
        let first_pass = ts("2026-11-01T08:50:00Z");
        assert_eq!(
            parse_time("01:30", first_pass, &la).unwrap(),
            ts("2026-11-01T08:30:00Z")
        );
    }

    #[test]
    fn next_update_is_after_the_entry() {
        let at = ts("2026-11-26T20:00:00Z");
        let berlin = jiff::tz::db().get("Europe/Berlin").unwrap();
        assert_eq!(
            parse_next("30m", at, &berlin).unwrap(),
            ts("2026-11-26T20:30:00Z")
        );
        assert_eq!(
            parse_next("22:00", at, &berlin).unwrap(),
            ts("2026-11-26T21:00:00Z")
        );
        // 08:00 has passed today: tomorrow morning.
        assert_eq!(
            parse_next("08:00", at, &berlin).unwrap(),
            ts("2026-11-27T07:00:00Z")
        );
        assert!(parse_next("5x", at, &berlin).is_err());
    }

    #[test]
    fn only_times_beyond_the_skew_are_in_the_future() {
        let now = ts("2026-12-02T05:15:00Z");
        assert!(not_future("--at", "x", ts("2026-12-02T05:17:00Z"), now).is_ok());
        let err = not_future(
            "--at",
            "2027-01-01T00:00:00Z",
            ts("2027-01-01T00:00:00Z"),
            now,
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("--at `2027-01-01T00:00:00Z` (2027-01-01 00:00:00 UTC) is 29 d 18 h in the future (now is 2026-12-02 05:15:00 UTC)"), "{err}");
    }
}
