//! Security headers on every response: a strict Content-Security-Policy (no inline script or
//! style, no framing), no MIME sniffing, a restrained referrer, and HSTS over HTTPS. Also the
//! largest body of a file upload; the middleware applying the body limits is the composition
//! root's (`lib.rs`), since its refusal is rendered by the part of the application a path is in.

use crate::kernel::state::AppState;
use crate::kernel::tiles::TileSource;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

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
/// [`WebConfig::body_limit`]: crate::kernel::state::WebConfig::body_limit
pub const UPLOAD_BODY_LIMIT: usize = 21 * 1024 * 1024;
