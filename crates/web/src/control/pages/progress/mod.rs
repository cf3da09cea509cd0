//! Progress control pages for staff (issue 4): a project's monthly reports with their photos
//! and the office's review (`reports.rs`, `photos.rs`), and its books — money by funding
//! source, contracts, every money record with its corrections (`books.rs`). The JSON API in
//! `control/api/progress.rs` offers the same operations; both go through the same storage calls.

mod books;
pub(crate) mod photos;
mod reports;

pub(crate) use books::{SummaryRow, summary_rows};
pub(crate) use photos::{copy_named, photo_response};

use crate::kernel::csrf;
use crate::kernel::form::notice;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes of the reports and books pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/projects/{id}/reports",
            get(reports::show)
                .post(reports::file)
                .layer(crate::projects::pages::attachments::upload_limit()),
        )
        .route(
            "/projects/{id}/reports/{report}/review",
            post(reports::review),
        )
        .route(
            "/projects/{id}/reports/photos/{photo}/{copy}",
            get(photos::show),
        )
        .route(
            "/projects/{id}/books",
            get(crate::projects::pages::show::<books::Again>),
        )
        .route("/projects/{id}/books/contracts", post(books::add_contract))
        .route("/projects/{id}/books/money", post(books::record))
        .route("/projects/{id}/books/corrections", post(books::correct))
}

/// The action of a multipart form: `path` with the CSRF token in the query string (a multipart
/// body is not searched for it, see [`crate::kernel::csrf`]).
fn csrf_action(state: &AppState, s: &Signed, path: &str) -> String {
    let token = csrf::binding(&s.client.cookies)
        .map(|b| state.csrf.token(&b))
        .unwrap_or_default();
    format!(
        "{path}?{}",
        serde_urlencoded::to_string([(csrf::FIELD, token)]).unwrap_or_default()
    )
}

/// The message key of a notice the reports and books pages may show after a redirect.
fn notice_of(value: Option<&str>) -> Option<&'static str> {
    match value? {
        "filed" => Some("reports.notice.filed"),
        "accepted" => Some("reports.notice.accepted"),
        "returned" => Some("reports.notice.returned"),
        "contract" => Some("books.notice.contract"),
        "money" => Some("books.notice.money"),
        "corrected" => Some("books.notice.corrected"),
        other => notice(Some(other)),
    }
}
