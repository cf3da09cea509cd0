//! Which service requests are overdue, in SQL. A project's traffic light counts its overdue
//! requests and the requests context lists and counts them; control sits below requests, so the
//! condition is defined here, where both read it, rather than in the requests queue.

use crate::kernel::schema::ServiceRequests;
use chrono::{DateTime, Utc};
use minxin_domain::requests::service_request::RequestState;
use sea_query::{Cond, Expr, ExprTrait};

/// The condition "the request is in one of the states of `list`".
pub(crate) fn states(list: &[RequestState]) -> Expr {
    Expr::col((ServiceRequests::Table, ServiceRequests::State)).is_in(list.iter().map(|s| s.code()))
}

/// The states a request waits in for acceptance, and for an answer
/// (as `request_deadline::pending` has it).
pub(crate) const WAITING_ACCEPT: [RequestState; 2] =
    [RequestState::Submitted, RequestState::Assigned];
pub(crate) const WAITING_ANSWER: [RequestState; 2] =
    [RequestState::Accepted, RequestState::InProgress];

/// The condition "open and past the deadline that applies at `now`".
pub(crate) fn overdue(now: DateTime<Utc>) -> Cond {
    let s = ServiceRequests::Table;
    Cond::any()
        .add(states(&WAITING_ACCEPT).and(Expr::col((s, ServiceRequests::AcceptBy)).lt(now)))
        .add(states(&WAITING_ANSWER).and(Expr::col((s, ServiceRequests::AnswerBy)).lt(now)))
}
