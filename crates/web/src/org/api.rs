//! Regions and departments: read within scope by every role, managed by 系统管理员.

use crate::kernel::api::{ApiUser, JsonBody, Versioned};
use crate::kernel::error::{ErrorBody, Failure};
use crate::kernel::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Json;
use minxin_storage::org::departments::{Department, DepartmentInput};
use minxin_storage::org::regions::{Region, RegionInput};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Regions in your scope, in tree order.
#[utoipa::path(get, path = "/regions", tag = "organisation",
    responses((status = 200, body = Vec<Region>)))]
async fn list_regions(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<Region>>, Failure> {
    Ok(Json(user.store(&state).org().regions().await?))
}

/// One region.
#[utoipa::path(get, path = "/regions/{id}", tag = "organisation",
    params(("id" = i64, Path)),
    responses((status = 200, body = Region)))]
async fn get_region(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Region>, Failure> {
    Ok(Json(user.store(&state).org().region(id).await?))
}

/// Create a region below one in your scope (系统管理员).
#[utoipa::path(post, path = "/regions", tag = "organisation", request_body = RegionInput,
    responses((status = 201, body = Region)))]
async fn create_region(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<RegionInput>,
) -> Result<(StatusCode, Json<Region>), Failure> {
    let region = user.store(&state).org().create_region(&input).await?;
    Ok((StatusCode::CREATED, Json(region)))
}

/// Rename a region or correct its code (系统管理员).
#[utoipa::path(put, path = "/regions/{id}", tag = "organisation", params(("id" = i64, Path)),
    request_body = Versioned<RegionInput>,
    responses((status = 200, body = Region), (status = 409, body = ErrorBody)))]
async fn update_region(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Versioned<RegionInput>>,
) -> Result<Json<Region>, Failure> {
    Ok(Json(
        user.store(&state)
            .org()
            .update_region(id, body.version, &body.data)
            .await?,
    ))
}

/// Remove an unused region (系统管理员).
#[utoipa::path(delete, path = "/regions/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 204)))]
async fn delete_region(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, Failure> {
    user.store(&state).org().delete_region(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filter of the department list.
#[derive(Deserialize, IntoParams)]
pub struct DepartmentQuery {
    /// Text in the name or code.
    q: Option<String>,
}

/// Departments in your scope.
#[utoipa::path(get, path = "/departments", tag = "organisation", params(DepartmentQuery),
    responses((status = 200, body = Vec<Department>)))]
async fn list_departments(
    State(state): State<AppState>,
    user: ApiUser,
    Query(q): Query<DepartmentQuery>,
) -> Result<Json<Vec<Department>>, Failure> {
    Ok(Json(
        user.store(&state).org().departments(q.q.as_deref()).await?,
    ))
}

/// One department.
#[utoipa::path(get, path = "/departments/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Department)))]
async fn get_department(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Department>, Failure> {
    Ok(Json(user.store(&state).org().department(id).await?))
}

/// Create a department (系统管理员).
#[utoipa::path(post, path = "/departments", tag = "organisation", request_body = DepartmentInput,
    responses((status = 201, body = Department)))]
async fn create_department(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<DepartmentInput>,
) -> Result<(StatusCode, Json<Department>), Failure> {
    let department = user.store(&state).org().create_department(&input).await?;
    Ok((StatusCode::CREATED, Json(department)))
}

/// Edit a department (系统管理员).
#[utoipa::path(put, path = "/departments/{id}", tag = "organisation", params(("id" = i64, Path)),
    request_body = Versioned<DepartmentInput>,
    responses((status = 200, body = Department), (status = 409, body = ErrorBody)))]
async fn update_department(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Versioned<DepartmentInput>>,
) -> Result<Json<Department>, Failure> {
    Ok(Json(
        user.store(&state)
            .org()
            .update_department(id, body.version, &body.data)
            .await?,
    ))
}

/// Remove a department without members (系统管理员).
#[utoipa::path(delete, path = "/departments/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 204)))]
async fn delete_department(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, Failure> {
    user.store(&state).org().delete_department(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_regions, create_region))
        .routes(routes!(get_region, update_region, delete_region))
        .routes(routes!(list_departments, create_department))
        .routes(routes!(
            get_department,
            update_department,
            delete_department
        ))
}
