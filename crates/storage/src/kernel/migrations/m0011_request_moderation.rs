//! The office's moderation of service requests (issue 6): the wording the public sees of a
//! published request (the resident's text with names, phone numbers and door numbers taken
//! out by the office) and when it was published. A request stays private until the office
//! publishes it; the resident's own text is never shown publicly.

use super::columns::time_null;
use crate::kernel::db::Backend;
use crate::kernel::schema::ServiceRequests;
use sea_query::{ColumnDef, PostgresQueryBuilder, SqliteQueryBuilder, Table};

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    [
        ColumnDef::new(ServiceRequests::PublicDescription)
            .text()
            .not_null()
            .default("")
            .take(),
        time_null(ServiceRequests::PublishedAt),
    ]
    .into_iter()
    .map(|mut column| {
        let alter = Table::alter()
            .table(ServiceRequests::Table)
            .add_column(&mut column)
            .take();
        match backend {
            Backend::Sqlite => alter.to_string(SqliteQueryBuilder),
            Backend::Postgres => alter.to_string(PostgresQueryBuilder),
        }
    })
    .collect()
}
