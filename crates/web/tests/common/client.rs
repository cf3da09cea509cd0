//! [`Client`], a browser on a [`TestApp`]: it keeps cookies between requests and signs every
//! form it posts with the CSRF token of its session, so a test says what it posts, not how the
//! token gets there.

use super::app::TestApp;
use super::{BOUNDARY, Reply};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum_extra::extract::CookieJar;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A browser on one app.
pub struct Client<'a> {
    app: &'a TestApp,
    cookies: Vec<(String, String)>,
}

impl<'a> Client<'a> {
    /// A browser without cookies.
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: Vec::new(),
        }
    }

    /// The `Cookie` header this browser sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The CSRF token the app puts into this browser's forms: bound to its session, or to its
    /// pre-session cookie before it signs in.
    ///
    /// # Panics
    ///
    /// When the browser has neither cookie yet (it has not opened a page).
    pub fn csrf(&self) -> String {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, self.cookie_header().parse().unwrap());
        let binding = minxin_web::kernel::csrf::binding(&CookieJar::from_headers(&headers))
            .expect("a CSRF token needs a session or a pre-session cookie: open a page first");
        self.app.state.csrf.token(&binding)
    }

    fn remember(&mut self, reply: &Reply) {
        for value in reply.headers.get_all(header::SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            if !value.is_empty() {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    async fn send(&mut self, request: Request<Body>) -> Reply {
        let reply = self.app.send(request).await;
        self.remember(&reply);
        reply
    }

    /// GET `path`.
    pub async fn get(&mut self, path: &str) -> Reply {
        let request = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// GET `path` as raw bytes (a download).
    pub async fn download(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        self.download_encoded(path, "identity").await
    }

    /// GET `path` as raw bytes asking for `encoding` (an `Accept-Encoding` value); the body is
    /// returned as sent, still encoded.
    pub async fn download_encoded(
        &self,
        path: &str,
        encoding: &str,
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let request = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap();
        let response = self.app.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, bytes.to_vec())
    }

    /// POST the urlencoded `form` to `path` exactly as given (a test of the CSRF check itself).
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(form).unwrap();
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// POST the urlencoded `form` to `path` with this browser's CSRF token, as its page would.
    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf();
        let mut signed = vec![("_csrf", csrf.as_str())];
        signed.extend_from_slice(form);
        self.post(path, &signed).await
    }

    /// POST a `multipart/form-data` body (built with [`super::multipart`]) to `path` exactly as
    /// given.
    pub async fn post_multipart(&mut self, path: &str, body: Vec<u8>) -> Reply {
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// POST a `multipart/form-data` body to `path` with this browser's CSRF token in the action
    /// URL (`?_csrf=`), as a file upload form carries it.
    pub async fn upload(&mut self, path: &str, body: Vec<u8>) -> Reply {
        let separator = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{separator}_csrf={}", self.csrf());
        self.post_multipart(&path, body).await
    }

    /// Signs in through the login form.
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        self.get("/login").await;
        self.post_form(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("next", "/work"),
            ],
        )
        .await
    }
}
