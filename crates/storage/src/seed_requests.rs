//! Service requests in bulk, for benchmarks only: a million invented requests in a few minutes
//! is what measuring intake and the Open311 reads at scale needs, so rows go in as multi-row
//! INSERTs inside one transaction per call, each with its first timeline entry, without
//! auditing and without the checks of intake (the rows are invented valid). Never reachable
//! from a page or the API.

use crate::Store;
use crate::error::StoreError;
use crate::schema::{RequestCategories, RequestEvents, ServiceRequests};
use chrono::{DateTime, Utc};
use minxin_domain::kernel::geo::Point;
use minxin_domain::requests::intake::Channel;
use minxin_domain::requests::receipt::ReceiptCode;
use minxin_domain::requests::service_request::{Rating, RequestState};
use sea_query::Query;
use std::collections::HashMap;

/// One invented request with everything its state implies, already consistent.
#[derive(Debug, Clone)]
pub struct BulkRequest {
    /// Category code (Open311 `service_code`).
    pub category: &'static str,
    /// What is wrong.
    pub description: String,
    /// Where (WGS-84 latitude, longitude).
    pub point: (f64, f64),
    /// The address as a resident would type it.
    pub address: String,
    /// Path of the community it lies in.
    pub region_path: String,
    /// How it came.
    pub channel: Channel,
    /// The staff account (id, user name) that entered it (staff channels only).
    pub entered_by: Option<(i64, &'static str)>,
    /// Name and phone left by the resident, if any.
    pub contact: Option<(String, String)>,
    /// The state it has reached.
    pub state: RequestState,
    /// The department holding it (none while in the dispatch queue).
    pub holder: Option<i64>,
    /// The first department to accept it (首问负责).
    pub owner: Option<i64>,
    /// When it was received.
    pub submitted_at: DateTime<Utc>,
    /// Accept deadline.
    pub accept_by: DateTime<Utc>,
    /// Answer deadline.
    pub answer_by: DateTime<Utc>,
    /// The answer and when it was given (answered and closed requests).
    pub answer: Option<(String, DateTime<Utc>)>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The resident's rating.
    pub rating: Option<Rating>,
    /// Whether the office published it.
    pub is_published: bool,
}

/// Rows per multi-row INSERT: 22 values a row stays below both engines' parameter limits.
const BATCH: usize = 500;

impl Store {
    /// Inserts `rows` with one `submitted` timeline entry each, in one transaction, and returns
    /// how many were stored. Receipt codes are drawn at random like intake's.
    pub async fn seed_bulk_requests(&self, rows: &[BulkRequest]) -> Result<usize, StoreError> {
        let mut tx = self.db().begin().await?;
        let categories: Vec<(i64, String)> = tx
            .all(
                Query::select()
                    .columns([RequestCategories::Id, RequestCategories::Code])
                    .from(RequestCategories::Table),
            )
            .await?;
        let categories: HashMap<String, i64> = categories
            .into_iter()
            .map(|(id, code)| (code, id))
            .collect();
        for chunk in rows.chunks(BATCH) {
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
                .returning_col(ServiceRequests::Id)
                .take();
            for r in chunk {
                let category = *categories
                    .get(r.category)
                    .ok_or_else(|| StoreError::Config(format!("no category `{}`", r.category)))?;
                let code = ReceiptCode::from_random(std::array::from_fn(|_| rand::random::<u64>()));
                let updated = r
                    .closed_at
                    .or(r.answer.as_ref().map(|(_, at)| *at))
                    .unwrap_or(r.submitted_at);
                let shown = Point {
                    lat: r.point.0,
                    lon: r.point.1,
                }
                .coarsened();
                insert.values_panic([
                    code.as_str().into(),
                    category.into(),
                    r.description.clone().into(),
                    r.point.0.into(),
                    r.point.1.into(),
                    shown.lat.into(),
                    shown.lon.into(),
                    r.address.clone().into(),
                    r.region_path.clone().into(),
                    r.channel.code().into(),
                    r.entered_by.map(|(id, _)| id).into(),
                    r.contact.as_ref().map(|(name, _)| name.clone()).into(),
                    r.contact.as_ref().map(|(_, phone)| phone.clone()).into(),
                    r.state.code().into(),
                    r.holder.into(),
                    r.owner.into(),
                    r.submitted_at.into(),
                    r.accept_by.into(),
                    r.answer_by.into(),
                    r.answer.as_ref().map(|(_, at)| *at).into(),
                    r.closed_at.into(),
                    r.answer.as_ref().map(|(text, _)| text.clone()).into(),
                    r.rating.map(|g| g.code()).into(),
                    r.is_published.into(),
                    updated.into(),
                ]);
            }
            let ids: Vec<(i64,)> = tx.all(&insert).await?;
            let mut events = Query::insert()
                .into_table(RequestEvents::Table)
                .columns([
                    RequestEvents::RequestId,
                    RequestEvents::Kind,
                    RequestEvents::At,
                    RequestEvents::ActorId,
                    RequestEvents::ActorName,
                    RequestEvents::Note,
                ])
                .take();
            for ((id,), r) in ids.iter().zip(chunk) {
                events.values_panic([
                    (*id).into(),
                    "submitted".into(),
                    r.submitted_at.into(),
                    r.entered_by.map(|(id, _)| id).into(),
                    r.entered_by.map_or("", |(_, name)| name).into(),
                    "".into(),
                ]);
            }
            tx.execute(&events).await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }
}
