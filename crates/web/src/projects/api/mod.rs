//! Projects in the JSON API: the registry (`projects.rs`) and attachments (`attachments.rs`).

pub mod attachments;
pub mod projects;

use crate::kernel::state::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The project operations.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(projects::routes())
        .merge(attachments::routes())
}
