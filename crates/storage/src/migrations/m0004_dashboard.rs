//! The leader dashboard (issue 4): money per project and funding source, kept beside the money
//! records so the dashboard adds up investment by source without reading them, and the
//! indexes that let one district's figures come from index ranges alone.

use super::columns::*;
use crate::db::Backend;
use crate::schema::*;
use sea_query::{
    Alias, ColumnDef, Expr, ExprTrait, ForeignKeyAction, Index, IndexCreateStatement,
    InsertStatement, PostgresQueryBuilder, Query, SqliteQueryBuilder, Table, TableCreateStatement,
};

fn money(col: SourceMoney) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(0)
        .take()
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table(SourceMoney::Table)
            .col(big(SourceMoney::ProjectId))
            .col(text(SourceMoney::Source))
            .col(money(SourceMoney::ApprovedFen))
            .col(money(SourceMoney::DisbursedFen))
            .col(money(SourceMoney::PaidFen))
            .primary_key(
                Index::create()
                    .col(SourceMoney::ProjectId)
                    .col(SourceMoney::Source),
            )
            .foreign_key(&mut fk(
                (SourceMoney::Table, SourceMoney::ProjectId),
                (Projects::Table, Projects::Id),
                ForeignKeyAction::Cascade,
            ))
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        // The dashboard's figures for a plan year inside a region subtree, from the index
        // alone: counts by stage, light and department, budget and paid.
        Index::create()
            .name("projects_dashboard")
            .table(Projects::Table)
            .col(Projects::Year)
            .col(Projects::RegionPath)
            .col(Projects::Stage)
            .col(Projects::Hold)
            .col(ProjectLights::Light)
            .col(Projects::LeadDepartmentId)
            .col(Projects::PlannedStart)
            .col(Projects::BudgetFen)
            .col(ProjectLights::PaidFen)
            .take(),
        // The trend lines: lights and paid of a region month by month.
        Index::create()
            .name("light_snapshots_trend")
            .table(LightSnapshots::Table)
            .col(LightSnapshots::Period)
            .col(LightSnapshots::RegionPath)
            .col(LightSnapshots::Light)
            .col(LightSnapshots::PaidFen)
            .take(),
    ]
}

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

/// Fills the new table from the money records already written.
fn backfill() -> InsertStatement {
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
        .select_from(
            Query::select()
                .columns([MoneyRecords::ProjectId, MoneyRecords::Source])
                .expr(sum_of("approval"))
                .expr(sum_of("disbursement"))
                .expr(sum_of("payment"))
                .from(MoneyRecords::Table)
                .group_by_col(MoneyRecords::ProjectId)
                .group_by_col(MoneyRecords::Source)
                .take(),
        )
        .expect("five columns selected for five");
    insert
}

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let mut out = render(backend, &tables(), &indexes());
    out.push(match backend {
        Backend::Sqlite => backfill().to_string(SqliteQueryBuilder),
        Backend::Postgres => backfill().to_string(PostgresQueryBuilder),
    });
    out
}
