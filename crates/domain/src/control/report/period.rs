//! The reporting month (`2026-03`): the unit every report, due date, snapshot and bulletin is
//! counted in.

use crate::kernel::problem::Problem;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A reporting month, shown and parsed as `2026-03`. Always a real month (1–12 of a year
/// chrono can represent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportPeriod {
    year: i32,
    month: u32,
}

impl ReportPeriod {
    /// The period `year`-`month`, or `None` when there is no such month.
    pub fn new(year: i32, month: u32) -> Option<ReportPeriod> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| ReportPeriod { year, month })
    }

    /// The period `date` falls in.
    pub fn of(date: NaiveDate) -> ReportPeriod {
        ReportPeriod {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MAX)
    }

    /// The following month; December is followed by January of the next year. (At the very
    /// end of the calendar chrono supports, the period stays where it is.)
    pub fn next(self) -> ReportPeriod {
        let (year, month) = if self.month == 12 {
            (self.year.saturating_add(1), 1)
        } else {
            (self.year, self.month + 1)
        };
        ReportPeriod::new(year, month).unwrap_or(self)
    }
}

impl fmt::Display for ReportPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for ReportPeriod {
    type Err = Problem;

    /// Exactly `YYYY-MM`, e.g. `2026-03`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (year, month) = s.split_once('-').ok_or(Problem::Malformed)?;
        if year.len() != 4
            || month.len() != 2
            || !year
                .bytes()
                .chain(month.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(Problem::Malformed);
        }
        let year: i32 = year.parse().map_err(|_| Problem::Malformed)?;
        let month: u32 = month.parse().map_err(|_| Problem::Malformed)?;
        ReportPeriod::new(year, month).ok_or(Problem::Malformed)
    }
}

impl Serialize for ReportPeriod {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReportPeriod {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom("expected a month as YYYY-MM"))
    }
}
