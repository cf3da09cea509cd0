//! The monthly report's rules on their edges: periods parsed and stepped, due days and due
//! dates, lateness around the due date, the months due, the review's allowed and refused moves,
//! photos, percent parsing, the drafts' checks and the status the light looks at.

use super::*;
use crate::control::progress::FULL;
use crate::identity::role::{Role, RoleSet};
use crate::kernel::problem::{FieldProblem, Problem};
use chrono::NaiveDate;

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
