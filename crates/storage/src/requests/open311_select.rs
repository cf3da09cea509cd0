//! The statements of the Open311 reads (`open311.rs`): which requests a caller sees and which of
//! their columns — never contact details, receipt codes or staff names — and how a row is cut
//! down before it is served.

use super::WithPublicPoint;
use super::open311::{Open311Query, Open311Request};
use super::queue::WithDepartmentName;
use crate::kernel::schema::*;
use minxin_domain::requests::open311::MAX_RESULTS;
use sea_query::{Alias, Cond, Expr, ExprTrait, Order, Query, SelectStatement};

/// The requests `visible` selects that match `query`, newest first, at most [`MAX_RESULTS`].
pub(super) fn filtered(visible: Cond, query: &Open311Query) -> SelectStatement {
    let s = ServiceRequests::Table;
    let mut select = shown(visible);
    if query.ids.is_empty() {
        select
            .and_where(Expr::col((s, ServiceRequests::SubmittedAt)).gte(query.window.start))
            .and_where(Expr::col((s, ServiceRequests::SubmittedAt)).lte(query.window.end));
        if !query.service_codes.is_empty() {
            select.and_where(
                Expr::col((s, ServiceRequests::CategoryId)).in_subquery(
                    Query::select()
                        .column(RequestCategories::Id)
                        .from(RequestCategories::Table)
                        .and_where(
                            Expr::col(RequestCategories::Code)
                                .is_in(query.service_codes.iter().map(String::as_str)),
                        )
                        .take(),
                ),
            );
        }
        if !query.states.is_empty() {
            select.and_where(
                Expr::col((s, ServiceRequests::State))
                    .is_in(query.states.iter().map(|state| state.code())),
            );
        }
    } else {
        select.and_where(Expr::col((s, ServiceRequests::Id)).is_in(query.ids.iter().copied()));
    }
    select
        .order_by((s, ServiceRequests::SubmittedAt), Order::Desc)
        .order_by((s, ServiceRequests::Id), Order::Desc)
        .limit(MAX_RESULTS)
        .take()
}

/// The answer is moderated with the request: kept only once the office published it.
pub(super) fn moderated(mut request: Open311Request) -> Open311Request {
    if !request.is_published {
        request.answer = None;
    }
    request
}

/// A request the caller may learn only the status of: everything else cleared.
pub(super) fn limited(request: Open311Request) -> Open311Request {
    Open311Request {
        answer: None,
        description: String::new(),
        address: String::new(),
        latitude: None,
        longitude: None,
        limited: true,
        ..request
    }
}

/// Requests the office published.
pub(super) fn published() -> Cond {
    Cond::all().add(Expr::col((ServiceRequests::Table, ServiceRequests::IsPublished)).eq(true))
}

/// Requests posted with `key`, while it is not revoked.
pub(super) fn posted_with(key: i64) -> Cond {
    Cond::all().add(
        Expr::col((ServiceRequests::Table, ServiceRequests::Id)).in_subquery(
            Query::select()
                .column(Open311Submissions::RequestId)
                .from(Open311Submissions::Table)
                .and_where(Expr::col(Open311Submissions::KeyId).eq(key))
                .and_where(
                    Expr::col(Open311Submissions::KeyId).in_subquery(
                        Query::select()
                            .column(Open311Keys::Id)
                            .from(Open311Keys::Table)
                            .and_where(Expr::col(Open311Keys::RevokedAt).is_null())
                            .take(),
                    ),
                )
                .take(),
        ),
    )
}

/// `published`, else (with a key) `published` or `posted_with(key)`.
pub(super) fn visible_to(key: Option<i64>) -> Cond {
    match key {
        Some(key) => Cond::any().add(published()).add(posted_with(key)),
        None => published(),
    }
}

/// The public columns of the requests `visible` selects; no contact details, receipt code or
/// staff names are selected at all.
pub(super) fn shown(visible: Cond) -> SelectStatement {
    let s = ServiceRequests::Table;
    let c = RequestCategories::Table;
    Query::select()
        .columns([
            (s, ServiceRequests::Id),
            (s, ServiceRequests::State),
            (s, ServiceRequests::Answer),
        ])
        .expr_as(
            Expr::col((c, RequestCategories::Code)),
            Alias::new("service_code"),
        )
        .expr_as(
            Expr::col((c, RequestCategories::Name)),
            Alias::new("service_name"),
        )
        .expr_as(
            Expr::col((c, RequestCategories::NameEn)),
            Alias::new("service_name_en"),
        )
        // A published request reads in the office's wording; only its poster sees the others,
        // in the words it sent.
        .expr_as(
            sea_query::CaseStatement::new()
                .case(
                    Expr::col((s, ServiceRequests::IsPublished)).eq(true),
                    Expr::col((s, ServiceRequests::PublicDescription)),
                )
                .finally(Expr::col((s, ServiceRequests::Description))),
            Alias::new("description"),
        )
        .department_name((s, ServiceRequests::HolderDepartmentId), "department_name")
        .columns([
            (s, ServiceRequests::SubmittedAt),
            (s, ServiceRequests::UpdatedAt),
            (s, ServiceRequests::AnswerBy),
            (s, ServiceRequests::Address),
        ])
        .with_public_point()
        .column((s, ServiceRequests::IsPublished))
        .from(s)
        .inner_join(
            c,
            Expr::col((c, RequestCategories::Id)).equals((s, ServiceRequests::CategoryId)),
        )
        .cond_where(visible)
        .take()
}
