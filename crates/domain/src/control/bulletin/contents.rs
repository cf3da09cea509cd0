//! What a bulletin holds: the flagged projects by department, late reports, the ranked
//! departments, the changes since the period before and a quarter's or year's series.

use super::period::BulletinPeriod;
use super::snapshot::SnapshotRow;
use super::summary::Summary;
use crate::control::light::{Light, Reason};
use crate::control::ranking::Ranked;
use crate::control::report::ReportPeriod;
use crate::kernel::money::Fen;
use serde::Serialize;

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
    pub(super) fn between(now: &Summary, then: &Summary) -> Deltas {
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
