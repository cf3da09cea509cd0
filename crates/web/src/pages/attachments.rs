//! Project document upload and download (being built).

use crate::state::AppState;
use axum::Router;

/// Routes of the attachment pages.
pub fn routes() -> Router<AppState> {
    Router::new()
}
