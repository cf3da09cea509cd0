//! Server-side sessions: the session a token stands for (ended when it expires, idles out or
//! its account is locked out), and signing out, which is audited.

use super::{Auth, auth_entry, brief, failures};
use crate::identity::accounts::{self};
use crate::identity::credentials::token_digest;
use crate::identity::settings;
use crate::kernel::audit::{self};
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Sessions, SignInAttempts};
use chrono::{DateTime, Duration, Utc};
use minxin_domain::Actor;
use minxin_domain::identity::session_policy::SessionState;
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use sea_query::{Expr, ExprTrait, Query};

/// A live session, resolved from its cookie on each request.
#[derive(Debug, Clone)]
pub struct SessionContext {
    /// Session row id.
    pub session_id: i64,
    /// Digest of the session token; binds CSRF tokens to the session.
    pub session_key: String,
    /// The signed-in account.
    pub actor: Actor,
    /// Real name, for the page header.
    pub display_name: String,
    /// The password must be changed before anything else.
    pub must_change_password: bool,
    /// The one-time code has not been entered yet.
    pub second_factor_pending: bool,
    /// Whether the account has a second factor enrolled.
    pub totp_enabled: bool,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    account_id: i64,
    second_factor_pending: bool,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
}

impl Auth<'_> {
    /// Resolves a session cookie; ends sessions that are idle or too old.
    pub async fn session(&self, token: &str) -> Result<Option<SessionContext>, StoreError> {
        let key = token_digest(token);
        let mut tx = self.db.begin().await?;
        let Some(row) = tx
            .optional::<SessionRow>(
                &Query::select()
                    .columns([
                        Sessions::Id,
                        Sessions::AccountId,
                        Sessions::SecondFactorPending,
                        Sessions::CreatedAt,
                        Sessions::LastSeenAt,
                    ])
                    .from(Sessions::Table)
                    .and_where(Expr::col(Sessions::TokenHash).eq(key.as_str()))
                    .take(),
            )
            .await?
        else {
            return Ok(None);
        };
        let policy = settings::security_policy(&mut tx).await?.session;
        let now = tx.now();
        let actor = accounts::load_actor(&mut tx, row.account_id).await?;
        let (Some(actor), SessionState::Active) =
            (actor, policy.state(row.created_at, row.last_seen_at, now))
        else {
            end_session(&mut tx, row.id).await?;
            tx.commit().await?;
            return Ok(None);
        };
        // Touch at most once a minute: enough for a 30-minute idle limit, far fewer writes.
        if now - row.last_seen_at > Duration::seconds(60) {
            tx.execute(
                &Query::update()
                    .table(Sessions::Table)
                    .value(Sessions::LastSeenAt, now)
                    .and_where(Expr::col(Sessions::Id).eq(row.id))
                    .take(),
            )
            .await?;
        }
        let brief = brief(&mut tx, row.account_id).await?;
        tx.commit().await?;
        Ok(Some(SessionContext {
            session_id: row.id,
            session_key: key,
            actor,
            display_name: brief.display_name,
            must_change_password: brief.must_change_password,
            second_factor_pending: row.second_factor_pending,
            totp_enabled: brief.totp_secret.is_some(),
        }))
    }

    /// Ends the session when its account's recent failures reach the lockout threshold.
    pub(super) async fn lock_out_if_needed(
        &self,
        tx: &mut Tx,
        session: &SessionContext,
    ) -> Result<(), StoreError> {
        let policy = settings::security_policy(tx).await?.lockout;
        let now = tx.now();
        let recent = failures(
            tx,
            SignInAttempts::Username,
            &session.actor.username,
            now - policy.window() * 2,
        )
        .await?;
        if policy.account_locked_until(&recent, now).is_some() {
            end_session(tx, session.session_id).await?;
        }
        Ok(())
    }

    /// Ends a session at the user's request.
    pub async fn sign_out(
        &self,
        session: &SessionContext,
        address: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        end_session(&mut tx, session.session_id).await?;
        let brief = brief(&mut tx, session.actor.account_id).await?;
        audit::append(
            &mut tx,
            auth_entry(
                AuditAction::SignOut,
                AuditOutcome::Success,
                Some(session.actor.account_id),
                &session.actor.username,
                address,
                "signed_out",
                &brief.region_path,
            ),
        )
        .await?;
        tx.commit().await
    }
}

pub(super) async fn end_session(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    tx.execute(
        &Query::delete()
            .from_table(Sessions::Table)
            .and_where(Expr::col(Sessions::Id).eq(id))
            .take(),
    )
    .await?;
    Ok(())
}
