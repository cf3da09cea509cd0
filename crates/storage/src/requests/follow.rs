//! Following a request by its receipt code: what the resident may know of it — the state, the
//! deadlines, the answer and the timeline by department — and nothing of the staff who handle
//! it. A code that is malformed or matches nothing is "not found", the same answer either way.

use super::Residents;
use crate::error::StoreError;
use crate::schema::*;
use chrono::{DateTime, Utc};
use minxin_domain::receipt::ReceiptCode;
use sea_query::{Alias, Expr, ExprTrait, Order, Query};

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
    /// The timeline, oldest first.
    #[sqlx(skip)]
    pub timeline: Vec<Step>,
}

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

/// The name of the department whose id is in `column`, as a scalar sub-select.
pub(super) fn department_name(column: impl sea_query::IntoColumnRef) -> sea_query::SelectStatement {
    Query::select()
        .column((Departments::Table, Departments::Name))
        .from(Departments::Table)
        .and_where(Expr::col((Departments::Table, Departments::Id)).equals(column))
        .to_owned()
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
                    .expr_as(
                        Expr::col((RequestCategories::Table, RequestCategories::Name)),
                        Alias::new("category_name"),
                    )
                    .expr_as(
                        Expr::col((RequestCategories::Table, RequestCategories::NameEn)),
                        Alias::new("category_name_en"),
                    )
                    .columns([
                        (s, ServiceRequests::Description),
                        (s, ServiceRequests::Address),
                        (s, ServiceRequests::Latitude),
                        (s, ServiceRequests::Longitude),
                        (s, ServiceRequests::State),
                    ])
                    .expr_as(
                        department_name((s, ServiceRequests::HolderDepartmentId)),
                        Alias::new("department_name"),
                    )
                    .columns([
                        (s, ServiceRequests::SubmittedAt),
                        (s, ServiceRequests::AcceptBy),
                        (s, ServiceRequests::AnswerBy),
                        (s, ServiceRequests::Answer),
                        (s, ServiceRequests::AnsweredAt),
                        (s, ServiceRequests::Rating),
                        (s, ServiceRequests::Reopened),
                    ])
                    .from(s)
                    .inner_join(
                        RequestCategories::Table,
                        Expr::col((RequestCategories::Table, RequestCategories::Id))
                            .equals((s, ServiceRequests::CategoryId)),
                    )
                    .and_where(Expr::col((s, ServiceRequests::Receipt)).eq(code.as_str())),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        tracked.timeline = tx
            .all(
                Query::select()
                    .columns([RequestEvents::Kind, RequestEvents::At])
                    .expr_as(
                        department_name((RequestEvents::Table, RequestEvents::DepartmentId)),
                        Alias::new("department_name"),
                    )
                    .from(RequestEvents::Table)
                    .and_where(Expr::col(RequestEvents::RequestId).eq(tracked.id))
                    .order_by(RequestEvents::Id, Order::Asc),
            )
            .await?;
        Ok(tracked)
    }
}
