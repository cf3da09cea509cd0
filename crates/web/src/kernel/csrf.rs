//! CSRF protection for every state-changing form: the signed double-submit pattern. A token is
//! an HMAC of a per-browser binding (the session cookie once signed in, a pre-session cookie
//! before) under a server secret, so it cannot be forged without the secret and is useless in
//! another browser. A middleware checks every unsafe request outside the bearer-token API, so a
//! form added later cannot forget the check. The token travels in the `_csrf` field of a
//! urlencoded form or in the `x-csrf-token` header; a file upload (`multipart/form-data`, whose
//! body is streamed to its handler, never buffered here) carries it in the header or as
//! `?_csrf=` in the form's action URL.

use crate::kernel::client::page_lang;
use crate::kernel::error::error_page;
use crate::kernel::session::{PRE_SESSION_COOKIE, SESSION_COOKIE};
use crate::kernel::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use minxin_storage::identity::credentials::token_digest;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Name of the hidden form field carrying the token.
pub const FIELD: &str = "_csrf";
/// Header alternative for scripts.
pub const HEADER: &str = "x-csrf-token";

/// The server secret that signs CSRF tokens.
#[derive(Clone)]
pub struct CsrfKey(Vec<u8>);

impl CsrfKey {
    /// A key from secret bytes.
    pub fn new(secret: &[u8]) -> Self {
        Self(secret.to_vec())
    }

    /// The token for a binding string.
    pub fn token(&self, binding: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(binding.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Whether `token` is valid for `binding`, compared in constant time.
    pub fn verify(&self, binding: &str, token: &str) -> bool {
        self.token(binding)
            .as_bytes()
            .ct_eq(token.as_bytes())
            .into()
    }
}

/// The binding of a browser: its session if signed in, else its pre-session cookie.
pub fn binding(cookies: &CookieJar) -> Option<String> {
    if let Some(session) = cookies.get(SESSION_COOKIE) {
        return Some(format!("s:{}", token_digest(session.value())));
    }
    cookies
        .get(PRE_SESSION_COOKIE)
        .map(|pre| format!("p:{}", pre.value()))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Middleware: refuses unsafe requests whose token is missing or wrong, and cross-origin posts.
pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_safe(request.method()) {
        return next.run(request).await;
    }
    let lang = page_lang(request.headers());
    let refuse = || error_page(lang, StatusCode::FORBIDDEN, "error.csrf");
    if cross_origin(&request) {
        return refuse();
    }
    let cookies = CookieJar::from_headers(request.headers());
    let Some(binding) = binding(&cookies) else {
        return refuse();
    };
    let header_token = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if is_multipart(request.headers()) {
        // A file upload is streamed to its handler, never buffered here: the token comes from
        // the header or from `?_csrf=` in the form's action URL.
        let token = header_token.or_else(|| query_token(request.uri().query()));
        return match token {
            Some(token) if state.csrf.verify(&binding, &token) => next.run(request).await,
            _ => refuse(),
        };
    }
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, state.config.body_limit).await {
        Ok(bytes) => bytes,
        Err(_) => return error_page(lang, StatusCode::PAYLOAD_TOO_LARGE, "error.too_large"),
    };
    let form_token = is_form(&parts.headers)
        .then(|| {
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == FIELD)
                .map(|(_, v)| v)
        })
        .flatten();
    let Some(token) = header_token.or(form_token) else {
        return refuse();
    };
    if !state.csrf.verify(&binding, &token) {
        return refuse();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn is_form(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Whether the body is `multipart/form-data` (a file upload).
pub fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.get(..19)
                .is_some_and(|t| t.eq_ignore_ascii_case("multipart/form-data"))
        })
}

/// The `_csrf` parameter of a query string, if present.
fn query_token(query: Option<&str>) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query?)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

/// Whether the browser says the request comes from another site.
fn cross_origin(request: &Request) -> bool {
    let headers = request.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    origin != "null" && origin_host != host
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bind_to_their_browser() {
        let key = CsrfKey::new(b"secret");
        let t = key.token("s:abc");
        assert!(key.verify("s:abc", &t));
        assert!(!key.verify("s:abd", &t));
        assert!(!CsrfKey::new(b"other").verify("s:abc", &t));
        assert!(!key.verify("s:abc", ""));
    }

    #[test]
    fn uploads_carry_the_token_in_the_query() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "Multipart/Form-Data; boundary=x".parse().unwrap(),
        );
        assert!(is_multipart(&headers));
        headers.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        assert!(!is_multipart(&headers));
        assert_eq!(query_token(Some("a=1&_csrf=t%2Bk")).as_deref(), Some("t+k"));
        assert_eq!(query_token(Some("a=1")), None);
        assert_eq!(query_token(None), None);
    }
}
