//! The leader dashboard's figures through the API, with the red projects' reasons worded in
//! the caller's language. The `/dashboard` page shows the same figures.

use super::progress::{LightReason, worded};
use crate::kernel::api::ApiUser;
use crate::kernel::error::{ErrorBody, Failure};
use crate::kernel::i18n::Lang;
use crate::kernel::state::AppState;
use axum::extract::{Query, State};
use axum::response::Json;
use chrono::NaiveDate;
use minxin_storage::Scoped;
use minxin_storage::control::dashboard::{Dashboard, DashboardQuery};
use minxin_storage::requests::{RequestFigures, RequestStatsFilter};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A red project with its reasons in words.
#[derive(Serialize, ToSchema)]
pub struct RedProjectView {
    /// Project id.
    pub id: i64,
    /// Project code.
    pub code: String,
    /// Project name.
    pub name: String,
    /// Lead department.
    pub department: String,
    /// Why it is red, worst first.
    pub reasons: Vec<LightReason>,
}

/// The dashboard's figures with the red projects' reasons in words.
#[derive(Serialize, ToSchema)]
pub struct DashboardView {
    /// The figures.
    #[serde(flatten)]
    pub figures: Dashboard,
    /// Red projects by code, at most 50 (the count is `lights.red`).
    pub red_projects: Vec<RedProjectView>,
    /// Service requests received in the plan year in the same region: the three rates and
    /// what is overdue now (the figures of `/requests/stats`).
    pub requests: RequestFigures,
}

impl DashboardView {
    /// The figures with the reasons worded in `lang`, and the service requests of the same
    /// region and year read through `store` at `now`.
    pub async fn read(
        store: &Scoped<'_>,
        query: &DashboardQuery,
        now: chrono::DateTime<chrono::Utc>,
        lang: Lang,
    ) -> Result<Self, Failure> {
        let figures = store.control().dashboard(query).await?;
        let requests = store
            .requests()
            .figures(&request_filter(&figures), now)
            .await?;
        Ok(Self::new(figures, requests, lang))
    }

    fn new(mut figures: Dashboard, requests: RequestFigures, lang: Lang) -> Self {
        let red_projects = std::mem::take(&mut figures.red_projects)
            .into_iter()
            .map(|p| RedProjectView {
                id: p.id,
                code: p.code,
                name: p.name,
                department: p.department,
                reasons: worded(lang, p.reasons),
            })
            .collect();
        DashboardView {
            figures,
            red_projects,
            requests,
        }
    }
}

/// The requests the dashboard's card counts: those received in its plan year in its region.
pub fn request_filter(figures: &Dashboard) -> RequestStatsFilter {
    RequestStatsFilter {
        from: NaiveDate::from_ymd_opt(figures.year, 1, 1),
        to: NaiveDate::from_ymd_opt(figures.year, 12, 31),
        region_id: figures.region_id,
        ..RequestStatsFilter::default()
    }
}

/// The leader dashboard of a region (leader, office): projects by stage and light, investment
/// by funding source, monthly reports of the last month due, red projects with reasons, the
/// department ranking and the monthly trends.
#[utoipa::path(get, path = "/dashboard", tag = "dashboard", params(DashboardQuery),
    responses((status = 200, body = DashboardView),
        (status = 404, body = ErrorBody, description = "no such region in your scope")))]
async fn get_dashboard(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<DashboardQuery>,
) -> Result<Json<DashboardView>, Failure> {
    let store = user.store(&state);
    let view = DashboardView::read(&store, &query, state.clock.now(), user.lang).await?;
    Ok(Json(view))
}

/// The dashboard route.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_dashboard))
}
