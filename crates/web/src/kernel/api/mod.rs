//! The JSON API under `/api/v1`. Clients authenticate with bearer tokens (no cookies, so no
//! CSRF exposure); errors are `{ "code", "message", "fields" }` in the caller's
//! `Accept-Language`. The OpenAPI document is generated from the handlers' annotations. This is
//! what every context's API shares — the callers, the JSON body and parameter readers, the
//! document's description and the error answers added to every operation (`responses.rs`);
//! the one argument of an operation and the answers of its usual shapes (`call.rs`); each
//! context's `api` module holds its operations, and `lib.rs` merges them.

mod call;
mod responses;

pub use call::{ApiCall, Created, Removed, Reply, created, removed, reply};

use crate::kernel::client::{address, api_lang};
use crate::kernel::error::{Failure, render_api_failures};
use crate::kernel::i18n::Lang;
use crate::kernel::state::AppState;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::Json;
use axum::routing::get;
use minxin_domain::Actor;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

/// An authenticated API caller.
pub struct ApiUser {
    /// Who is calling.
    pub actor: Actor,
    /// Source address.
    pub address: String,
    /// Language for messages.
    pub lang: Lang,
}

/// The caller's source address and language, for routes that need no token.
pub struct ApiClient {
    /// Source address.
    pub address: String,
    /// Language for messages.
    pub lang: Lang,
    /// User agent.
    pub user_agent: String,
}

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        Ok(ApiClient {
            address: address(parts, state.config.trust_forwarded_for),
            lang: api_lang(&parts.headers),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned(),
        })
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or_else(Failure::unauthorized)?;
        let actor = match state.tokens.get(token) {
            Some(actor) => actor,
            None => {
                let actor = state
                    .store
                    .auth()
                    .token_actor(token)
                    .await?
                    .ok_or_else(Failure::unauthorized)?;
                state.tokens.put(token, &actor);
                actor
            }
        };
        Ok(ApiUser {
            actor,
            address: address(parts, state.config.trust_forwarded_for),
            lang: api_lang(&parts.headers),
        })
    }
}

impl ApiUser {
    /// Storage operations on behalf of this caller.
    pub fn store<'a>(&'a self, state: &'a AppState) -> minxin_storage::Scoped<'a> {
        state.store.scoped(&self.actor, &self.address)
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Minxin 民心 API",
        description = "Livelihood project management. Authenticate with `POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`. Errors are `{ code, message, fields }`; messages follow `Accept-Language` (zh-CN by default, en). Unknown properties of a JSON body are ignored.",
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
struct ApiDoc;

/// An API router holding only the document's description, servers and bearer security, into
/// which the composition root merges every context's routes.
pub fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
}

/// The merged routes and their OpenAPI document, with the error answers every operation shares.
pub fn split(routes: OpenApiRouter<AppState>) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = routes.split_for_parts();
    responses::document_common_errors(&mut doc);
    (router, doc)
}

/// The API routes plus `/openapi.json` serving their document, with the API's 404 and failures
/// rendered as JSON.
pub fn serve(router: Router<AppState>, doc: utoipa::openapi::OpenApi) -> Router<AppState> {
    let doc = std::sync::Arc::new(doc);
    router
        .route(
            "/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(|| async { Failure::not_found() })
        .layer(axum::middleware::from_fn(render_api_failures))
}

/// An edit of a record at a known version (optimistic concurrency: a stale version is
/// refused with 409).
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct Versioned<T> {
    /// The version the client read.
    pub version: i64,
    /// The new values.
    #[serde(flatten)]
    pub data: T,
}

/// A query parameter read by `parse`: absent when missing or blank, and when given but
/// unreadable, absent with a problem named after it, so a route reports every bad parameter
/// at once.
pub(crate) fn parameter<T>(
    field: &'static str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    problems: &mut Vec<minxin_domain::FieldProblem>,
) -> Option<T> {
    let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
    let parsed = parse(raw);
    if parsed.is_none() {
        problems.push(minxin_domain::FieldProblem::new(
            field,
            minxin_domain::Problem::Malformed,
        ));
    }
    parsed
}

/// Parses a JSON body, answering in the caller's language instead of axum's plain text: 415
/// without a JSON content type, 413 over the body limit, and 400 `bad_request` for a body that
/// is not JSON or not of the documented shape — one status for "this body cannot be read", as
/// for a field a rule refuses (400 `invalid`), rather than axum's 422 for some shapes.
pub struct JsonBody<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Failure;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Failure> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(rejection) => {
                tracing::debug!(%rejection, "bad JSON body");
                let status = match rejection.status() {
                    s @ (StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::PAYLOAD_TOO_LARGE) => s,
                    _ => StatusCode::BAD_REQUEST,
                };
                Err(Failure::new(status, "bad_request"))
            }
        }
    }
}
