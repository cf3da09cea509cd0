//! HTTP caching of public pages: a strong ETag over the data a response is rendered from (so
//! it changes with anything shown — the project, its money, reports, light — and with the
//! language and the release), `Last-Modified` from the latest change, and 304 Not Modified
//! when the client already has it (`If-None-Match` first, `If-Modified-Since` only without it,
//! as RFC 9110 §13.2.2 orders).

use crate::kernel::i18n::Lang;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How long browsers and proxies may reuse a public page without asking again: short, so a
/// change is seen within a minute, and long enough to absorb a crowd scanning one signboard.
pub const PAGE_CACHE: &str = "public, max-age=60";

/// The format of HTTP dates (IMF-fixdate, always GMT).
const HTTP_DATE: &str = "%a, %d %b %Y %H:%M:%S GMT";

/// The validators of one representation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validators {
    /// The quoted strong ETag.
    pub etag: String,
    /// When the content last changed.
    pub last_modified: DateTime<Utc>,
}

/// A strong ETag: the first 128 bits of a SHA-256 digest, quoted.
fn quoted_hex(digest: &[u8]) -> String {
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` names `etag` (weakly compared, as the header asks) or is `*`.
pub fn etag_matches(request: &HeaderMap, etag: &str) -> bool {
    request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
        })
}

impl Validators {
    /// Validators for `content` rendered in `lang` by this release: the ETag hashes the
    /// serialized content, so it cannot stay the same while anything shown changes.
    pub fn of(content: &impl Serialize, lang: Lang, last_modified: DateTime<Utc>) -> Self {
        let mut hash = Sha256::new();
        hash.update(env!("CARGO_PKG_VERSION").as_bytes());
        hash.update(lang.tag().as_bytes());
        hash.update(serde_json::to_vec(content).unwrap_or_default());
        Validators {
            etag: quoted_hex(&hash.finalize()),
            last_modified,
        }
    }

    /// Validators for a body as sent (data rather than a page: no language), changed `now`
    /// (the app's clock).
    pub fn of_body(body: &[u8], now: DateTime<Utc>) -> Self {
        Validators {
            etag: quoted_hex(&Sha256::digest(body)),
            last_modified: now,
        }
    }

    /// Whether the client's copy is current.
    pub fn fresh(&self, request: &HeaderMap) -> bool {
        if request.contains_key(header::IF_NONE_MATCH) {
            return etag_matches(request, &self.etag);
        }
        request
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| NaiveDateTime::parse_from_str(v.trim(), HTTP_DATE).ok())
            .is_some_and(|since| self.last_modified.timestamp() <= since.and_utc().timestamp())
    }

    /// The caching headers of the response.
    fn headers(&self, cache_control: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
        // The language comes from a cookie; shared caches must not hand one language to
        // readers of the other.
        headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
        if let Ok(v) = HeaderValue::from_str(&self.etag) {
            headers.insert(header::ETAG, v);
        }
        let date = self.last_modified.format(HTTP_DATE).to_string();
        if let Ok(v) = HeaderValue::from_str(&date) {
            headers.insert(header::LAST_MODIFIED, v);
        }
        headers
    }

    /// 304 when the client's copy is current, else the response `render` builds; both with
    /// the validators and `cache_control`.
    pub fn respond<E>(
        &self,
        request: &HeaderMap,
        cache_control: &'static str,
        render: impl FnOnce() -> Result<Response, E>,
    ) -> Result<Response, E> {
        let headers = self.headers(cache_control);
        if self.fresh(request) {
            return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
        }
        let mut response = render()?;
        response.headers_mut().extend(headers);
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 7, 0, s).unwrap()
    }

    fn request(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn the_etag_follows_content_and_language() {
        let a = Validators::of(&("x", 1), Lang::Zh, at(0));
        assert_eq!(a, Validators::of(&("x", 1), Lang::Zh, at(0)));
        assert_ne!(a.etag, Validators::of(&("x", 2), Lang::Zh, at(0)).etag);
        assert_ne!(a.etag, Validators::of(&("x", 1), Lang::En, at(0)).etag);
        assert!(a.etag.starts_with('"') && a.etag.ends_with('"'));
    }

    #[test]
    fn if_none_match_decides_before_if_modified_since() {
        let v = Validators::of(&"x", Lang::Zh, at(30));
        assert!(v.fresh(&request(header::IF_NONE_MATCH, &v.etag)));
        assert!(v.fresh(&request(
            header::IF_NONE_MATCH,
            &format!("\"a\", W/{}", v.etag)
        )));
        assert!(!v.fresh(&request(header::IF_NONE_MATCH, "\"other\"")));
        let mut both = request(header::IF_NONE_MATCH, "\"other\"");
        both.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("Mon, 30 Nov 2026 08:00:00 GMT"),
        );
        assert!(!v.fresh(&both));
    }

    #[test]
    fn if_modified_since_compares_whole_seconds() {
        let v = Validators::of(&"x", Lang::Zh, at(30));
        let date = at(30).format(HTTP_DATE).to_string();
        assert_eq!(date, "Mon, 30 Nov 2026 07:00:30 GMT");
        assert!(v.fresh(&request(header::IF_MODIFIED_SINCE, &date)));
        assert!(!v.fresh(&request(
            header::IF_MODIFIED_SINCE,
            "Mon, 30 Nov 2026 07:00:29 GMT"
        )));
        assert!(!v.fresh(&request(header::IF_MODIFIED_SINCE, "yesterday")));
        assert!(!v.fresh(&HeaderMap::new()));
    }
}
