//! The periods a bulletin covers (a month, a quarter, a year) as written and parsed, and the one
//! month whose snapshot may be taken on a given day.

use crate::control::report::ReportPeriod;
use crate::kernel::problem::Problem;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a bulletin covers, written `2026-03`, `2026-Q3` or `2026`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BulletinPeriod {
    /// One month.
    Month(ReportPeriod),
    /// A quarter (1–4) of a year.
    Quarter {
        /// The year.
        year: i32,
        /// The quarter, 1–4.
        quarter: u32,
    },
    /// A calendar year.
    Year(i32),
}

impl BulletinPeriod {
    /// The months covered, oldest first.
    pub fn months(self) -> Vec<ReportPeriod> {
        let (year, first, count) = match self {
            BulletinPeriod::Month(m) => return vec![m],
            BulletinPeriod::Quarter { year, quarter } => (year, quarter * 3 - 2, 3),
            BulletinPeriod::Year(year) => (year, 1, 12),
        };
        (first..first + count)
            .filter_map(|month| ReportPeriod::new(year, month))
            .collect()
    }

    /// The period of the same kind just before this one (the month, quarter or year before).
    pub fn previous(self) -> Option<BulletinPeriod> {
        match self {
            BulletinPeriod::Month(m) => previous_month(m.first_day()).map(BulletinPeriod::Month),
            BulletinPeriod::Quarter { year, quarter: 1 } => Some(BulletinPeriod::Quarter {
                year: year.checked_sub(1)?,
                quarter: 4,
            }),
            BulletinPeriod::Quarter { year, quarter } => Some(BulletinPeriod::Quarter {
                year,
                quarter: quarter - 1,
            }),
            BulletinPeriod::Year(year) => year.checked_sub(1).map(BulletinPeriod::Year),
        }
    }
}

impl fmt::Display for BulletinPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BulletinPeriod::Month(m) => write!(f, "{m}"),
            BulletinPeriod::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            BulletinPeriod::Year(year) => write!(f, "{year:04}"),
        }
    }
}

impl FromStr for BulletinPeriod {
    type Err = Problem;

    /// `YYYY-MM`, `YYYY-Qn` (n = 1–4, `q` accepted) or `YYYY`.
    fn from_str(s: &str) -> Result<Self, Problem> {
        let s = s.trim();
        let year = |y: &str| -> Result<i32, Problem> {
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
                y.parse().map_err(|_| Problem::Malformed)
            } else {
                Err(Problem::Malformed)
            }
        };
        match s.split_once('-') {
            None => Ok(BulletinPeriod::Year(year(s)?)),
            Some((y, q)) if q.starts_with(['Q', 'q']) => match &q[1..] {
                n @ ("1" | "2" | "3" | "4") => Ok(BulletinPeriod::Quarter {
                    year: year(y)?,
                    quarter: n.parse().map_err(|_| Problem::Malformed)?,
                }),
                _ => Err(Problem::Malformed),
            },
            Some(_) => s.parse().map(BulletinPeriod::Month),
        }
    }
}

impl Serialize for BulletinPeriod {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The month before the one `day` falls in, if the calendar has one.
fn previous_month(day: NaiveDate) -> Option<ReportPeriod> {
    day.pred_opt().map(ReportPeriod::of)
}

/// The month a snapshot may be taken for on `today`: the one just finished. Earlier months
/// cannot be taken any more (the state copied would be today's, not theirs), the current one
/// not yet.
pub fn snapshot_month(today: NaiveDate) -> Option<ReportPeriod> {
    previous_month(ReportPeriod::of(today).first_day())
}

/// Why a month's snapshot cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SnapshotRefusal {
    /// The month is not over yet.
    #[error("{period} is not over")]
    NotOver {
        /// The month asked for.
        period: ReportPeriod,
    },
    /// The month is over for longer than a month: today's state would be passed off as its.
    #[error("{period} is past; only {latest} can be taken")]
    TooLate {
        /// The month asked for.
        period: ReportPeriod,
        /// The only month that can be taken today.
        latest: ReportPeriod,
    },
}

/// Checks that `period`'s snapshot may be taken on `today` (see [`snapshot_month`]).
pub fn check_snapshot_month(period: ReportPeriod, today: NaiveDate) -> Result<(), SnapshotRefusal> {
    match snapshot_month(today) {
        Some(latest) if period == latest => Ok(()),
        Some(latest) if period < latest => Err(SnapshotRefusal::TooLate { period, latest }),
        _ => Err(SnapshotRefusal::NotOver { period }),
    }
}
