//! Progress control through the API: a project's traffic light with its reasons in words, its
//! books (contracts, approvals, disbursements, payments, corrections) and its monthly reports
//! with the office's review.

use crate::kernel::api::{ApiUser, JsonBody, Versioned};
use crate::kernel::error::{ErrorBody, Failure};
use crate::kernel::i18n::Lang;
use crate::kernel::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use minxin_domain::control::finance::{ContractInput, CorrectionInput, MoneyInput};
use minxin_domain::control::light::AssessedReason;
use minxin_domain::{FieldProblem, Permission};
use minxin_storage::StoreError;
use minxin_storage::control::money::{Books, Contract, MoneyEntry};
use minxin_storage::control::reports::{Decision, ProgressReport, ReportInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// One reason of a light, as data and as a sentence.
#[derive(Serialize, ToSchema)]
pub struct LightReason {
    /// green, yellow or red: what this reason alone would show.
    pub light: String,
    /// The reason in the caller's language, e.g. 节点“主体施工”逾期 21 天.
    pub text: String,
    /// The reason as data (code plus the numbers of the sentence).
    #[schema(value_type = Object)]
    pub data: minxin_domain::control::light::Reason,
}

/// Reasons of a light with their sentences in `lang`.
pub(crate) fn worded(lang: Lang, reasons: Vec<AssessedReason>) -> Vec<LightReason> {
    reasons
        .into_iter()
        .map(|r| LightReason {
            light: r.light.code().to_owned(),
            text: lang.light_reason(&r.reason),
            data: r.reason,
        })
        .collect()
}

/// A project's traffic light (SPEC §5).
#[derive(Serialize, ToSchema)]
pub struct LightView {
    /// green, yellow or red; absent when the project is not lit (reserve, suspended, …).
    pub light: Option<String>,
    /// Why, worst first.
    pub reasons: Vec<LightReason>,
}

/// The project's traffic light with its reasons in words.
#[utoipa::path(get, path = "/projects/{id}/light", tag = "progress", params(("id" = i64, Path)),
    responses((status = 200, body = LightView)))]
async fn get_light(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<LightView>, Failure> {
    let project = user.store(&state).projects().get(id).await?;
    let reasons = worded(
        user.lang,
        project.assessment().map(|a| a.reasons).unwrap_or_default(),
    );
    Ok(Json(LightView {
        light: project.light,
        reasons,
    }))
}

/// Budget, approved, disbursed, paid and remaining per funding source; contracts; every record.
#[utoipa::path(get, path = "/projects/{id}/books", tag = "progress", params(("id" = i64, Path)),
    responses((status = 200, body = Books)))]
async fn get_books(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Books>, Failure> {
    Ok(Json(user.store(&state).control().books(id).await?))
}

/// A books input parsed for a caller who may record money: anyone else is refused (403)
/// before the input's problems are read.
async fn for_finance<T>(
    state: &AppState,
    user: &ApiUser,
    parsed: Result<T, Vec<FieldProblem>>,
) -> Result<T, Failure> {
    user.store(state).require(Permission::RecordMoney).await?;
    Ok(parsed.map_err(StoreError::Invalid)?)
}

/// Record a contract (finance).
#[utoipa::path(post, path = "/projects/{id}/contracts", tag = "progress", params(("id" = i64, Path)),
    request_body = ContractInput,
    responses((status = 201, body = Contract)))]
async fn create_contract(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ContractInput>,
) -> Result<(StatusCode, Json<Contract>), Failure> {
    let input = for_finance(&state, &user, input.parse()).await?;
    let contract = user
        .store(&state)
        .control()
        .add_contract(id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(contract)))
}

/// Record an approval, disbursement or payment (finance). Over approval or over a contract is
/// refused with the amounts in the message; over budget is recorded and turns the light red.
#[utoipa::path(post, path = "/projects/{id}/money", tag = "progress", params(("id" = i64, Path)),
    request_body = MoneyInput,
    responses((status = 201, body = MoneyEntry)))]
async fn create_money(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<MoneyInput>,
) -> Result<(StatusCode, Json<MoneyEntry>), Failure> {
    let input = for_finance(&state, &user, input.parse()).await?;
    let entry = user
        .store(&state)
        .control()
        .record_money(id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// Correct a record: a new negative record takes part or all of it back, with a reason.
#[utoipa::path(post, path = "/projects/{id}/money/{record}/corrections", tag = "progress",
    params(("id" = i64, Path), ("record" = i64, Path)), request_body = CorrectionInput,
    responses((status = 201, body = MoneyEntry)))]
async fn create_correction(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, record)): Path<(i64, i64)>,
    JsonBody(input): JsonBody<CorrectionInput>,
) -> Result<(StatusCode, Json<MoneyEntry>), Failure> {
    let input = for_finance(&state, &user, input.parse()).await?;
    let entry = user
        .store(&state)
        .control()
        .correct_money(id, record, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// The monthly reports, newest month first.
#[utoipa::path(get, path = "/projects/{id}/reports", tag = "progress", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ProgressReport>)))]
async fn list_reports(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ProgressReport>>, Failure> {
    Ok(Json(user.store(&state).control().reports(id).await?))
}

/// File a month's report, or refile one that was returned.
#[utoipa::path(post, path = "/projects/{id}/reports", tag = "progress", params(("id" = i64, Path)),
    request_body = ReportInput,
    responses((status = 201, body = ProgressReport), (status = 409, body = ErrorBody)))]
async fn file_report(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ReportInput>,
) -> Result<(StatusCode, Json<ProgressReport>), Failure> {
    let report = user.store(&state).control().file_report(id, &input).await?;
    Ok((StatusCode::CREATED, Json(report)))
}

/// The office's review of a report.
#[derive(Deserialize, ToSchema)]
pub struct ReviewInput {
    /// accept or return.
    pub decision: Decision,
    /// Required when returning: what to fix.
    #[serde(default)]
    pub comment: String,
}

/// Accept a report (it becomes the project's progress) or return it with a comment (office).
#[utoipa::path(post, path = "/projects/{id}/reports/{report}/review", tag = "progress",
    params(("id" = i64, Path), ("report" = i64, Path)), request_body = Versioned<ReviewInput>,
    responses((status = 200, body = ProgressReport), (status = 409, body = ErrorBody)))]
async fn review_report(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, report)): Path<(i64, i64)>,
    JsonBody(input): JsonBody<Versioned<ReviewInput>>,
) -> Result<Json<ProgressReport>, Failure> {
    let review = input.data;
    Ok(Json(
        user.store(&state)
            .control()
            .review_report(id, report, input.version, review.decision, &review.comment)
            .await?,
    ))
}

/// The progress routes, for the API router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_light))
        .routes(routes!(get_books))
        .routes(routes!(create_contract))
        .routes(routes!(create_money))
        .routes(routes!(create_correction))
        .routes(routes!(list_reports, file_report))
        .routes(routes!(review_report))
}
