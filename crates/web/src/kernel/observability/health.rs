//! The probes of a load balancer or orchestrator. `/livez`: the process answers (restart it if
//! not). `/readyz`: it may be sent work — the database answers, every migration of this build is
//! applied, and it is not draining; otherwise 503 with a short reason, so a rolling upgrade or a
//! stop takes the instance out of rotation before it goes. `/healthz` (the composition root's)
//! stays what it always was.

use crate::kernel::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;

/// GET /livez — 200 whenever the process can answer at all.
pub async fn livez() -> (StatusCode, &'static str) {
    (StatusCode::OK, "alive")
}

/// GET /readyz — 200 `ready`, or 503 with `draining`, `migrations pending` or `database
/// unreachable`.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.lifecycle.is_draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining");
    }
    match state.store.db().migrations_applied().await {
        Ok(true) => (StatusCode::OK, "ready"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
    }
}
