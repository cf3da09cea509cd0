//! The light rules at their edges: each reason's thresholds, which stages and holds are lit,
//! the order of several reasons, the thresholds' validation, and every reason's key and
//! arguments against the catalogue sentences in `light_messages.md`.

use super::*;
use crate::projects::project::{Hold, Stage};
use chrono::NaiveDate;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

/// A construction project planned over January 1 – April 11 (100 days, linear, no
/// milestones), within budget, report on time, assessed on `today`.
fn facts(today: NaiveDate, reported_bp: u32) -> LightFacts {
    LightFacts {
        stage: Stage::Construction,
        hold: Hold::Active,
        today,
        planned_start: Some(d(1, 1)),
        planned_end: Some(d(4, 11)),
        milestones: Vec::new(),
        reported_bp,
        report: ReportStatus::OnTime,
        budget_fen: 100_000_000,
        spent_fen: 50_000_000,
        overdue_requests: 0,
    }
}

fn milestone(name: &str, planned: NaiveDate, done: Option<NaiveDate>) -> MilestoneFact {
    MilestoneFact {
        name: name.to_owned(),
        planned,
        done,
        weight: 50,
    }
}

fn run(f: &LightFacts) -> Assessment {
    assess(f, &Thresholds::default()).expect("lit")
}

/// What a lit project that breaks no rule shows.
const ALL_CLEAR: [(Light, &str); 1] = [(Light::Green, "light.reason.all_clear")];

/// What a project over budget with overdue requests shows, whatever its schedule.
const MONEY_AND_REQUESTS: [(Light, &str); 2] = [
    (Light::Red, "light.reason.over_budget"),
    (Light::Yellow, "light.reason.overdue_requests"),
];

/// The report of `month` 2026, `days_late` days after it was due.
fn late(month: u32, days_late: u32) -> ReportStatus {
    ReportStatus::Late {
        year: 2026,
        month,
        days_late,
    }
}

/// The assessment of `f`, after checking that `expected` is its one reason.
fn only(f: &LightFacts, expected: (Light, &str)) -> Assessment {
    let a = run(f);
    assert_eq!(codes(&a), [expected]);
    a
}

fn codes(a: &Assessment) -> Vec<(Light, &'static str)> {
    a.reasons
        .iter()
        .map(|r| (r.light, r.reason.key()))
        .collect()
}

#[test]
fn lights_are_ordered_worst_greatest_and_coded() {
    assert!(Light::Green < Light::Yellow && Light::Yellow < Light::Red);
    assert_eq!(Light::Red.code(), "red");
    assert_eq!("yellow".parse::<Light>(), Ok(Light::Yellow));
}

#[test]
fn on_track_is_green_with_the_numbers() {
    // Day 50 of 100: 50 % expected.
    let a = run(&facts(d(2, 20), 4_500));
    assert_eq!(a.light, Light::Green);
    assert_eq!(
        a.reasons,
        vec![AssessedReason {
            light: Light::Green,
            reason: Reason::OnTrack {
                expected_bp: 5_000,
                reported_bp: 4_500
            }
        }]
    );
}

#[test]
fn deviation_edges() {
    let today = d(2, 20); // expected 5 000 bp
    let light = |reported| run(&facts(today, reported)).light;
    assert_eq!(light(4_000), Light::Green, "exactly 10 points");
    assert_eq!(light(3_999), Light::Yellow, "10.01 points");
    assert_eq!(light(3_000), Light::Yellow, "exactly 20 points");
    assert_eq!(light(2_999), Light::Red, "20.01 points");
    let a = run(&facts(today, 2_999));
    assert_eq!(
        a.reasons[0].reason,
        Reason::Deviation {
            expected_bp: 5_000,
            reported_bp: 2_999,
            deviation_bp: 2_001
        }
    );
}

#[test]
fn ahead_of_schedule_is_green() {
    let a = run(&facts(d(2, 20), 9_000));
    assert_eq!(a.light, Light::Green);
    assert_eq!(codes(&a), vec![(Light::Green, "light.reason.on_track")]);
}

#[test]
fn milestones_drive_expected_progress() {
    let mut f = facts(d(3, 1), 5_000);
    f.planned_end = Some(d(12, 31));
    f.milestones = vec![
        milestone("场地平整", d(2, 1), Some(d(1, 30))),
        milestone("主体施工", d(3, 1), None),
    ];
    // Both planned by March 1: 100 % expected, 50 % reported; the second is due today,
    // not overdue yet.
    let a = run(&f);
    assert_eq!(codes(&a), vec![(Light::Red, "light.reason.deviation")]);
    assert_eq!(
        a.reasons[0].reason,
        Reason::Deviation {
            expected_bp: 10_000,
            reported_bp: 5_000,
            deviation_bp: 5_000
        }
    );
}

#[test]
fn milestone_overdue_edges() {
    let mut f = facts(d(3, 16), 10_000);
    f.planned_end = Some(d(12, 31));
    f.milestones = vec![milestone("主体施工", d(3, 1), None)];
    // Milestone weights now drive expected progress; report 100 % so only lateness shows.
    let a = only(&f, (Light::Yellow, "light.reason.milestone_overdue"));
    assert_eq!(
        a.reasons[0].reason,
        Reason::MilestoneOverdue {
            name: "主体施工".into(),
            planned: d(3, 1),
            days: 15
        }
    );
    f.today = d(3, 17);
    assert_eq!(run(&f).light, Light::Red, "16 days");
    f.today = d(3, 2);
    assert_eq!(run(&f).light, Light::Yellow, "1 day");
    f.milestones[0].done = Some(d(3, 10));
    f.today = d(3, 30);
    assert_eq!(
        run(&f).light,
        Light::Green,
        "done late is no longer overdue"
    );
}

#[test]
fn late_report_is_yellow_after_the_grace() {
    let mut f = facts(d(2, 20), 5_000);
    f.report = late(1, 4);
    let a = run(&f);
    assert_eq!(a.light, Light::Yellow);
    assert_eq!(
        a.reasons[0].reason,
        Reason::ReportLate {
            year: 2026,
            month: 1,
            days: 4
        }
    );
    let lenient = Thresholds {
        report_grace_days: 4,
        ..Thresholds::default()
    };
    assert_eq!(assess(&f, &lenient).unwrap().light, Light::Green);
    f.report = ReportStatus::NotDue;
    assert_eq!(run(&f).light, Light::Green);
}

#[test]
fn overdue_requests_are_yellow() {
    let mut f = facts(d(2, 20), 5_000);
    f.overdue_requests = 2;
    let a = only(&f, (Light::Yellow, "light.reason.overdue_requests"));
    assert_eq!(a.reasons[0].reason.args(), vec![("count", "2".to_owned())]);
}

#[test]
fn past_planned_end_before_acceptance_is_red() {
    let mut f = facts(d(4, 11), 10_000);
    assert_eq!(run(&f).light, Light::Green, "on the planned end day");
    f.today = d(4, 23);
    let a = only(&f, (Light::Red, "light.reason.past_planned_end"));
    assert_eq!(
        a.reasons[0].reason,
        Reason::PastPlannedEnd {
            planned_end: d(4, 11),
            days: 12
        }
    );
    f.stage = Stage::Acceptance;
    assert_eq!(run(&f).light, Light::Green, "in acceptance");
}

#[test]
fn money_edges() {
    let mut f = facts(d(2, 20), 5_000);
    f.spent_fen = f.budget_fen;
    assert_eq!(run(&f).light, Light::Green, "spent == budget");
    f.spent_fen = f.budget_fen + 1;
    let a = run(&f);
    assert_eq!(codes(&a), vec![(Light::Red, "light.reason.over_budget")]);
    f.budget_fen = 0;
    assert_eq!(run(&f).light, Light::Green, "no budget recorded");
}

#[test]
fn no_milestones_is_linear_and_no_plan_skips_deviation_only() {
    // Linear: day 25 of 100 expected 25 %.
    let a = run(&facts(d(1, 26), 2_500));
    assert_eq!(
        a.reasons[0].reason,
        Reason::OnTrack {
            expected_bp: 2_500,
            reported_bp: 2_500
        }
    );
    let mut f = facts(d(6, 1), 0);
    f.planned_start = None;
    f.planned_end = None;
    assert_eq!(codes(&run(&f)), ALL_CLEAR);
    f.spent_fen = f.budget_fen + 100;
    f.overdue_requests = 1;
    assert_eq!(codes(&run(&f)), MONEY_AND_REQUESTS);
}

#[test]
fn stages_and_holds_that_are_not_lit() {
    let base = facts(d(6, 1), 0); // far behind and past its end: red when lit
    for stage in [Stage::Demand, Stage::Reserve, Stage::Archived] {
        let f = LightFacts {
            stage,
            ..base.clone()
        };
        assert_eq!(assess(&f, &Thresholds::default()), None, "{stage}");
    }
    for hold in [Hold::Suspended, Hold::Cancelled] {
        let f = LightFacts {
            hold,
            ..base.clone()
        };
        assert_eq!(assess(&f, &Thresholds::default()), None, "{hold}");
    }
    assert!(is_lit(Stage::Approved, Hold::Active));
    assert!(is_lit(Stage::Maintenance, Hold::Active));
    assert!(!is_lit(Stage::Construction, Hold::Suspended));
    assert_eq!(run(&base).light, Light::Red);
}

#[test]
fn after_acceptance_only_money_and_requests_count() {
    let mut f = facts(d(9, 1), 0);
    f.milestones = vec![milestone("主体施工", d(3, 1), None)];
    f.report = late(8, 3);
    for stage in [Stage::Evaluation, Stage::Maintenance] {
        f.stage = stage;
        f.overdue_requests = 0;
        f.spent_fen = 0;
        assert_eq!(codes(&run(&f)), ALL_CLEAR);
        f.overdue_requests = 3;
        f.spent_fen = f.budget_fen * 2;
        assert_eq!(codes(&run(&f)), MONEY_AND_REQUESTS);
    }
}

#[test]
fn multiple_reasons_worst_first() {
    let mut f = facts(d(3, 20), 0);
    f.planned_end = Some(d(12, 31));
    f.milestones = vec![
        milestone("设计", d(3, 10), None),
        milestone("主体施工", d(3, 1), None),
    ];
    f.report = late(2, 5);
    f.overdue_requests = 1;
    f.spent_fen = f.budget_fen + 1;
    let a = run(&f);
    assert_eq!(a.light, Light::Red);
    assert_eq!(
        codes(&a),
        vec![
            (Light::Red, "light.reason.over_budget"),
            (Light::Red, "light.reason.deviation"),
            (Light::Red, "light.reason.milestone_overdue"),
            (Light::Yellow, "light.reason.milestone_overdue"),
            (Light::Yellow, "light.reason.report_late"),
            (Light::Yellow, "light.reason.overdue_requests"),
        ]
    );
    assert!(matches!(
        &a.reasons[2].reason,
        Reason::MilestoneOverdue { days: 19, name, .. } if name == "主体施工"
    ));
}

#[test]
fn thresholds_validate() {
    let ok = Thresholds::default();
    assert_eq!(ok.validate(), Ok(()));
    assert_eq!(
        (
            ok.deviation_yellow_bp,
            ok.deviation_red_bp,
            ok.milestone_red_days
        ),
        (1_000, 2_000, 15)
    );
    let bad = |t: Thresholds| t.validate().unwrap_err();
    assert_eq!(
        bad(Thresholds {
            deviation_yellow_bp: 2_000,
            ..ok
        }),
        ThresholdProblem::YellowNotBelowRed {
            yellow_bp: 2_000,
            red_bp: 2_000
        }
    );
    assert_eq!(
        bad(Thresholds {
            deviation_red_bp: 10_001,
            ..ok
        }),
        ThresholdProblem::DeviationOutOfRange { value_bp: 10_001 }
    );
    assert_eq!(
        bad(Thresholds {
            milestone_red_days: 366,
            ..ok
        }),
        ThresholdProblem::MilestoneDaysOutOfRange {
            days: 366,
            max: 365
        }
    );
    assert_eq!(
        bad(Thresholds {
            report_grace_days: 32,
            ..ok
        }),
        ThresholdProblem::ReportGraceOutOfRange { days: 32, max: 31 }
    );
    let strict = Thresholds {
        deviation_yellow_bp: 0,
        deviation_red_bp: 10_000,
        milestone_red_days: 0,
        report_grace_days: 31,
    };
    assert_eq!(strict.validate(), Ok(()));
}

#[test]
fn custom_thresholds_change_the_light() {
    let strict = Thresholds {
        deviation_yellow_bp: 500,
        deviation_red_bp: 800,
        milestone_red_days: 3,
        report_grace_days: 0,
    };
    let f = facts(d(2, 20), 4_100); // 9 points behind
    assert_eq!(assess(&f, &strict).unwrap().light, Light::Red);
    assert_eq!(run(&f).light, Light::Green);
    let mut f = facts(d(3, 5), 10_000);
    f.planned_end = Some(d(12, 31));
    f.milestones = vec![milestone("主体施工", d(3, 1), None)];
    assert_eq!(assess(&f, &strict).unwrap().light, Light::Red);
    assert_eq!(run(&f).light, Light::Yellow);
}

#[test]
fn args_for_sentences() {
    let r = Reason::Deviation {
        expected_bp: 4_500,
        reported_bp: 3_000,
        deviation_bp: 1_500,
    };
    assert_eq!(
        r.args(),
        vec![
            ("expected", "45".to_owned()),
            ("reported", "30".to_owned()),
            ("deviation", "15".to_owned())
        ]
    );
    let r = Reason::OverBudget {
        budget_fen: 100_000_000,
        spent_fen: 120_500_000,
    };
    let args = r.args();
    assert!(args.contains(&("spent_wan", "120.50".to_owned())));
    assert!(args.contains(&("budget_wan", "100.00".to_owned())));
    assert!(args.contains(&("over_yuan", "205,000.00".to_owned())));
    let r = Reason::ReportLate {
        year: 2026,
        month: 3,
        days: 4,
    };
    assert!(r.args().contains(&("period", "2026-03".to_owned())));
    let r = Reason::MilestoneOverdue {
        name: "主体施工".into(),
        planned: d(3, 1),
        days: 21,
    };
    assert!(r.args().contains(&("planned", "2026-03-01".to_owned())));
    assert!(Reason::AllClear.args().is_empty());
    assert_eq!(percent_text(4_550), "45.5");
    assert_eq!(percent_text(1_001), "10.01");
    assert_eq!(percent_text(0), "0");
    assert_eq!(percent_text(10_000), "100");
}

#[test]
fn every_key_is_in_the_message_list() {
    let messages = include_str!("../light_messages.md");
    let reasons = [
        Reason::Deviation {
            expected_bp: 0,
            reported_bp: 0,
            deviation_bp: 0,
        },
        Reason::MilestoneOverdue {
            name: String::new(),
            planned: d(1, 1),
            days: 0,
        },
        Reason::ReportLate {
            year: 2026,
            month: 1,
            days: 0,
        },
        Reason::OverdueRequests { count: 0 },
        Reason::PastPlannedEnd {
            planned_end: d(1, 1),
            days: 0,
        },
        Reason::OverBudget {
            budget_fen: 0,
            spent_fen: 0,
        },
        Reason::OnTrack {
            expected_bp: 0,
            reported_bp: 0,
        },
        Reason::AllClear,
    ];
    for r in &reasons {
        let line = messages
            .lines()
            .find(|l| l.starts_with(&format!("{} =", r.key())))
            .unwrap_or_else(|| panic!("{} missing", r.key()));
        assert!(line.contains('/'), "{line}");
        for placeholder in line.split('{').skip(1) {
            let name = placeholder.split('}').next().unwrap();
            assert!(
                r.args().iter().any(|(n, _)| *n == name),
                "{}: unknown argument {name}",
                r.key()
            );
        }
    }
}

#[test]
fn assessment_round_trips_through_json() {
    let mut f = facts(d(3, 20), 0);
    f.milestones = vec![milestone("主体施工", d(3, 1), None)];
    f.report = late(2, 5);
    f.overdue_requests = 1;
    f.spent_fen = f.budget_fen + 1;
    let a = run(&f);
    let json = serde_json::to_string(&a).unwrap();
    assert!(json.contains(r#""code":"milestone_overdue""#), "{json}");
    assert!(json.contains(r#""planned":"2026-03-01""#), "{json}");
    assert!(json.contains(r#""light":"red""#), "{json}");
    let back: Assessment = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    let green = run(&LightFacts {
        stage: Stage::Maintenance,
        ..facts(d(6, 1), 10_000)
    });
    let back: Assessment = serde_json::from_str(&serde_json::to_string(&green).unwrap())
        .expect("unit variant round trips");
    assert_eq!(back, green);
    let t: Thresholds = serde_json::from_str(r#"{"deviation_red_bp":3000}"#).unwrap();
    assert_eq!(
        t,
        Thresholds {
            deviation_red_bp: 3_000,
            ..Thresholds::default()
        }
    );
}
