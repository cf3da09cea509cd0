//! Authentication infrastructure: sign-in with lockout, server-side sessions, the optional
//! second factor, own password changes and API tokens. These act before (or for) the signed-in
//! account itself, so they do not go through [`crate::Scoped`]; each is audited.

use crate::identity::accounts::{check_new_password, store_password};
use crate::identity::credentials::{decoy_hash, new_token, token_digest, verify_password_blocking};
use crate::identity::settings;
use crate::kernel::audit::{self, NewEntry};
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::{Found, StoreError};
use crate::kernel::schema::{Accounts, Regions, Sessions, SignInAttempts};
use crate::kernel::sealing::SealingKey;
use chrono::{DateTime, Utc};
use minxin_domain::Problem;
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::kernel::problem::{FieldProblem, required_line};
use sea_query::{Expr, ExprTrait, Order, Query};

mod second_factor;
mod sessions;
mod tokens;
pub(crate) use second_factor::seal_plaintext;
pub use sessions::SessionContext;
pub use tokens::{ApiToken, TOKEN_LIFETIME_DAYS};

/// Authentication operations.
pub struct Auth<'a> {
    db: &'a Db,
    sealing: &'a SealingKey,
}

/// Who is trying to sign in, and from where.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    /// User name as typed.
    pub username: &'a str,
    /// Password as typed.
    pub password: &'a str,
    /// Source address.
    pub address: &'a str,
    /// Browser or client identification.
    pub user_agent: &'a str,
}

/// A successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The new session's secret token, for the cookie; stored only as a digest.
    pub token: String,
    /// The password must be changed before anything else.
    pub must_change_password: bool,
    /// A one-time code must be entered before the session is usable.
    pub second_factor_pending: bool,
}

/// Why a sign-in was refused. Wrong user name and wrong password are deliberately the same.
#[derive(Debug)]
pub enum SignInError {
    /// User name or password wrong.
    BadCredentials,
    /// Too many failures on this account; try again after the time given.
    AccountLocked(DateTime<Utc>),
    /// Too many failures from this address; try again after the time given.
    AddressLocked(DateTime<Utc>),
    /// The account has been disabled by an administrator.
    Disabled,
    /// The account must change its initial password in the browser first (API tokens only).
    PasswordChangeRequired,
    /// The account has a second factor and the code was missing or wrong (API tokens only).
    SecondFactorRequired,
    /// Storage failed.
    Store(StoreError),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> Self {
        SignInError::Store(e)
    }
}

impl From<sqlx::Error> for SignInError {
    fn from(e: sqlx::Error) -> Self {
        SignInError::Store(e.into())
    }
}

/// What authentication needs to know about an account.
#[derive(sqlx::FromRow)]
struct Credentials {
    id: i64,
    display_name: String,
    password_hash: String,
    must_change_password: bool,
    disabled: bool,
    totp_secret: Option<String>,
    last_sign_in_at: Option<DateTime<Utc>>,
    region_path: String,
}

async fn credentials_where(tx: &mut Tx, key: Expr) -> Result<Option<Credentials>, StoreError> {
    tx.optional(
        &Query::select()
            .columns([
                (Accounts::Table, Accounts::Id),
                (Accounts::Table, Accounts::DisplayName),
                (Accounts::Table, Accounts::PasswordHash),
                (Accounts::Table, Accounts::MustChangePassword),
                (Accounts::Table, Accounts::Disabled),
                (Accounts::Table, Accounts::TotpSecret),
                (Accounts::Table, Accounts::LastSignInAt),
            ])
            .expr_as(Expr::col((Regions::Table, Regions::Path)), "region_path")
            .from(Accounts::Table)
            .inner_join(
                Regions::Table,
                Expr::col((Regions::Table, Regions::Id))
                    .equals((Accounts::Table, Accounts::RegionId)),
            )
            .and_where(key)
            .take(),
    )
    .await
}

async fn credentials(tx: &mut Tx, username: &str) -> Result<Option<Credentials>, StoreError> {
    credentials_where(
        tx,
        Expr::col((Accounts::Table, Accounts::Username)).eq(username),
    )
    .await
}

async fn brief(tx: &mut Tx, account_id: i64) -> Result<Credentials, StoreError> {
    credentials_where(
        tx,
        Expr::col((Accounts::Table, Accounts::Id)).eq(account_id),
    )
    .await?
    .found()
}

async fn failures(
    tx: &mut Tx,
    column: SignInAttempts,
    value: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, StoreError> {
    let rows: Vec<(DateTime<Utc>,)> = tx
        .all(
            &Query::select()
                .column(SignInAttempts::At)
                .from(SignInAttempts::Table)
                .and_where(Expr::col(column).eq(value))
                .and_where(Expr::col(SignInAttempts::Success).eq(false))
                .and_where(Expr::col(SignInAttempts::At).gt(since))
                .order_by(SignInAttempts::At, Order::Asc)
                .take(),
        )
        .await?;
    Ok(rows.into_iter().map(|(at,)| at).collect())
}

async fn record_attempt(
    tx: &mut Tx,
    username: &str,
    address: &str,
    success: bool,
) -> Result<(), StoreError> {
    tx.execute(
        &Query::insert()
            .into_table(SignInAttempts::Table)
            .columns([
                SignInAttempts::Username,
                SignInAttempts::Address,
                SignInAttempts::Success,
                SignInAttempts::At,
            ])
            .values_panic([
                username.into(),
                address.into(),
                success.into(),
                tx.now().into(),
            ])
            .take(),
    )
    .await?;
    Ok(())
}

/// The audit entry for an authentication event by `username` from `address`.
fn auth_entry(
    action: AuditAction,
    outcome: AuditOutcome,
    actor_id: Option<i64>,
    username: &str,
    address: &str,
    detail: &str,
    region_path: &str,
) -> NewEntry {
    NewEntry {
        actor_id,
        actor_name: username.chars().take(64).collect(),
        address: address.to_owned(),
        action,
        outcome,
        target_type: "account",
        target_id: actor_id.map(|id| id.to_string()),
        target_label: detail.to_owned(),
        before: None,
        after: None,
        region_path: region_path.to_owned(),
    }
}

impl<'a> Auth<'a> {
    pub(crate) fn new(db: &'a Db, sealing: &'a SealingKey) -> Self {
        Self { db, sealing }
    }

    /// Checks a user name and password, applying lockouts, and returns the account on success.
    /// Every outcome is recorded as an attempt and in the audit log.
    /// Opens the transaction of a sign-in or token request and checks `attempt` in it. A
    /// refusal is committed before it is returned, so its failed attempt and audit entry stay.
    async fn begin_authenticated(
        &self,
        attempt: &Attempt<'_>,
        action: AuditAction,
    ) -> Result<(Tx, i64, Credentials), SignInError> {
        let mut tx = self.db.begin().await?;
        match self.authenticate(&mut tx, attempt, action).await {
            Ok((account_id, account)) => Ok((tx, account_id, account)),
            Err(refusal) => {
                tx.commit().await?;
                Err(refusal)
            }
        }
    }

    async fn authenticate(
        &self,
        tx: &mut Tx,
        attempt: &Attempt<'_>,
        action: AuditAction,
    ) -> Result<(i64, Credentials), SignInError> {
        let policy = settings::security_policy(tx).await?.lockout;
        let now = tx.now();
        let horizon = now - policy.window() * 2;
        let username = attempt.username.trim();
        let account = credentials(tx, username).await?;
        let region_path = account
            .as_ref()
            .map_or_else(String::new, |a| a.region_path.clone());
        let region_path = region_path.as_str();
        let actor_id = account.as_ref().map(|a| a.id);
        let refuse = |detail: &str, outcome| {
            auth_entry(
                action,
                outcome,
                actor_id,
                username,
                attempt.address,
                detail,
                region_path,
            )
        };

        let by_address = failures(tx, SignInAttempts::Address, attempt.address, horizon).await?;
        if let Some(until) = policy.address_locked_until(&by_address, now) {
            audit::append(tx, refuse("address_locked", AuditOutcome::Denied)).await?;
            return Err(SignInError::AddressLocked(until));
        }
        let since = account
            .as_ref()
            .and_then(|a| a.last_sign_in_at)
            .map_or(horizon, |last| std::cmp::max(last, horizon));
        let by_account = failures(tx, SignInAttempts::Username, username, since).await?;
        if let Some(until) = policy.account_locked_until(&by_account, now) {
            audit::append(tx, refuse("account_locked", AuditOutcome::Denied)).await?;
            return Err(SignInError::AccountLocked(until));
        }

        let hash = account
            .as_ref()
            .map_or_else(|| decoy_hash().to_owned(), |a| a.password_hash.clone());
        let matches = verify_password_blocking(attempt.password.to_owned(), hash).await;
        match account {
            Some(account) if matches && !account.disabled => Ok((account.id, account)),
            Some(_) if matches => {
                record_attempt(tx, username, attempt.address, false).await?;
                audit::append(tx, refuse("disabled", AuditOutcome::Failure)).await?;
                Err(SignInError::Disabled)
            }
            _ => {
                record_attempt(tx, username, attempt.address, false).await?;
                audit::append(tx, refuse("bad_credentials", AuditOutcome::Failure)).await?;
                Err(SignInError::BadCredentials)
            }
        }
    }

    /// Signs in with a password and opens a new session (a fresh token every time, so a session
    /// id planted before sign-in is never promoted).
    pub async fn sign_in(&self, attempt: &Attempt<'_>) -> Result<SignedIn, SignInError> {
        let (mut tx, account_id, account) = self
            .begin_authenticated(attempt, AuditAction::SignIn)
            .await?;
        let username = attempt.username.trim();
        record_attempt(&mut tx, username, attempt.address, true).await?;
        tx.execute(
            &Query::update()
                .table(Accounts::Table)
                .value(Accounts::LastSignInAt, tx.now())
                .and_where(Expr::col(Accounts::Id).eq(account_id))
                .take(),
        )
        .await?;
        let token = new_token("");
        let second_factor_pending = account.totp_secret.is_some();
        let now = tx.now();
        let user_agent: String = attempt.user_agent.chars().take(256).collect();
        tx.execute(
            &Query::insert()
                .into_table(Sessions::Table)
                .columns([
                    Sessions::TokenHash,
                    Sessions::AccountId,
                    Sessions::SecondFactorPending,
                    Sessions::Address,
                    Sessions::UserAgent,
                    Sessions::CreatedAt,
                    Sessions::LastSeenAt,
                ])
                .values_panic([
                    token_digest(&token).into(),
                    account_id.into(),
                    second_factor_pending.into(),
                    attempt.address.into(),
                    user_agent.into(),
                    now.into(),
                    now.into(),
                ])
                .take(),
        )
        .await?;
        let detail = if second_factor_pending {
            "password_ok_awaiting_totp"
        } else {
            "signed_in"
        };
        audit::append(
            &mut tx,
            auth_entry(
                AuditAction::SignIn,
                AuditOutcome::Success,
                Some(account_id),
                username,
                attempt.address,
                detail,
                &account.region_path,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(SignedIn {
            token,
            must_change_password: account.must_change_password,
            second_factor_pending,
        })
    }

    /// Opens the transaction of a change the signed-in user must confirm with their password
    /// (a password change, the second factor), with their account loaded. A wrong password is
    /// recorded like a failed sign-in, so a hijacked session cannot be used to guess it, and
    /// refused on `field`.
    async fn reconfirmed(
        &self,
        session: &SessionContext,
        password: &str,
        address: &str,
        action: AuditAction,
        field: &'static str,
    ) -> Result<(Tx, Credentials), StoreError> {
        let mut tx = self.db.begin().await?;
        let account = credentials(&mut tx, &session.actor.username)
            .await?
            .found()?;
        if verify_password_blocking(password.to_owned(), account.password_hash.clone()).await {
            return Ok((tx, account));
        }
        record_attempt(&mut tx, &session.actor.username, address, false).await?;
        audit::append(
            &mut tx,
            auth_entry(
                action,
                AuditOutcome::Failure,
                Some(account.id),
                &session.actor.username,
                address,
                "wrong_password",
                &account.region_path,
            ),
        )
        .await?;
        self.lock_out_if_needed(&mut tx, session).await?;
        tx.commit().await?;
        Err(StoreError::invalid(field, Problem::WrongPassword))
    }

    /// Changes the signed-in account's own password after checking the current one. Whoever
    /// else held the account loses it: its other sessions end, its API tokens are revoked, and
    /// this session gets a new token (returned, for the cookie) so the old one is worthless.
    pub async fn change_password(
        &self,
        session: &SessionContext,
        current: &str,
        new: &str,
        confirm: &str,
        address: &str,
    ) -> Result<String, StoreError> {
        let (mut tx, account) = self
            .reconfirmed(
                session,
                current,
                address,
                AuditAction::PasswordChange,
                "current",
            )
            .await?;
        if new != confirm {
            return Err(StoreError::invalid("confirm", Problem::PasswordMismatch));
        }
        check_new_password(
            &mut tx,
            Some(account.id),
            &session.actor.username,
            new,
            "new",
        )
        .await?;
        store_password(&mut tx, account.id, new, false, Some(session.session_id)).await?;
        let token = new_token("");
        tx.execute(
            &Query::update()
                .table(Sessions::Table)
                .value(Sessions::TokenHash, token_digest(&token))
                .and_where(Expr::col(Sessions::Id).eq(session.session_id))
                .take(),
        )
        .await?;
        audit::append(
            &mut tx,
            auth_entry(
                AuditAction::PasswordChange,
                AuditOutcome::Success,
                Some(account.id),
                &session.actor.username,
                address,
                "password_changed",
                &account.region_path,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Validates the fields of a sign-in form before touching the database.
    pub fn check_form(username: &str, password: &str) -> Result<(), StoreError> {
        let mut problems = Vec::new();
        required_line("username", username, 64, &mut problems);
        if password.is_empty() {
            problems.push(FieldProblem::new("password", Problem::Required));
        }
        if password.chars().count() > minxin_domain::identity::password_policy::MAX_PASSWORD_LENGTH
        {
            problems.push(FieldProblem::new(
                "password",
                Problem::TooLong {
                    max: minxin_domain::identity::password_policy::MAX_PASSWORD_LENGTH,
                },
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(problems))
        }
    }
}
