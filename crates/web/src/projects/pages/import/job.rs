//! One import's page through its life, read from its job — preview with every row's problems
//! (held), confirm (released to the queue), progress while a worker runs it (the job's
//! done/total), and the final report (the job's result).

use super::messages::{IssueRow, PlanLine, issue_rows, plan_lines, preview_lines};
use super::permit_import;
use super::record::{Outcome, load, parse_bytes};
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Id, scoped};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use minxin_domain::projects::import::{Parsed, RowIssue};
use minxin_storage::Scoped;
use minxin_storage::kernel::jobs::JobState;
use minxin_storage::projects::{ImportPlan, RowAction};

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    c: Chrome,
    id: String,
    file_name: String,
    /// `preview`, `running`, `finished` or `failed`.
    phase: &'static str,
    issues: Vec<IssueRow>,
    lines: Vec<PlanLine>,
    /// Rows in the file.
    total: usize,
    creates: usize,
    updates: usize,
    unchanged: usize,
    /// Rows done, while running.
    done: usize,
    /// Percent done, while running.
    percent: usize,
    /// The headline of the page in words.
    summary: String,
}

impl JobPage {
    fn can_confirm(&self) -> bool {
        self.phase == "preview" && self.issues.is_empty() && self.total > 0
    }
}

/// What the preview of an uploaded file shows: the parse, and storage's plan for the rows that
/// parsed (create or update, and what storage refuses up front).
async fn preview(store: &Scoped<'_>, bytes: Vec<u8>) -> Result<(Parsed, ImportPlan), Failure> {
    let dictionary = store.projects().import_dictionary().await?;
    let parsed = parse_bytes(bytes, dictionary).await;
    let plan = store.projects().plan_import(&parsed.rows).await?;
    Ok((parsed, plan))
}

/// GET /projects/import/{id}
pub(super) async fn show(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> Result<Response, Failure> {
    permit_import(&s)?;
    let lang = s.client.lang;
    let (job, payload) = load(&state, &s, id).await?;
    let mut page = JobPage {
        c: Chrome::signed(&state, &s, "/projects"),
        id: id.to_string(),
        file_name: payload.file_name,
        phase: "preview",
        issues: Vec::new(),
        lines: Vec::new(),
        total: 0,
        creates: 0,
        updates: 0,
        unchanged: 0,
        done: 0,
        percent: 0,
        summary: String::new(),
    };
    let outcome = job
        .result
        .and_then(|result| serde_json::from_value::<Outcome>(result).ok());
    match (job.state, outcome) {
        (JobState::Held, _) => {
            let store = scoped(&state, &s);
            let (parsed, plan) = preview(&store, store.jobs().file(id).await?).await?;
            let mut issues = parsed.issues;
            issues.extend(plan.issues);
            page.total = parsed.data_rows;
            page.creates = plan
                .rows
                .iter()
                .filter(|r| r.action == RowAction::Create)
                .count();
            page.updates = plan.rows.len() - page.creates;
            page.summary = if issues.is_empty() {
                lang.fill(
                    "import.ready",
                    &[
                        ("total", page.total.to_string()),
                        ("creates", page.creates.to_string()),
                        ("updates", page.updates.to_string()),
                    ],
                )
            } else {
                lang.fill("import.has_issues", &[("count", issues.len().to_string())])
            };
            page.issues = issue_rows(lang, &issues);
            page.lines = preview_lines(lang, &parsed.listed, &plan.rows);
        }
        (JobState::Queued | JobState::Running, _) => {
            let count = |n: i64| usize::try_from(n).unwrap_or(0);
            let (done, total) = (count(job.done), count(job.total));
            page.phase = "running";
            page.done = done;
            page.total = total;
            page.percent = (done * 100).checked_div(total).unwrap_or(0);
            page.summary = lang.fill(
                "import.running",
                &[("done", done.to_string()), ("total", total.to_string())],
            );
        }
        (JobState::Finished, Some(Outcome::Finished { report })) => {
            page.total = report.total;
            page.creates = report.created;
            page.updates = report.updated;
            page.unchanged = report.unchanged;
            if report.applied {
                page.phase = "finished";
                page.summary = lang.fill(
                    "import.done",
                    &[
                        ("total", report.total.to_string()),
                        ("created", report.created.to_string()),
                        ("updated", report.updated.to_string()),
                        ("unchanged", report.unchanged.to_string()),
                    ],
                );
                page.lines = plan_lines(lang, &report.rows);
            } else {
                page.phase = "failed";
                page.summary = lang.t("import.failed").to_owned();
                page.issues = issue_rows(lang, &report.issues);
            }
        }
        (_, outcome) => {
            let issues: Vec<RowIssue> = match outcome {
                Some(Outcome::Refused { issues }) => issues,
                _ => Vec::new(),
            };
            page.phase = "failed";
            page.summary = if issues.is_empty() {
                lang.t("import.failed_internal").to_owned()
            } else {
                lang.t("import.failed").to_owned()
            };
            page.issues = issue_rows(lang, &issues);
        }
    }
    let mut response = html(&page)?;
    if page.phase == "running" {
        response
            .headers_mut()
            .insert(header::REFRESH, HeaderValue::from_static("1"));
    }
    Ok(response)
}

/// POST /projects/import/{id}/confirm: releases the held import to the queue, where a worker
/// runs it in the background, and shows its progress. Only the first of several clicks
/// releases it.
pub(super) async fn confirm(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> Result<Response, Failure> {
    permit_import(&s)?;
    load(&state, &s, id).await?;
    scoped(&state, &s).jobs().release(id).await?;
    Ok(Redirect::to(&format!("/projects/import/{id}")).into_response())
}
