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

mod export;
mod job;
mod messages;
mod template;
mod upload;
mod uploads;

pub use messages::describe_line;

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
