//! Statistics of service requests through the API (issue 15 finding 14): for a period,
//! region, department and category within the caller's scope — counts, the three rates (三率)
//! in basis points, the mean handling time, the same per department and per category, and the
//! hot spots — exactly what `/requests/stats` shows.

use crate::kernel::api::ApiCall;
use crate::kernel::api::parameter;
use crate::kernel::error::{ErrorBody, Failure};
use crate::kernel::state::AppState;
use axum::extract::Query;
use axum::response::Json;
use minxin_domain::requests::stats::parse_day;
use minxin_storage::requests::{RequestStats, RequestStatsFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Which requests are counted; every part is optional.
#[derive(Deserialize, IntoParams)]
pub struct StatsQuery {
    /// Received on or after this day (YYYY-MM-DD, Beijing time, years 1900 to 9999).
    #[param(pattern = "^((19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$")]
    from: Option<String>,
    /// Received on or before this day (YYYY-MM-DD, Beijing time, years 1900 to 9999).
    #[param(pattern = "^((19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$")]
    to: Option<String>,
    /// A region in your scope, with its subtree (404 outside it).
    #[param(value_type = Option<i64>)]
    region_id: Option<String>,
    /// Held or coordinated (首问) by this department.
    #[param(value_type = Option<i64>)]
    department_id: Option<String>,
    /// Of this category (its code).
    category: Option<String>,
}

/// A record id as typed.
fn id(raw: &str) -> Option<i64> {
    raw.parse().ok()
}

/// The statistic of the requests in your scope that the parameters select; what is overdue is
/// judged now. Rates are in basis points (10000 = 100 %), absent when nothing counted.
#[utoipa::path(get, path = "/requests/stats", tag = "requests", params(StatsQuery),
    responses((status = 200, body = RequestStats), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn get_stats(
    call: ApiCall,
    Query(q): Query<StatsQuery>,
) -> Result<Json<RequestStats>, Failure> {
    let mut problems = Vec::new();
    let filter = RequestStatsFilter {
        from: parameter("from", q.from.as_deref(), parse_day, &mut problems),
        to: parameter("to", q.to.as_deref(), parse_day, &mut problems),
        region_id: parameter("region_id", q.region_id.as_deref(), id, &mut problems),
        department_id: parameter(
            "department_id",
            q.department_id.as_deref(),
            id,
            &mut problems,
        ),
        category: q
            .category
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty()),
    };
    if !problems.is_empty() {
        return Err(Failure::invalid(problems));
    }
    let now = call.state.clock.now();
    Ok(Json(call.store().requests().stats(&filter, now).await?))
}

/// The statistics route, for the API router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_stats))
}
