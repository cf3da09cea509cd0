//! The office's signboards of a whole annual plan: `/signboards` lists the plan year's public
//! projects (optionally under one street) with links to each board, and `/signboards.zip`
//! downloads them all as one archive: per project its signboard as an A4 or A3 SVG document and
//! its QR code as PNG, named by project code. Entries are drawn and deflated one project at a
//! time on a blocking thread, so memory holds the compressed archive and one project's files;
//! the archive is sent with its length, so browsers show the download's progress.

use super::document::sheet;
use super::view::signboard;
use super::{board_file, file_stem, sheet_size};
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Choice, Params, permit, region_choices, scoped};
use crate::projects::pages::{stage_name, today};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use minxin_domain::Permission;
use minxin_domain::openness::signboard::SheetSize;
use minxin_storage::projects::{PlanSignboards, SignboardSource};
use serde::Deserialize;
use std::io::Write;

/// The most signboards one archive holds: about 10 MB of compressed files and a few seconds of
/// drawing; a larger plan is downloaded street by street.
pub const SIGNBOARD_CAP: usize = 1000;

/// The query of both routes, as typed.
#[derive(Deserialize, Default)]
pub struct PlanQuery {
    /// Plan year; this year when blank.
    pub year: Option<String>,
    /// Region (a street), or blank for the whole scope.
    pub region_id: Option<String>,
    /// `a4` or `a3`.
    pub size: Option<String>,
}

/// The plan year and region asked for; anything unreadable is a 400 page.
fn plan_of(q: &PlanQuery, today: chrono::NaiveDate) -> Result<(i32, Option<i64>), Failure> {
    let bad = || Failure::new(StatusCode::BAD_REQUEST, "bad_request");
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(bad)?,
        None => today.year(),
    };
    let region = match q
        .region_id
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(r) => Some(r.parse::<i64>().map_err(|_| bad())?),
        None => None,
    };
    Ok((year, region))
}

/// One project of the list.
pub struct Row {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Region name.
    pub region: String,
    /// Stage in words.
    pub stage: String,
}

#[derive(Template)]
#[template(path = "signboards.html")]
struct IndexPage {
    c: Chrome,
    year: i32,
    size: &'static str,
    regions: Vec<Choice>,
    rows: Vec<Row>,
    more: bool,
    too_many: String,
    download_label: String,
    archive_href: String,
}

/// GET /signboards?year=&region_id=&size=
pub async fn index(
    State(state): State<AppState>,
    s: Signed,
    Params(q): Params<PlanQuery>,
) -> Result<Response, Failure> {
    permit(&s, Permission::PrintSignboards)?;
    let (year, region) = plan_of(&q, today(&state))?;
    let size = sheet_size(q.size.as_deref())?;
    let store = scoped(&state, &s);
    let plan = store
        .projects()
        .plan_signboards(year, region, SIGNBOARD_CAP)
        .await?;
    let regions = store.org().regions().await?;
    let region_text = region.map(|r| r.to_string()).unwrap_or_default();
    let lang = s.client.lang;
    html(&IndexPage {
        c: Chrome::signed(&state, &s, "/signboards"),
        year,
        size: size.code(),
        regions: region_choices(&regions, &region_text),
        rows: plan
            .projects
            .iter()
            .map(|p| Row {
                id: p.project.id,
                code: p.project.code.clone(),
                name: p.project.name.clone(),
                region: p.project.region_name.clone(),
                stage: stage_name(lang, &p.project.stage),
            })
            .collect(),
        more: plan.more,
        too_many: lang.fill("signboard.too_many", &[("cap", SIGNBOARD_CAP.to_string())]),
        download_label: lang.fill(
            "signboard.download_all",
            &[("count", plan.projects.len().to_string())],
        ),
        archive_href: format!(
            "/signboards.zip?year={year}&region_id={region_text}&size={}",
            size.code()
        ),
    })
}

/// GET /signboards.zip?year=&region_id=&size=: every public project's signboard and QR code.
pub async fn archive(
    State(state): State<AppState>,
    s: Signed,
    Params(q): Params<PlanQuery>,
) -> Result<Response, Failure> {
    let (year, region) = plan_of(&q, today(&state))?;
    let size = sheet_size(q.size.as_deref())?;
    let plan = scoped(&state, &s)
        .projects()
        .plan_signboards(year, region, SIGNBOARD_CAP)
        .await?;
    if plan.more {
        return Err(Failure::new(StatusCode::BAD_REQUEST, "signboards_too_many"));
    }
    let lang = s.client.lang;
    let base = state.config.public_base_url.clone();
    let bytes = tokio::task::spawn_blocking(move || zip_of(lang, &base, size, &plan))
        .await
        .map_err(|_| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))??;
    Ok(board_file(
        bytes,
        "application/zip",
        &format!("signboards-{year}-{}.zip", size.code()),
    ))
}

fn zip_failure(e: impl std::fmt::Display) -> Failure {
    tracing::error!(error = %e, "signboard archive failed");
    Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
}

/// The archive: `{code}.svg` (the signboard) and `{code}-qr.png` for each project.
fn zip_of(
    lang: Lang,
    base: &str,
    size: SheetSize,
    plan: &PlanSignboards,
) -> Result<Vec<u8>, Failure> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for source in &plan.projects {
        let Some((svg, png)) = files_of(lang, base, size, source)? else {
            continue;
        };
        let code = file_stem(&source.project.code);
        zip.start_file(format!("{code}.svg"), deflated)
            .map_err(zip_failure)?;
        zip.write_all(svg.as_bytes()).map_err(zip_failure)?;
        zip.start_file(format!("{code}-qr.png"), stored)
            .map_err(zip_failure)?;
        zip.write_all(&png).map_err(zip_failure)?;
    }
    Ok(zip.finish().map_err(zip_failure)?.into_inner())
}

/// One project's signboard document and QR PNG; `None` for a project that may have none
/// (storage lists only printable ones, so this is a second line of defence).
fn files_of(
    lang: Lang,
    base: &str,
    size: SheetSize,
    source: &SignboardSource,
) -> Result<Option<(String, Vec<u8>)>, Failure> {
    match signboard(lang, base, source)? {
        Ok(board) => Ok(Some((sheet(&board, size)?, board.qr.png()?))),
        Err(_) => Ok(None),
    }
}
