//! "Now", fixed by `SOURCE_DATE_EPOCH` when set (reproducible builds,
//! deterministic tests), otherwise the system clock, to the second.

use jiff::Timestamp;

pub fn now() -> Timestamp {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok());
    fixed.unwrap_or_else(|| {
        Timestamp::from_second(Timestamp::now().as_second()).unwrap_or(Timestamp::UNIX_EPOCH)
    })
}
