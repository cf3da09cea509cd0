//! Project registry pages (being built).

use crate::state::AppState;
use axum::Router;

/// Routes of the project pages.
pub fn routes() -> Router<AppState> {
    Router::new()
}
