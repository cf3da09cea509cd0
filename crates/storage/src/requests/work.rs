//! Staff moves on a request — dispatch, accept (签收), start, transfer (转办), answer, close,
//! merge — and the resident's rating. Each loads the request through the caller's scope,
//! asks [`minxin_domain::requests::service_request::apply`] whether the move is allowed for the party
//! the caller acts as ([`minxin_domain::requests::access::party_of`]), and writes the new state
//! with a version check, a timeline entry and an audit entry in one transaction.

use super::RequestPhoto;
use super::Residents;
use super::intake::{add_photos, event_by, put_photos};
use crate::Scoped;
use crate::blobs::BlobStore;
use crate::db::Tx;
use crate::error::StoreError;
use crate::progress::lights::{Which, refresh};
use crate::regions::within;
use crate::schema::*;
use chrono::{DateTime, Utc};
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::kernel::problem::optional_text;
use minxin_domain::kernel::time::shanghai;
use minxin_domain::requests::access::{RequestOwnership, party_of};
use minxin_domain::requests::intake::{MAX_PHOTOS, TEXT_MAX};
use minxin_domain::requests::receipt::ReceiptCode;
use minxin_domain::requests::service_request::{Move, Party, Rating, Request, RequestState, apply};
use minxin_domain::{DataScope, Permission, Problem};
use sea_query::{Expr, ExprTrait, Query};
use serde::Serialize;

/// What the rules and the audit log need of a stored request.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
struct Current {
    id: i64,
    state: String,
    holder_department_id: Option<i64>,
    owner_department_id: Option<i64>,
    reopened: i32,
    region_path: String,
    category_id: i64,
    project_id: Option<i64>,
    version: i64,
}

impl Current {
    fn request(&self) -> Result<Request, StoreError> {
        Ok(Request {
            state: self
                .state
                .parse()
                .map_err(|()| StoreError::Config(format!("unknown state {}", self.state)))?,
            holder: self.holder_department_id,
            owner: self.owner_department_id,
            reopened: u8::try_from(self.reopened).unwrap_or(u8::MAX),
        })
    }

    fn ownership(&self) -> RequestOwnership {
        RequestOwnership {
            holder: self.holder_department_id,
            owner: self.owner_department_id,
        }
    }
}

fn current() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            ServiceRequests::Id,
            ServiceRequests::State,
            ServiceRequests::HolderDepartmentId,
            ServiceRequests::OwnerDepartmentId,
            ServiceRequests::Reopened,
            ServiceRequests::RegionPath,
            ServiceRequests::CategoryId,
            ServiceRequests::ProjectId,
            ServiceRequests::Version,
        ])
        .from(ServiceRequests::Table)
        .to_owned()
}

/// The condition "visible in `scope`": inside its region subtree and, for a scope narrowed to
/// departments, held or coordinated by one of them.
pub(super) fn in_scope(scope: &DataScope) -> Expr {
    let region = within(
        scope,
        Expr::col((ServiceRequests::Table, ServiceRequests::RegionPath)),
    );
    if scope.departments.is_empty() {
        return region;
    }
    let ours =
        |col| Expr::col((ServiceRequests::Table, col)).is_in(scope.departments.iter().copied());
    region
        .and(ours(ServiceRequests::HolderDepartmentId).or(ours(ServiceRequests::OwnerDepartmentId)))
}

/// The event kind a move is recorded as.
fn kind(step: &Move, before: RequestState, after: RequestState) -> &'static str {
    match step {
        Move::Assign { .. } => "assigned",
        Move::Accept => "accepted",
        Move::Start => "started",
        Move::Transfer { .. } => "transferred",
        Move::Answer { .. } => "answered",
        Move::Rate(_) if after == RequestState::InProgress && before == RequestState::Answered => {
            "reopened"
        }
        Move::Rate(_) => "rated",
        Move::Close => "closed",
        Move::MergeInto { .. } => "merged",
    }
}

/// The columns a move to `next` changes besides state, holder, owner and reopenings; a request
/// that ends (closed, rated for the last time, merged) records when.
fn changes(
    step: &Move,
    next: RequestState,
    now: DateTime<Utc>,
) -> Vec<(ServiceRequests, sea_query::Value)> {
    let mut out = match step {
        Move::Answer { text } => vec![
            (ServiceRequests::Answer, text.trim().into()),
            (ServiceRequests::AnsweredAt, now.into()),
        ],
        Move::Rate(rating) => vec![(ServiceRequests::Rating, rating.code().into())],
        Move::MergeInto { request } => vec![(ServiceRequests::MergedInto, (*request).into())],
        _ => Vec::new(),
    };
    if next.is_final() {
        out.push((ServiceRequests::ClosedAt, now.into()));
    }
    out
}

fn note(step: &Move) -> String {
    match step {
        Move::Transfer { reason, .. } => reason.trim().to_owned(),
        Move::Answer { text } => text.trim().to_owned(),
        _ => String::new(),
    }
}

fn refused(refusal: minxin_domain::requests::service_request::Refusal) -> StoreError {
    StoreError::invalid("move", Problem::refused(refusal))
}

/// Who made a move, for the timeline and the audit log.
struct Mover<'a> {
    party: Party,
    account: Option<(i64, &'a str)>,
    address: &'a str,
}

/// Applies `step` to `before` and writes it, with the columns `extra` adds for the state it
/// leads to; the caller commits.
async fn write(
    tx: &mut Tx,
    before: &Current,
    mover: &Mover<'_>,
    step: &Move,
    extra: impl FnOnce(RequestState) -> Vec<(ServiceRequests, sea_query::Value)>,
    now: DateTime<Utc>,
) -> Result<RequestState, StoreError> {
    let old = before.request()?;
    let new = apply(before.id, old, mover.party, step).map_err(refused)?;
    if let Move::MergeInto { request } = step {
        let target: Option<(i64,)> = tx
            .optional(
                Query::select()
                    .column(ServiceRequests::Id)
                    .from(ServiceRequests::Table)
                    .and_where(Expr::col(ServiceRequests::Id).eq(*request))
                    .and_where(Expr::col(ServiceRequests::State).ne(RequestState::Merged.code())),
            )
            .await?;
        target.ok_or_else(|| StoreError::invalid("request", Problem::Unknown))?;
    }
    let mut values = vec![
        (ServiceRequests::State, new.state.code().into()),
        (ServiceRequests::HolderDepartmentId, new.holder.into()),
        (ServiceRequests::OwnerDepartmentId, new.owner.into()),
        (ServiceRequests::Reopened, i32::from(new.reopened).into()),
        (ServiceRequests::UpdatedAt, now.into()),
    ];
    values.extend(changes(step, new.state, now));
    values.extend(extra(new.state));
    tx.update_versioned(
        &Query::update()
            .table(ServiceRequests::Table)
            .values(values.into_iter().map(|(c, v)| (c, Expr::val(v))))
            .value(
                ServiceRequests::Version,
                Expr::col(ServiceRequests::Version).add(1),
            )
            .and_where(Expr::col(ServiceRequests::Id).eq(before.id))
            .and_where(Expr::col(ServiceRequests::Version).eq(before.version))
            .take(),
    )
    .await?;
    let department = match step {
        Move::Assign { department } | Move::Transfer { department, .. } => Some(*department),
        _ => match mover.party {
            Party::Department(d) => Some(d),
            Party::Office | Party::Resident => None,
        },
    };
    let kind = kind(step, old.state, new.state);
    event_by(
        tx,
        before.id,
        kind,
        department,
        mover.account,
        &note(step),
        now,
    )
    .await?;
    crate::audit::append(
        tx,
        crate::audit::NewEntry {
            actor_id: mover.account.map(|(id, _)| id),
            actor_name: mover
                .account
                .map_or("resident", |(_, name)| name)
                .to_owned(),
            address: mover.address.to_owned(),
            action: AuditAction::RequestChange,
            outcome: AuditOutcome::Success,
            target_type: "service_request",
            target_id: Some(before.id.to_string()),
            target_label: format!("{kind} #{}", before.id),
            before: serde_json::to_value(before).ok(),
            after: serde_json::to_value(serde_json::json!({
                "state": new.state.code(),
                "holder_department_id": new.holder,
                "owner_department_id": new.owner,
                "reopened": new.reopened,
            }))
            .ok(),
            region_path: before.region_path.clone(),
        },
    )
    .await?;
    // An overdue request about a project colours its light; a move may end that.
    if let Some(project) = before.project_id {
        let today = now.with_timezone(&shanghai()).date_naive();
        refresh(tx, Which::One(project), today).await?;
    }
    Ok(new.state)
}

impl Scoped<'_> {
    /// Makes `step` on request `id` as the caller: the office dispatches, closes and merges;
    /// the department holding it accepts, starts, answers, transfers or merges. `version` is
    /// the version the caller saw; a request changed since is a conflict.
    pub async fn move_request(
        &self,
        id: i64,
        version: i64,
        step: &Move,
        now: DateTime<Utc>,
    ) -> Result<RequestState, StoreError> {
        let (mut tx, before, mover) = self.begin_move(id, version, step).await?;
        let state = write(&mut tx, &before, &mover, step, |_| Vec::new(), now).await?;
        tx.commit().await?;
        Ok(state)
    }

    /// The department holding request `id` answers it with `text` and photos of the work
    /// done (re-encoded copies, like the resident's); see [`Scoped::move_request`].
    pub async fn answer_request(
        &self,
        id: i64,
        version: i64,
        text: &str,
        photos: &[RequestPhoto],
        blobs: &dyn BlobStore,
        now: DateTime<Utc>,
    ) -> Result<RequestState, StoreError> {
        if photos.len() > MAX_PHOTOS {
            return Err(StoreError::invalid(
                "photos",
                Problem::TooMany { max: MAX_PHOTOS },
            ));
        }
        let step = Move::Answer {
            text: text.to_owned(),
        };
        let stored = put_photos(blobs, photos).await?;
        let (mut tx, before, mover) = self.begin_move(id, version, &step).await?;
        let state = write(&mut tx, &before, &mover, &step, |_| Vec::new(), now).await?;
        add_photos(&mut tx, id, "answer", &stored, now).await?;
        tx.commit().await?;
        Ok(state)
    }

    /// Opens the transaction of a staff move: checks the permission, loads the request through
    /// the caller's scope at the version they saw, and finds the party they act as.
    async fn begin_move(
        &self,
        id: i64,
        version: i64,
        step: &Move,
    ) -> Result<(Tx, Current, Mover<'_>), StoreError> {
        self.require(Permission::HandleRequests).await?;
        let mut problems = Vec::new();
        optional_text("text", &note(step), TEXT_MAX, &mut problems);
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let mut tx = self.db.begin().await?;
        let before: Current = tx
            .optional(
                current()
                    .and_where(Expr::col(ServiceRequests::Id).eq(id))
                    .and_where(in_scope(&self.actor.scope)),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        if before.version != version {
            return Err(StoreError::Conflict);
        }
        let party = party_of(self.actor, before.ownership()).ok_or(StoreError::Forbidden)?;
        if let Move::Assign { department } | Move::Transfer { department, .. } = step {
            department_exists(&mut tx, *department).await?;
        }
        let mover = Mover {
            party,
            account: Some((self.actor.account_id, &self.actor.username)),
            address: self.address,
        };
        Ok((tx, before, mover))
    }
}

async fn department_exists(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    let found: Option<(i64,)> = tx
        .optional(
            Query::select()
                .column(Departments::Id)
                .from(Departments::Table)
                .and_where(Expr::col(Departments::Id).eq(id)),
        )
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::invalid("department", Problem::Unknown))
}

impl Residents<'_> {
    /// The resident rates the answer of the request whose receipt code they hold. 不满意
    /// reopens it once, with a fresh answer deadline counted on `calendar` from `now`.
    pub async fn rate(
        &self,
        typed: &str,
        rating: Rating,
        comment: &str,
        calendar: &WorkingCalendar,
        now: DateTime<Utc>,
    ) -> Result<RequestState, StoreError> {
        let code = ReceiptCode::parse(typed).ok_or(StoreError::NotFound)?;
        let comment = comment.trim();
        if comment.chars().count() > TEXT_MAX {
            return Err(StoreError::invalid(
                "comment",
                Problem::TooLong { max: TEXT_MAX },
            ));
        }
        let mut tx = self.db.begin().await?;
        let before: Current = tx
            .optional(current().and_where(Expr::col(ServiceRequests::Receipt).eq(code.as_str())))
            .await?
            .ok_or(StoreError::NotFound)?;
        let answer_days: (i32,) = tx
            .one(
                Query::select()
                    .column(RequestCategories::AnswerDays)
                    .from(RequestCategories::Table)
                    .and_where(Expr::col(RequestCategories::Id).eq(before.category_id)),
            )
            .await?;
        // A reopened request gets a fresh answer deadline; the rules say whether it reopens.
        let extra = |next: RequestState| {
            let mut out = vec![(ServiceRequests::RatingComment, comment.into())];
            if next == RequestState::InProgress {
                let due = calendar.deadline(now, u32::try_from(answer_days.0).unwrap_or(0));
                out.push((ServiceRequests::AnswerBy, due.into()));
            }
            out
        };
        let mover = Mover {
            party: Party::Resident,
            account: None,
            address: self.address,
        };
        let state = write(&mut tx, &before, &mover, &Move::Rate(rating), extra, now).await?;
        tx.commit().await?;
        Ok(state)
    }
}
