//! The years of the working-day calendar the office entered (issue 6): each State Council
//! announcement of the next year's holidays and adjusted working days, in the format of the
//! shipped `domain/data/holidays.toml`, beside the years Minxin ships.

use super::columns::*;
use super::statements::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::{Accounts, CalendarYears};
use sea_query::ForeignKeyAction;

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let table = table(CalendarYears::Table)
        .col(int(CalendarYears::Year).primary_key())
        .col(text(CalendarYears::Arrangement))
        .col(big_null(CalendarYears::EnteredBy))
        .col(time(CalendarYears::EnteredAt))
        .references(
            CalendarYears::EnteredBy,
            Accounts::Table,
            ForeignKeyAction::SetNull,
        )
        .take();
    render(backend, &[table], &[])
}
