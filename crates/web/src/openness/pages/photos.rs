//! `GET /p/{code}/photos/{photo}/{copy}`: the display copy or thumbnail of a photo of an
//! accepted report of a public project. The copies are re-encoded without metadata; the
//! original, which may carry a GPS location, has no route.

use super::failed;
use crate::control::pages::progress::{copy_named, photo_response};
use crate::kernel::client::Client;
use crate::kernel::error::Failure;
use crate::kernel::http_cache::etag_matches;
use crate::kernel::page::PathOf;
use crate::kernel::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minxin_storage::StoreError;

/// Photos never change under their id, but a project can stop being public: an hour bounds
/// how long a copy outlives that.
const PHOTO_CACHE: &str = "public, max-age=3600";

/// GET /p/{code}/photos/{photo}/{copy} — the copy as an inline JPEG, 304 for a known ETag (the
/// blob's content hash); the portal's 404 for anything that is not a public photo.
pub async fn show(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    PathOf((code, photo, copy)): PathOf<(String, String, String)>,
) -> Result<Response, Failure> {
    let (Some(copy), Ok(photo)) = (copy_named(&copy), photo.parse::<i64>()) else {
        return failed(&client, StoreError::NotFound);
    };
    let found = state
        .store
        .public()
        .photo(&code, photo, copy, state.blobs.as_ref())
        .await;
    let found = match found {
        Ok(found) => found,
        Err(e) => return failed(&client, e),
    };
    let etag = format!("\"{}\"", found.key);
    let mut response = if etag_matches(&headers, &etag) {
        (
            StatusCode::NOT_MODIFIED,
            [(header::CACHE_CONTROL, PHOTO_CACHE)],
        )
            .into_response()
    } else {
        photo_response(found.bytes, PHOTO_CACHE)
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    Ok(response)
}
