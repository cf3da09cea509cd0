//! `/projects`: the reserve pool (储备库) and the annual plan (年度清单) as two tabs of one list,
//! filtered, sorted by column and paged. [`ListQuery`] and [`filter_of`] are the single reading of
//! the list's query string; the .xlsx export reuses them so it exports exactly what the list
//! shows, and [`query_of`] writes a filter back into a query string for links.

use super::{project_notice, stage_name};
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Choice, Pager, Params, page_request, region_choices, scoped};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Datelike;
use minxin_domain::control::light::Light;
use minxin_domain::kernel::money::Fen;
use minxin_domain::kernel::time::format_local;
use minxin_domain::projects::access::may_create;
use minxin_domain::projects::project::Stage;
use minxin_storage::org::Category;
use minxin_storage::projects::{NO_LIGHT, Pool, ProjectFilter, ProjectSummary, SortKey};
use serde::Deserialize;

/// Rows per page unless the query asks otherwise.
const PER_PAGE: u64 = 25;

/// The longest text filter kept (longer input is cut, not refused).
const MAX_TEXT: usize = 100;

/// The list's query string as typed; every field optional, nothing in it can fail to parse
/// (unreadable values are ignored). Shared with the .xlsx export.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ListQuery {
    /// `reserve` or `plan` (the default).
    pub(crate) pool: Option<String>,
    /// Plan year.
    pub(crate) year: Option<String>,
    /// Category or subcategory id (a category includes its subcategories).
    pub(crate) category_id: Option<String>,
    /// Stage code.
    pub(crate) stage: Option<String>,
    /// Lead or partner department id.
    pub(crate) department_id: Option<String>,
    /// Region id (with its whole subtree).
    pub(crate) region_id: Option<String>,
    /// Text in the owner's name.
    pub(crate) owner: Option<String>,
    /// Traffic light: red, yellow, green, or none.
    pub(crate) light: Option<String>,
    /// Text in code, name, address or description.
    pub(crate) q: Option<String>,
    /// Sort key: code, name, budget, planned_end, progress, updated.
    pub(crate) sort: Option<String>,
    /// `true` (or `1`) for descending.
    pub(crate) desc: Option<String>,
    /// Page number from 1 (the list only).
    pub(crate) page: Option<String>,
    /// Rows per page (the list only).
    pub(crate) per_page: Option<String>,
    /// A notice after a redirect (the list only).
    pub(crate) notice: Option<String>,
}

pub(crate) fn trimmed(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn text_filter(raw: &Option<String>) -> Option<String> {
    trimmed(raw).map(|t| t.chars().take(MAX_TEXT).collect())
}

/// The sort keys by their query code, in column order.
const SORTS: [(&str, SortKey); 6] = [
    ("code", SortKey::Code),
    ("name", SortKey::Name),
    ("budget", SortKey::Budget),
    ("planned_end", SortKey::PlannedEnd),
    ("progress", SortKey::Progress),
    ("updated", SortKey::Updated),
];

fn sort_code(key: SortKey) -> &'static str {
    SORTS
        .iter()
        .find(|(_, k)| *k == key)
        .map_or("code", |(c, _)| c)
}

/// The filter a list query asks for. The pool defaults to the annual plan; values that do not
/// parse are left out, so a mangled link shows more rather than failing.
pub(crate) fn filter_of(query: &ListQuery) -> ProjectFilter {
    let id = |raw: &Option<String>| trimmed(raw).and_then(|v| v.parse::<i64>().ok());
    ProjectFilter {
        pool: Some(match trimmed(&query.pool) {
            Some("reserve") => Pool::Reserve,
            _ => Pool::Plan,
        }),
        year: trimmed(&query.year)
            .and_then(|y| y.parse::<i32>().ok())
            .filter(|y| (2000..=2100).contains(y)),
        category_id: id(&query.category_id),
        stage: trimmed(&query.stage)
            .and_then(|s| s.parse::<Stage>().ok())
            .map(|s| s.code().to_owned()),
        department_id: id(&query.department_id),
        region_id: id(&query.region_id),
        owner: text_filter(&query.owner),
        light: trimmed(&query.light)
            .filter(|l| *l == NO_LIGHT || l.parse::<Light>().is_ok())
            .map(str::to_owned),
        q: text_filter(&query.q),
        sort: trimmed(&query.sort)
            .and_then(|s| SORTS.iter().find(|(c, _)| *c == s))
            .map(|(_, k)| *k),
        desc: trimmed(&query.desc)
            .map(|d| matches!(d, "true" | "1" | "on" | "desc"))
            .filter(|d| *d),
    }
}

/// The query pairs that ask for `filter` (what [`filter_of`] reads back as the same filter).
pub(crate) fn query_pairs(filter: &ProjectFilter) -> Vec<(&'static str, String)> {
    let mut pairs = vec![(
        "pool",
        match filter.pool {
            Some(Pool::Reserve) => "reserve",
            _ => "plan",
        }
        .to_owned(),
    )];
    let mut push = |key: &'static str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            pairs.push((key, v));
        }
    };
    push("year", filter.year.map(|y| y.to_string()));
    push("category_id", filter.category_id.map(|v| v.to_string()));
    push("stage", filter.stage.clone());
    push("department_id", filter.department_id.map(|v| v.to_string()));
    push("region_id", filter.region_id.map(|v| v.to_string()));
    push("owner", filter.owner.clone());
    push("light", filter.light.clone());
    push("q", filter.q.clone());
    push("sort", filter.sort.map(|s| sort_code(s).to_owned()));
    push(
        "desc",
        filter.desc.filter(|d| *d).map(|_| "true".to_owned()),
    );
    pairs
}

/// `filter` as a query string (without `?`), for links that keep the current filters.
pub(crate) fn query_of(filter: &ProjectFilter) -> String {
    serde_urlencoded::to_string(query_pairs(filter)).unwrap_or_default()
}

/// A column header: its label and, for sortable columns, the link that sorts by it.
pub struct Column {
    /// Label (message key).
    pub label: &'static str,
    /// Link sorting by this column (toggling the direction when it is the current one).
    pub href: Option<String>,
    /// `ascending`/`descending` when the list is sorted by this column.
    pub sorted: Option<&'static str>,
    /// Extra class for alignment.
    pub class: &'static str,
}

/// A project as a row of the list, already formatted.
pub struct Row {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Subcategory.
    pub category: String,
    /// Region.
    pub region: String,
    /// Lead department.
    pub lead: String,
    /// Stage name.
    pub stage: String,
    /// Hold code when not active.
    pub hold: Option<String>,
    /// Hold name when not active.
    pub hold_name: String,
    /// Budget in 万元.
    pub budget_wan: String,
    /// Planned end, or empty.
    pub planned_end: String,
    /// Percent complete.
    pub progress: i32,
    /// Light code and name, when lit.
    pub light: Option<(String, &'static str)>,
    /// Last change in Beijing time.
    pub updated: String,
}

impl Row {
    fn new(lang: Lang, p: &ProjectSummary) -> Self {
        let active = p.hold == "active";
        Row {
            id: p.id,
            code: p.code.clone(),
            name: p.name.clone(),
            category: p.category_name.clone(),
            region: p.region_name.clone(),
            lead: p.lead_department_name.clone(),
            stage: stage_name(lang, &p.stage),
            hold: (!active).then(|| p.hold.clone()),
            hold_name: if active {
                String::new()
            } else {
                super::hold_name(lang, &p.hold)
            },
            budget_wan: Fen(p.budget_fen).wan_text(),
            planned_end: p.planned_end.map(|d| d.to_string()).unwrap_or_default(),
            progress: p.progress_percent.clamp(0, 100),
            light: p
                .light
                .as_deref()
                .and_then(|l| l.parse::<Light>().ok())
                .map(|l| (l.code().to_owned(), lang.light(l))),
            updated: format_local(p.updated_at)
                .get(..10)
                .unwrap_or_default()
                .to_owned(),
        }
    }
}

/// The light filter's options: the three lights, then "no light".
pub(crate) fn light_choices(lang: Lang, current: &str) -> Vec<Choice> {
    Light::ALL
        .iter()
        .map(|l| Choice::new(l.code(), lang.light(*l), current))
        .chain([Choice::new(NO_LIGHT, lang.t("projects.no_light"), current)])
        .collect()
}

/// A tab of the list.
pub struct Tab {
    /// Label (message key).
    pub label: &'static str,
    /// Link to the tab with the other filters kept.
    pub href: String,
    /// Whether it is the current tab.
    pub current: bool,
    /// Element id.
    pub id: &'static str,
}

/// Categories as filter options: each top-level category (which includes its subcategories),
/// followed by its subcategories indented.
pub fn category_filter_choices(lang: Lang, categories: &[Category], current: &str) -> Vec<Choice> {
    categories
        .iter()
        .map(|c| {
            let label = if c.parent_id.is_some() {
                format!("　{}", c.name)
            } else {
                format!("{}{}", c.name, lang.t("projects.whole_category"))
            };
            Choice::new(c.id, label, current)
        })
        .collect()
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ListPage {
    c: Chrome,
    errors: crate::kernel::form::FormErrors,
    tabs: Vec<Tab>,
    pool: &'static str,
    years: Vec<Choice>,
    categories: Vec<Choice>,
    stages: Vec<Choice>,
    lights: Vec<Choice>,
    departments: Vec<Choice>,
    regions: Vec<Choice>,
    owner: String,
    q: String,
    sort: String,
    desc: bool,
    columns: Vec<Column>,
    rows: Vec<Row>,
    total: i64,
    pager: Pager,
    export_href: String,
    may_create: bool,
    /// Only the project office imports annual plans.
    may_import: bool,
    may_edit_dictionary: bool,
}

/// GET /projects
pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Params(query): Params<ListQuery>,
) -> Result<Response, Failure> {
    let lang = s.client.lang;
    let store = scoped(&state, &s);
    let filter = filter_of(&query);
    let per_page = query
        .per_page
        .clone()
        .unwrap_or_else(|| PER_PAGE.to_string());
    let request = page_request(query.page.as_deref(), Some(&per_page))?;
    let page = store.projects().list(&filter, request).await?;
    let categories = store.org().categories().await?;
    let regions = store.org().regions().await?;
    let departments = store.projects().project_departments().await?;

    let pairs = query_pairs(&filter);
    let plain: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let pool = match filter.pool {
        Some(minxin_storage::projects::Pool::Reserve) => "reserve",
        _ => "plan",
    };
    let link = |f: &minxin_storage::projects::ProjectFilter| format!("/projects?{}", query_of(f));
    let tabs = [
        ("reserve", "projects.tab_reserve", "tab-reserve"),
        ("plan", "projects.tab_plan", "tab-plan"),
    ]
    .into_iter()
    .map(|(code, label, id)| {
        let mut f = filter.clone();
        f.pool = Some(if code == "reserve" {
            Pool::Reserve
        } else {
            Pool::Plan
        });
        // Stages belong to one pool; switching tabs drops the stage.
        f.stage = None;
        Tab {
            label,
            href: link(&f),
            current: code == pool,
            id,
        }
    })
    .collect();
    let current_sort = filter.sort.unwrap_or_default();
    let descending = filter.desc.unwrap_or(false);
    let columns = [
        ("projects.col_code", Some(SortKey::Code), ""),
        ("projects.col_name", Some(SortKey::Name), ""),
        ("projects.col_category", None, ""),
        ("projects.col_region", None, ""),
        ("projects.col_lead", None, ""),
        ("projects.col_stage", None, ""),
        ("projects.light", None, ""),
        ("projects.col_budget", Some(SortKey::Budget), "num"),
        ("projects.col_planned_end", Some(SortKey::PlannedEnd), ""),
        ("projects.col_progress", Some(SortKey::Progress), "num"),
        ("projects.col_updated", Some(SortKey::Updated), ""),
    ]
    .into_iter()
    .map(|(label, key, class)| {
        let href = key.map(|key| {
            let mut f = filter.clone();
            let toggled = key == current_sort && !descending;
            f.sort = Some(key);
            f.desc = toggled.then_some(true);
            link(&f)
        });
        Column {
            label,
            href,
            sorted: key.filter(|k| *k == current_sort).map(|_| {
                if descending {
                    "descending"
                } else {
                    "ascending"
                }
            }),
            class,
        }
    })
    .collect();

    let this_year = super::today(&state).year();
    let year_text = filter.year.map(|y| y.to_string()).unwrap_or_default();
    let mut years: Vec<i32> = ((this_year - 5)..=(this_year + 1)).rev().collect();
    if let Some(y) = filter.year.filter(|y| !years.contains(y)) {
        years.push(y);
    }
    let stage_code = filter.stage.clone().unwrap_or_default();
    let stages = Stage::ALL
        .iter()
        .filter(|st| st.in_annual_plan() == (pool == "plan"))
        .map(|st| Choice::new(st.code(), stage_name(lang, st.code()), &stage_code))
        .collect();
    let id_text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut errors = crate::kernel::form::FormErrors::default();
    if trimmed(&query.year).is_some() && filter.year.is_none() {
        errors.add("year", lang.problem(&minxin_domain::Problem::Malformed));
    }
    let actor = &s.session.actor;
    html(&ListPage {
        c: Chrome::signed(&state, &s, &format!("/projects?{}", query_of(&filter)))
            .with_notice(project_notice(query.notice.as_deref())),
        errors,
        tabs,
        pool,
        years: years
            .into_iter()
            .map(|y| Choice::new(y, y.to_string(), &year_text))
            .collect(),
        categories: category_filter_choices(lang, &categories, &id_text(filter.category_id)),
        stages,
        lights: light_choices(lang, filter.light.as_deref().unwrap_or_default()),
        departments: departments
            .iter()
            .map(|d| Choice::new(d.id, d.name.clone(), &id_text(filter.department_id)))
            .collect(),
        regions: region_choices(&regions, &id_text(filter.region_id)),
        owner: filter.owner.clone().unwrap_or_default(),
        q: filter.q.clone().unwrap_or_default(),
        sort: sort_code(current_sort).to_owned(),
        desc: descending,
        columns,
        rows: page.items.iter().map(|p| Row::new(lang, p)).collect(),
        total: page.total,
        pager: Pager::new(lang, &page, "/projects", &plain),
        export_href: format!("/projects/export.xlsx?{}", query_of(&filter)),
        may_create: may_create(actor),
        may_import: actor.roles.has(minxin_domain::Role::Office),
        may_edit_dictionary: actor.may(minxin_domain::Permission::ManageDictionary),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> ListQuery {
        serde_urlencoded::from_str(&serde_urlencoded::to_string(pairs).unwrap()).unwrap()
    }

    #[test]
    fn the_query_string_round_trips_through_the_filter() {
        let q = query(&[
            ("pool", "reserve"),
            ("year", "2026"),
            ("category_id", "3"),
            ("stage", "reserve"),
            ("department_id", "7"),
            ("region_id", "4"),
            ("owner", " 张 "),
            ("q", "老旧小区"),
            ("sort", "budget"),
            ("desc", "true"),
            ("page", "2"),
        ]);
        let filter = filter_of(&q);
        assert_eq!(filter.pool, Some(Pool::Reserve));
        assert_eq!(filter.year, Some(2026));
        assert_eq!(filter.owner.as_deref(), Some("张"));
        assert_eq!(filter.q.as_deref(), Some("老旧小区"));
        assert_eq!(filter.sort, Some(SortKey::Budget));
        assert_eq!(filter.desc, Some(true));
        let again = filter_of(&serde_urlencoded::from_str(&query_of(&filter)).unwrap());
        assert_eq!(
            serde_json::to_value(&again).unwrap(),
            serde_json::to_value(&filter).unwrap()
        );
        assert!(!query_of(&filter).contains("page"), "exports take no page");
    }

    #[test]
    fn unreadable_values_are_ignored() {
        let filter = filter_of(&query(&[
            ("pool", "x"),
            ("year", "20x6"),
            ("category_id", "abc"),
            ("stage", "built"),
            ("sort", "drop table"),
            ("desc", "no"),
            ("q", "  "),
        ]));
        assert_eq!(filter.pool, Some(Pool::Plan));
        assert_eq!(
            (filter.year, filter.category_id, filter.stage.as_deref()),
            (None, None, None)
        );
        assert_eq!(
            (filter.sort, filter.desc, filter.q.as_deref()),
            (None, None, None)
        );
        assert_eq!(query_of(&filter), "pool=plan");
        let long = "长".repeat(500);
        let filter = filter_of(&query(&[("q", &long)]));
        assert_eq!(filter.q.unwrap().chars().count(), MAX_TEXT);
    }
}
