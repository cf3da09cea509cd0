//! The one argument of an authenticated API operation and the answers of its usual shapes
//! (read, create, update, delete), so that each operation is its storage call and nothing else.

use crate::kernel::api::ApiUser;
use crate::kernel::error::Failure;
use crate::kernel::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Json;
use minxin_storage::{Scoped, StoreError};

/// An authenticated API call with the application state; a missing or unknown token is 401,
/// as by [`ApiUser`].
pub struct ApiCall {
    /// The application state.
    pub state: AppState,
    /// The caller.
    pub user: ApiUser,
}

impl FromRequestParts<AppState> for ApiCall {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let user = ApiUser::from_request_parts(parts, state).await?;
        Ok(ApiCall {
            state: state.clone(),
            user,
        })
    }
}

impl ApiCall {
    /// Storage operations on behalf of the caller.
    pub fn store(&self) -> Scoped<'_> {
        self.user.store(&self.state)
    }
}

/// The answer of a read or an update: the record as JSON (200).
pub type Reply<T> = Result<Json<T>, Failure>;

/// The answer of a create: the new record as JSON with 201.
pub type Created<T> = Result<(StatusCode, Json<T>), Failure>;

/// The answer of a delete: 204 without a body.
pub type Removed = Result<StatusCode, Failure>;

/// A record read or written by storage as a 200 answer.
pub fn reply<T>(result: Result<T, StoreError>) -> Reply<T> {
    Ok(Json(result?))
}

/// A record created by storage as a 201 answer.
pub fn created<T>(result: Result<T, StoreError>) -> Created<T> {
    Ok((StatusCode::CREATED, Json(result?)))
}

/// A record removed by storage as a 204 answer.
pub fn removed(result: Result<(), StoreError>) -> Removed {
    result?;
    Ok(StatusCode::NO_CONTENT)
}
