//! Contracts and money records (预算批复 / 资金拨付 / 资金支付) of a project. Records are
//! append-only: a correction is a new, negative record that reverses part of an earlier one,
//! with a reason, so the history always adds up. Each write re-reads the project's books inside
//! its transaction, with the project row locked on PostgreSQL (SQLite transactions are
//! exclusive already), so concurrent payments cannot overspend a contract or a funding source.

use super::Control;
use super::rows::{
    CONTRACT_COLUMNS, ContractRow, MONEY_COLUMNS, MoneyRow, insert_contracts, insert_money,
};
use super::{lock_project, refresh_light};
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Contracts, MoneyRecords, ProjectLights, Projects};
use crate::projects::read::{Project, find};
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::control::finance::{
    self, MoneyKind, MoneyRecord, MoneyRefusal, NewContract, NewCorrection, NewMoney, ProjectMoney,
    balance,
};
pub use minxin_domain::control::finance::{ContractInput, CorrectionInput, MoneyInput};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::money::Fen;
use minxin_domain::projects::project::FundingSource;
use minxin_domain::{Permission, Problem};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

/// A contract as stored, with what has been paid under it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Contract {
    /// Id.
    pub id: i64,
    /// Project.
    pub project_id: i64,
    /// Procurement method code (open_tender, inquiry, …).
    pub method: String,
    /// Contractor's registered name.
    pub contractor: String,
    /// Contractor's unified social credit code.
    pub credit_code: String,
    /// Contract amount in fen.
    pub amount_fen: i64,
    /// Signing date.
    pub signed_on: NaiveDate,
    /// Start of the contract period.
    pub starts_on: NaiveDate,
    /// End of the contract period.
    pub ends_on: NaiveDate,
    /// Who recorded it.
    pub created_by: String,
    /// Paid under it so far, in fen (net of corrections).
    #[sqlx(skip)]
    pub paid_fen: i64,
}

/// A money record as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct MoneyEntry {
    /// Id.
    pub id: i64,
    /// Project.
    pub project_id: i64,
    /// approval, disbursement or payment.
    pub kind: String,
    /// Funding source code.
    pub source: String,
    /// Amount in fen; negative for a correction.
    pub amount_fen: i64,
    /// The contract of a payment.
    pub contract_id: Option<i64>,
    /// The record a correction reverses.
    pub reverses: Option<i64>,
    /// When the money moved.
    pub occurred_on: NaiveDate,
    /// Document number or note; for a correction, its reason.
    pub note: String,
    /// Who recorded it.
    pub created_by_name: String,
}

/// A project's books: the summary by funding source, the contracts and every record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Books {
    /// Budget, approved, disbursed, paid and remaining per source and in total.
    #[schema(value_type = Object)]
    pub summary: ProjectMoney,
    /// Contracts, oldest first.
    pub contracts: Vec<Contract>,
    /// Money records, oldest first.
    pub records: Vec<MoneyEntry>,
}

fn money_refused(field: &'static str, refusal: MoneyRefusal) -> StoreError {
    StoreError::invalid(field, Problem::refused(refusal))
}

/// Every money record of a project, oldest first.
async fn records_of(tx: &mut Tx, project_id: i64) -> Result<Vec<MoneyEntry>, StoreError> {
    tx.all(
        &record_select()
            .and_where(Expr::col(MoneyRecords::ProjectId).eq(project_id))
            .order_by(MoneyRecords::Id, Order::Asc)
            .take(),
    )
    .await
}

/// Money records with the columns of [`MoneyEntry`]; the caller says whose.
pub(crate) fn record_select() -> SelectStatement {
    Query::select()
        .column(MoneyRecords::Id)
        .columns(MONEY_COLUMNS)
        .column(MoneyRecords::CreatedByName)
        .from(MoneyRecords::Table)
        .take()
}

/// Every contract of a project with what is paid under each, oldest first.
async fn contracts_of(
    tx: &mut Tx,
    project_id: i64,
    records: &[MoneyEntry],
) -> Result<Vec<Contract>, StoreError> {
    let mut contracts: Vec<Contract> = tx
        .all(
            &contract_select()
                .and_where(Expr::col(Contracts::ProjectId).eq(project_id))
                .order_by(Contracts::Id, Order::Asc)
                .take(),
        )
        .await?;
    for c in &mut contracts {
        c.paid_fen = records
            .iter()
            .filter(|r| r.contract_id == Some(c.id) && r.kind == MoneyKind::Payment.code())
            .map(|r| r.amount_fen)
            .sum();
    }
    Ok(contracts)
}

/// Contracts with the columns of [`Contract`] (paid amounts not filled in); the caller says
/// whose.
pub(crate) fn contract_select() -> SelectStatement {
    Query::select()
        .column(Contracts::Id)
        .columns(CONTRACT_COLUMNS)
        .from(Contracts::Table)
        .take()
}

/// The records as the bookkeeping rules see them; rows with unknown codes (none are written)
/// are skipped rather than failing the whole page.
fn domain_records(records: &[MoneyEntry]) -> Vec<MoneyRecord> {
    records
        .iter()
        .filter_map(|r| {
            Some(MoneyRecord {
                kind: r.kind.parse().ok()?,
                source: r.source.parse().ok()?,
                amount: Fen(r.amount_fen),
                contract_id: r.contract_id,
                reverses: r.reverses,
            })
        })
        .collect()
}

fn budget_lines(project: &Project) -> Vec<(FundingSource, Fen)> {
    project
        .budget
        .iter()
        .filter_map(|l| Some((l.source.parse().ok()?, Fen(l.amount_fen))))
        .collect()
}

/// Loads a project's books inside `tx`.
pub(crate) async fn books(tx: &mut Tx, project: &Project) -> Result<Books, StoreError> {
    let records = records_of(tx, project.id).await?;
    let contracts = contracts_of(tx, project.id, &records).await?;
    let summary = finance::summarise(&budget_lines(project), &domain_records(&records));
    Ok(Books {
        summary,
        contracts,
        records,
    })
}

/// Stores the project's money totals beside its row, and per funding source, for lists and
/// dashboards.
async fn store_totals(tx: &mut Tx, project_id: i64, books: &Books) -> Result<(), StoreError> {
    let total = books.summary.total;
    tx.execute(
        &Query::update()
            .table(Projects::Table)
            .value(ProjectLights::ApprovedFen, total.approved.0)
            .value(ProjectLights::DisbursedFen, total.disbursed.0)
            .value(ProjectLights::PaidFen, total.paid.0)
            .and_where(Expr::col(Projects::Id).eq(project_id))
            .take(),
    )
    .await?;
    super::dashboard::store_source_money(tx, project_id, &books.summary).await
}

/// What a funding source has approved, disbursed and paid so far (nothing if it has no line).
fn source_totals(summary: &ProjectMoney, source: FundingSource) -> (Fen, Fen, Fen) {
    summary
        .per_source
        .iter()
        .find(|s| s.source == source)
        .map_or((Fen::ZERO, Fen::ZERO, Fen::ZERO), |s| {
            (s.approved, s.disbursed, s.paid)
        })
}

/// The row of a parsed contract: what recording one writes, and what the seed writes for the
/// past ones.
pub(crate) fn contract_row<'a>(
    project_id: i64,
    contract: &NewContract,
    created_by: &'a str,
    created_at: DateTime<Utc>,
) -> ContractRow<'a> {
    ContractRow {
        project_id,
        method: contract.method.code(),
        credit_code: contract.credit_code.clone(),
        contractor: contract.contractor.clone(),
        amount_fen: contract.amount.0,
        signed_on: contract.signed_on,
        starts_on: contract.starts_on,
        ends_on: contract.ends_on,
        created_by,
        created_at,
    }
}

impl Control<'_> {
    /// A visible project's books.
    pub async fn books(&self, project_id: i64) -> Result<Books, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        books(&mut tx, &project).await
    }

    /// Records a contract of a visible project (finance).
    pub async fn add_contract(
        &self,
        project_id: i64,
        input: &NewContract,
    ) -> Result<Contract, StoreError> {
        self.require(Permission::RecordMoney).await?;
        let row = contract_row(project_id, input, &self.actor.username, self.now());
        let mut tx = self.db.begin().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        let id = tx.insert(insert_contracts([row])).await?;
        let books = books(&mut tx, &project).await?;
        let contract = books.contracts.into_iter().find(|c| c.id == id);
        let contract = self.audited(&mut tx, &project, contract).await?;
        tx.commit().await?;
        Ok(contract)
    }

    /// Records an approval, disbursement or payment (finance). Disbursing beyond approval,
    /// paying beyond a contract and paying from a source beyond what it has disbursed are
    /// refused; spending beyond the budget is recorded and turns the light red.
    pub async fn record_money(
        &self,
        project_id: i64,
        input: &NewMoney,
    ) -> Result<MoneyEntry, StoreError> {
        self.require(Permission::RecordMoney).await?;
        let NewMoney { kind, source, .. } = *input;
        let record = MoneyRecord::new(kind, source, input.amount, input.contract_id)
            .map_err(|r| money_refused("amount_fen", r))?;
        let (mut tx, project, before) = self.open_books(project_id).await?;
        let (approved, disbursed, paid) = source_totals(&before.summary, source);
        match kind {
            MoneyKind::Disbursement => {
                finance::check_disbursement(source, approved, disbursed, record.amount)
                    .map_err(|r| money_refused("amount_fen", r))?;
            }
            MoneyKind::Payment => {
                if let Some(contract_id) = input.contract_id {
                    let contract = before
                        .contracts
                        .iter()
                        .find(|c| c.id == contract_id)
                        .ok_or_else(|| StoreError::invalid("contract_id", Problem::Unknown))?;
                    finance::check_payment(
                        Fen(contract.amount_fen),
                        Fen(contract.paid_fen),
                        record.amount,
                    )
                    .map_err(|r| money_refused("amount_fen", r))?;
                }
                balance::check_payment(source, disbursed, paid, record.amount)
                    .map_err(|r| money_refused("amount_fen", r))?;
            }
            MoneyKind::Approval => {}
        }
        let entry = self
            .insert_record(&mut tx, &project, &record, input.occurred_on, &input.note)
            .await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Takes back part or all of an earlier record with a reason (finance). The original stays.
    pub async fn correct_money(
        &self,
        project_id: i64,
        record_id: i64,
        input: &NewCorrection,
    ) -> Result<MoneyEntry, StoreError> {
        self.require(Permission::RecordMoney).await?;
        let (mut tx, project, before) = self.open_books(project_id).await?;
        let records = domain_records(&before.records);
        let position = before
            .records
            .iter()
            .position(|r| r.id == record_id)
            .ok_or(StoreError::NotFound)?;
        let original = records.get(position).ok_or(StoreError::NotFound)?;
        let reversed: i64 = before
            .records
            .iter()
            .filter(|r| r.reverses == Some(record_id))
            .map(|r| r.amount_fen)
            .sum();
        let amount = input.amount;
        let correction =
            finance::reversal_of(record_id, original, Fen(reversed), amount, &input.reason)
                .map_err(|r| money_refused("amount_fen", r))?;
        let (approved, disbursed, paid) = source_totals(&before.summary, original.source);
        match original.kind {
            MoneyKind::Approval => {
                finance::check_approval_reversal(original.source, approved, disbursed, amount)
            }
            MoneyKind::Disbursement => {
                balance::check_disbursement_reversal(original.source, disbursed, paid, amount)
            }
            MoneyKind::Payment => Ok(()),
        }
        .map_err(|r| money_refused("amount_fen", r))?;
        let entry = self
            .insert_record(
                &mut tx,
                &project,
                &correction,
                input.occurred_on,
                &input.reason,
            )
            .await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Appends a record, then stores the new totals on the project row, refreshes its light
    /// and writes the audit entry.
    async fn insert_record(
        &self,
        tx: &mut Tx,
        project: &Project,
        record: &MoneyRecord,
        occurred_on: NaiveDate,
        note: &str,
    ) -> Result<MoneyEntry, StoreError> {
        let id = tx
            .insert(insert_money([MoneyRow {
                project_id: project.id,
                kind: record.kind,
                source: record.source.code(),
                amount_fen: record.amount.0,
                contract_id: record.contract_id,
                reverses: record.reverses,
                occurred_on,
                note,
                created_by: (Some(self.actor.account_id), &self.actor.username),
                created_at: tx.now(),
            }]))
            .await?;
        let after = books(tx, project).await?;
        store_totals(tx, project.id, &after).await?;
        refresh_light(tx, project.id).await?;
        let entry = after.records.into_iter().find(|r| r.id == id);
        self.audited(tx, project, entry).await
    }

    /// Begins a write to a visible project's books: the project, locked, and its books.
    async fn open_books(&self, project_id: i64) -> Result<(Tx, Project, Books), StoreError> {
        let mut tx = self.db.begin().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        lock_project(&mut tx, project_id).await?;
        let before = books(&mut tx, &project).await?;
        Ok((tx, project, before))
    }

    /// Audits what a write added to the books, as read back (not there: not found).
    async fn audited<T: Serialize>(
        &self,
        tx: &mut Tx,
        project: &Project,
        added: Option<T>,
    ) -> Result<T, StoreError> {
        let added = added.ok_or(StoreError::NotFound)?;
        self.record(
            tx,
            AuditAction::MoneyRecord,
            project.target(),
            None::<&()>,
            Some(&added),
        )
        .await?;
        Ok(added)
    }
}
