//! The monthly progress report (进度填报 / 月调度, SPEC §3): which months a project must report
//! for, when each report is due and whether it came in on time (a late report turns the light
//! yellow, SPEC §5), how the office reviews it, and what a report may contain.
//!
//! Percent complete is kept in basis points (0–10 000) like [`crate::control::progress`], so no
//! arithmetic goes through floating point.
//!
//! The reporting month is in `period`, due dates and lateness in `timeliness`, the office's
//! review in `review`, what a report may contain in `content`.

mod content;
mod period;
mod review;
mod timeliness;

pub use content::{
    MAX_PHOTOS, ReportDraft, TEXT_MAX, check_photos, check_report, parse_percent, regression,
};
pub use period::ReportPeriod;
pub use review::{ReportRefusal, ReportState, ReviewAction, may_review, review};
pub use timeliness::{
    DEFAULT_DUE_DAY, MAX_DUE_DAY, ReportTimeliness, check_due_day, due_date, lateness,
    light_status, periods_due,
};

#[cfg(test)]
mod tests;
