//! Lifecycle gates (SPEC §4). Moving a project forward one stage passes a gate: a list of
//! conditions, each a rule checked against facts about the project. A later capability adds a
//! condition by adding a [`GateRule`] variant, one arm in [`GateRule::is_met`] and one entry in
//! [`rules_for`]; the pages and API show every condition, met or missing, automatically.

use crate::identity::role::{Role, RoleSet};
use crate::projects::project::{DocumentKind, Hold, Stage};
use serde::Serialize;

/// What the gate rules look at, gathered by storage from the project and its records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GateFacts {
    /// Name, category, region, lead department and owner are all filled in.
    pub basics_complete: bool,
    /// Planned start and end dates are set, the end not before the start.
    pub dates_planned: bool,
    /// Sum of the budget lines, in fen.
    pub budget_fen: i64,
    /// How many milestones are planned.
    pub milestones: usize,
    /// How many milestones are done.
    pub milestones_done: usize,
    /// Sum of the milestones' weights.
    pub milestone_weight: u32,
    /// Kinds of documents attached to the project.
    pub documents: Vec<DocumentKind>,
}

impl GateFacts {
    fn has(&self, kind: DocumentKind) -> bool {
        self.documents.contains(&kind)
    }
}

/// One condition a gate can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GateRule {
    /// The registry fields needed to manage the project are filled in.
    Basics,
    /// Residents were consulted (征求意见), with the record attached.
    Consultation,
    /// A budget is planned by funding source.
    BudgetPlanned,
    /// The approval document (立项批复) is attached.
    ApprovalDocument,
    /// Planned start and end dates are set.
    DatesPlanned,
    /// Milestones are planned and their weights add up to 100.
    MilestonesPlanned,
    /// A signed contract is attached.
    Contract,
    /// Every milestone is done.
    MilestonesDone,
    /// The completion-acceptance record is attached.
    AcceptanceRecord,
    /// The performance-evaluation report is attached.
    EvaluationReport,
    /// A maintenance plan is attached.
    MaintenancePlan,
}

impl GateRule {
    /// Whether the rule holds for `facts`.
    pub fn is_met(self, facts: &GateFacts) -> bool {
        match self {
            GateRule::Basics => facts.basics_complete,
            GateRule::Consultation => facts.has(DocumentKind::Consultation),
            GateRule::BudgetPlanned => facts.budget_fen > 0,
            GateRule::ApprovalDocument => facts.has(DocumentKind::Approval),
            GateRule::DatesPlanned => facts.dates_planned,
            GateRule::MilestonesPlanned => facts.milestones > 0 && facts.milestone_weight == 100,
            GateRule::Contract => facts.has(DocumentKind::Contract),
            GateRule::MilestonesDone => {
                facts.milestones > 0 && facts.milestones_done == facts.milestones
            }
            GateRule::AcceptanceRecord => facts.has(DocumentKind::Acceptance),
            GateRule::EvaluationReport => facts.has(DocumentKind::Evaluation),
            GateRule::MaintenancePlan => facts.has(DocumentKind::MaintenancePlan),
        }
    }

    /// The stable code, also the message key suffix.
    pub fn code(self) -> &'static str {
        match self {
            GateRule::Basics => "basics",
            GateRule::Consultation => "consultation",
            GateRule::BudgetPlanned => "budget_planned",
            GateRule::ApprovalDocument => "approval_document",
            GateRule::DatesPlanned => "dates_planned",
            GateRule::MilestonesPlanned => "milestones_planned",
            GateRule::Contract => "contract",
            GateRule::MilestonesDone => "milestones_done",
            GateRule::AcceptanceRecord => "acceptance_record",
            GateRule::EvaluationReport => "evaluation_report",
            GateRule::MaintenancePlan => "maintenance_plan",
        }
    }
}

/// The conditions of the gate into `target`.
pub fn rules_for(target: Stage) -> &'static [GateRule] {
    use GateRule::*;
    match target {
        Stage::Demand => &[],
        Stage::Reserve => &[Basics],
        Stage::Approved => &[Basics, Consultation, BudgetPlanned, ApprovalDocument],
        Stage::Procurement => &[DatesPlanned, MilestonesPlanned],
        Stage::Construction => &[Contract],
        Stage::Acceptance => &[MilestonesDone],
        Stage::Evaluation => &[AcceptanceRecord],
        Stage::Maintenance => &[EvaluationReport, MaintenancePlan],
        Stage::Archived => &[MaintenancePlan],
    }
}

/// One condition of a gate and whether it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// The rule.
    pub rule: GateRule,
    /// Whether it holds now.
    pub met: bool,
}

/// Every condition of the gate into `target`, met or missing.
pub fn gate(target: Stage, facts: &GateFacts) -> Vec<Condition> {
    rules_for(target)
        .iter()
        .map(|&rule| Condition {
            rule,
            met: rule.is_met(facts),
        })
        .collect()
}

/// A requested move in the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Forward to the next stage, through its gate.
    Advance,
    /// Back to an earlier stage (office only, with a reason).
    Return(Stage),
    /// Pause (with a reason).
    Suspend,
    /// Continue after a pause.
    Resume,
    /// Stop for good (with a reason).
    Cancel,
}

/// Why a move is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    /// The gate has unmet conditions.
    GateClosed {
        /// The rules that do not hold.
        missing: Vec<GateRule>,
    },
    /// There is no stage after this one.
    LastStage,
    /// The target stage is not earlier than the current one.
    NotEarlier,
    /// A reason is required for this move.
    ReasonRequired,
    /// Only the project office may move a project back.
    OfficeOnly,
    /// The project is suspended; resume it first.
    Suspended,
    /// The project is cancelled; nothing more can happen to it.
    Cancelled,
    /// Only a suspended project can resume.
    NotSuspended,
}

/// Where a permitted move leaves the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The stage afterwards.
    pub stage: Stage,
    /// The hold afterwards.
    pub hold: Hold,
}

/// Decides a move. `roles` are the mover's; `reason` is what they wrote.
pub fn decide(
    stage: Stage,
    hold: Hold,
    requested: Move,
    reason: &str,
    roles: &RoleSet,
    facts: &GateFacts,
) -> Result<Outcome, Refusal> {
    let has_reason = !reason.trim().is_empty();
    if hold == Hold::Cancelled {
        return Err(Refusal::Cancelled);
    }
    if hold == Hold::Suspended && !matches!(requested, Move::Resume | Move::Cancel) {
        return Err(Refusal::Suspended);
    }
    let moved = |stage, hold| Ok(Outcome { stage, hold });
    match requested {
        Move::Advance => {
            let next = stage.next().ok_or(Refusal::LastStage)?;
            let missing: Vec<GateRule> = gate(next, facts)
                .into_iter()
                .filter(|c| !c.met)
                .map(|c| c.rule)
                .collect();
            if missing.is_empty() {
                moved(next, Hold::Active)
            } else {
                Err(Refusal::GateClosed { missing })
            }
        }
        Move::Return(target) => {
            if target >= stage {
                Err(Refusal::NotEarlier)
            } else if !roles.has(Role::Office) {
                Err(Refusal::OfficeOnly)
            } else if !has_reason {
                Err(Refusal::ReasonRequired)
            } else {
                moved(target, Hold::Active)
            }
        }
        Move::Suspend | Move::Cancel if !has_reason => Err(Refusal::ReasonRequired),
        Move::Suspend => moved(stage, Hold::Suspended),
        Move::Cancel => moved(stage, Hold::Cancelled),
        Move::Resume if hold != Hold::Suspended => Err(Refusal::NotSuspended),
        Move::Resume => moved(stage, Hold::Active),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DocumentKind as D;

    fn office() -> RoleSet {
        RoleSet::new([Role::Office])
    }

    fn complete() -> GateFacts {
        GateFacts {
            basics_complete: true,
            dates_planned: true,
            budget_fen: 1,
            milestones: 3,
            milestones_done: 3,
            milestone_weight: 100,
            documents: DocumentKind::ALL.to_vec(),
        }
    }

    fn advance(stage: Stage, facts: &GateFacts) -> Result<Outcome, Refusal> {
        decide(stage, Hold::Active, Move::Advance, "", &office(), facts)
    }

    #[test]
    fn every_gate_opens_with_complete_facts() {
        let facts = complete();
        let mut stage = Stage::Demand;
        while let Some(next) = stage.next() {
            assert_eq!(advance(stage, &facts).map(|o| o.stage), Ok(next));
            stage = next;
        }
        assert_eq!(advance(Stage::Archived, &facts), Err(Refusal::LastStage));
    }

    /// For each gate, removing the evidence of each of its rules keeps it closed and names
    /// exactly that rule.
    #[test]
    fn every_rule_refuses_on_its_own() {
        type Spoil = fn(&mut GateFacts);
        let cases: [(GateRule, Spoil); 11] = [
            (GateRule::Basics, |f| f.basics_complete = false),
            (GateRule::Consultation, |f| {
                f.documents.retain(|d| *d != D::Consultation)
            }),
            (GateRule::BudgetPlanned, |f| f.budget_fen = 0),
            (GateRule::ApprovalDocument, |f| {
                f.documents.retain(|d| *d != D::Approval)
            }),
            (GateRule::DatesPlanned, |f| f.dates_planned = false),
            (GateRule::MilestonesPlanned, |f| f.milestone_weight = 90),
            (GateRule::Contract, |f| {
                f.documents.retain(|d| *d != D::Contract)
            }),
            (GateRule::MilestonesDone, |f| f.milestones_done = 2),
            (GateRule::AcceptanceRecord, |f| {
                f.documents.retain(|d| *d != D::Acceptance)
            }),
            (GateRule::EvaluationReport, |f| {
                f.documents.retain(|d| *d != D::Evaluation)
            }),
            (GateRule::MaintenancePlan, |f| {
                f.documents.retain(|d| *d != D::MaintenancePlan)
            }),
        ];
        for stage in Stage::ALL {
            let Some(next) = stage.next() else { continue };
            for rule in rules_for(next) {
                let (_, spoil) = cases
                    .iter()
                    .find(|(r, _)| r == rule)
                    .expect("every rule has a case");
                let mut facts = complete();
                spoil(&mut facts);
                assert_eq!(
                    advance(*stage, &facts),
                    Err(Refusal::GateClosed {
                        missing: vec![*rule]
                    }),
                    "{stage} → {next} without {rule:?}"
                );
            }
        }
    }

    #[test]
    fn no_milestones_means_neither_planned_nor_done() {
        let facts = GateFacts {
            milestones: 0,
            milestones_done: 0,
            milestone_weight: 0,
            ..complete()
        };
        assert!(!GateRule::MilestonesPlanned.is_met(&facts));
        assert!(!GateRule::MilestonesDone.is_met(&facts));
    }

    #[test]
    fn gate_lists_met_and_missing() {
        let facts = GateFacts {
            basics_complete: true,
            budget_fen: 100,
            ..GateFacts::default()
        };
        let conditions = gate(Stage::Approved, &facts);
        let missing: Vec<_> = conditions
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.rule)
            .collect();
        assert_eq!(conditions.len(), 4);
        assert_eq!(
            missing,
            vec![GateRule::Consultation, GateRule::ApprovalDocument]
        );
    }

    #[test]
    fn going_back_needs_office_and_a_reason() {
        let facts = complete();
        let back = Move::Return(Stage::Approved);
        let dept = RoleSet::new([Role::Dept]);
        let at = Stage::Construction;
        assert_eq!(
            decide(at, Hold::Active, back, "预算调整", &dept, &facts),
            Err(Refusal::OfficeOnly)
        );
        assert_eq!(
            decide(at, Hold::Active, back, "  ", &office(), &facts),
            Err(Refusal::ReasonRequired)
        );
        assert_eq!(
            decide(
                at,
                Hold::Active,
                Move::Return(Stage::Acceptance),
                "x",
                &office(),
                &facts
            ),
            Err(Refusal::NotEarlier)
        );
        assert_eq!(
            decide(at, Hold::Active, back, "预算调整", &office(), &facts),
            Ok(Outcome {
                stage: Stage::Approved,
                hold: Hold::Active
            })
        );
    }

    #[test]
    fn suspend_resume_and_cancel() {
        let facts = complete();
        let o = office();
        let at = Stage::Construction;
        assert_eq!(
            decide(at, Hold::Active, Move::Suspend, "", &o, &facts),
            Err(Refusal::ReasonRequired)
        );
        assert_eq!(
            decide(at, Hold::Active, Move::Suspend, "征地未完成", &o, &facts),
            Ok(Outcome {
                stage: at,
                hold: Hold::Suspended
            })
        );
        assert_eq!(
            decide(at, Hold::Suspended, Move::Advance, "", &o, &facts),
            Err(Refusal::Suspended)
        );
        assert_eq!(
            decide(at, Hold::Active, Move::Resume, "", &o, &facts),
            Err(Refusal::NotSuspended)
        );
        assert_eq!(
            decide(at, Hold::Suspended, Move::Resume, "", &o, &facts),
            Ok(Outcome {
                stage: at,
                hold: Hold::Active
            })
        );
        assert_eq!(
            decide(at, Hold::Suspended, Move::Cancel, "资金取消", &o, &facts),
            Ok(Outcome {
                stage: at,
                hold: Hold::Cancelled
            })
        );
        assert_eq!(
            decide(at, Hold::Active, Move::Cancel, "", &o, &facts),
            Err(Refusal::ReasonRequired)
        );
        for m in [
            Move::Advance,
            Move::Resume,
            Move::Suspend,
            Move::Cancel,
            Move::Return(Stage::Demand),
        ] {
            assert_eq!(
                decide(at, Hold::Cancelled, m, "x", &o, &facts),
                Err(Refusal::Cancelled)
            );
        }
    }
}
