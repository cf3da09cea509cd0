//! Open311 GeoReport v2 at `/open311/v2` (issue 6, item 8): `discovery`, `services`,
//! `services/{code}`, `requests` (GET and POST), `requests/{id}` and `tokens/{token}`, each as
//! `.json` or `.xml`. Handlers only parse parameters and render answers (`format.rs`, errors in
//! `errors.rs`); the checks, the intake and what may be shown are storage's
//! (`Store::open311`). No cookies, so no CSRF: a POST is authorised by its `api_key` alone.

mod errors;
mod format;
mod requests;
mod services;

pub use errors::Open311Error;
pub use format::Format;
use format::Node;

use crate::kernel::client::{address, api_lang};
use crate::kernel::i18n::Lang;
use crate::kernel::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use std::collections::BTreeMap;

/// One call: the resource named in the path, its format, its parameters and the caller.
pub(crate) struct Call {
    /// The resource without its extension (`requests`, `road`, `17`).
    stem: String,
    /// The format asked for.
    format: Format,
    /// Query (and for a POST, body) parameters.
    params: Params,
    /// The query string as sent (the key of cached answers).
    query: String,
    /// The language of error descriptions and names.
    lang: Lang,
    /// The caller's address.
    address: String,
}

/// Reads the resource's path segment (`services.json`) and the query — an unknown extension is
/// 404 in XML, the spec's own format — and, except for a POST (whose body holds the rest of its
/// parameters, checked with them), checks the jurisdiction.
impl FromRequestParts<AppState> for Call {
    type Rejection = Open311Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Call, Open311Error> {
        let lang = api_lang(&parts.headers);
        let file = Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(f)| f)
            .unwrap_or_default();
        let (stem, format) = file
            .rsplit_once('.')
            .and_then(|(stem, ext)| Some((stem.to_owned(), Format::of_extension(ext)?)))
            .ok_or_else(|| {
                Open311Error::not_found(Format::Xml, lang, "open311.no_resource", &file)
            })?;
        let query = parts.uri.query().unwrap_or_default().to_owned();
        let call = Call {
            stem,
            format,
            params: Params::parse(&query),
            query,
            lang,
            address: address(parts, state.config.trust_forwarded_for),
        };
        if parts.method != Method::POST {
            call.check_jurisdiction(state).await?;
        }
        Ok(call)
    }
}

impl Call {
    /// An error in this call's format.
    fn not_found(&self, key: &str, value: &str) -> Open311Error {
        Open311Error::not_found(self.format, self.lang, key, value)
    }

    /// Refuses a `jurisdiction_id` other than the one served (an absent one is fine: this
    /// endpoint serves a single jurisdiction).
    async fn check_jurisdiction(&self, state: &AppState) -> Result<(), Open311Error> {
        let Some(asked) = self.params.get("jurisdiction_id") else {
            return Ok(());
        };
        if asked == jurisdiction(state).await.map_err(|e| self.store(e))? {
            Ok(())
        } else {
            Err(self.not_found("open311.no_jurisdiction", &asked))
        }
    }

    /// The key of `api_key`, `None` when none is given; 403 when it is not a valid key.
    async fn key(&self, state: &AppState) -> Result<Option<i64>, Open311Error> {
        let Some(key) = self.params.get("api_key") else {
            return Ok(None);
        };
        match state.store.open311(&self.address).key(&key).await {
            Ok(Some(id)) => Ok(Some(id)),
            Ok(None) => Err(self.forbidden("open311.api_key_invalid")),
            Err(e) => Err(self.store(e)),
        }
    }

    /// 403 with the message `key`.
    fn forbidden(&self, key: &str) -> Open311Error {
        Open311Error::new(self.format, StatusCode::FORBIDDEN, self.lang.t(key))
    }

    /// A storage failure in this call's format.
    fn store(&self, error: minxin_storage::StoreError) -> Open311Error {
        Open311Error::store(self.format, self.lang, error)
    }
}

/// The jurisdiction served: the configured id, else the root region's code (read once).
pub async fn jurisdiction(state: &AppState) -> Result<String, minxin_storage::StoreError> {
    let open311 = &state.open311;
    if let Some(configured) = &open311.configured {
        return Ok(configured.clone());
    }
    if let Some(root) = open311.root.get() {
        return Ok(root.clone());
    }
    let root = state.store.open311("").root_code().await?;
    Ok(open311.root.get_or_init(|| root).clone())
}

/// Form or query parameters in the order sent. A parameter given more than once reads as its
/// values joined by commas, as the spec allows for lists.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// `text` as `application/x-www-form-urlencoded` (bytes that are not UTF-8 read as U+FFFD).
    fn parse(text: &str) -> Params {
        Params(serde_urlencoded::from_str::<Vec<(String, String)>>(text).unwrap_or_default())
    }

    /// Adds the parameters of `other` (a POST's body to its query string).
    fn join(&mut self, other: Params) {
        self.0.extend(other.0);
    }

    /// The non-empty value(s) of `name` (an empty parameter counts as absent).
    fn get(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    }

    /// `name`'s value, or empty text.
    fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default()
    }

    /// `attribute[code]=value` (and `attribute[code][]=…` for several values), by code.
    fn attributes(&self) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in &self.0 {
            let Some(code) = name
                .strip_prefix("attribute[")
                .map(|rest| rest.trim_end_matches("[]"))
                .and_then(|rest| rest.strip_suffix(']'))
            else {
                continue;
            };
            out.entry(code.to_owned())
                .and_modify(|v| {
                    v.push(',');
                    v.push_str(value);
                })
                .or_insert_with(|| value.clone());
        }
        out
    }
}

/// GET `/open311/v2/{resource}.{format}`: discovery, the service list or the request list.
async fn root(
    State(state): State<AppState>,
    headers: HeaderMap,
    call: Call,
) -> Result<Response, Open311Error> {
    match call.stem.as_str() {
        "discovery" => Ok(services::discovery(&state, &call)),
        "services" => services::list(&state, &call).await,
        "requests" => requests::list(&state, &call, &headers).await,
        other => Err(call.not_found("open311.no_resource", other)),
    }
}

/// Any other path under `/open311/v2`.
async fn unknown(headers: HeaderMap) -> Open311Error {
    Open311Error::not_found(Format::Xml, api_lang(&headers), "open311.no_resource", "")
}

/// The Open311 routes, to be nested at `/open311/v2`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{file}", get(root).post(requests::post))
        .route("/services/{file}", get(services::definition))
        .route("/requests/{file}", get(requests::one))
        .route("/tokens/{file}", get(requests::token))
        .fallback(unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_join_and_attributes_are_read_by_code() {
        let p = Params::parse(
            "status=open&status=closed&service_code=&attribute%5Bproject%5D=2026-MX-0042\
             &attribute[kinds][]=a&attribute[kinds][]=b",
        );
        assert_eq!(p.get("status").as_deref(), Some("open,closed"));
        assert_eq!(p.get("service_code"), None, "empty is absent");
        let attributes = p.attributes();
        assert_eq!(attributes["project"], "2026-MX-0042");
        assert_eq!(attributes["kinds"], "a,b");
    }
}
