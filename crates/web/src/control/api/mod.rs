//! Progress control in the JSON API: reports and money (`progress.rs`), bulletins
//! (`bulletins.rs`) and the leader dashboard (`dashboard.rs`).

pub mod bulletins;
pub mod dashboard;
pub mod progress;

use crate::kernel::state::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The progress control operations.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(progress::routes())
        .merge(bulletins::routes())
        .merge(dashboard::routes())
}
