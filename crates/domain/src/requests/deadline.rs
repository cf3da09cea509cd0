//! The two deadlines of a service request (issue 6, SPEC §6) and where a request stands against
//! them: accepting (签收) within a category's accept days, answering within its answer days
//! (default 5), both counted in working days on the [`WorkingCalendar`] from the day of receipt.
//! A request is "due soon" in the last day before a deadline and "overdue" after it; lists, maps
//! and the project's light read the same answer.

use crate::kernel::calendar::WorkingCalendar;
use crate::requests::service_request::RequestState;
use chrono::{DateTime, Duration, Utc};

/// The default number of working days to answer in.
pub const DEFAULT_ANSWER_DAYS: u32 = 5;
/// The default number of working days to accept in.
pub const DEFAULT_ACCEPT_DAYS: u32 = 1;
/// How long before a deadline the warning comes.
pub const WARNING: Duration = Duration::hours(24);

/// When a request must be accepted and answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// The end of the last day to accept it.
    pub accept_by: DateTime<Utc>,
    /// The end of the last day to answer it.
    pub answer_by: DateTime<Utc>,
}

/// The deadlines of a request received (or reopened) at `received`.
pub fn deadlines(
    calendar: &WorkingCalendar,
    received: DateTime<Utc>,
    accept_days: u32,
    answer_days: u32,
) -> Deadlines {
    Deadlines {
        accept_by: calendar.deadline(received, accept_days),
        answer_by: calendar.deadline(received, answer_days),
    }
}

/// Where a request stands against its deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timeliness {
    /// Nothing due yet, or nothing due any more.
    OnTime,
    /// The deadline is less than [`WARNING`] away.
    DueSoon,
    /// The deadline has passed.
    Overdue,
}

impl Timeliness {
    /// The stored and CSS code.
    pub fn code(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on_time",
            Timeliness::DueSoon => "due_soon",
            Timeliness::Overdue => "overdue",
        }
    }
}

/// The deadline that applies to a request in `state`: accepting while nobody has, answering
/// while it is being worked on, none once it is answered or over.
pub fn pending(state: RequestState, deadlines: Deadlines) -> Option<DateTime<Utc>> {
    match state {
        RequestState::Submitted | RequestState::Assigned => Some(deadlines.accept_by),
        RequestState::Accepted | RequestState::InProgress => Some(deadlines.answer_by),
        RequestState::Answered | RequestState::Closed | RequestState::Merged => None,
    }
}

/// Where a request in `state` stands at `now`.
pub fn timeliness(state: RequestState, deadlines: Deadlines, now: DateTime<Utc>) -> Timeliness {
    match pending(state, deadlines) {
        Some(due) if now >= due => Timeliness::Overdue,
        Some(due) if now >= due - WARNING => Timeliness::DueSoon,
        _ => Timeliness::OnTime,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::time::shanghai;
    use chrono::TimeZone;

    fn beijing(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        shanghai()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn national_day_2026_stops_the_clock() {
        let calendar = WorkingCalendar::shipped();
        // Received on the afternoon of Wednesday 30 September 2026; 1–7 October are holidays
        // and Saturday 10 October is a working day (调休): 8, 9, 10, 12, 13 October.
        let due = deadlines(&calendar, beijing(2026, 9, 30, 15), 1, 5);
        assert_eq!(due.accept_by, beijing(2026, 10, 9, 0));
        assert_eq!(due.answer_by, beijing(2026, 10, 14, 0));
    }

    #[test]
    fn deadlines_cross_the_year_end() {
        let calendar = WorkingCalendar::shipped();
        // Thursday 31 December 2026. 2027 is not shipped yet, so it counts weekends only
        // until the office enters its holidays: 1, 4, 5, 6, 7 January.
        let due = deadlines(&calendar, beijing(2026, 12, 31, 9), 1, 5);
        assert_eq!(due.accept_by, beijing(2027, 1, 2, 0));
        assert_eq!(due.answer_by, beijing(2027, 1, 8, 0));
        // Across the end of a shipped year: 31 December 2025, then 元旦 1–3 January 2026 and
        // Sunday 4 January worked (调休).
        let due = deadlines(&calendar, beijing(2025, 12, 31, 9), 1, 5);
        assert_eq!(due.accept_by, beijing(2026, 1, 5, 0));
        assert_eq!(due.answer_by, beijing(2026, 1, 9, 0));
    }

    #[test]
    fn the_pending_deadline_follows_the_state() {
        let due = Deadlines {
            accept_by: beijing(2026, 3, 3, 0),
            answer_by: beijing(2026, 3, 9, 0),
        };
        let at = beijing(2026, 3, 2, 12);
        let later = beijing(2026, 3, 5, 12);
        let past = beijing(2026, 3, 9, 0);
        for (state, now, expected) in [
            (RequestState::Submitted, at, Timeliness::DueSoon),
            (RequestState::Accepted, at, Timeliness::OnTime),
            (RequestState::Assigned, later, Timeliness::Overdue),
            (RequestState::InProgress, later, Timeliness::OnTime),
            (RequestState::InProgress, past, Timeliness::Overdue),
        ] {
            assert_eq!(timeliness(state, due, now), expected, "{state:?} at {now}");
        }
        for state in [
            RequestState::Answered,
            RequestState::Closed,
            RequestState::Merged,
        ] {
            assert_eq!(timeliness(state, due, past), Timeliness::OnTime);
            assert_eq!(pending(state, due), None);
        }
    }
}
