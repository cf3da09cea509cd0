//! When a month's report is due and whether it came in on time: the due day, the due date,
//! lateness, the months a project must have reported for, and the status the light looks at.

use super::period::ReportPeriod;
use crate::control::light::ReportStatus;
use crate::kernel::problem::Problem;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The day of the following month on which reports are due unless the region configures
/// another.
pub const DEFAULT_DUE_DAY: u32 = 5;

/// The latest configurable due day: every month has a 28th, so the configured day is always
/// the real due day.
pub const MAX_DUE_DAY: u32 = 28;

/// Checks a configured due day: 1 to [`MAX_DUE_DAY`], so that it exists in every month.
pub fn check_due_day(due_day: u32) -> Result<u32, Problem> {
    if (1..=MAX_DUE_DAY).contains(&due_day) {
        Ok(due_day)
    } else {
        // Until Problem has an out-of-range variant.
        Err(Problem::Malformed)
    }
}

/// When the report for `period` is due: day `due_day` of the following month (the month has
/// to be over before it can be reported). The configured day is checked to 1–28 by
/// [`check_due_day`]; should an unchecked value arrive anyway, it is clamped to the month
/// (0 → the 1st, 31 → the last day) rather than failing, so a bad setting cannot stop the
/// lights from being computed.
pub fn due_date(period: ReportPeriod, due_day: u32) -> NaiveDate {
    let month = period.next();
    if month == period {
        return NaiveDate::MAX;
    }
    let first = month.first_day();
    let last = last_day(month);
    let day = due_day.clamp(1, last.day());
    first.with_day(day).unwrap_or(last)
}

/// The last day of the month of `period`.
fn last_day(period: ReportPeriod) -> NaiveDate {
    (28..=31)
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(period.year(), period.month(), d))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a month's report came in on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ReportTimeliness {
    /// Not submitted, and the due date has not passed (the due date itself included).
    NotDue,
    /// Submitted on or before the due date.
    OnTime,
    /// Submitted after the due date.
    Late {
        /// Days between the due date and the submission.
        days: u32,
    },
    /// Not submitted, and the due date has passed.
    Missing {
        /// Days since the due date.
        days: u32,
    },
}

impl ReportTimeliness {
    /// Whether this counts as "the monthly report is late" for the light (SPEC §5).
    pub fn is_late(self) -> bool {
        matches!(
            self,
            ReportTimeliness::Late { .. } | ReportTimeliness::Missing { .. }
        )
    }
}

/// The timeliness of the report for `period` on `today`. `submitted_on` is the day the report
/// was submitted, if ever; which submission counts when a returned report was refiled is the
/// caller's choice. Submitting on the due date is on time.
pub fn lateness(
    period: ReportPeriod,
    due_day: u32,
    submitted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> ReportTimeliness {
    let due = due_date(period, due_day);
    let days_after = |d: NaiveDate| u32::try_from((d - due).num_days()).unwrap_or(u32::MAX);
    match submitted_on {
        Some(on) if on <= due => ReportTimeliness::OnTime,
        Some(on) => ReportTimeliness::Late {
            days: days_after(on),
        },
        None if today <= due => ReportTimeliness::NotDue,
        None => ReportTimeliness::Missing {
            days: days_after(today),
        },
    }
}

/// The months a project started on `project_start` must have reported for by `until`: from
/// the month it started to the last month whose due date is before `until`. On the due date
/// itself the month is not yet included, matching [`lateness`] (a report is missing only
/// after its due date).
pub fn periods_due(project_start: NaiveDate, until: NaiveDate, due_day: u32) -> Vec<ReportPeriod> {
    let mut periods = Vec::new();
    let mut period = ReportPeriod::of(project_start);
    while due_date(period, due_day) < until {
        periods.push(period);
        let next = period.next();
        if next == period {
            break;
        }
        period = next;
    }
    periods
}

/// The report status the traffic light looks at on `today`: the latest month due since
/// `start`, and whether its report came in on time. `submitted_on` finds the first submission
/// of a month (a returned report keeps its first date: it did come in). A month reported late
/// stays late until the next month falls due, so a late report shows for a whole cycle.
pub fn light_status(
    start: NaiveDate,
    today: NaiveDate,
    due_day: u32,
    submitted_on: impl Fn(ReportPeriod) -> Option<NaiveDate>,
) -> ReportStatus {
    let Some(period) = periods_due(start, today, due_day).pop() else {
        return ReportStatus::NotDue;
    };
    let late = |days| ReportStatus::Late {
        year: period.year(),
        month: period.month(),
        days_late: days,
    };
    match lateness(period, due_day, submitted_on(period), today) {
        ReportTimeliness::NotDue | ReportTimeliness::OnTime => ReportStatus::OnTime,
        ReportTimeliness::Late { days } | ReportTimeliness::Missing { days } => late(days),
    }
}
