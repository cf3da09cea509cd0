//! API tokens: issued by an account for itself (shown once, kept as a SHA-256 digest), valid
//! for [`TOKEN_LIFETIME_DAYS`], resolved to the account's actor on each API call, listed and
//! revoked; each issue and revocation is audited.

use super::{Attempt, Auth, SignInError, auth_entry, brief, record_attempt};
use crate::identity::accounts::{self};
use crate::identity::credentials::{new_token, token_digest};
use crate::identity::totp;
use crate::kernel::audit::{self, NewEntry};
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::ApiTokens;
use chrono::{DateTime, Duration, Utc};
use minxin_domain::Actor;
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::kernel::problem::required_line;
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;

/// An API token as listed to its owner (never the secret itself).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ApiToken {
    /// Id.
    pub id: i64,
    /// Owner's label for the token.
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// How long an API token lives.
pub const TOKEN_LIFETIME_DAYS: i64 = 90;

impl Auth<'_> {
    /// Issues an API token for a user name and password (and one-time code if enrolled).
    pub async fn issue_token(
        &self,
        attempt: &Attempt<'_>,
        name: &str,
        code: Option<&str>,
    ) -> Result<(String, ApiToken), SignInError> {
        let mut problems = Vec::new();
        let name = required_line("name", name, 100, &mut problems);
        if !problems.is_empty() {
            return Err(SignInError::Store(StoreError::Invalid(problems)));
        }
        let (mut tx, account_id, account) = self
            .begin_authenticated(attempt, AuditAction::TokenCreate)
            .await?;
        let username = attempt.username.trim();
        if account.must_change_password {
            return Err(SignInError::PasswordChangeRequired);
        }
        if account.totp_secret.is_some() {
            let secret = account.open_totp(self.sealing);
            let ok = secret.is_some_and(|s| code.is_some_and(|c| totp::check_now(&s, c, tx.now())));
            if !ok {
                record_attempt(&mut tx, username, attempt.address, false).await?;
                tx.commit().await?;
                return Err(SignInError::SecondFactorRequired);
            }
        }
        record_attempt(&mut tx, username, attempt.address, true).await?;
        let token = new_token("mx_");
        let now = tx.now();
        let prefix: String = token.chars().take(10).collect();
        let id = tx
            .insert(
                Query::insert()
                    .into_table(ApiTokens::Table)
                    .columns([
                        ApiTokens::AccountId,
                        ApiTokens::Name,
                        ApiTokens::TokenHash,
                        ApiTokens::Prefix,
                        ApiTokens::CreatedAt,
                        ApiTokens::ExpiresAt,
                    ])
                    .values_panic([
                        account_id.into(),
                        name.as_str().into(),
                        token_digest(&token).into(),
                        prefix.into(),
                        now.into(),
                        (now + Duration::days(TOKEN_LIFETIME_DAYS)).into(),
                    ])
                    .take(),
            )
            .await?;
        let entry = token_entry(
            AuditAction::TokenCreate,
            id,
            (account_id, username),
            attempt.address,
            &name,
            &account.region_path,
        );
        audit::append(&mut tx, entry).await?;
        let listed = token_row(&mut tx, account_id, id).await?;
        tx.commit().await?;
        Ok((token, listed))
    }

    /// Resolves a bearer token to its account, if valid, unexpired and unrevoked.
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>, StoreError> {
        let mut tx = self.db.begin().await?;
        let row: Option<(i64, i64, Option<DateTime<Utc>>)> = tx
            .optional(
                &Query::select()
                    .columns([ApiTokens::Id, ApiTokens::AccountId, ApiTokens::LastUsedAt])
                    .from(ApiTokens::Table)
                    .and_where(Expr::col(ApiTokens::TokenHash).eq(token_digest(token)))
                    .and_where(Expr::col(ApiTokens::RevokedAt).is_null())
                    .and_where(Expr::col(ApiTokens::ExpiresAt).gt(tx.now()))
                    .take(),
            )
            .await?;
        let Some((id, account_id, last_used)) = row else {
            return Ok(None);
        };
        let actor = accounts::load_actor(&mut tx, account_id).await?;
        if last_used.is_none_or(|t| tx.now() - t > Duration::seconds(60)) {
            tx.execute(&stamp_now(ApiTokens::LastUsedAt, id, tx.now()))
                .await?;
        }
        tx.commit().await?;
        Ok(actor)
    }

    /// The tokens of `actor`, newest first.
    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>, StoreError> {
        let mut tx = self.db.read().await?;
        tx.all(
            &token_query(actor.account_id)
                .order_by(ApiTokens::Id, Order::Desc)
                .take(),
        )
        .await
    }

    /// Revokes one of `actor`'s own tokens.
    pub async fn revoke_token(
        &self,
        actor: &Actor,
        id: i64,
        address: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        let token = token_row(&mut tx, actor.account_id, id).await?;
        if token.revoked_at.is_none() {
            tx.execute(&stamp_now(ApiTokens::RevokedAt, id, tx.now()))
                .await?;
        }
        let brief = brief(&mut tx, actor.account_id).await?;
        let entry = token_entry(
            AuditAction::TokenRevoke,
            id,
            (actor.account_id, &actor.username),
            address,
            &token.name,
            &brief.region_path,
        );
        audit::append(&mut tx, entry).await?;
        tx.commit().await
    }
}

/// The audit entry of a change to token `id` named `name`, by `who` (account id and user name)
/// from `address`, filed under the owner's region.
fn token_entry(
    action: AuditAction,
    id: i64,
    who: (i64, &str),
    address: &str,
    name: &str,
    region_path: &str,
) -> NewEntry {
    NewEntry {
        target_type: "api_token",
        target_id: Some(id.to_string()),
        ..auth_entry(
            action,
            AuditOutcome::Success,
            Some(who.0),
            who.1,
            address,
            name,
            region_path,
        )
    }
}

/// Sets the time column `column` (last use, revocation) of token `id` to now.
fn stamp_now(column: ApiTokens, id: i64, now: DateTime<Utc>) -> sea_query::UpdateStatement {
    Query::update()
        .table(ApiTokens::Table)
        .value(column, now)
        .and_where(Expr::col(ApiTokens::Id).eq(id))
        .take()
}

fn token_query(account_id: i64) -> sea_query::SelectStatement {
    Query::select()
        .columns([
            ApiTokens::Id,
            ApiTokens::Name,
            ApiTokens::Prefix,
            ApiTokens::CreatedAt,
            ApiTokens::ExpiresAt,
            ApiTokens::LastUsedAt,
            ApiTokens::RevokedAt,
        ])
        .from(ApiTokens::Table)
        .and_where(Expr::col(ApiTokens::AccountId).eq(account_id))
        .take()
}

async fn token_row(tx: &mut Tx, account_id: i64, id: i64) -> Result<ApiToken, StoreError> {
    tx.one(
        &token_query(account_id)
            .and_where(Expr::col(ApiTokens::Id).eq(id))
            .take(),
    )
    .await
}
