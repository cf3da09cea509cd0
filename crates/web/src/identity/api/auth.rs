//! Tokens: obtain one with a user name and password, list and revoke your own, and see who you
//! are.

use crate::kernel::api::ApiCall;
use crate::kernel::api::{ApiClient, ApiUser, JsonBody};
use crate::kernel::error::{ErrorBody, Failure};
use crate::kernel::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use chrono::{DateTime, Utc};
use minxin_storage::identity::auth::{ApiToken, Attempt, SignInError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Credentials for a new token.
#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    /// User name.
    username: String,
    /// Password.
    password: String,
    /// A label for the token, e.g. the script that uses it.
    #[serde(default = "default_name")]
    name: String,
    /// Current one-time code, for accounts with a second factor.
    #[serde(default)]
    totp: Option<String>,
}

fn default_name() -> String {
    "api".into()
}

/// A newly issued token; the secret is shown only this once.
#[derive(Serialize, ToSchema)]
pub struct TokenIssued {
    /// The bearer token.
    token: String,
    /// Token id, for revocation.
    id: i64,
    /// Expiry.
    expires_at: DateTime<Utc>,
}

/// Issue a bearer token.
#[utoipa::path(post, path = "/auth/token", tag = "auth", security(),
    request_body = TokenRequest,
    responses(
        (status = 201, body = TokenIssued),
        (status = 401, body = ErrorBody, description = "wrong user name or password, or a one-time code needed"),
        (status = 403, body = ErrorBody, description = "password change required or account disabled"),
        (status = 429, body = ErrorBody, description = "locked after repeated failures"),
    ))]
async fn create_token(
    State(state): State<AppState>,
    client: ApiClient,
    JsonBody(body): JsonBody<TokenRequest>,
) -> Result<(StatusCode, Json<TokenIssued>), Failure> {
    minxin_storage::Auth::check_form(&body.username, &body.password)?;
    let attempt = Attempt {
        username: &body.username,
        password: &body.password,
        address: &client.address,
        user_agent: &client.user_agent,
    };
    match state
        .store
        .auth()
        .issue_token(&attempt, &body.name, body.totp.as_deref())
        .await
    {
        Ok((token, row)) => Ok((
            StatusCode::CREATED,
            Json(TokenIssued {
                token,
                id: row.id,
                expires_at: row.expires_at,
            }),
        )),
        Err(e) => Err(match e {
            SignInError::BadCredentials => {
                Failure::new(StatusCode::UNAUTHORIZED, "bad_credentials")
            }
            SignInError::AccountLocked(_) | SignInError::AddressLocked(_) => {
                Failure::new(StatusCode::TOO_MANY_REQUESTS, "locked")
            }
            SignInError::Disabled => Failure::new(StatusCode::FORBIDDEN, "disabled"),
            SignInError::PasswordChangeRequired => {
                Failure::new(StatusCode::FORBIDDEN, "password_change_required")
            }
            SignInError::SecondFactorRequired => {
                Failure::new(StatusCode::UNAUTHORIZED, "totp_required")
            }
            SignInError::Store(e) => e.into(),
        }),
    }
}

/// List your tokens (never their secrets).
#[utoipa::path(get, path = "/auth/tokens", tag = "auth",
    responses((status = 200, body = Vec<ApiToken>)))]
async fn list_tokens(call: ApiCall) -> Result<Json<Vec<ApiToken>>, Failure> {
    Ok(Json(
        call.state.store.auth().tokens(&call.user.actor).await?,
    ))
}

/// Revoke one of your tokens.
#[utoipa::path(delete, path = "/auth/tokens/{id}", tag = "auth",
    params(("id" = i64, Path, description = "token id")),
    responses((status = 204)))]
async fn revoke_token(call: ApiCall, Path(id): Path<i64>) -> Result<StatusCode, Failure> {
    call.state
        .store
        .auth()
        .revoke_token(&call.user.actor, id, &call.user.address)
        .await?;
    call.state.tokens.clear();
    Ok(StatusCode::NO_CONTENT)
}

/// Who the token belongs to.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// Account id.
    account_id: i64,
    /// User name.
    username: String,
    /// Role codes.
    roles: Vec<String>,
    /// Path of the scope's root region, if any.
    scope_region_path: Option<String>,
    /// Departments the scope is narrowed to.
    scope_departments: Vec<i64>,
}

/// The calling account, its roles and data scope.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = Me)))]
async fn me(user: ApiUser) -> Json<Me> {
    Json(Me {
        account_id: user.actor.account_id,
        username: user.actor.username.clone(),
        roles: user
            .actor
            .roles
            .iter()
            .map(|r| r.code().to_owned())
            .collect(),
        scope_region_path: user.actor.scope.region_path.clone(),
        scope_departments: user.actor.scope.departments.clone(),
    })
}

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_token))
        .routes(routes!(list_tokens))
        .routes(routes!(revoke_token))
        .routes(routes!(me))
}
