//! Creating and editing projects. Input arrives as typed values (pages and the importer parse
//! text first); this module checks references against the actor's scope, applies the access
//! rules, keeps the budget total in step with its lines, and audits before and after.

use super::Registry;
use super::read::{Project, find};
use crate::kernel::db::Tx;
use crate::kernel::error::{StoreError, taken_as};
use crate::kernel::schema::{BudgetLines, ProjectPartners, Projects};
use crate::kernel::scoped::Scoped;
use crate::{org::departments, org::regions};
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::phone::is_phone_number;
use minxin_domain::kernel::problem::{FieldProblem, optional_line, optional_text, required_line};
use minxin_domain::org::region::RegionLevel;
use minxin_domain::projects::access::{may_create, may_manage, may_report_progress};
use minxin_domain::projects::import::limits;
use minxin_domain::projects::project::{FundingSource, Hold, Stage};
use minxin_domain::{DataScope, Permission, Problem, Role, projects::code as project_code};
use sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every registry field of a project, as typed values.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProjectInput {
    /// Project code; empty to generate the next one of the year.
    #[serde(default)]
    pub code: String,
    /// Name.
    pub name: String,
    /// Subcategory id.
    pub category_id: i64,
    /// Plan year.
    pub year: i32,
    /// Street or community.
    pub region_id: i64,
    /// Lead department.
    pub lead_department_id: i64,
    /// Partner departments.
    #[serde(default)]
    pub partner_department_ids: Vec<i64>,
    /// Accountable person.
    pub owner_name: String,
    /// Owner's phone.
    pub owner_phone: String,
    /// The office line published instead of the owner's masked phone (公开联系电话): a phone
    /// number (digits, `-`, `+`), or empty to show the owner's phone masked.
    #[serde(default)]
    pub public_phone: String,
    /// Project manager account.
    #[serde(default)]
    pub manager_id: Option<i64>,
    /// Latitude.
    #[serde(default)]
    pub latitude: Option<f64>,
    /// Longitude.
    #[serde(default)]
    pub longitude: Option<f64>,
    /// Street address.
    #[serde(default)]
    pub address: String,
    /// Planned start.
    #[serde(default)]
    pub planned_start: Option<NaiveDate>,
    /// Planned end.
    #[serde(default)]
    pub planned_end: Option<NaiveDate>,
    /// Budget in fen by funding source code (central, provincial, municipal, county, social,
    /// residents).
    #[serde(default)]
    #[schema(value_type = std::collections::HashMap<String, i64>)]
    pub budget: BTreeMap<FundingSource, i64>,
    /// People who benefit.
    #[serde(default)]
    pub beneficiaries: Option<i64>,
    /// What is built or provided.
    #[serde(default)]
    pub description: String,
    /// What it should achieve.
    #[serde(default)]
    pub goals: String,
    /// Whether the public portal shows it.
    #[serde(default)]
    pub is_public: bool,
}

/// What a project manager may change: progress only.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProgressInput {
    /// Percent complete, 0–100.
    pub progress_percent: i32,
    /// What was done, problems, help needed.
    #[serde(default)]
    pub progress_note: String,
    /// Actual start.
    #[serde(default)]
    pub actual_start: Option<NaiveDate>,
    /// Actual end.
    #[serde(default)]
    pub actual_end: Option<NaiveDate>,
}

/// The display order of funding sources (SPEC §3 order).
pub(crate) fn source_rank(code: &str) -> usize {
    FundingSource::ALL
        .iter()
        .position(|s| s.code() == code)
        .unwrap_or(usize::MAX)
}

/// The actor's scope without its department narrowing: partners may be any department of the
/// region.
fn region_scope(scope: &DataScope) -> DataScope {
    DataScope {
        region_path: scope.region_path.clone(),
        departments: Vec::new(),
    }
}

/// Whether `id` is a subcategory seen from the project's region at `region_path`: another
/// district's own categories are not for this district's projects.
async fn is_subcategory(tx: &mut Tx, id: i64, region_path: &str) -> Result<bool, StoreError> {
    Ok(crate::org::categories::seen_from(tx, Some(region_path))
        .await?
        .iter()
        .any(|c| c.id == id && c.parent_id.is_some()))
}

/// What a checked input adds: the normalised code (maybe empty) and the region's path.
struct Checked {
    code: String,
    region_path: String,
}

/// The project form's rules that need no database: lengths, formats, year, dates,
/// coordinates and amounts. Returns the normalised code (maybe empty) and the problems. The
/// form and the import both check with this.
pub(super) fn check_fields(input: &ProjectInput) -> (String, Vec<FieldProblem>) {
    let mut p = Vec::new();
    required_line("name", &input.name, limits::NAME, &mut p);
    required_line("owner_name", &input.owner_name, limits::OWNER, &mut p);
    let phone = required_line("owner_phone", &input.owner_phone, limits::PHONE, &mut p);
    if !phone.is_empty() && !is_phone_number(&phone) {
        p.push(FieldProblem::new("owner_phone", Problem::Malformed));
    }
    if let Some(line) = optional_line("public_phone", &input.public_phone, limits::PHONE, &mut p)
        && !is_phone_number(&line)
    {
        p.push(FieldProblem::new("public_phone", Problem::Malformed));
    }
    optional_line("address", &input.address, limits::ADDRESS, &mut p);
    optional_text(
        "description",
        &input.description,
        limits::DESCRIPTION,
        &mut p,
    );
    optional_text("goals", &input.goals, limits::GOALS, &mut p);
    let code = input.code.trim().to_uppercase();
    if !code.is_empty()
        && let Err(problem) = project_code::check(&code)
    {
        p.push(FieldProblem::new("code", problem));
    }
    if !(2000..=2100).contains(&input.year) {
        p.push(FieldProblem::new("year", Problem::Malformed));
    }
    if let (Some(start), Some(end)) = (input.planned_start, input.planned_end)
        && end < start
    {
        p.push(FieldProblem::new("planned_end", Problem::EndBeforeStart));
    }
    match (input.latitude, input.longitude) {
        (Some(lat), Some(lng))
            if !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng)) =>
        {
            p.push(FieldProblem::new("latitude", Problem::Malformed));
        }
        (Some(_), None) | (None, Some(_)) => {
            p.push(FieldProblem::new("longitude", Problem::Required));
        }
        _ => {}
    }
    let max_fen = minxin_domain::kernel::money::MAX_YUAN * 100;
    if input
        .budget
        .values()
        .any(|fen| !(0..=max_fen).contains(fen))
    {
        p.push(FieldProblem::new("budget", Problem::MoneyTooLarge));
    }
    if input
        .beneficiaries
        .is_some_and(|b| !(0..=limits::BENEFICIARIES).contains(&b))
    {
        p.push(FieldProblem::new("beneficiaries", Problem::Malformed));
    }
    (code, p)
}

/// Checks an input against the rules and the actor's scope.
async fn check(
    scoped: &Scoped<'_>,
    tx: &mut Tx,
    input: &ProjectInput,
) -> Result<Checked, StoreError> {
    let actor = scoped.actor;
    let (code, mut p) = check_fields(input);
    let region_path = match regions::find(tx, &actor.scope, input.region_id).await? {
        Some(r) if r.level()? >= RegionLevel::District => r.path,
        _ => {
            p.push(FieldProblem::new("region_id", Problem::Unknown));
            String::new()
        }
    };
    // Department staff may only put their own department in the lead.
    let lead_allowed = actor.roles.has(Role::Office)
        || actor.scope.departments.contains(&input.lead_department_id);
    let regional = region_scope(&actor.scope);
    if !lead_allowed
        || departments::find(tx, &regional, input.lead_department_id)
            .await?
            .is_none()
    {
        p.push(FieldProblem::new("lead_department_id", Problem::Unknown));
    }
    for partner in &input.partner_department_ids {
        if *partner == input.lead_department_id
            || departments::find(tx, &regional, *partner).await?.is_none()
        {
            p.push(FieldProblem::new(
                "partner_department_ids",
                Problem::Unknown,
            ));
            break;
        }
    }
    if let Some(manager) = input.manager_id
        && !super::managers::is_assignable(tx, actor, manager).await?
    {
        p.push(FieldProblem::new("manager_id", Problem::Unknown));
    }
    if !is_subcategory(tx, input.category_id, &region_path).await? {
        p.push(FieldProblem::new("category_id", Problem::Unknown));
    }
    if p.is_empty() {
        Ok(Checked { code, region_path })
    } else {
        Err(StoreError::Invalid(p))
    }
}

/// The column values of the registry fields, shared by insert and update (and the importer's
/// many-rows insert).
pub(super) fn registry_values(
    input: &ProjectInput,
    region_path: &str,
    now: DateTime<Utc>,
) -> Vec<(Projects, SimpleExpr)> {
    let total: i64 = input.budget.values().sum();
    vec![
        (Projects::Name, input.name.trim().into()),
        (Projects::CategoryId, input.category_id.into()),
        (Projects::Year, input.year.into()),
        (Projects::RegionId, input.region_id.into()),
        (Projects::RegionPath, region_path.into()),
        (Projects::LeadDepartmentId, input.lead_department_id.into()),
        (Projects::OwnerName, input.owner_name.trim().into()),
        (Projects::OwnerPhone, input.owner_phone.trim().into()),
        (Projects::PublicPhone, input.public_phone.trim().into()),
        (Projects::ManagerId, input.manager_id.into()),
        (Projects::Latitude, input.latitude.into()),
        (Projects::Longitude, input.longitude.into()),
        (Projects::Address, input.address.trim().into()),
        (Projects::PlannedStart, input.planned_start.into()),
        (Projects::PlannedEnd, input.planned_end.into()),
        (Projects::Beneficiaries, input.beneficiaries.into()),
        (Projects::Description, input.description.trim().into()),
        (Projects::Goals, input.goals.trim().into()),
        (Projects::IsPublic, input.is_public.into()),
        (Projects::BudgetFen, total.into()),
        (Projects::UpdatedAt, now.into()),
    ]
}

/// Replaces a project's partners and budget lines.
async fn replace_children(tx: &mut Tx, id: i64, input: &ProjectInput) -> Result<(), StoreError> {
    tx.execute(
        &Query::delete()
            .from_table(ProjectPartners::Table)
            .and_where(Expr::col(ProjectPartners::ProjectId).eq(id))
            .take(),
    )
    .await?;
    if !input.partner_department_ids.is_empty() {
        let mut insert = Query::insert()
            .into_table(ProjectPartners::Table)
            .columns([ProjectPartners::ProjectId, ProjectPartners::DepartmentId])
            .take();
        let mut partners = input.partner_department_ids.clone();
        partners.sort_unstable();
        partners.dedup();
        for d in partners {
            insert.values_panic([id.into(), d.into()]);
        }
        tx.execute(&insert).await?;
    }
    tx.execute(
        &Query::delete()
            .from_table(BudgetLines::Table)
            .and_where(Expr::col(BudgetLines::ProjectId).eq(id))
            .take(),
    )
    .await?;
    let lines: Vec<_> = input.budget.iter().filter(|(_, fen)| **fen > 0).collect();
    if !lines.is_empty() {
        let mut insert = Query::insert()
            .into_table(BudgetLines::Table)
            .columns([
                BudgetLines::ProjectId,
                BudgetLines::Source,
                BudgetLines::AmountFen,
            ])
            .take();
        for (source, fen) in lines {
            insert.values_panic([id.into(), source.code().into(), (*fen).into()]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// The next generated code of `year`.
async fn next_code(tx: &mut Tx, year: i32) -> Result<String, StoreError> {
    let prefix = project_code::generate(year, 0);
    let prefix = &prefix[..prefix.len() - 4];
    let codes: Vec<(String,)> = tx
        .all(
            &Query::select()
                .column(Projects::Code)
                .from(Projects::Table)
                .and_where(Expr::col(Projects::Code).like(format!("{prefix}%")))
                .take(),
        )
        .await?;
    Ok(project_code::next(year, codes.into_iter().map(|(c,)| c)))
}

impl Registry<'_> {
    /// The departments a project may name as lead or partner: every department of the actor's
    /// region subtree, also for an actor whose own scope is narrowed to departments (partners
    /// may be any department of the region). For the project form and the list filters.
    pub async fn project_departments(&self) -> Result<Vec<departments::Department>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        tx.all(&departments::in_scope(&region_scope(&self.actor.scope)))
            .await
    }

    /// Creates a project in the demand stage (or `stage`, for imports of approved plans).
    pub async fn create(&self, input: &ProjectInput) -> Result<Project, StoreError> {
        self.create_at(input, Stage::Demand).await
    }

    /// Creates a project directly in `stage` (the annual-plan import creates approved ones).
    pub async fn create_at(
        &self,
        input: &ProjectInput,
        stage: Stage,
    ) -> Result<Project, StoreError> {
        self.require(Permission::ReadProjects).await?;
        if !may_create(self.actor) {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        let project = self.insert_project(&mut tx, input, stage).await?;
        tx.commit().await?;
        Ok(project)
    }

    /// Inserts and audits a project inside `tx` (the importer runs many in one transaction).
    pub(crate) async fn insert_project(
        &self,
        tx: &mut Tx,
        input: &ProjectInput,
        stage: Stage,
    ) -> Result<Project, StoreError> {
        let checked = check(self, tx, input).await?;
        let code = if checked.code.is_empty() {
            next_code(tx, input.year).await?
        } else {
            checked.code
        };
        let mut values = registry_values(input, &checked.region_path, tx.now());
        values.extend([
            (Projects::Code, code.into()),
            (Projects::Stage, stage.code().into()),
            (Projects::Hold, Hold::Active.code().into()),
            (Projects::ProgressNote, "".into()),
            (Projects::CreatedAt, tx.now().into()),
        ]);
        let (columns, exprs): (Vec<_>, Vec<_>) = values.into_iter().unzip();
        let id = tx
            .insert(
                Query::insert()
                    .into_table(Projects::Table)
                    .columns(columns)
                    .values_panic(exprs)
                    .take(),
            )
            .await
            .map_err(taken_as("code"))?;
        replace_children(tx, id, input).await?;
        let after = find(tx, self.actor, id).await?;
        self.record(
            tx,
            AuditAction::ProjectCreate,
            after.target(),
            None::<&()>,
            Some(&after),
        )
        .await?;
        Ok(after)
    }

    /// Edits the registry fields; refused with a conflict on a stale version.
    pub async fn update(
        &self,
        id: i64,
        version: i64,
        input: &ProjectInput,
    ) -> Result<Project, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let project = self.update_in(&mut tx, id, version, input).await?;
        tx.commit().await?;
        Ok(project)
    }

    /// Edits a project inside `tx` (shared with the importer).
    pub(crate) async fn update_in(
        &self,
        tx: &mut Tx,
        id: i64,
        version: i64,
        input: &ProjectInput,
    ) -> Result<Project, StoreError> {
        let before = find(tx, self.actor, id).await?;
        if !may_manage(self.actor, before.ownership()) {
            return Err(StoreError::Forbidden);
        }
        let checked = check(self, tx, input).await?;
        let mut values = registry_values(input, &checked.region_path, tx.now());
        if !checked.code.is_empty() {
            values.push((Projects::Code, checked.code.into()));
        }
        values.push((Projects::Version, Expr::col(Projects::Version).add(1)));
        tx.update_versioned(
            &Query::update()
                .table(Projects::Table)
                .values(values)
                .and_where(Expr::col(Projects::Id).eq(id))
                .and_where(Expr::col(Projects::Version).eq(version))
                .take(),
        )
        .await
        .map_err(taken_as("code"))?;
        replace_children(tx, id, input).await?;
        self.store.light.refresh(tx, id).await?;
        let after = find(tx, self.actor, id).await?;
        self.record(
            tx,
            AuditAction::ProjectUpdate,
            after.target(),
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok(after)
    }

    /// Updates the progress fields only: what a project manager may change.
    pub async fn report_progress(
        &self,
        id: i64,
        version: i64,
        input: &ProgressInput,
    ) -> Result<Project, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let before = find(&mut tx, self.actor, id).await?;
        if !may_report_progress(self.actor, before.ownership()) {
            return Err(StoreError::Forbidden);
        }
        let mut p = Vec::new();
        if !(0..=100).contains(&input.progress_percent) {
            p.push(FieldProblem::new("progress_percent", Problem::Malformed));
        }
        let note = optional_text("progress_note", &input.progress_note, 2000, &mut p);
        if let (Some(start), Some(end)) = (input.actual_start, input.actual_end)
            && end < start
        {
            p.push(FieldProblem::new("actual_end", Problem::EndBeforeStart));
        }
        if !p.is_empty() {
            return Err(StoreError::Invalid(p));
        }
        tx.update_versioned(
            &Query::update()
                .table(Projects::Table)
                .values([
                    (Projects::ProgressPercent, input.progress_percent.into()),
                    (Projects::ProgressNote, note.unwrap_or_default().into()),
                    (Projects::ActualStart, input.actual_start.into()),
                    (Projects::ActualEnd, input.actual_end.into()),
                    (Projects::UpdatedAt, tx.now().into()),
                    (Projects::Version, Expr::col(Projects::Version).add(1)),
                ])
                .and_where(Expr::col(Projects::Id).eq(id))
                .and_where(Expr::col(Projects::Version).eq(version))
                .take(),
        )
        .await?;
        self.store.light.refresh(&mut tx, id).await?;
        let after = find(&mut tx, self.actor, id).await?;
        self.record(
            &mut tx,
            AuditAction::ProjectUpdate,
            after.target(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
