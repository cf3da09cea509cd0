//! Milestones (节点): planned date and weight, done with an actual date. Planning them is
//! management; marking them done is progress, which a project manager may also do.

use super::Registry;
use super::read::{Project, find};
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::Milestones;
use chrono::NaiveDate;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::problem::{FieldProblem, required_line};
use minxin_domain::projects::access::{may_manage, may_report_progress};
use minxin_domain::{Permission, Problem};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};

/// A milestone as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Milestone {
    /// Id.
    pub id: i64,
    /// Project.
    pub project_id: i64,
    /// Name, e.g. 主体施工.
    pub name: String,
    /// Planned date.
    pub planned_date: NaiveDate,
    /// Actual date, once done.
    pub actual_date: Option<NaiveDate>,
    /// Share of the whole work, in percent.
    pub weight: i32,
    /// Position in the plan.
    pub sort: i64,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// A milestone as planned or edited.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MilestoneInput {
    /// Name.
    pub name: String,
    /// Planned date.
    pub planned_date: Option<NaiveDate>,
    /// Weight in percent (1–100).
    pub weight: i32,
    /// Actual date when done.
    #[serde(default)]
    pub actual_date: Option<NaiveDate>,
}

/// The milestones of a project, in plan order.
pub(crate) async fn of_project(tx: &mut Tx, project_id: i64) -> Result<Vec<Milestone>, StoreError> {
    tx.all(
        &in_plan_order()
            .and_where(Expr::col(Milestones::ProjectId).eq(project_id))
            .take(),
    )
    .await
}

/// What a milestone plans, by project: what the traffic lights read, and what a new one writes
/// before its position.
pub(crate) const PLAN_COLUMNS: [Milestones; 5] = [
    Milestones::ProjectId,
    Milestones::Name,
    Milestones::PlannedDate,
    Milestones::ActualDate,
    Milestones::Weight,
];

/// Milestone `id` of project `project_id` as stored now.
async fn one(tx: &mut Tx, project_id: i64, id: i64) -> Result<Milestone, StoreError> {
    of_project(tx, project_id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(StoreError::NotFound)
}

/// Milestones with the columns of [`Milestone`], in plan order; the caller says whose.
pub(crate) fn in_plan_order() -> SelectStatement {
    Query::select()
        .column(Milestones::Id)
        .columns(PLAN_COLUMNS)
        .columns([Milestones::Sort, Milestones::Version])
        .from(Milestones::Table)
        .order_by(Milestones::PlannedDate, Order::Asc)
        .order_by(Milestones::Sort, Order::Asc)
        .take()
}

fn check(input: &MilestoneInput, others_weight: i32) -> Result<(String, NaiveDate), StoreError> {
    let mut p = Vec::new();
    let name = required_line("name", &input.name, 100, &mut p);
    if input.planned_date.is_none() {
        p.push(FieldProblem::new("planned_date", Problem::Required));
    }
    if !(1..=100).contains(&input.weight) {
        p.push(FieldProblem::new("weight", Problem::Malformed));
    } else if others_weight + input.weight > 100 {
        p.push(FieldProblem::new("weight", Problem::WeightsOver100));
    }
    match (p.is_empty(), input.planned_date) {
        (true, Some(date)) => Ok((name, date)),
        _ => Err(StoreError::Invalid(p)),
    }
}

impl Registry<'_> {
    /// The milestones of a visible project.
    pub async fn milestones(&self, project_id: i64) -> Result<Vec<Milestone>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        find(&mut tx, self.actor, project_id).await?;
        of_project(&mut tx, project_id).await
    }

    /// Plans a new milestone; the weights of a project may not exceed 100 in total.
    pub async fn add_milestone(
        &self,
        project_id: i64,
        input: &MilestoneInput,
    ) -> Result<Milestone, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        if !may_manage(self.actor, project.ownership()) {
            return Err(StoreError::Forbidden);
        }
        let existing = of_project(&mut tx, project_id).await?;
        let (name, date) = check(input, existing.iter().map(|m| m.weight).sum())?;
        let id = tx
            .insert(
                Query::insert()
                    .into_table(Milestones::Table)
                    .columns(PLAN_COLUMNS.into_iter().chain([Milestones::Sort]))
                    .values_panic([
                        project_id.into(),
                        name.into(),
                        date.into(),
                        input.actual_date.into(),
                        input.weight.into(),
                        (existing.len() as i64).into(),
                    ])
                    .take(),
            )
            .await?;
        let after = one(&mut tx, project_id, id).await?;
        self.changed(&mut tx, &project, None, Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Edits a milestone. Managers change the plan; a project manager may only record the
    /// actual date (mark it done or undone).
    pub async fn update_milestone(
        &self,
        project_id: i64,
        milestone_id: i64,
        version: i64,
        input: &MilestoneInput,
    ) -> Result<Milestone, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        let all = of_project(&mut tx, project_id).await?;
        let before = all
            .iter()
            .find(|m| m.id == milestone_id)
            .cloned()
            .ok_or(StoreError::NotFound)?;
        let manages = may_manage(self.actor, project.ownership());
        if !may_report_progress(self.actor, project.ownership()) {
            return Err(StoreError::Forbidden);
        }
        let plan_changed = input.name.trim() != before.name
            || input.planned_date != Some(before.planned_date)
            || input.weight != before.weight;
        if plan_changed && !manages {
            return Err(StoreError::Forbidden);
        }
        let others: i32 = all
            .iter()
            .filter(|m| m.id != milestone_id)
            .map(|m| m.weight)
            .sum();
        let (name, date) = check(input, others)?;
        tx.update_versioned(
            &Query::update()
                .table(Milestones::Table)
                .values([
                    (Milestones::Name, name.into()),
                    (Milestones::PlannedDate, date.into()),
                    (Milestones::Weight, input.weight.into()),
                    (Milestones::ActualDate, input.actual_date.into()),
                    (Milestones::Version, Expr::col(Milestones::Version).add(1)),
                ])
                .and_where(Expr::col(Milestones::Id).eq(milestone_id))
                .and_where(Expr::col(Milestones::Version).eq(version))
                .take(),
        )
        .await?;
        let after = one(&mut tx, project_id, milestone_id).await?;
        self.changed(&mut tx, &project, Some(&before), Some(&after))
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Removes a milestone from the plan.
    pub async fn delete_milestone(
        &self,
        project_id: i64,
        milestone_id: i64,
    ) -> Result<(), StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        if !may_manage(self.actor, project.ownership()) {
            return Err(StoreError::Forbidden);
        }
        let before = one(&mut tx, project_id, milestone_id).await?;
        tx.execute(
            &Query::delete()
                .from_table(Milestones::Table)
                .and_where(Expr::col(Milestones::Id).eq(milestone_id))
                .take(),
        )
        .await?;
        self.changed(&mut tx, &project, Some(&before), None).await?;
        tx.commit().await
    }

    /// Audits a change to a project's milestones and refreshes its light, which they feed.
    async fn changed(
        &self,
        tx: &mut Tx,
        project: &Project,
        before: Option<&Milestone>,
        after: Option<&Milestone>,
    ) -> Result<(), StoreError> {
        self.record(
            tx,
            AuditAction::MilestoneChange,
            project.target(),
            before,
            after,
        )
        .await?;
        self.store.light.refresh(tx, project.id).await
    }
}
