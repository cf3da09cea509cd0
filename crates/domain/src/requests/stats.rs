//! Statistics of service requests (issue 6 item 7) as pure rules: the period a statistic
//! covers (whole days in Asia/Shanghai), the grid of hot spots (integer cells of fixed size, so
//! the database assigns them alike on SQLite and PostgreSQL, as for the portal map), the mean
//! handling time in whole seconds and how rates and durations are written with one decimal by
//! integer arithmetic. Which counts make which rate is [`crate::requests::three_rates`].

use crate::kernel::map_grid::Grid;
use crate::kernel::time::shanghai;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

/// The side of a hot-spot cell in micro-degrees: 0.005° is about 550 m north–south, a few
/// blocks of a Chinese district, small enough to point at a street and large enough to gather.
pub const HOT_SPOT_CELL: i64 = 5_000;

/// How many hot spots a statistic lists, the busiest first.
pub const HOT_SPOTS_MAX: u64 = 20;

/// The fixed grid hot spots are counted on: cells of [`HOT_SPOT_CELL`] from 0° N, 0° E.
pub fn hot_spot_grid() -> Grid {
    Grid {
        south: 0,
        west: 0,
        cell: HOT_SPOT_CELL,
    }
}

/// The years a statistic's period may name: every request ever received lies within them, and
/// both databases store their instants (PostgreSQL refuses years before 4713 BC, so an
/// unbounded day would fail the query instead of counting nothing).
pub const PERIOD_YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// A day of a statistic's period as typed, `YYYY-MM-DD` within [`PERIOD_YEARS`]; `None` for
/// anything else.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    use chrono::Datelike;
    let day: NaiveDate = text.trim().parse().ok()?;
    PERIOD_YEARS.contains(&day.year()).then_some(day)
}

/// The instants `[start, end)` of the Beijing days `from` to `to` inclusive; either end may be
/// open. A range whose end comes before its start is empty, not reversed.
pub fn period(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let midnight = |day: NaiveDate| {
        day.and_time(NaiveTime::MIN)
            .and_local_timezone(shanghai())
            .single()
            .map(|t| t.with_timezone(&Utc))
    };
    (
        from.and_then(midnight),
        to.and_then(|d| midnight(d).map(|t| t + Duration::days(1))),
    )
}

/// The mean of `total_seconds` over `count` requests in whole seconds, rounded half up;
/// `None` when nothing was counted.
pub fn mean_seconds(total_seconds: i64, count: u64) -> Option<u64> {
    let total = u128::try_from(total_seconds.max(0)).ok()?;
    let count = u128::from(count);
    if count == 0 {
        return None;
    }
    u64::try_from((total * 2 + count) / (count * 2)).ok()
}

/// A number of tenths as text with one decimal: 955 → `95.5`, 1000 → `100.0`.
fn tenths_text(tenths: u64) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `value` counted in tenths of a unit that holds ten times `tenth`, with one decimal,
/// rounded half up.
fn in_tenths(value: u64, tenth: u64) -> String {
    let (value, tenth) = (u128::from(value), u128::from(tenth));
    let tenths = (value * 2 + tenth) / (tenth * 2);
    tenths_text(u64::try_from(tenths).unwrap_or(u64::MAX))
}

/// A rate in basis points as a percentage with one decimal: 9 250 → `92.5`, 3 333 → `33.3`.
pub fn rate_text(bp: u32) -> String {
    in_tenths(u64::from(bp), 10)
}

/// Seconds as hours with one decimal: 95 400 → `26.5`.
pub fn hours_text(seconds: u64) -> String {
    in_tenths(seconds, 360)
}

/// Seconds as days with one decimal: 95 400 → `1.1`.
pub fn days_text(seconds: u64) -> String {
    in_tenths(seconds, 8_640)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::geo::Point;
    use chrono::TimeZone;

    #[test]
    fn period_days_lie_within_the_years_the_databases_store() {
        assert_eq!(
            parse_day(" 2026-03-02 "),
            NaiveDate::from_ymd_opt(2026, 3, 2)
        );
        assert_eq!(parse_day("1900-01-01"), NaiveDate::from_ymd_opt(1900, 1, 1));
        assert_eq!(
            parse_day("9999-12-31"),
            NaiveDate::from_ymd_opt(9999, 12, 31)
        );
        for refused in [
            "1899-12-31",
            "-4800-01-01",
            "+262142-12-31",
            "10000-01-01",
            "2026-02-30",
            "yesterday",
            "",
        ] {
            assert_eq!(parse_day(refused), None, "{refused}");
        }
    }

    #[test]
    fn a_period_is_whole_beijing_days() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let (start, end) = period(Some(day(1)), Some(day(31)));
        assert_eq!(
            start,
            Some(Utc.with_ymd_and_hms(2026, 2, 28, 16, 0, 0).unwrap())
        );
        assert_eq!(
            end,
            Some(Utc.with_ymd_and_hms(2026, 3, 31, 16, 0, 0).unwrap())
        );
        assert_eq!(period(None, None), (None, None));
    }

    #[test]
    fn the_mean_is_rounded_half_up_in_whole_seconds() {
        assert_eq!(mean_seconds(7, 2), Some(4));
        assert_eq!(mean_seconds(3 * 3_600 + 1, 3), Some(3_600));
        assert_eq!(mean_seconds(10, 0), None);
        assert_eq!(
            mean_seconds(-5, 1),
            Some(0),
            "clock skew never goes negative"
        );
    }

    #[test]
    fn rates_and_durations_have_one_decimal() {
        assert_eq!(rate_text(9_250), "92.5");
        assert_eq!(rate_text(3_333), "33.3");
        assert_eq!(rate_text(6_667), "66.7");
        assert_eq!(rate_text(10_000), "100.0");
        assert_eq!(rate_text(5), "0.1", "0.05 % rounds up");
        assert_eq!(rate_text(0), "0.0");
        assert_eq!(hours_text(95_400), "26.5");
        assert_eq!(days_text(95_400), "1.1");
        assert_eq!(hours_text(179), "0.0");
        assert_eq!(hours_text(180), "0.1");
    }

    #[test]
    fn hot_spots_fall_into_fixed_cells() {
        let grid = hot_spot_grid();
        let at = |lat, lon| grid.cell_of(Point { lat, lon });
        assert_eq!(at(30.5, 114.5), (6_100, 22_900));
        assert_eq!(at(30.504_999, 114.504_999), (6_100, 22_900));
        assert_eq!(at(30.505, 114.5), (6_101, 22_900));
    }
}
