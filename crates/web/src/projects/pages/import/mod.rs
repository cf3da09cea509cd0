//! Excel in and out for the project registry: the list as filtered, exported to .xlsx; the
//! annual-plan import template with dictionary drop-downs; and the import itself — upload,
//! preview with every row's problems, confirm, and progress while it runs.
//!
//! An upload is a job of the queue in the database (`record.rs`): held, with the file as the
//! job's file and the browser session that uploaded it in its payload; the account that owns
//! it and that session alone see it, every other gets a 404. Confirming releases it; the
//! background worker runs it (`run.rs`), parsing the same bytes again (what was previewed is
//! what is imported), and the status page shows the job's progress, refreshing itself, then
//! its result. Jobs live in the database, so every instance shows them; uploads older than a
//! day are removed at the next upload.

mod export;
mod job;
mod messages;
mod record;
mod run;
mod template;
mod upload;

pub use messages::describe_line;
pub use record::KIND;
pub use run::run;

use crate::kernel::error::Failure;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use minxin_domain::Role;
use minxin_domain::projects::import::workbook::MAX_FILE_BYTES;

/// The most rows one export holds.
pub const EXPORT_CAP: u64 = 100_000;

/// The largest upload body the import accepts: the file plus the multipart framing.
pub const UPLOAD_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

/// Routes of the export and import pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/export.xlsx", get(export::export))
        .route(
            "/projects/import",
            get(upload::form)
                .post(upload::upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/projects/import/template.xlsx", get(template::template))
        .route("/projects/import/{id}", get(job::show))
        .route("/projects/import/{id}/confirm", post(job::confirm))
}

/// The import pages are the project office's (storage checks every row again).
fn permit_import(s: &Signed) -> Result<(), Failure> {
    if s.session.actor.roles.has(Role::Office) {
        Ok(())
    } else {
        Err(Failure::new(StatusCode::FORBIDDEN, "forbidden"))
    }
}
