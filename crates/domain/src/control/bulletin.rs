//! The monthly bulletin (月度通报) and its quarterly and annual summaries (季通报、年考评): what
//! a region's projects looked like at the end of a period, built only from the monthly light
//! snapshots, so a bulletin generated again later gives the same numbers.
//!
//! A bulletin shows the state of its *closing month* (the month itself, or the last month of a
//! quarter or year that has a snapshot): summary figures, red and yellow projects grouped by
//! lead department with their reasons, late reports, the department ranking
//! ([`crate::control::ranking`]) and the changes since the closing month of the period before. Quarters
//! and years add a month-by-month series of the summary figures.

use crate::control::light::{AssessedReason, Light, Reason};
use crate::control::ranking::{self, DepartmentTally, Ranked};
use crate::control::report::ReportPeriod;
use crate::kernel::money::Fen;
use crate::kernel::problem::Problem;
use crate::projects::project::{Hold, Stage};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
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

/// One project as a month's snapshot froze it, names included (a later rename does not change
/// a bulletin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRow {
    /// The project's id.
    pub project_id: i64,
    /// Project code.
    pub code: String,
    /// Project name.
    pub name: String,
    /// Region (street or community) name.
    pub region_name: String,
    /// Lead department id.
    pub department_id: i64,
    /// Lead department name.
    pub department_name: String,
    /// Lifecycle stage.
    pub stage: Stage,
    /// Running, suspended or cancelled.
    pub hold: Hold,
    /// The light, if the project was lit.
    pub light: Option<Light>,
    /// The light's reasons, worst first (empty when not lit).
    pub reasons: Vec<AssessedReason>,
    /// Planned budget.
    pub budget: Fen,
    /// Approved (预算批复).
    pub approved: Fen,
    /// Disbursed (资金拨付).
    pub disbursed: Fen,
    /// Paid (资金支付).
    pub paid: Fen,
    /// Whether a monthly report was due.
    pub report_due: bool,
    /// Whether the latest due report was late or missing.
    pub report_late: bool,
}

/// Projects sharing a stage, hold and light, summed: the unit summaries are built from, so a
/// month's figures come out the same from its rows or from a database's grouped sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    /// Lifecycle stage.
    pub stage: Stage,
    /// Hold.
    pub hold: Hold,
    /// Light, if lit.
    pub light: Option<Light>,
    /// How many projects.
    pub projects: u32,
    /// Their budgets.
    pub budget: Fen,
    /// Approved.
    pub approved: Fen,
    /// Disbursed.
    pub disbursed: Fen,
    /// Paid.
    pub paid: Fen,
    /// Reports due.
    pub reports_due: u32,
    /// Reports late or missing.
    pub reports_late: u32,
}

impl SnapshotRow {
    /// This project as a group of one.
    pub fn group(&self) -> Group {
        Group {
            stage: self.stage,
            hold: self.hold,
            light: self.light,
            projects: 1,
            budget: self.budget,
            approved: self.approved,
            disbursed: self.disbursed,
            paid: self.paid,
            reports_due: u32::from(self.report_due),
            reports_late: u32::from(self.report_late),
        }
    }

    /// The report-late reason, if the light gave one.
    fn late_reason(&self) -> Option<&Reason> {
        self.reasons
            .iter()
            .map(|r| &r.reason)
            .find(|r| matches!(r, Reason::ReportLate { .. }))
    }
}

/// Projects by light.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LightCounts {
    /// Green.
    pub green: u32,
    /// Yellow.
    pub yellow: u32,
    /// Red.
    pub red: u32,
    /// Not lit (reserve, suspended, cancelled, archived…).
    pub unlit: u32,
}

/// Projects in one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StageCount {
    /// The stage.
    pub stage: Stage,
    /// How many projects are in it.
    pub projects: u32,
}

/// The summary figures of one month. Money counts the projects of the annual plan (approved and
/// later), not candidates in the reserve pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Every project.
    pub projects: u32,
    /// Projects by light.
    pub lights: LightCounts,
    /// Projects by stage, every stage in lifecycle order.
    pub stages: Vec<StageCount>,
    /// Planned budget of the annual plan.
    pub budget: Fen,
    /// Approved so far.
    pub approved: Fen,
    /// Disbursed so far.
    pub disbursed: Fen,
    /// Paid so far.
    pub paid: Fen,
    /// Payment progress (支付进度), paid over budget in basis points; `None` without budget.
    pub execution_bp: Option<u32>,
    /// Monthly reports due.
    pub reports_due: u32,
    /// Of those, late or missing.
    pub reports_late: u32,
}

impl Summary {
    /// Sums groups into the figures of a month.
    pub fn of(groups: impl IntoIterator<Item = Group>) -> Summary {
        let mut s = Summary {
            projects: 0,
            lights: LightCounts::default(),
            stages: Stage::ALL
                .iter()
                .map(|&stage| StageCount { stage, projects: 0 })
                .collect(),
            budget: Fen::ZERO,
            approved: Fen::ZERO,
            disbursed: Fen::ZERO,
            paid: Fen::ZERO,
            execution_bp: None,
            reports_due: 0,
            reports_late: 0,
        };
        for g in groups {
            s.projects += g.projects;
            *match g.light {
                Some(Light::Green) => &mut s.lights.green,
                Some(Light::Yellow) => &mut s.lights.yellow,
                Some(Light::Red) => &mut s.lights.red,
                None => &mut s.lights.unlit,
            } += g.projects;
            s.stages[g.stage.index()].projects += g.projects;
            if g.stage.in_annual_plan() {
                s.budget = s.budget.plus(g.budget);
                s.approved = s.approved.plus(g.approved);
                s.disbursed = s.disbursed.plus(g.disbursed);
                s.paid = s.paid.plus(g.paid);
            }
            s.reports_due += g.reports_due;
            s.reports_late += g.reports_late;
        }
        s.execution_bp = crate::control::finance::execution_rate_bp(s.budget, s.paid);
        s
    }
}

/// A project named in a bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRef {
    /// Id.
    pub project_id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Region name.
    pub region_name: String,
    /// Lead department name.
    pub department_name: String,
}

impl From<&SnapshotRow> for ProjectRef {
    fn from(r: &SnapshotRow) -> Self {
        ProjectRef {
            project_id: r.project_id,
            code: r.code.clone(),
            name: r.name.clone(),
            region_name: r.region_name.clone(),
            department_name: r.department_name.clone(),
        }
    }
}

/// A red or yellow project with the reasons for its light.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flagged {
    /// The project.
    pub project: ProjectRef,
    /// Red or yellow.
    pub light: Light,
    /// The reasons, worst first.
    pub reasons: Vec<Reason>,
}

/// One lead department's red and yellow projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartmentFlags {
    /// Department id.
    pub department_id: i64,
    /// Department name as of the snapshot.
    pub department_name: String,
    /// Red projects, then yellow ones, each by code.
    pub projects: Vec<Flagged>,
}

/// A project whose latest due monthly report was late or missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LateReport {
    /// The project.
    pub project: ProjectRef,
    /// The month that was reported late, and how late (from the light's reason).
    pub reason: Option<Reason>,
}

/// A department in the ranking, as named in the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartmentKey {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// A project whose light changed since the period before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LightChange {
    /// The project.
    pub project: ProjectRef,
    /// Its light then (`None`: not lit, or not in that snapshot).
    pub before: Option<Light>,
    /// Its light now.
    pub after: Option<Light>,
}

/// Differences of the summary figures, now minus then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deltas {
    /// Projects.
    pub projects: i64,
    /// Green projects.
    pub green: i64,
    /// Yellow projects.
    pub yellow: i64,
    /// Red projects.
    pub red: i64,
    /// Late reports.
    pub reports_late: i64,
    /// Approved money.
    pub approved: Fen,
    /// Disbursed money.
    pub disbursed: Fen,
    /// Paid money.
    pub paid: Fen,
}

impl Deltas {
    fn between(now: &Summary, then: &Summary) -> Deltas {
        let d = |a: u32, b: u32| i64::from(a) - i64::from(b);
        let m = |a: Fen, b: Fen| Fen(a.0.saturating_sub(b.0));
        Deltas {
            projects: d(now.projects, then.projects),
            green: d(now.lights.green, then.lights.green),
            yellow: d(now.lights.yellow, then.lights.yellow),
            red: d(now.lights.red, then.lights.red),
            reports_late: d(now.reports_late, then.reports_late),
            approved: m(now.approved, then.approved),
            disbursed: m(now.disbursed, then.disbursed),
            paid: m(now.paid, then.paid),
        }
    }
}

/// What changed since the closing month of the period before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// The month compared with.
    pub since: ReportPeriod,
    /// Projects red now that were not red then.
    pub turned_red: Vec<LightChange>,
    /// Projects green now that were red or yellow then.
    pub recovered: Vec<LightChange>,
    /// Projects in the annual plan now that were not then (new, or approved since).
    pub new_in_plan: Vec<LightChange>,
    /// The summary figures, now minus then.
    pub deltas: Deltas,
}

/// One month of a quarter's or year's series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthPoint {
    /// The month.
    pub month: ReportPeriod,
    /// Its figures.
    pub summary: Summary,
}

/// A bulletin: everything a page, a workbook or a document shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bulletin {
    /// What it covers.
    pub period: BulletinPeriod,
    /// The month whose state is shown.
    pub closing_month: ReportPeriod,
    /// Summary figures of the closing month.
    pub summary: Summary,
    /// Red and yellow projects by lead department, departments with most red first.
    pub departments: Vec<DepartmentFlags>,
    /// Projects whose latest due report was late or missing, by code.
    pub late_reports: Vec<LateReport>,
    /// The department ranking of the closing month.
    pub ranking: Vec<Ranked<DepartmentKey>>,
    /// Changes since the period before, when it has a snapshot.
    pub changes: Option<Changes>,
    /// Month by month (quarters and years; empty for a month).
    pub series: Vec<MonthPoint>,
}

/// A month's snapshot rows.
pub struct MonthRows {
    /// The month.
    pub month: ReportPeriod,
    /// Its rows (in any order).
    pub rows: Vec<SnapshotRow>,
}

/// Builds the bulletin of `period` from the rows of its closing month, those of the closing
/// month of the period before (if any) and, for a quarter or year, the grouped figures of each
/// month with a snapshot.
pub fn build(
    period: BulletinPeriod,
    closing: MonthRows,
    before: Option<MonthRows>,
    series: Vec<(ReportPeriod, Vec<Group>)>,
) -> Bulletin {
    let mut rows = closing.rows;
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    let summary = Summary::of(rows.iter().map(SnapshotRow::group));
    let changes = before.map(|b| changes(&rows, &summary, b));
    let series = match period {
        BulletinPeriod::Month(_) => Vec::new(),
        _ => series
            .into_iter()
            .map(|(month, groups)| MonthPoint {
                month,
                summary: Summary::of(groups),
            })
            .collect(),
    };
    Bulletin {
        period,
        closing_month: closing.month,
        departments: flagged_by_department(&rows),
        late_reports: rows
            .iter()
            .filter(|r| r.report_late)
            .map(|r| LateReport {
                project: r.into(),
                reason: r.late_reason().cloned(),
            })
            .collect(),
        ranking: department_ranking(&rows),
        summary,
        changes,
        series,
    }
}

/// Red and yellow projects grouped by lead department: departments with more red first, then
/// more yellow, then by name; within one, red before yellow, each by code (rows come sorted).
fn flagged_by_department(rows: &[SnapshotRow]) -> Vec<DepartmentFlags> {
    let mut by_department: BTreeMap<i64, DepartmentFlags> = BTreeMap::new();
    for row in rows {
        let Some(light @ (Light::Red | Light::Yellow)) = row.light else {
            continue;
        };
        by_department
            .entry(row.department_id)
            .or_insert_with(|| DepartmentFlags {
                department_id: row.department_id,
                department_name: row.department_name.clone(),
                projects: Vec::new(),
            })
            .projects
            .push(Flagged {
                project: row.into(),
                light,
                reasons: row
                    .reasons
                    .iter()
                    .filter(|r| r.light > Light::Green)
                    .map(|r| r.reason.clone())
                    .collect(),
            });
    }
    let mut departments: Vec<DepartmentFlags> = by_department.into_values().collect();
    let count =
        |d: &DepartmentFlags, light: Light| d.projects.iter().filter(|p| p.light == light).count();
    for d in &mut departments {
        d.projects.sort_by_key(|p| std::cmp::Reverse(p.light));
    }
    departments.sort_by(|a, b| {
        count(b, Light::Red)
            .cmp(&count(a, Light::Red))
            .then(count(b, Light::Yellow).cmp(&count(a, Light::Yellow)))
            .then(a.department_name.cmp(&b.department_name))
    });
    departments
}

/// One project's part of its department's tally. Only projects of the annual plan count: a
/// department is ranked on the work it was given, not on candidates.
fn tally_of(row: &SnapshotRow) -> Option<DepartmentTally> {
    row.stage.in_annual_plan().then(|| DepartmentTally {
        projects: 1,
        green: u32::from(row.light == Some(Light::Green)),
        yellow: u32::from(row.light == Some(Light::Yellow)),
        red: u32::from(row.light == Some(Light::Red)),
        reports_due: u32::from(row.report_due),
        reports_late: u32::from(row.report_late),
        budget: row.budget,
        paid: row.paid,
    })
}

/// The ranking of lead departments by [`ranking::rank`], ties in name order.
fn department_ranking(rows: &[SnapshotRow]) -> Vec<Ranked<DepartmentKey>> {
    let mut tallies: BTreeMap<(String, i64), DepartmentTally> = BTreeMap::new();
    for row in rows {
        if let Some(t) = tally_of(row) {
            tallies
                .entry((row.department_name.clone(), row.department_id))
                .or_default()
                .add(&t);
        }
    }
    ranking::rank(
        tallies
            .into_iter()
            .map(|((name, id), t)| (DepartmentKey { id, name }, t))
            .collect(),
    )
}

/// The changes between `rows` (sorted by code) and the month `before`.
fn changes(rows: &[SnapshotRow], now: &Summary, before: MonthRows) -> Changes {
    let then = Summary::of(before.rows.iter().map(SnapshotRow::group));
    let old: HashMap<i64, &SnapshotRow> = before.rows.iter().map(|r| (r.project_id, r)).collect();
    let mut c = Changes {
        since: before.month,
        turned_red: Vec::new(),
        recovered: Vec::new(),
        new_in_plan: Vec::new(),
        deltas: Deltas::between(now, &then),
    };
    for row in rows {
        let prior = old.get(&row.project_id);
        let change = || LightChange {
            project: row.into(),
            before: prior.and_then(|p| p.light),
            after: row.light,
        };
        let was = prior.and_then(|p| p.light);
        if row.light == Some(Light::Red) && was != Some(Light::Red) {
            c.turned_red.push(change());
        }
        if row.light == Some(Light::Green) && matches!(was, Some(Light::Red | Light::Yellow)) {
            c.recovered.push(change());
        }
        if row.stage.in_annual_plan() && !prior.is_some_and(|p| p.stage.in_annual_plan()) {
            c.new_in_plan.push(change());
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::light::AssessedReason;

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
}
