//! The public side, for anyone without an account (SPEC §8): the portal at `/` with the map and
//! list of public projects and the list's downloads, a project's page at the stable short URL
//! `/p/{code}` that signboard QR codes encode, the photos of its accepted reports, and the open
//! data in OC4IDS. Everything is read through `Store::public()`, which only ever
//! returns public projects and public fields; nothing here is audited, since anyone may read
//! it. The pages have their own simple look (`templates/public/`, `static/public.css`).

mod list_export;
mod open_data;
mod page;
mod photos;
mod portal;

use crate::kernel::chrome::Chrome;
use crate::kernel::client::Client;
use crate::kernel::error::Failure;
use crate::kernel::page::html;
use crate::kernel::state::AppState;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use minxin_storage::StoreError;
use tower_http::compression::CompressionLayer;

/// Routes of the public pages and open data. The data (markers, CSV, JSON) is sent gzipped to
/// clients that accept it: it is large and compresses tenfold. Pages are small and are not, so
/// a cached page is sent without work.
pub fn routes() -> Router<AppState> {
    let data = Router::new()
        .route("/map/markers.json", get(portal::markers))
        .route("/open-data/projects.csv", get(list_export::csv))
        .route("/open-data/oc4ids.json", get(open_data::package))
        .route(
            "/open-data/projects/{code}/oc4ids.json",
            get(open_data::project),
        )
        .layer(CompressionLayer::new());
    Router::new()
        .route("/", get(portal::home))
        .route("/open-data/projects.xlsx", get(list_export::xlsx))
        .route("/p/{code}", get(page::show))
        .route("/p/{code}/photos/{photo}/{copy}", get(photos::show))
        .merge(data)
}

/// The address the public reaches this server at, for absolute links (Open Graph, the OC4IDS
/// package URI): the configured `public_base_url`, the same address the signboards' QR codes
/// encode, so links never depend on what a request's `Host` header claims.
pub fn base_url(state: &AppState) -> String {
    state.config.public_base_url.clone()
}

#[derive(Template)]
#[template(path = "public/not_found.html")]
struct NotFoundPage {
    c: Chrome,
}

/// A storage failure as a public response: "not found" is the portal's own 404 page in the
/// visitor's language (an unknown code and a project that is not public look the same);
/// anything else is left to the page failure renderer.
pub fn failed(client: &Client, error: StoreError) -> Result<Response, Failure> {
    match error {
        StoreError::NotFound => {
            let mut response = html(&NotFoundPage {
                c: Chrome::anonymous(client.lang),
            })?;
            *response.status_mut() = StatusCode::NOT_FOUND;
            Ok(response)
        }
        other => Err(other.into()),
    }
}
