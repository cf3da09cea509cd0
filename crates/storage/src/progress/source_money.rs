//! Money per project and funding source added up from the money records themselves: into
//! `project_source_money` once when migration 5 creates the table and after money is seeded in
//! bulk (ordinary writes keep it in step row by row instead, `dashboard::store_source_money`),
//! and for `minxin check money`, which looks at the records rather than at any kept total.

use crate::Store;
use crate::error::StoreError;
use crate::schema::{MoneyRecords, Projects, SourceMoney};
use minxin_domain::control::finance::balance::SourceTotals;
use minxin_domain::kernel::money::Fen;
use sea_query::{Alias, Expr, ExprTrait, InsertStatement, Order, Query, SelectStatement};

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
fn per_source() -> SelectStatement {
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

/// The money of one funding source of one project, from its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSourceTotals {
    /// The project's id.
    pub project_id: i64,
    /// Its code, as the office knows it (e.g. 2026-MX-0104).
    pub code: String,
    /// What the source approved, disbursed and paid, net of corrections.
    pub totals: SourceTotals,
}

#[derive(sqlx::FromRow)]
struct TotalsRow {
    project_id: i64,
    code: String,
    source: String,
    approved_fen: i64,
    disbursed_fen: i64,
    paid_fen: i64,
}

impl Store {
    /// Every project's money per funding source, added up from the records in one read and
    /// ordered by project code and source, for checking books entered before the rules held
    /// (`minxin check money`). Unaudited: it is run from the command line and changes nothing.
    /// A row with a source code no version wrote fails the read rather than being skipped, so
    /// a check cannot pass over it.
    pub async fn source_totals(&self) -> Result<Vec<ProjectSourceTotals>, StoreError> {
        let mut tx = self.db().read().await?;
        let rows: Vec<TotalsRow> = tx
            .all(
                &per_source()
                    .column((Projects::Table, Projects::Code))
                    .inner_join(
                        Projects::Table,
                        Expr::col((Projects::Table, Projects::Id))
                            .equals((MoneyRecords::Table, MoneyRecords::ProjectId)),
                    )
                    .group_by_col((Projects::Table, Projects::Code))
                    .order_by((Projects::Table, Projects::Code), Order::Asc)
                    .order_by((MoneyRecords::Table, MoneyRecords::Source), Order::Asc)
                    .take(),
            )
            .await?;
        rows.into_iter()
            .map(|r| {
                let source = r
                    .source
                    .parse()
                    .map_err(|p| StoreError::invalid("source", p))?;
                Ok(ProjectSourceTotals {
                    project_id: r.project_id,
                    code: r.code,
                    totals: SourceTotals {
                        source,
                        approved: Fen(r.approved_fen),
                        disbursed: Fen(r.disbursed_fen),
                        paid: Fen(r.paid_fen),
                    },
                })
            })
            .collect()
    }
}
