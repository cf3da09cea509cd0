//! A stored document sent to the browser: its checked media type, `attachment` (or, for an
//! image, `inline`) disposition with an ASCII stand-in and the exact name, and the sandbox every
//! downloaded file is served under. Project attachments and report photos are sent this way.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use minxin_domain::projects::document::Format;
use minxin_storage::projects::Attachment;

/// The characters RFC 8187 allows unencoded in `filename*`.
fn is_attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b)
}

/// The ASCII stand-in for a file name in `filename="…"`: safe characters kept, others `_`;
/// a stem left without letters or digits becomes `document`.
pub fn ascii_file_name(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " -_.()[]+,".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let (stem, ext) = match mapped.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
        _ => (mapped.clone(), String::new()),
    };
    let stem = if stem.chars().any(|c| c.is_ascii_alphanumeric()) {
        stem
    } else {
        "document".to_owned()
    };
    let ext = if ext.chars().skip(1).all(|c| c.is_ascii_alphanumeric()) {
        ext
    } else {
        String::new()
    };
    format!("{stem}{ext}")
}

/// `Content-Disposition` for a file named `name`: `attachment` (or `inline`) with an ASCII
/// `filename` for old clients and the exact name, percent-encoded UTF-8, in `filename*`.
pub fn content_disposition(inline: bool, name: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if is_attr_char(b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" },
        ascii_file_name(name)
    )
}

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
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(inline, &attachment.file_name))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
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
        HeaderValue::from_static("private, no-store"),
    );
    (headers, bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_are_safe_for_any_name() {
        assert_eq!(
            content_disposition(false, "立项批复.pdf"),
            "attachment; filename=\"document.pdf\"; \
             filename*=UTF-8''%E7%AB%8B%E9%A1%B9%E6%89%B9%E5%A4%8D.pdf"
        );
        assert_eq!(
            content_disposition(true, "site photo 1.jpg"),
            "inline; filename=\"site photo 1.jpg\"; filename*=UTF-8''site%20photo%201.jpg"
        );
        let hostile = content_disposition(false, "a\";b\r\nX-Evil: 1;%41.pdf");
        assert!(!hostile.contains('\r') && !hostile.contains('\n'));
        assert!(hostile.starts_with("attachment; filename=\"a__b__X-Evil_ 1__41.pdf\";"));
        assert!(HeaderValue::from_str(&hostile).is_ok());
        assert_eq!(ascii_file_name("合同（盖章）"), "document");
        assert_eq!(ascii_file_name("report.pdf"), "report.pdf");
        assert_eq!(ascii_file_name("年报2025.xlsx"), "__2025.xlsx");
    }
}
