//! Service requests in bulk, for benchmarks only: a million invented requests in a few minutes
//! is what measuring intake and the Open311 reads at scale needs, so rows go in as multi-row
//! INSERTs inside one transaction per call, each with its first timeline entry, without
//! auditing and without the checks of intake (the rows are invented valid). Never reachable
//! from a page or the API.

use super::rows::{EventRow, RequestRow, insert_events, insert_requests};
use crate::Store;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{RequestCategories, ServiceRequests};
use chrono::{DateTime, Utc};
use minxin_domain::kernel::geo::Point;
use minxin_domain::requests::deadline::Deadlines;
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

/// Rows per multi-row INSERT: at 26 values a row, below both engines' parameter limits.
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
            let codes: Vec<ReceiptCode> = chunk
                .iter()
                .map(|_| ReceiptCode::from_random(std::array::from_fn(|_| rand::random::<u64>())))
                .collect();
            let mut requests = Vec::with_capacity(chunk.len());
            for (r, code) in chunk.iter().zip(&codes) {
                requests.push(RequestRow {
                    receipt: code.as_str(),
                    category: *categories.get(r.category).ok_or_else(|| {
                        StoreError::Config(format!("no category `{}`", r.category))
                    })?,
                    description: &r.description,
                    point: Some(Point {
                        lat: r.point.0,
                        lon: r.point.1,
                    }),
                    address: &r.address,
                    project: None,
                    region_path: &r.region_path,
                    channel: r.channel,
                    entered_by: r.entered_by.map(|(id, _)| id),
                    contact: r
                        .contact
                        .as_ref()
                        .map(|(name, phone)| (name.as_str(), phone.as_str()))
                        .unzip(),
                    state: r.state,
                    holder: r.holder,
                    owner: r.owner,
                    submitted_at: r.submitted_at,
                    due: Deadlines {
                        accept_by: r.accept_by,
                        answer_by: r.answer_by,
                    },
                    answer: r.answer.as_ref().map(|(text, at)| (text.as_str(), *at)),
                    closed_at: r.closed_at,
                    rating: r.rating,
                    is_published: r.is_published,
                    updated_at: r
                        .closed_at
                        .or(r.answer.as_ref().map(|(_, at)| *at))
                        .unwrap_or(r.submitted_at),
                });
            }
            let insert = insert_requests(requests)
                .returning_col(ServiceRequests::Id)
                .take();
            let ids: Vec<(i64,)> = tx.all(&insert).await?;
            let events = ids.iter().zip(chunk).map(|((id,), r)| EventRow {
                request: *id,
                kind: "submitted",
                at: r.submitted_at,
                account: r.entered_by,
                department: None,
                note: "",
            });
            tx.execute(&insert_events(events)).await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }
}
