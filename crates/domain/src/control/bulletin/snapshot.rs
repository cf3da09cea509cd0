//! The monthly snapshot as a bulletin reads it: one frozen row per project, and the groups of
//! projects sharing a stage, hold and light that the summary figures are summed from.

use crate::control::light::{AssessedReason, Light, Reason};
use crate::control::report::ReportPeriod;
use crate::kernel::money::Fen;
use crate::projects::project::{Hold, Stage};

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
    pub(super) fn late_reason(&self) -> Option<&Reason> {
        self.reasons
            .iter()
            .map(|r| &r.reason)
            .find(|r| matches!(r, Reason::ReportLate { .. }))
    }
}

/// A month's snapshot rows.
pub struct MonthRows {
    /// The month.
    pub month: ReportPeriod,
    /// Its rows (in any order).
    pub rows: Vec<SnapshotRow>,
}
