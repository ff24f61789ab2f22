//! Times as responders type them: RFC 3339, or "10:05" meaning today in the
//! site's time zone; and "next update in 30m" or at a time.

use crate::model::Duration;
use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;

#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a time: write 10:05 (today, site time zone) or 2026-11-26T10:05:00Z")]
pub struct ParseTimeError(String);

pub fn parse_time(text: &str, now: Timestamp, tz: &TimeZone) -> Result<Timestamp, ParseTimeError> {
    let err = || ParseTimeError(text.to_string());
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    // Only a bare clock time: jiff would also take the time out of a naive
    // date-time, silently moving it to today.
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return Err(err());
    }
    let time: Time = text.parse().map_err(|_| err())?;
    let today = now.to_zoned_datetime(tz.clone()).date();
    let zoned = today
        .to_datetime(time)
        .to_zoned_datetime(tz.clone())
        .map_err(|_| err())?;
    Ok(zoned.timestamp())
}

#[derive(Debug, thiserror::Error)]
#[error("`{0}` is neither a duration nor a time: write 30m, 1h, 10:05 or 2026-11-26T10:05:00Z")]
pub struct ParseNextError(String);

/// `30m` (after `at`) or a time.
pub fn parse_next(text: &str, at: Timestamp, tz: &TimeZone) -> Result<Timestamp, ParseNextError> {
    let err = || ParseNextError(text.to_string());
    match text.parse::<Duration>() {
        Ok(d) => at.checked_add(d.as_signed()).map_err(|_| err()),
        Err(_) => parse_time(text, at, tz).map_err(|_| err()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_are_today_in_the_site_zone() {
        let now: Timestamp = "2026-11-26T20:00:00Z".parse().unwrap();
        let berlin = jiff::tz::db().get("Europe/Berlin").unwrap();
        assert_eq!(
            parse_time("10:05", now, &berlin).unwrap().to_string(),
            "2026-11-26T09:05:00Z"
        );
        assert_eq!(
            parse_next("30m", now, &berlin).unwrap().to_string(),
            "2026-11-26T20:30:00Z"
        );
        assert!(
            parse_time("2026-11-26T10:05:00", now, &berlin).is_err(),
            "a naive timestamp is refused"
        );
        assert!(parse_next("5x", now, &berlin).is_err());
    }
}
