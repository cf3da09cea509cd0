//! Progress control's pages: reports and books of a project (`progress/`), the leader
//! dashboard (`dashboard.rs`), the bulletins (`bulletins/`), a region's light rules
//! (`light_rules.rs`) and the user's reminders (`reminders.rs`).

pub mod bulletins;
pub mod dashboard;
pub mod light_rules;
pub mod progress;
pub mod reminders;

use crate::kernel::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The progress control pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/light-rules",
            get(light_rules::show).post(light_rules::save),
        )
        .route("/reminders", get(reminders::list))
        .route("/reminders/{id}/read", post(reminders::read))
        .route("/dashboard", get(dashboard::show))
        .merge(progress::routes())
        .merge(bulletins::routes())
}
