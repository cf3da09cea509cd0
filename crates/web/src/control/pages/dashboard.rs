//! `/dashboard`: the leader dashboard (领导驾驶舱) of a region and plan year. Every figure is a
//! table with links to the project list behind it, so the page works without JavaScript; with
//! it, `static/dashboard.js` draws the same figures with ECharts from a JSON island.

use crate::control::api::dashboard::{DashboardView, request_filter};
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Choice, Params, rate, region_choices, scoped};
use crate::projects::pages::{source_name, stage_name};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Datelike;
use minxin_domain::control::light::percent_text;
use minxin_domain::control::ranking::{lights_bp, on_time_bp, payment_bp};
use minxin_domain::kernel::money::Fen;
use minxin_storage::control::dashboard::{DashboardQuery, Investment};
use minxin_storage::control::lights::today;
use serde::{Deserialize, Serialize};

/// The query string as typed; values that do not parse are ignored.
#[derive(Deserialize, Default)]
pub struct DashboardParams {
    region_id: Option<String>,
    year: Option<String>,
}

/// A count with the list behind it.
#[derive(Serialize)]
pub struct Item {
    /// What is counted, in the page language.
    pub name: String,
    /// A code for styling (stage or light), or empty.
    pub code: String,
    /// The count.
    pub value: u32,
    /// The project list behind it.
    pub href: String,
}

/// One funding source's money, in 万元 for the table and in fen for the chart.
pub struct SourceLine {
    /// Source name.
    pub name: String,
    /// Planned, approved, disbursed and paid in 万元.
    pub wan: [String; 4],
}

/// A red project with its reasons in words.
pub struct RedLine {
    /// Project id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Lead department.
    pub department: String,
    /// Reasons, worst first.
    pub reasons: Vec<String>,
}

/// One department of the ranking.
pub struct RankLine {
    /// Place.
    pub place: u32,
    /// Department name.
    pub name: String,
    /// Its projects in the list.
    pub href: String,
    /// Score in percent.
    pub score: String,
    /// Projects, green, yellow, red.
    pub counts: [u32; 4],
    /// Lights, on-time reports and payment parts in percent ("—" when not measured).
    pub parts: [String; 3],
}

/// One month of the trends.
pub struct TrendLine {
    /// YYYY-MM.
    pub period: String,
    /// Green, yellow, red.
    pub lights: [u32; 3],
    /// Paid in 万元.
    pub paid_wan: String,
}

/// The page.
#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    c: Chrome,
    errors: FormErrors,
    region_name: String,
    year: i32,
    years: Vec<Choice>,
    regions: Vec<Choice>,
    list_href: String,
    red_href: String,
    projects: u32,
    execution_rate: String,
    on_time_rate: String,
    stages: Vec<Item>,
    lights: Vec<Item>,
    sources: Vec<SourceLine>,
    total: SourceLine,
    report_period: String,
    reports: [u32; 4],
    red_total: u32,
    reds: Vec<RedLine>,
    ranking: Vec<RankLine>,
    trends: Vec<TrendLine>,
    requests_href: String,
    request_rates: [String; 3],
    requests_overdue: u64,
    chart_json: String,
}

/// A number from the query string; anything else counts as absent.
fn number<T: std::str::FromStr>(raw: &Option<String>) -> Option<T> {
    raw.as_deref().and_then(|v| v.trim().parse().ok())
}

fn percent(bp: Option<u32>) -> String {
    bp.map_or_else(|| "—".to_owned(), |bp| format!("{}%", percent_text(bp)))
}

fn wan(money: &Investment) -> [String; 4] {
    [
        money.planned_fen,
        money.approved_fen,
        money.disbursed_fen,
        money.paid_fen,
    ]
    .map(|fen| Fen(fen).wan_text())
}

/// The chart data for `static/dashboard.js`, as JSON that is safe inside a `<script>` element
/// (no `<`, `>` or `&` left to end it).
fn island(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The charts' data and labels.
fn chart_data(lang: Lang, page: &DashboardPage, view: &DashboardView) -> serde_json::Value {
    let f = &view.figures;
    let sources = &f.by_source;
    let column = |pick: fn(&Investment) -> i64| -> Vec<i64> {
        sources.iter().map(|s| pick(&s.money)).collect()
    };
    serde_json::json!({
        "labels": {
            "planned": lang.t("dashboard.planned"),
            "approved": lang.t("dashboard.approved"),
            "disbursed": lang.t("dashboard.disbursed"),
            "paid": lang.t("dashboard.paid"),
            "wan": lang.t("dashboard.wan"),
            "score": lang.t("dashboard.score"),
            "green": lang.t("light.green"),
            "yellow": lang.t("light.yellow"),
            "red": lang.t("light.red"),
        },
        "list": page.list_href,
        "stages": page.stages,
        "lights": page.lights,
        "sources": {
            "names": page.sources.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
            "planned": column(|m| m.planned_fen),
            "approved": column(|m| m.approved_fen),
            "disbursed": column(|m| m.disbursed_fen),
            "paid": column(|m| m.paid_fen),
        },
        "ranking": f.ranking.iter().zip(&page.ranking).map(|(r, line)| serde_json::json!({
            "name": r.department,
            "value": r.score_bp,
            "href": line.href,
        })).collect::<Vec<_>>(),
        "trends": {
            "periods": f.trends.iter().map(|t| t.period.to_string()).collect::<Vec<_>>(),
            "green": f.trends.iter().map(|t| t.green).collect::<Vec<_>>(),
            "yellow": f.trends.iter().map(|t| t.yellow).collect::<Vec<_>>(),
            "red": f.trends.iter().map(|t| t.red).collect::<Vec<_>>(),
            "paid": f.trends.iter().map(|t| t.paid_fen).collect::<Vec<_>>(),
        },
    })
}

/// GET `/dashboard`: leader and office; anyone else gets 403, a region outside the scope 404.
pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Params(params): Params<DashboardParams>,
) -> Result<Response, Failure> {
    let lang = s.client.lang;
    let query = DashboardQuery {
        region_id: number(&params.region_id),
        year: number(&params.year).filter(|y| (2000..=2100).contains(y)),
    };
    let store = scoped(&state, &s);
    let view = DashboardView::read(&store, &query, state.clock.now(), lang).await?;
    let regions = store.org().regions().await?;
    let f = &view.figures;
    let r = &view.requests;
    let stats = request_filter(f);
    let mut requests_href = format!(
        "/requests/stats?from={}&to={}",
        stats.from.map(|d| d.to_string()).unwrap_or_default(),
        stats.to.map(|d| d.to_string()).unwrap_or_default()
    );
    if let Some(id) = f.region_id {
        requests_href.push_str(&format!("&region_id={id}"));
    }

    let mut list_href = format!("/projects?year={}", f.year);
    if let Some(id) = f.region_id {
        list_href.push_str(&format!("&region_id={id}"));
    }
    let with = |key: &str, value: &str| format!("{list_href}&{key}={value}");
    let this_year = today(state.clock.now()).year();
    let mut years: Vec<i32> = ((this_year - 5)..=this_year).rev().collect();
    if !years.contains(&f.year) {
        years.push(f.year);
    }
    let region_text = f.region_id.map(|id| id.to_string()).unwrap_or_default();
    let light = |code: &str, value: u32| Item {
        name: lang.t(&format!("light.{code}")).to_owned(),
        code: code.to_owned(),
        value,
        href: with("light", code),
    };
    let mut page = DashboardPage {
        c: Chrome::signed(&state, &s, "/dashboard"),
        errors: FormErrors::default(),
        region_name: f.region_name.clone(),
        year: f.year,
        years: years
            .into_iter()
            .map(|y| Choice::new(y, y.to_string(), &f.year.to_string()))
            .collect(),
        regions: region_choices(&regions, &region_text),
        list_href: list_href.clone(),
        red_href: with("light", "red"),
        projects: f.projects,
        execution_rate: percent(f.execution_rate_bp),
        on_time_rate: percent(f.reports.on_time_rate_bp),
        stages: f
            .by_stage
            .iter()
            .map(|st| Item {
                name: stage_name(lang, &st.stage),
                code: st.stage.clone(),
                value: st.count,
                href: with("stage", &st.stage),
            })
            .collect(),
        lights: vec![
            light("green", f.lights.green),
            light("yellow", f.lights.yellow),
            light("red", f.lights.red),
            light("none", f.lights.unlit),
        ],
        sources: f
            .by_source
            .iter()
            .map(|st| SourceLine {
                name: source_name(lang, st.source).to_owned(),
                wan: wan(&st.money),
            })
            .collect(),
        total: SourceLine {
            name: lang.t("dashboard.total").to_owned(),
            wan: wan(&f.total),
        },
        report_period: f.reports.period.clone().unwrap_or_else(|| "—".into()),
        reports: [
            f.reports.due,
            f.reports.on_time,
            f.reports.late,
            f.reports.missing,
        ],
        red_total: f.lights.red,
        reds: view
            .red_projects
            .iter()
            .map(|r| RedLine {
                id: r.id,
                code: r.code.clone(),
                name: r.name.clone(),
                department: r.department.clone(),
                reasons: r.reasons.iter().map(|x| x.text.clone()).collect(),
            })
            .collect(),
        ranking: f
            .ranking
            .iter()
            .map(|r| RankLine {
                place: r.place,
                name: r.department.clone(),
                href: with("department_id", &r.department_id.to_string()),
                score: percent(Some(r.score_bp)),
                counts: [r.tally.projects, r.tally.green, r.tally.yellow, r.tally.red],
                parts: [
                    percent(lights_bp(&r.tally)),
                    percent(on_time_bp(&r.tally)),
                    percent(payment_bp(&r.tally)),
                ],
            })
            .collect(),
        trends: f
            .trends
            .iter()
            .map(|t| TrendLine {
                period: t.period.to_string(),
                lights: [t.green, t.yellow, t.red],
                paid_wan: Fen(t.paid_fen).wan_text(),
            })
            .collect(),
        request_rates: [r.response_bp, r.resolution_bp, r.satisfaction_bp].map(rate),
        requests_overdue: r.overdue,
        requests_href,
        chart_json: String::new(),
    };
    page.chart_json = island(&chart_data(lang, &page, &view));
    html(&page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_island_cannot_end_its_script_element() {
        let text = island(&serde_json::json!({ "name": "</script><b>&" }));
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><b>&");
    }

    #[test]
    fn rates_show_a_dash_when_nothing_was_measured() {
        assert_eq!(percent(None), "—");
        assert_eq!(percent(Some(3_333)), "33.33%");
    }
}
