//! Reading one project in full, and the scope rule that decides which projects are visible.

use crate::db::Tx;
use crate::error::StoreError;
use crate::regions::within;
use crate::schema::{
    Accounts, BudgetLines, Categories, Departments, ProjectPartners, Projects, Regions,
};
use crate::scoped::Scoped;
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::project_access::ProjectOwnership;
use minxin_domain::{Actor, Permission};
use sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::Serialize;

/// A department as referred to by a project.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DepartmentRef {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// Planned money from one funding source.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct BudgetLine {
    /// Funding source code (central, provincial, municipal, county, social, residents).
    pub source: String,
    /// Amount in fen.
    pub amount_fen: i64,
}

/// A project with every registry field.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Project {
    /// Id.
    pub id: i64,
    /// Project code, e.g. 2026-MX-0042.
    pub code: String,
    /// Name.
    pub name: String,
    /// Subcategory id.
    pub category_id: i64,
    /// Subcategory name.
    pub category_name: String,
    /// Top-level category name.
    pub parent_category_name: Option<String>,
    /// Plan year.
    pub year: i32,
    /// Region (street or community).
    pub region_id: i64,
    /// Region name.
    pub region_name: String,
    /// Region path (decides visibility).
    pub region_path: String,
    /// Lead department.
    pub lead_department_id: i64,
    /// Lead department name.
    pub lead_department_name: String,
    /// Accountable person (责任人).
    pub owner_name: String,
    /// Owner's phone; personal data, never shown publicly in full.
    pub owner_phone: String,
    /// Account of the project manager, if assigned.
    pub manager_id: Option<i64>,
    /// The project manager's name.
    pub manager_name: Option<String>,
    /// Latitude (WGS-84/CGCS2000).
    pub latitude: Option<f64>,
    /// Longitude (WGS-84/CGCS2000).
    pub longitude: Option<f64>,
    /// Street address.
    pub address: String,
    /// Planned start.
    pub planned_start: Option<NaiveDate>,
    /// Planned end.
    pub planned_end: Option<NaiveDate>,
    /// Actual start.
    pub actual_start: Option<NaiveDate>,
    /// Actual end.
    pub actual_end: Option<NaiveDate>,
    /// Number of people who benefit.
    pub beneficiaries: Option<i64>,
    /// What is built or provided.
    pub description: String,
    /// What it should achieve.
    pub goals: String,
    /// Whether the public portal shows it.
    pub is_public: bool,
    /// Lifecycle stage code.
    pub stage: String,
    /// Hold code: active, suspended or cancelled.
    pub hold: String,
    /// Why it is suspended or cancelled.
    pub hold_reason: Option<String>,
    /// Reported percent complete (0–100).
    pub progress_percent: i32,
    /// Latest progress note.
    pub progress_note: String,
    /// Total planned budget in fen (sum of the budget lines).
    pub budget_fen: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Partner departments.
    #[sqlx(skip)]
    pub partners: Vec<DepartmentRef>,
    /// Budget by funding source.
    #[sqlx(skip)]
    pub budget: Vec<BudgetLine>,
}

impl Project {
    /// The facts access rules look at.
    pub fn ownership(&self) -> ProjectOwnership {
        ProjectOwnership {
            lead_department_id: self.lead_department_id,
            manager_id: self.manager_id,
        }
    }
}

/// The condition "project is visible to `actor`": inside the region subtree and, when the scope
/// is narrowed to departments, led or partnered by one of them, or managed by the actor.
pub(crate) fn visible(actor: &Actor) -> Expr {
    let mut condition = within(
        &actor.scope,
        Expr::col((Projects::Table, Projects::RegionPath)),
    );
    let departments = &actor.scope.departments;
    if !departments.is_empty() {
        let partnered = Query::select()
            .column(ProjectPartners::ProjectId)
            .from(ProjectPartners::Table)
            .and_where(Expr::col(ProjectPartners::DepartmentId).is_in(departments.clone()))
            .take();
        condition = condition.and(
            Expr::col((Projects::Table, Projects::LeadDepartmentId))
                .is_in(departments.clone())
                .or(Expr::col((Projects::Table, Projects::Id)).in_subquery(partnered))
                .or(Expr::col((Projects::Table, Projects::ManagerId)).eq(actor.account_id)),
        );
    }
    condition
}

/// Projects joined with the names a page shows, restricted to what `actor` may see.
pub(crate) fn joined(actor: &Actor) -> SelectStatement {
    let parent = Alias::new("parent_category");
    Query::select()
        .from(Projects::Table)
        .inner_join(
            Categories::Table,
            Expr::col((Categories::Table, Categories::Id))
                .equals((Projects::Table, Projects::CategoryId)),
        )
        .join_as(
            JoinType::LeftJoin,
            Categories::Table,
            parent.clone(),
            Expr::col((parent.clone(), Categories::Id))
                .equals((Categories::Table, Categories::ParentId)),
        )
        .inner_join(
            Regions::Table,
            Expr::col((Regions::Table, Regions::Id)).equals((Projects::Table, Projects::RegionId)),
        )
        .inner_join(
            Departments::Table,
            Expr::col((Departments::Table, Departments::Id))
                .equals((Projects::Table, Projects::LeadDepartmentId)),
        )
        .expr_as(
            Expr::col((Categories::Table, Categories::Name)),
            "category_name",
        )
        .expr_as(
            Expr::col((parent, Categories::Name)),
            "parent_category_name",
        )
        .expr_as(Expr::col((Regions::Table, Regions::Name)), "region_name")
        .expr_as(
            Expr::col((Departments::Table, Departments::Name)),
            "lead_department_name",
        )
        .and_where(visible(actor))
        .take()
}

/// Every column of [`Project`] (without partners and budget lines) for visible projects.
pub(crate) fn full(actor: &Actor) -> SelectStatement {
    joined(actor)
        .left_join(
            Accounts::Table,
            Expr::col((Accounts::Table, Accounts::Id))
                .equals((Projects::Table, Projects::ManagerId)),
        )
        .expr_as(
            Expr::col((Accounts::Table, Accounts::DisplayName)),
            "manager_name",
        )
        .column((Projects::Table, sea_query::Asterisk))
        .take()
}

/// Loads one visible project with its partners and budget lines.
pub(crate) async fn find(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Project, StoreError> {
    let mut project: Project = tx
        .optional(
            &full(actor)
                .and_where(Expr::col((Projects::Table, Projects::Id)).eq(id))
                .take(),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    project.partners = tx
        .all(
            &Query::select()
                .column((Departments::Table, Departments::Id))
                .column((Departments::Table, Departments::Name))
                .from(ProjectPartners::Table)
                .inner_join(
                    Departments::Table,
                    Expr::col((Departments::Table, Departments::Id))
                        .equals((ProjectPartners::Table, ProjectPartners::DepartmentId)),
                )
                .and_where(Expr::col((ProjectPartners::Table, ProjectPartners::ProjectId)).eq(id))
                .order_by((Departments::Table, Departments::Code), Order::Asc)
                .take(),
        )
        .await?;
    project.budget = tx
        .all(
            &Query::select()
                .columns([BudgetLines::Source, BudgetLines::AmountFen])
                .from(BudgetLines::Table)
                .and_where(Expr::col(BudgetLines::ProjectId).eq(id))
                .take(),
        )
        .await?;
    project
        .budget
        .sort_by_key(|l| crate::projects::write::source_rank(&l.source));
    Ok(project)
}

impl Scoped<'_> {
    /// One project, if the actor may see it.
    pub async fn project(&self, id: i64) -> Result<Project, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        find(&mut tx, self.actor, id).await
    }
}
