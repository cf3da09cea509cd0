//! The upload form and the multipart upload it posts, read and parsed into a preview.

use super::messages::{IssueRow, issue_rows};
use super::permit_import;
use super::record::{KIND, Payload, display_name};
use crate::kernel::chrome::Chrome;
use crate::kernel::csrf;
use crate::kernel::error::Failure;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::scoped;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minxin_domain::Permission;
use minxin_domain::projects::import::workbook::{MAX_FILE_BYTES, read_workbook};
use minxin_domain::projects::import::{Issue, MAX_ROWS, RowIssue};
use minxin_storage::kernel::jobs::NewJob;

/// How long an upload and its import's job are kept.
const KEEP: chrono::Duration = chrono::Duration::hours(24);

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

/// POST /projects/import (multipart, token in the query): keeps the file in a held import job
/// (sweeping away uploads older than a day first) and shows its preview, or shows the form
/// again with what is wrong with the file.
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
    let payload = Payload {
        binding: csrf::binding(&s.client.cookies).unwrap_or_default(),
        file_name,
        address: s.client.address.clone(),
    };
    let payload = serde_json::to_value(payload)
        .map_err(|_| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?;
    state.store.queue().sweep(KIND, KEEP).await?;
    let id = scoped(&state, &s)
        .jobs()
        .enqueue(NewJob {
            kind: KIND,
            payload,
            priority: 0,
            file: Some(&bytes),
            held: true,
            permission: Permission::ReadProjects,
        })
        .await?;
    Ok(Redirect::to(&format!("/projects/import/{id}")).into_response())
}
