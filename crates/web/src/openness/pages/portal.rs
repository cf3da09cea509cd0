//! `GET /` — the portal ("一张图"): every public project on a map and in a list, narrowed by
//! category, year, stage, street, light and search words. The list and the filters work without
//! JavaScript; the map (`static/portal-map.js`) reads its markers for the visible area from
//! `GET /map/markers.json` with the same filter, so map, list and downloads always agree.

use super::failed;
use crate::kernel::chrome::Chrome;
use crate::kernel::client::Client;
use crate::kernel::error::Failure;
use crate::kernel::http_cache::Validators;
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::page_cache::Rendered;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Choice, Pager, Params, page_request};
use crate::projects::pages::{
    ListQuery, category_filter_choices, filter_of, hold_name, light_choices, stage_name, trimmed,
};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use minxin_domain::control::light::Light;
use minxin_domain::kernel::geo::{BoundingBox, Point};
use minxin_domain::kernel::money::Fen;
use minxin_domain::openness::public::shown_stages;
use minxin_domain::projects::project::{Hold, Stage};
use minxin_domain::requests::deadline::{Deadlines, Timeliness, timeliness};
use minxin_domain::requests::service_request::RequestState;
use minxin_storage::openness::{Cluster, Marker, PortalFilter, PortalProject};
use minxin_storage::requests::PublicRequest;
use serde_json::{Value, json};
use std::sync::Arc;

/// Projects per page of the list.
const PER_PAGE: u64 = 20;

/// How long browsers and proxies may reuse a marker response.
const MARKERS_CACHE: &str = "public, max-age=60";

/// The portal filter a query string asks for, read the way the staff list reads its own (the
/// street is the list's region): values that do not parse are left out.
pub(crate) fn portal_filter(query: &ListQuery) -> PortalFilter {
    let f = filter_of(query);
    PortalFilter {
        year: f.year,
        category_id: f.category_id,
        stage: f.stage,
        street_id: f.region_id,
        light: f.light,
        q: f.q,
    }
}

/// The query string that asks for `filter` again (for the map, the pager and the downloads).
pub(crate) fn portal_query(filter: &PortalFilter) -> String {
    let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let pairs = [
        ("q", filter.q.clone().unwrap_or_default()),
        (
            "year",
            filter.year.map(|y| y.to_string()).unwrap_or_default(),
        ),
        ("category_id", id(filter.category_id)),
        ("stage", filter.stage.clone().unwrap_or_default()),
        ("region_id", id(filter.street_id)),
        ("light", filter.light.clone().unwrap_or_default()),
    ];
    let kept: Vec<(&str, String)> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

/// A project as a card of the list.
struct Card {
    href: String,
    name: String,
    kicker: String,
    stage: String,
    hold: Option<String>,
    light: Option<(&'static str, &'static str)>,
    progress: i32,
    budget_wan: String,
    paid_wan: String,
    period: String,
}

fn light_of(lang: Lang, code: Option<&str>) -> Option<(&'static str, &'static str)> {
    code.and_then(|l| l.parse::<Light>().ok())
        .map(|l| (l.code(), lang.light(l)))
}

impl Card {
    fn new(lang: Lang, p: &PortalProject) -> Self {
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Card {
            href: format!("/p/{}", p.code),
            name: p.name.clone(),
            kicker: format!("{} · {} · {}", p.category_name, p.region_name, p.year),
            stage: stage_name(lang, &p.stage),
            hold: (p.hold != Hold::Active.code()).then(|| hold_name(lang, &p.hold)),
            light: light_of(lang, p.light.as_deref()),
            progress: p.progress_percent.clamp(0, 100),
            budget_wan: Fen(p.budget_fen).wan_text(),
            paid_wan: Fen(p.paid_fen).wan_text(),
            period: format!("{} – {}", date(p.planned_start), date(p.planned_end)),
        }
    }
}

#[derive(Template)]
#[template(path = "public/portal.html")]
struct PortalPage {
    c: Chrome,
    q: String,
    years: Vec<Choice>,
    categories: Vec<Choice>,
    stages: Vec<Choice>,
    streets: Vec<Choice>,
    lights: Vec<Choice>,
    filtered: bool,
    ignored: bool,
    cards: Vec<Card>,
    count_text: String,
    pager: Pager,
    query: String,
    tiles: String,
    subdomains: String,
    attribution: String,
    labels: String,
}

/// The names the map script shows in popups and the legend, in the page language.
fn map_labels(lang: Lang) -> String {
    // A suspended or cancelled project is drawn by its hold (see `marker_row`).
    let stages: serde_json::Map<String, Value> = Stage::ALL
        .iter()
        .map(|s| (s.code().to_owned(), json!(stage_name(lang, s.code()))))
        .chain(
            [Hold::Suspended, Hold::Cancelled]
                .iter()
                .map(|h| (h.code().to_owned(), json!(hold_name(lang, h.code())))),
        )
        .collect();
    let lights: serde_json::Map<String, Value> = Light::ALL
        .iter()
        .map(|l| (l.code().to_owned(), json!(lang.light(*l))))
        .collect();
    json!({
        "stages": stages,
        "lights": lights,
        "no_light": lang.t("portal.no_light"),
        "open": lang.t("portal.open_project"),
        "cluster": lang.t("portal.cluster"),
        "shown": lang.t("portal.map_shown"),
        "none": lang.t("portal.map_none"),
        "failed": lang.t("portal.map_failed"),
        "requests": lang.t("portal.map_requests"),
        "overdue": lang.t("portal.map_overdue"),
        "request_states": RequestState::ALL
            .iter()
            .map(|st| (st.code().to_owned(), json!(lang.request_state(*st))))
            .collect::<serde_json::Map<String, Value>>(),
    })
    .to_string()
}

/// Whether the query asked for something the filter left out (a mangled link).
fn has_ignored(query: &ListQuery, filter: &PortalFilter) -> bool {
    let asked = |raw: &Option<String>, kept: bool| trimmed(raw).is_some() && !kept;
    asked(&query.year, filter.year.is_some())
        || asked(&query.category_id, filter.category_id.is_some())
        || asked(&query.stage, filter.stage.is_some())
        || asked(&query.region_id, filter.street_id.is_some())
        || asked(&query.light, filter.light.is_some())
}

/// GET / — the portal.
pub async fn home(
    State(state): State<AppState>,
    client: Client,
    Params(query): Params<ListQuery>,
) -> Result<Response, Failure> {
    let lang = client.lang;
    let filter = portal_filter(&query);
    let public = state.store.public();
    let request = page_request(query.page.as_deref(), Some(&PER_PAGE.to_string()))?;
    let page = match public.portal_projects(&filter, request).await {
        Ok(page) => page,
        Err(e) => return failed(&client, e),
    };
    let facets = public.portal_facets().await?;
    let query_string = portal_query(&filter);
    let mut c = Chrome::anonymous(lang);
    c.path = if query_string.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{query_string}")
    };
    let text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let year = filter.year.map(|y| y.to_string()).unwrap_or_default();
    let stage = filter.stage.clone().unwrap_or_default();
    let pairs: Vec<(&str, String)> = serde_urlencoded::from_str(&query_string).unwrap_or_default();
    let pager_filters: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let tiles = &state.config.tiles;
    html(&PortalPage {
        q: filter.q.clone().unwrap_or_default(),
        years: facets
            .years
            .iter()
            .map(|y| Choice::new(y, y.to_string(), &year))
            .collect(),
        categories: category_filter_choices(lang, &facets.categories, &text(filter.category_id)),
        stages: shown_stages()
            .map(|s| Choice::new(s.code(), stage_name(lang, s.code()), &stage))
            .collect(),
        streets: facets
            .streets
            .iter()
            .map(|s| {
                let label = match &s.district {
                    Some(d) => format!("{d} · {}", s.name),
                    None => s.name.clone(),
                };
                Choice::new(s.id, label, &text(filter.street_id))
            })
            .collect(),
        lights: light_choices(lang, filter.light.as_deref().unwrap_or_default()),
        filtered: filter != PortalFilter::default(),
        ignored: has_ignored(&query, &filter),
        cards: page.items.iter().map(|p| Card::new(lang, p)).collect(),
        count_text: lang.fill("portal.count", &[("n", page.total.to_string())]),
        pager: Pager::new(lang, &page, "/", &pager_filters),
        query: query_string,
        tiles: tiles.layers_attr(),
        subdomains: tiles.subdomains.clone(),
        attribution: tiles.attribution.clone(),
        labels: map_labels(lang),
        c,
    })
}

/// The map query: the portal filter plus the visible area.
#[derive(serde::Deserialize)]
pub struct MarkersQuery {
    /// `west,south,east,north` as the map reports it, in the tiles' datum.
    bbox: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

/// A marker as sent: `[code, name, lat, lon, stage, light]`, on the tiles' datum.
type MarkerRow<'a> = (&'a str, &'a str, f64, f64, &'a str, Option<&'a str>);

/// A cluster as sent: `[count, lat, lon, south, west, north, east]`, on the tiles' datum.
type ClusterRow = (i64, f64, f64, f64, f64, f64, f64);

/// The markers response.
#[derive(serde::Serialize)]
struct MarkersBody<'a> {
    total: i64,
    markers: Vec<MarkerRow<'a>>,
    clusters: Vec<ClusterRow>,
    requests: Vec<RequestRow<'a>>,
}

/// A published resident request on the map: lat, lon, category, state code, the office's
/// wording, and whether it is past its deadline.
type RequestRow<'a> = (f64, f64, &'a str, &'a str, &'a str, bool);

fn request_row(
    lang: Lang,
    r: &PublicRequest,
    now: chrono::DateTime<chrono::Utc>,
    on_map: impl Fn(Point) -> Point,
) -> Option<RequestRow<'_>> {
    let p = on_map(Point {
        lat: r.latitude?,
        lon: r.longitude?,
    });
    let category = match lang {
        Lang::Zh => r.category_name.as_str(),
        Lang::En => r.category_name_en.as_str(),
    };
    let deadlines = Deadlines {
        accept_by: r.accept_by,
        answer_by: r.answer_by,
    };
    let overdue = r
        .state
        .parse()
        .is_ok_and(|st| timeliness(st, deadlines, now) == Timeliness::Overdue);
    Some((
        round6(p.lat),
        round6(p.lon),
        category,
        &r.state,
        &r.wording,
        overdue,
    ))
}

fn marker_row(m: &Marker, on_map: impl Fn(Point) -> Point) -> MarkerRow<'_> {
    let p = on_map(Point {
        lat: m.latitude,
        lon: m.longitude,
    });
    let stage = if m.hold == Hold::Active.code() {
        m.stage.as_str()
    } else {
        m.hold.as_str()
    };
    (
        &m.code,
        &m.name,
        round6(p.lat),
        round6(p.lon),
        stage,
        m.light.as_deref(),
    )
}

fn cluster_row(c: &Cluster, on_map: impl Fn(Point) -> Point) -> ClusterRow {
    let at = on_map(Point {
        lat: c.latitude,
        lon: c.longitude,
    });
    let sw = on_map(Point {
        lat: c.south,
        lon: c.west,
    });
    let ne = on_map(Point {
        lat: c.north,
        lon: c.east,
    });
    (
        c.count,
        round6(at.lat),
        round6(at.lon),
        round6(sw.lat),
        round6(sw.lon),
        round6(ne.lat),
        round6(ne.lon),
    )
}

/// Six decimals (about 0.1 m) are all a map needs, and keep the response small.
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// GET /map/markers.json?bbox=w,s,e,n&<the portal's filter> — the public projects in the
/// visible area: `{"total", "markers": [[code, name, lat, lon, stage, light]…], "clusters":
/// [[count, lat, lon, south, west, north, east]…]}`, markers when at most 5,000 match, clusters
/// of a grid otherwise. Coordinates are in the tiles' datum both ways. Answers are kept in
/// memory like the project pages (everyone opening the portal asks for the same first view),
/// with an ETag for 304s.
pub async fn markers(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    uri: Uri,
    Params(query): Params<MarkersQuery>,
) -> Result<Response, Failure> {
    let lang = client.lang;
    let area = match query.bbox.as_deref().map(str::parse::<BoundingBox>) {
        Some(Ok(area)) => area,
        _ => {
            let body = json!({"code": "bad_bbox", "message": lang.t("portal.bad_bbox")});
            return Ok((StatusCode::BAD_REQUEST, Json(body)).into_response());
        }
    };
    let key = format!("/map/markers.json?{}", uri.query().unwrap_or_default());
    let rendered = match state.pages.get(&key) {
        Some(hit) => hit,
        None => {
            let generation = minxin_storage::write_generation();
            let datum = state.config.tiles.datum;
            let filter = portal_filter(&query.list);
            let stored = area.from_map(datum);
            let view = state.store.public().portal_map(&filter, &stored).await?;
            let requests = state.store.public().published_requests(stored).await?;
            let on_map = |p: Point| p.on_map(datum);
            let body = serde_json::to_vec(&MarkersBody {
                total: view.total,
                markers: view.markers.iter().map(|m| marker_row(m, on_map)).collect(),
                clusters: view
                    .clusters
                    .iter()
                    .map(|c| cluster_row(c, on_map))
                    .collect(),
                requests: requests
                    .iter()
                    .filter_map(|r| request_row(lang, r, state.clock.now(), on_map))
                    .collect(),
            })
            .map_err(|_| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?;
            let rendered = Arc::new(Rendered {
                validators: Validators::of_body(&body, state.clock.now()),
                body: Bytes::from(body),
            });
            state.pages.put(key, generation, Arc::clone(&rendered));
            rendered
        }
    };
    rendered.validators.respond(&headers, MARKERS_CACHE, || {
        Ok((
            [(header::CONTENT_TYPE, "application/json")],
            rendered.body.clone(),
        )
            .into_response())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &str) -> ListQuery {
        serde_urlencoded::from_str(pairs).unwrap()
    }

    #[test]
    fn the_query_string_round_trips_through_the_filter() {
        let q = query("q=食堂&year=2026&category_id=3&stage=construction&region_id=7&light=red");
        let filter = portal_filter(&q);
        assert_eq!(filter.year, Some(2026));
        assert_eq!(filter.street_id, Some(7));
        assert_eq!(portal_filter(&query(&portal_query(&filter))), filter);
        assert!(!has_ignored(&q, &filter));
    }

    #[test]
    fn unreadable_values_are_left_out_and_noticed() {
        let q = query("year=twenty&stage=nowhere&light=purple&q=");
        let filter = portal_filter(&q);
        assert_eq!(filter, PortalFilter::default());
        assert!(has_ignored(&q, &filter));
        assert_eq!(portal_query(&filter), "");
    }

    #[test]
    fn markers_and_clusters_are_compact_rows() {
        let m = Marker {
            code: "2026-MX-0001".into(),
            name: "食堂".into(),
            latitude: 30.123_456_789,
            longitude: 114.3,
            stage: "construction".into(),
            hold: "suspended".into(),
            light: Some("red".into()),
        };
        assert_eq!(
            json!(marker_row(&m, |p| p)),
            json!(["2026-MX-0001", "食堂", 30.123457, 114.3, "suspended", "red"])
        );
        let c = Cluster {
            count: 7,
            latitude: 30.5,
            longitude: 114.5,
            south: 30.4,
            west: 114.4,
            north: 30.6,
            east: 114.6,
        };
        assert_eq!(
            json!(cluster_row(&c, |p| p)),
            json!([7, 30.5, 114.5, 30.4, 114.4, 30.6, 114.6])
        );
    }
}
