//! Regions and departments: read within scope by every role, managed by 系统管理员.

use crate::kernel::api::{
    ApiCall, Created, JsonBody, Removed, Reply, Versioned, created, removed, reply,
};
use crate::kernel::error::ErrorBody;
use crate::kernel::state::AppState;
use axum::extract::{Path, Query};
use minxin_storage::org::departments::{Department, DepartmentInput};
use minxin_storage::org::regions::{Region, RegionInput};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Regions in your scope, in tree order.
#[utoipa::path(get, path = "/regions", tag = "organisation",
    responses((status = 200, body = Vec<Region>)))]
async fn list_regions(call: ApiCall) -> Reply<Vec<Region>> {
    reply(call.store().org().regions().await)
}

/// One region.
#[utoipa::path(get, path = "/regions/{id}", tag = "organisation",
    params(("id" = i64, Path)),
    responses((status = 200, body = Region)))]
async fn get_region(call: ApiCall, Path(id): Path<i64>) -> Reply<Region> {
    reply(call.store().org().region(id).await)
}

/// Create a region below one in your scope (系统管理员).
#[utoipa::path(post, path = "/regions", tag = "organisation", request_body = RegionInput,
    responses((status = 201, body = Region)))]
async fn create_region(call: ApiCall, JsonBody(input): JsonBody<RegionInput>) -> Created<Region> {
    created(call.store().org().create_region(&input).await)
}

/// Rename a region or correct its code (系统管理员).
#[utoipa::path(put, path = "/regions/{id}", tag = "organisation", params(("id" = i64, Path)),
    request_body = Versioned<RegionInput>,
    responses((status = 200, body = Region), (status = 409, body = ErrorBody)))]
async fn update_region(
    call: ApiCall,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Versioned<RegionInput>>,
) -> Reply<Region> {
    reply(
        call.store()
            .org()
            .update_region(id, body.version, &body.data)
            .await,
    )
}

/// Remove an unused region (系统管理员).
#[utoipa::path(delete, path = "/regions/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 204)))]
async fn delete_region(call: ApiCall, Path(id): Path<i64>) -> Removed {
    removed(call.store().org().delete_region(id).await)
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
    call: ApiCall,
    Query(q): Query<DepartmentQuery>,
) -> Reply<Vec<Department>> {
    reply(call.store().org().departments(q.q.as_deref()).await)
}

/// One department.
#[utoipa::path(get, path = "/departments/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Department)))]
async fn get_department(call: ApiCall, Path(id): Path<i64>) -> Reply<Department> {
    reply(call.store().org().department(id).await)
}

/// Create a department (系统管理员).
#[utoipa::path(post, path = "/departments", tag = "organisation", request_body = DepartmentInput,
    responses((status = 201, body = Department)))]
async fn create_department(
    call: ApiCall,
    JsonBody(input): JsonBody<DepartmentInput>,
) -> Created<Department> {
    created(call.store().org().create_department(&input).await)
}

/// Edit a department (系统管理员).
#[utoipa::path(put, path = "/departments/{id}", tag = "organisation", params(("id" = i64, Path)),
    request_body = Versioned<DepartmentInput>,
    responses((status = 200, body = Department), (status = 409, body = ErrorBody)))]
async fn update_department(
    call: ApiCall,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Versioned<DepartmentInput>>,
) -> Reply<Department> {
    reply(
        call.store()
            .org()
            .update_department(id, body.version, &body.data)
            .await,
    )
}

/// Remove a department without members (系统管理员).
#[utoipa::path(delete, path = "/departments/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 204)))]
async fn delete_department(call: ApiCall, Path(id): Path<i64>) -> Removed {
    removed(call.store().org().delete_department(id).await)
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
