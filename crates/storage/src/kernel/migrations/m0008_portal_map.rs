//! The portal (issue 5): an index that answers "public projects in this part of the map" — with
//! the year, stage and light a resident filters by — from index entries alone, so a district
//! view of a 100,000-project registry is counted and clustered without reading rows; and one in
//! the portal list's order (newest plan first, then by code), so its first page is the first
//! twenty entries rather than a sort of every public project.

use super::statements::{index_on, render};
use crate::kernel::db::Backend;
use crate::kernel::schema::{ProjectLights, Projects};
use sea_query::{IndexColumn, IndexOrder, IntoIden};

/// The statements of migration 8.
pub fn statements(backend: Backend) -> Vec<String> {
    render(
        backend,
        &[],
        &[
            index_on(
                "projects_portal_map",
                Projects::Table,
                [
                    Projects::IsPublic.into_iden(),
                    Projects::Latitude.into_iden(),
                    Projects::Longitude.into_iden(),
                    Projects::Year.into_iden(),
                    Projects::Stage.into_iden(),
                    ProjectLights::Light.into_iden(),
                ],
            ),
            index_on(
                "projects_portal_list",
                Projects::Table,
                [
                    IndexColumn::from(Projects::IsPublic),
                    (Projects::Year, IndexOrder::Desc).into(),
                    Projects::Code.into(),
                    Projects::Stage.into(),
                ],
            ),
        ],
    )
}
