//! Minxin's HTTP layer. A request passes, outside in: tracing → security headers → body limit →
//! (pages: CSRF check → failure rendering → handler) or (API: failure rendering → bearer
//! authentication in the handler's extractor → handler) or (Open311: handler, which renders its
//! own errors and checks the `api_key` of a POST) → storage.

pub mod api;
mod assets;
pub mod calendar_state;
pub mod client;
pub mod clock;
pub mod csrf;
pub mod decode_slots;
pub mod error;
pub mod i18n;
pub mod intake_limit;
pub mod open311;
pub mod page_cache;
pub mod pages;
pub mod security;
pub mod session;
pub mod state;
pub mod tiles;
pub mod token_cache;

pub use state::{AppState, WebConfig};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use tower_http::trace::TraceLayer;

/// The complete application: pages, API, static files and health check.
pub fn app(state: AppState) -> Router {
    let pages = pages::router().layer(axum::middleware::from_fn_with_state(
        state.clone(),
        csrf::protect,
    ));
    Router::new()
        .merge(pages)
        .nest("/api/v1", api::router())
        .nest("/open311/v2", open311::router())
        .merge(assets::router())
        .route("/healthz", get(healthz))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::limit_body,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// GET /healthz — 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.store.db().ping().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}
