//! A service request's row and its timeline entries as they are written. Intake (one request
//! under its savepoint, audited), the warnings and escalations (one `INSERT … SELECT`) and the
//! benchmark seed (thousands per statement, not audited) all go through these builders, so the
//! columns and what fills them are said once.

use crate::kernel::schema::{RequestEvents, ServiceRequests};
use chrono::{DateTime, Utc};
use minxin_domain::kernel::geo::Point;
use minxin_domain::requests::deadline::Deadlines;
use minxin_domain::requests::intake::Channel;
use minxin_domain::requests::service_request::{Rating, RequestState};
use sea_query::{InsertStatement, Query};

/// A request row.
pub(super) struct RequestRow<'a> {
    /// Its receipt code (查询码).
    pub(super) receipt: &'a str,
    /// Category id.
    pub(super) category: i64,
    /// What is wrong.
    pub(super) description: &'a str,
    /// Where, if known; the public copy is coarsened from it.
    pub(super) point: Option<Point>,
    /// The address as typed.
    pub(super) address: &'a str,
    /// The project it concerns.
    pub(super) project: Option<i64>,
    /// Path of the region it was placed in.
    pub(super) region_path: &'a str,
    /// How it came.
    pub(super) channel: Channel,
    /// The staff account that entered it.
    pub(super) entered_by: Option<i64>,
    /// The name and phone the resident left.
    pub(super) contact: (Option<&'a str>, Option<&'a str>),
    /// The state it is in.
    pub(super) state: RequestState,
    /// The department holding it (none in the dispatch queue).
    pub(super) holder: Option<i64>,
    /// The first department to accept it.
    pub(super) owner: Option<i64>,
    /// When it was received.
    pub(super) submitted_at: DateTime<Utc>,
    /// Its deadlines.
    pub(super) due: Deadlines,
    /// The answer and when it was given.
    pub(super) answer: Option<(&'a str, DateTime<Utc>)>,
    /// When it was closed.
    pub(super) closed_at: Option<DateTime<Utc>>,
    /// The resident's rating.
    pub(super) rating: Option<Rating>,
    /// Whether the office published it.
    pub(super) is_published: bool,
    /// When it last changed.
    pub(super) updated_at: DateTime<Utc>,
}

/// A timeline entry.
pub(super) struct EventRow<'a> {
    /// The request.
    pub(super) request: i64,
    /// What happened (`submitted`, `assigned`, …).
    pub(super) kind: &'a str,
    /// When.
    pub(super) at: DateTime<Utc>,
    /// The staff account (id, user name) that did it; none for residents and rules.
    pub(super) account: Option<(i64, &'a str)>,
    /// The department it concerns.
    pub(super) department: Option<i64>,
    /// Its reason or answer.
    pub(super) note: &'a str,
}

/// The columns of a timeline entry, in the order [`insert_events`] fills them.
pub(super) const EVENT_COLUMNS: [RequestEvents; 7] = [
    RequestEvents::RequestId,
    RequestEvents::Kind,
    RequestEvents::At,
    RequestEvents::ActorId,
    RequestEvents::ActorName,
    RequestEvents::DepartmentId,
    RequestEvents::Note,
];

/// The INSERT of `rows` into the service requests.
pub(super) fn insert_requests<'a>(
    rows: impl IntoIterator<Item = RequestRow<'a>>,
) -> InsertStatement {
    let mut insert = Query::insert()
        .into_table(ServiceRequests::Table)
        .columns([
            ServiceRequests::Receipt,
            ServiceRequests::CategoryId,
            ServiceRequests::Description,
            ServiceRequests::Latitude,
            ServiceRequests::Longitude,
            ServiceRequests::PublicLatitude,
            ServiceRequests::PublicLongitude,
            ServiceRequests::Address,
            ServiceRequests::ProjectId,
            ServiceRequests::RegionPath,
            ServiceRequests::Channel,
            ServiceRequests::EnteredBy,
            ServiceRequests::ContactName,
            ServiceRequests::ContactPhone,
            ServiceRequests::State,
            ServiceRequests::HolderDepartmentId,
            ServiceRequests::OwnerDepartmentId,
            ServiceRequests::SubmittedAt,
            ServiceRequests::AcceptBy,
            ServiceRequests::AnswerBy,
            ServiceRequests::AnsweredAt,
            ServiceRequests::ClosedAt,
            ServiceRequests::Answer,
            ServiceRequests::Rating,
            ServiceRequests::IsPublished,
            ServiceRequests::UpdatedAt,
        ])
        .take();
    for r in rows {
        let shown = r.point.map(Point::coarsened);
        insert.values_panic([
            r.receipt.into(),
            r.category.into(),
            r.description.into(),
            r.point.map(|p| p.lat).into(),
            r.point.map(|p| p.lon).into(),
            shown.map(|p| p.lat).into(),
            shown.map(|p| p.lon).into(),
            r.address.into(),
            r.project.into(),
            r.region_path.into(),
            r.channel.code().into(),
            r.entered_by.into(),
            r.contact.0.into(),
            r.contact.1.into(),
            r.state.code().into(),
            r.holder.into(),
            r.owner.into(),
            r.submitted_at.into(),
            r.due.accept_by.into(),
            r.due.answer_by.into(),
            r.answer.map(|(_, at)| at).into(),
            r.closed_at.into(),
            r.answer.map(|(text, _)| text).into(),
            r.rating.map(|g| g.code()).into(),
            r.is_published.into(),
            r.updated_at.into(),
        ]);
    }
    insert
}

/// The INSERT of `rows` into the timeline.
pub(super) fn insert_events<'a>(rows: impl IntoIterator<Item = EventRow<'a>>) -> InsertStatement {
    let mut insert = Query::insert()
        .into_table(RequestEvents::Table)
        .columns(EVENT_COLUMNS)
        .take();
    for e in rows {
        insert.values_panic([
            e.request.into(),
            e.kind.into(),
            e.at.into(),
            e.account.map(|(id, _)| id).into(),
            e.account.map_or("", |(_, name)| name).into(),
            e.department.into(),
            e.note.into(),
        ]);
    }
    insert
}
