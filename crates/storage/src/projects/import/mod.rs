//! Importing an annual plan (年度清单导入): the dictionary a template offers, the plan of which
//! rows create and which update projects, and the import itself (`write.rs`) — one
//! transaction, all rows or none, idempotent by project code. Rows arrive parsed and resolved
//! by [`minxin_domain::projects::import::parse`]; storage checks every row again against the
//! rules, data scope and access rules of the project form, and audits every created or changed
//! project as the form does. The writes are batched (many rows per statement), so that 10,000
//! rows take seconds.

mod write;

use super::Registry;
use super::read::{Project, visible};
use super::write::codes_of_year;
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Categories, Projects};
use crate::kernel::scoped::Scoped;
use crate::org::categories::{seen_from, viewpoint};
use crate::{org::departments, org::regions};
use minxin_domain::kernel::problem::FieldProblem;
use minxin_domain::org::region::RegionLevel;
use minxin_domain::projects::access::{ProjectOwnership, may_create, may_manage};
use minxin_domain::projects::draft::{ProjectDraft, ProjectInput};
use minxin_domain::projects::import::{Column, Dictionary, ImportRow, Issue, RowIssue, entries};
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
/// [`MAX_VALUES`](crate::projects::write::MAX_VALUES)). Few, large statements matter on PostgreSQL, where every large message of
/// sqlx's connections waits for the server's delayed acknowledgement (about 40 ms).
const ROWS_PER_INSERT: usize = 900;

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

    /// The problems storage finds with a row: the project form's parse (which the row parser
    /// has applied already, parsed again because rows may come from elsewhere) and the scope.
    fn check(&self, row: &ImportRow, out: &mut Vec<RowIssue>) {
        let mut p = draft_of(row, row.code.clone(), None)
            .err()
            .unwrap_or_default();
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

/// The registry fields of a row parsed as the project form parses them (the manager is kept
/// from the existing project).
fn draft_of(
    row: &ImportRow,
    code: String,
    manager_id: Option<i64>,
) -> Result<ProjectDraft, Vec<FieldProblem>> {
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
    .parse()
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

impl Registry<'_> {
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
            let mut highest = codes_of_year(tx, year)
                .await?
                .into_iter()
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
}
