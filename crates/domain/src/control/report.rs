//! The monthly progress report (进度填报 / 月调度, SPEC §3): which months a project must report
//! for, when each report is due and whether it came in on time (a late report turns the light
//! yellow, SPEC §5), how the office reviews it, and what a report may contain.
//!
//! Percent complete is kept in basis points (0–10 000) like [`crate::control::progress`], so no
//! arithmetic goes through floating point.

use crate::identity::role::{Role, RoleSet};
use crate::kernel::problem::{FieldProblem, Problem};
use crate::{control::progress::FULL, kernel::codes::coded};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The day of the following month on which reports are due unless the region configures
/// another.
pub const DEFAULT_DUE_DAY: u32 = 5;

/// The latest configurable due day: every month has a 28th, so the configured day is always
/// the real due day.
pub const MAX_DUE_DAY: u32 = 28;

/// At most this many photos per report.
pub const MAX_PHOTOS: usize = 20;

/// The longest text of a report field (done, problems, help needed) or a review comment, in
/// characters.
pub const TEXT_MAX: usize = 2_000;

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
        .find_map(|d| NaiveDate::from_ymd_opt(period.year, period.month, d))
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
) -> crate::control::light::ReportStatus {
    use crate::control::light::ReportStatus;
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

coded! {
    /// Where a report stands in the office's review.
    ReportState {
        /// 已提交: waiting for the office.
        Submitted => "submitted",
        /// 已采纳: accepted; final.
        Accepted => "accepted",
        /// 已退回: sent back with a comment, to be refiled.
        Returned => "returned",
    }
}

/// A step in a report's review.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ReviewAction {
    /// File the report, or refile it after it was returned (whoever may report the project's
    /// progress, see [`crate::projects::access::may_report_progress`]).
    Submit,
    /// Accept it (the office, see [`may_review`]).
    Accept,
    /// Send it back with a comment saying what to fix (the office).
    Return {
        /// What to fix; required.
        comment: String,
    },
}

/// Why a review step is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ReportRefusal {
    /// There is no submitted report to accept or return.
    NotSubmitted,
    /// The report is already waiting for review; it cannot be filed again.
    AwaitingReview,
    /// The report was accepted; it is final.
    AlreadyAccepted,
    /// The report was returned; only refiling it can follow.
    AwaitingRefile,
    /// Returning a report needs a comment.
    CommentRequired,
    /// The comment is too long.
    CommentTooLong {
        /// Maximum length in characters.
        max: usize,
    },
    /// A report holds at most [`MAX_PHOTOS`] photos.
    TooManyPhotos {
        /// The limit.
        max: usize,
    },
}

/// Whether an account with `roles` may accept or return reports: the project office.
pub fn may_review(roles: &RoleSet) -> bool {
    roles.has(Role::Office)
}

/// The state after `action` on a report in `state` (`None`: nothing filed for the month yet).
///
/// Submit: new → submitted, returned → submitted. Accept: submitted → accepted. Return (with a
/// comment of at most [`TEXT_MAX`] characters): submitted → returned. Everything else is
/// refused.
pub fn review(
    state: Option<ReportState>,
    action: &ReviewAction,
) -> Result<ReportState, ReportRefusal> {
    use ReportState::*;
    match (state, action) {
        (Some(Accepted), _) => Err(ReportRefusal::AlreadyAccepted),
        (None | Some(Returned), ReviewAction::Submit) => Ok(Submitted),
        (Some(Submitted), ReviewAction::Submit) => Err(ReportRefusal::AwaitingReview),
        (None, _) => Err(ReportRefusal::NotSubmitted),
        (Some(Returned), _) => Err(ReportRefusal::AwaitingRefile),
        (Some(Submitted), ReviewAction::Accept) => Ok(Accepted),
        (Some(Submitted), ReviewAction::Return { comment }) => {
            let comment = comment.trim();
            if comment.is_empty() {
                Err(ReportRefusal::CommentRequired)
            } else if comment.chars().count() > TEXT_MAX {
                Err(ReportRefusal::CommentTooLong { max: TEXT_MAX })
            } else {
                Ok(Returned)
            }
        }
    }
}

/// Checks adding `adding` photos to a report that has `existing`: at most [`MAX_PHOTOS`] in
/// all.
pub fn check_photos(existing: usize, adding: usize) -> Result<(), ReportRefusal> {
    if existing.saturating_add(adding) > MAX_PHOTOS {
        Err(ReportRefusal::TooManyPhotos { max: MAX_PHOTOS })
    } else {
        Ok(())
    }
}

/// Parses percent complete as typed: 0 to 100 with at most one decimal, an optional `%`,
/// e.g. `45`, `45.5`, `45.5%`, into basis points (45.5 % → 4 550).
pub fn parse_percent(input: &str) -> Result<u32, Problem> {
    let text = input.trim();
    let text = text
        .strip_suffix('%')
        .or_else(|| text.strip_suffix('％'))
        .unwrap_or(text)
        .trim_end();
    if text.is_empty() {
        return Err(Problem::Required);
    }
    let (whole, tenth) = text.split_once('.').unwrap_or((text, ""));
    if (whole.is_empty() && tenth.is_empty())
        || whole.len() > 3
        || tenth.len() > 1
        || !whole
            .bytes()
            .chain(tenth.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(Problem::Malformed);
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| Problem::Malformed)?
    };
    let tenth: u32 = if tenth.is_empty() {
        0
    } else {
        tenth.parse().map_err(|_| Problem::Malformed)?
    };
    let bp = whole * 100 + tenth * 10;
    if bp > FULL {
        // Until Problem has an out-of-range variant.
        return Err(Problem::Malformed);
    }
    Ok(bp)
}

/// Whether a newly reported percent is lower than the last accepted one (`None`: no report was
/// accepted yet). Allowed, but flagged for the office: progress rarely goes backwards honestly.
pub fn regression(previous_bp: Option<u32>, new_bp: u32) -> bool {
    previous_bp.is_some_and(|previous| new_bp < previous)
}

/// A monthly report as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ReportDraft {
    /// Percent complete in basis points, see [`parse_percent`].
    pub percent_bp: u32,
    /// 本月完成情况: what was done this month; required.
    pub done: String,
    /// 存在问题: problems met; optional.
    pub problems: String,
    /// 需协调事项: help needed from the office or other departments; optional.
    pub help_needed: String,
}

/// Everything wrong with a report draft, by field: percent within 0–100 % with at most one
/// decimal, what was done given, and no text longer than [`TEXT_MAX`] characters.
pub fn check_report(draft: &ReportDraft) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if draft.percent_bp > FULL || !draft.percent_bp.is_multiple_of(10) {
        problems.push(FieldProblem::new("percent", Problem::Malformed));
    }
    crate::kernel::problem::required_text("done", &draft.done, TEXT_MAX, &mut problems);
    crate::kernel::problem::optional_text("problems", &draft.problems, TEXT_MAX, &mut problems);
    crate::kernel::problem::optional_text(
        "help_needed",
        &draft.help_needed,
        TEXT_MAX,
        &mut problems,
    );
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn p(y: i32, m: u32) -> ReportPeriod {
        ReportPeriod::new(y, m).unwrap()
    }

    #[test]
    fn periods_parse_display_and_step() {
        assert_eq!("2026-03".parse(), Ok(p(2026, 3)));
        assert_eq!(" 2026-12 ".parse(), Ok(p(2026, 12)));
        assert_eq!(p(2026, 3).to_string(), "2026-03");
        for bad in [
            "",
            "2026",
            "2026-3",
            "2026-13",
            "2026-00",
            "26-03",
            "2026/03",
            "2026-03-01",
            "+202-03",
            "２０２６-03",
        ] {
            assert_eq!(
                bad.parse::<ReportPeriod>(),
                Err(Problem::Malformed),
                "{bad}"
            );
        }
        assert_eq!(ReportPeriod::new(2026, 0), None);
        assert_eq!(ReportPeriod::new(2026, 13), None);
        assert_eq!(p(2026, 3).next(), p(2026, 4));
        assert_eq!(p(2026, 12).next(), p(2027, 1));
        assert_eq!(ReportPeriod::of(d(2026, 2, 28)), p(2026, 2));
        assert_eq!(p(2026, 2).first_day(), d(2026, 2, 1));
        assert!(p(2026, 12) < p(2027, 1));
        let last = ReportPeriod::of(NaiveDate::MAX);
        assert_eq!(last.next(), last);
        assert_eq!(due_date(last, 5), NaiveDate::MAX);
    }

    #[test]
    fn due_day_is_configurable_from_1_to_28() {
        assert_eq!(check_due_day(1), Ok(1));
        assert_eq!(check_due_day(28), Ok(28));
        assert_eq!(check_due_day(0), Err(Problem::Malformed));
        assert_eq!(check_due_day(29), Err(Problem::Malformed));
    }

    #[test]
    fn due_dates_fall_in_the_following_month() {
        assert_eq!(due_date(p(2026, 3), 5), d(2026, 4, 5));
        assert_eq!(due_date(p(2026, 12), 5), d(2027, 1, 5));
        assert_eq!(due_date(p(2026, 1), 28), d(2026, 2, 28));
        assert_eq!(due_date(p(2026, 1), 1), d(2026, 2, 1));
        // Unchecked days are clamped to the month: February, leap February, 30-day months.
        assert_eq!(due_date(p(2026, 1), 31), d(2026, 2, 28));
        assert_eq!(due_date(p(2028, 1), 31), d(2028, 2, 29));
        assert_eq!(due_date(p(2026, 3), 31), d(2026, 4, 30));
        assert_eq!(due_date(p(2026, 11), 31), d(2026, 12, 31));
        assert_eq!(due_date(p(2026, 3), 0), d(2026, 4, 1));
    }

    #[test]
    fn lateness_around_the_due_date() {
        let march = p(2026, 3); // due 2026-04-05
        let today = d(2026, 6, 1);
        assert_eq!(
            lateness(march, 5, Some(d(2026, 3, 31)), today),
            ReportTimeliness::OnTime
        );
        assert_eq!(
            lateness(march, 5, Some(d(2026, 4, 5)), today),
            ReportTimeliness::OnTime
        );
        assert_eq!(
            lateness(march, 5, Some(d(2026, 4, 6)), today),
            ReportTimeliness::Late { days: 1 }
        );
        assert_eq!(
            lateness(march, 5, Some(d(2026, 5, 5)), today),
            ReportTimeliness::Late { days: 30 }
        );
        assert_eq!(
            lateness(march, 5, None, d(2026, 4, 4)),
            ReportTimeliness::NotDue
        );
        assert_eq!(
            lateness(march, 5, None, d(2026, 4, 5)),
            ReportTimeliness::NotDue
        );
        assert_eq!(
            lateness(march, 5, None, d(2026, 4, 6)),
            ReportTimeliness::Missing { days: 1 }
        );
        // December's report is due in January of the next year.
        assert_eq!(
            lateness(p(2026, 12), 5, None, d(2027, 1, 7)),
            ReportTimeliness::Missing { days: 2 }
        );
        assert!(ReportTimeliness::Late { days: 1 }.is_late());
        assert!(ReportTimeliness::Missing { days: 1 }.is_late());
        assert!(!ReportTimeliness::OnTime.is_late());
        assert!(!ReportTimeliness::NotDue.is_late());
    }

    #[test]
    fn periods_due_run_from_the_start_month_to_the_last_past_due_date() {
        let start = d(2026, 11, 20);
        assert_eq!(periods_due(start, d(2026, 12, 5), 5), vec![]);
        assert_eq!(periods_due(start, d(2026, 12, 6), 5), vec![p(2026, 11)]);
        assert_eq!(
            periods_due(start, d(2027, 2, 6), 5),
            vec![p(2026, 11), p(2026, 12), p(2027, 1)]
        );
        assert_eq!(
            periods_due(start, d(2027, 2, 5), 5),
            vec![p(2026, 11), p(2026, 12)]
        );
        // Before the project starts, nothing is due.
        assert_eq!(periods_due(start, d(2026, 1, 1), 5), vec![]);
        // Due on the 28th: February's report is due 28 March.
        assert_eq!(
            periods_due(d(2026, 2, 28), d(2026, 3, 29), 28),
            vec![p(2026, 2)]
        );
    }

    #[test]
    fn review_allowed_moves() {
        use ReportState::*;
        let ret = ReviewAction::Return {
            comment: "照片不清晰".into(),
        };
        assert_eq!(review(None, &ReviewAction::Submit), Ok(Submitted));
        assert_eq!(review(Some(Returned), &ReviewAction::Submit), Ok(Submitted));
        assert_eq!(review(Some(Submitted), &ReviewAction::Accept), Ok(Accepted));
        assert_eq!(review(Some(Submitted), &ret), Ok(Returned));
        assert_eq!(
            review(
                Some(Submitted),
                &ReviewAction::Return {
                    comment: "字".repeat(TEXT_MAX)
                }
            ),
            Ok(Returned)
        );
    }

    #[test]
    fn review_refused_moves() {
        use ReportRefusal as R;
        use ReportState::*;
        let ret = ReviewAction::Return {
            comment: "补充照片".into(),
        };
        let cases = [
            (None, ReviewAction::Accept, R::NotSubmitted),
            (None, ret.clone(), R::NotSubmitted),
            (Some(Submitted), ReviewAction::Submit, R::AwaitingReview),
            (Some(Accepted), ReviewAction::Submit, R::AlreadyAccepted),
            (Some(Accepted), ReviewAction::Accept, R::AlreadyAccepted),
            (Some(Accepted), ret.clone(), R::AlreadyAccepted),
            (Some(Returned), ReviewAction::Accept, R::AwaitingRefile),
            (Some(Returned), ret.clone(), R::AwaitingRefile),
            (
                Some(Submitted),
                ReviewAction::Return {
                    comment: " \n ".into(),
                },
                R::CommentRequired,
            ),
            (
                Some(Submitted),
                ReviewAction::Return {
                    comment: "字".repeat(TEXT_MAX + 1),
                },
                R::CommentTooLong { max: TEXT_MAX },
            ),
        ];
        for (state, action, refusal) in cases {
            assert_eq!(review(state, &action), Err(refusal), "{state:?} {action:?}");
        }
    }

    #[test]
    fn only_the_office_reviews() {
        assert!(may_review(&RoleSet::new([Role::Office])));
        assert!(may_review(&RoleSet::new([Role::Dept, Role::Office])));
        for role in [Role::Manager, Role::Dept, Role::Leader, Role::Finance] {
            assert!(!may_review(&RoleSet::new([role])), "{role:?}");
        }
    }

    #[test]
    fn states_have_codes() {
        for s in ReportState::ALL {
            assert_eq!(s.code().parse::<ReportState>(), Ok(*s));
        }
        assert_eq!(ReportState::Returned.to_string(), "returned");
    }

    #[test]
    fn photos_are_limited() {
        assert_eq!(check_photos(0, MAX_PHOTOS), Ok(()));
        assert_eq!(check_photos(19, 1), Ok(()));
        assert_eq!(
            check_photos(20, 1),
            Err(ReportRefusal::TooManyPhotos { max: MAX_PHOTOS })
        );
        assert_eq!(
            check_photos(0, MAX_PHOTOS + 1),
            Err(ReportRefusal::TooManyPhotos { max: MAX_PHOTOS })
        );
    }

    #[test]
    fn percent_parses_to_basis_points() {
        assert_eq!(parse_percent("0"), Ok(0));
        assert_eq!(parse_percent("45"), Ok(4_500));
        assert_eq!(parse_percent("45.5"), Ok(4_550));
        assert_eq!(parse_percent(" 45.5 % "), Ok(4_550));
        assert_eq!(parse_percent("45.5％"), Ok(4_550));
        assert_eq!(parse_percent("0.1"), Ok(10));
        assert_eq!(parse_percent(".5"), Ok(50));
        assert_eq!(parse_percent("100"), Ok(10_000));
        assert_eq!(parse_percent("100.0"), Ok(10_000));
        assert_eq!(parse_percent("007"), Ok(700));
        assert_eq!(parse_percent(""), Err(Problem::Required));
        assert_eq!(parse_percent(" % "), Err(Problem::Required));
        for bad in [
            "100.1", "101", "1000", "45.55", "-1", "+5", "abc", ".", "4 5", "4,5", "1e2", "４５",
        ] {
            assert_eq!(parse_percent(bad), Err(Problem::Malformed), "{bad}");
        }
    }

    #[test]
    fn lower_percent_is_flagged() {
        assert!(regression(Some(5_000), 4_990));
        assert!(!regression(Some(5_000), 5_000));
        assert!(!regression(Some(5_000), 6_000));
        assert!(!regression(None, 0));
    }

    fn good_report() -> ReportDraft {
        ReportDraft {
            percent_bp: 4_550,
            done: "完成3栋楼外墙保温".into(),
            problems: String::new(),
            help_needed: String::new(),
        }
    }

    #[test]
    fn report_checks() {
        assert_eq!(check_report(&good_report()), vec![]);
        let full = ReportDraft {
            percent_bp: FULL,
            done: "字".repeat(TEXT_MAX),
            problems: "字".repeat(TEXT_MAX),
            help_needed: "字".repeat(TEXT_MAX),
        };
        assert_eq!(check_report(&full), vec![]);
        let long = "字".repeat(TEXT_MAX + 1);
        let bad = ReportDraft {
            percent_bp: FULL + 10,
            done: "  ".into(),
            problems: long.clone(),
            help_needed: long,
        };
        assert_eq!(
            check_report(&bad),
            vec![
                FieldProblem::new("percent", Problem::Malformed),
                FieldProblem::new("done", Problem::Required),
                FieldProblem::new("problems", Problem::TooLong { max: TEXT_MAX }),
                FieldProblem::new("help_needed", Problem::TooLong { max: TEXT_MAX }),
            ]
        );
        let two_decimals = ReportDraft {
            percent_bp: 4_555,
            ..good_report()
        };
        assert_eq!(
            check_report(&two_decimals),
            vec![FieldProblem::new("percent", Problem::Malformed)]
        );
        let too_long_done = ReportDraft {
            done: "字".repeat(TEXT_MAX + 1),
            ..good_report()
        };
        assert_eq!(
            check_report(&too_long_done),
            vec![FieldProblem::new(
                "done",
                Problem::TooLong { max: TEXT_MAX }
            )]
        );
    }

    #[test]
    fn light_status_looks_at_the_latest_month_due() {
        use crate::control::light::ReportStatus;
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let start = d(3, 10);
        // Nothing due before 5 April.
        assert_eq!(
            light_status(start, d(4, 5), 5, |_| None),
            ReportStatus::NotDue
        );
        // March's report missing on 9 April: 4 days late.
        assert_eq!(
            light_status(start, d(4, 9), 5, |_| None),
            ReportStatus::Late {
                year: 2026,
                month: 3,
                days_late: 4
            }
        );
        // Filed on the due date: on time.
        assert_eq!(
            light_status(start, d(4, 20), 5, |_| Some(d(4, 5))),
            ReportStatus::OnTime
        );
        // Filed two days late: late until May's report falls due.
        assert_eq!(
            light_status(start, d(4, 20), 5, |p| (p.month() == 3).then(|| d(4, 7))),
            ReportStatus::Late {
                year: 2026,
                month: 3,
                days_late: 2
            }
        );
        assert_eq!(
            light_status(start, d(5, 6), 5, |p| (p.month() == 4).then(|| d(5, 1))),
            ReportStatus::OnTime
        );
    }
}
