//! Service requests in the JSON API: queues, a request's file, moves and staff entry
//! (`requests.rs`), routing rules and boundaries (`routing.rs`), statistics (`stats.rs`) and
//! Open311 keys (`open311_keys.rs`), each over the same storage operations as the pages.

pub mod open311_keys;
pub mod requests;
pub mod routing;
pub mod stats;

use crate::kernel::state::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The service request operations.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(requests::routes())
        .merge(routing::routes())
        .merge(stats::routes())
        .merge(open311_keys::routes())
}
