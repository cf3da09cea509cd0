//! The portal's map (issue 5): an index that answers "public projects in this part of the map"
//! — with the year, stage and light a resident filters by — from index entries alone, so a
//! district view of a 100,000-project registry is counted and clustered without reading rows.

use super::columns::render;
use crate::db::Backend;
use crate::schema::{ProjectLights, Projects};
use sea_query::Index;

/// The statements of migration 8.
pub fn statements(backend: Backend) -> Vec<String> {
    render(
        backend,
        &[],
        &[Index::create()
            .name("projects_portal_map")
            .table(Projects::Table)
            .col(Projects::IsPublic)
            .col(Projects::Latitude)
            .col(Projects::Longitude)
            .col(Projects::Year)
            .col(Projects::Stage)
            .col(ProjectLights::Light)
            .take()],
    )
}
