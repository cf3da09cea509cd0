//! The portal (issue 5): an index that answers "public projects in this part of the map" — with
//! the year, stage and light a resident filters by — from index entries alone, so a district
//! view of a 100,000-project registry is counted and clustered without reading rows; and one in
//! the portal list's order (newest plan first, then by code), so its first page is the first
//! twenty entries rather than a sort of every public project.

use super::columns::render;
use crate::kernel::db::Backend;
use crate::kernel::schema::{ProjectLights, Projects};
use sea_query::{Index, IndexOrder};

/// The statements of migration 8.
pub fn statements(backend: Backend) -> Vec<String> {
    render(
        backend,
        &[],
        &[
            Index::create()
                .name("projects_portal_map")
                .table(Projects::Table)
                .col(Projects::IsPublic)
                .col(Projects::Latitude)
                .col(Projects::Longitude)
                .col(Projects::Year)
                .col(Projects::Stage)
                .col(ProjectLights::Light)
                .take(),
            Index::create()
                .name("projects_portal_list")
                .table(Projects::Table)
                .col(Projects::IsPublic)
                .col((Projects::Year, IndexOrder::Desc))
                .col(Projects::Code)
                .col(Projects::Stage)
                .take(),
        ],
    )
}
