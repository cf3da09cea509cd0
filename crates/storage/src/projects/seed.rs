//! Projects for the demo district and benchmark databases, for whoever runs the binary:
//! history that happened before the system was used (past lifecycle moves) and projects in
//! bulk. Never reachable from a page or the API.

use crate::Store;
use crate::kernel::error::StoreError;
use crate::kernel::schema::Projects;
use crate::projects::lifecycle::insert_transition_at;
use chrono::{DateTime, Utc};
use minxin_domain::projects::project::{Hold, Stage};
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
        let now = tx.now();
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
                .into_table(crate::kernel::schema::BudgetLines::Table)
                .columns([
                    crate::kernel::schema::BudgetLines::ProjectId,
                    crate::kernel::schema::BudgetLines::Source,
                    crate::kernel::schema::BudgetLines::AmountFen,
                ])
                .take();
            let mut partners = Query::insert()
                .into_table(crate::kernel::schema::ProjectPartners::Table)
                .columns([
                    crate::kernel::schema::ProjectPartners::ProjectId,
                    crate::kernel::schema::ProjectPartners::DepartmentId,
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
}
