//! The second factor's enrolment held on the server (issue 15): the secret a session is shown
//! while enrolling, sealed like the enrolled ones, instead of a value the browser sends back.
//! It lives with the session, so ending the session (sign-out, a password change) discards it.

use super::columns::text_null;
use super::statements::add_columns;
use crate::kernel::db::Backend;
use crate::kernel::schema::Sessions;

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    add_columns(backend, Sessions::Table, [text_null(Sessions::TotpPending)])
}
