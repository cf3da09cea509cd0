//! Identity in the JSON API: tokens (`auth.rs`), accounts and their access (`accounts.rs`) and
//! the audit log (`audit.rs`).

pub mod accounts;
pub mod audit;
pub mod auth;

use crate::kernel::state::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The identity operations.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::routes())
        .merge(accounts::routes())
        .merge(audit::routes())
}
