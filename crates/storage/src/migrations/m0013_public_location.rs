//! Where the public sees a service request (issue 15): its point coarsened to the 0.001° grid of
//! `domain::geo::Point::coarsened`, kept beside the exact point, which stays for the staff who
//! handle it. Public reads select and filter only these columns, so no map view, however small,
//! narrows a request down to the resident's door. Stored requests are backfilled with the same
//! rounding.

use crate::db::Backend;
use crate::schema::ServiceRequests;
use minxin_domain::kernel::geo::COARSE_PER_DEGREE;
use sea_query::{ColumnDef, Expr, PostgresQueryBuilder, Query, SqliteQueryBuilder, Table};

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let coordinate = |col| ColumnDef::new(col).double().null().take();
    let mut out: Vec<String> = [
        coordinate(ServiceRequests::PublicLatitude),
        coordinate(ServiceRequests::PublicLongitude),
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
    .collect();
    let rounded = |column: &str| {
        Expr::cust(format!(
            "ROUND({column} * {COARSE_PER_DEGREE:.1}) / {COARSE_PER_DEGREE:.1}"
        ))
    };
    let backfill = Query::update()
        .table(ServiceRequests::Table)
        .value(ServiceRequests::PublicLatitude, rounded("latitude"))
        .value(ServiceRequests::PublicLongitude, rounded("longitude"))
        .take();
    out.push(match backend {
        Backend::Sqlite => backfill.to_string(SqliteQueryBuilder),
        Backend::Postgres => backfill.to_string(PostgresQueryBuilder),
    });
    out
}
