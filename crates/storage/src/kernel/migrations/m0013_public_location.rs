//! Where the public sees a service request (issue 15): its point coarsened to the 0.001° grid of
//! `domain::geo::Point::coarsened`, kept beside the exact point, which stays for the staff who
//! handle it. Public reads select and filter only these columns, so no map view, however small,
//! narrows a request down to the resident's door. Stored requests are backfilled with the same
//! rounding.

use super::columns::coordinate;
use super::statements::add_columns;
use crate::kernel::db::Backend;
use crate::kernel::schema::ServiceRequests;
use minxin_domain::kernel::geo::COARSE_PER_DEGREE;
use sea_query::{Expr, Query};

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let mut out = add_columns(
        backend,
        ServiceRequests::Table,
        [
            coordinate(ServiceRequests::PublicLatitude),
            coordinate(ServiceRequests::PublicLongitude),
        ],
    );
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
    out.push(backend.query_sql(&backfill));
    out
}
