//! The summary figures of one month — projects by light and by stage, the annual plan's money
//! and the monthly reports — summed from groups of snapshot rows.

use super::snapshot::Group;
use crate::control::light::Light;
use crate::kernel::money::Fen;
use crate::projects::project::Stage;
use serde::Serialize;

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
