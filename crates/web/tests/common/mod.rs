//! Shared helpers for the web tests: an app over a fixture store, and one-shot requests.
#![allow(dead_code)]

pub mod chrome;
pub mod dashboard;
pub mod requests_api;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use minxin_storage::testing::{Fixture, PASSWORD, fixture, stores};
use minxin_web::kernel::clock::Clock;
use minxin_web::{AppState, WebConfig, app};
use serde_json::Value;
use std::io::Cursor;
use tower::ServiceExt;

/// The web configuration of a test app: defaults, with the data directory (attachments) in a
/// fresh temporary directory. Named like the storage harness's SQLite directories, so later
/// runs sweep it away once this process has ended.
pub fn test_config() -> WebConfig {
    let data_dir = tempfile::Builder::new()
        .prefix(&format!("minxin-test-{}-", std::process::id()))
        .tempdir()
        .expect("temporary data directory")
        .keep();
    WebConfig {
        data_dir,
        ..WebConfig::default()
    }
}

/// One backend's app and fixture.
pub struct Env {
    /// Which database the app runs on.
    pub backend: &'static str,
    /// The application.
    pub app: Router,
    /// The standard organisation in that database.
    pub fx: Fixture,
}

/// An app on every backend under test, each over a fresh fixture.
pub async fn envs() -> Vec<Env> {
    built(None).await
}

/// An app on every backend under test, each over a fresh fixture, whose clock is `clock`, which
/// the test sets (deadlines, overdue, handling times).
pub async fn envs_at(clock: &Clock) -> Vec<Env> {
    built(Some(clock)).await
}

async fn built(clock: Option<&Clock>) -> Vec<Env> {
    let mut out = Vec::new();
    for (backend, store) in stores().await {
        let fx = fixture(&store).await;
        let mut state = AppState::new(store, test_config()).await.unwrap();
        if let Some(clock) = clock {
            state.clock = clock.clone();
        }
        out.push(Env {
            backend,
            app: app(state),
            fx,
        });
    }
    out
}

/// A response's status, headers and body.
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: axum::http::HeaderMap,
    /// Body as text.
    pub body: String,
}

impl Reply {
    /// Body as JSON (null when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends one request.
pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Calls the JSON API as the holder of `token`.
pub async fn api(
    app: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Reply {
    api_in(None, app, method, path, token, body).await
}

/// Calls the JSON API as the holder of `token`, asking for messages in `language` if given.
pub async fn api_in(
    language: Option<&str>,
    app: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("/api/v1{path}"));
    if let Some(language) = language {
        request = request.header(header::ACCEPT_LANGUAGE, language);
    }
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    };
    send(app, request.unwrap()).await
}

/// A bearer token for fixture account `username`.
pub async fn token(app: &Router, username: &str) -> String {
    let reply = api(
        app,
        Method::POST,
        "/auth/token",
        None,
        Some(serde_json::json!({ "username": username, "password": PASSWORD, "name": "test" })),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "token for {username}: {}",
        reply.body
    );
    reply.json()["token"].as_str().unwrap().to_owned()
}

/// The boundary of the multipart bodies built by [`multipart`].
pub const BOUNDARY: &str = "----minxin-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body, built by hand: text `fields`, then `file` as
/// (field name, file name, content type, bytes) if given.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, file_name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A browser: keeps cookies between requests and knows the page's CSRF token.
#[derive(Default)]
pub struct Browser {
    /// Cookies set so far, by name.
    pub cookies: Vec<(String, String)>,
}

impl Browser {
    /// A browser without cookies.
    pub fn new() -> Self {
        Self::default()
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
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

    /// GET `path`, remembering cookies.
    pub async fn get(&mut self, app: &Router, path: &str) -> Reply {
        let request = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let reply = send(app, request).await;
        self.remember(&reply);
        reply
    }

    /// GET `path` as raw bytes (a download), with the browser's cookies.
    pub async fn download(
        &self,
        app: &Router,
        path: &str,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        self.download_encoded(app, path, "identity").await
    }

    /// GET `path` as raw bytes asking for `encoding` (an `Accept-Encoding` value), with the
    /// browser's cookies; the body is returned as sent, still encoded.
    pub async fn download_encoded(
        &self,
        app: &Router,
        path: &str,
        encoding: &str,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let request = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, bytes.to_vec())
    }

    /// POST a form to `path`, remembering cookies.
    pub async fn post(&mut self, app: &Router, path: &str, form: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(form).unwrap();
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let reply = send(app, request).await;
        self.remember(&reply);
        reply
    }

    /// POST a `multipart/form-data` body (built with [`multipart`]) to `path`, remembering
    /// cookies.
    pub async fn post_multipart(&mut self, app: &Router, path: &str, body: Vec<u8>) -> Reply {
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap();
        let reply = send(app, request).await;
        self.remember(&reply);
        reply
    }

    /// The CSRF token embedded in a page.
    pub fn csrf(page: &Reply) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let start = page.body.find(marker).expect("page has a CSRF field") + marker.len();
        page.body[start..].split('"').next().unwrap().to_owned()
    }

    /// Signs in through the login form.
    pub async fn sign_in(&mut self, app: &Router, username: &str, password: &str) -> Reply {
        let page = self.get(app, "/login").await;
        let csrf = Self::csrf(&page);
        self.post(
            app,
            "/login",
            &[
                ("_csrf", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/work"),
            ],
        )
        .await
    }
}

/// The text a QR code in a PNG image holds.
pub fn decode_qr_png(png: &[u8]) -> String {
    let image = image::load_from_memory(png).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the QR code decodes").1
}

/// A multipart body of text `fields` and `photos` (file name, bytes) under the name `photos`.
pub fn photo_form(fields: &[(&str, &str)], photos: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (file_name, bytes) in photos {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; \
                 filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A plain JPEG, `width`×`height`.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 7) as u8, (y * 5) as u8, ((x ^ y) & 0xff) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut out, ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

/// The CSRF token of the resident's request form's action URL (a multipart form carries it there).
pub fn action_csrf(page: &Reply) -> String {
    let marker = "/report?_csrf=";
    let start = page.body.find(marker).expect("the form has an action") + marker.len();
    page.body[start..].split('"').next().unwrap().to_owned()
}

/// A resident's request submitted through the "我要反映" form at `/report`, as a phone would.
pub async fn report(
    env: &Env,
    browser: &mut Browser,
    fields: &[(&str, &str)],
    photos: &[(&str, &[u8])],
) -> Reply {
    let form = browser.get(&env.app, "/report").await;
    assert_eq!(form.status, StatusCode::OK, "{}", env.backend);
    let csrf = action_csrf(&form);
    browser
        .post_multipart(
            &env.app,
            &format!("/report?_csrf={csrf}"),
            photo_form(fields, photos),
        )
        .await
}
