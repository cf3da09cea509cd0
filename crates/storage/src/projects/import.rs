//! Importing an annual plan (年度清单导入): the dictionary a template offers, the plan of which
//! rows create and which update projects, and the import itself — one transaction, all rows or
//! none, idempotent by project code. Rows arrive parsed and resolved by
//! [`minxin_domain::projects::import::parse`]; storage checks every row again against the rules, data scope
//! and access rules of the project form, and audits every created or changed project as the form
//! does. The writes are batched (many rows per statement), so that 10,000 rows take seconds.

use super::categories::{seen_from, viewpoint};
use super::read::{Project, full, ordered, visible};
use super::write::{ProjectInput, check_fields, registry_values};
use crate::audit::{self, NewEntry};
use crate::db::Tx;
use crate::error::StoreError;
use crate::schema::{BudgetLines, Categories, ProjectPartners, Projects, Transitions};
use crate::scoped::Scoped;
use crate::{departments, regions};
use chrono::Utc;
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::kernel::problem::FieldProblem;
use minxin_domain::org::region::RegionLevel;
use minxin_domain::projects::access::{ProjectOwnership, may_create, may_manage};
use minxin_domain::projects::import::{Column, Dictionary, ImportRow, Issue, RowIssue, entries};
use minxin_domain::projects::project::{Hold, Stage};
use minxin_domain::{DataScope, Permission, Problem, Role, projects::code as project_code};
use sea_query::{Expr, ExprTrait, Query};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// How many codes one lookup query carries.
const CHUNK: usize = 500;

/// The move recorded on the timeline of a project an import created.
pub const IMPORT_MOVE: &str = "import";

/// What an import does with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    /// A new project (in the annual plan, stage `approved`).
    Create,
    /// The project with this code exists and is updated.
    Update,
    /// The project with this code exists and already holds these values.
    Unchanged,
}

/// One row of a plan or report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowPlan {
    /// The row as Excel numbers it.
    pub row: u32,
    /// The project code (empty in a plan when it is to be generated).
    pub code: String,
    /// The project name.
    pub name: String,
    /// What happens to it.
    pub action: RowAction,
}

/// What an import would do, before it runs: every row's action and every problem storage sees
/// (codes of projects outside the scope or not the user's to edit, roles that cannot create).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportPlan {
    /// Every row, in file order.
    pub rows: Vec<RowPlan>,
    /// Problems; when there are any, the import would change nothing.
    pub issues: Vec<RowIssue>,
}

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Where the rows come from (the file name), for the audit log and the timeline.
    pub source: String,
    /// Check everything, write nothing (the transaction is rolled back at the end).
    pub dry_run: bool,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Rows in the import.
    pub total: usize,
    /// Projects created.
    pub created: usize,
    /// Projects updated.
    pub updated: usize,
    /// Projects that already held the imported values.
    pub unchanged: usize,
    /// Every row with what happened to it (codes as saved, generated ones included).
    pub rows: Vec<RowPlan>,
    /// Problems; when there are any, nothing was saved.
    pub issues: Vec<RowIssue>,
    /// Whether the changes were committed (false for a dry run or when there are problems).
    pub applied: bool,
}

/// A project found by code, with what decides whether the actor may update it.
#[derive(Debug, sqlx::FromRow)]
struct Existing {
    id: i64,
    code: String,
    lead_department_id: i64,
    manager_id: Option<i64>,
}

/// How many projects one statement creates or loads (25 values each today; room for more within
/// [`MAX_VALUES`]). Few, large statements matter on PostgreSQL, where every large message of
/// sqlx's connections waits for the server's delayed acknowledgement (about 40 ms).
const ROWS_PER_INSERT: usize = 900;

/// The most values one statement binds: below SQLite's default limit of 32,766 (PostgreSQL's
/// is 65,535). Fewer, larger statements make a bulk import fast on both.
const MAX_VALUES: usize = 30_000;

/// What a new project may refer to, loaded once per import inside its transaction: the same
/// scope rules the project form's checks apply one query at a time.
struct Rules {
    /// Regions in scope at district level or below, with their paths.
    regions: HashMap<i64, String>,
    /// Departments of the scope's region (partners may be any of them).
    departments: HashSet<i64>,
    /// Whether the actor is the project office (may name any department as lead).
    office: bool,
    /// The actor's own departments.
    own: Vec<i64>,
    /// Subcategories.
    categories: HashSet<i64>,
}

impl Rules {
    async fn load(scoped: &Scoped<'_>, tx: &mut Tx) -> Result<Rules, StoreError> {
        let actor = scoped.actor;
        let regions: Vec<regions::Region> = tx.all(&regions::in_scope(&actor.scope)).await?;
        let regional = DataScope {
            region_path: actor.scope.region_path.clone(),
            departments: Vec::new(),
        };
        let departments: Vec<departments::Department> =
            tx.all(&departments::in_scope(&regional)).await?;
        let categories: Vec<(i64,)> = tx
            .all(
                &Query::select()
                    .column(Categories::Id)
                    .from(Categories::Table)
                    .and_where(Expr::col(Categories::ParentId).is_not_null())
                    .take(),
            )
            .await?;
        Ok(Rules {
            regions: regions
                .into_iter()
                .filter(|r| r.level().is_ok_and(|l| l >= RegionLevel::District))
                .map(|r| (r.id, r.path))
                .collect(),
            departments: departments.into_iter().map(|d| d.id).collect(),
            office: actor.roles.has(Role::Office),
            own: actor.scope.departments.clone(),
            categories: categories.into_iter().map(|(id,)| id).collect(),
        })
    }

    /// The problems storage finds with a row: the rules of the project form (which the parser
    /// has applied already, checked again because rows may come from elsewhere) and the scope.
    fn check(&self, row: &ImportRow, out: &mut Vec<RowIssue>) {
        let (_, mut p) = check_fields(&input_of(row, row.code.clone(), None));
        if !self.regions.contains_key(&row.region_id) {
            p.push(FieldProblem::new("region_id", Problem::Unknown));
        }
        let lead_allowed = self.office || self.own.contains(&row.lead_department_id);
        if !lead_allowed || !self.departments.contains(&row.lead_department_id) {
            p.push(FieldProblem::new("lead_department_id", Problem::Unknown));
        }
        if row
            .partner_department_ids
            .iter()
            .any(|d| *d == row.lead_department_id || !self.departments.contains(d))
        {
            p.push(FieldProblem::new(
                "partner_department_ids",
                Problem::Unknown,
            ));
        }
        if !self.categories.contains(&row.category_id) {
            p.push(FieldProblem::new("category_id", Problem::Unknown));
        }
        if !p.is_empty() {
            // Only refusals of this kind come back, so the row's problems are all reported.
            let _ = row_issues(row, StoreError::Invalid(p), out);
        }
    }
}

/// Inserts the partners and budget lines of `(project id, row)` pairs, many per statement.
async fn insert_children(tx: &mut Tx, rows: &[(i64, &ImportRow)]) -> Result<(), StoreError> {
    let mut partners: Vec<(i64, i64)> = Vec::new();
    let mut lines: Vec<(i64, &'static str, i64)> = Vec::new();
    for (id, row) in rows {
        let mut ids = row.partner_department_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        partners.extend(ids.into_iter().map(|d| (*id, d)));
        lines.extend(
            row.budget
                .iter()
                .filter(|(_, fen)| **fen > 0)
                .map(|(source, fen)| (*id, source.code(), *fen)),
        );
    }
    for chunk in partners.chunks(MAX_VALUES / 2) {
        let mut insert = Query::insert()
            .into_table(ProjectPartners::Table)
            .columns([ProjectPartners::ProjectId, ProjectPartners::DepartmentId])
            .take();
        for (project, department) in chunk {
            insert.values_panic([(*project).into(), (*department).into()]);
        }
        tx.execute(&insert).await?;
    }
    for chunk in lines.chunks(MAX_VALUES / 3) {
        let mut insert = Query::insert()
            .into_table(BudgetLines::Table)
            .columns([
                BudgetLines::ProjectId,
                BudgetLines::Source,
                BudgetLines::AmountFen,
            ])
            .take();
        for (project, source, fen) in chunk {
            insert.values_panic([(*project).into(), (*source).into(), (*fen).into()]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// The typed registry fields of a row (the manager is kept from the existing project).
fn input_of(row: &ImportRow, code: String, manager_id: Option<i64>) -> ProjectInput {
    ProjectInput {
        code,
        name: row.name.clone(),
        category_id: row.category_id,
        year: row.year,
        region_id: row.region_id,
        lead_department_id: row.lead_department_id,
        partner_department_ids: row.partner_department_ids.clone(),
        owner_name: row.owner_name.clone(),
        owner_phone: row.owner_phone.clone(),
        public_phone: row.public_phone.clone(),
        manager_id,
        latitude: row.latitude,
        longitude: row.longitude,
        address: row.address.clone(),
        planned_start: row.planned_start,
        planned_end: row.planned_end,
        budget: row.budget.clone(),
        beneficiaries: row.beneficiaries,
        description: row.description.clone(),
        goals: row.goals.clone(),
        is_public: row.is_public,
    }
}

/// Whether `project` already holds every value of `row`.
fn holds(project: &Project, row: &ImportRow) -> bool {
    let mut partners: Vec<i64> = project.partners.iter().map(|d| d.id).collect();
    partners.sort_unstable();
    let mut wanted = row.partner_department_ids.clone();
    wanted.sort_unstable();
    wanted.dedup();
    let budget: BTreeMap<&str, i64> = project
        .budget
        .iter()
        .filter(|l| l.amount_fen != 0)
        .map(|l| (l.source.as_str(), l.amount_fen))
        .collect();
    let wanted_budget: BTreeMap<&str, i64> = row
        .budget
        .iter()
        .filter(|(_, fen)| **fen != 0)
        .map(|(s, fen)| (s.code(), *fen))
        .collect();
    project.name == row.name.trim()
        && project.category_id == row.category_id
        && project.year == row.year
        && project.region_id == row.region_id
        && project.lead_department_id == row.lead_department_id
        && partners == wanted
        && project.owner_name == row.owner_name.trim()
        && project.owner_phone == row.owner_phone.trim()
        && project.public_phone == row.public_phone.trim()
        && project.address == row.address.trim()
        && project.latitude == row.latitude
        && project.longitude == row.longitude
        && project.planned_start == row.planned_start
        && project.planned_end == row.planned_end
        && budget == wanted_budget
        && project.beneficiaries == row.beneficiaries
        && project.description == row.description.trim()
        && project.goals == row.goals.trim()
        && project.is_public == row.is_public
}

/// Turns a storage refusal of one row into row problems; `Ok(true)` when the transaction can no
/// longer be used (the database refused a statement) and the import must stop.
fn row_issues(
    row: &ImportRow,
    error: StoreError,
    out: &mut Vec<RowIssue>,
) -> Result<bool, StoreError> {
    let at = |column: Option<Column>, issue: Issue| RowIssue {
        row: Some(row.row),
        column,
        issue,
    };
    match error {
        StoreError::Invalid(problems) => {
            let mut fatal = false;
            for p in problems {
                // A code taken between the plan and the insert: a unique violation, after which
                // PostgreSQL refuses every further statement of the transaction.
                fatal |= p.field == "code" && p.problem == Problem::Taken;
                let column = Column::for_field(p.field).or(match p.field {
                    "budget" => Some(Column::Central),
                    _ => None,
                });
                out.push(at(column, Issue::Rule { problem: p.problem }));
            }
            Ok(fatal)
        }
        StoreError::Forbidden => {
            out.push(at(
                Some(Column::Code),
                Issue::NotManageable {
                    code: row.code.clone(),
                },
            ));
            Ok(false)
        }
        StoreError::NotFound | StoreError::Conflict => {
            out.push(at(
                Some(Column::Code),
                Issue::Conflict {
                    code: row.code.clone(),
                },
            ));
            Ok(false)
        }
        other => Err(other),
    }
}

impl Scoped<'_> {
    /// The names an import (and its template's drop-downs) accepts for this actor:
    /// subcategories, the districts, streets and communities in scope, and the departments of the
    /// scope's region (partners may be any of them; the lead only the actor's own department,
    /// unless the actor is the project office).
    pub async fn import_dictionary(&self) -> Result<Dictionary, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let seen = seen_from(&mut tx, viewpoint(self)?.as_deref()).await?;
        let categories: Vec<(i64, String, String, String)> = seen
            .iter()
            .filter_map(|c| {
                let parent = seen.iter().find(|top| Some(top.id) == c.parent_id)?;
                Some((c.id, c.code.clone(), c.name.clone(), parent.name.clone()))
            })
            .collect();
        let regions: Vec<regions::Region> = tx.all(&regions::in_scope(&self.actor.scope)).await?;
        let regional = DataScope {
            region_path: self.actor.scope.region_path.clone(),
            departments: Vec::new(),
        };
        let departments: Vec<departments::Department> =
            tx.all(&departments::in_scope(&regional)).await?;
        let office = self.actor.roles.has(Role::Office);
        Ok(Dictionary {
            categories: entries(
                categories
                    .into_iter()
                    .map(|(id, code, name, parent)| (id, code, name, parent, true))
                    .collect(),
            ),
            regions: entries(
                regions
                    .into_iter()
                    .filter(|r| r.level().is_ok_and(|l| l >= RegionLevel::District))
                    .map(|r| (r.id, r.code.clone(), r.name, r.code, true))
                    .collect(),
            ),
            departments: entries(
                departments
                    .into_iter()
                    .map(|d| {
                        let may_lead = office || self.actor.scope.departments.contains(&d.id);
                        (d.id, d.code, d.name, d.region_name, may_lead)
                    })
                    .collect(),
            ),
        })
    }

    /// Which rows would create and which update a project, and what storage refuses up front.
    pub async fn plan_import(&self, rows: &[ImportRow]) -> Result<ImportPlan, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let (plan, _) = self.plan_in(&mut tx, rows).await?;
        Ok(plan)
    }

    /// The plan, with the id of the project each updating row names.
    async fn plan_in(
        &self,
        tx: &mut Tx,
        rows: &[ImportRow],
    ) -> Result<(ImportPlan, HashMap<String, i64>), StoreError> {
        let codes: Vec<String> = rows
            .iter()
            .filter(|r| !r.code.is_empty())
            .map(|r| r.code.clone())
            .collect();
        let mut existing: HashMap<String, Existing> = HashMap::new();
        let mut seen: HashSet<i64> = HashSet::new();
        for chunk in codes.chunks(CHUNK) {
            let found: Vec<Existing> = tx
                .all(
                    &Query::select()
                        .columns([
                            Projects::Id,
                            Projects::Code,
                            Projects::LeadDepartmentId,
                            Projects::ManagerId,
                        ])
                        .from(Projects::Table)
                        .and_where(Expr::col(Projects::Code).is_in(chunk.iter().cloned()))
                        .take(),
                )
                .await?;
            existing.extend(found.into_iter().map(|e| (e.code.clone(), e)));
            let shown: Vec<(i64,)> = tx
                .all(
                    &Query::select()
                        .column((Projects::Table, Projects::Id))
                        .from(Projects::Table)
                        .and_where(
                            Expr::col((Projects::Table, Projects::Code))
                                .is_in(chunk.iter().cloned()),
                        )
                        .and_where(visible(self.actor))
                        .take(),
                )
                .await?;
            seen.extend(shown.into_iter().map(|(id,)| id));
        }
        let creator = may_create(self.actor);
        let mut plan = ImportPlan::default();
        let mut ids = HashMap::new();
        for row in rows {
            let issue = |issue: Issue| RowIssue::cell(row.row, Column::Code, issue);
            let action = match existing.get(&row.code) {
                Some(e) if !seen.contains(&e.id) => {
                    plan.issues.push(issue(Issue::CodeOutsideScope {
                        code: row.code.clone(),
                    }));
                    RowAction::Update
                }
                Some(e) => {
                    let ownership = ProjectOwnership {
                        lead_department_id: e.lead_department_id,
                        manager_id: e.manager_id,
                    };
                    if !may_manage(self.actor, ownership) {
                        plan.issues.push(issue(Issue::NotManageable {
                            code: row.code.clone(),
                        }));
                    }
                    ids.insert(row.code.clone(), e.id);
                    RowAction::Update
                }
                None => {
                    if !creator {
                        plan.issues.push(RowIssue {
                            row: Some(row.row),
                            column: None,
                            issue: Issue::CannotCreate,
                        });
                    }
                    RowAction::Create
                }
            };
            plan.rows.push(RowPlan {
                row: row.row,
                code: row.code.clone(),
                name: row.name.clone(),
                action,
            });
        }
        Ok((plan, ids))
    }

    /// The codes to give the rows that have none: the next free sequence numbers of each row's
    /// year, past every code in the database and in the file.
    async fn generated_codes(
        &self,
        tx: &mut Tx,
        rows: &[ImportRow],
    ) -> Result<HashMap<u32, String>, StoreError> {
        let mut out = HashMap::new();
        let years: HashSet<i32> = rows
            .iter()
            .filter(|r| r.code.is_empty())
            .map(|r| r.year)
            .collect();
        for year in years {
            let prefix = project_code::generate(year, 0);
            let prefix = &prefix[..prefix.len() - 4];
            let stored: Vec<(String,)> = tx
                .all(
                    &Query::select()
                        .column(Projects::Code)
                        .from(Projects::Table)
                        .and_where(Expr::col(Projects::Code).like(format!("{prefix}%")))
                        .take(),
                )
                .await?;
            let mut highest = stored
                .into_iter()
                .map(|(c,)| c)
                .chain(rows.iter().map(|r| r.code.clone()))
                .filter_map(|c| project_code::parse(&c))
                .filter(|(y, _)| *y == year)
                .map(|(_, s)| s)
                .max()
                .unwrap_or(0);
            for row in rows.iter().filter(|r| r.code.is_empty() && r.year == year) {
                highest += 1;
                out.insert(row.row, project_code::generate(year, highest));
            }
        }
        Ok(out)
    }

    /// Puts "imported into the annual plan" on the timeline of every created project, many rows
    /// per statement.
    async fn record_import_moves(
        &self,
        tx: &mut Tx,
        projects: &[i64],
        source: &str,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let reason: String = source.chars().take(200).collect();
        let (stage, hold) = (Stage::Approved.code(), Hold::Active.code());
        for chunk in projects.chunks(MAX_VALUES / 10) {
            let mut insert = Query::insert()
                .into_table(Transitions::Table)
                .columns([
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
                ])
                .take();
            for id in chunk {
                insert.values_panic([
                    (*id).into(),
                    now.into(),
                    self.actor.account_id.into(),
                    self.actor.username.clone().into(),
                    IMPORT_MOVE.into(),
                    stage.into(),
                    stage.into(),
                    hold.into(),
                    hold.into(),
                    reason.clone().into(),
                ]);
            }
            tx.execute(&insert).await?;
        }
        Ok(())
    }

    /// Imports `rows` in one transaction: a row whose code names a project the actor may manage
    /// updates it (unless it already holds these values), any other row creates a project in the
    /// annual plan (stage `approved`). All or nothing: on any problem nothing is saved and the
    /// report lists every problem. `progress` is called with (rows done, rows in all) as the
    /// import goes on. Every project created or changed is audited like one saved through the
    /// form (with its values after the change), the import as a whole once more with its counts,
    /// and every created project's timeline starts with the import.
    ///
    /// New projects are checked against the same rules and scope as the project form and
    /// written many rows per statement; changed projects get one versioned update each (a
    /// project changed meanwhile is a conflict) with their partners, budget lines and audit
    /// entries batched. So 10,000 rows take seconds rather than tens of thousands of round trips.
    pub async fn import_projects<F>(
        &self,
        rows: &[ImportRow],
        options: &ImportOptions,
        mut progress: F,
    ) -> Result<ImportReport, StoreError>
    where
        F: FnMut(usize, usize) + Send,
    {
        self.require(Permission::ReadProjects).await?;
        let total = rows.len();
        let mut report = ImportReport {
            total,
            ..ImportReport::default()
        };
        let mut tx = self.db.begin().await?;
        let (plan, ids) = self.plan_in(&mut tx, rows).await?;
        if !plan.issues.is_empty() {
            report.rows = plan.rows;
            report.issues = plan.issues;
            return Ok(report);
        }
        let generated = self.generated_codes(&mut tx, rows).await?;
        let rules = Rules::load(self, &mut tx).await?;
        for row in rows {
            rules.check(row, &mut report.issues);
        }
        if !report.issues.is_empty() {
            return Ok(report);
        }
        let mut outcomes: Vec<RowPlan> = Vec::with_capacity(total);
        let mut done = 0;
        let mut reported = 0;
        let mut tell = |done: usize| {
            if done != reported {
                reported = done;
                progress(done, total);
            }
        };
        let creates: Vec<(&ImportRow, String)> = rows
            .iter()
            .filter(|r| !ids.contains_key(&r.code))
            .map(|r| {
                let code = generated.get(&r.row).cloned().unwrap_or(r.code.clone());
                (r, code)
            })
            .collect();
        // New projects: the rows first, then their partners, budget lines and timelines in a
        // few large statements, then their audit entries chunk by chunk.
        let mut created: Vec<(i64, &ImportRow)> = Vec::with_capacity(creates.len());
        for chunk in creates.chunks(ROWS_PER_INSERT) {
            match self.insert_many(&mut tx, chunk, &rules).await {
                Ok(ids) => created.extend(ids),
                Err(e) if e.is_unique_violation() => {
                    // A code taken by someone else since the plan; the transaction is lost.
                    report.issues.push(RowIssue {
                        row: None,
                        column: Some(Column::Code),
                        issue: Issue::Rule {
                            problem: Problem::Taken,
                        },
                    });
                    return Ok(report);
                }
                Err(e) => return Err(e),
            }
        }
        insert_children(&mut tx, &created).await?;
        let created_ids: Vec<i64> = created.iter().map(|(id, _)| *id).collect();
        self.record_import_moves(&mut tx, &created_ids, &options.source)
            .await?;
        for chunk in created_ids.chunks(ROWS_PER_INSERT) {
            let projects = self.load_many(&mut tx, chunk).await?;
            self.audit_created(&mut tx, &projects).await?;
            done += chunk.len();
            tell(done);
        }
        for (row, code) in &creates {
            outcomes.push(RowPlan {
                row: row.row,
                code: code.clone(),
                name: row.name.clone(),
                action: RowAction::Create,
            });
        }
        report.created = creates.len();
        let updates: Vec<(&ImportRow, i64)> = rows
            .iter()
            .filter_map(|r| ids.get(&r.code).map(|id| (r, *id)))
            .collect();
        for chunk in updates.chunks(ROWS_PER_INSERT) {
            let chunk_ids: Vec<i64> = chunk.iter().map(|(_, id)| *id).collect();
            let mut current: HashMap<i64, Project> = self
                .load_many(&mut tx, &chunk_ids)
                .await?
                .into_iter()
                .map(|p| (p.id, p))
                .collect();
            let mut changed = Vec::new();
            for (row, id) in chunk {
                let action = match current.remove(id) {
                    None => {
                        report.issues.push(RowIssue::cell(
                            row.row,
                            Column::Code,
                            Issue::Conflict {
                                code: row.code.clone(),
                            },
                        ));
                        continue;
                    }
                    Some(now) if holds(&now, row) => {
                        report.unchanged += 1;
                        RowAction::Unchanged
                    }
                    Some(now) => {
                        changed.push((*row, now));
                        report.updated += 1;
                        RowAction::Update
                    }
                };
                outcomes.push(RowPlan {
                    row: row.row,
                    code: row.code.clone(),
                    name: row.name.clone(),
                    action,
                });
            }
            self.update_many(&mut tx, &changed, &rules, &mut report.issues)
                .await?;
            done += chunk.len();
            tell(done);
        }
        tell(done);
        if !report.issues.is_empty() {
            report.created = 0;
            report.updated = 0;
            report.unchanged = 0;
            return Ok(report);
        }
        outcomes.sort_by_key(|o| o.row);
        report.rows = outcomes;
        if options.dry_run {
            return Ok(report);
        }
        let summary = serde_json::json!({
            "source": options.source,
            "rows": total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        });
        audit::append(
            &mut tx,
            NewEntry {
                actor_id: Some(self.actor.account_id),
                actor_name: self.actor.username.clone(),
                address: self.address.to_owned(),
                action: AuditAction::ProjectImport,
                outcome: AuditOutcome::Success,
                target_type: "project_import",
                target_id: None,
                target_label: options.source.clone(),
                before: None,
                after: Some(summary),
                region_path: self.actor.scope.region_path.clone().unwrap_or_default(),
            },
        )
        .await?;
        tx.commit().await?;
        report.applied = true;
        Ok(report)
    }

    /// Inserts checked rows as projects in the annual plan (stage `approved`) in one statement;
    /// returns each new id with its row.
    async fn insert_many<'r>(
        &self,
        tx: &mut Tx,
        rows: &[(&'r ImportRow, String)],
        rules: &Rules,
    ) -> Result<Vec<(i64, &'r ImportRow)>, StoreError> {
        let now = Utc::now();
        let mut insert = Query::insert().into_table(Projects::Table).take();
        for (i, (row, code)) in rows.iter().enumerate() {
            let input = input_of(row, code.clone(), None);
            let path = rules
                .regions
                .get(&row.region_id)
                .cloned()
                .unwrap_or_default();
            let mut values = registry_values(&input, &path);
            values.extend([
                (Projects::Code, code.as_str().into()),
                (Projects::Stage, Stage::Approved.code().into()),
                (Projects::Hold, Hold::Active.code().into()),
                (Projects::ProgressNote, "".into()),
                (Projects::CreatedAt, now.into()),
            ]);
            let (columns, exprs): (Vec<_>, Vec<_>) = values.into_iter().unzip();
            if i == 0 {
                insert.columns(columns);
            }
            insert.values_panic(exprs);
        }
        insert.returning(Query::returning().columns([Projects::Id, Projects::Code]));
        let inserted: Vec<(i64, String)> = tx.all(&insert).await?;
        let id_of: HashMap<&str, i64> = inserted.iter().map(|(id, c)| (c.as_str(), *id)).collect();
        rows.iter()
            .map(|(row, code)| {
                let id = *id_of.get(code.as_str()).ok_or(StoreError::NotFound)?;
                Ok((id, *row))
            })
            .collect()
    }

    /// Audit entries for created projects, as the project form writes them.
    async fn audit_created(&self, tx: &mut Tx, projects: &[Project]) -> Result<(), StoreError> {
        let entries = projects
            .iter()
            .map(|p| NewEntry {
                actor_id: Some(self.actor.account_id),
                actor_name: self.actor.username.clone(),
                address: self.address.to_owned(),
                action: AuditAction::ProjectCreate,
                outcome: AuditOutcome::Success,
                target_type: "project",
                target_id: Some(p.id.to_string()),
                target_label: p.code.clone(),
                before: None,
                after: serde_json::to_value(p).ok(),
                region_path: p.region_path.clone(),
            })
            .collect();
        audit::append_many(tx, entries).await
    }

    /// Writes the changed values of existing projects: one versioned update each (a project
    /// changed meanwhile is a conflict), their partners and budget lines replaced and audit
    /// entries with before and after, many per statement.
    async fn update_many(
        &self,
        tx: &mut Tx,
        rows: &[(&ImportRow, Project)],
        rules: &Rules,
        issues: &mut Vec<RowIssue>,
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut ids = Vec::with_capacity(rows.len());
        for (row, before) in rows {
            let at_code = |issue: Issue| RowIssue::cell(row.row, Column::Code, issue);
            if !may_manage(self.actor, before.ownership()) {
                issues.push(at_code(Issue::NotManageable {
                    code: row.code.clone(),
                }));
                continue;
            }
            let input = input_of(row, row.code.clone(), before.manager_id);
            let path = rules
                .regions
                .get(&row.region_id)
                .cloned()
                .unwrap_or_default();
            let mut values = registry_values(&input, &path);
            values.push((Projects::Code, row.code.as_str().into()));
            values.push((Projects::Version, Expr::col(Projects::Version).add(1)));
            let updated = tx
                .update_versioned(
                    &Query::update()
                        .table(Projects::Table)
                        .values(values)
                        .and_where(Expr::col(Projects::Id).eq(before.id))
                        .and_where(Expr::col(Projects::Version).eq(before.version))
                        .take(),
                )
                .await;
            match updated {
                Ok(()) => ids.push(before.id),
                Err(StoreError::Conflict) => issues.push(at_code(Issue::Conflict {
                    code: row.code.clone(),
                })),
                Err(e) => return Err(e),
            }
        }
        if !issues.is_empty() {
            return Ok(());
        }
        tx.execute(
            &Query::delete()
                .from_table(ProjectPartners::Table)
                .and_where(Expr::col(ProjectPartners::ProjectId).is_in(ids.clone()))
                .take(),
        )
        .await?;
        tx.execute(
            &Query::delete()
                .from_table(BudgetLines::Table)
                .and_where(Expr::col(BudgetLines::ProjectId).is_in(ids.clone()))
                .take(),
        )
        .await?;
        let children: Vec<(i64, &ImportRow)> =
            rows.iter().map(|(row, before)| (before.id, *row)).collect();
        insert_children(tx, &children).await?;
        let after: HashMap<i64, Project> = self
            .load_many(tx, &ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let entries = rows
            .iter()
            .filter_map(|(_, before)| {
                let after = after.get(&before.id)?;
                Some(NewEntry {
                    actor_id: Some(self.actor.account_id),
                    actor_name: self.actor.username.clone(),
                    address: self.address.to_owned(),
                    action: AuditAction::ProjectUpdate,
                    outcome: AuditOutcome::Success,
                    target_type: "project",
                    target_id: Some(after.id.to_string()),
                    target_label: after.code.clone(),
                    before: serde_json::to_value(before).ok(),
                    after: serde_json::to_value(after).ok(),
                    region_path: after.region_path.clone(),
                })
            })
            .collect();
        audit::append_many(tx, entries).await
    }

    /// Visible projects by id, in full (partners and budget lines too), in one query.
    async fn load_many(&self, tx: &mut Tx, ids: &[i64]) -> Result<Vec<Project>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let projects: Vec<Project> = tx
            .all(
                &full(self.actor, tx.backend())
                    .and_where(Expr::col((Projects::Table, Projects::Id)).is_in(ids.to_vec()))
                    .take(),
            )
            .await?;
        let projects = projects.into_iter().map(ordered).collect();
        Ok(projects)
    }
}
