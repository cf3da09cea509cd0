//! One import's page through its life — preview with every row's problems, confirm, progress
//! while it runs in the background, and the final report.

use super::messages::{IssueRow, PlanLine, issue_rows, plan_lines, preview_lines};
use super::permit_import;
use super::uploads::{JobState, Upload, UploadId, Uploads, io_failure, parse_bytes};
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::scoped;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use minxin_domain::projects::import::{ImportRow, Issue, Parsed, RowIssue};
use minxin_storage::projects::{ImportOptions, ImportPlan, RowAction};
use minxin_storage::{Scoped, Store, StoreError};

/// A running import whose record was not touched for this long died with its server (its
/// transaction was rolled back, so nothing was imported).
const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    c: Chrome,
    id: String,
    file_name: String,
    /// `preview`, `running`, `finished`, `failed` or `interrupted`.
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
    UploadId(id): UploadId,
) -> Result<Response, Failure> {
    permit_import(&s)?;
    let lang = s.client.lang;
    let uploads = Uploads::of(&state);
    let upload = uploads.load(&id, &s)?;
    let mut page = JobPage {
        c: Chrome::signed(&state, &s, "/projects"),
        id: id.clone(),
        file_name: upload.file_name.clone(),
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
    let mut refresh = false;
    match upload.state {
        JobState::Uploaded => {
            let store = scoped(&state, &s);
            let (parsed, plan) = preview(&store, uploads.bytes(&id)?).await?;
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
        JobState::Running {
            done,
            total,
            updated_at,
        } => {
            if Utc::now() - updated_at > STALE_AFTER {
                page.phase = "interrupted";
                page.summary = lang.t("import.interrupted").to_owned();
            } else {
                page.phase = "running";
                page.done = done;
                page.total = total;
                page.percent = (done * 100).checked_div(total).unwrap_or(0);
                page.summary = lang.fill(
                    "import.running",
                    &[("done", done.to_string()), ("total", total.to_string())],
                );
                refresh = true;
            }
        }
        JobState::Finished { report } => {
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
        JobState::Failed { issues } => {
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
    if refresh {
        response
            .headers_mut()
            .insert(header::REFRESH, HeaderValue::from_static("1"));
    }
    Ok(response)
}

/// Runs a confirmed import to the end, recording progress and the outcome beside the upload.
async fn run(
    store: Store,
    actor: minxin_domain::Actor,
    address: String,
    uploads: Uploads,
    id: String,
    upload: Upload,
    rows: Vec<ImportRow>,
) {
    let scoped = store.scoped(&actor, &address);
    let record = |state: JobState| Upload {
        state,
        ..upload.clone()
    };
    let options = ImportOptions {
        source: upload.file_name.clone(),
        dry_run: false,
    };
    let outcome = scoped
        .projects()
        .import(&rows, &options, |done, total| {
            // Storage reports every few hundred rows; each report is one small file write.
            if done < total {
                let running = JobState::Running {
                    done,
                    total,
                    updated_at: Utc::now(),
                };
                if let Err(e) = uploads.save(&id, &record(running)) {
                    tracing::warn!(error = %e, "import progress not recorded");
                }
            }
        })
        .await;
    let state = match outcome {
        Ok(report) => JobState::Finished { report },
        Err(StoreError::Forbidden) => JobState::Failed {
            issues: vec![RowIssue::file(Issue::CannotCreate)],
        },
        Err(e) => {
            tracing::error!(error = %e, "import failed");
            JobState::Failed { issues: Vec::new() }
        }
    };
    if let Err(e) = uploads.save(&id, &record(state)) {
        tracing::error!(error = %e, "import outcome not recorded");
    }
}

/// POST /projects/import/{id}/confirm: starts the import in the background and shows its
/// progress.
pub(super) async fn confirm(
    State(state): State<AppState>,
    s: Signed,
    UploadId(id): UploadId,
) -> Result<Response, Failure> {
    permit_import(&s)?;
    let uploads = Uploads::of(&state);
    let upload = uploads.load(&id, &s)?;
    let to_status = Redirect::to(&format!("/projects/import/{id}")).into_response();
    if !matches!(upload.state, JobState::Uploaded) || !uploads.claim(&id) {
        return Ok(to_status);
    }
    let store = scoped(&state, &s);
    let dictionary = store.projects().import_dictionary().await?;
    let parsed = parse_bytes(uploads.bytes(&id)?, dictionary).await;
    if !parsed.issues.is_empty() || parsed.rows.is_empty() {
        let failed = Upload {
            state: JobState::Failed {
                issues: parsed.issues,
            },
            ..upload
        };
        uploads.save(&id, &failed).map_err(io_failure)?;
        return Ok(to_status);
    }
    let running = Upload {
        state: JobState::Running {
            done: 0,
            total: parsed.rows.len(),
            updated_at: Utc::now(),
        },
        ..upload
    };
    uploads.save(&id, &running).map_err(io_failure)?;
    // In the background: the import must not die with the request when the browser leaves,
    // and the browser watches its progress meanwhile.
    tokio::spawn(run(
        state.store.clone(),
        s.session.actor.clone(),
        s.client.address.clone(),
        uploads,
        id,
        running,
        parsed.rows,
    ));
    Ok(to_status)
}
