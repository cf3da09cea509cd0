//! Statistics of service requests (issue 6 item 7) for any period, region, department and
//! category, through the caller's scope: how many were received and where they stand, how many
//! are overdue now, the three rates (三率) from counts added up in SQL, the mean handling time,
//! the same measures per department and per category (for rankings), and the hot spots — the
//! busiest cells of a fixed grid. Each part is one aggregate statement; the four run at the
//! same time on their own pooled connections, so no request row is sent to the application.

use super::Requests;
use super::work::in_scope;
use crate::control::overdue::{WAITING_ACCEPT, overdue, states};
use crate::kernel::db::{Backend, grid_cell};
use crate::kernel::error::StoreError;
use crate::kernel::schema::*;
use crate::kernel::scope::under;
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::Permission;
use minxin_domain::requests::service_request::{Rating, RequestState};
use minxin_domain::requests::stats::{HOT_SPOTS_MAX, hot_spot_grid, mean_seconds, period};
use minxin_domain::requests::three_rates::{RequestCounts, ThreeRates};
use sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use serde::Serialize;

/// Which requests a statistic covers; every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestStatsFilter {
    /// Received on or after this day (Asia/Shanghai).
    pub from: Option<NaiveDate>,
    /// Received on or before this day (Asia/Shanghai).
    pub to: Option<NaiveDate>,
    /// A region inside the caller's scope, with its subtree; outside it is "not found".
    pub region_id: Option<i64>,
    /// Held or coordinated (首问) by this department.
    pub department_id: Option<i64>,
    /// Of this category (its code).
    pub category: Option<String>,
}

/// The measures of a set of requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RequestFigures {
    /// Received in the period.
    pub received: u64,
    /// Still to be dispatched, accepted, worked on or answered.
    pub open: u64,
    /// Answered and waiting for the resident's rating.
    pub answered: u64,
    /// Closed.
    pub closed: u64,
    /// Merged into another request.
    pub merged: u64,
    /// Open and past the deadline that applies now.
    pub overdue: u64,
    /// Due for acceptance (accepted since, or overdue for it) — the response rate's whole.
    pub due_for_acceptance: u64,
    /// Accepted (签收) by the acceptance deadline.
    pub accepted_in_time: u64,
    /// Closed without the resident's last rating being 不满意.
    pub resolved: u64,
    /// Rated.
    pub rated: u64,
    /// Rated 满意 or 基本满意.
    pub content: u64,
    /// 响应率 in basis points; absent when nothing was due.
    pub response_bp: Option<u32>,
    /// 解决率 in basis points; absent when nothing was closed.
    pub resolution_bp: Option<u32>,
    /// 满意率 in basis points; absent when nothing was rated.
    pub satisfaction_bp: Option<u32>,
    /// Answered at least once, the handling time's whole.
    pub handled: u64,
    /// Mean time from receipt to the (last) answer in whole seconds; absent when none was
    /// answered.
    pub mean_handling_seconds: Option<u64>,
}

/// The measures of one department's requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DepartmentFigures {
    /// The department answerable: the coordinating one (首问) once a department accepted,
    /// else the one holding it; absent for requests nobody was sent yet.
    pub department_id: Option<i64>,
    /// Its name.
    pub department: Option<String>,
    /// The measures.
    #[serde(flatten)]
    pub figures: RequestFigures,
}

/// The measures of one category's requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CategoryFigures {
    /// The category code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its English name.
    pub name_en: String,
    /// The measures.
    #[serde(flatten)]
    pub figures: RequestFigures,
}

/// One hot spot: an occupied cell of the grid of `domain::request_stats`.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct HotSpot {
    /// Requests located in it.
    pub count: i64,
    /// The mean latitude of those requests (stored WGS-84), where the map centres it.
    pub latitude: f64,
    /// Their mean longitude.
    pub longitude: f64,
}

/// A statistic: the figures of the whole selection, per department (most received first),
/// per category (the office's order) and the busiest cells.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RequestStats {
    /// The region shown, if narrowed (else the caller's whole scope).
    pub region_name: Option<String>,
    /// Everything selected.
    pub total: RequestFigures,
    /// Per department.
    pub by_department: Vec<DepartmentFigures>,
    /// Per category.
    pub by_category: Vec<CategoryFigures>,
    /// At most `HOT_SPOTS_MAX` cells, the busiest first.
    pub hot_spots: Vec<HotSpot>,
}

/// The aggregate columns of [`RequestFigures`] as the database returns them.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
struct Measured {
    received: i64,
    open: i64,
    answered: i64,
    closed: i64,
    merged: i64,
    overdue: i64,
    due_for_acceptance: i64,
    accepted_in_time: i64,
    resolved: i64,
    rated: i64,
    content: i64,
    handled: i64,
    handling_seconds: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl From<Measured> for RequestFigures {
    fn from(m: Measured) -> Self {
        let counts = RequestCounts {
            due_for_acceptance: count(m.due_for_acceptance),
            accepted_in_time: count(m.accepted_in_time),
            closed: count(m.closed),
            resolved: count(m.resolved),
            rated: count(m.rated),
            content: count(m.content),
        };
        let ThreeRates {
            response,
            resolution,
            satisfaction,
        } = counts.rates();
        RequestFigures {
            received: count(m.received),
            open: count(m.open),
            answered: count(m.answered),
            closed: counts.closed,
            merged: count(m.merged),
            overdue: count(m.overdue),
            due_for_acceptance: counts.due_for_acceptance,
            accepted_in_time: counts.accepted_in_time,
            resolved: counts.resolved,
            rated: counts.rated,
            content: counts.content,
            response_bp: response,
            resolution_bp: resolution,
            satisfaction_bp: satisfaction,
            handled: count(m.handled),
            mean_handling_seconds: mean_seconds(m.handling_seconds, count(m.handled)),
        }
    }
}

#[derive(sqlx::FromRow)]
struct DepartmentRow {
    department_id: Option<i64>,
    department: Option<String>,
    #[sqlx(flatten)]
    measured: Measured,
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    code: String,
    name: String,
    name_en: String,
    #[sqlx(flatten)]
    measured: Measured,
}

fn col(c: ServiceRequests) -> Expr {
    Expr::col((ServiceRequests::Table, c))
}

/// `CAST(COALESCE(SUM(expr), 0) AS BIGINT)`: a sum over no rows is NULL, and PostgreSQL sums
/// big integers as numeric.
fn total(expr: Expr) -> Expr {
    Expr::from(Func::coalesce([expr.sum(), Expr::val(0)])).cast_as(Alias::new("BIGINT"))
}

/// `SUM(CASE WHEN condition THEN 1 ELSE 0 END)`.
fn count_if(condition: Expr) -> Expr {
    total(Expr::Case(Box::new(Expr::case(condition, 1).finally(0))))
}

/// "It has an 'accepted' event", at or before its acceptance deadline when `in_time`: the
/// first acceptance is the earliest, so any acceptance by the deadline means the first was.
fn accepted(in_time: bool) -> Expr {
    let event = |c: RequestEvents| Expr::col((RequestEvents::Table, c));
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from(RequestEvents::Table)
        .and_where(
            event(RequestEvents::RequestId).equals((ServiceRequests::Table, ServiceRequests::Id)),
        )
        .and_where(event(RequestEvents::Kind).eq("accepted"));
    if in_time {
        q.and_where(event(RequestEvents::At).lte(col(ServiceRequests::AcceptBy)));
    }
    Expr::exists(q.take())
}

/// Adds the aggregate columns of [`Measured`] to `q`, with `now` deciding what is overdue.
fn measures(q: &mut SelectStatement, backend: Backend, now: DateTime<Utc>) {
    use RequestState as S;
    let waiting_accept = states(&WAITING_ACCEPT);
    let closed = || states(&[S::Closed]);
    let rating = || col(ServiceRequests::Rating);
    let content = [Rating::Satisfied, Rating::FairlySatisfied].map(Rating::code);
    let answered_at = || col(ServiceRequests::AnsweredAt);
    let seconds = backend
        .epoch_seconds("service_requests.answered_at")
        .sub(backend.epoch_seconds("service_requests.submitted_at"));
    let parts: [(Expr, &str); 13] = [
        (col(ServiceRequests::Id).count(), "received"),
        (
            count_if(states(&[
                S::Submitted,
                S::Assigned,
                S::Accepted,
                S::InProgress,
            ])),
            "open",
        ),
        (count_if(states(&[S::Answered])), "answered"),
        (count_if(closed()), "closed"),
        (count_if(states(&[S::Merged])), "merged"),
        (count_if(overdue(now).into()), "overdue"),
        (
            count_if(
                accepted(false).or(waiting_accept.and(col(ServiceRequests::AcceptBy).lt(now))),
            ),
            "due_for_acceptance",
        ),
        (count_if(accepted(true)), "accepted_in_time"),
        (
            count_if(
                closed().and(
                    rating()
                        .is_null()
                        .or(rating().ne(Rating::Unsatisfied.code())),
                ),
            ),
            "resolved",
        ),
        (count_if(rating().is_not_null()), "rated"),
        (count_if(rating().is_in(content)), "content"),
        (count_if(answered_at().is_not_null()), "handled"),
        (
            total(Expr::Case(Box::new(
                Expr::case(answered_at().is_not_null(), seconds).finally(0),
            ))),
            "handling_seconds",
        ),
    ];
    for (expr, name) in parts {
        q.expr_as(expr, Alias::new(name));
    }
}

/// The requests `filter` selects within `scope` below `root` (the region's path, if narrowed).
struct Selection {
    condition: Expr,
    backend: Backend,
    now: DateTime<Utc>,
}

impl Selection {
    /// `SELECT <measures> FROM service_requests WHERE <selection>`, to add groups to.
    fn measured(&self) -> SelectStatement {
        let mut q = Query::select();
        measures(&mut q, self.backend, self.now);
        q.from(ServiceRequests::Table)
            .and_where(self.condition.clone());
        q
    }
}

impl Requests<'_> {
    /// The statistic of the requests in the caller's scope that `filter` selects, with `now`
    /// deciding what is overdue or due for acceptance. A region outside the scope is "not
    /// found".
    pub async fn stats(
        &self,
        filter: &RequestStatsFilter,
        now: DateTime<Utc>,
    ) -> Result<RequestStats, StoreError> {
        let (selection, region_name) = self.stats_selection(filter, now).await?;
        let department = Expr::cust(
            "COALESCE(service_requests.owner_department_id, service_requests.holder_department_id)",
        );
        let mut by_department = selection.measured();
        by_department
            .expr_as(
                Expr::col((Departments::Table, Departments::Id)),
                "department_id",
            )
            .expr_as(
                Expr::col((Departments::Table, Departments::Name)),
                "department",
            )
            .left_join(
                Departments::Table,
                Expr::col((Departments::Table, Departments::Id)).eq(department),
            )
            .group_by_col((Departments::Table, Departments::Id))
            .group_by_col((Departments::Table, Departments::Name))
            .order_by(Alias::new("received"), Order::Desc)
            .order_by((Departments::Table, Departments::Name), Order::Asc);
        let mut by_category = selection.measured();
        let category = |c: RequestCategories| Expr::col((RequestCategories::Table, c));
        by_category
            .expr_as(category(RequestCategories::Code), "code")
            .expr_as(category(RequestCategories::Name), "name")
            .expr_as(category(RequestCategories::NameEn), "name_en")
            .inner_join(
                RequestCategories::Table,
                category(RequestCategories::Id)
                    .equals((ServiceRequests::Table, ServiceRequests::CategoryId)),
            )
            .group_by_col((RequestCategories::Table, RequestCategories::Code))
            .group_by_col((RequestCategories::Table, RequestCategories::Name))
            .group_by_col((RequestCategories::Table, RequestCategories::NameEn))
            .group_by_col((RequestCategories::Table, RequestCategories::Sort))
            .order_by(
                (RequestCategories::Table, RequestCategories::Sort),
                Order::Asc,
            );
        let grid = hot_spot_grid();
        let hot_spots = Query::select()
            .expr_as(col(ServiceRequests::Id).count(), "count")
            .expr_as(col(ServiceRequests::Latitude).avg(), "latitude")
            .expr_as(col(ServiceRequests::Longitude).avg(), "longitude")
            .from(ServiceRequests::Table)
            .and_where(selection.condition.clone())
            .and_where(col(ServiceRequests::Latitude).is_not_null())
            .and_where(col(ServiceRequests::Longitude).is_not_null())
            .add_group_by([
                grid_cell("service_requests.latitude", grid.south, grid.cell),
                grid_cell("service_requests.longitude", grid.west, grid.cell),
            ])
            .order_by(Alias::new("count"), Order::Desc)
            .order_by(Alias::new("latitude"), Order::Asc)
            .order_by(Alias::new("longitude"), Order::Asc)
            .limit(HOT_SPOTS_MAX)
            .take();
        let (total, departments, categories, hot_spots) = tokio::try_join!(
            async {
                self.db
                    .read()
                    .await?
                    .one::<Measured>(&selection.measured())
                    .await
            },
            async {
                self.db
                    .read()
                    .await?
                    .all::<DepartmentRow>(&by_department)
                    .await
            },
            async { self.db.read().await?.all::<CategoryRow>(&by_category).await },
            async { self.db.read().await?.all::<HotSpot>(&hot_spots).await },
        )?;
        Ok(RequestStats {
            region_name,
            total: total.into(),
            by_department: departments
                .into_iter()
                .map(|r| DepartmentFigures {
                    department_id: r.department_id,
                    department: r.department,
                    figures: r.measured.into(),
                })
                .collect(),
            by_category: categories
                .into_iter()
                .map(|r| CategoryFigures {
                    code: r.code,
                    name: r.name,
                    name_en: r.name_en,
                    figures: r.measured.into(),
                })
                .collect(),
            hot_spots,
        })
    }

    /// The figures of the whole selection only, as the leader dashboard shows them.
    pub async fn figures(
        &self,
        filter: &RequestStatsFilter,
        now: DateTime<Utc>,
    ) -> Result<RequestFigures, StoreError> {
        let (selection, _) = self.stats_selection(filter, now).await?;
        let measured: Measured = self.db.read().await?.one(&selection.measured()).await?;
        Ok(measured.into())
    }

    /// Checks the permission and turns `filter` into the condition on request rows, with the
    /// name of the region it narrows to.
    async fn stats_selection(
        &self,
        filter: &RequestStatsFilter,
        now: DateTime<Utc>,
    ) -> Result<(Selection, Option<String>), StoreError> {
        self.require(Permission::ReadRequests).await?;
        let mut condition = in_scope(&self.actor.scope);
        let mut region_name = None;
        if let Some(id) = filter.region_id {
            let mut tx = self.db.read().await?;
            let region = crate::org::regions::find(&mut tx, &self.actor.scope, id)
                .await?
                .ok_or(StoreError::NotFound)?;
            condition = condition.and(under(col(ServiceRequests::RegionPath), &region.path));
            region_name = Some(region.name);
        }
        let (start, end) = period(filter.from, filter.to);
        if let Some(start) = start {
            condition = condition.and(col(ServiceRequests::SubmittedAt).gte(start));
        }
        if let Some(end) = end {
            condition = condition.and(col(ServiceRequests::SubmittedAt).lt(end));
        }
        if let Some(d) = filter.department_id {
            condition = condition.and(
                col(ServiceRequests::HolderDepartmentId)
                    .eq(d)
                    .or(col(ServiceRequests::OwnerDepartmentId).eq(d)),
            );
        }
        if let Some(code) = &filter.category {
            condition = condition.and(
                col(ServiceRequests::CategoryId).in_subquery(
                    Query::select()
                        .column(RequestCategories::Id)
                        .from(RequestCategories::Table)
                        .and_where(Expr::col(RequestCategories::Code).eq(code.as_str()))
                        .take(),
                ),
            );
        }
        Ok((
            Selection {
                condition,
                backend: self.db.backend(),
                now,
            },
            region_name,
        ))
    }
}
