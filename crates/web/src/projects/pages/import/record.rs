//! What the queue keeps of an import: the job's kind, its payload (the upload's record — the
//! browser session it belongs to, the file's name, the address it came from), the outcome a
//! finished import leaves as the job's result. The file itself
//! lies in the job's file; the account is the job's owner and the time its `created_at`.

use crate::kernel::csrf;
use crate::kernel::error::Failure;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::scoped;
use minxin_domain::projects::import::workbook::{MAX_FILE_BYTES, read_workbook};
use minxin_domain::projects::import::{Dictionary, Issue, Parsed, RowIssue, parse};
use minxin_storage::kernel::jobs::Job;
use minxin_storage::projects::ImportReport;
use serde::{Deserialize, Serialize};

/// The kind of the import's jobs in the queue.
pub const KIND: &str = "projects.import";

/// The upload's record, kept as the job's payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Payload {
    /// The CSRF binding of the browser session that uploaded it.
    pub(super) binding: String,
    pub(super) file_name: String,
    /// Where the upload came from, for the audit log of the import.
    pub(super) address: String,
}

/// How an import ended, kept as the job's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub(super) enum Outcome {
    /// Ran to the end (applied, or refused with problems).
    Finished { report: ImportReport },
    /// The file no longer parses, or the owner may not import; nothing was imported.
    Refused { issues: Vec<RowIssue> },
}

/// The import job `id` with its record, if it is this user's from this browser session
/// (storage hides other accounts' jobs; the session is checked here).
pub(super) async fn load(state: &AppState, s: &Signed, id: i64) -> Result<(Job, Payload), Failure> {
    let job = scoped(state, s).jobs().get(id).await?;
    let payload: Payload =
        serde_json::from_value(job.payload.clone()).map_err(|_| Failure::not_found())?;
    let binding = csrf::binding(&s.client.cookies).unwrap_or_default();
    if job.kind != KIND || payload.binding != binding {
        return Err(Failure::not_found());
    }
    Ok((job, payload))
}

/// The last part of an uploaded file's name, shortened, for display and the audit log.
pub(super) fn display_name(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = raw.chars().filter(|c| !c.is_control()).take(100).collect();
    if name.trim().is_empty() {
        "upload.xlsx".to_owned()
    } else {
        name
    }
}

/// Parses kept bytes against the user's dictionary, off the async threads.
pub(super) async fn parse_bytes(bytes: Vec<u8>, dictionary: Dictionary) -> Parsed {
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
