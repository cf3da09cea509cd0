//! `GET /p/{code}`: a project's public page — what is built, where, by whom, for how much,
//! how far along, its light with the reasons, and how to complain. Readable without
//! JavaScript, printable, small (no images inline but the thumbnails of accepted reports).

use super::cache::{PAGE_CACHE, Validators};
use super::{PathOf, base_url, failed};
use crate::client::Client;
use crate::error::Failure;
use crate::i18n::Lang;
use crate::page_cache::Rendered;
use crate::pages::chrome::Chrome;
use crate::pages::progress::{SummaryRow, summary_rows};
use crate::pages::projects::{LightBox, hold_name, move_name, stage_name};
use crate::pages::render;
use crate::state::AppState;
use crate::tiles::TileSource;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use minxin_domain::control::light::percent_text;
use minxin_domain::kernel::geo::Point;
use minxin_domain::kernel::time::shanghai;
use minxin_domain::projects::project::Hold;
use minxin_storage::public::PublicProject;
use std::sync::Arc;

/// One step of the stage timeline in words.
pub struct Step {
    /// The date, Beijing time.
    pub date: String,
    /// What happened, e.g. 推进 → 建设实施.
    pub text: String,
}

/// A photo as linked from the page.
pub struct PhotoLink {
    /// The thumbnail's URL.
    pub thumbnail: String,
    /// The display copy's URL.
    pub display: String,
    /// Its accessible description.
    pub alt: String,
}

/// An accepted report as shown.
pub struct ReportBox {
    /// The month, YYYY-MM.
    pub period: String,
    /// Percent complete, e.g. `30`.
    pub percent: String,
    /// What was done.
    pub done: String,
    /// When it was accepted, Beijing date.
    pub accepted: String,
    /// Its photos.
    pub photos: Vec<PhotoLink>,
}

#[derive(Template)]
#[template(path = "public/project.html")]
struct ProjectPage {
    c: Chrome,
    p: PublicProject,
    url: String,
    og_description: String,
    og_image: Option<String>,
    stage: String,
    hold: Option<String>,
    category: String,
    light: Option<LightBox>,
    summary: Vec<SummaryRow>,
    total: SummaryRow,
    budget_wan: String,
    paid_wan: String,
    coordinates: Option<(String, String)>,
    map_point: Option<(String, String)>,
    tiles: TileSource,
    map_link: Option<String>,
    timeline: Vec<Step>,
    reports: Vec<ReportBox>,
    requests: Vec<RequestBox>,
    updated: String,
}

/// A published resident request as the page shows it: category, state, the office's wording.
struct RequestBox {
    category: String,
    state: &'static str,
    wording: String,
    submitted: String,
    answered: String,
}

fn requests(lang: Lang, p: &PublicProject) -> Vec<RequestBox> {
    p.requests
        .iter()
        .map(|r| RequestBox {
            category: match lang {
                Lang::Zh => r.category_name.clone(),
                Lang::En => r.category_name_en.clone(),
            },
            state: r.state.parse().map_or(
                "",
                |st: minxin_domain::requests::service_request::RequestState| lang.request_state(st),
            ),
            wording: r.wording.clone(),
            submitted: day(r.submitted_at),
            answered: r.answered_at.map(day).unwrap_or_default(),
        })
        .collect()
}

/// A date in Beijing.
fn day(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai()).date_naive().to_string()
}

fn timeline(lang: Lang, p: &PublicProject) -> Vec<Step> {
    p.timeline
        .iter()
        .map(|t| {
            let mut text = format!(
                "{} → {}",
                move_name(lang, &t.action),
                stage_name(lang, &t.to_stage)
            );
            if t.to_hold != Hold::Active.code() {
                text = format!("{text}（{}）", hold_name(lang, &t.to_hold));
            }
            Step {
                date: day(t.at),
                text,
            }
        })
        .collect()
}

fn reports(lang: Lang, p: &PublicProject) -> Vec<ReportBox> {
    p.reports
        .iter()
        .map(|r| ReportBox {
            period: r.period.clone(),
            percent: percent_text(u32::try_from(r.percent_bp).unwrap_or(0)),
            done: r.done.clone(),
            accepted: r.accepted_at.map(day).unwrap_or_default(),
            photos: r
                .photos
                .iter()
                .enumerate()
                .map(|(i, photo)| PhotoLink {
                    thumbnail: format!("/p/{}/photos/{}/thumbnail", p.code, photo.id),
                    display: format!("/p/{}/photos/{}/display", p.code, photo.id),
                    alt: lang.fill(
                        "public.photo_alt",
                        &[("period", r.period.clone()), ("n", (i + 1).to_string())],
                    ),
                })
                .collect(),
        })
        .collect()
}

fn page(c: Chrome, base: &str, tiles: &TileSource, p: PublicProject) -> ProjectPage {
    let lang = c.lang;
    let url = format!("{base}/p/{}", p.code);
    let stage = stage_name(lang, &p.stage);
    let og_description = lang.fill(
        "public.og_description",
        &[
            ("stage", stage.clone()),
            ("lead", p.lead_department_name.clone()),
            ("budget", p.money.total.budget.wan_text()),
            ("progress", p.progress_percent.to_string()),
        ],
    );
    let (summary, total) = summary_rows(lang, &p.money);
    let coordinates = p
        .latitude
        .zip(p.longitude)
        .map(|(lat, lon)| (format!("{lat:.6}"), format!("{lon:.6}")));
    ProjectPage {
        og_image: p
            .reports
            .iter()
            .flat_map(|r| &r.photos)
            .next()
            .map(|photo| format!("{base}/p/{}/photos/{}/display", p.code, photo.id)),
        hold: (p.hold != Hold::Active.code()).then(|| hold_name(lang, &p.hold)),
        category: match &p.parent_category_name {
            Some(top) => format!("{top} · {}", p.category_name),
            None => p.category_name.clone(),
        },
        light: p.light.as_ref().map(|a| LightBox::of_assessment(lang, a)),
        budget_wan: p.money.total.budget.wan_text(),
        paid_wan: p.money.total.paid.wan_text(),
        map_link: coordinates.as_ref().map(|(lat, lon)| {
            format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}")
        }),
        map_point: p.latitude.zip(p.longitude).map(|(lat, lon)| {
            let at = Point { lat, lon }.on_map(tiles.datum);
            (format!("{:.6}", at.lat), format!("{:.6}", at.lon))
        }),
        tiles: tiles.clone(),
        coordinates,
        timeline: timeline(lang, &p),
        reports: reports(lang, &p),
        requests: requests(lang, &p),
        updated: minxin_domain::kernel::time::format_local(p.last_modified),
        summary,
        total,
        stage,
        og_description,
        url,
        c,
        p,
    }
}

/// GET /p/{code} — the public page, 304 when the visitor's copy is current, the portal's 404
/// for a code that is unknown or not public. Rendered pages are reused from memory while
/// nothing was written (see [`crate::page_cache`]).
pub async fn show(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    PathOf(code): PathOf<String>,
) -> Result<Response, Failure> {
    let key = format!("/p/{code} {}", client.lang.tag());
    let rendered = match state.pages.get(&key) {
        Some(hit) => hit,
        None => {
            let generation = minxin_storage::write_generation();
            let project = match state.store.public().project(&code).await {
                Ok(p) => p,
                Err(e) => return failed(&client, e),
            };
            let validators = Validators::of(&project, client.lang, project.last_modified);
            let mut c = Chrome::anonymous(client.lang);
            c.path = format!("/p/{}", project.code);
            let body = render(&page(c, &base_url(&state), &state.config.tiles, project))?;
            let rendered = Arc::new(Rendered {
                validators,
                body: Bytes::from(body),
            });
            state.pages.put(key, generation, Arc::clone(&rendered));
            rendered
        }
    };
    rendered.validators.respond(&headers, PAGE_CACHE, || {
        Ok(Html(rendered.body.clone()).into_response())
    })
}
