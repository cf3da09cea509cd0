//! My reminders (我的提醒): the monthly reports the nightly run found missing for projects the
//! signed-in user reports on, each linking to the project, and a button to mark one read. A
//! reminder leaves the list by itself once its report is filed.

use super::chrome::Chrome;
use super::html;
use super::widgets::{Id, scoped};
use crate::error::Failure;
use crate::session::Signed;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minxin_domain::kernel::time::format_local;
use minxin_storage::progress::reminders::Reminder;

/// A reminder as a row of the page.
struct Row {
    id: i64,
    project_id: i64,
    project: String,
    period: String,
    sent: String,
    unread: bool,
}

impl Row {
    fn new(r: &Reminder) -> Self {
        Row {
            id: r.id,
            project_id: r.project_id,
            project: format!("{} {}", r.project_code, r.project_name),
            period: r.period.clone(),
            sent: format_local(r.created_at),
            unread: r.read_at.is_none(),
        }
    }
}

#[derive(Template)]
#[template(path = "reminders.html")]
struct RemindersPage {
    c: Chrome,
    rows: Vec<Row>,
}

/// GET /reminders
pub async fn list(State(state): State<AppState>, s: Signed) -> Result<Response, Failure> {
    let reminders = scoped(&state, &s).reminders().await?;
    html(&RemindersPage {
        c: Chrome::signed(&state, &s, "/reminders"),
        rows: reminders.iter().map(Row::new).collect(),
    })
}

/// POST /reminders/{id}/read
pub async fn read(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> Result<Response, Failure> {
    scoped(&state, &s).mark_reminder_read(id).await?;
    Ok(Redirect::to("/reminders").into_response())
}
