//! Staff pages for residents' service requests (issue 6): the queues (`queue.rs`), a request's
//! file with the moves the caller may make, its photos and near-duplicates (`file.rs`), the
//! moves themselves — dispatch, 签收, start, 转办, answer with photos, close, merge, publish
//! (`moves.rs`) — the form on which staff enter a request for a resident (`entry.rs`), the
//! office's routing settings: boundaries, rules and the point test (`routing.rs`), and the
//! statistics with the three rates, rankings and hot spots (`stats.rs`), and the working-day
//! calendar the office extends year by year (`calendar.rs`).
//! Storage decides who may see and do what; these pages only offer what the rules allow.

mod calendar;
mod entry;
mod file;
mod moves;
mod queue;
mod routing;
mod stats;

pub use stats::rate;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The request pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/requests", get(queue::list))
        .route("/requests/stats", get(stats::show))
        .route("/requests/new", get(entry::form).post(entry::submit))
        .route(
            "/requests/calendar",
            get(calendar::show).post(calendar::enter),
        )
        .route("/requests/{id}", get(file::show))
        .route("/requests/{id}/move", post(moves::make))
        .route("/requests/{id}/answer", post(moves::answer))
        .route("/requests/{id}/publish", post(moves::publish))
        .route("/requests/{id}/photos/{photo}/{copy}", get(file::photo))
        .merge(routing::routes())
}
