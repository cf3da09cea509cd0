//! Open311 GeoReport v2 (issue 6, item 8): the API keys clients post with and the reads the
//! endpoints serve. Keys are issued by the office (within its scope, audited) or from the
//! command line; only their SHA-256 digest is kept. A request posted through Open311 goes
//! through [`Residents::submit`] like the portal's — same checks, routing and deadlines — and is
//! then linked to its key with a token. What the reads return is cut down here: a request is
//! listed for everyone once the office published it, and for the key that posted it always;
//! never a resident's contact details, a receipt code or a staff name; the answer only once
//! published.

use super::Requests;
use super::intake::Submission;
use super::open311_select::{
    filtered, limited, moderated, posted_with, published, shown, visible_to,
};
use super::{GroupCommit, Residents};
use crate::Store;
use crate::identity::credentials::{new_token, token_digest};
use crate::kernel::audit;
use crate::kernel::blobs::BlobStore;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::StoreError;
use crate::kernel::schema::*;
use crate::kernel::scope::within;
use chrono::{DateTime, Utc};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::kernel::problem::required_line;
use minxin_domain::requests::deadline::Deadlines;
use minxin_domain::requests::intake::Channel;
use minxin_domain::requests::open311::{KEY_PREFIX, MAX_RESULTS, Window};
use minxin_domain::requests::service_request::RequestState;
use minxin_domain::{Permission, Problem};
use sea_query::{Alias, Cond, Expr, ExprTrait, Order, Query, SelectStatement};

/// The longest key name, in characters.
const NAME_MAX: usize = 100;
/// How many characters of a key are kept in the clear to recognise it by.
const PREFIX_LEN: usize = 10;

/// An Open311 API key as listed (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Open311Key {
    /// The key's id.
    pub id: i64,
    /// Who it was issued to (an app, a hotline system).
    pub name: String,
    /// Its first characters, to recognise it by.
    pub prefix: String,
    /// The user name of the account that issued it; `None` from the command line.
    pub created_by: Option<String>,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it was revoked; revoked keys post nothing and read back nothing.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key just issued: the key, shown once, and its listing.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    /// The key to hand to the client; only its digest is stored.
    pub key: String,
    /// The key as listed.
    pub listed: Open311Key,
}

/// What a client learns of a request it posted: the public id and the token for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// `service_request_id`: the request's id (not its receipt code, the resident's secret).
    pub id: i64,
    /// The token `tokens/{token}` resolves to the id.
    pub token: String,
    /// The request's deadlines.
    pub deadlines: Deadlines,
}

/// The filters of `GET requests`, already parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Open311Query {
    /// Requests by id; when given, every other filter is ignored (as the spec says).
    pub ids: Vec<i64>,
    /// Service codes; empty for all.
    pub service_codes: Vec<String>,
    /// Workflow states; empty for all.
    pub states: Vec<RequestState>,
    /// The submission times searched.
    pub window: Window,
    /// The calling key, whose own requests are listed even unpublished.
    pub key: Option<i64>,
}

/// A request as Open311 shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Open311Request {
    /// `service_request_id`.
    pub id: i64,
    /// The workflow state's code.
    pub state: String,
    /// The answer, only when the request is published.
    pub answer: Option<String>,
    /// The category's code (`service_code`).
    pub service_code: String,
    /// The category's name.
    pub service_name: String,
    /// The category's English name.
    pub service_name_en: String,
    /// What was reported.
    pub description: String,
    /// The department holding it (an organisation, never a person).
    pub department_name: Option<String>,
    /// When it was received.
    pub submitted_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The answer deadline.
    pub answer_by: DateTime<Utc>,
    /// The address given.
    pub address: String,
    /// Latitude, WGS-84, coarsened to the public grid.
    pub latitude: Option<f64>,
    /// Longitude, WGS-84, coarsened likewise.
    pub longitude: Option<f64>,
    /// Whether the office published it.
    pub is_published: bool,
    /// Whether only its status, service, times and agency may be shown: neither published nor
    /// posted by the caller's key, so description, address and place stay out (issue 15).
    #[sqlx(skip)]
    pub limited: bool,
}

/// Open311 operations for a client at one address; see the module documentation.
#[derive(Clone, Copy, Debug)]
pub struct Open311<'a> {
    db: &'a Db,
    intake: &'a GroupCommit,
    address: &'a str,
}

impl Store {
    /// Open311 operations for a client calling from `address` (kept in the audit log of posts).
    pub fn open311<'a>(&'a self, address: &'a str) -> Open311<'a> {
        Open311 {
            db: self.db(),
            intake: &self.intake,
            address,
        }
    }

    /// Issues a key from the command line (no account; valid for the whole region tree).
    pub async fn bootstrap_open311_key(&self, name: &str) -> Result<IssuedKey, StoreError> {
        let mut tx = self.db().begin().await?;
        let root = super::placement::root_path(&mut tx).await?;
        let issued = issue(&mut tx, name, &root, None).await?;
        let e = crate::identity::bootstrap::entry(
            AuditAction::Open311KeyCreate,
            "open311_key",
            issued.listed.id,
            &issued.listed.name,
            &root,
        );
        audit::append(&mut tx, e).await?;
        tx.commit().await?;
        Ok(issued)
    }

    /// Every key, newest first, for the command line.
    pub async fn bootstrap_open311_keys(&self) -> Result<Vec<Open311Key>, StoreError> {
        list(&mut self.db().read().await?, Cond::all()).await
    }

    /// Revokes key `id` from the command line.
    pub async fn bootstrap_revoke_open311_key(&self, id: i64) -> Result<(), StoreError> {
        let mut tx = self.db().begin().await?;
        let (key, path) = revoke(&mut tx, id, Cond::all()).await?;
        let e = crate::identity::bootstrap::entry(
            AuditAction::Open311KeyRevoke,
            "open311_key",
            id,
            &key.name,
            &path,
        );
        audit::append(&mut tx, e).await?;
        tx.commit().await
    }
}

impl Requests<'_> {
    /// The keys issued within the caller's scope, newest first.
    pub async fn open311_keys(&self) -> Result<Vec<Open311Key>, StoreError> {
        self.require(Permission::ManageOpen311Keys).await?;
        list(&mut self.db.read().await?, self.key_scope()).await
    }

    /// Issues a key named `name` for the caller's scope; the key is shown once.
    pub async fn issue_open311_key(&self, name: &str) -> Result<IssuedKey, StoreError> {
        self.require(Permission::ManageOpen311Keys).await?;
        let path = self
            .actor
            .scope
            .region_path
            .clone()
            .ok_or(StoreError::Forbidden)?;
        let mut tx = self.db.begin().await?;
        let issued = issue(&mut tx, name, &path, Some(self.actor.account_id)).await?;
        self.record(
            &mut tx,
            AuditAction::Open311KeyCreate,
            crate::kernel::scoped::Target {
                kind: "open311_key",
                id: issued.listed.id,
                label: &issued.listed.name,
                region_path: &path,
            },
            None::<&()>,
            Some(&serde_json::json!({ "prefix": issued.listed.prefix })),
        )
        .await?;
        tx.commit().await?;
        Ok(issued)
    }

    /// Revokes key `id`; a key outside the caller's scope is "not found".
    pub async fn revoke_open311_key(&self, id: i64) -> Result<(), StoreError> {
        self.require(Permission::ManageOpen311Keys).await?;
        let mut tx = self.db.begin().await?;
        let (key, path) = revoke(&mut tx, id, self.key_scope()).await?;
        self.record(
            &mut tx,
            AuditAction::Open311KeyRevoke,
            crate::kernel::scoped::Target {
                kind: "open311_key",
                id,
                label: &key.name,
                region_path: &path,
            },
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await
    }

    fn key_scope(&self) -> Cond {
        Cond::all().add(within(
            &self.actor.scope,
            Expr::col((Open311Keys::Table, Open311Keys::RegionPath)),
        ))
    }
}

impl Open311<'_> {
    /// The id of the unrevoked key `api_key`, if there is one.
    pub async fn key(&self, api_key: &str) -> Result<Option<i64>, StoreError> {
        self.first(
            Query::select()
                .column(Open311Keys::Id)
                .from(Open311Keys::Table)
                .and_where(Expr::col(Open311Keys::KeyHash).eq(token_digest(api_key.trim())))
                .and_where(Expr::col(Open311Keys::RevokedAt).is_null()),
        )
        .await
    }

    /// The one column of the first row `select` reads, if any.
    async fn first<T>(&self, select: &SelectStatement) -> Result<Option<T>, StoreError>
    where
        (T,): crate::kernel::db::Record,
    {
        let row: Option<(T,)> = self.db.read().await?.optional(select).await?;
        Ok(row.map(|(value,)| value))
    }

    /// The code of the top region: the jurisdiction when none is configured.
    pub async fn root_code(&self) -> Result<String, StoreError> {
        self.first(
            Query::select()
                .column(Regions::Code)
                .from(Regions::Table)
                .and_where(Expr::col(Regions::ParentId).is_null())
                .order_by(Regions::Id, Order::Asc)
                .limit(1),
        )
        .await?
        .ok_or_else(|| StoreError::Config("the region tree is empty".into()))
    }

    /// Receives a request posted with key `key`: checked, routed and stored exactly like a
    /// resident's own (channel Open311, no photos), then linked to the key with a fresh token.
    /// The link is a second transaction: a request is never lost, and a failure between the two
    /// only means the client got no answer (and may post again).
    pub async fn submit(
        &self,
        key: i64,
        submission: &Submission,
        blobs: &dyn BlobStore,
        calendar: &WorkingCalendar,
        now: DateTime<Utc>,
    ) -> Result<Posted, StoreError> {
        if submission.channel != Channel::Open311 {
            return Err(StoreError::invalid("channel", Problem::Malformed));
        }
        let residents = Residents {
            db: self.db,
            intake: self.intake,
            address: self.address,
        };
        let receipt = residents
            .submit(submission, &[], blobs, calendar, now)
            .await?;
        let token: String = new_token("").chars().take(24).collect();
        let mut tx = self.db.begin().await?;
        tx.execute(
            Query::insert()
                .into_table(Open311Submissions::Table)
                .columns([
                    Open311Submissions::RequestId,
                    Open311Submissions::KeyId,
                    Open311Submissions::Token,
                ])
                .values_panic([receipt.id.into(), key.into(), token.as_str().into()]),
        )
        .await?;
        tx.commit().await?;
        Ok(Posted {
            id: receipt.id,
            token,
            deadlines: receipt.deadlines,
        })
    }

    /// `GET requests`: the requests `query` selects that the caller may see, newest first, at
    /// most [`MAX_RESULTS`]. The published ones are one statement that the index on published
    /// flag and time answers in its own order; a key's own are a second (by the key's index),
    /// merged here, so neither needs an `OR` that would sort every match.
    pub async fn requests(&self, query: &Open311Query) -> Result<Vec<Open311Request>, StoreError> {
        let mut tx = self.db.read().await?;
        let mut rows = tx.all(&filtered(published(), query)).await?;
        if let Some(key) = query.key {
            let own: Vec<Open311Request> = tx.all(&filtered(posted_with(key), query)).await?;
            rows.extend(own);
            rows.sort_by_key(|r| std::cmp::Reverse((r.submitted_at, r.id)));
            rows.dedup_by_key(|r| r.id);
            rows.truncate(MAX_RESULTS as usize);
        }
        Ok(rows.into_iter().map(moderated).collect())
    }

    /// `GET requests/{id}`: one request the caller (key `key`, if any) may see.
    /// A request neither published nor the key's own still answers, with its status, service,
    /// times and agency only ([`Open311Request::limited`]): a client polls exactly this right
    /// after posting, before the office has published anything.
    pub async fn request(&self, id: i64, key: Option<i64>) -> Result<Open311Request, StoreError> {
        let one = |visible| {
            let mut select = shown(visible);
            select.and_where(Expr::col((ServiceRequests::Table, ServiceRequests::Id)).eq(id));
            select
        };
        let mut tx = self.db.read().await?;
        if let Some(row) = tx.optional::<Open311Request>(&one(visible_to(key))).await? {
            return Ok(moderated(row));
        }
        let row: Option<Open311Request> = tx.optional(&one(Cond::all())).await?;
        row.map(limited).ok_or(StoreError::NotFound)
    }

    /// `GET tokens/{token}`: the id of the request posted with `token`.
    pub async fn token(&self, token: &str) -> Result<i64, StoreError> {
        self.first(
            Query::select()
                .column(Open311Submissions::RequestId)
                .from(Open311Submissions::Table)
                .and_where(Expr::col(Open311Submissions::Token).eq(token.trim())),
        )
        .await?
        .ok_or(StoreError::NotFound)
    }
}

fn key_columns() -> SelectStatement {
    let k = Open311Keys::Table;
    Query::select()
        .columns([
            (k, Open311Keys::Id),
            (k, Open311Keys::Name),
            (k, Open311Keys::Prefix),
        ])
        .expr_as(
            Query::select()
                .column((Accounts::Table, Accounts::Username))
                .from(Accounts::Table)
                .and_where(
                    Expr::col((Accounts::Table, Accounts::Id)).equals((k, Open311Keys::CreatedBy)),
                )
                .take(),
            Alias::new("created_by"),
        )
        .columns([(k, Open311Keys::CreatedAt), (k, Open311Keys::RevokedAt)])
        .from(k)
        .take()
}

async fn list(tx: &mut Tx, scope: Cond) -> Result<Vec<Open311Key>, StoreError> {
    tx.all(
        key_columns()
            .cond_where(scope)
            .order_by((Open311Keys::Table, Open311Keys::Id), Order::Desc),
    )
    .await
}

async fn issue(
    tx: &mut Tx,
    name: &str,
    region_path: &str,
    created_by: Option<i64>,
) -> Result<IssuedKey, StoreError> {
    let mut problems = Vec::new();
    let name = required_line("name", name, NAME_MAX, &mut problems);
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let key = new_token(KEY_PREFIX);
    let id = tx
        .insert(
            Query::insert()
                .into_table(Open311Keys::Table)
                .columns([
                    Open311Keys::Name,
                    Open311Keys::KeyHash,
                    Open311Keys::Prefix,
                    Open311Keys::RegionPath,
                    Open311Keys::CreatedBy,
                    Open311Keys::CreatedAt,
                ])
                .values_panic([
                    name.as_str().into(),
                    token_digest(&key).into(),
                    key.chars().take(PREFIX_LEN).collect::<String>().into(),
                    region_path.into(),
                    created_by.into(),
                    tx.now().into(),
                ])
                .take(),
        )
        .await?;
    let listed = tx
        .one(key_columns().and_where(Expr::col((Open311Keys::Table, Open311Keys::Id)).eq(id)))
        .await?;
    Ok(IssuedKey { key, listed })
}

/// Marks key `id` (within `scope`) revoked; the key as it was and its region path.
async fn revoke(tx: &mut Tx, id: i64, scope: Cond) -> Result<(Open311Key, String), StoreError> {
    let k = Open311Keys::Table;
    let key: Open311Key = tx
        .optional(
            key_columns()
                .cond_where(scope)
                .and_where(Expr::col((k, Open311Keys::Id)).eq(id)),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    let (path,): (String,) = tx
        .one(
            Query::select()
                .column(Open311Keys::RegionPath)
                .from(k)
                .and_where(Expr::col(Open311Keys::Id).eq(id)),
        )
        .await?;
    if key.revoked_at.is_none() {
        tx.execute(
            Query::update()
                .table(k)
                .value(Open311Keys::RevokedAt, tx.now())
                .and_where(Expr::col(Open311Keys::Id).eq(id)),
        )
        .await?;
    }
    Ok((key, path))
}
