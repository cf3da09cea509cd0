//! Uploads kept on disk between preview and confirm: the record beside each file naming the
//! account and browser session that uploaded it, its job state, and the clean-up of old ones.

use crate::kernel::csrf;
use crate::kernel::error::Failure;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use minxin_domain::projects::import::workbook::{MAX_FILE_BYTES, read_workbook};
use minxin_domain::projects::import::{Dictionary, Issue, Parsed, RowIssue, parse};
use minxin_storage::projects::ImportReport;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// How long an upload is kept.
const KEEP: Duration = Duration::from_secs(24 * 3600);

/// Where an import is.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(super) enum JobState {
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
pub(super) struct Upload {
    pub(super) account_id: i64,
    /// The CSRF binding of the browser session that uploaded it.
    pub(super) binding: String,
    pub(super) file_name: String,
    pub(super) uploaded_at: DateTime<Utc>,
    pub(super) state: JobState,
}

/// The import id in the path: only what [`new_id`] makes, so it can never name another file.
pub(super) struct UploadId(pub(super) String);

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
    let token = minxin_storage::identity::credentials::new_token("");
    minxin_storage::identity::credentials::token_digest(&token)[..32].to_owned()
}

/// The uploads kept on disk.
pub(super) struct Uploads {
    dir: PathBuf,
}

pub(super) fn io_failure(e: std::io::Error) -> Failure {
    tracing::error!(error = %e, "import upload store failed");
    Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
}

impl Uploads {
    pub(super) fn of(state: &AppState) -> Self {
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
    pub(super) fn keep(&self, bytes: &[u8], upload: &Upload) -> Result<String, Failure> {
        std::fs::create_dir_all(&self.dir).map_err(io_failure)?;
        self.sweep();
        let id = new_id();
        std::fs::write(self.bytes_path(&id), bytes).map_err(io_failure)?;
        self.save(&id, upload).map_err(io_failure)?;
        Ok(id)
    }

    /// Writes the record atomically (a reader never sees half of it).
    pub(super) fn save(&self, id: &str, upload: &Upload) -> std::io::Result<()> {
        let json = serde_json::to_vec(upload).map_err(std::io::Error::other)?;
        let tmp = self.dir.join(format!("{id}.json.{}", std::process::id()));
        std::fs::write(&tmp, json)?;
        std::fs::rename(tmp, self.record_path(id))
    }

    /// The record of `id`, if it exists and belongs to this user in this browser session.
    pub(super) fn load(&self, id: &str, s: &Signed) -> Result<Upload, Failure> {
        let raw = std::fs::read(self.record_path(id)).map_err(|_| Failure::not_found())?;
        let upload: Upload = serde_json::from_slice(&raw).map_err(|_| Failure::not_found())?;
        let binding = csrf::binding(&s.client.cookies).unwrap_or_default();
        if upload.account_id != s.session.actor.account_id || upload.binding != binding {
            return Err(Failure::not_found());
        }
        Ok(upload)
    }

    pub(super) fn bytes(&self, id: &str) -> Result<Vec<u8>, Failure> {
        std::fs::read(self.bytes_path(id)).map_err(|_| Failure::not_found())
    }

    /// Claims the upload for one confirmation: only the first of several clicks gets `true`.
    pub(super) fn claim(&self, id: &str) -> bool {
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
