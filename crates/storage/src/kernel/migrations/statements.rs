//! Statement shorthands shared by the migrations: foreign keys and indexes in one line each,
//! added columns, and the rendering of a migration's statements for its backend.

use crate::kernel::db::Backend;
use sea_query::{
    Alias, ColumnDef, ForeignKey, ForeignKeyAction, Index, IndexCreateStatement, IntoIden,
    IntoIndexColumn, IntoTableRef, Table, TableCreateStatement,
};

/// Foreign keys declared beside the table's columns, one line each.
pub(super) trait References {
    /// `col` refers to the `id` of `table` (every entity's key is named so, see `columns::id`);
    /// `on_delete` says what deleting the target does.
    fn references(
        &mut self,
        col: impl IntoIden,
        table: impl IntoIden,
        on_delete: ForeignKeyAction,
    ) -> &mut Self;

    /// `col` refers to `to` (table, column), a key other than `id`.
    fn references_column(
        &mut self,
        col: impl IntoIden,
        to: (impl IntoIden, impl IntoIden),
        on_delete: ForeignKeyAction,
    ) -> &mut Self;
}

impl References for TableCreateStatement {
    fn references(
        &mut self,
        col: impl IntoIden,
        table: impl IntoIden,
        on_delete: ForeignKeyAction,
    ) -> &mut Self {
        self.references_column(col, (table, Alias::new("id")), on_delete)
    }

    fn references_column(
        &mut self,
        col: impl IntoIden,
        to: (impl IntoIden, impl IntoIden),
        on_delete: ForeignKeyAction,
    ) -> &mut Self {
        self.foreign_key(
            ForeignKey::create()
                .from_col(col)
                .to_tbl(to.0)
                .to_col(to.1)
                .on_delete(on_delete),
        )
    }
}

/// A new table `name`, its columns and constraints to follow.
pub(super) fn table(name: impl IntoTableRef) -> TableCreateStatement {
    Table::create().table(name).take()
}

/// A composite primary key on `cols`, in that order.
pub(super) fn key<C: IntoIndexColumn>(cols: impl IntoIterator<Item = C>) -> IndexCreateStatement {
    let mut key = Index::create();
    for col in cols {
        key.col(col);
    }
    key
}

/// The index `name` on `cols` of `table`, in that order.
pub(super) fn index_on<C: IntoIndexColumn>(
    name: &str,
    table: impl IntoTableRef,
    cols: impl IntoIterator<Item = C>,
) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).take();
    for col in cols {
        index.col(col);
    }
    index
}

/// `columns` added to `table`, one statement each: SQLite's ALTER TABLE adds one at a time.
pub(super) fn add_columns(
    backend: Backend,
    table: impl IntoTableRef + Clone,
    columns: impl IntoIterator<Item = ColumnDef>,
) -> Vec<String> {
    columns
        .into_iter()
        .map(|column| {
            backend.schema_sql(
                &Table::alter()
                    .table(table.clone())
                    .add_column(column)
                    .take(),
            )
        })
        .collect()
}

/// Renders tables, then indexes, as SQL for `backend`.
pub(super) fn render(
    backend: Backend,
    tables: &[TableCreateStatement],
    indexes: &[IndexCreateStatement],
) -> Vec<String> {
    tables
        .iter()
        .map(|t| backend.schema_sql(t))
        .chain(indexes.iter().map(|i| backend.schema_sql(i)))
        .collect()
}
