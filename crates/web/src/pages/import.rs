//! Excel in and out for the project registry: the list as filtered, exported to .xlsx; the
//! annual-plan import template with dictionary drop-downs; and the import itself — upload,
//! preview with every row's problems, confirm, and progress while it runs.
//!
//! Between preview and confirm the uploaded file is kept on disk under
//! `<data_dir>/imports/<random id>.xlsx`, with a small JSON record beside it naming the account
//! and the browser session that uploaded it; every other account or session gets a 404 for that
//! id. Confirming parses the same bytes again (what was previewed is what is imported), then
//! runs the import in the background: the record's state moves from `uploaded` to `running`
//! (with a row counter the status page shows, refreshing itself) to `finished` with the report.
//! Records live on disk, not in memory, so any instance sharing the data directory can show
//! them; uploads older than a day are removed at the next upload.

use super::chrome::Chrome;
use super::html;
use super::projects::{ListQuery, filter_of, hold_name, stage_name};
use super::widgets::{Params, scoped};
use crate::csrf;
use crate::error::Failure;
use crate::i18n::Lang;
use crate::session::Signed;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use minxin_domain::Role;
use minxin_domain::kernel::time::shanghai;
use minxin_domain::projects::import::workbook::{DATA_SHEET, MAX_FILE_BYTES, read_workbook};
use minxin_domain::projects::import::{
    Column, Dictionary, DictionaryEntry, ImportRow, Issue, ListedRow, MAX_ROWS, Parsed, RowIssue,
    parse,
};
use minxin_storage::projects::{
    ImportOptions, ImportPlan, ImportReport, ProjectSummary, RowAction, RowPlan,
};
use minxin_storage::{Scoped, Store, StoreError};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, ExcelDateTime, Format, FormatBorder, Formula,
    Note, Workbook, Worksheet, XlsxError,
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// The most rows one export holds.
pub const EXPORT_CAP: u64 = 100_000;

/// The largest upload body the import accepts: the file plus the multipart framing.
pub const UPLOAD_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

/// Excel number formats: money in 元 with two decimals, dates, and text (codes, phones).
pub(crate) const MONEY_FORMAT: &str = "0.00";
pub(crate) const DATE_FORMAT: &str = "yyyy-mm-dd";
const TEXT_FORMAT: &str = "@";

/// The media type of .xlsx files.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How long an upload is kept.
const KEEP: Duration = Duration::from_secs(24 * 3600);

/// A running import whose record was not touched for this long died with its server (its
/// transaction was rolled back, so nothing was imported).
const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// Routes of the export and import pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/export.xlsx", get(export))
        .route(
            "/projects/import",
            get(form)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/projects/import/template.xlsx", get(template))
        .route("/projects/import/{id}", get(show))
        .route("/projects/import/{id}/confirm", post(confirm))
}

// ---- Messages --------------------------------------------------------------------------------

/// "C（项目类别）": where a problem is, as the user finds it in Excel.
pub fn column_label(column: Column) -> String {
    format!("{}（{}）", column.letter(), column.header())
}

/// What is wrong, in words, in `lang`.
pub fn describe(lang: Lang, issue: &Issue) -> String {
    let s = |v: &str| v.to_owned();
    let key = |k: &str| format!("import.issue.{k}");
    let (name, args): (&str, Vec<(&str, String)>) = match issue {
        Issue::NotXlsx => ("not_xlsx", vec![]),
        Issue::LegacyXls => ("legacy_xls", vec![]),
        Issue::TooLarge { max_mib } => ("too_large", vec![("max", max_mib.to_string())]),
        Issue::Inflates { max_mib } => ("inflates", vec![("max", max_mib.to_string())]),
        Issue::TooManyRows { max } => ("too_many_rows", vec![("max", max.to_string())]),
        Issue::NoRows => ("no_rows", vec![]),
        Issue::WrongTemplate {
            letter,
            expected,
            found,
        } => (
            "wrong_template",
            vec![
                ("letter", s(letter)),
                ("expected", s(expected)),
                ("found", s(found)),
            ],
        ),
        Issue::Merged { range } => ("merged", vec![("range", s(range))]),
        Issue::Required => ("required", vec![]),
        Issue::TooLong { max } => ("too_long", vec![("max", max.to_string())]),
        Issue::FormulaError { value } => ("formula_error", vec![("value", s(value))]),
        Issue::BadDate { value } => ("bad_date", vec![("value", s(value))]),
        Issue::BadInteger { value } => ("bad_integer", vec![("value", s(value))]),
        Issue::BadYear { value } => ("bad_year", vec![("value", s(value))]),
        Issue::BadMoney { value } => ("bad_money", vec![("value", s(value))]),
        Issue::MoneyPrecision { value } => ("money_precision", vec![("value", s(value))]),
        Issue::MoneyTooLarge { value } => ("money_too_large", vec![("value", s(value))]),
        Issue::Negative { value } => ("negative", vec![("value", s(value))]),
        Issue::BadCoordinate { value } => ("bad_coordinate", vec![("value", s(value))]),
        Issue::CoordinatePair => ("coordinate_pair", vec![]),
        Issue::BadYesNo { value } => ("bad_yes_no", vec![("value", s(value))]),
        Issue::BadCode { value } => ("bad_code", vec![("value", s(value))]),
        Issue::BadPhone { value } => ("bad_phone", vec![("value", s(value))]),
        Issue::EndBeforeStart => ("end_before_start", vec![]),
        Issue::DuplicateCode { code, first_row } => (
            "duplicate_code",
            vec![("code", s(code)), ("first_row", first_row.to_string())],
        ),
        Issue::UnknownCategory { value } => ("unknown_category", vec![("value", s(value))]),
        Issue::UnknownRegion { value } => ("unknown_region", vec![("value", s(value))]),
        Issue::UnknownDepartment { value } => ("unknown_department", vec![("value", s(value))]),
        Issue::Ambiguous { value } => ("ambiguous", vec![("value", s(value))]),
        Issue::NotOwnDepartment { value } => ("not_own_department", vec![("value", s(value))]),
        Issue::PartnerIsLead { value } => ("partner_is_lead", vec![("value", s(value))]),
        Issue::CodeOutsideScope { code } => ("code_outside_scope", vec![("code", s(code))]),
        Issue::NotManageable { code } => ("not_manageable", vec![("code", s(code))]),
        Issue::CannotCreate => ("cannot_create", vec![]),
        Issue::Conflict { code } => ("conflict", vec![("code", s(code))]),
        Issue::Rule { problem } => return lang.problem(problem),
    };
    lang.fill(&key(name), &args)
}

/// A problem as one line for a terminal: `第 5 行 E（所属街道/社区）：…`.
pub fn describe_line(lang: Lang, issue: &RowIssue) -> String {
    let row = match issue.row {
        Some(row) => lang.fill("import.row_n", &[("row", row.to_string())]),
        None => lang.t("import.whole_file").to_owned(),
    };
    let place = match issue.column {
        Some(column) => format!("{row} {}", column_label(column)),
        None => row,
    };
    format!(
        "{place}{}{}",
        lang.t("import.colon"),
        describe(lang, &issue.issue)
    )
}

/// A problem as a row of the problems table.
pub struct IssueRow {
    /// Row as Excel numbers it, or "whole file".
    pub row: String,
    /// Column letter and header.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

fn issue_rows(lang: Lang, issues: &[RowIssue]) -> Vec<IssueRow> {
    issues
        .iter()
        .map(|i| IssueRow {
            row: i
                .row
                .map_or_else(|| lang.t("import.whole_file").to_owned(), |r| r.to_string()),
            column: i.column.map(column_label).unwrap_or_default(),
            message: describe(lang, &i.issue),
        })
        .collect()
}

/// A row of the preview or the result.
pub struct PlanLine {
    /// Row as Excel numbers it.
    pub row: u32,
    /// Code, or a note that it will be generated.
    pub code: String,
    /// Name.
    pub name: String,
    /// What happens to it, in words.
    pub action: &'static str,
    /// `create`, `update` or `unchanged`, for styling.
    pub action_code: &'static str,
}

fn plan_lines(lang: Lang, rows: &[RowPlan]) -> Vec<PlanLine> {
    rows.iter()
        .map(|r| {
            let action_code = match r.action {
                RowAction::Create => "create",
                RowAction::Update => "update",
                RowAction::Unchanged => "unchanged",
            };
            PlanLine {
                row: r.row,
                code: if r.code.is_empty() {
                    lang.t("import.generated").to_owned()
                } else {
                    r.code.clone()
                },
                name: r.name.clone(),
                action: lang.t(&format!("import.action_{action_code}")),
                action_code,
            }
        })
        .collect()
}

/// Every data row of a preview: the plan's action for rows that parsed, "has problems" for the
/// others.
fn preview_lines(lang: Lang, listed: &[ListedRow], planned: &[RowPlan]) -> Vec<PlanLine> {
    let mut planned = plan_lines(lang, planned).into_iter().peekable();
    listed
        .iter()
        .map(|l| match planned.next_if(|p| p.row == l.row) {
            Some(line) => line,
            None => PlanLine {
                row: l.row,
                code: l.code.clone(),
                name: l.name.clone(),
                action: lang.t("import.action_problem"),
                action_code: "problem",
            },
        })
        .collect()
}

// ---- Who may import --------------------------------------------------------------------------

/// The import pages are the project office's (storage checks every row again).
fn permit_import(s: &Signed) -> Result<(), Failure> {
    if s.session.actor.roles.has(Role::Office) {
        Ok(())
    } else {
        Err(Failure::new(StatusCode::FORBIDDEN, "forbidden"))
    }
}

// ---- Uploads kept between preview and confirm ------------------------------------------------

/// Where an import is.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum JobState {
    /// Uploaded, shown as a preview, not confirmed.
    Uploaded,
    /// Confirmed and running.
    Running {
        done: usize,
        total: usize,
        updated_at: DateTime<Utc>,
    },
    /// Ran to the end (applied, or refused with problems).
    Finished { report: ImportReport },
    /// The file no longer parses, or the server failed; nothing was imported.
    Failed { issues: Vec<RowIssue> },
}

/// The record kept beside an uploaded file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Upload {
    account_id: i64,
    /// The CSRF binding of the browser session that uploaded it.
    binding: String,
    file_name: String,
    uploaded_at: DateTime<Utc>,
    state: JobState,
}

/// The import id in the path: only what [`new_id`] makes, so it can never name another file.
struct UploadId(String);

impl<S: Send + Sync> FromRequestParts<S> for UploadId {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Failure::not_found())?;
        if raw.len() == 32 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(UploadId(raw.to_ascii_lowercase()))
        } else {
            Err(Failure::not_found())
        }
    }
}

fn new_id() -> String {
    let token = minxin_storage::credentials::new_token("");
    minxin_storage::credentials::token_digest(&token)[..32].to_owned()
}

/// The uploads kept on disk.
struct Uploads {
    dir: PathBuf,
}

fn io_failure(e: std::io::Error) -> Failure {
    tracing::error!(error = %e, "import upload store failed");
    Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
}

impl Uploads {
    fn of(state: &AppState) -> Self {
        Uploads {
            dir: state.config.data_dir.join("imports"),
        }
    }

    fn bytes_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.xlsx"))
    }

    fn record_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Keeps `bytes` and their record; returns the new id. Old uploads are swept first.
    fn keep(&self, bytes: &[u8], upload: &Upload) -> Result<String, Failure> {
        std::fs::create_dir_all(&self.dir).map_err(io_failure)?;
        self.sweep();
        let id = new_id();
        std::fs::write(self.bytes_path(&id), bytes).map_err(io_failure)?;
        self.save(&id, upload).map_err(io_failure)?;
        Ok(id)
    }

    /// Writes the record atomically (a reader never sees half of it).
    fn save(&self, id: &str, upload: &Upload) -> std::io::Result<()> {
        let json = serde_json::to_vec(upload).map_err(std::io::Error::other)?;
        let tmp = self.dir.join(format!("{id}.json.{}", std::process::id()));
        std::fs::write(&tmp, json)?;
        std::fs::rename(tmp, self.record_path(id))
    }

    /// The record of `id`, if it exists and belongs to this user in this browser session.
    fn load(&self, id: &str, s: &Signed) -> Result<Upload, Failure> {
        let raw = std::fs::read(self.record_path(id)).map_err(|_| Failure::not_found())?;
        let upload: Upload = serde_json::from_slice(&raw).map_err(|_| Failure::not_found())?;
        let binding = csrf::binding(&s.client.cookies).unwrap_or_default();
        if upload.account_id != s.session.actor.account_id || upload.binding != binding {
            return Err(Failure::not_found());
        }
        Ok(upload)
    }

    fn bytes(&self, id: &str) -> Result<Vec<u8>, Failure> {
        std::fs::read(self.bytes_path(id)).map_err(|_| Failure::not_found())
    }

    /// Claims the upload for one confirmation: only the first of several clicks gets `true`.
    fn claim(&self, id: &str) -> bool {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.dir.join(format!("{id}.lock")))
            .is_ok()
    }

    /// Removes uploads older than [`KEEP`].
    fn sweep(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > KEEP);
            if old {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// The last part of an uploaded file's name, shortened, for display and the audit log.
fn display_name(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = raw.chars().filter(|c| !c.is_control()).take(100).collect();
    if name.trim().is_empty() {
        "upload.xlsx".to_owned()
    } else {
        name
    }
}

/// Parses kept bytes against the user's dictionary, off the async threads.
async fn parse_bytes(bytes: Vec<u8>, dictionary: Dictionary) -> Parsed {
    tokio::task::spawn_blocking(move || match read_workbook(&bytes, MAX_FILE_BYTES) {
        Ok(sheet) => parse(&sheet, &dictionary),
        Err(issue) => Parsed {
            issues: vec![issue],
            ..Parsed::default()
        },
    })
    .await
    .unwrap_or_else(|_| Parsed {
        issues: vec![RowIssue::file(Issue::NotXlsx)],
        ..Parsed::default()
    })
}

// ---- The upload form -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "import.html")]
struct FormPage {
    c: Chrome,
    /// The action URL of the upload form, with the CSRF token (multipart bodies are not
    /// buffered for it).
    action: String,
    /// Problems with the file that was just sent.
    issues: Vec<IssueRow>,
    file_name: String,
    /// The size and row limits in words.
    hint: String,
}

fn form_page(
    state: &AppState,
    s: &Signed,
    issues: Vec<IssueRow>,
    file_name: String,
) -> Result<Response, Failure> {
    let c = Chrome::signed(state, s, "/projects");
    let action = format!(
        "/projects/import?{}",
        serde_urlencoded::to_string([(csrf::FIELD, c.csrf.as_str())]).unwrap_or_default()
    );
    html(&FormPage {
        c,
        action,
        issues,
        file_name,
        hint: s.client.lang.fill(
            "import.file_hint",
            &[
                ("max", (MAX_FILE_BYTES / (1024 * 1024)).to_string()),
                ("rows", MAX_ROWS.to_string()),
            ],
        ),
    })
}

/// GET /projects/import
pub async fn form(State(state): State<AppState>, s: Signed) -> Result<Response, Failure> {
    permit_import(&s)?;
    form_page(&state, &s, Vec::new(), String::new())
}

/// Reads the `file` field of the upload form, up to the size limit.
async fn read_upload(multipart: &mut Multipart) -> Result<Option<(String, Vec<u8>)>, Issue> {
    let too_large = Issue::TooLarge {
        max_mib: MAX_FILE_BYTES / (1024 * 1024),
    };
    let failed = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large.clone()
        } else {
            Issue::NotXlsx
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(failed)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = display_name(field.file_name());
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(failed)? {
            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(too_large);
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((!bytes.is_empty()).then_some((name, bytes)));
    }
    Ok(None)
}

/// POST /projects/import (multipart, token in the query): keeps the file and shows its preview,
/// or shows the form again with what is wrong with the file.
pub async fn upload(
    State(state): State<AppState>,
    s: Signed,
    mut multipart: Multipart,
) -> Result<Response, Failure> {
    permit_import(&s)?;
    let lang = s.client.lang;
    let (file_name, bytes) = match read_upload(&mut multipart).await {
        Ok(Some(file)) => file,
        Ok(None) => {
            let issue = IssueRow {
                row: lang.t("import.whole_file").to_owned(),
                column: String::new(),
                message: lang.t("import.no_file").to_owned(),
            };
            return form_page(&state, &s, vec![issue], String::new());
        }
        Err(issue) => {
            return form_page(
                &state,
                &s,
                issue_rows(lang, &[RowIssue::file(issue)]),
                String::new(),
            );
        }
    };
    // A file that is no workbook at all is refused here, without keeping it.
    let check = bytes.clone();
    let unreadable =
        tokio::task::spawn_blocking(move || read_workbook(&check, MAX_FILE_BYTES).err())
            .await
            .unwrap_or(Some(RowIssue::file(Issue::NotXlsx)));
    if let Some(issue) = unreadable {
        return form_page(&state, &s, issue_rows(lang, &[issue]), file_name);
    }
    let upload = Upload {
        account_id: s.session.actor.account_id,
        binding: csrf::binding(&s.client.cookies).unwrap_or_default(),
        file_name,
        uploaded_at: Utc::now(),
        state: JobState::Uploaded,
    };
    let id = Uploads::of(&state).keep(&bytes, &upload)?;
    Ok(Redirect::to(&format!("/projects/import/{id}")).into_response())
}

// ---- Preview, progress and result ------------------------------------------------------------

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
    let dictionary = store.import_dictionary().await?;
    let parsed = parse_bytes(bytes, dictionary).await;
    let plan = store.plan_import(&parsed.rows).await?;
    Ok((parsed, plan))
}

/// GET /projects/import/{id}
async fn show(
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
        .import_projects(&rows, &options, |done, total| {
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
async fn confirm(
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
    let dictionary = store.import_dictionary().await?;
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

// ---- Writing .xlsx ---------------------------------------------------------------------------

fn xlsx_failure(e: XlsxError) -> Failure {
    tracing::error!(error = %e, "xlsx writing failed");
    Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
}

/// `attachment` with an ASCII `filename` for old clients and the real name as RFC 5987
/// `filename*` (UTF-8, percent-encoded).
pub fn attachment_disposition(ascii_fallback: &str, name: &str) -> String {
    let fallback: String = ascii_fallback
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// A workbook download.
pub(crate) fn xlsx_response(bytes: Vec<u8>, ascii_name: &str, name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    if let Ok(value) = HeaderValue::from_str(&attachment_disposition(ascii_name, name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A time stamp for file names, in Beijing time.
pub(crate) fn stamp() -> String {
    Utc::now()
        .with_timezone(&shanghai())
        .format("%Y%m%d-%H%M%S")
        .to_string()
}

/// The double nearest to `fen` 元, built from the integer 元 and 分 (no floating-point sums).
pub fn yuan_value(fen: i64) -> f64 {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
        .parse()
        .unwrap_or(0.0)
}

pub(crate) fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    ExcelDateTime::from_ymd(
        u16::try_from(date.year()).ok()?,
        date.month() as u8,
        date.day() as u8,
    )
    .ok()
}

pub(crate) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
}

/// The export's columns: message key of the header, width.
const EXPORT_COLUMNS: [(&str, f64); 14] = [
    ("import.export.code", 16.0),
    ("import.export.name", 36.0),
    ("import.export.year", 8.0),
    ("import.export.category", 16.0),
    ("import.export.region", 16.0),
    ("import.export.lead", 20.0),
    ("import.export.owner", 10.0),
    ("import.export.stage", 10.0),
    ("import.export.hold", 8.0),
    ("import.export.budget", 16.0),
    ("import.export.planned_start", 12.0),
    ("import.export.planned_end", 12.0),
    ("import.export.progress", 10.0),
    ("projects.light", 10.0),
];

/// The list rows as a workbook: headers in `lang`, money as numbers in 元 (0.00), dates as
/// dates, the header row frozen, an autofilter and set widths.
pub fn export_workbook(lang: Lang, rows: &[ProjectSummary]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(lang.t("import.export.sheet"))?;
    let head = header_format();
    let money = Format::new().set_num_format(MONEY_FORMAT);
    let date = Format::new().set_num_format(DATE_FORMAT);
    for (col, (key, width)) in EXPORT_COLUMNS.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, lang.t(key), &head)?;
        sheet.set_column_width(col, *width)?;
    }
    for (i, p) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, &p.code)?;
        sheet.write_string(r, 1, &p.name)?;
        sheet.write_number(r, 2, p.year)?;
        sheet.write_string(r, 3, &p.category_name)?;
        sheet.write_string(r, 4, &p.region_name)?;
        sheet.write_string(r, 5, &p.lead_department_name)?;
        sheet.write_string(r, 6, &p.owner_name)?;
        sheet.write_string(r, 7, stage_name(lang, &p.stage))?;
        sheet.write_string(r, 8, hold_name(lang, &p.hold))?;
        sheet.write_number_with_format(r, 9, yuan_value(p.budget_fen), &money)?;
        for (col, day) in [(10, p.planned_start), (11, p.planned_end)] {
            if let Some(d) = day.and_then(excel_date) {
                sheet.write_datetime_with_format(r, col, d, &date)?;
            }
        }
        sheet.write_number(r, 12, p.progress_percent)?;
        if let Some(light) = p.light.as_deref().and_then(|l| l.parse().ok()) {
            sheet.write_string(r, 13, lang.light(light))?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, EXPORT_COLUMNS.len() as u16 - 1)?;
    book.save_to_buffer()
}

/// GET /projects/export.xlsx?<the list's query>: every project the list shows for these filters
/// (all pages, up to [`EXPORT_CAP`]), in list order.
async fn export(
    State(state): State<AppState>,
    s: Signed,
    Params(query): Params<ListQuery>,
) -> Result<Response, Failure> {
    let lang = s.client.lang;
    let filter = filter_of(&query);
    let rows = scoped(&state, &s).all_projects(&filter, EXPORT_CAP).await?;
    let bytes = tokio::task::spawn_blocking(move || export_workbook(lang, &rows))
        .await
        .map_err(|_| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?
        .map_err(xlsx_failure)?;
    let stamp = stamp();
    Ok(xlsx_response(
        bytes,
        &format!("minxin-projects-{stamp}.xlsx"),
        &format!("{}-{stamp}.xlsx", lang.t("import.export.file")),
    ))
}

// ---- The template ----------------------------------------------------------------------------

/// The dictionary sheet's name.
const DICTIONARY_SHEET: &str = "字典";

/// Rows of the data sheet that carry drop-downs and formats.
const TEMPLATE_ROWS: u32 = MAX_ROWS as u32;

/// One list of the dictionary sheet, with a drop-down on `column` (if any).
struct DictionaryList<'a> {
    header: &'static str,
    values: Vec<&'a str>,
    column: Option<Column>,
}

fn labels(entries: &[DictionaryEntry], only: impl Fn(&DictionaryEntry) -> bool) -> Vec<&str> {
    entries
        .iter()
        .filter(|e| only(e))
        .map(|e| e.label.as_str())
        .collect()
}

fn write_dictionary(
    sheet: &mut Worksheet,
    lists: &[DictionaryList<'_>],
    head: &Format,
) -> Result<(), XlsxError> {
    for (col, list) in lists.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, list.header, head)?;
        sheet.set_column_width(col, 28.0)?;
        for (i, value) in list.values.iter().enumerate() {
            sheet.write_string(i as u32 + 1, col, *value)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The import template for `dictionary`: the data sheet with the template's headers (a note on
/// each), typed column formats and drop-downs; the dictionary sheet the drop-downs refer to; and
/// a sheet of instructions in `lang`.
pub fn template_workbook(lang: Lang, dictionary: &Dictionary) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let head = header_format();
    let required_head = header_format().set_font_color(Color::RGB(0xC00000));
    let text = Format::new().set_num_format(TEXT_FORMAT);
    let money = Format::new().set_num_format(MONEY_FORMAT);
    let date = Format::new().set_num_format(DATE_FORMAT);
    let yes_no = ["是", "否"];
    let lists = [
        DictionaryList {
            header: Column::Category.header(),
            values: labels(&dictionary.categories, |_| true),
            column: Some(Column::Category),
        },
        DictionaryList {
            header: Column::Region.header(),
            values: labels(&dictionary.regions, |_| true),
            column: Some(Column::Region),
        },
        DictionaryList {
            header: Column::Lead.header(),
            values: labels(&dictionary.departments, |d| d.may_lead),
            column: Some(Column::Lead),
        },
        DictionaryList {
            header: Column::Partners.header(),
            values: labels(&dictionary.departments, |_| true),
            column: None,
        },
        DictionaryList {
            header: Column::Public.header(),
            values: yes_no.to_vec(),
            column: Some(Column::Public),
        },
    ];

    let sheet = book.add_worksheet();
    sheet.set_name(DATA_SHEET)?;
    for column in Column::ALL {
        let col = column.index() as u16;
        let format = if column.required() {
            &required_head
        } else {
            &head
        };
        sheet.write_string_with_format(0, col, column.header(), format)?;
        let help = lang.t(&format!("import.help.{}", column.key()));
        let required = if column.required() {
            lang.t("import.help_required")
        } else {
            lang.t("import.help_optional")
        };
        sheet.insert_note(
            0,
            col,
            &Note::new(format!("{required}\n{help}"))
                .set_author("Minxin")
                .set_width(260),
        )?;
        let width = match column {
            Column::Name | Column::Description | Column::Goals | Column::Address => 30.0,
            Column::Category | Column::Region | Column::Lead | Column::Partners => 22.0,
            Column::Code | Column::Phone | Column::PublicPhone => 16.0,
            Column::Year | Column::Public => 9.0,
            _ => 14.0,
        };
        sheet.set_column_width(col, width)?;
        match column {
            Column::Code | Column::Phone | Column::PublicPhone => {
                sheet.set_column_format(col, &text)?;
            }
            Column::PlannedStart | Column::PlannedEnd => {
                sheet.set_column_format(col, &date)?;
            }
            c if c.funding_source().is_some() => {
                sheet.set_column_format(col, &money)?;
            }
            _ => {}
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, list) in lists.iter().enumerate() {
        let Some(column) = list.column else {
            continue;
        };
        if list.values.is_empty() {
            continue;
        }
        let letter = minxin_domain::projects::import::column_letter(i);
        let range = format!(
            "='{DICTIONARY_SHEET}'!${letter}$2:${letter}${}",
            list.values.len() + 1
        );
        let validation = DataValidation::new()
            .allow_list_formula(Formula::new(range))
            .set_error_style(DataValidationErrorStyle::Stop)
            .set_error_title(lang.t("import.validation_title"))?
            .set_error_message(lang.t("import.validation_message"))?;
        let col = column.index() as u16;
        sheet.add_data_validation(1, col, TEMPLATE_ROWS, col, &validation)?;
    }

    let dict = book.add_worksheet();
    dict.set_name(DICTIONARY_SHEET)?;
    write_dictionary(dict, &lists, &head)?;

    let help = book.add_worksheet();
    help.set_name(lang.t("import.help_sheet"))?;
    let wrap = Format::new().set_text_wrap();
    help.set_column_width(0, 18.0)?;
    help.set_column_width(1, 10.0)?;
    help.set_column_width(2, 80.0)?;
    help.write_string_with_format(0, 0, lang.t("import.help_title"), &Format::new().set_bold())?;
    help.write_string_with_format(1, 0, lang.t("import.help_intro"), &Format::new())?;
    help.write_string_with_format(3, 0, lang.t("import.help_col_column"), &head)?;
    help.write_string_with_format(3, 1, lang.t("import.help_col_required"), &head)?;
    help.write_string_with_format(3, 2, lang.t("import.help_col_how"), &head)?;
    for (i, column) in Column::ALL.iter().enumerate() {
        let r = i as u32 + 4;
        help.write_string(r, 0, column_label(*column))?;
        help.write_string(
            r,
            1,
            if column.required() {
                lang.t("import.help_required")
            } else {
                lang.t("import.help_optional")
            },
        )?;
        help.write_string_with_format(
            r,
            2,
            lang.t(&format!("import.help.{}", column.key())),
            &wrap,
        )?;
    }
    book.save_to_buffer()
}

/// GET /projects/import/template.xlsx: the template with the user's dictionaries.
async fn template(State(state): State<AppState>, s: Signed) -> Result<Response, Failure> {
    permit_import(&s)?;
    let lang = s.client.lang;
    let dictionary = scoped(&state, &s).import_dictionary().await?;
    let bytes = tokio::task::spawn_blocking(move || template_workbook(lang, &dictionary))
        .await
        .map_err(|_| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?
        .map_err(xlsx_failure)?;
    Ok(xlsx_response(
        bytes,
        "minxin-import-template.xlsx",
        &format!("{}.xlsx", lang.t("import.template_file")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_built_from_whole_yuan_and_fen() {
        assert_eq!(yuan_value(123_456_789), 1_234_567.89);
        assert_eq!(yuan_value(10), 0.1);
        assert_eq!(yuan_value(-5), -0.05);
        assert_eq!(yuan_value(0), 0.0);
        // 0.1 + 0.2 in floating point is not 0.3; built from fen it is.
        assert_eq!(yuan_value(30), 0.3);
    }

    #[test]
    fn dispositions_are_ascii_with_the_real_name_encoded() {
        let d = attachment_disposition("minxin-projects-1.xlsx", "项目清单 1.xlsx");
        assert_eq!(
            d,
            "attachment; filename=\"minxin-projects-1.xlsx\"; \
             filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E6%B8%85%E5%8D%95%201.xlsx"
        );
        let d = attachment_disposition("a\"b;c.xlsx", "x");
        assert!(d.starts_with("attachment; filename=\"a_b_c.xlsx\""), "{d}");
    }

    #[test]
    fn every_issue_has_words_in_both_languages() {
        let samples = vec![
            Issue::NotXlsx,
            Issue::LegacyXls,
            Issue::TooLarge { max_mib: 10 },
            Issue::TooManyRows { max: 20_000 },
            Issue::NoRows,
            Issue::WrongTemplate {
                letter: "C".into(),
                expected: "项目类别".into(),
                found: "类别".into(),
            },
            Issue::Merged {
                range: "B2:B3".into(),
            },
            Issue::Required,
            Issue::TooLong { max: 50 },
            Issue::FormulaError {
                value: "#REF!".into(),
            },
            Issue::BadDate { value: "x".into() },
            Issue::BadInteger { value: "x".into() },
            Issue::BadYear { value: "x".into() },
            Issue::BadMoney { value: "x".into() },
            Issue::MoneyPrecision { value: "x".into() },
            Issue::MoneyTooLarge { value: "x".into() },
            Issue::Negative { value: "x".into() },
            Issue::BadCoordinate { value: "x".into() },
            Issue::CoordinatePair,
            Issue::BadYesNo { value: "x".into() },
            Issue::BadCode { value: "x".into() },
            Issue::BadPhone { value: "x".into() },
            Issue::EndBeforeStart,
            Issue::DuplicateCode {
                code: "2026-MX-0001".into(),
                first_row: 2,
            },
            Issue::UnknownCategory { value: "x".into() },
            Issue::UnknownRegion { value: "x".into() },
            Issue::UnknownDepartment { value: "x".into() },
            Issue::Ambiguous { value: "x".into() },
            Issue::NotOwnDepartment { value: "x".into() },
            Issue::PartnerIsLead { value: "x".into() },
            Issue::CodeOutsideScope { code: "x".into() },
            Issue::NotManageable { code: "x".into() },
            Issue::CannotCreate,
            Issue::Conflict { code: "x".into() },
        ];
        for lang in [Lang::Zh, Lang::En] {
            for issue in &samples {
                let text = describe(lang, issue);
                assert!(!text.starts_with("import."), "{issue:?}: {text}");
                assert!(!text.contains('{'), "{issue:?}: {text}");
            }
            for column in Column::ALL {
                let key = format!("import.help.{}", column.key());
                assert_ne!(lang.t(&key), key);
            }
            for (key, _) in EXPORT_COLUMNS {
                assert_ne!(lang.t(key), key);
            }
        }
        let line = describe_line(
            Lang::Zh,
            &RowIssue::cell(
                5,
                Column::Region,
                Issue::UnknownRegion {
                    value: "样板街道".into(),
                },
            ),
        );
        assert!(line.starts_with("第 5 行 E（所属街道/社区）："), "{line}");
        assert!(line.contains("样板街道"), "{line}");
    }

    #[test]
    fn the_template_reads_back_as_an_empty_import() {
        let dictionary = Dictionary {
            categories: minxin_domain::projects::import::entries(vec![(
                1,
                "a.b".into(),
                "老旧小区改造".into(),
                "基础设施".into(),
                true,
            )]),
            regions: Vec::new(),
            departments: Vec::new(),
        };
        let bytes = template_workbook(Lang::Zh, &dictionary).unwrap();
        let sheet = read_workbook(&bytes, MAX_FILE_BYTES).unwrap();
        let parsed = parse(&sheet, &dictionary);
        assert_eq!(parsed.issues, vec![RowIssue::file(Issue::NoRows)]);
    }
}
