//! The staff lists of service requests (issue 6): the office's dispatch queue, a department's
//! queue of what it holds, what is overdue, what waits for the resident's rating, what is over.
//! Every list reads through the caller's scope ([`in_scope`]), so a department sees only what it
//! holds or coordinates, and none carries contact details.

use super::Requests;
use super::categories::WithCategory;
use super::work::in_scope;
use crate::control::overdue::{WAITING_ACCEPT, WAITING_ANSWER, overdue, states};
use crate::kernel::error::StoreError;
use crate::kernel::page::{Page, PageRequest};
use crate::kernel::schema::*;
use chrono::{DateTime, Utc};
use minxin_domain::Permission;
use minxin_domain::requests::service_request::RequestState;
use sea_query::{Alias, CaseStatement, Cond, Expr, ExprTrait, Order, Query, SelectStatement};

/// Which requests a queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueView {
    /// Everything someone must act on: waiting for dispatch, acceptance, work or an answer.
    #[default]
    Open,
    /// Received and sent to nobody yet (the office's dispatch queue).
    Dispatch,
    /// Open and past the deadline that applies (accepting or answering).
    Overdue,
    /// Answered, waiting for the resident's rating.
    Answered,
    /// Closed or merged.
    Done,
    /// Every request in scope.
    All,
}

impl QueueView {
    /// Every view, in the order of the page's tabs.
    pub const ALL: [QueueView; 6] = [
        QueueView::Open,
        QueueView::Dispatch,
        QueueView::Overdue,
        QueueView::Answered,
        QueueView::Done,
        QueueView::All,
    ];

    /// The code in URLs and message keys.
    pub fn code(self) -> &'static str {
        match self {
            QueueView::Open => "open",
            QueueView::Dispatch => "dispatch",
            QueueView::Overdue => "overdue",
            QueueView::Answered => "answered",
            QueueView::Done => "done",
            QueueView::All => "all",
        }
    }

    /// The view with this code, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.code() == code)
    }
}

/// What a queue is filtered by.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Which requests.
    pub view: QueueView,
    /// Only this category (its code).
    pub category: Option<String>,
    /// Only requests in this state, within the view.
    pub state: Option<RequestState>,
    /// Which page.
    pub page: PageRequest,
}

/// One request as a row of a queue.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct QueueRow {
    /// Its number (staff refer to requests by it; the receipt code stays the resident's).
    pub id: i64,
    /// Category name.
    pub category_name: String,
    /// Category name in English.
    pub category_name_en: String,
    /// What the resident wrote.
    pub description: String,
    /// The address given, if any.
    pub address: String,
    /// Workflow state code.
    pub state: String,
    /// The department holding it, if any.
    pub holder_name: Option<String>,
    /// The coordinating department (首问), if any.
    pub owner_name: Option<String>,
    /// How it came in.
    pub channel: String,
    /// When it was received.
    pub submitted_at: DateTime<Utc>,
    /// Deadline for accepting.
    pub accept_by: DateTime<Utc>,
    /// Deadline for answering.
    pub answer_by: DateTime<Utc>,
    /// Whether the public sees it.
    pub is_published: bool,
}

fn view(view: QueueView, now: DateTime<Utc>) -> Cond {
    let open = [WAITING_ACCEPT, WAITING_ANSWER].concat();
    match view {
        QueueView::Open => Cond::all().add(states(&open)),
        QueueView::Dispatch => Cond::all().add(states(&[RequestState::Submitted])),
        QueueView::Overdue => overdue(now),
        QueueView::Answered => Cond::all().add(states(&[RequestState::Answered])),
        QueueView::Done => Cond::all().add(states(&[RequestState::Closed, RequestState::Merged])),
        QueueView::All => Cond::all(),
    }
}

/// A select that names a department by the id in one of its columns — the holder, the owner,
/// a timeline entry's department — wherever requests are shown.
pub(super) trait WithDepartmentName {
    /// Adds, as `alias`, the name of the department whose id is in `column` (a scalar
    /// sub-select).
    fn department_name(&mut self, column: impl sea_query::IntoColumnRef, alias: &str) -> &mut Self;
}

impl WithDepartmentName for SelectStatement {
    fn department_name(&mut self, column: impl sea_query::IntoColumnRef, alias: &str) -> &mut Self {
        self.expr_as(
            Query::select()
                .column((Departments::Table, Departments::Name))
                .from(Departments::Table)
                .and_where(Expr::col((Departments::Table, Departments::Id)).equals(column))
                .take(),
            Alias::new(alias),
        )
    }
}

impl Requests<'_> {
    /// One page of the requests in the caller's scope that `filter` picks, the most urgent
    /// (earliest deadline) first for open views and the newest first otherwise; `now` decides
    /// what is overdue.
    pub async fn queue(
        &self,
        filter: &QueueFilter,
        now: DateTime<Utc>,
    ) -> Result<Page<QueueRow>, StoreError> {
        self.require(Permission::ReadRequests).await?;
        let s = ServiceRequests::Table;
        let mut cond = Cond::all()
            .add(in_scope(&self.actor.scope))
            .add(view(filter.view, now));
        if let Some(state) = filter.state {
            cond = cond.add(states(&[state]));
        }
        if let Some(code) = &filter.category {
            cond = cond.add(
                Expr::col((s, ServiceRequests::CategoryId)).in_subquery(
                    Query::select()
                        .column(RequestCategories::Id)
                        .from(RequestCategories::Table)
                        .and_where(Expr::col(RequestCategories::Code).eq(code.as_str()))
                        .take(),
                ),
            );
        }
        let mut tx = self.db.read().await?;
        let total = tx
            .scalar(
                Query::select()
                    .expr(Expr::col((s, ServiceRequests::Id)).count())
                    .from(s)
                    .cond_where(cond.clone()),
            )
            .await?;
        let mut select = Query::select();
        select
            .columns([(s, ServiceRequests::Id)])
            .columns([
                (s, ServiceRequests::Description),
                (s, ServiceRequests::Address),
                (s, ServiceRequests::State),
            ])
            .department_name((s, ServiceRequests::HolderDepartmentId), "holder_name")
            .department_name((s, ServiceRequests::OwnerDepartmentId), "owner_name")
            .columns([
                (s, ServiceRequests::Channel),
                (s, ServiceRequests::SubmittedAt),
                (s, ServiceRequests::AcceptBy),
                (s, ServiceRequests::AnswerBy),
                (s, ServiceRequests::IsPublished),
            ])
            .from(s)
            .with_category()
            .cond_where(cond)
            .limit(filter.page.limit())
            .offset(filter.page.offset());
        match filter.view {
            QueueView::Open | QueueView::Dispatch | QueueView::Overdue => select.order_by_expr(
                CaseStatement::new()
                    .case(
                        states(&WAITING_ACCEPT),
                        Expr::col((s, ServiceRequests::AcceptBy)),
                    )
                    .finally(Expr::col((s, ServiceRequests::AnswerBy)))
                    .into(),
                Order::Asc,
            ),
            QueueView::Answered | QueueView::Done | QueueView::All => {
                select.order_by((s, ServiceRequests::SubmittedAt), Order::Desc)
            }
        };
        select.order_by((s, ServiceRequests::Id), Order::Asc);
        let rows = tx.all(&select).await?;
        Ok(Page::new(rows, total, filter.page))
    }
}
