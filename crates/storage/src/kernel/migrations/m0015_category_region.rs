//! Categories belong to a region (issue 15 finding 11): the region an office added one for and
//! its materialised path, so a district sees its own, those from above and below, not its
//! siblings'. The categories that exist already stay without a region — the shipped
//! dictionary, everyone's. Regions never move, so the path stays right.

use crate::kernel::db::Backend;
use crate::kernel::schema::Categories;
use sea_query::{ColumnDef, PostgresQueryBuilder, SqliteQueryBuilder, Table, TableAlterStatement};

/// The statements of this migration for `backend` (SQLite adds one column per statement).
pub fn statements(backend: Backend) -> Vec<String> {
    let add = |column: ColumnDef| -> TableAlterStatement {
        Table::alter()
            .table(Categories::Table)
            .add_column(column)
            .take()
    };
    [
        add(ColumnDef::new(Categories::RegionId)
            .big_integer()
            .null()
            .take()),
        add(ColumnDef::new(Categories::RegionPath).text().null().take()),
    ]
    .into_iter()
    .map(|alter| match backend {
        Backend::Sqlite => alter.to_string(SqliteQueryBuilder),
        Backend::Postgres => alter.to_string(PostgresQueryBuilder),
    })
    .collect()
}
