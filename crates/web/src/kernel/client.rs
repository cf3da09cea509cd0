//! Who is on the other end of a request: source address, language and browser, independent of
//! whether anyone is signed in.

use crate::kernel::i18n::Lang;
use crate::kernel::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum_extra::extract::CookieJar;
use std::convert::Infallible;
use std::net::SocketAddr;

/// Name of the cookie holding the chosen interface language.
pub const LANG_COOKIE: &str = "minxin_lang";

/// The requesting client.
#[derive(Debug, Clone)]
pub struct Client {
    /// Source address, for lockouts and the audit log.
    pub address: String,
    /// Interface language: the language cookie, else Chinese.
    pub lang: Lang,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// The request's cookies.
    pub cookies: CookieJar,
}

/// The source address of a request: the peer, or the last `X-Forwarded-For` hop when the
/// deployment says a trusted proxy sets it.
pub fn address(parts: &Parts, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for
        && let Some(hop) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return hop.chars().take(64).collect();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |ConnectInfo(a)| a.ip().to_string())
}

/// The page language chosen by cookie; Chinese unless the user picked English.
pub fn page_lang(headers: &HeaderMap) -> Lang {
    CookieJar::from_headers(headers)
        .get(LANG_COOKIE)
        .and_then(|c| Lang::from_tag(c.value()))
        .unwrap_or_default()
}

/// The API language: `Accept-Language`, else the cookie, else Chinese.
pub fn api_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|part| Lang::from_tag(part.split(';').next().unwrap_or("")))
        })
        .unwrap_or_else(|| page_lang(headers))
}

impl FromRequestParts<AppState> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Client {
            address: address(parts, state.config.trust_forwarded_for),
            lang: page_lang(&parts.headers),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .chars()
                .take(256)
                .collect(),
            cookies: CookieJar::from_headers(&parts.headers),
        })
    }
}
