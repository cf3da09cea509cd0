//! Residents' service requests (诉求, issue 6): the category catalogue (Open311 services) with
//! each category's accept and answer days, the requests themselves with their receipt codes,
//! place, optional contact details, workflow state, holder and coordinating department (首问)
//! and deadlines, the timeline of every move, photos (re-encoded copies only — a resident's
//! original with its EXIF location is never kept), the office's routing rules and the
//! community boundaries they refer to.

use super::columns::*;
use super::statements::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::*;
use sea_query::{
    ColumnDef, Expr, ForeignKeyAction, IndexCreateStatement, Query, TableCreateStatement,
};

fn tables(backend: Backend) -> Vec<TableCreateStatement> {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};
    vec![
        table(RequestCategories::Table)
            .col(id(RequestCategories::Id))
            .col(text(RequestCategories::Code).unique_key())
            .col(text(RequestCategories::Name))
            .col(text(RequestCategories::NameEn))
            .col(int(RequestCategories::AcceptDays))
            .col(int(RequestCategories::AnswerDays))
            .col(big(RequestCategories::Sort))
            .col(
                ColumnDef::new(RequestCategories::Active)
                    .boolean()
                    .not_null()
                    .default(true),
            )
            .col(time(RequestCategories::CreatedAt))
            .take(),
        table(ServiceRequests::Table)
            .col(id(ServiceRequests::Id))
            .col(text(ServiceRequests::Receipt).unique_key())
            .col(big(ServiceRequests::CategoryId))
            .col(text(ServiceRequests::Description))
            .col(coordinate(ServiceRequests::Latitude))
            .col(coordinate(ServiceRequests::Longitude))
            .col(text(ServiceRequests::Address))
            .col(big_null(ServiceRequests::ProjectId))
            .col(path(ServiceRequests::RegionPath, backend))
            .col(text(ServiceRequests::Channel))
            .col(big_null(ServiceRequests::EnteredBy))
            .col(text_null(ServiceRequests::ContactName))
            .col(text_null(ServiceRequests::ContactPhone))
            .col(text(ServiceRequests::State))
            .col(big_null(ServiceRequests::HolderDepartmentId))
            .col(big_null(ServiceRequests::OwnerDepartmentId))
            .col(int(ServiceRequests::Reopened).default(0))
            .col(big_null(ServiceRequests::MergedInto))
            .col(time(ServiceRequests::SubmittedAt))
            .col(time(ServiceRequests::AcceptBy))
            .col(time(ServiceRequests::AnswerBy))
            .col(time_null(ServiceRequests::AnsweredAt))
            .col(time_null(ServiceRequests::ClosedAt))
            .col(text_null(ServiceRequests::Answer))
            .col(text_null(ServiceRequests::Rating))
            .col(text_null(ServiceRequests::RatingComment))
            .col(flag(ServiceRequests::IsPublished))
            .col(time(ServiceRequests::UpdatedAt))
            .col(version(ServiceRequests::Version))
            .references(
                ServiceRequests::CategoryId,
                RequestCategories::Table,
                Restrict,
            )
            .references(ServiceRequests::ProjectId, Projects::Table, SetNull)
            .references(ServiceRequests::EnteredBy, Accounts::Table, SetNull)
            .references(
                ServiceRequests::HolderDepartmentId,
                Departments::Table,
                Restrict,
            )
            .references(
                ServiceRequests::OwnerDepartmentId,
                Departments::Table,
                Restrict,
            )
            .references(
                ServiceRequests::MergedInto,
                ServiceRequests::Table,
                Restrict,
            )
            .take(),
        table(RequestEvents::Table)
            .col(id(RequestEvents::Id))
            .col(big(RequestEvents::RequestId))
            .col(text(RequestEvents::Kind))
            .col(time(RequestEvents::At))
            .col(big_null(RequestEvents::ActorId))
            .col(text(RequestEvents::ActorName))
            .col(big_null(RequestEvents::DepartmentId))
            .col(text(RequestEvents::Note))
            .references(RequestEvents::RequestId, ServiceRequests::Table, Cascade)
            .references(RequestEvents::ActorId, Accounts::Table, SetNull)
            .references(RequestEvents::DepartmentId, Departments::Table, Restrict)
            .take(),
        table(RequestPhotos::Table)
            .col(id(RequestPhotos::Id))
            .col(big(RequestPhotos::RequestId))
            .col(text(RequestPhotos::Stage))
            .col(text(RequestPhotos::Display))
            .col(text(RequestPhotos::Thumbnail))
            .col(int(RequestPhotos::Width))
            .col(int(RequestPhotos::Height))
            .col(flag(RequestPhotos::HadLocation))
            .col(time(RequestPhotos::UploadedAt))
            .references(RequestPhotos::RequestId, ServiceRequests::Table, Cascade)
            .take(),
        table(CommunityBoundaries::Table)
            .col(big(CommunityBoundaries::RegionId).primary_key())
            .col(text(CommunityBoundaries::Geojson))
            .col(time(CommunityBoundaries::UpdatedAt))
            .references(CommunityBoundaries::RegionId, Regions::Table, Cascade)
            .take(),
        table(RoutingRules::Table)
            .col(id(RoutingRules::Id))
            .col(big_null(RoutingRules::CategoryId))
            .col(big_null(RoutingRules::RegionId))
            .col(big(RoutingRules::DepartmentId))
            .col(time(RoutingRules::CreatedAt))
            .references(RoutingRules::CategoryId, RequestCategories::Table, Cascade)
            .references_column(
                RoutingRules::RegionId,
                (CommunityBoundaries::Table, CommunityBoundaries::RegionId),
                Cascade,
            )
            .references(RoutingRules::DepartmentId, Departments::Table, Cascade)
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        // Queues and lists: a scope's requests by state, newest first.
        index_on(
            "service_requests_scope",
            ServiceRequests::Table,
            [
                ServiceRequests::RegionPath,
                ServiceRequests::State,
                ServiceRequests::SubmittedAt,
            ],
        ),
        index_on(
            "service_requests_holder",
            ServiceRequests::Table,
            [ServiceRequests::HolderDepartmentId, ServiceRequests::State],
        ),
        index_on(
            "service_requests_owner",
            ServiceRequests::Table,
            [ServiceRequests::OwnerDepartmentId],
        ),
        // Open311's public list and the portal map: published requests by time.
        index_on(
            "service_requests_published",
            ServiceRequests::Table,
            [ServiceRequests::IsPublished, ServiceRequests::SubmittedAt],
        ),
        index_on(
            "service_requests_project",
            ServiceRequests::Table,
            [ServiceRequests::ProjectId],
        ),
        index_on(
            "request_events_request",
            RequestEvents::Table,
            [RequestEvents::RequestId, RequestEvents::Id],
        ),
        index_on(
            "request_photos_request",
            RequestPhotos::Table,
            [RequestPhotos::RequestId],
        ),
    ]
}

/// The categories a new installation starts with: (code, 名称, English name, answer days). The
/// office extends and adjusts them; the codes are the Open311 `service_code`s.
const CATEGORIES: &[(&str, &str, &str, i64)] = &[
    ("road", "道路破损", "Damaged road or pavement", 5),
    ("lighting", "路灯照明", "Street lighting", 3),
    ("drainage", "排水积水", "Drainage and flooding", 3),
    (
        "construction",
        "施工扰民与安全",
        "Construction noise and safety",
        3,
    ),
    ("quality", "工程质量", "Quality of works", 5),
    ("facility", "公共设施", "Public facilities", 5),
    (
        "environment",
        "环境卫生与绿化",
        "Cleanliness and greenery",
        5,
    ),
    ("suggestion", "意见建议", "Suggestion", 10),
];

fn categories(backend: Backend) -> Vec<String> {
    CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, (code, name, name_en, answer_days))| {
            let insert = Query::insert()
                .into_table(RequestCategories::Table)
                .columns([
                    RequestCategories::Code,
                    RequestCategories::Name,
                    RequestCategories::NameEn,
                    RequestCategories::AcceptDays,
                    RequestCategories::AnswerDays,
                    RequestCategories::Sort,
                    RequestCategories::CreatedAt,
                ])
                .values_panic([
                    (*code).into(),
                    (*name).into(),
                    (*name_en).into(),
                    1.into(),
                    (*answer_days).into(),
                    (i as i64 * 100).into(),
                    Expr::current_timestamp(),
                ])
                .take();
            backend.query_sql(&insert)
        })
        .collect()
}

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let mut out = render(backend, &tables(backend), &indexes());
    out.extend(categories(backend));
    out
}
