//! Bulletins through the API: the months with a light snapshot, and a bulletin (month, quarter
//! or year) as data — figures in fen and basis points, reasons as data and as sentences in the
//! caller's language — generated from the snapshots only.

use super::ApiUser;
use crate::error::Failure;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Json;
use minxin_domain::control::bulletin::BulletinPeriod;
use minxin_storage::progress::snapshots::SnapshotMonth;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A red or yellow project's reasons in words.
#[derive(Serialize, ToSchema)]
pub struct ReasonTexts {
    /// The project.
    pub project_id: i64,
    /// Its code as of the snapshot.
    pub code: String,
    /// red or yellow.
    pub light: String,
    /// The reasons, worst first, in the caller's language.
    pub texts: Vec<String>,
}

/// A bulletin.
#[derive(Serialize, ToSchema)]
pub struct BulletinBody {
    /// The period: `YYYY-MM`, `YYYY-Qn` or `YYYY`.
    pub period: String,
    /// The month whose state is shown, `YYYY-MM`.
    pub closing_month: String,
    /// Everything as data: `summary` (projects, lights, stages, money in fen, `execution_bp`,
    /// reports), `departments` (red and yellow projects by lead department with reasons),
    /// `late_reports`, `ranking` (place, `score_bp`, tally), `changes` (turned red, recovered,
    /// new in the plan, deltas) and `series` (month by month, quarters and years).
    #[schema(value_type = Object)]
    pub bulletin: minxin_domain::control::bulletin::Bulletin,
    /// The reasons of every red and yellow project, in words.
    pub reasons: Vec<ReasonTexts>,
}

/// The months with a light snapshot, newest first (leaders and the office).
#[utoipa::path(get, path = "/bulletins", tag = "bulletins",
    responses((status = 200, body = Vec<SnapshotMonth>)))]
async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<SnapshotMonth>>, Failure> {
    Ok(Json(user.store(&state).snapshot_months().await?))
}

/// The bulletin of a month (`2026-10`), quarter (`2026-Q3`) or year (`2026`) for the caller's
/// region, from the monthly snapshots; 404 when no month of the period has a snapshot.
#[utoipa::path(get, path = "/bulletins/{period}", tag = "bulletins",
    params(("period" = String, Path, description = "YYYY-MM, YYYY-Qn or YYYY")),
    responses((status = 200, body = BulletinBody)))]
async fn get_bulletin(
    State(state): State<AppState>,
    user: ApiUser,
    Path(period): Path<String>,
) -> Result<Json<BulletinBody>, Failure> {
    let period: BulletinPeriod = period.parse().map_err(|_| Failure::not_found())?;
    let bulletin = user.store(&state).bulletin(period).await?;
    let reasons = bulletin
        .departments
        .iter()
        .flat_map(|d| &d.projects)
        .map(|p| ReasonTexts {
            project_id: p.project.project_id,
            code: p.project.code.clone(),
            light: p.light.code().to_owned(),
            texts: p
                .reasons
                .iter()
                .map(|r| user.lang.light_reason(r))
                .collect(),
        })
        .collect();
    Ok(Json(BulletinBody {
        period: bulletin.period.to_string(),
        closing_month: bulletin.closing_month.to_string(),
        bulletin,
        reasons,
    }))
}

/// The bulletin routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get_bulletin))
}
