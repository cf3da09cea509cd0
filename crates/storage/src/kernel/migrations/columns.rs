//! Column shorthands shared by the migrations, so each table definition reads as a list of its
//! columns.

use crate::kernel::db::Backend;
use sea_query::{ColumnDef, IntoIden};

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

/// A whole number that fits 32 bits (percentages, days, pixels).
pub(super) fn int(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().take()
}

/// An amount in fen that starts at zero (totals kept by triggers and the money on a project).
pub(super) fn money(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(0)
        .take()
}

/// Text that rows from before its migration hold as empty.
pub(super) fn text_empty(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().default("").take()
}

/// A calendar day.
pub(super) fn day(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).date().not_null().take()
}

/// A calendar day that may be unknown.
pub(super) fn day_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).date().null().take()
}

/// A latitude or longitude in degrees, when known.
pub(super) fn coordinate(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).double().null().take()
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
