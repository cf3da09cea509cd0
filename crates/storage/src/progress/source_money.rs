//! Money per project and funding source (`project_source_money`) rebuilt from the money records
//! themselves: once when migration 5 creates the table, and after money is seeded in bulk.
//! Ordinary writes keep it in step row by row instead (`dashboard::store_source_money`).

use crate::schema::{MoneyRecords, SourceMoney};
use sea_query::{Alias, Expr, ExprTrait, InsertStatement, Query};

/// `SUM(CASE WHEN kind = 'kind' THEN amount_fen ELSE 0 END)`.
fn sum_of(kind: &str) -> Expr {
    Expr::Case(Box::new(
        Expr::case(
            Expr::col(MoneyRecords::Kind).eq(kind),
            Expr::col(MoneyRecords::AmountFen),
        )
        .finally(0),
    ))
    .sum()
    .cast_as(Alias::new("BIGINT"))
}

/// Inserts the per-source totals of `projects` (all when `None`), which must have no rows yet.
pub(crate) fn from_records(projects: Option<&[i64]>) -> InsertStatement {
    let mut select = Query::select()
        .columns([MoneyRecords::ProjectId, MoneyRecords::Source])
        .expr(sum_of("approval"))
        .expr(sum_of("disbursement"))
        .expr(sum_of("payment"))
        .from(MoneyRecords::Table)
        .group_by_col(MoneyRecords::ProjectId)
        .group_by_col(MoneyRecords::Source)
        .take();
    if let Some(ids) = projects {
        select.and_where(Expr::col(MoneyRecords::ProjectId).is_in(ids.iter().copied()));
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
