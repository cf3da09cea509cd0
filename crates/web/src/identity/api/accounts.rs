//! Accounts: 系统管理员 creates and edits them; 安全管理员 sets their roles and scope.

use crate::kernel::api::ApiCall;
use crate::kernel::api::{JsonBody, Versioned};
use crate::kernel::error::{ErrorBody, Failure};
use crate::kernel::state::AppState;
use crate::kernel::widgets::{optional_id, page_request, parsed};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Json;
use minxin_storage::Page;
use minxin_storage::identity::accounts::{AccessInput, Account, AccountFilter, AccountInput};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Filter and page of the account list.
#[derive(Deserialize, IntoParams)]
pub struct AccountQuery {
    /// Text in user name, name or phone.
    q: Option<String>,
    /// Only this department.
    department_id: Option<String>,
    /// Page number from 1 (past the last page: an empty page).
    page: Option<String>,
    /// Rows per page (max 200).
    per_page: Option<String>,
}

/// Accounts in your scope (系统管理员, 安全管理员).
#[utoipa::path(get, path = "/accounts", tag = "accounts", params(AccountQuery),
    responses((status = 200, body = Page<Account>)))]
async fn list_accounts(
    call: ApiCall,
    Query(q): Query<AccountQuery>,
) -> Result<Json<Page<Account>>, Failure> {
    let mut problems = Vec::new();
    let department_id = optional_id(
        "department_id",
        q.department_id.as_deref().unwrap_or_default(),
        &mut problems,
    );
    let filter = parsed(
        AccountFilter {
            text: q.q,
            department_id,
        },
        problems,
    )?;
    let page = page_request(q.page.as_deref(), q.per_page.as_deref())?;
    Ok(Json(call.store().identity().accounts(&filter, page).await?))
}

/// One account.
#[utoipa::path(get, path = "/accounts/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 200, body = Account)))]
async fn get_account(call: ApiCall, Path(id): Path<i64>) -> Result<Json<Account>, Failure> {
    Ok(Json(call.store().identity().account(id).await?))
}

/// A new account with its temporary password.
#[derive(Deserialize, ToSchema)]
pub struct NewAccount {
    /// Account details.
    #[serde(flatten)]
    account: AccountInput,
    /// Temporary password, to be changed at first sign-in.
    password: String,
}

/// Create an account (系统管理员). It has no roles until 安全管理员 grants them.
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = NewAccount,
    responses((status = 201, body = Account)))]
async fn create_account(
    call: ApiCall,
    JsonBody(body): JsonBody<NewAccount>,
) -> Result<(StatusCode, Json<Account>), Failure> {
    let account = call
        .store()
        .identity()
        .create_account(&body.account, &body.password)
        .await?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// Edit or disable an account (系统管理员).
#[utoipa::path(put, path = "/accounts/{id}", tag = "accounts", params(("id" = i64, Path)),
    request_body = Versioned<AccountInput>,
    responses((status = 200, body = Account), (status = 409, body = ErrorBody)))]
async fn update_account(
    call: ApiCall,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Versioned<AccountInput>>,
) -> Result<Json<Account>, Failure> {
    let account = call
        .store()
        .identity()
        .update_account(id, body.version, &body.data)
        .await?;
    call.state.tokens.clear();
    Ok(Json(account))
}

/// A temporary password set by an administrator.
#[derive(Deserialize, ToSchema)]
pub struct PasswordReset {
    /// The temporary password.
    password: String,
}

/// Reset an account's password; the owner must change it at next sign-in (系统管理员).
#[utoipa::path(post, path = "/accounts/{id}/password", tag = "accounts", params(("id" = i64, Path)),
    request_body = PasswordReset,
    responses((status = 204)))]
async fn reset_password(
    call: ApiCall,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<PasswordReset>,
) -> Result<StatusCode, Failure> {
    call.store()
        .identity()
        .reset_password(id, &body.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Set an account's roles and data scope (安全管理员).
#[utoipa::path(put, path = "/accounts/{id}/access", tag = "accounts", params(("id" = i64, Path)),
    request_body = Versioned<AccessInput>,
    responses((status = 200, body = Account), (status = 409, body = ErrorBody)))]
async fn set_access(
    call: ApiCall,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Versioned<AccessInput>>,
) -> Result<Json<Account>, Failure> {
    let account = call
        .store()
        .identity()
        .set_access(id, body.version, &body.data)
        .await?;
    call.state.tokens.clear();
    Ok(Json(account))
}

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account, update_account))
        .routes(routes!(reset_password))
        .routes(routes!(set_access))
}
