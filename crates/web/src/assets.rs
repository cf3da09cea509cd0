//! Static files compiled into the binary, so a single executable serves everything.

use crate::state::AppState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const APP_CSS: &str = include_str!("../static/app.css");

async fn app_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        APP_CSS,
    )
}

/// Routes for the static files.
pub fn router() -> Router<AppState> {
    Router::new().route("/static/app.css", get(app_css))
}
