//! Times are stored in UTC and shown in Asia/Shanghai. China has kept UTC+8 without daylight
//! saving since 1991, so a fixed offset is exact for every date the system handles.

use crate::kernel::problem::Problem;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

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

/// A span of days whose ends may each be open (not yet planned) but never run backwards: a
/// project's planned period, its actual start and end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

impl Period {
    /// The period from `start` to `end`; [`Problem::EndBeforeStart`] when both are given and
    /// the end comes first (a one-day period is fine).
    pub fn new(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Result<Period, Problem> {
        match (start, end) {
            (Some(s), Some(e)) if e < s => Err(Problem::EndBeforeStart),
            _ => Ok(Period { start, end }),
        }
    }

    /// The first day, if planned.
    pub fn start(self) -> Option<NaiveDate> {
        self.start
    }

    /// The last day, if planned.
    pub fn end(self) -> Option<NaiveDate> {
        self.end
    }
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

    #[test]
    fn periods_never_run_backwards() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d);
        let period = Period::new(day(1), day(2)).unwrap();
        assert_eq!((period.start(), period.end()), (day(1), day(2)));
        assert!(Period::new(day(1), day(1)).is_ok());
        assert!(Period::new(None, day(1)).is_ok());
        assert!(Period::new(day(1), None).is_ok());
        assert_eq!(Period::new(day(2), day(1)), Err(Problem::EndBeforeStart));
    }
}
