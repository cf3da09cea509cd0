//! Security headers on every response: a strict Content-Security-Policy (no inline script or
//! style, no framing), no MIME sniffing, a restrained referrer, and HSTS over HTTPS. Also the
//! request body limit: the configured one for every request, a larger one only for file uploads
//! (`multipart/form-data`), which the upload routes narrow again for themselves.

use crate::client::{api_lang, page_lang};
use crate::csrf::is_multipart;
use crate::error::{Failure, error_body, error_page};
use crate::state::AppState;
use crate::tiles::TileSource;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Json, Response};

/// The Content-Security-Policy: everything from this site only, except the images of the
/// configured map tiles (`tiles::TileSource::origins`), which are the one thing that leaves it.
pub fn content_security_policy(tiles: &TileSource) -> HeaderValue {
    let mut img = String::from("'self' data:");
    for origin in tiles.origins() {
        img.push(' ');
        img.push_str(&origin);
    }
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src {img}; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).unwrap_or_else(|_| {
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        )
    })
}

/// Middleware adding the headers.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    // A handler may set a stricter policy of its own (file downloads are sandboxed).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, state.csp.clone());
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(self)"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// The largest body of a file upload (`multipart/form-data`) anywhere in the application: a
/// 20 MB document plus the form's other fields and the multipart framing. Upload routes set
/// their own, possibly lower, limit; every other request keeps [`WebConfig::body_limit`].
///
/// [`WebConfig::body_limit`]: crate::state::WebConfig::body_limit
pub const UPLOAD_BODY_LIMIT: usize = 21 * 1024 * 1024;

/// Middleware limiting request bodies: [`UPLOAD_BODY_LIMIT`] for `multipart/form-data`, the
/// configured limit for everything else. A declared length over the limit is refused at once
/// with 413 (a page, or JSON under `/api/`); a body that grows past it fails when read.
pub async fn limit_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = if is_multipart(request.headers()) {
        UPLOAD_BODY_LIMIT.max(state.config.body_limit)
    } else {
        state.config.body_limit
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        let headers = request.headers();
        let path = request.uri().path();
        return if path.starts_with("/api/") {
            let failure = Failure::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
            let body = error_body(api_lang(headers), &failure);
            (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response()
        } else if path.starts_with("/open311/") {
            let format = crate::open311::Format::of_path(path);
            crate::open311::Open311Error::too_large(format, api_lang(headers)).into_response()
        } else {
            error_page(
                page_lang(headers),
                StatusCode::PAYLOAD_TOO_LARGE,
                "error.too_large",
            )
        };
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}
