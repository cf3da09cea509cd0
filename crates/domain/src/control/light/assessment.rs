//! The assessment: from the facts the caller gathered about one project to its light and the
//! reasons for it, worst first, applying each rule only in the stages it is meant for.

use super::{Light, Reason, Thresholds};
use crate::control::progress::{self, PlannedMilestone};
use crate::projects::project::{Hold, Stage};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A milestone as the light rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneFact {
    /// Its name, quoted in the reason.
    pub name: String,
    /// When it is planned to be done.
    pub planned: NaiveDate,
    /// When it was done, if it is.
    pub done: Option<NaiveDate>,
    /// Its share of the whole work, for expected progress.
    pub weight: u32,
}

/// Where the monthly progress report (月调度) stands, as storage knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatus {
    /// No report is due yet (e.g. the first month is not over).
    NotDue,
    /// The latest due report came in on time.
    OnTime,
    /// The report for a month came in late, or is still missing.
    Late {
        /// The year of the month reported on.
        year: i32,
        /// The month reported on, 1–12.
        month: u32,
        /// Days past its deadline (until it came in, or until today if still missing).
        days_late: u32,
    },
}

/// Everything the rules need about one project, gathered by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightFacts {
    /// The lifecycle stage.
    pub stage: Stage,
    /// Running, suspended or cancelled.
    pub hold: Hold,
    /// The date the light is computed for (the rules never read a clock).
    pub today: NaiveDate,
    /// The planned start, if set.
    pub planned_start: Option<NaiveDate>,
    /// The planned end, if set.
    pub planned_end: Option<NaiveDate>,
    /// The milestones, in any order.
    pub milestones: Vec<MilestoneFact>,
    /// The latest reported progress, in basis points.
    pub reported_bp: u32,
    /// The monthly report's status.
    pub report: ReportStatus,
    /// The approved budget, in fen (0 when none is recorded).
    pub budget_fen: i64,
    /// The money paid (资金支付) so far, in fen.
    pub spent_fen: i64,
    /// How many service requests about the project are past their deadline.
    pub overdue_requests: u32,
}

/// A reason with the light it gave when assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessedReason {
    /// The reason's light under the thresholds of the day.
    pub light: Light,
    /// The reason.
    pub reason: Reason,
}

/// A project's light and the reasons for it, worst first; never without a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The worst of the reasons' lights.
    pub light: Light,
    /// The reasons, worst first.
    pub reasons: Vec<AssessedReason>,
}

/// Whether a project in this stage and hold gets a light at all: active projects from approval
/// up to maintenance. Callers can skip gathering facts for the others.
pub fn is_lit(stage: Stage, hold: Hold) -> bool {
    hold == Hold::Active && (Stage::Approved..=Stage::Maintenance).contains(&stage)
}

/// Whether the schedule rules (deviation, milestones, monthly report) apply: while building.
fn building(stage: Stage) -> bool {
    (Stage::Approved..=Stage::Acceptance).contains(&stage)
}

/// Whole days from `from` to `to`, 0 when `to` is not later.
fn days_after(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days().max(0)).unwrap_or(u32::MAX)
}

/// The project's light under `thresholds`, or `None` when lights do not apply to it (see
/// [`is_lit`]).
pub fn assess(facts: &LightFacts, thresholds: &Thresholds) -> Option<Assessment> {
    if !is_lit(facts.stage, facts.hold) {
        return None;
    }
    let today = facts.today;
    let mut candidates = Vec::new();
    if facts.stage < Stage::Acceptance
        && let Some(planned_end) = facts.planned_end
    {
        candidates.push(Reason::PastPlannedEnd {
            planned_end,
            days: days_after(planned_end, today),
        });
    }
    candidates.push(Reason::OverBudget {
        budget_fen: facts.budget_fen,
        spent_fen: facts.spent_fen,
    });
    let mut on_track = None;
    if building(facts.stage) {
        let planned: Vec<PlannedMilestone> = facts
            .milestones
            .iter()
            .map(|m| PlannedMilestone {
                planned: m.planned,
                weight: m.weight,
            })
            .collect();
        if let Some(expected_bp) =
            progress::expected(facts.planned_start, facts.planned_end, &planned, today)
        {
            let reported_bp = facts.reported_bp;
            candidates.push(Reason::Deviation {
                expected_bp,
                reported_bp,
                deviation_bp: expected_bp.saturating_sub(reported_bp),
            });
            on_track = Some(Reason::OnTrack {
                expected_bp,
                reported_bp,
            });
        }
        // Most overdue first: the earliest planned among those not done.
        let mut overdue: Vec<&MilestoneFact> = facts
            .milestones
            .iter()
            .filter(|m| m.done.is_none())
            .collect();
        overdue.sort_by_key(|m| m.planned);
        candidates.extend(overdue.into_iter().map(|m| Reason::MilestoneOverdue {
            name: m.name.clone(),
            planned: m.planned,
            days: days_after(m.planned, today),
        }));
        if let ReportStatus::Late {
            year,
            month,
            days_late,
        } = facts.report
        {
            candidates.push(Reason::ReportLate {
                year,
                month,
                days: days_late,
            });
        }
    }
    candidates.push(Reason::OverdueRequests {
        count: facts.overdue_requests,
    });

    let mut reasons: Vec<AssessedReason> = candidates
        .into_iter()
        .map(|reason| AssessedReason {
            light: reason.light(thresholds),
            reason,
        })
        .filter(|r| r.light > Light::Green)
        .collect();
    if reasons.is_empty() {
        reasons.push(AssessedReason {
            light: Light::Green,
            reason: on_track.unwrap_or(Reason::AllClear),
        });
    }
    // Stable: within one light, the order above (end, money, progress, milestones by delay,
    // report, requests) is kept.
    reasons.sort_by_key(|r| std::cmp::Reverse(r.light));
    Some(Assessment {
        light: reasons[0].light,
        reasons,
    })
}
