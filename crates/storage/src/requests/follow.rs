//! Following a request by its receipt code: what the resident may know of it — the state, the
//! deadlines, the answer and the timeline by department — and nothing of the staff who handle
//! it. A code that is malformed or matches nothing is "not found", the same answer either way.

use super::Residents;
use super::categories::WithCategory;
use super::queue::WithDepartmentName;
use crate::kernel::error::StoreError;
use crate::kernel::schema::*;
use chrono::{DateTime, Utc};
use minxin_domain::requests::receipt::ReceiptCode;
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};

/// A request as its resident follows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Tracked {
    /// The request's id.
    pub id: i64,
    /// The category's name.
    pub category_name: String,
    /// The category's English name.
    pub category_name_en: String,
    /// What the resident wrote.
    pub description: String,
    /// The address given.
    pub address: String,
    /// Latitude, WGS-84.
    pub latitude: Option<f64>,
    /// Longitude, WGS-84.
    pub longitude: Option<f64>,
    /// The workflow state's code.
    pub state: String,
    /// The department handling it, by name.
    pub department_name: Option<String>,
    /// When it was received.
    pub submitted_at: DateTime<Utc>,
    /// The end of the last day to accept it.
    pub accept_by: DateTime<Utc>,
    /// The end of the last day to answer it.
    pub answer_by: DateTime<Utc>,
    /// The answer, once given.
    pub answer: Option<String>,
    /// When it was answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// The resident's rating code, once given.
    pub rating: Option<String>,
    /// How often it was reopened.
    pub reopened: i32,
    /// The request it was merged into, if it was.
    pub merged_into: Option<i64>,
    /// For a merged request, how the one it joined stands: its resident is told that outcome.
    #[sqlx(skip)]
    pub joined: Option<Joined>,
    /// The timeline, oldest first.
    #[sqlx(skip)]
    pub timeline: Vec<Step>,
}

/// How the request a merged one joined stands, as its resident may know it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Joined {
    /// The workflow state's code.
    pub state: String,
    /// The department handling it, by name.
    pub department_name: Option<String>,
    /// The answer, once given.
    pub answer: Option<String>,
    /// When it was answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether it was merged further (followed up to [`MERGE_HOPS`] times).
    pub merged_into: Option<i64>,
}

/// How many merges are followed to find the request that carries the outcome.
const MERGE_HOPS: usize = 8;

/// One step of a request's timeline as the resident sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Step {
    /// What happened (`submitted`, `assigned`, `accepted`, …).
    pub kind: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The department it concerns, by name.
    pub department_name: Option<String>,
}

/// The timeline of `request`, oldest first, with the columns of [`Step`]; staff's file adds
/// who did it and the note.
pub(super) fn timeline(request: i64) -> SelectStatement {
    Query::select()
        .columns([RequestEvents::Kind, RequestEvents::At])
        .department_name(
            (RequestEvents::Table, RequestEvents::DepartmentId),
            "department_name",
        )
        .from(RequestEvents::Table)
        .and_where(Expr::col(RequestEvents::RequestId).eq(request))
        .order_by(RequestEvents::Id, Order::Asc)
        .take()
}

impl Residents<'_> {
    /// The request whose receipt code the resident typed.
    pub async fn follow(&self, typed: &str) -> Result<Tracked, StoreError> {
        let code = ReceiptCode::parse(typed).ok_or(StoreError::NotFound)?;
        let mut tx = self.db.read().await?;
        let s = ServiceRequests::Table;
        let mut tracked: Tracked = tx
            .optional(
                Query::select()
                    .column((s, ServiceRequests::Id))
                    .columns([
                        (s, ServiceRequests::Description),
                        (s, ServiceRequests::Address),
                        (s, ServiceRequests::Latitude),
                        (s, ServiceRequests::Longitude),
                        (s, ServiceRequests::State),
                    ])
                    .department_name((s, ServiceRequests::HolderDepartmentId), "department_name")
                    .columns([
                        (s, ServiceRequests::SubmittedAt),
                        (s, ServiceRequests::AcceptBy),
                        (s, ServiceRequests::AnswerBy),
                        (s, ServiceRequests::Answer),
                        (s, ServiceRequests::AnsweredAt),
                        (s, ServiceRequests::Rating),
                        (s, ServiceRequests::Reopened),
                        (s, ServiceRequests::MergedInto),
                    ])
                    .from(s)
                    .with_category()
                    .and_where(Expr::col((s, ServiceRequests::Receipt)).eq(code.as_str())),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        tracked.timeline = tx.all(&timeline(tracked.id)).await?;
        let mut next = tracked.merged_into;
        for _ in 0..MERGE_HOPS {
            let Some(id) = next else { break };
            let joined: Joined = tx
                .one(
                    Query::select()
                        .column(ServiceRequests::State)
                        .department_name(
                            (s, ServiceRequests::HolderDepartmentId),
                            "department_name",
                        )
                        .columns([
                            ServiceRequests::Answer,
                            ServiceRequests::AnsweredAt,
                            ServiceRequests::MergedInto,
                        ])
                        .from(s)
                        .and_where(Expr::col((s, ServiceRequests::Id)).eq(id)),
                )
                .await?;
            next = joined.merged_into;
            tracked.joined = Some(joined);
        }
        Ok(tracked)
    }
}
