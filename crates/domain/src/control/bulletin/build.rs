//! Building a bulletin from the snapshot rows of its closing month and of the period before:
//! grouping the flagged projects, ranking the departments and finding what changed.

use super::contents::{
    Bulletin, Changes, Deltas, DepartmentFlags, DepartmentKey, Flagged, LateReport, LightChange,
    MonthPoint,
};
use super::period::BulletinPeriod;
use super::snapshot::{Group, MonthRows, SnapshotRow};
use super::summary::Summary;
use crate::control::light::Light;
use crate::control::ranking::{self, DepartmentTally, Ranked};
use crate::control::report::ReportPeriod;
use std::collections::{BTreeMap, HashMap};

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
