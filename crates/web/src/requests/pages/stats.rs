//! `/requests/stats`: the statistics of service requests (issue 6 item 7) for a period, region,
//! department and category — counts, the three rates with one decimal, the mean handling time,
//! tables per department and per category for rankings, and the hot spots, as a table that
//! works without JavaScript and, with it, as circles on a Leaflet map
//! (`static/request-stats.js`). Storage decides what the caller may count.

use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use crate::kernel::tiles::TileSource;
use crate::kernel::widgets::{Choice, Params, rate, region_choices};
use crate::requests::pages::residents::{Choice as CategoryChoice, category_choices};
use askama::Template;
use axum::response::Response;
use minxin_domain::requests::stats::{days_text, hours_text, parse_day};
use minxin_storage::requests::{RequestFigures, RequestStatsFilter};
use serde::Deserialize;

/// The query string as typed; values that do not parse are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct StatsParams {
    from: Option<String>,
    to: Option<String>,
    region_id: Option<String>,
    department_id: Option<String>,
    category: Option<String>,
}

/// A value from the query string, or absent when empty or unreadable.
fn parsed<T: std::str::FromStr>(raw: &Option<String>) -> Option<T> {
    raw.as_deref().and_then(|v| v.trim().parse().ok())
}

/// One line of figures as the page shows it.
pub struct Line {
    /// What the line counts (department or category), in the page language.
    pub name: String,
    /// Received, open, overdue, closed.
    pub counts: [u64; 4],
    /// 响应率, 解决率, 满意率.
    pub rates: [String; 3],
    /// Mean handling time in hours, or a dash.
    pub hours: String,
}

impl Line {
    fn new(lang: Lang, name: String, f: &RequestFigures) -> Self {
        Line {
            name,
            counts: [f.received, f.open, f.overdue, f.closed],
            rates: [
                rate(f.response_bp),
                rate(f.resolution_bp),
                rate(f.satisfaction_bp),
            ],
            hours: f.mean_handling_seconds.map_or_else(
                || "—".to_owned(),
                |s| lang.fill("request_stats.hours", &[("n", hours_text(s))]),
            ),
        }
    }
}

/// A hot spot as a table row and a map circle.
pub struct Spot {
    /// Rank from 1.
    pub place: usize,
    /// Requests in it.
    pub count: i64,
    /// Centre, WGS-84 with six decimals.
    pub lat: String,
    /// Centre, WGS-84 with six decimals.
    pub lon: String,
}

#[derive(Template)]
#[template(path = "request_stats.html")]
struct StatsPage {
    c: Chrome,
    errors: FormErrors,
    region_name: String,
    from: String,
    to: String,
    regions: Vec<Choice>,
    departments: Vec<Choice>,
    categories: Vec<CategoryChoice>,
    category: String,
    total: RequestFigures,
    rates: [String; 3],
    hours: String,
    days: String,
    by_department: Vec<Line>,
    by_category: Vec<Line>,
    spots: Vec<Spot>,
    tiles: TileSource,
}

/// GET `/requests/stats`: everyone who reads requests, each over their own scope; a region
/// outside it is 404.
pub async fn show(staff: Staff, Params(params): Params<StatsParams>) -> Result<Response, Failure> {
    let lang = staff.lang();
    let filter = RequestStatsFilter {
        from: params.from.as_deref().and_then(parse_day),
        to: params.to.as_deref().and_then(parse_day),
        region_id: parsed(&params.region_id),
        department_id: parsed(&params.department_id),
        category: params
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
    };
    let store = staff.store();
    let stats = store
        .requests()
        .stats(&filter, staff.state.clock.now())
        .await?;
    let regions = store.org().regions().await?;
    let departments = store.org().departments(None).await?;
    let categories = category_choices(&staff.state, &staff.signed.client.address, lang).await?;
    let text = |v: Option<String>| v.unwrap_or_default();
    let region_text = text(filter.region_id.map(|id| id.to_string()));
    let department_text = text(filter.department_id.map(|id| id.to_string()));
    let t = &stats.total;
    let unassigned = lang.t("request_stats.unassigned");
    html(&StatsPage {
        c: staff.chrome("/requests"),
        errors: FormErrors::default(),
        region_name: stats.region_name.clone().unwrap_or_default(),
        from: text(filter.from.map(|d| d.to_string())),
        to: text(filter.to.map(|d| d.to_string())),
        regions: region_choices(&regions, &region_text),
        departments: departments
            .iter()
            .map(|d| Choice::new(d.id, d.name.clone(), &department_text))
            .collect(),
        categories,
        category: filter.category.clone().unwrap_or_default(),
        total: *t,
        rates: [
            rate(t.response_bp),
            rate(t.resolution_bp),
            rate(t.satisfaction_bp),
        ],
        hours: t
            .mean_handling_seconds
            .map_or_else(|| "—".into(), hours_text),
        days: t
            .mean_handling_seconds
            .map_or_else(|| "—".into(), days_text),
        by_department: stats
            .by_department
            .iter()
            .map(|d| {
                let name = d
                    .department
                    .clone()
                    .unwrap_or_else(|| unassigned.to_owned());
                Line::new(lang, name, &d.figures)
            })
            .collect(),
        by_category: stats
            .by_category
            .iter()
            .map(|k| {
                let name = match lang {
                    Lang::Zh => k.name.clone(),
                    Lang::En => k.name_en.clone(),
                };
                Line::new(lang, name, &k.figures)
            })
            .collect(),
        spots: stats
            .hot_spots
            .iter()
            .enumerate()
            .map(|(i, h)| Spot {
                place: i + 1,
                count: h.count,
                lat: format!("{:.6}", h.latitude),
                lon: format!("{:.6}", h.longitude),
            })
            .collect(),
        tiles: staff.state.config.tiles.clone(),
    })
}
