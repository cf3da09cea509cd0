//! Warnings before a request's deadline and escalation to the office after it (issue 6, SPEC
//! §6). A periodic run writes, once per deadline, a `warned` timeline entry for the department
//! holding a request whose deadline is less than [`WARNING`] away, and an `escalated` entry
//! (to the office) for one whose deadline has passed; the office's overdue queue and the staff
//! home page show them. A reopened request with a fresh answer deadline is warned and escalated
//! again. Each kind is one `INSERT … SELECT` whatever the number of requests.

use super::rows::EVENT_COLUMNS;
use crate::Store;
use crate::control::overdue::{WAITING_ACCEPT, WAITING_ANSWER};
use crate::kernel::error::StoreError;
use crate::kernel::schema::*;
use chrono::{DateTime, Utc};
use minxin_domain::requests::deadline::WARNING;
use minxin_domain::requests::service_request::RequestState;
use sea_query::{Alias, Expr, ExprTrait, Query};
use serde::Serialize;

/// What one run wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EscalationReport {
    /// Requests whose holder was warned of a coming deadline.
    pub warned: u64,
    /// Requests escalated to the office after a deadline passed.
    pub escalated: u64,
}

/// The two deadlines and the states a request waits in for each.
const DEADLINES: [(ServiceRequests, &str, [RequestState; 2]); 2] = [
    (ServiceRequests::AcceptBy, "accept", WAITING_ACCEPT),
    (ServiceRequests::AnswerBy, "answer", WAITING_ANSWER),
];

impl Store {
    /// Warns and escalates as of `now` (see the module documentation).
    pub async fn escalate_requests(
        &self,
        now: DateTime<Utc>,
    ) -> Result<EscalationReport, StoreError> {
        let s = Alias::new("r");
        let e = Alias::new("e");
        let mut report = EscalationReport::default();
        let mut tx = self.db().begin().await?;
        for (deadline, note, states) in DEADLINES {
            for escalating in [false, true] {
                let kind = if escalating { "escalated" } else { "warned" };
                let due = Expr::col((s.clone(), deadline));
                let window = if escalating {
                    due.clone().lt(now)
                } else {
                    due.clone().gte(now).and(due.clone().lt(now + WARNING))
                };
                // Written already for this deadline: an escalation after it passed; a warning
                // within the last warning period (the whole time this deadline has been near).
                let since = if escalating {
                    Expr::col((e.clone(), RequestEvents::At)).gte(due.clone())
                } else {
                    Expr::col((e.clone(), RequestEvents::At)).gt(now - WARNING)
                };
                let done = Query::select()
                    .expr(Expr::val(1))
                    .from_as(RequestEvents::Table, e.clone())
                    .and_where(
                        Expr::col((e.clone(), RequestEvents::RequestId))
                            .equals((s.clone(), ServiceRequests::Id)),
                    )
                    .and_where(Expr::col((e.clone(), RequestEvents::Kind)).eq(kind))
                    .and_where(Expr::col((e.clone(), RequestEvents::Note)).eq(note))
                    .and_where(since)
                    .take();
                let department = if escalating {
                    Expr::val(Option::<i64>::None)
                } else {
                    Expr::col((s.clone(), ServiceRequests::HolderDepartmentId))
                };
                let select = Query::select()
                    .expr(Expr::col((s.clone(), ServiceRequests::Id)))
                    .expr(Expr::val(kind))
                    .expr(Expr::val(now))
                    .expr(Expr::val(Option::<i64>::None))
                    .expr(Expr::val(""))
                    .expr(department)
                    .expr(Expr::val(note))
                    .from_as(ServiceRequests::Table, s.clone())
                    .and_where(
                        Expr::col((s.clone(), ServiceRequests::State))
                            .is_in(states.iter().map(|st| st.code())),
                    )
                    .and_where(window)
                    .and_where(Expr::exists(done).not())
                    .take();
                let written = tx
                    .execute(
                        &Query::insert()
                            .into_table(RequestEvents::Table)
                            .columns(EVENT_COLUMNS)
                            .select_from(select)
                            .map_err(|e| StoreError::Config(e.to_string()))?
                            .take(),
                    )
                    .await?;
                if escalating {
                    report.escalated += written;
                } else {
                    report.warned += written;
                }
            }
        }
        tx.commit().await?;
        Ok(report)
    }
}
