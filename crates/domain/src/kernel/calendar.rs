//! The working-day calendar that service-request deadlines count on (SPEC §6): Monday to
//! Friday, except the national public holidays, plus the weekend days that are worked instead
//! (调休). The State Council announces each year's arrangement in November; Minxin ships the
//! years it knows (`data/holidays.toml`) and the office adds the next one. A year nobody has
//! entered yet counts weekends only, and says so ([`WorkingCalendar::knows`]), so a missing
//! year is visible rather than silently wrong.
//!
//! "Answer within N working days" follows the 12345 hotline's practice: the day a request is
//! received does not count, and the deadline is the end (24:00 Beijing time) of the N-th working
//! day after it.

use crate::kernel::time::shanghai;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The calendar Minxin ships.
const SHIPPED: &str = include_str!("../../data/holidays.toml");

/// One year's arrangement as announced.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CalendarYear {
    /// The year.
    pub year: i32,
    /// Where it was announced (the notice and its date).
    pub source: String,
    /// Days off: first day, last day, the holiday's name.
    pub off: Vec<(NaiveDate, NaiveDate, String)>,
    /// Weekend days worked instead (调休).
    pub on: Vec<NaiveDate>,
}

#[derive(Deserialize)]
struct File {
    year: Vec<CalendarYear>,
}

/// Why a calendar was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CalendarError {
    /// Not the format of `data/holidays.toml`.
    Unreadable(String),
    /// The office enters one year at a time; this text held another number of years.
    NotOneYear(usize),
    /// The same year twice.
    DuplicateYear(i32),
    /// A day outside the year it is listed under.
    OutsideYear(i32, NaiveDate),
    /// A range that ends before it starts.
    Backwards(NaiveDate, NaiveDate),
    /// An adjusted working day that is not a Saturday or Sunday.
    WorkdayNotWeekend(NaiveDate),
    /// A day both off and worked.
    Contradiction(NaiveDate),
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::Unreadable(e) => write!(f, "the calendar cannot be read: {e}"),
            CalendarError::NotOneYear(n) => write!(f, "{n} years where one was expected"),
            CalendarError::DuplicateYear(y) => write!(f, "{y} is listed twice"),
            CalendarError::OutsideYear(y, d) => write!(f, "{d} is listed under {y}"),
            CalendarError::Backwards(a, b) => write!(f, "{a} to {b} ends before it starts"),
            CalendarError::WorkdayNotWeekend(d) => {
                write!(f, "{d} is an adjusted working day but not a weekend day")
            }
            CalendarError::Contradiction(d) => write!(f, "{d} is both off and a working day"),
        }
    }
}

impl std::error::Error for CalendarError {}

/// Reads years in the format of `data/holidays.toml`.
pub fn parse_years(text: &str) -> Result<Vec<CalendarYear>, CalendarError> {
    toml::from_str::<File>(text)
        .map(|f| f.year)
        .map_err(|e| CalendarError::Unreadable(e.message().to_owned()))
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Days off and adjusted working days of the years entered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    off: BTreeMap<NaiveDate, String>,
    on: BTreeSet<NaiveDate>,
    years: BTreeSet<i32>,
}

/// The years Minxin ships, as announced.
pub fn shipped_years() -> Vec<CalendarYear> {
    parse_years(SHIPPED).unwrap_or_default()
}

/// One year as the office enters it, in the format of `data/holidays.toml` (a single
/// `[[year]]` table), checked on its own.
pub fn parse_entered_year(text: &str) -> Result<CalendarYear, CalendarError> {
    let mut years = parse_years(text)?;
    if years.len() != 1 {
        return Err(CalendarError::NotOneYear(years.len()));
    }
    let year = years.remove(0);
    WorkingCalendar::of(std::slice::from_ref(&year))?;
    Ok(year)
}

/// The shipped years with the office's `entered` ones; an entered year replaces a shipped
/// year of the same number (a correction of the announcement).
pub fn with_entered(entered: &[CalendarYear]) -> Vec<CalendarYear> {
    let mut years: Vec<CalendarYear> = shipped_years()
        .into_iter()
        .filter(|s| entered.iter().all(|e| e.year != s.year))
        .collect();
    years.extend(entered.iter().cloned());
    years.sort_by_key(|y| y.year);
    years
}

impl WorkingCalendar {
    /// The years Minxin ships (2025 and 2026).
    pub fn shipped() -> WorkingCalendar {
        parse_years(SHIPPED)
            .and_then(|years| WorkingCalendar::of(&years))
            .unwrap_or_default()
    }

    /// The calendar of `years`, each checked: days within their year, ranges forwards, adjusted
    /// working days on weekends, no day both off and worked.
    pub fn of(years: &[CalendarYear]) -> Result<WorkingCalendar, CalendarError> {
        let mut calendar = WorkingCalendar::default();
        for y in years {
            if !calendar.years.insert(y.year) {
                return Err(CalendarError::DuplicateYear(y.year));
            }
            let inside = |d: NaiveDate| {
                if d.year() == y.year {
                    Ok(d)
                } else {
                    Err(CalendarError::OutsideYear(y.year, d))
                }
            };
            for (first, last, name) in &y.off {
                let (first, last) = (inside(*first)?, inside(*last)?);
                if last < first {
                    return Err(CalendarError::Backwards(first, last));
                }
                for day in first.iter_days().take_while(|d| *d <= last) {
                    calendar.off.insert(day, name.clone());
                }
            }
            for day in &y.on {
                let day = inside(*day)?;
                if !is_weekend(day) {
                    return Err(CalendarError::WorkdayNotWeekend(day));
                }
                if calendar.off.contains_key(&day) {
                    return Err(CalendarError::Contradiction(day));
                }
                calendar.on.insert(day);
            }
        }
        Ok(calendar)
    }

    /// Whether the arrangement of `year` has been entered.
    pub fn knows(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The holiday `day` belongs to, if it is one.
    pub fn holiday(&self, day: NaiveDate) -> Option<&str> {
        self.off.get(&day).map(String::as_str)
    }

    /// Whether offices work on `day`.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.on.contains(&day) {
            return true;
        }
        !is_weekend(day) && !self.off.contains_key(&day)
    }

    /// The `n`-th working day after `day` (`day` itself for 0).
    pub fn working_days_after(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut current = day;
        let mut left = n;
        while left > 0 {
            current = current.succ_opt().unwrap_or(current);
            if self.is_working_day(current) {
                left -= 1;
            }
        }
        current
    }

    /// Working days from the day after `from` up to and including `to` (negative when `to` is
    /// earlier): how many working days a request has left, or is over.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (start, end, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let count = start
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= end)
            .filter(|d| self.is_working_day(*d))
            .count();
        sign * i64::try_from(count).unwrap_or(i64::MAX)
    }

    /// The deadline of something received at `received` and due within `working_days`: the end
    /// of that working day after the day of receipt, in Beijing time (as an instant in UTC).
    pub fn deadline(&self, received: DateTime<Utc>, working_days: u32) -> DateTime<Utc> {
        let day = received.with_timezone(&shanghai()).date_naive();
        let last = self.working_days_after(day, working_days);
        let midnight = (last + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default();
        shanghai()
            .from_local_datetime(&midnight)
            .single()
            .map_or(received, |t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn beijing(s: &str) -> DateTime<Utc> {
        let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        shanghai()
            .from_local_datetime(&local)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_shipped_calendar_knows_2025_and_2026() {
        let c = WorkingCalendar::shipped();
        assert!(c.knows(2025) && c.knows(2026) && !c.knows(2027));
        assert_eq!(c.holiday(d("2026-10-05")), Some("国庆节"));
        assert_eq!(c.holiday(d("2025-10-08")), Some("国庆节、中秋节"));
        assert_eq!(c.holiday(d("2026-02-15")), Some("春节"));
        let days_off = |year| c.off.keys().filter(|k| k.year() == year).count();
        assert_eq!(days_off(2025), 28, "1 + 8 + 3 + 5 + 3 + 8 days");
        assert_eq!(days_off(2026), 33, "3 + 9 + 3 + 5 + 3 + 3 + 7 days");
    }

    #[test]
    fn weekends_holidays_and_adjusted_days() {
        let c = WorkingCalendar::shipped();
        assert!(c.is_working_day(d("2026-12-02")), "a Wednesday");
        assert!(!c.is_working_day(d("2026-12-05")), "a Saturday");
        assert!(!c.is_working_day(d("2026-10-01")), "National Day");
        assert!(
            c.is_working_day(d("2026-10-10")),
            "Saturday worked for National Day"
        );
        assert!(
            c.is_working_day(d("2026-09-20")),
            "Sunday worked for National Day"
        );
        assert!(
            c.is_working_day(d("2026-02-28")),
            "Saturday worked for Spring Festival"
        );
        assert!(!c.is_working_day(d("2025-01-01")));
        assert!(c.is_working_day(d("2025-01-26")), "Sunday worked in 2025");
        assert!(
            !c.is_working_day(d("2027-01-02")),
            "an unknown year: weekends only"
        );
        assert!(
            c.is_working_day(d("2027-01-01")),
            "an unknown year: no holidays known"
        );
    }

    #[test]
    fn five_working_days_over_the_2026_national_day_holiday() {
        let c = WorkingCalendar::shipped();
        // Wednesday 30 September: 1–7 October off, 8 Thu, 9 Fri, 10 Sat (worked), 12 Mon, 13 Tue.
        assert_eq!(c.working_days_after(d("2026-09-30"), 5), d("2026-10-13"));
        assert_eq!(
            c.deadline(beijing("2026-09-30 16:30"), 5),
            beijing("2026-10-14 00:00")
        );
        // Received on a holiday: the first working day after it counts as the first.
        assert_eq!(c.working_days_after(d("2026-10-03"), 1), d("2026-10-08"));
        assert_eq!(c.working_days_between(d("2026-09-30"), d("2026-10-13")), 5);
        assert_eq!(c.working_days_between(d("2026-10-13"), d("2026-09-30")), -5);
    }

    #[test]
    fn across_the_spring_festival_and_the_year_end() {
        let c = WorkingCalendar::shipped();
        // Friday 13 February 2026: 14 Sat is worked, 15–23 off, then 24 Tue onwards.
        assert_eq!(c.working_days_after(d("2026-02-13"), 1), d("2026-02-14"));
        assert_eq!(c.working_days_after(d("2026-02-13"), 3), d("2026-02-25"));
        // Wednesday 31 December 2025: 1–3 January 2026 off, Sunday 4 January worked.
        assert_eq!(c.working_days_after(d("2025-12-31"), 1), d("2026-01-04"));
        assert_eq!(c.working_days_after(d("2025-12-31"), 2), d("2026-01-05"));
        // A Beijing evening is already the next day in UTC terms of the deadline.
        assert_eq!(
            c.deadline(beijing("2025-12-31 23:30"), 2),
            beijing("2026-01-06 00:00")
        );
        assert_eq!(c.working_days_after(d("2026-12-31"), 1), d("2027-01-01"));
        assert_eq!(c.working_days_after(d("2026-12-02"), 0), d("2026-12-02"));
    }

    #[test]
    fn a_new_year_is_checked_before_it_is_used() {
        let good = "[[year]]\nyear = 2027\nsource = \"通知\"\noff = [[\"2027-01-01\", \"2027-01-01\", \"元旦\"]]\non = []\n";
        let years = parse_years(good).unwrap();
        let c = WorkingCalendar::of(&years).unwrap();
        assert!(c.knows(2027) && !c.is_working_day(d("2027-01-01")));
        assert!(matches!(
            parse_years("year = 5"),
            Err(CalendarError::Unreadable(_))
        ));
        let year = |off: Vec<(&str, &str)>, on: Vec<&str>| CalendarYear {
            year: 2027,
            source: String::new(),
            off: off
                .into_iter()
                .map(|(a, b)| (d(a), d(b), "假".to_owned()))
                .collect(),
            on: on.into_iter().map(d).collect(),
        };
        assert_eq!(
            WorkingCalendar::of(&[year(vec![("2028-01-01", "2028-01-01")], vec![])]),
            Err(CalendarError::OutsideYear(2027, d("2028-01-01")))
        );
        assert_eq!(
            WorkingCalendar::of(&[year(vec![("2027-02-10", "2027-02-08")], vec![])]),
            Err(CalendarError::Backwards(d("2027-02-10"), d("2027-02-08")))
        );
        assert_eq!(
            WorkingCalendar::of(&[year(vec![], vec!["2027-02-10"])]),
            Err(CalendarError::WorkdayNotWeekend(d("2027-02-10")))
        );
        assert_eq!(
            WorkingCalendar::of(&[year(vec![("2027-02-06", "2027-02-07")], vec!["2027-02-06"])]),
            Err(CalendarError::Contradiction(d("2027-02-06")))
        );
        assert_eq!(
            WorkingCalendar::of(&[year(vec![], vec![]), year(vec![], vec![])]),
            Err(CalendarError::DuplicateYear(2027))
        );
    }

    #[test]
    fn the_office_enters_2027_and_deadlines_know_its_holidays() {
        let text = r#"
[[year]]
year = 2027
source = "测试"
off = [["2027-01-01", "2027-01-03", "元旦"]]
on = []
"#;
        let entered = parse_entered_year(text).unwrap();
        let years = with_entered(&[entered]);
        assert_eq!(
            years.iter().map(|y| y.year).collect::<Vec<_>>(),
            [2025, 2026, 2027]
        );
        let calendar = WorkingCalendar::of(&years).unwrap();
        assert!(calendar.knows(2027));
        let friday = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert!(!calendar.is_working_day(friday));
        assert_eq!(
            parse_entered_year(&format!("{text}{text}")),
            Err(CalendarError::NotOneYear(2))
        );
        let saturday_worked = text.replace("on = []", "on = [\"2027-01-04\"]");
        assert_eq!(
            parse_entered_year(&saturday_worked),
            Err(CalendarError::WorkdayNotWeekend(
                NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()
            ))
        );
        let replaced = with_entered(&[CalendarYear {
            year: 2026,
            source: "更正".into(),
            off: Vec::new(),
            on: Vec::new(),
        }]);
        assert_eq!(replaced.iter().filter(|y| y.year == 2026).count(), 1);
        assert!(replaced.iter().any(|y| y.source == "更正"));
    }
}
