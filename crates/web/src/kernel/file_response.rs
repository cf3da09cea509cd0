//! A stored document sent to the browser: its checked media type, `attachment` (or, for an
//! image, `inline`) disposition (`disposition.rs`), and the sandbox every
//! downloaded file is served under. Project attachments and report photos are sent this way.

use crate::kernel::disposition::disposition_header;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use minxin_domain::projects::document::Format;
use minxin_storage::projects::Attachment;

/// The sandbox every downloaded file is served under: no scripts, plugins, forms or
/// subresources, only the image itself when an image is shown.
pub const DOWNLOAD_CSP: &str = "default-src 'none'; img-src 'self'; sandbox";

/// A response carrying a document: its checked media type (anything unknown as an opaque
/// byte stream), `attachment` disposition unless an image is asked for inline, `nosniff`, a
/// sandboxing CSP and no caching outside the browser.
pub fn file_response(attachment: &Attachment, bytes: Vec<u8>, inline: bool) -> Response {
    let format = attachment.format();
    let content_type = format.map_or("application/octet-stream", Format::content_type);
    let inline = inline && format.is_some_and(Format::is_image);
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let name = &attachment.file_name;
    headers.insert(
        header::CONTENT_DISPOSITION,
        disposition_header(inline, name, name),
    );
    sandboxed(&mut headers, "private, no-store");
    (headers, bytes).into_response()
}

/// The headers every stored file is served with besides its type: `nosniff`, the sandboxing
/// [`DOWNLOAD_CSP`], a same-origin resource policy and `cache_control`.
pub fn sandboxed(headers: &mut HeaderMap, cache_control: &'static str) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_CSP),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
}
