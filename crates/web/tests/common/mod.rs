//! Shared helpers for the web tests: [`TestApp`] (an app on every database under test) with its
//! [`Client`] (a browser), one-shot requests, and bodies and images to send.
#![allow(dead_code)]

pub mod app;
pub mod chrome;
pub mod client;
pub mod dashboard;
pub mod money_setup;
pub mod projects_setup;
pub mod requests_api;
pub mod requests_setup;

pub use app::TestApp;
pub use client::Client;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use minxin_web::WebConfig;
use serde_json::Value;
use std::io::{Cursor, Read};
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

    /// Whether this is the page that gives a resident the receipt code of their request.
    pub fn is_receipt(&self) -> bool {
        self.body.contains("id=\"receipt-code\"")
    }
}

/// The text of a .docx document's body (`word/document.xml`), as the bulletin tests read it.
pub fn docx_text(docx: Vec<u8>) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("the .docx opens");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("the .docx has a body")
        .read_to_string(&mut xml)
        .unwrap();
    xml
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

/// The boundary of the multipart bodies built by [`multipart`].
pub const BOUNDARY: &str = "----minxin-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body, built by hand: text `fields`, then `file` as
/// (field name, file name, content type, bytes) if given.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &str, &[u8])>) -> Vec<u8> {
    multipart_files(fields, file.as_slice())
}

/// A `multipart/form-data` body of text `fields`, then every one of `files` as
/// (field name, file name, content type, bytes).
fn multipart_files(fields: &[(&str, &str)], files: &[(&str, &str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, content_type, bytes) in files {
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

/// The CSRF token a page's form carries in its `_csrf` field, for the tests of the pages
/// themselves; [`Client::csrf`] gives the same token without reading a page.
pub fn form_csrf(page: &Reply) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = page.body.find(marker).expect("page has a CSRF field") + marker.len();
    page.body[start..].split('"').next().unwrap().to_owned()
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
    let files: Vec<_> = photos
        .iter()
        .map(|(file_name, bytes)| ("photos", *file_name, "image/jpeg", *bytes))
        .collect();
    multipart_files(fields, &files)
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
    browser: &mut Client<'_>,
    fields: &[(&str, &str)],
    photos: &[(&str, &[u8])],
) -> Reply {
    let form = browser.get("/report").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = action_csrf(&form);
    browser
        .post_multipart(&format!("/report?_csrf={csrf}"), photo_form(fields, photos))
        .await
}
