//! Categories belong to a region (issue 15 finding 11): the region an office added one for and
//! its materialised path, so a district sees its own, those from above and below, not its
//! siblings'. The categories that exist already stay without a region — the shipped
//! dictionary, everyone's. Regions never move, so the path stays right.

use super::columns::{big_null, text_null};
use super::statements::add_columns;
use crate::kernel::db::Backend;
use crate::kernel::schema::Categories;

/// The statements of this migration for `backend` (SQLite adds one column per statement).
pub fn statements(backend: Backend) -> Vec<String> {
    add_columns(
        backend,
        Categories::Table,
        [
            big_null(Categories::RegionId),
            text_null(Categories::RegionPath),
        ],
    )
}
