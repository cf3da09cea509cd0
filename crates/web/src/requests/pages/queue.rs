//! The request queues at `/requests`: tabs for what is open, waiting for dispatch, overdue,
//! answered and done, filtered by category, the most urgent first, each row marked on time,
//! due soon or overdue by the same rule the deadlines use.

use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use crate::kernel::widgets::{Pager, page_request};
use crate::requests::pages::residents::{Choice, category_choices};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use minxin_domain::Permission;
use minxin_domain::kernel::time::format_local;
use minxin_domain::requests::deadline::{Deadlines, timeliness};
use minxin_domain::requests::service_request::RequestState;
use minxin_storage::requests::{QueueFilter, QueueRow, QueueView};
use serde::Deserialize;

/// The queue's query string.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    view: Option<String>,
    category: Option<String>,
    page: Option<String>,
}

/// One row as the page shows it.
struct Row {
    id: i64,
    category: String,
    summary: String,
    place: String,
    state: &'static str,
    department: String,
    submitted: String,
    due: String,
    timeliness: &'static str,
    timeliness_label: &'static str,
    published: bool,
}

/// How much of the resident's text a row shows.
const SUMMARY_CHARS: usize = 60;

/// The first words of `text`, with an ellipsis when cut.
pub(super) fn summary(text: &str) -> String {
    let mut out: String = text.chars().take(SUMMARY_CHARS).collect();
    if text.chars().nth(SUMMARY_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// The state and deadline columns of a request: its state in words, the deadline that applies
/// (or none) and its on-time/due-soon/overdue code.
pub(super) fn standing(
    lang: Lang,
    state: &str,
    deadlines: Deadlines,
    now: chrono::DateTime<chrono::Utc>,
) -> (&'static str, String, &'static str) {
    match state.parse::<RequestState>() {
        Ok(s) => (
            lang.request_state(s),
            minxin_domain::requests::deadline::pending(s, deadlines)
                .map(format_local)
                .unwrap_or_default(),
            timeliness(s, deadlines, now).code(),
        ),
        Err(()) => ("", String::new(), "on_time"),
    }
}

impl Row {
    fn new(lang: Lang, r: QueueRow, now: chrono::DateTime<chrono::Utc>) -> Self {
        let deadlines = Deadlines {
            accept_by: r.accept_by,
            answer_by: r.answer_by,
        };
        let (state, due, timeliness) = standing(lang, &r.state, deadlines, now);
        Row {
            id: r.id,
            category: match lang {
                Lang::Zh => r.category_name,
                Lang::En => r.category_name_en,
            },
            summary: summary(&r.description),
            place: r.address,
            state,
            department: r.holder_name.or(r.owner_name).unwrap_or_default(),
            submitted: format_local(r.submitted_at),
            due,
            timeliness,
            timeliness_label: lang.t(&format!("request_work.timeliness.{timeliness}")),
            published: r.is_published,
        }
    }
}

/// A tab of the queue.
struct Tab {
    code: &'static str,
    label: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct QueuePage {
    c: Chrome,
    tabs: Vec<Tab>,
    view: &'static str,
    view_label: &'static str,
    intro: &'static str,
    categories: Vec<Choice>,
    category: String,
    rows: Vec<Row>,
    pager: Pager,
    may_enter: bool,
    may_route: bool,
}

/// GET `/requests`
pub async fn list(staff: Staff, Query(q): Query<QueueQuery>) -> Result<Response, Failure> {
    let lang = staff.lang();
    let view = q
        .view
        .as_deref()
        .and_then(QueueView::from_code)
        .unwrap_or_default();
    let category = q.category.unwrap_or_default();
    let filter = QueueFilter {
        view,
        category: Some(category.clone()).filter(|c| !c.is_empty()),
        state: None,
        page: page_request(q.page.as_deref(), None)?,
    };
    let now = staff.state.clock.now();
    let page = staff.store().requests().queue(&filter, now).await?;
    let categories = category_choices(&staff.state, &staff.signed.client.address, lang).await?;
    let pager = Pager::new(
        lang,
        &page,
        "/requests",
        &[("view", view.code()), ("category", &category)],
    );
    html(&QueuePage {
        c: staff.chrome("/requests"),
        tabs: QueueView::ALL
            .into_iter()
            .map(|v| Tab {
                code: v.code(),
                label: lang.t(&format!("request_work.view.{}", v.code())),
                active: v == view,
            })
            .collect(),
        view: view.code(),
        view_label: lang.t(&format!("request_work.view.{}", view.code())),
        intro: lang.t(&format!("request_work.intro.{}", view.code())),
        categories,
        category,
        rows: page
            .items
            .into_iter()
            .map(|r| Row::new(lang, r, now))
            .collect(),
        pager,
        may_enter: staff.actor().may(Permission::EnterRequests),
        may_route: staff.actor().may(Permission::ModerateRequests),
    })
}
