//! Past progress for the demo district and benchmark databases: monthly reports filed and
//! reviewed on their real dates, contracts, and money records of the months before the system
//! was used. Written in bulk without auditing (it is history, not anyone's action now) and
//! never reachable from a page or the API. The project rows' money totals and reported progress
//! and per-source money are brought in line afterwards; lights follow at the next refresh.
//! Reports and contracts are checked and written through the same row builders as filing and
//! recording them. Nothing here applies the books' rules of `record_money`: the caller keeps to
//! them (each source paying only what it disbursed, disbursing only what it approved), and the
//! demo's seed test checks what it wrote with the rule of `minxin check money`.

use super::money::{ContractInput, contract_row};
use super::reports::{ReportInput, filed_row};
use super::rows::{
    ContractRow, MoneyRow, ReportRow, insert_contracts, insert_money, insert_reports,
};
use crate::Store;
use crate::kernel::derived::from_records;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{
    Contracts, MoneyRecords, ProgressReports, ProjectLights, Projects, SourceMoney,
};
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::control::finance::MoneyKind;
use minxin_domain::control::report::ReportState;
use sea_query::{Expr, ExprTrait, Func, Order, Query, SelectStatement};

/// Rows per multi-row INSERT: well under both engines' limits on bound values.
const BATCH: usize = 400;

/// A monthly report as it was filed and reviewed.
#[derive(Debug, Clone)]
pub struct PastReport {
    /// The project.
    pub project_id: i64,
    /// The report as filed; it must pass the rules of filing.
    pub input: ReportInput,
    /// Its state now.
    pub state: ReportState,
    /// Who filed it (user name).
    pub submitted_by_name: String,
    /// When it was filed.
    pub submitted_at: DateTime<Utc>,
    /// Who reviewed it and when, unless it still waits.
    pub reviewed: Option<(String, DateTime<Utc>)>,
    /// The office's comment when it was returned.
    pub review_comment: Option<String>,
}

/// A contract as it was signed.
#[derive(Debug, Clone)]
pub struct PastContract {
    /// The project.
    pub project_id: i64,
    /// The contract as entered; it must pass the rules of recording one.
    pub input: ContractInput,
    /// Who recorded it (user name).
    pub created_by: String,
}

/// A money record as it was booked.
#[derive(Debug, Clone)]
pub struct PastMoney {
    /// The project.
    pub project_id: i64,
    /// Approval, disbursement or payment.
    pub kind: MoneyKind,
    /// Funding source code.
    pub source: String,
    /// Amount in fen.
    pub amount_fen: i64,
    /// For a payment: the index of its contract among the contracts seeded with it.
    pub contract: Option<usize>,
    /// When the money moved.
    pub occurred_on: NaiveDate,
    /// Note.
    pub note: String,
    /// Who booked it (user name).
    pub created_by_name: String,
}

/// Everything seeded in one go.
#[derive(Debug, Clone, Default)]
pub struct PastProgress {
    /// Monthly reports.
    pub reports: Vec<PastReport>,
    /// Contracts.
    pub contracts: Vec<PastContract>,
    /// Money records.
    pub money: Vec<PastMoney>,
}

/// A scalar sub-select as a value.
fn scalar(q: SelectStatement) -> Expr {
    Expr::SubQuery(None, Box::new(q.into()))
}

/// The sum of a project's records of one kind, net of corrections.
fn total_of(kind: MoneyKind) -> Expr {
    scalar(
        Query::select()
            .expr(Func::coalesce([
                Expr::from(Func::sum(Expr::col((
                    MoneyRecords::Table,
                    MoneyRecords::AmountFen,
                )))),
                Expr::val(0i64),
            ]))
            .from(MoneyRecords::Table)
            .and_where(
                Expr::col((MoneyRecords::Table, MoneyRecords::ProjectId))
                    .equals((Projects::Table, Projects::Id)),
            )
            .and_where(Expr::col((MoneyRecords::Table, MoneyRecords::Kind)).eq(kind.code()))
            .take(),
    )
}

impl Store {
    /// Inserts past reports, contracts and money in batches inside one transaction, then
    /// recomputes the money totals and the reported progress (the latest accepted report) of
    /// the projects concerned.
    pub async fn seed_progress(&self, past: &PastProgress) -> Result<(), StoreError> {
        let mut tx = self.db().begin().await?;
        for chunk in past.reports.chunks(BATCH) {
            let rows = chunk.iter().map(|r| {
                let filed = filed_row(
                    r.project_id,
                    &r.input,
                    r.submitted_at.date_naive(),
                    (None, &r.submitted_by_name),
                    r.submitted_at,
                )?;
                Ok(ReportRow {
                    state: r.state,
                    reviewed: r.reviewed.as_ref().map(|(name, at)| (name.as_str(), *at)),
                    review_comment: r.review_comment.as_deref(),
                    ..filed
                })
            });
            let rows: Vec<ReportRow> = rows.collect::<Result<_, StoreError>>()?;
            tx.execute(&insert_reports(rows)).await?;
        }
        let mut contract_ids = Vec::with_capacity(past.contracts.len());
        for chunk in past.contracts.chunks(BATCH) {
            let rows = chunk.iter().map(|c| {
                let contract = c.input.parse().map_err(StoreError::Invalid)?;
                let at = signed_at(contract.signed_on);
                Ok(contract_row(c.project_id, &contract, &c.created_by, at))
            });
            let rows: Vec<ContractRow> = rows.collect::<Result<_, StoreError>>()?;
            let insert = insert_contracts(rows).returning_col(Contracts::Id).take();
            let ids: Vec<(i64,)> = tx.all(&insert).await?;
            contract_ids.extend(ids.into_iter().map(|(id,)| id));
        }
        for chunk in past.money.chunks(BATCH) {
            tx.execute(&insert_money(chunk.iter().map(|m| MoneyRow {
                project_id: m.project_id,
                kind: m.kind,
                source: &m.source,
                amount_fen: m.amount_fen,
                contract_id: m.contract.and_then(|i| contract_ids.get(i).copied()),
                reverses: None,
                occurred_on: m.occurred_on,
                note: &m.note,
                created_by: (None, &m.created_by_name),
                created_at: signed_at(m.occurred_on),
            })))
            .await?;
        }
        let mut projects: Vec<i64> = past
            .reports
            .iter()
            .map(|r| r.project_id)
            .chain(past.money.iter().map(|m| m.project_id))
            .collect();
        projects.sort_unstable();
        projects.dedup();
        let latest_accepted = Query::select()
            .expr(Expr::col(ProgressReports::PercentBp).div(100))
            .from(ProgressReports::Table)
            .and_where(
                Expr::col((ProgressReports::Table, ProgressReports::ProjectId))
                    .equals((Projects::Table, Projects::Id)),
            )
            .and_where(Expr::col(ProgressReports::State).eq(ReportState::Accepted.code()))
            .order_by(ProgressReports::Period, Order::Desc)
            .limit(1)
            .take();
        for chunk in projects.chunks(BATCH) {
            tx.execute(
                &Query::update()
                    .table(Projects::Table)
                    .value(ProjectLights::ApprovedFen, total_of(MoneyKind::Approval))
                    .value(
                        ProjectLights::DisbursedFen,
                        total_of(MoneyKind::Disbursement),
                    )
                    .value(ProjectLights::PaidFen, total_of(MoneyKind::Payment))
                    .value(
                        Projects::ProgressPercent,
                        Func::coalesce([
                            scalar(latest_accepted.clone()),
                            Expr::col((Projects::Table, Projects::ProgressPercent)),
                        ]),
                    )
                    .and_where(Expr::col(Projects::Id).is_in(chunk.iter().copied()))
                    .take(),
            )
            .await?;
            tx.execute(
                &Query::delete()
                    .from_table(SourceMoney::Table)
                    .and_where(Expr::col(SourceMoney::ProjectId).is_in(chunk.iter().copied()))
                    .take(),
            )
            .await?;
            tx.execute(&from_records(Some(chunk))).await?;
        }
        tx.commit().await
    }
}

/// A time on a past day (10:00 in Beijing), for records that only carry a date.
fn signed_at(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(2, 0, 0)
        .map_or_else(Utc::now, |t| t.and_utc())
}
