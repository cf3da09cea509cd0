//! Annual-plan import and list export pages (being built).

use crate::state::AppState;
use axum::Router;

/// Routes of the import pages.
pub fn routes() -> Router<AppState> {
    Router::new()
}
