//! The office's Open311 API keys through the API (issue 15 finding 14): the keys issued in its
//! scope, issuing one — the key is in the answer once and never again, only its digest is kept
//! — and revoking one, after which it neither posts nor reads back on `/open311`. Storage checks
//! the permission (office only) and the scope and audits every change, as for the keys page.

use crate::kernel::api::ApiCall;
use crate::kernel::api::JsonBody;
use crate::kernel::error::{ErrorBody, Failure};
use crate::kernel::state::AppState;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Json;
use minxin_storage::requests::Open311Key;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The keys issued in your scope, newest first, revoked ones included (office).
#[utoipa::path(get, path = "/open311-keys", tag = "open311",
    responses((status = 200, body = Vec<Open311Key>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn list_keys(call: ApiCall) -> Result<Json<Vec<Open311Key>>, Failure> {
    Ok(Json(call.store().requests().open311_keys().await?))
}

/// A key to issue.
#[derive(Deserialize, ToSchema)]
pub struct KeyInput {
    /// Who it is for (an app, a hotline system), at most 100 characters.
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 100, pattern = "\\S")]
    pub name: String,
}

/// A key just issued.
#[derive(Serialize, ToSchema)]
pub struct IssuedKeyView {
    /// The key to give the client as `api_key`; shown this once only.
    pub key: String,
    /// The key as it is listed from now on.
    pub listed: Open311Key,
}

/// Issue a key for your scope (office).
#[utoipa::path(post, path = "/open311-keys", tag = "open311", request_body = KeyInput,
    responses((status = 201, body = IssuedKeyView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn issue_key(
    call: ApiCall,
    JsonBody(input): JsonBody<KeyInput>,
) -> Result<(StatusCode, Json<IssuedKeyView>), Failure> {
    let issued = call
        .store()
        .requests()
        .issue_open311_key(&input.name)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedKeyView {
            key: issued.key,
            listed: issued.listed,
        }),
    ))
}

/// Revoke a key (office); revoking it again changes nothing, a key outside your scope is 404.
#[utoipa::path(delete, path = "/open311-keys/{id}", tag = "open311", params(("id" = i64, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_key(call: ApiCall, Path(id): Path<i64>) -> Result<StatusCode, Failure> {
    call.store().requests().revoke_open311_key(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The key routes, for the API router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, issue_key))
        .routes(routes!(revoke_key))
}
