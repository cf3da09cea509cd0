//! The organisation's pages: the region tree (`regions.rs`), the departments (`departments.rs`)
//! and the read-only chart of both within the caller's scope (`org.rs`).

pub mod departments;
pub mod org;
pub mod regions;

use crate::kernel::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The organisation pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/regions", get(regions::list).post(regions::create))
        .route("/admin/regions/new", get(regions::new))
        .route(
            "/admin/regions/{id}",
            get(regions::edit).post(regions::update),
        )
        .route("/admin/regions/{id}/delete", post(regions::delete))
        .route(
            "/admin/departments",
            get(departments::list).post(departments::create),
        )
        .route("/admin/departments/new", get(departments::new))
        .route(
            "/admin/departments/{id}",
            get(departments::edit).post(departments::update),
        )
        .route("/admin/departments/{id}/delete", post(departments::delete))
        .route("/org", get(org::show))
}
