//! The published office line (公开联系电话, issue 5): a phone number the office chose to show the
//! public in full for a project, instead of the owner's personal phone masked. Empty for every
//! project until the office publishes one.
//!
//! Migration 6's totals triggers on `projects` stay as they are: `ALTER TABLE` fires no trigger,
//! and the triggers read only the columns they name (year, region, department, stage, light,
//! money), so an edit of this column alone moves no total. SQLite adds the column in place with
//! its constant default; PostgreSQL (11 and later) records the default without rewriting rows.

use super::columns::text_empty;
use super::statements::add_columns;
use crate::kernel::db::Backend;
use crate::kernel::schema::Projects;

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    add_columns(
        backend,
        Projects::Table,
        [text_empty(Projects::PublicPhone)],
    )
}
