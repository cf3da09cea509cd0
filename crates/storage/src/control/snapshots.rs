//! Monthly light snapshots (SPEC §5): once a month is over, every project's light, reasons,
//! stage and money are copied, with the names they had, into `light_snapshots` in one
//! INSERT … SELECT. A month is taken once and then frozen — it is recorded in
//! `snapshot_months`, and taking it again changes nothing — so a bulletin generated later from
//! it gives the same numbers.

use super::Control;
use crate::control::lights::{self, refresh_all};
use crate::kernel::audit::{self, NewEntry};
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::StoreError;
use crate::kernel::schema::{
    Departments, LightSnapshots, ProjectLights, Projects, Regions, SnapshotMonths,
};
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::Permission;
use minxin_domain::control::bulletin::{self, SnapshotRefusal};
use minxin_domain::control::report::ReportPeriod;
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::kernel::problem::Problem;
use minxin_domain::projects::project::{Hold, Stage};
use sea_query::{Expr, ExprTrait, Func, InsertStatement, OnConflict, Query, SelectStatement};
use serde::Serialize;

/// A month that has been taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SnapshotMonth {
    /// The month, `YYYY-MM`.
    pub period: String,
    /// How many projects were copied.
    pub projects: i64,
    /// Who took it: a user name, or `system` for the nightly run and the command line.
    pub taken_by: String,
    /// When.
    pub taken_at: DateTime<Utc>,
}

/// What a request to take a month did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Taken {
    /// The month as recorded (now, or when it was first taken).
    pub month: SnapshotMonth,
    /// Whether this call took it; `false` when it had been taken before and nothing changed.
    pub new: bool,
}

/// One project's row of a month, as stored; demo and benchmark seeding insert past months with
/// it (see [`crate::Store::seed_snapshot`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SnapshotEntry {
    /// The project.
    pub project_id: i64,
    /// Its code then.
    pub project_code: String,
    /// Its name then.
    pub project_name: String,
    /// Its region's path (decides who sees the row).
    pub region_path: String,
    /// Its region's name then.
    pub region_name: String,
    /// Lead department.
    pub lead_department_id: i64,
    /// The lead department's name then.
    pub lead_department_name: String,
    /// Stage code.
    pub stage: String,
    /// Hold code.
    pub hold: String,
    /// Light code, if lit.
    pub light: Option<String>,
    /// The light's assessment as JSON (`""` when not lit).
    pub reasons: String,
    /// Reported progress, in basis points.
    pub reported_bp: i32,
    /// Planned budget, fen.
    pub budget_fen: i64,
    /// Approved, fen.
    pub approved_fen: i64,
    /// Disbursed, fen.
    pub disbursed_fen: i64,
    /// Paid, fen.
    pub paid_fen: i64,
    /// Whether a monthly report was due.
    pub report_due: bool,
    /// Whether the latest due report was late or missing.
    pub report_late: bool,
}

/// The name `system` entries and months taken without a signed-in user carry.
const SYSTEM: &str = "system";

/// Who takes a month, for the record and the audit log.
struct Taker<'a> {
    account_id: Option<i64>,
    name: &'a str,
    address: &'a str,
}

/// The months taken, with the columns of [`SnapshotMonth`].
fn month_select() -> SelectStatement {
    Query::select()
        .columns([
            SnapshotMonths::Period,
            SnapshotMonths::Projects,
            SnapshotMonths::TakenBy,
            SnapshotMonths::TakenAt,
        ])
        .from(SnapshotMonths::Table)
        .take()
}

/// The month's record, if taken.
async fn month_of(tx: &mut Tx, period: ReportPeriod) -> Result<Option<SnapshotMonth>, StoreError> {
    tx.optional(
        &month_select()
            .and_where(Expr::col(SnapshotMonths::Period).eq(period.to_string()))
            .take(),
    )
    .await
}

/// Every month taken, newest first.
pub(crate) async fn months(tx: &mut Tx) -> Result<Vec<SnapshotMonth>, StoreError> {
    tx.all(
        &month_select()
            .order_by(SnapshotMonths::Period, sea_query::Order::Desc)
            .take(),
    )
    .await
}

/// Claims `period` in `snapshot_months`; `false` if another run had claimed it (the primary
/// key decides between concurrent runs).
async fn claim(
    tx: &mut Tx,
    period: ReportPeriod,
    by: &Taker<'_>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let inserted = tx
        .execute(
            &Query::insert()
                .into_table(SnapshotMonths::Table)
                .columns([
                    SnapshotMonths::Period,
                    SnapshotMonths::Projects,
                    SnapshotMonths::TakenBy,
                    SnapshotMonths::TakenAt,
                ])
                .values_panic([
                    period.to_string().into(),
                    0_i64.into(),
                    by.name.into(),
                    now.into(),
                ])
                .on_conflict(
                    OnConflict::column(SnapshotMonths::Period)
                        .do_nothing()
                        .to_owned(),
                )
                .take(),
        )
        .await?;
    Ok(inserted == 1)
}

/// Copies every project into `period` in one statement; returns how many.
///
/// `report_late` is whether the light carries a report-late reason. `report_due` is whether
/// the project files reports (active, procured or under construction) and started before the
/// month: taken right after the month (the nightly run), that is exactly when the previous
/// month's report has fallen due, which is the report the light judges.
async fn copy_projects(
    tx: &mut Tx,
    period: ReportPeriod,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let p = |c: Projects| Expr::col((Projects::Table, c));
    let l = |c: ProjectLights| Expr::col((Projects::Table, c));
    let reasons = Expr::expr(Func::coalesce([
        l(ProjectLights::LightReasons),
        Expr::val(""),
    ]));
    let report_due = p(Projects::Hold)
        .eq(Hold::Active.code())
        .and(p(Projects::Stage).is_in([Stage::Procurement.code(), Stage::Construction.code()]))
        .and(p(Projects::PlannedStart).is_not_null())
        .and(p(Projects::PlannedStart).lt(period.first_day()));
    let select = Query::select()
        .expr(Expr::val(period.to_string()))
        .expr(p(Projects::Id))
        .expr(p(Projects::Code))
        .expr(p(Projects::Name))
        .expr(p(Projects::RegionPath))
        .expr(Expr::col((Regions::Table, Regions::Name)))
        .expr(p(Projects::LeadDepartmentId))
        .expr(Expr::col((Departments::Table, Departments::Name)))
        .expr(p(Projects::Stage))
        .expr(p(Projects::Hold))
        .expr(l(ProjectLights::Light))
        .expr(reasons.clone())
        .expr(p(Projects::ProgressPercent).mul(100))
        .expr(p(Projects::BudgetFen))
        .expr(l(ProjectLights::ApprovedFen))
        .expr(l(ProjectLights::DisbursedFen))
        .expr(l(ProjectLights::PaidFen))
        .expr(report_due)
        .expr(reasons.like("%\"code\":\"report_late\"%"))
        .expr(Expr::val(now))
        .from(Projects::Table)
        .inner_join(
            Regions::Table,
            Expr::col((Regions::Table, Regions::Id)).equals((Projects::Table, Projects::RegionId)),
        )
        .inner_join(
            Departments::Table,
            Expr::col((Departments::Table, Departments::Id))
                .equals((Projects::Table, Projects::LeadDepartmentId)),
        )
        .take();
    let insert = insert_rows()
        .select_from(select)
        .map_err(|e| StoreError::Config(e.to_string()))?
        .take();
    tx.execute(&insert).await
}

/// An insert of snapshot rows: the columns of a [`SnapshotEntry`] (after the period, in its
/// field order), then the time taken.
fn insert_rows() -> InsertStatement {
    Query::insert()
        .into_table(LightSnapshots::Table)
        .columns(ENTRY_COLUMNS.into_iter().chain([LightSnapshots::TakenAt]))
        .take()
}

/// The period, then the columns of a [`SnapshotEntry`] in its field order.
pub(crate) const ENTRY_COLUMNS: [LightSnapshots; 19] = [
    LightSnapshots::Period,
    LightSnapshots::ProjectId,
    LightSnapshots::ProjectCode,
    LightSnapshots::ProjectName,
    LightSnapshots::RegionPath,
    LightSnapshots::RegionName,
    LightSnapshots::LeadDepartmentId,
    LightSnapshots::LeadDepartmentName,
    LightSnapshots::Stage,
    LightSnapshots::Hold,
    LightSnapshots::Light,
    LightSnapshots::Reasons,
    LightSnapshots::ReportedBp,
    LightSnapshots::BudgetFen,
    LightSnapshots::ApprovedFen,
    LightSnapshots::DisbursedFen,
    LightSnapshots::PaidFen,
    LightSnapshots::ReportDue,
    LightSnapshots::ReportLate,
];

/// Records how many projects the claimed `period` holds; returns its record.
async fn count(
    tx: &mut Tx,
    period: ReportPeriod,
    projects: u64,
) -> Result<SnapshotMonth, StoreError> {
    tx.execute(
        &Query::update()
            .table(SnapshotMonths::Table)
            .value(
                SnapshotMonths::Projects,
                i64::try_from(projects).unwrap_or(i64::MAX),
            )
            .and_where(Expr::col(SnapshotMonths::Period).eq(period.to_string()))
            .take(),
    )
    .await?;
    month_of(tx, period).await?.ok_or(StoreError::NotFound)
}

/// Records `period` as taken by `by` with `projects` rows, and audits it, inside `tx`.
async fn finish(
    tx: &mut Tx,
    period: ReportPeriod,
    projects: u64,
    by: &Taker<'_>,
) -> Result<SnapshotMonth, StoreError> {
    let month = count(tx, period, projects).await?;
    audit::append(
        tx,
        NewEntry {
            actor_id: by.account_id,
            actor_name: by.name.to_owned(),
            address: by.address.to_owned(),
            action: AuditAction::SnapshotTake,
            outcome: AuditOutcome::Success,
            target_type: "light_snapshot",
            target_id: Some(month.period.clone()),
            target_label: month.period.clone(),
            before: None,
            after: serde_json::to_value(&month).ok(),
            // Every project is copied: the whole tree's auditors see it.
            region_path: String::new(),
        },
    )
    .await?;
    Ok(month)
}

/// Takes `period` on `today` for `by`: refuses a month that is not the one just finished,
/// returns the existing record if it was taken before, otherwise refreshes every light (so the
/// copy is of today's lights) and copies every project in one transaction.
async fn take(
    db: &Db,
    period: ReportPeriod,
    today: NaiveDate,
    by: &Taker<'_>,
) -> Result<Taken, StoreError> {
    bulletin::check_snapshot_month(period, today).map_err(refused)?;
    let existing = |month| Taken { month, new: false };
    if let Some(month) = month_of(&mut db.read().await?, period).await? {
        return Ok(existing(month));
    }
    refresh_all(db, today).await?;
    let now = db.now();
    let mut tx = db.begin().await?;
    if !claim(&mut tx, period, by, now).await? {
        let month = month_of(&mut tx, period)
            .await?
            .ok_or(StoreError::NotFound)?;
        return Ok(existing(month));
    }
    let copied = copy_projects(&mut tx, period, now).await?;
    let month = finish(&mut tx, period, copied, by).await?;
    tx.commit().await?;
    Ok(Taken { month, new: true })
}

fn refused(refusal: SnapshotRefusal) -> StoreError {
    StoreError::invalid("period", Problem::refused(refusal))
}

impl crate::Store {
    /// Takes the snapshot of `period` (the month just finished on `today`), for the command
    /// line. Idempotent: a month already taken is left as it is and reported with `new: false`.
    pub async fn take_snapshot(
        &self,
        period: ReportPeriod,
        today: NaiveDate,
    ) -> Result<Taken, StoreError> {
        let by = Taker {
            account_id: None,
            name: SYSTEM,
            address: SYSTEM,
        };
        take(self.db(), period, today, &by).await
    }

    /// The nightly hook: takes the month before `today` if it has not been taken yet (cheap
    /// when it has: one read).
    pub async fn take_due_snapshots(&self, today: NaiveDate) -> Result<Option<Taken>, StoreError> {
        match bulletin::snapshot_month(today) {
            Some(period) => self.take_snapshot(period, today).await.map(Some),
            None => Ok(None),
        }
    }

    /// Inserts a past month as given, without auditing — for demo and benchmark databases,
    /// whose history is invented. Refuses a month already taken.
    pub async fn seed_snapshot(
        &self,
        period: ReportPeriod,
        rows: &[SnapshotEntry],
    ) -> Result<SnapshotMonth, StoreError> {
        // 20 values a row: 1,000 rows stay below both engines' parameter limits.
        const BATCH: usize = 1_000;
        let by = Taker {
            account_id: None,
            name: SYSTEM,
            address: SYSTEM,
        };
        let now = self.db().now();
        let mut tx = self.db().begin().await?;
        if !claim(&mut tx, period, &by, now).await? {
            return Err(StoreError::Conflict);
        }
        for chunk in rows.chunks(BATCH) {
            let mut insert = insert_rows();
            for r in chunk {
                insert.values_panic([
                    period.to_string().into(),
                    r.project_id.into(),
                    r.project_code.clone().into(),
                    r.project_name.clone().into(),
                    r.region_path.clone().into(),
                    r.region_name.clone().into(),
                    r.lead_department_id.into(),
                    r.lead_department_name.clone().into(),
                    r.stage.clone().into(),
                    r.hold.clone().into(),
                    r.light.clone().into(),
                    r.reasons.clone().into(),
                    r.reported_bp.into(),
                    r.budget_fen.into(),
                    r.approved_fen.into(),
                    r.disbursed_fen.into(),
                    r.paid_fen.into(),
                    r.report_due.into(),
                    r.report_late.into(),
                    now.into(),
                ]);
            }
            tx.execute(&insert).await?;
        }
        let month = count(&mut tx, period, rows.len() as u64).await?;
        tx.commit().await?;
        Ok(month)
    }
}

impl Control<'_> {
    /// Takes the snapshot of the month just finished (the office, audited); see
    /// [`crate::Store::take_snapshot`]. The copy covers every project, whatever the caller's
    /// scope: it is the month's record for everyone, as the nightly run would have taken it.
    pub async fn take_snapshot(&self, period: ReportPeriod) -> Result<Taken, StoreError> {
        self.require(Permission::ReviewReports).await?;
        let by = Taker {
            account_id: Some(self.actor.account_id),
            name: &self.actor.username,
            address: self.address,
        };
        take(self.db, period, lights::today(self.now()), &by).await
    }

    /// Every month taken, newest first (leaders and the office).
    pub async fn snapshot_months(&self) -> Result<Vec<SnapshotMonth>, StoreError> {
        self.require(Permission::ReadDashboard).await?;
        months(&mut self.db.read().await?).await
    }
}
