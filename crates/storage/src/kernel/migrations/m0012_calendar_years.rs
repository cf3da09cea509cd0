//! The years of the working-day calendar the office entered (issue 6): each State Council
//! announcement of the next year's holidays and adjusted working days, in the format of the
//! shipped `domain/data/holidays.toml`, beside the years Minxin ships.

use super::columns::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::{Accounts, CalendarYears};
use sea_query::{ColumnDef, ForeignKeyAction, PostgresQueryBuilder, SqliteQueryBuilder, Table};

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let table = Table::create()
        .table(CalendarYears::Table)
        .col(
            ColumnDef::new(CalendarYears::Year)
                .integer()
                .not_null()
                .primary_key(),
        )
        .col(text(CalendarYears::Arrangement))
        .col(big_null(CalendarYears::EnteredBy))
        .col(time(CalendarYears::EnteredAt))
        .foreign_key(&mut fk(
            (CalendarYears::Table, CalendarYears::EnteredBy),
            (Accounts::Table, Accounts::Id),
            ForeignKeyAction::SetNull,
        ))
        .take();
    vec![match backend {
        Backend::Sqlite => table.to_string(SqliteQueryBuilder),
        Backend::Postgres => table.to_string(PostgresQueryBuilder),
    }]
}
