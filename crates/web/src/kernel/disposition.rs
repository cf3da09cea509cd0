//! The one `Content-Disposition` of every download (RFC 6266 with RFC 5987/8187 `filename*`):
//! an ASCII stand-in in `filename="…"` for old clients and the exact name, percent-encoded
//! UTF-8, in `filename*`; and the plain response that carries a generated file (CSV, .xlsx,
//! .docx, archives, QR codes) under it.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

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

/// `Content-Disposition` for a file named `name`: `attachment` (or `inline`) with `fallback`,
/// made safe by [`ascii_file_name`], as `filename` and `name` itself as `filename*`. Pass the
/// name as its own fallback when there is no better ASCII name.
pub fn content_disposition(inline: bool, fallback: &str, name: &str) -> String {
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
        ascii_file_name(fallback)
    )
}

/// [`content_disposition`] as a header value; a bare `attachment` in the (impossible) case
/// that the built value is not a valid header.
pub fn disposition_header(inline: bool, fallback: &str, name: &str) -> HeaderValue {
    HeaderValue::from_str(&content_disposition(inline, fallback, name))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// The media type of CSV downloads.
pub const CSV: &str = "text/csv; charset=utf-8";

/// A generated file of `content_type` downloaded as an attachment named `name`, with
/// `fallback` as its ASCII stand-in.
pub fn download(
    bytes: Vec<u8>,
    content_type: &'static str,
    fallback: &str,
    name: &str,
) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        disposition_header(false, fallback, name),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_are_safe_for_any_name() {
        assert_eq!(
            content_disposition(false, "立项批复.pdf", "立项批复.pdf"),
            "attachment; filename=\"document.pdf\"; \
             filename*=UTF-8''%E7%AB%8B%E9%A1%B9%E6%89%B9%E5%A4%8D.pdf"
        );
        assert_eq!(
            content_disposition(true, "site photo 1.jpg", "site photo 1.jpg"),
            "inline; filename=\"site photo 1.jpg\"; filename*=UTF-8''site%20photo%201.jpg"
        );
        let hostile = "a\";b\r\nX-Evil: 1;%41.pdf";
        let hostile = content_disposition(false, hostile, hostile);
        assert!(!hostile.contains('\r') && !hostile.contains('\n'));
        assert!(hostile.starts_with("attachment; filename=\"a__b__X-Evil_ 1__41.pdf\";"));
        assert!(HeaderValue::from_str(&hostile).is_ok());
        assert_eq!(ascii_file_name("合同（盖章）"), "document");
        assert_eq!(ascii_file_name("report.pdf"), "report.pdf");
        assert_eq!(ascii_file_name("年报2025.xlsx"), "__2025.xlsx");
    }

    #[test]
    fn a_chosen_fallback_stands_for_the_real_name() {
        assert_eq!(
            content_disposition(false, "minxin-projects-1.xlsx", "项目清单 1.xlsx"),
            "attachment; filename=\"minxin-projects-1.xlsx\"; \
             filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E6%B8%85%E5%8D%95%201.xlsx"
        );
        let d = content_disposition(false, "a\"b;c.xlsx", "x");
        assert!(d.starts_with("attachment; filename=\"a_b_c.xlsx\""), "{d}");
    }
}
