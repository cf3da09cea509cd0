//! Projects through the API: the same list, filters and paging as the pages, reads, edits
//! parsed by the domain's one parse of the registry fields (every field problem at once) with
//! optimistic concurrency, lifecycle moves with their gates, milestones and the category
//! dictionary.

use crate::kernel::api::{ApiUser, JsonBody, Versioned};
use crate::kernel::error::{ErrorBody, Failure};
use crate::kernel::state::AppState;
use crate::kernel::widgets::page_request;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Json;
use minxin_domain::projects::access::may_report_progress;
use minxin_storage::org::{Category, CategoryChange, CategoryInput};
use minxin_storage::projects::{
    GateView, Milestone, MilestoneInput, ProgressInput, Project, ProjectFilter, ProjectInput,
    ProjectSummary, TransitionInput, TransitionRecord,
};
use minxin_storage::{Page, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Which page of a list.
#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// Page number from 1 (past the last page: an empty page).
    pub(crate) page: Option<String>,
    /// Rows per page (max 200, default 50).
    pub(crate) per_page: Option<String>,
}

/// Projects you may see, filtered, sorted and paged, with the total count.
#[utoipa::path(get, path = "/projects", tag = "projects", params(ProjectFilter, PageQuery),
    responses((status = 200, body = Page<ProjectSummary>)))]
async fn list_projects(
    State(state): State<AppState>,
    user: ApiUser,
    Query(filter): Query<ProjectFilter>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<ProjectSummary>>, Failure> {
    let page = page_request(page.page.as_deref(), page.per_page.as_deref())?;
    Ok(Json(
        user.store(&state).projects().list(&filter, page).await?,
    ))
}

/// Create a project (office, or department staff for their own department).
#[utoipa::path(post, path = "/projects", tag = "projects", request_body = ProjectInput,
    responses((status = 201, body = Project)))]
async fn create_project(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<ProjectInput>,
) -> Result<(StatusCode, Json<Project>), Failure> {
    let draft = input.parse().map_err(StoreError::Invalid)?;
    let project = user.store(&state).projects().create(&draft).await?;
    Ok((StatusCode::CREATED, Json(project)))
}

/// One project with partners and budget lines.
#[utoipa::path(get, path = "/projects/{id}", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = Project)))]
async fn get_project(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Project>, Failure> {
    Ok(Json(user.store(&state).projects().get(id).await?))
}

/// Edit the registry fields; send the `version` you read (409 if someone saved first).
#[utoipa::path(put, path = "/projects/{id}", tag = "projects", params(("id" = i64, Path)),
    request_body = Versioned<ProjectInput>,
    responses((status = 200, body = Project), (status = 409, body = ErrorBody)))]
async fn update_project(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Versioned<ProjectInput>>,
) -> Result<Json<Project>, Failure> {
    let draft = body.data.parse().map_err(StoreError::Invalid)?;
    Ok(Json(
        user.store(&state)
            .projects()
            .update(id, body.version, &draft)
            .await?,
    ))
}

/// Update progress only (what a project manager may change).
#[utoipa::path(put, path = "/projects/{id}/progress", tag = "projects", params(("id" = i64, Path)),
    request_body = Versioned<ProgressInput>,
    responses((status = 200, body = Project), (status = 409, body = ErrorBody)))]
async fn report_progress(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Versioned<ProgressInput>>,
) -> Result<Json<Project>, Failure> {
    let store = user.store(&state);
    // Who may not report is refused before the input's problems are read.
    if !may_report_progress(&user.actor, store.projects().get(id).await?.ownership()) {
        return Err(StoreError::Forbidden.into());
    }
    let update = body.data.parse().map_err(StoreError::Invalid)?;
    Ok(Json(
        store
            .projects()
            .report_progress(id, body.version, &update)
            .await?,
    ))
}

/// The next gate: where it leads and which conditions are met or missing.
#[utoipa::path(get, path = "/projects/{id}/gate", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = GateView)))]
async fn get_gate(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<GateView>, Failure> {
    Ok(Json(user.store(&state).projects().gate(id).await?))
}

/// The timeline of lifecycle moves, oldest first.
#[utoipa::path(get, path = "/projects/{id}/transitions", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TransitionRecord>)))]
async fn list_transitions(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<TransitionRecord>>, Failure> {
    Ok(Json(user.store(&state).projects().transitions(id).await?))
}

/// A lifecycle move and where it left the project.
#[derive(Serialize, ToSchema)]
pub struct Moved {
    /// The project afterwards.
    project: Project,
    /// The recorded transition.
    transition: TransitionRecord,
}

/// Move the project: `advance` through the next gate (400 `gate_closed` with the gate unmet),
/// `return` to an earlier stage (office, with reason), `suspend`, `resume` or `cancel`.
#[utoipa::path(post, path = "/projects/{id}/transitions", tag = "projects", params(("id" = i64, Path)),
    request_body = TransitionInput,
    responses((status = 201, body = Moved), (status = 409, body = ErrorBody)))]
async fn create_transition(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<TransitionInput>,
) -> Result<(StatusCode, Json<Moved>), Failure> {
    let (project, transition) = user.store(&state).projects().transition(id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Moved {
            project,
            transition,
        }),
    ))
}

/// The milestones of a project, in plan order.
#[utoipa::path(get, path = "/projects/{id}/milestones", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Milestone>)))]
async fn list_milestones(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Milestone>>, Failure> {
    Ok(Json(user.store(&state).projects().milestones(id).await?))
}

/// Plan a milestone (weights of a project add up to at most 100).
#[utoipa::path(post, path = "/projects/{id}/milestones", tag = "projects", params(("id" = i64, Path)),
    request_body = MilestoneInput,
    responses((status = 201, body = Milestone)))]
async fn create_milestone(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<MilestoneInput>,
) -> Result<(StatusCode, Json<Milestone>), Failure> {
    let milestone = user
        .store(&state)
        .projects()
        .add_milestone(id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(milestone)))
}

/// Edit a milestone or mark it done (`actual_date`).
#[utoipa::path(put, path = "/projects/{id}/milestones/{milestone_id}", tag = "projects",
    params(("id" = i64, Path), ("milestone_id" = i64, Path)),
    request_body = Versioned<MilestoneInput>,
    responses((status = 200, body = Milestone), (status = 409, body = ErrorBody)))]
async fn update_milestone(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, milestone_id)): Path<(i64, i64)>,
    JsonBody(body): JsonBody<Versioned<MilestoneInput>>,
) -> Result<Json<Milestone>, Failure> {
    Ok(Json(
        user.store(&state)
            .projects()
            .update_milestone(id, milestone_id, body.version, &body.data)
            .await?,
    ))
}

/// Remove a milestone from the plan.
#[utoipa::path(delete, path = "/projects/{id}/milestones/{milestone_id}", tag = "projects",
    params(("id" = i64, Path), ("milestone_id" = i64, Path)),
    responses((status = 204)))]
async fn delete_milestone(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, milestone_id)): Path<(i64, i64)>,
) -> Result<StatusCode, Failure> {
    user.store(&state)
        .projects()
        .delete_milestone(id, milestone_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The category dictionary: categories each followed by their subcategories.
#[utoipa::path(get, path = "/categories", tag = "projects",
    responses((status = 200, body = Vec<Category>)))]
async fn list_categories(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<Category>>, Failure> {
    Ok(Json(user.store(&state).org().categories().await?))
}

/// Extend the dictionary (office).
#[utoipa::path(post, path = "/categories", tag = "projects", request_body = CategoryInput,
    responses((status = 201, body = Category)))]
async fn create_category(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<CategoryInput>,
) -> Result<(StatusCode, Json<Category>), Failure> {
    let category = user.store(&state).org().create_category(&input).await?;
    Ok((StatusCode::CREATED, Json(category)))
}

/// Rename a category (office whose scope covers its region and every project using it).
#[utoipa::path(patch, path = "/categories/{id}", tag = "projects", request_body = CategoryChange,
    params(("id" = i64, Path, description = "Category id")),
    responses((status = 200, body = Category), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_category(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    JsonBody(change): JsonBody<CategoryChange>,
) -> Result<Json<Category>, Failure> {
    Ok(Json(
        user.store(&state)
            .org()
            .update_category(id, &change)
            .await?,
    ))
}

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project, update_project))
        .routes(routes!(report_progress))
        .routes(routes!(get_gate))
        .routes(routes!(list_transitions, create_transition))
        .routes(routes!(list_milestones, create_milestone))
        .routes(routes!(update_milestone, delete_milestone))
        .routes(routes!(list_categories, create_category))
        .routes(routes!(update_category))
}
