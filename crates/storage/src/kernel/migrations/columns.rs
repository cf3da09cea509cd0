//! Column and constraint shorthands shared by the migrations, so each table definition reads
//! as a list of its columns.

use crate::kernel::db::Backend;
use sea_query::{
    ColumnDef, ForeignKey, ForeignKeyAction, IndexCreateStatement, IntoIden, PostgresQueryBuilder,
    SqliteQueryBuilder, TableCreateStatement,
};

pub(super) fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

pub(super) fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().take()
}

pub(super) fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().take()
}

pub(super) fn big(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

pub(super) fn big_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().take()
}

pub(super) fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

pub(super) fn time_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().take()
}

pub(super) fn flag(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(false)
        .take()
}

pub(super) fn version(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(1)
        .take()
}

pub(super) fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> sea_query::ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .take()
}

/// A materialised region path. Paths are compared as byte strings (subtree = range, see
/// `kernel::scope::under`); SQLite does that by default, PostgreSQL needs the "C" collation.
pub(super) fn path(col: impl IntoIden, backend: Backend) -> ColumnDef {
    let mut column = ColumnDef::new(col).text().not_null().take();
    if backend == Backend::Postgres {
        column.extra("COLLATE \"C\"");
    }
    column
}

/// Renders tables, then indexes, as SQL for `backend`.
pub(super) fn render(
    backend: Backend,
    tables: &[TableCreateStatement],
    indexes: &[IndexCreateStatement],
) -> Vec<String> {
    match backend {
        Backend::Sqlite => tables
            .iter()
            .map(|t| t.to_string(SqliteQueryBuilder))
            .chain(indexes.iter().map(|i| i.to_string(SqliteQueryBuilder)))
            .collect(),
        Backend::Postgres => tables
            .iter()
            .map(|t| t.to_string(PostgresQueryBuilder))
            .chain(indexes.iter().map(|i| i.to_string(PostgresQueryBuilder)))
            .collect(),
    }
}
