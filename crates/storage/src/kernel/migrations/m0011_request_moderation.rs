//! The office's moderation of service requests (issue 6): the wording the public sees of a
//! published request (the resident's text with names, phone numbers and door numbers taken
//! out by the office) and when it was published. A request stays private until the office
//! publishes it; the resident's own text is never shown publicly.

use super::columns::{text_empty, time_null};
use super::statements::add_columns;
use crate::kernel::db::Backend;
use crate::kernel::schema::ServiceRequests;

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    add_columns(
        backend,
        ServiceRequests::Table,
        [
            text_empty(ServiceRequests::PublicDescription),
            time_null(ServiceRequests::PublishedAt),
        ],
    )
}
