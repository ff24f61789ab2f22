//! "Now", fixed by `SOURCE_DATE_EPOCH` when set (reproducible builds,
//! deterministic tests), otherwise the system clock, to the second.

use jiff::Timestamp;

/// How far ahead of "now" a recorded time may be: two machines' clocks
/// rarely agree to the second, and "10:05" typed at 10:04:30 means the
/// coming minute.
pub const SKEW: crate::model::Duration = crate::model::Duration::minutes(2);

pub fn now() -> Timestamp {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok());
    fixed.unwrap_or_else(|| {
        Timestamp::from_second(Timestamp::now().as_second()).unwrap_or(Timestamp::UNIX_EPOCH)
    })
}

/// RFC 3339 with an offset; a space instead of the `T` is accepted (RFC 3339
/// allows it, and PyYAML and other tools write it when they rewrite a file).
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(t);
    }
    let (date, rest) = text.split_at_checked(10)?;
    let time = rest.strip_prefix(' ')?;
    format!("{date}T{time}").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_with_a_space_is_a_time() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(
            parse_timestamp("2026-11-27 16:30:00+00:00"),
            Some(t("2026-11-27T16:30:00Z"))
        );
        assert_eq!(
            parse_timestamp("2026-11-27T16:30:00Z"),
            Some(t("2026-11-27T16:30:00Z"))
        );
        assert_eq!(parse_timestamp("2026-11-27 16:30:00"), None);
        let via_serde: Timestamp = serde_yaml::from_str("2026-11-27 16:30:00+00:00").unwrap();
        assert_eq!(via_serde, t("2026-11-27T16:30:00Z"));
    }
}
