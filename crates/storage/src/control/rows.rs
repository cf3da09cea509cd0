//! The rows of the money books and the monthly reports as they are written. One builder per
//! table makes the INSERT, so a contract, money record or report booked by a user (one row,
//! audited by its caller) and the past ones the demo and benchmark seed in bulk (many rows, not
//! audited) go in through the same columns.

use crate::kernel::schema::{Contracts, MoneyRecords, ProgressReports};
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::control::finance::MoneyKind;
use minxin_domain::control::report::ReportState;
use sea_query::{Expr, InsertStatement, Query};

/// A contract row.
pub(crate) struct ContractRow<'a> {
    /// The project.
    pub(crate) project_id: i64,
    /// Procurement method code.
    pub(crate) method: &'static str,
    /// Contractor's registered name.
    pub(crate) contractor: String,
    /// Unified social credit code, normalised.
    pub(crate) credit_code: String,
    /// Amount in fen.
    pub(crate) amount_fen: i64,
    /// Signing date.
    pub(crate) signed_on: NaiveDate,
    /// Start of the contract period.
    pub(crate) starts_on: NaiveDate,
    /// End of the contract period.
    pub(crate) ends_on: NaiveDate,
    /// Who recorded it (user name).
    pub(crate) created_by: &'a str,
    /// When it was recorded.
    pub(crate) created_at: DateTime<Utc>,
}

/// A money record row; negative with `reverses` for a correction.
pub(crate) struct MoneyRow<'a> {
    /// The project.
    pub(crate) project_id: i64,
    /// Approval, disbursement or payment.
    pub(crate) kind: MoneyKind,
    /// Funding source code.
    pub(crate) source: &'a str,
    /// Amount in fen.
    pub(crate) amount_fen: i64,
    /// The contract of a payment.
    pub(crate) contract_id: Option<i64>,
    /// The record a correction reverses.
    pub(crate) reverses: Option<i64>,
    /// When the money moved.
    pub(crate) occurred_on: NaiveDate,
    /// Document number or note; for a correction, its reason.
    pub(crate) note: &'a str,
    /// The account and user name that booked it (no account for seeded history).
    pub(crate) created_by: (Option<i64>, &'a str),
    /// When it was booked.
    pub(crate) created_at: DateTime<Utc>,
}

/// A monthly report row as first filed, or as filed and reviewed for seeded history.
pub(crate) struct ReportRow<'a> {
    /// The project.
    pub(crate) project_id: i64,
    /// The month reported on, YYYY-MM.
    pub(crate) period: String,
    /// Percent complete in basis points.
    pub(crate) percent_bp: i64,
    /// 本月完成情况.
    pub(crate) done: &'a str,
    /// 存在问题.
    pub(crate) problems: &'a str,
    /// 需协调事项.
    pub(crate) help_needed: &'a str,
    /// Its state.
    pub(crate) state: ReportState,
    /// The account and user name that filed it (no account for seeded history).
    pub(crate) submitted_by: (Option<i64>, &'a str),
    /// When it was filed.
    pub(crate) submitted_at: DateTime<Utc>,
    /// Who reviewed it and when, unless it waits.
    pub(crate) reviewed: Option<(&'a str, DateTime<Utc>)>,
    /// The office's comment when it was returned.
    pub(crate) review_comment: Option<&'a str>,
}

/// The columns of a contract that are both written and read back, after its id.
pub(crate) const CONTRACT_COLUMNS: [Contracts; 9] = [
    Contracts::ProjectId,
    Contracts::Method,
    Contracts::Contractor,
    Contracts::CreditCode,
    Contracts::AmountFen,
    Contracts::SignedOn,
    Contracts::StartsOn,
    Contracts::EndsOn,
    Contracts::CreatedBy,
];

/// The columns of a money record that are both written and read back, after its id.
pub(crate) const MONEY_COLUMNS: [MoneyRecords; 8] = [
    MoneyRecords::ProjectId,
    MoneyRecords::Kind,
    MoneyRecords::Source,
    MoneyRecords::AmountFen,
    MoneyRecords::ContractId,
    MoneyRecords::Reverses,
    MoneyRecords::OccurredOn,
    MoneyRecords::Note,
];

/// The columns of a report that are both written and read back, after its id.
pub(crate) const REPORT_COLUMNS: [ProgressReports; 12] = [
    ProgressReports::ProjectId,
    ProgressReports::Period,
    ProgressReports::PercentBp,
    ProgressReports::Done,
    ProgressReports::Problems,
    ProgressReports::HelpNeeded,
    ProgressReports::State,
    ProgressReports::SubmittedByName,
    ProgressReports::SubmittedAt,
    ProgressReports::ReviewedByName,
    ProgressReports::ReviewedAt,
    ProgressReports::ReviewComment,
];

/// One multi-row INSERT into `table` of each row's values, in the order of `columns`.
fn insert_rows<C, const N: usize>(
    table: C,
    columns: impl IntoIterator<Item = C>,
    rows: impl IntoIterator<Item = [Expr; N]>,
) -> InsertStatement
where
    C: sea_query::Iden + 'static,
{
    let mut insert = Query::insert().into_table(table).columns(columns).take();
    for values in rows {
        insert.values_panic(values);
    }
    insert
}

/// The INSERT of `rows` into the contracts.
pub(crate) fn insert_contracts<'a>(
    rows: impl IntoIterator<Item = ContractRow<'a>>,
) -> InsertStatement {
    insert_rows(
        Contracts::Table,
        CONTRACT_COLUMNS.into_iter().chain([Contracts::CreatedAt]),
        rows.into_iter().map(|c| {
            [
                c.project_id.into(),
                c.method.into(),
                c.contractor.into(),
                c.credit_code.into(),
                c.amount_fen.into(),
                c.signed_on.into(),
                c.starts_on.into(),
                c.ends_on.into(),
                c.created_by.into(),
                c.created_at.into(),
            ]
        }),
    )
}

/// The INSERT of `rows` into the money records.
pub(crate) fn insert_money<'a>(rows: impl IntoIterator<Item = MoneyRow<'a>>) -> InsertStatement {
    insert_rows(
        MoneyRecords::Table,
        MONEY_COLUMNS.into_iter().chain([
            MoneyRecords::CreatedBy,
            MoneyRecords::CreatedByName,
            MoneyRecords::CreatedAt,
        ]),
        rows.into_iter().map(|m| {
            [
                m.project_id.into(),
                m.kind.code().into(),
                m.source.into(),
                m.amount_fen.into(),
                m.contract_id.into(),
                m.reverses.into(),
                m.occurred_on.into(),
                m.note.into(),
                m.created_by.0.into(),
                m.created_by.1.into(),
                m.created_at.into(),
            ]
        }),
    )
}

/// The INSERT of `rows` into the monthly reports.
pub(crate) fn insert_reports<'a>(rows: impl IntoIterator<Item = ReportRow<'a>>) -> InsertStatement {
    insert_rows(
        ProgressReports::Table,
        REPORT_COLUMNS
            .into_iter()
            .chain([ProgressReports::SubmittedBy]),
        rows.into_iter().map(|r| {
            let (reviewer, reviewed_at) = r.reviewed.unzip();
            [
                r.project_id.into(),
                r.period.into(),
                r.percent_bp.into(),
                r.done.into(),
                r.problems.into(),
                r.help_needed.into(),
                r.state.code().into(),
                r.submitted_by.1.into(),
                r.submitted_at.into(),
                reviewer.into(),
                reviewed_at.into(),
                r.review_comment.into(),
                r.submitted_by.0.into(),
            ]
        }),
    )
}
