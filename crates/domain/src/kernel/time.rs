//! Times are stored in UTC and shown in Asia/Shanghai. China has kept UTC+8 without daylight
//! saving since 1991, so a fixed offset is exact for every date the system handles.

use chrono::{DateTime, FixedOffset, Utc};

/// The Asia/Shanghai offset, UTC+8.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// `at` as Beijing time, e.g. `2026-11-23 17:05:09`.
pub fn format_local(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_in_beijing_time() {
        let at = Utc.with_ymd_and_hms(2026, 12, 31, 16, 30, 0).unwrap();
        assert_eq!(format_local(at), "2027-01-01 00:30:00");
    }
}
