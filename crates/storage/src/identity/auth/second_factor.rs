//! The optional second factor. The server makes the secret when enrolment begins and keeps it
//! with the session until a code and the account's password confirm it; the browser only ever
//! sees it to scan. Every secret at rest is sealed ([`crate::kernel::sealing`]).

use super::{Auth, Credentials, auth_entry, brief, record_attempt};
use crate::identity::auth::SessionContext;
use crate::identity::totp;
use crate::kernel::audit;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Accounts, Sessions};
use crate::kernel::sealing::SealingKey;
use minxin_domain::Problem;
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use sea_query::{Expr, ExprTrait, Query};

/// The row an account's enrolled secret is sealed for.
fn enrolled_context(account_id: i64) -> String {
    format!("totp:{account_id}")
}

/// The row a session's enrolment in progress is sealed for.
fn pending_context(session_id: i64) -> String {
    format!("totp-pending:{session_id}")
}

impl Credentials {
    /// The enrolled secret, opened; `None` when there is none or it cannot be opened (then no
    /// code is accepted, rather than the second factor being skipped).
    pub(super) fn open_totp(&self, key: &SealingKey) -> Option<String> {
        let stored = self.totp_secret.as_deref()?;
        let opened = key.open(stored, &enrolled_context(self.id));
        if opened.is_none() {
            tracing::error!(
                account = self.id,
                "a TOTP secret cannot be opened with the configured key"
            );
        }
        opened
    }
}

async fn pending(tx: &mut Tx, session_id: i64) -> Result<Option<String>, StoreError> {
    let row: Option<(Option<String>,)> = tx
        .optional(
            &Query::select()
                .column(Sessions::TotpPending)
                .from(Sessions::Table)
                .and_where(Expr::col(Sessions::Id).eq(session_id))
                .take(),
        )
        .await?;
    Ok(row.and_then(|(sealed,)| sealed))
}

async fn set_pending(
    tx: &mut Tx,
    session_id: i64,
    sealed: Option<String>,
) -> Result<(), StoreError> {
    tx.execute(
        &Query::update()
            .table(Sessions::Table)
            .value(Sessions::TotpPending, sealed)
            .and_where(Expr::col(Sessions::Id).eq(session_id))
            .take(),
    )
    .await?;
    Ok(())
}

/// Seals every TOTP secret still stored in plaintext (written before sealing existed), so that
/// existing users keep their second factor. Run after migrations at every start; returns how
/// many were sealed.
pub(crate) async fn seal_plaintext(db: &Db, key: &SealingKey) -> Result<u64, StoreError> {
    let mut tx = db.begin().await?;
    let rows: Vec<(i64, String)> = tx
        .all(
            &Query::select()
                .columns([Accounts::Id, Accounts::TotpSecret])
                .from(Accounts::Table)
                .and_where(Expr::col(Accounts::TotpSecret).is_not_null())
                .take(),
        )
        .await?;
    let mut sealed = 0;
    for (id, secret) in rows {
        if SealingKey::is_sealed(&secret) {
            continue;
        }
        tx.execute(
            &Query::update()
                .table(Accounts::Table)
                .value(
                    Accounts::TotpSecret,
                    key.seal(&secret, &enrolled_context(id)),
                )
                .and_where(Expr::col(Accounts::Id).eq(id))
                .take(),
        )
        .await?;
        sealed += 1;
    }
    tx.commit().await?;
    Ok(sealed)
}

impl Auth<'_> {
    /// Completes a sign-in with the one-time code; wrong codes count towards the lockout.
    pub async fn verify_second_factor(
        &self,
        session: &SessionContext,
        code: &str,
        address: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db.begin().await?;
        let brief = brief(&mut tx, session.actor.account_id).await?;
        let ok = brief
            .open_totp(self.sealing)
            .is_some_and(|s| totp::check_now(&s, code, tx.now()));
        let entry = auth_entry(
            AuditAction::SignIn,
            if ok {
                AuditOutcome::Success
            } else {
                AuditOutcome::Failure
            },
            Some(session.actor.account_id),
            &session.actor.username,
            address,
            if ok { "totp_ok" } else { "totp_wrong" },
            &brief.region_path,
        );
        audit::append(&mut tx, entry).await?;
        if ok {
            tx.execute(
                &Query::update()
                    .table(Sessions::Table)
                    .value(Sessions::SecondFactorPending, false)
                    .and_where(Expr::col(Sessions::Id).eq(session.session_id))
                    .take(),
            )
            .await?;
        } else {
            record_attempt(&mut tx, &session.actor.username, address, false).await?;
            self.lock_out_if_needed(&mut tx, session).await?;
        }
        tx.commit().await?;
        Ok(ok)
    }

    /// The secret this session is enrolling, made on the server the first time it is asked for
    /// and the same until enrolment completes or the session ends (so a reload shows the same
    /// code to scan).
    pub async fn begin_totp(&self, session: &SessionContext) -> Result<String, StoreError> {
        let context = pending_context(session.session_id);
        let mut tx = self.db.begin().await?;
        if let Some(secret) = pending(&mut tx, session.session_id)
            .await?
            .and_then(|sealed| self.sealing.open(&sealed, &context))
        {
            return Ok(secret);
        }
        let secret = totp::new_secret();
        set_pending(
            &mut tx,
            session.session_id,
            Some(self.sealing.seal(&secret, &context)),
        )
        .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// The owner's password checked again before the second factor is turned on or off.
    async fn reconfirmed_for_totp(
        &self,
        session: &SessionContext,
        password: &str,
        address: &str,
    ) -> Result<(Tx, Credentials), StoreError> {
        self.reconfirmed(
            session,
            password,
            address,
            AuditAction::TotpChange,
            "password",
        )
        .await
    }

    /// Turns on the second factor with the secret this session was given by [`Self::begin_totp`],
    /// once the owner's password and a code from their app confirm it.
    pub async fn enable_totp(
        &self,
        session: &SessionContext,
        password: &str,
        code: &str,
        address: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, account) = self
            .reconfirmed_for_totp(session, password, address)
            .await?;
        let secret = pending(&mut tx, session.session_id)
            .await?
            .and_then(|sealed| {
                self.sealing
                    .open(&sealed, &pending_context(session.session_id))
            })
            .ok_or_else(|| StoreError::invalid("code", Problem::WrongTotp))?;
        if !totp::check_now(&secret, code, tx.now()) {
            return Err(StoreError::invalid("code", Problem::WrongTotp));
        }
        set_pending(&mut tx, session.session_id, None).await?;
        let sealed = self.sealing.seal(&secret, &enrolled_context(account.id));
        self.set_totp(tx, session, &account, Some(sealed), address)
            .await
    }

    /// Turns off the second factor after checking the password.
    pub async fn disable_totp(
        &self,
        session: &SessionContext,
        password: &str,
        address: &str,
    ) -> Result<(), StoreError> {
        let (tx, account) = self
            .reconfirmed_for_totp(session, password, address)
            .await?;
        self.set_totp(tx, session, &account, None, address).await
    }

    async fn set_totp(
        &self,
        mut tx: Tx,
        session: &SessionContext,
        account: &Credentials,
        sealed: Option<String>,
        address: &str,
    ) -> Result<(), StoreError> {
        let enabled = sealed.is_some();
        tx.execute(
            &Query::update()
                .table(Accounts::Table)
                .value(Accounts::TotpSecret, sealed)
                .and_where(Expr::col(Accounts::Id).eq(account.id))
                .take(),
        )
        .await?;
        audit::append(
            &mut tx,
            auth_entry(
                AuditAction::TotpChange,
                AuditOutcome::Success,
                Some(account.id),
                &session.actor.username,
                address,
                if enabled { "enabled" } else { "disabled" },
                &account.region_path,
            ),
        )
        .await?;
        tx.commit().await
    }
}
