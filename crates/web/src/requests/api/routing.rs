//! The office's routing of service requests through the API (issue 15 finding 14): the
//! community boundaries in its scope, and the rules by category and boundary that send a new
//! request straight to a department — listed, added and removed. Storage checks the permission
//! and the scope and audits every change, as for the routing page.

use crate::kernel::api::ApiCall;
use crate::kernel::api::JsonBody;
use crate::kernel::error::{ErrorBody, Failure};
use crate::kernel::state::AppState;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Json;
use minxin_storage::requests::{CommunityBoundary, NewRule, RuleListing};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The community boundaries in your scope, by region code (office).
#[utoipa::path(get, path = "/requests/routing/boundaries", tag = "requests",
    responses((status = 200, body = Vec<CommunityBoundary>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn list_boundaries(call: ApiCall) -> Result<Json<Vec<CommunityBoundary>>, Failure> {
    Ok(Json(call.store().requests().community_boundaries().await?))
}

/// The routing rules in your scope, oldest first (office).
#[utoipa::path(get, path = "/requests/routing/rules", tag = "requests",
    responses((status = 200, body = Vec<RuleListing>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn list_rules(call: ApiCall) -> Result<Json<Vec<RuleListing>>, Failure> {
    Ok(Json(call.store().requests().routing_rules().await?))
}

/// A new routing rule.
#[derive(Deserialize, ToSchema)]
pub struct RuleInput {
    /// The category's code; absent for any category.
    pub category: Option<String>,
    /// The boundary's region id; absent for anywhere (only for an office covering the whole
    /// region tree).
    pub boundary: Option<i64>,
    /// The department requests go to.
    #[schema(required = true, value_type = i64)]
    pub department: Option<i64>,
}

/// Add a rule (office): a category that exists, a boundary and a department in your scope,
/// and no rule for the same category and boundary yet; each problem names its field.
#[utoipa::path(post, path = "/requests/routing/rules", tag = "requests", request_body = RuleInput,
    responses((status = 201, body = RuleListing), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_rule(
    call: ApiCall,
    JsonBody(input): JsonBody<RuleInput>,
) -> Result<(StatusCode, Json<RuleListing>), Failure> {
    let rule = NewRule {
        category: input
            .category
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty()),
        boundary: input.boundary,
        // No department matches 0, so storage names the field.
        department: input.department.unwrap_or(0),
    };
    let listed = call.store().requests().add_routing_rule(&rule).await?;
    Ok((StatusCode::CREATED, Json(listed)))
}

/// Remove a rule (office); a rule outside your scope is 404.
#[utoipa::path(delete, path = "/requests/routing/rules/{id}", tag = "requests",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_rule(call: ApiCall, Path(id): Path<i64>) -> Result<StatusCode, Failure> {
    call.store().requests().delete_routing_rule(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routing routes, for the API router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_boundaries))
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(delete_rule))
}
