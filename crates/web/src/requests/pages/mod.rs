//! Pages of residents' service requests (issue 6). The residents' own: the "我要反映" form at
//! `/report` and `/p/{code}/report`, the receipt, following and rating by receipt code at
//! `/track` (`residents.rs`, whose fields and photo checks the staff pages share). The staff's:
//! the queues (`queue.rs`), a request's
//! file with the moves the caller may make, its photos and near-duplicates (`file.rs`), the
//! moves themselves — dispatch, 签收, start, 转办, answer with photos, close, merge, publish
//! (`moves.rs`) — the form on which staff enter a request for a resident (`entry.rs`), the
//! office's routing settings: boundaries, rules and the point test (`routing.rs`), and the
//! statistics with the three rates, rankings and hot spots (`stats.rs`), and the working-day
//! calendar the office extends year by year (`calendar.rs`), and the office's Open311 keys
//! (`open311_keys.rs`).
//! Storage decides who may see and do what; these pages only offer what the rules allow.

mod calendar;
mod entry;
mod file;
mod moves;
mod open311_keys;
mod queue;
pub(crate) mod residents;
mod routing;
mod stats;

use crate::kernel::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The request pages' routes, the residents' and the staff's.
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
        .route(
            "/open311-keys",
            get(open311_keys::list).post(open311_keys::create),
        )
        .route("/open311-keys/{id}/revoke", post(open311_keys::revoke))
        .route("/p/{code}/report", get(residents::for_project))
        .route("/report", get(residents::new).post(residents::submit))
        .route("/track", get(residents::track_form).post(residents::track))
        .route("/track/rate", post(residents::rate))
        .merge(routing::routes())
}
