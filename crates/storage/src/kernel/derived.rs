//! Tables whose rows follow from others by one query, kept as a total so reads need not add up
//! the records: the per-source money of projects (`project_source_money`). The query is shared
//! by migration 5, which first fills the table, and by control, which refills it after money
//! is seeded in bulk and reads it for `minxin check money`; so it sits below both.

use crate::kernel::schema::{MoneyRecords, SourceMoney};
use sea_query::{Alias, Expr, ExprTrait, InsertStatement, Query, SelectStatement};

/// `SUM(CASE WHEN kind = 'kind' THEN amount_fen ELSE 0 END)`.
fn sum_of(kind: &str) -> Expr {
    Expr::Case(Box::new(
        Expr::case(
            Expr::col((MoneyRecords::Table, MoneyRecords::Kind)).eq(kind),
            Expr::col((MoneyRecords::Table, MoneyRecords::AmountFen)),
        )
        .finally(0),
    ))
    .sum()
    .cast_as(Alias::new("BIGINT"))
}

/// Project id, source, approved, disbursed and paid of every project and source that has
/// records, grouped; the caller adds conditions and more columns.
pub(crate) fn per_source() -> SelectStatement {
    Query::select()
        .column((MoneyRecords::Table, MoneyRecords::ProjectId))
        .column((MoneyRecords::Table, MoneyRecords::Source))
        .expr_as(sum_of("approval"), Alias::new("approved_fen"))
        .expr_as(sum_of("disbursement"), Alias::new("disbursed_fen"))
        .expr_as(sum_of("payment"), Alias::new("paid_fen"))
        .from(MoneyRecords::Table)
        .group_by_col((MoneyRecords::Table, MoneyRecords::ProjectId))
        .group_by_col((MoneyRecords::Table, MoneyRecords::Source))
        .take()
}

/// Inserts the per-source totals of `projects` (all when `None`), which must have no rows yet.
pub(crate) fn from_records(projects: Option<&[i64]>) -> InsertStatement {
    let mut select = per_source();
    if let Some(ids) = projects {
        select.and_where(
            Expr::col((MoneyRecords::Table, MoneyRecords::ProjectId)).is_in(ids.iter().copied()),
        );
    }
    let mut insert = Query::insert();
    insert
        .into_table(SourceMoney::Table)
        .columns([
            SourceMoney::ProjectId,
            SourceMoney::Source,
            SourceMoney::ApprovedFen,
            SourceMoney::DisbursedFen,
            SourceMoney::PaidFen,
        ])
        .select_from(select)
        .expect("five columns selected for five");
    insert
}
