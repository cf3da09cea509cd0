//! For whoever runs the binary: acting as a named account from the command line, and writing
//! history that happened before the system was used (the demo district's past lifecycle
//! moves). Never reachable from a page or the API.

use crate::Store;
use crate::accounts::load_actor;
use crate::error::StoreError;
use crate::projects::lifecycle::insert_transition_at;
use crate::schema::{Accounts, Projects};
use chrono::{DateTime, Utc};
use minxin_domain::projects::project::{Hold, Stage};
use minxin_domain::{Actor, Problem};
use sea_query::{Expr, ExprTrait, Query};

/// One past lifecycle move.
#[derive(Debug, Clone)]
pub struct PastMove {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who made it (user name).
    pub actor_name: String,
    /// The move's code (`advance`, `suspend`, …).
    pub action: &'static str,
    /// Stage and hold before.
    pub from: (Stage, Hold),
    /// Stage and hold after.
    pub to: (Stage, Hold),
    /// Why.
    pub reason: String,
}

impl Store {
    /// The actor of an enabled account, for command-line work done in that account's name
    /// (imports, demo seeding): its roles and scope apply exactly as if it were signed in.
    pub async fn actor_for_cli(&self, username: &str) -> Result<Actor, StoreError> {
        let mut tx = self.db().begin().await?;
        let id: Option<(i64,)> = tx
            .optional(
                &Query::select()
                    .column(Accounts::Id)
                    .from(Accounts::Table)
                    .and_where(Expr::col(Accounts::Username).eq(username))
                    .take(),
            )
            .await?;
        let (id,) = id.ok_or_else(|| StoreError::invalid("username", Problem::Unknown))?;
        load_actor(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::invalid("username", Problem::Unknown))
    }

    /// Records `moves` as the project's past timeline and leaves it at the last move's stage.
    pub async fn seed_project_history(
        &self,
        project_id: i64,
        moves: &[PastMove],
    ) -> Result<(), StoreError> {
        let Some(last) = moves.last() else {
            return Ok(());
        };
        let mut tx = self.db().begin().await?;
        for m in moves {
            insert_transition_at(
                &mut tx,
                project_id,
                m.at,
                None,
                &m.actor_name,
                m.action,
                m.from,
                m.to,
                &m.reason,
            )
            .await?;
        }
        let hold_reason = (last.to.1 != Hold::Active).then(|| last.reason.clone());
        tx.execute(
            &Query::update()
                .table(Projects::Table)
                .values([
                    (Projects::Stage, last.to.0.code().into()),
                    (Projects::Hold, last.to.1.code().into()),
                    (Projects::HoldReason, hold_reason.into()),
                ])
                .and_where(Expr::col(Projects::Id).eq(project_id))
                .take(),
        )
        .await?;
        tx.commit().await
    }
}

/// A project row for bulk seeding (benchmarks): every column, already valid.
#[derive(Debug, Clone)]
pub struct BulkProject {
    /// Project code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Subcategory id.
    pub category_id: i64,
    /// Plan year.
    pub year: i32,
    /// Region id.
    pub region_id: i64,
    /// That region's path.
    pub region_path: String,
    /// Lead department id.
    pub lead_department_id: i64,
    /// Owner.
    pub owner_name: String,
    /// Owner's phone.
    pub owner_phone: String,
    /// Address.
    pub address: String,
    /// Planned start.
    pub planned_start: chrono::NaiveDate,
    /// Planned end.
    pub planned_end: chrono::NaiveDate,
    /// Stage.
    pub stage: Stage,
    /// Reported progress.
    pub progress_percent: i32,
    /// Budget lines (source, fen).
    pub budget: Vec<(minxin_domain::projects::project::FundingSource, i64)>,
    /// Partner department ids.
    pub partners: Vec<i64>,
    /// Latitude and longitude (WGS-84), for the map.
    pub location: Option<(f64, f64)>,
}

/// Rows per multi-row INSERT: well under both engines' parameter limits.
const BATCH: usize = 500;

impl Store {
    /// Inserts many projects fast, in batches inside one transaction, without auditing — for
    /// benchmark databases only. Returns their ids in the order of `rows`.
    pub async fn seed_bulk_projects(&self, rows: &[BulkProject]) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.db().begin().await?;
        let mut all = Vec::with_capacity(rows.len());
        let now = chrono::Utc::now();
        for chunk in rows.chunks(BATCH) {
            let mut insert = Query::insert()
                .into_table(Projects::Table)
                .columns([
                    Projects::Code,
                    Projects::Name,
                    Projects::CategoryId,
                    Projects::Year,
                    Projects::RegionId,
                    Projects::RegionPath,
                    Projects::LeadDepartmentId,
                    Projects::OwnerName,
                    Projects::OwnerPhone,
                    Projects::Address,
                    Projects::PlannedStart,
                    Projects::PlannedEnd,
                    Projects::Description,
                    Projects::Goals,
                    Projects::IsPublic,
                    Projects::Stage,
                    Projects::Hold,
                    Projects::ProgressPercent,
                    Projects::ProgressNote,
                    Projects::BudgetFen,
                    Projects::CreatedAt,
                    Projects::UpdatedAt,
                    Projects::Latitude,
                    Projects::Longitude,
                ])
                .returning_col(Projects::Id)
                .take();
            for r in chunk {
                let total: i64 = r.budget.iter().map(|(_, fen)| fen).sum();
                insert.values_panic([
                    r.code.clone().into(),
                    r.name.clone().into(),
                    r.category_id.into(),
                    r.year.into(),
                    r.region_id.into(),
                    r.region_path.clone().into(),
                    r.lead_department_id.into(),
                    r.owner_name.clone().into(),
                    r.owner_phone.clone().into(),
                    r.address.clone().into(),
                    r.planned_start.into(),
                    r.planned_end.into(),
                    "".into(),
                    "".into(),
                    true.into(),
                    r.stage.code().into(),
                    Hold::Active.code().into(),
                    r.progress_percent.into(),
                    "".into(),
                    total.into(),
                    now.into(),
                    now.into(),
                    r.location.map(|(lat, _)| lat).into(),
                    r.location.map(|(_, lon)| lon).into(),
                ]);
            }
            let ids: Vec<(i64,)> = tx.all(&insert).await?;
            let mut lines = Query::insert()
                .into_table(crate::schema::BudgetLines::Table)
                .columns([
                    crate::schema::BudgetLines::ProjectId,
                    crate::schema::BudgetLines::Source,
                    crate::schema::BudgetLines::AmountFen,
                ])
                .take();
            let mut partners = Query::insert()
                .into_table(crate::schema::ProjectPartners::Table)
                .columns([
                    crate::schema::ProjectPartners::ProjectId,
                    crate::schema::ProjectPartners::DepartmentId,
                ])
                .take();
            let (mut any_line, mut any_partner) = (false, false);
            for ((id,), r) in ids.iter().zip(chunk) {
                for (source, fen) in &r.budget {
                    lines.values_panic([(*id).into(), source.code().into(), (*fen).into()]);
                    any_line = true;
                }
                for d in &r.partners {
                    partners.values_panic([(*id).into(), (*d).into()]);
                    any_partner = true;
                }
            }
            if any_line {
                tx.execute(&lines).await?;
            }
            if any_partner {
                tx.execute(&partners).await?;
            }
            all.extend(ids.into_iter().map(|(id,)| id));
        }
        tx.commit().await?;
        Ok(all)
    }

    /// Refreshes the planner's statistics after a bulk load, so queries over the new rows get
    /// good plans at once; on PostgreSQL also the visibility map, which index-only scans need
    /// (autovacuum would do both later on its own).
    pub async fn analyze(&self) -> Result<(), StoreError> {
        let mut tx = self.db().read().await?;
        let sql = match tx.backend() {
            crate::Backend::Sqlite => "ANALYZE",
            crate::Backend::Postgres => "VACUUM ANALYZE",
        };
        tx.run_script(sql).await
    }
}
