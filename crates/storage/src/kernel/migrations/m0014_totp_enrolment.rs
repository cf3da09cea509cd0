//! The second factor's enrolment held on the server (issue 15): the secret a session is shown
//! while enrolling, sealed like the enrolled ones, instead of a value the browser sends back.
//! It lives with the session, so ending the session (sign-out, a password change) discards it.

use crate::kernel::db::Backend;
use crate::kernel::schema::Sessions;
use sea_query::{ColumnDef, PostgresQueryBuilder, SqliteQueryBuilder, Table};

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let alter = Table::alter()
        .table(Sessions::Table)
        .add_column(ColumnDef::new(Sessions::TotpPending).text().null())
        .take();
    vec![match backend {
        Backend::Sqlite => alter.to_string(SqliteQueryBuilder),
        Backend::Postgres => alter.to_string(PostgresQueryBuilder),
    }]
}
