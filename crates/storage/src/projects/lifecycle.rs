//! Moving projects through their lifecycle (SPEC §4): gathering the facts the gate rules need,
//! deciding with [`minxin_domain::projects::lifecycle::decide`], and keeping every transition.

use super::Registry;
use super::milestones::of_project;
use super::read::{Project, find};
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Attachments, Projects, Transitions};
use chrono::{DateTime, Utc};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::text::{self, Layout};
use minxin_domain::projects::access::may_manage;
use minxin_domain::projects::lifecycle::{Condition, GateFacts, Move, Refusal, decide, gate};
use minxin_domain::projects::project::{Hold, Stage};
use minxin_domain::{FieldProblem, Permission, Problem};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};

/// The next gate of a project: where it leads and which conditions hold.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GateView {
    /// The stage the gate leads to; `None` at the last stage.
    pub next_stage: Option<String>,
    /// Every condition of the gate, met or missing.
    #[schema(value_type = Vec<Object>)]
    pub conditions: Vec<Condition>,
}

/// A lifecycle move as requested.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TransitionInput {
    /// `advance`, `return`, `suspend`, `resume` or `cancel`.
    #[serde(rename = "move")]
    pub action: String,
    /// For `return`: the earlier stage.
    #[serde(default)]
    pub target_stage: Option<String>,
    /// Why (required to go back, suspend or cancel).
    #[serde(default)]
    pub reason: String,
    /// The project version the mover saw.
    pub version: i64,
}

/// One entry of a project's timeline.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TransitionRecord {
    /// Id.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (user name).
    pub actor_name: String,
    /// The move.
    #[serde(rename = "move")]
    #[sqlx(rename = "move")]
    pub action: String,
    /// Stage before.
    pub from_stage: String,
    /// Stage after.
    pub to_stage: String,
    /// Hold before.
    pub from_hold: String,
    /// Hold after.
    pub to_hold: String,
    /// Why.
    pub reason: String,
}

/// Every column a move writes to the timeline: the project, when, who, the move, from which
/// stage and hold to which, and why. The timeline shows them from the actor's name on.
pub(crate) const TRANSITION_COLUMNS: [Transitions; 10] = [
    Transitions::ProjectId,
    Transitions::At,
    Transitions::ActorId,
    Transitions::ActorName,
    Transitions::Move,
    Transitions::FromStage,
    Transitions::ToStage,
    Transitions::FromHold,
    Transitions::ToHold,
    Transitions::Reason,
];

/// The timeline of a project, oldest first (the caller has checked that it may be read).
pub(crate) async fn timeline(
    tx: &mut Tx,
    project_id: i64,
) -> Result<Vec<TransitionRecord>, StoreError> {
    tx.all(
        &Query::select()
            .columns([Transitions::Id, Transitions::At])
            .columns(TRANSITION_COLUMNS[3..].iter().copied())
            .from(Transitions::Table)
            .and_where(Expr::col(Transitions::ProjectId).eq(project_id))
            .order_by(Transitions::Id, Order::Asc)
            .take(),
    )
    .await
}

/// Gathers the facts the gate rules look at.
pub(crate) async fn facts(tx: &mut Tx, project: &Project) -> Result<GateFacts, StoreError> {
    let milestones = of_project(tx, project.id).await?;
    let kinds: Vec<(String,)> = tx
        .all(
            &Query::select()
                .distinct()
                .column(Attachments::Kind)
                .from(Attachments::Table)
                .and_where(Expr::col(Attachments::ProjectId).eq(project.id))
                .take(),
        )
        .await?;
    Ok(GateFacts {
        basics_complete: !project.name.is_empty()
            && !project.owner_name.is_empty()
            && !project.owner_phone.is_empty(),
        dates_planned: matches!(
            (project.planned_start, project.planned_end),
            (Some(s), Some(e)) if e >= s
        ),
        budget_fen: project.budget_fen,
        milestones: milestones.len(),
        milestones_done: milestones
            .iter()
            .filter(|m| m.actual_date.is_some())
            .count(),
        milestone_weight: milestones
            .iter()
            .map(|m| u32::try_from(m.weight).unwrap_or(0))
            .sum(),
        documents: kinds
            .into_iter()
            .filter_map(|(k,)| k.parse().ok())
            .collect(),
    })
}

fn stage_of(project: &Project) -> Result<(Stage, Hold), StoreError> {
    let corrupt = || StoreError::Config(format!("project {} has an unknown stage", project.id));
    Ok((
        project.stage.parse().map_err(|_| corrupt())?,
        project.hold.parse().map_err(|_| corrupt())?,
    ))
}

fn parse_move(input: &TransitionInput) -> Result<Move, StoreError> {
    let target = || {
        input
            .target_stage
            .as_deref()
            .and_then(|s| s.parse::<Stage>().ok())
            .ok_or_else(|| StoreError::invalid("target_stage", Problem::Required))
    };
    Ok(match input.action.as_str() {
        "advance" => Move::Advance,
        "return" => Move::Return(target()?),
        "suspend" => Move::Suspend,
        "resume" => Move::Resume,
        "cancel" => Move::Cancel,
        _ => return Err(StoreError::invalid("move", Problem::Malformed)),
    })
}

/// A refused move, as field problems a form or the API can show.
fn refused(refusal: Refusal) -> StoreError {
    let (field, problem) = match refusal {
        Refusal::ReasonRequired => ("reason", Problem::Required),
        Refusal::OfficeOnly => return StoreError::Forbidden,
        Refusal::NotEarlier => ("target_stage", Problem::MoveRefused),
        Refusal::GateClosed { .. } => ("move", Problem::GateClosed),
        _ => ("move", Problem::MoveRefused),
    };
    StoreError::Invalid(vec![FieldProblem::new(field, problem)])
}

impl Registry<'_> {
    /// The next gate of a visible project, with every condition met or missing.
    pub async fn gate(&self, project_id: i64) -> Result<GateView, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        let (stage, _) = stage_of(&project)?;
        let facts = facts(&mut tx, &project).await?;
        Ok(GateView {
            next_stage: stage.next().map(|s| s.code().to_owned()),
            conditions: stage.next().map(|s| gate(s, &facts)).unwrap_or_default(),
        })
    }

    /// The timeline of a visible project, oldest first.
    pub async fn transitions(&self, project_id: i64) -> Result<Vec<TransitionRecord>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        find(&mut tx, self.actor, project_id).await?;
        timeline(&mut tx, project_id).await
    }

    /// Moves a project in its lifecycle if the rules allow it, and records the transition.
    pub async fn transition(
        &self,
        project_id: i64,
        input: &TransitionInput,
    ) -> Result<(Project, TransitionRecord), StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let before = find(&mut tx, self.actor, project_id).await?;
        // Who may move it is asked before what the move is: a caller who may not gets 403
        // whatever it sent, never the move's problems.
        if !may_manage(self.actor, before.ownership()) {
            return Err(StoreError::Forbidden);
        }
        let requested = parse_move(input)?;
        text::check(&input.reason, Layout::Lines).map_err(|p| StoreError::invalid("reason", p))?;
        if before.version != input.version {
            return Err(StoreError::Conflict);
        }
        let (stage, hold) = stage_of(&before)?;
        let facts = facts(&mut tx, &before).await?;
        let outcome = decide(
            stage,
            hold,
            requested,
            &input.reason,
            &self.actor.roles,
            &facts,
        )
        .map_err(refused)?;
        let reason: String = input.reason.trim().chars().take(1000).collect();
        let hold_reason = (outcome.hold != Hold::Active).then(|| reason.clone());
        tx.update_versioned(
            &Query::update()
                .table(Projects::Table)
                .values([
                    (Projects::Stage, outcome.stage.code().into()),
                    (Projects::Hold, outcome.hold.code().into()),
                    (Projects::HoldReason, hold_reason.into()),
                    (Projects::UpdatedAt, tx.now().into()),
                    (Projects::Version, Expr::col(Projects::Version).add(1)),
                ])
                .and_where(Expr::col(Projects::Id).eq(project_id))
                .and_where(Expr::col(Projects::Version).eq(input.version))
                .take(),
        )
        .await?;
        let now = tx.now();
        let record = insert_transition_at(
            &mut tx,
            project_id,
            now,
            Some(self.actor.account_id),
            &self.actor.username,
            &input.action,
            (stage, hold),
            (outcome.stage, outcome.hold),
            &reason,
        )
        .await?;
        self.store.light.refresh(&mut tx, project_id).await?;
        let after = find(&mut tx, self.actor, project_id).await?;
        self.record(
            &mut tx,
            AuditAction::ProjectTransition,
            after.target(),
            Some(&serde_json::json!({"stage": before.stage, "hold": before.hold})),
            Some(&record),
        )
        .await?;
        tx.commit().await?;
        Ok((after, record))
    }
}

/// Appends a transition made at `at` to a project's timeline.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_transition_at(
    tx: &mut Tx,
    project_id: i64,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    actor_name: &str,
    action: &str,
    from: (Stage, Hold),
    to: (Stage, Hold),
    reason: &str,
) -> Result<TransitionRecord, StoreError> {
    let id = tx
        .insert(
            Query::insert()
                .into_table(Transitions::Table)
                .columns(TRANSITION_COLUMNS)
                .values_panic([
                    project_id.into(),
                    at.into(),
                    actor_id.into(),
                    actor_name.into(),
                    action.into(),
                    from.0.code().into(),
                    to.0.code().into(),
                    from.1.code().into(),
                    to.1.code().into(),
                    reason.into(),
                ])
                .take(),
        )
        .await?;
    Ok(TransitionRecord {
        id,
        at,
        actor_name: actor_name.to_owned(),
        action: action.to_owned(),
        from_stage: from.0.code().to_owned(),
        to_stage: to.0.code().to_owned(),
        from_hold: from.1.code().to_owned(),
        to_hold: to.1.code().to_owned(),
        reason: reason.to_owned(),
    })
}
