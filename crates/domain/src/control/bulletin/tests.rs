//! The bulletin on its edges: periods parsed, printed and followed back, the one month a
//! snapshot may be taken for, the summary figures from rows and from grouped sums, flagged
//! projects by department, late reports, the ranking, the changes since the period before and a
//! quarter's series.

use super::*;
use crate::control::light::{AssessedReason, Light, Reason};
use crate::control::ranking;
use crate::control::report::ReportPeriod;
use crate::kernel::money::Fen;
use crate::projects::project::{Hold, Stage};
use chrono::NaiveDate;

fn month(y: i32, m: u32) -> ReportPeriod {
    ReportPeriod::new(y, m).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A construction project of department `dept` with `light` (a reason to match).
fn row(id: i64, dept: i64, light: Option<Light>) -> SnapshotRow {
    let reason = match light {
        Some(Light::Red) => Some(Reason::MilestoneOverdue {
            name: "主体施工".into(),
            planned: day(2026, 9, 1),
            days: 21,
        }),
        Some(Light::Yellow) => Some(Reason::ReportLate {
            year: 2026,
            month: 9,
            days: 3,
        }),
        Some(Light::Green) => Some(Reason::AllClear),
        None => None,
    };
    SnapshotRow {
        project_id: id,
        code: format!("2026-MX-{id:04}"),
        name: format!("项目{id}"),
        region_name: "东街道".into(),
        department_id: dept,
        department_name: format!("部门{dept}"),
        stage: if light.is_some() {
            Stage::Construction
        } else {
            Stage::Reserve
        },
        hold: Hold::Active,
        light,
        reasons: reason
            .into_iter()
            .map(|reason| AssessedReason {
                light: light.unwrap_or(Light::Green),
                reason,
            })
            .collect(),
        budget: Fen::from_yuan(1_000),
        approved: Fen::from_yuan(800),
        disbursed: Fen::from_yuan(500),
        paid: Fen::from_yuan(250),
        report_due: light.is_some(),
        report_late: light == Some(Light::Yellow),
    }
}

fn month_rows(m: ReportPeriod, rows: Vec<SnapshotRow>) -> MonthRows {
    MonthRows { month: m, rows }
}

#[test]
fn periods_parse_and_print() {
    let q: BulletinPeriod = "2026-Q3".parse().unwrap();
    assert_eq!(
        q,
        BulletinPeriod::Quarter {
            year: 2026,
            quarter: 3
        }
    );
    assert_eq!(q.to_string(), "2026-Q3");
    assert_eq!(
        "2026-q1".parse::<BulletinPeriod>().unwrap().to_string(),
        "2026-Q1"
    );
    assert_eq!(
        "2026-03".parse::<BulletinPeriod>(),
        Ok(BulletinPeriod::Month(month(2026, 3)))
    );
    assert_eq!(
        "2026".parse::<BulletinPeriod>(),
        Ok(BulletinPeriod::Year(2026))
    );
    for bad in [
        "2026-Q5", "2026-Q0", "26", "2026-13", "2026-3", "x", "", "2026-Q",
    ] {
        assert!(bad.parse::<BulletinPeriod>().is_err(), "{bad}");
    }
}

#[test]
fn periods_cover_their_months_and_know_the_one_before() {
    let q3 = BulletinPeriod::Quarter {
        year: 2026,
        quarter: 3,
    };
    assert_eq!(
        q3.months(),
        vec![month(2026, 7), month(2026, 8), month(2026, 9)]
    );
    assert_eq!(BulletinPeriod::Year(2026).months().len(), 12);
    assert_eq!(q3.previous().unwrap().to_string(), "2026-Q2");
    let q1 = BulletinPeriod::Quarter {
        year: 2026,
        quarter: 1,
    };
    assert_eq!(q1.previous().unwrap().to_string(), "2025-Q4");
    assert_eq!(
        BulletinPeriod::Month(month(2026, 1))
            .previous()
            .unwrap()
            .to_string(),
        "2025-12"
    );
    assert_eq!(
        BulletinPeriod::Year(2026).previous(),
        Some(BulletinPeriod::Year(2025))
    );
}

#[test]
fn only_the_month_just_finished_can_be_taken() {
    assert_eq!(snapshot_month(day(2026, 11, 1)), Some(month(2026, 10)));
    assert_eq!(snapshot_month(day(2026, 1, 31)), Some(month(2025, 12)));
    assert_eq!(
        check_snapshot_month(month(2026, 10), day(2026, 11, 30)),
        Ok(())
    );
    assert_eq!(
        check_snapshot_month(month(2026, 11), day(2026, 11, 30)),
        Err(SnapshotRefusal::NotOver {
            period: month(2026, 11)
        })
    );
    assert_eq!(
        check_snapshot_month(month(2026, 9), day(2026, 11, 1)),
        Err(SnapshotRefusal::TooLate {
            period: month(2026, 9),
            latest: month(2026, 10)
        })
    );
}

#[test]
fn summary_counts_lights_stages_money_and_reports() {
    let rows = [
        row(1, 1, Some(Light::Green)),
        row(2, 1, Some(Light::Yellow)),
        row(3, 2, Some(Light::Red)),
        row(4, 2, None),
    ];
    let s = Summary::of(rows.iter().map(SnapshotRow::group));
    assert_eq!(s.projects, 4);
    assert_eq!(
        s.lights,
        LightCounts {
            green: 1,
            yellow: 1,
            red: 1,
            unlit: 1
        }
    );
    assert_eq!(s.stages[Stage::Construction.index()].projects, 3);
    assert_eq!(s.stages[Stage::Reserve.index()].projects, 1);
    assert_eq!(s.stages.len(), Stage::ALL.len());
    // The reserve project's money is not in the plan's figures.
    assert_eq!(
        (s.budget, s.paid),
        (Fen::from_yuan(3_000), Fen::from_yuan(750))
    );
    assert_eq!(
        (s.approved, s.disbursed),
        (Fen::from_yuan(2_400), Fen::from_yuan(1_500))
    );
    assert_eq!(s.execution_bp, Some(2_500));
    assert_eq!((s.reports_due, s.reports_late), (3, 1));
}

#[test]
fn an_empty_month_has_no_execution_rate() {
    let s = Summary::of([]);
    assert_eq!((s.projects, s.execution_bp), (0, None));
}

#[test]
fn summaries_from_rows_and_from_grouped_sums_agree() {
    let rows = [row(1, 1, Some(Light::Red)), row(2, 1, Some(Light::Red))];
    let mut grouped = rows[0].group();
    grouped.projects = 2;
    grouped.budget = Fen::from_yuan(2_000);
    grouped.approved = Fen::from_yuan(1_600);
    grouped.disbursed = Fen::from_yuan(1_000);
    grouped.paid = Fen::from_yuan(500);
    grouped.reports_due = 2;
    assert_eq!(
        Summary::of(rows.iter().map(SnapshotRow::group)),
        Summary::of([grouped])
    );
}

#[test]
fn flagged_projects_are_grouped_by_department_red_first() {
    let b = build(
        BulletinPeriod::Month(month(2026, 10)),
        month_rows(
            month(2026, 10),
            vec![
                row(5, 1, Some(Light::Yellow)),
                row(4, 1, Some(Light::Red)),
                row(3, 2, Some(Light::Red)),
                row(2, 2, Some(Light::Red)),
                row(1, 3, Some(Light::Green)),
            ],
        ),
        None,
        Vec::new(),
    );
    let shape: Vec<(i64, Vec<(i64, Light)>)> = b
        .departments
        .iter()
        .map(|d| {
            (
                d.department_id,
                d.projects
                    .iter()
                    .map(|p| (p.project.project_id, p.light))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (2, vec![(2, Light::Red), (3, Light::Red)]),
            (1, vec![(4, Light::Red), (5, Light::Yellow)]),
        ]
    );
    assert!(matches!(
        b.departments[0].projects[0].reasons[0],
        Reason::MilestoneOverdue { days: 21, .. }
    ));
    assert!(b.changes.is_none());
    assert!(b.series.is_empty());
}

#[test]
fn late_reports_carry_the_month_and_days_late() {
    let b = build(
        BulletinPeriod::Month(month(2026, 10)),
        month_rows(
            month(2026, 10),
            vec![
                row(1, 1, Some(Light::Yellow)),
                row(2, 1, Some(Light::Green)),
            ],
        ),
        None,
        Vec::new(),
    );
    assert_eq!(b.late_reports.len(), 1);
    assert_eq!(b.late_reports[0].project.code, "2026-MX-0001");
    assert_eq!(
        b.late_reports[0].reason,
        Some(Reason::ReportLate {
            year: 2026,
            month: 9,
            days: 3
        })
    );
}

#[test]
fn ranking_uses_the_shared_formula_on_plan_projects_only() {
    let b = build(
        BulletinPeriod::Month(month(2026, 10)),
        month_rows(
            month(2026, 10),
            vec![
                row(1, 1, Some(Light::Green)),
                row(2, 2, Some(Light::Red)),
                row(3, 3, None),
            ],
        ),
        None,
        Vec::new(),
    );
    // Department 3 leads only a reserve project: nothing to rank it on.
    let places: Vec<(&str, u32)> = b
        .ranking
        .iter()
        .map(|r| (r.key.name.as_str(), r.place))
        .collect();
    assert_eq!(places, vec![("部门1", 1), ("部门2", 2)]);
    let first = &b.ranking[0];
    assert_eq!(first.score_bp, ranking::score_bp(&first.tally));
    assert_eq!(
        (first.tally.budget, first.tally.paid),
        (Fen::from_yuan(1_000), Fen::from_yuan(250))
    );
}

#[test]
fn changes_name_turned_red_recovered_and_new_in_plan() {
    let was_reserve = row(4, 1, None);
    let now = vec![
        row(1, 1, Some(Light::Red)),
        row(2, 1, Some(Light::Green)),
        row(3, 1, Some(Light::Red)),
        row(4, 1, Some(Light::Green)),
        row(5, 1, Some(Light::Yellow)),
    ];
    let then = vec![
        row(1, 1, Some(Light::Yellow)),
        row(2, 1, Some(Light::Red)),
        row(3, 1, Some(Light::Red)),
        was_reserve,
    ];
    let b = build(
        BulletinPeriod::Month(month(2026, 10)),
        month_rows(month(2026, 10), now),
        Some(month_rows(month(2026, 9), then)),
        Vec::new(),
    );
    let c = b.changes.unwrap();
    let ids = |v: &[LightChange]| v.iter().map(|c| c.project.project_id).collect::<Vec<_>>();
    assert_eq!(c.since, month(2026, 9));
    assert_eq!(ids(&c.turned_red), vec![1]);
    assert_eq!(c.turned_red[0].before, Some(Light::Yellow));
    assert_eq!(ids(&c.recovered), vec![2]);
    // Project 5 is new altogether, project 4 was approved out of the reserve pool.
    assert_eq!(ids(&c.new_in_plan), vec![4, 5]);
    assert_eq!(c.deltas.projects, 1);
    assert_eq!((c.deltas.red, c.deltas.green, c.deltas.yellow), (0, 2, 0));
    assert_eq!(c.deltas.paid, Fen::from_yuan(2 * 250));
}

#[test]
fn a_quarter_shows_its_closing_month_and_a_series() {
    let q3 = BulletinPeriod::Quarter {
        year: 2026,
        quarter: 3,
    };
    let series = vec![
        (month(2026, 7), vec![row(1, 1, Some(Light::Red)).group()]),
        (month(2026, 8), vec![row(1, 1, Some(Light::Yellow)).group()]),
        (month(2026, 9), vec![row(1, 1, Some(Light::Green)).group()]),
    ];
    let b = build(
        q3,
        month_rows(month(2026, 9), vec![row(1, 1, Some(Light::Green))]),
        Some(month_rows(
            month(2026, 6),
            vec![row(1, 1, Some(Light::Red))],
        )),
        series,
    );
    assert_eq!(b.closing_month, month(2026, 9));
    let reds: Vec<u32> = b.series.iter().map(|p| p.summary.lights.red).collect();
    assert_eq!(reds, vec![1, 0, 0]);
    assert_eq!(b.changes.unwrap().since, month(2026, 6));
    assert_eq!(b.summary.lights.green, 1);
}
