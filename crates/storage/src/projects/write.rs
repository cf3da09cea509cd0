//! Creating and editing projects. Input arrives parsed ([`ProjectDraft`]: pages, the API and
//! the importer parse at the edge); this module checks what needs the database — references in
//! the actor's scope, codes taken — applies the access rules, keeps the budget total in step
//! with its lines, and audits before and after.

use super::Registry;
use super::read::{Project, find};
use crate::kernel::db::Tx;
use crate::kernel::error::{StoreError, taken_as};
use crate::kernel::schema::{BudgetLines, ProjectPartners, Projects};
use crate::kernel::scoped::Scoped;
use crate::{org::departments, org::regions};
use chrono::{DateTime, Utc};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::problem::FieldProblem;
use minxin_domain::org::region::RegionLevel;
use minxin_domain::projects::access::{may_create, may_manage, may_report_progress};
use minxin_domain::projects::draft::ProjectDraft;
use minxin_domain::projects::progress::ProgressUpdate;
use minxin_domain::projects::project::{FundingSource, Hold, Stage};
use minxin_domain::{DataScope, Permission, Problem, Role, projects::code as project_code};
use sea_query::{Expr, ExprTrait, Iden, Query, SimpleExpr};

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

/// Checks a draft's references against the database and the actor's scope; returns the
/// region's path.
async fn check(
    scoped: &Scoped<'_>,
    tx: &mut Tx,
    input: &ProjectDraft,
) -> Result<String, StoreError> {
    let actor = scoped.actor;
    let mut p = Vec::new();
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
        Ok(region_path)
    } else {
        Err(StoreError::Invalid(p))
    }
}

/// The column values of the registry fields, shared by insert and update (and the importer's
/// many-rows insert).
pub(super) fn registry_values(
    input: &ProjectDraft,
    region_path: &str,
    now: DateTime<Utc>,
) -> Vec<(Projects, SimpleExpr)> {
    let point = input.location.map(|c| c.point());
    vec![
        (Projects::Name, input.name.as_str().into()),
        (Projects::CategoryId, input.category_id.into()),
        (Projects::Year, input.year.get().into()),
        (Projects::RegionId, input.region_id.into()),
        (Projects::RegionPath, region_path.into()),
        (Projects::LeadDepartmentId, input.lead_department_id.into()),
        (Projects::OwnerName, input.owner_name.as_str().into()),
        (Projects::OwnerPhone, input.owner_phone.as_str().into()),
        (
            Projects::PublicPhone,
            input
                .public_phone
                .as_ref()
                .map_or("", |p| p.as_str())
                .into(),
        ),
        (Projects::ManagerId, input.manager_id.into()),
        (Projects::Latitude, point.map(|p| p.lat).into()),
        (Projects::Longitude, point.map(|p| p.lon).into()),
        (Projects::Address, input.address.as_str().into()),
        (Projects::PlannedStart, input.planned.start().into()),
        (Projects::PlannedEnd, input.planned.end().into()),
        (
            Projects::Beneficiaries,
            input.beneficiaries.map(|b| b.get()).into(),
        ),
        (Projects::Description, input.description.as_str().into()),
        (Projects::Goals, input.goals.as_str().into()),
        (Projects::IsPublic, input.is_public.into()),
        (Projects::BudgetFen, input.budget.total().0.into()),
        (Projects::UpdatedAt, now.into()),
    ]
}

/// The most values one statement binds: below SQLite's default limit of 32,766 (PostgreSQL's
/// is 65,535). Fewer, larger statements make a bulk import fast on both.
pub(crate) const MAX_VALUES: usize = 30_000;

/// Inserts `rows` into `columns` of `table`, as many rows per statement as [`MAX_VALUES`]
/// allows: one project's partners and budget lines, or those of a whole imported plan.
pub(crate) async fn insert_rows<T: Iden + Copy + 'static, const N: usize>(
    tx: &mut Tx,
    table: T,
    columns: [T; N],
    rows: &[[SimpleExpr; N]],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(MAX_VALUES / N) {
        let mut insert = Query::insert().into_table(table).columns(columns).take();
        for row in chunk {
            insert.values_panic(row.clone());
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// The partner rows of project `id`: each department once.
pub(crate) fn partner_rows(id: i64, departments: &[i64]) -> Vec<[SimpleExpr; 2]> {
    let mut departments = departments.to_vec();
    departments.sort_unstable();
    departments.dedup();
    departments
        .into_iter()
        .map(|d| [id.into(), d.into()])
        .collect()
}

/// The budget line row of project `id` for `source`.
pub(crate) fn budget_row(id: i64, source: FundingSource, fen: i64) -> [SimpleExpr; 3] {
    [id.into(), source.code().into(), fen.into()]
}

/// Inserts partner rows (see [`partner_rows`]) and budget line rows (see [`budget_row`]).
pub(crate) async fn insert_children(
    tx: &mut Tx,
    partners: &[[SimpleExpr; 2]],
    lines: &[[SimpleExpr; 3]],
) -> Result<(), StoreError> {
    let partner_columns = [ProjectPartners::ProjectId, ProjectPartners::DepartmentId];
    insert_rows(tx, ProjectPartners::Table, partner_columns, partners).await?;
    let line_columns = [
        BudgetLines::ProjectId,
        BudgetLines::Source,
        BudgetLines::AmountFen,
    ];
    insert_rows(tx, BudgetLines::Table, line_columns, lines).await
}

/// Replaces a project's partners and budget lines.
async fn replace_children(tx: &mut Tx, id: i64, input: &ProjectDraft) -> Result<(), StoreError> {
    tx.execute(
        &Query::delete()
            .from_table(ProjectPartners::Table)
            .and_where(Expr::col(ProjectPartners::ProjectId).eq(id))
            .take(),
    )
    .await?;
    tx.execute(
        &Query::delete()
            .from_table(BudgetLines::Table)
            .and_where(Expr::col(BudgetLines::ProjectId).eq(id))
            .take(),
    )
    .await?;
    let lines: Vec<_> = input
        .budget
        .lines()
        .map(|(source, fen)| budget_row(id, source, fen.0))
        .collect();
    insert_children(tx, &partner_rows(id, &input.partner_department_ids), &lines).await
}

/// The codes stored with the prefix of `year`'s generated codes.
pub(crate) async fn codes_of_year(tx: &mut Tx, year: i32) -> Result<Vec<String>, StoreError> {
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
    Ok(codes.into_iter().map(|(c,)| c).collect())
}

/// The next generated code of `year`.
async fn next_code(tx: &mut Tx, year: i32) -> Result<String, StoreError> {
    Ok(project_code::next(year, codes_of_year(tx, year).await?))
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
    pub async fn create(&self, input: &ProjectDraft) -> Result<Project, StoreError> {
        self.create_at(input, Stage::Demand).await
    }

    /// Creates a project directly in `stage` (the annual-plan import creates approved ones).
    pub async fn create_at(
        &self,
        input: &ProjectDraft,
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
        input: &ProjectDraft,
        stage: Stage,
    ) -> Result<Project, StoreError> {
        let region_path = check(self, tx, input).await?;
        let code = match &input.code {
            Some(code) => code.to_string(),
            None => next_code(tx, input.year.get()).await?,
        };
        let mut values = registry_values(input, &region_path, tx.now());
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
        input: &ProjectDraft,
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
        input: &ProjectDraft,
    ) -> Result<Project, StoreError> {
        let before = find(tx, self.actor, id).await?;
        if !may_manage(self.actor, before.ownership()) {
            return Err(StoreError::Forbidden);
        }
        let region_path = check(self, tx, input).await?;
        let mut values = registry_values(input, &region_path, tx.now());
        if let Some(code) = &input.code {
            values.push((Projects::Code, code.as_str().into()));
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
        input: &ProgressUpdate,
    ) -> Result<Project, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let before = find(&mut tx, self.actor, id).await?;
        if !may_report_progress(self.actor, before.ownership()) {
            return Err(StoreError::Forbidden);
        }
        tx.update_versioned(
            &Query::update()
                .table(Projects::Table)
                .values([
                    (
                        Projects::ProgressPercent,
                        i32::from(input.percent.get()).into(),
                    ),
                    (Projects::ProgressNote, input.note.as_str().into()),
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
