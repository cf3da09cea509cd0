//! Bulletins (issue 4): a light snapshot keeps the names it was taken with (project code and
//! name, region, lead department), so a bulletin generated again after a rename still reads as
//! it did, and whether a monthly report was due; each month taken is recorded once, which
//! freezes it.

use super::columns::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::{LightSnapshots, SnapshotMonths};
use sea_query::{ColumnDef, PostgresQueryBuilder, SqliteQueryBuilder, Table, TableAlterStatement};

/// The snapshot's new columns, one statement each (SQLite adds one column at a time). Rows
/// from before this migration get empty names.
fn snapshot_columns() -> Vec<TableAlterStatement> {
    let named = |col: LightSnapshots| ColumnDef::new(col).text().not_null().default("").take();
    [
        named(LightSnapshots::ProjectCode),
        named(LightSnapshots::ProjectName),
        named(LightSnapshots::RegionName),
        named(LightSnapshots::LeadDepartmentName),
        flag(LightSnapshots::ReportDue),
    ]
    .into_iter()
    .map(|mut c| {
        Table::alter()
            .table(LightSnapshots::Table)
            .add_column(&mut c)
            .take()
    })
    .collect()
}

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let months = Table::create()
        .table(SnapshotMonths::Table)
        .col(
            ColumnDef::new(SnapshotMonths::Period)
                .text()
                .not_null()
                .primary_key(),
        )
        .col(big(SnapshotMonths::Projects))
        .col(text(SnapshotMonths::TakenBy))
        .col(time(SnapshotMonths::TakenAt))
        .take();
    let mut out: Vec<String> = match backend {
        Backend::Sqlite => snapshot_columns()
            .iter()
            .map(|a| a.to_string(SqliteQueryBuilder))
            .collect(),
        Backend::Postgres => snapshot_columns()
            .iter()
            .map(|a| a.to_string(PostgresQueryBuilder))
            .collect(),
    };
    out.extend(render(backend, &[months], &[]));
    out
}
