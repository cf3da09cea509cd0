//! The bulletins (通报) for leaders and the office: the months with a snapshot and the quarters
//! and years they make up, a form for the office to take the month just finished, and each
//! bulletin as a printable page, an .xlsx workbook and a .docx document — all three generated
//! from the snapshots only, in the same words ([`view::View`]).

mod docx;
pub mod view;
mod xlsx;

use crate::kernel::chrome::Chrome;
use crate::kernel::disposition::download;
use crate::kernel::download::xlsx_response;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Input, permit, scoped};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use minxin_domain::control::bulletin::{self, BulletinPeriod};
use minxin_domain::control::report::ReportPeriod;
use minxin_domain::kernel::time::format_local;
use minxin_domain::{FieldProblem, Permission, Problem};
use minxin_storage::StoreError;
use minxin_storage::control::lights::today;
use serde::Deserialize;
use view::{RANKING_HEADERS, SERIES_HEADERS, View};

/// The media type of .docx files.
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Routes of the bulletin pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/bulletins", get(index).post(take))
        .route("/bulletins/{file}", get(show))
}

/// A link to a bulletin.
pub struct PeriodLink {
    /// The period code, e.g. `2026-Q3`.
    pub code: String,
    /// The period in words.
    pub label: String,
}

/// A month taken, as listed.
pub struct MonthLine {
    /// The link to its bulletin.
    pub link: PeriodLink,
    /// Projects copied.
    pub projects: i64,
    /// Who took it.
    pub taken_by: String,
    /// When, Beijing time.
    pub taken_at: String,
}

#[derive(Template)]
#[template(path = "bulletins.html")]
struct IndexPage {
    c: Chrome,
    errors: FormErrors,
    months: Vec<MonthLine>,
    quarters: Vec<PeriodLink>,
    years: Vec<PeriodLink>,
    /// The month the office may take now, with its form value, when not taken yet.
    due: Option<PeriodLink>,
    may_take: bool,
    period: String,
}

fn link(lang: crate::kernel::i18n::Lang, period: BulletinPeriod) -> PeriodLink {
    PeriodLink {
        code: period.to_string(),
        label: lang.bulletin_period(period),
    }
}

async fn index_page(
    state: &AppState,
    s: &Signed,
    errors: FormErrors,
    period: Option<String>,
) -> Result<Response, Failure> {
    let lang = s.client.lang;
    let taken = scoped(state, s).control().snapshot_months().await?;
    let months: Vec<ReportPeriod> = taken.iter().filter_map(|m| m.period.parse().ok()).collect();
    let mut quarters: Vec<BulletinPeriod> = months
        .iter()
        .map(|m| BulletinPeriod::Quarter {
            year: m.year(),
            quarter: (m.month() - 1) / 3 + 1,
        })
        .collect();
    quarters.dedup();
    let mut years: Vec<BulletinPeriod> = months
        .iter()
        .map(|m| BulletinPeriod::Year(m.year()))
        .collect();
    years.dedup();
    let due = bulletin::snapshot_month(today(state.clock.now())).filter(|m| !months.contains(m));
    let page = IndexPage {
        c: Chrome::signed(state, s, "/bulletins"),
        errors,
        months: taken
            .iter()
            .zip(&months)
            .map(|(t, m)| MonthLine {
                link: link(lang, BulletinPeriod::Month(*m)),
                projects: t.projects,
                taken_by: t.taken_by.clone(),
                taken_at: format_local(t.taken_at),
            })
            .collect(),
        quarters: quarters.into_iter().map(|q| link(lang, q)).collect(),
        years: years.into_iter().map(|y| link(lang, y)).collect(),
        period: period
            .or_else(|| due.map(|m| m.to_string()))
            .unwrap_or_default(),
        due: due.map(|m| link(lang, BulletinPeriod::Month(m))),
        may_take: s.session.actor.may(Permission::ReviewReports),
    };
    html(&page)
}

/// GET /bulletins
async fn index(State(state): State<AppState>, s: Signed) -> Result<Response, Failure> {
    permit(&s, Permission::ReadDashboard)?;
    index_page(&state, &s, FormErrors::default(), None).await
}

/// The office's request to take a month.
#[derive(Deserialize)]
struct TakeForm {
    period: String,
}

/// POST /bulletins: takes the month just finished (the office), then shows its bulletin.
async fn take(
    State(state): State<AppState>,
    s: Signed,
    Input(form): Input<TakeForm>,
) -> Result<Response, Failure> {
    let result = match form.period.parse::<ReportPeriod>() {
        Ok(period) => scoped(&state, &s).control().take_snapshot(period).await,
        Err(problem) => Err(StoreError::Invalid(vec![FieldProblem::new(
            "period", problem,
        )])),
    };
    match result {
        Ok(taken) => {
            Ok(Redirect::to(&format!("/bulletins/{}", taken.month.period)).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_store(s.client.lang, e)?;
            index_page(&state, &s, errors, Some(form.period)).await
        }
    }
}

#[derive(Template)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    c: Chrome,
    v: View,
    series_headers: Vec<&'static str>,
    ranking_headers: Vec<&'static str>,
}

/// A file name's period and format: `2026-10`, `2026-Q3.xlsx`, `2026.docx`.
fn file_of(file: &str) -> Result<(BulletinPeriod, Option<&'static str>), Failure> {
    let (stem, format) = match file.rsplit_once('.') {
        Some((stem, "xlsx")) => (stem, Some("xlsx")),
        Some((stem, "docx")) => (stem, Some("docx")),
        Some(_) => return Err(Failure::not_found()),
        None => (file, None),
    };
    let period = stem.parse().map_err(|_: Problem| Failure::not_found())?;
    Ok((period, format))
}

fn internal(what: &str, e: impl std::fmt::Display) -> Failure {
    tracing::error!(error = %e, what, "bulletin file failed");
    Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
}

/// GET /bulletins/{period}[.xlsx|.docx]
async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(file): Path<String>,
) -> Result<Response, Failure> {
    let (period, format) = file_of(&file)?;
    let lang = s.client.lang;
    let bulletin = scoped(&state, &s).control().bulletin(period).await?;
    let v = View::new(lang, &bulletin);
    let ascii = format!("minxin-bulletin-{period}");
    match format {
        Some("xlsx") => {
            let name = format!("{}.xlsx", v.title);
            let bytes = tokio::task::spawn_blocking(move || xlsx::workbook(lang, &v))
                .await
                .map_err(|e| internal("xlsx", e))?
                .map_err(|e| internal("xlsx", e))?;
            Ok(xlsx_response(bytes, &format!("{ascii}.xlsx"), &name))
        }
        Some(_) => {
            let name = format!("{}.docx", v.title);
            let bytes = tokio::task::spawn_blocking(move || docx::document(lang, &v))
                .await
                .map_err(|e| internal("docx", e))?
                .map_err(|e| internal("docx", e))?;
            Ok(download(bytes, DOCX, &format!("{ascii}.docx"), &name))
        }
        None => html(&BulletinPage {
            c: Chrome::signed(&state, &s, &format!("/bulletins/{period}")),
            v,
            series_headers: SERIES_HEADERS.iter().map(|k| lang.t(k)).collect(),
            ranking_headers: RANKING_HEADERS.iter().map(|k| lang.t(k)).collect(),
        }),
    }
}
