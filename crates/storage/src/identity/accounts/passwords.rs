//! Passwords of accounts: a new one is checked against the security policy and the account's
//! recent passwords, stored as an argon2id hash, and kept in the history it may not repeat.

use crate::identity::credentials::{hash_password_blocking, verify_password_blocking};
use crate::identity::settings;
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Accounts, ApiTokens, PasswordHistory, Sessions};
use minxin_domain::Problem;
use minxin_domain::kernel::problem::FieldProblem;
use sea_query::{Expr, ExprTrait, Order, Query};

/// Keeps `hash` in the account's password history, which a new password may not repeat.
pub(super) async fn remember_password(
    tx: &mut Tx,
    account_id: i64,
    hash: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Query::insert()
            .into_table(PasswordHistory::Table)
            .columns([
                PasswordHistory::AccountId,
                PasswordHistory::PasswordHash,
                PasswordHistory::CreatedAt,
            ])
            .values_panic([account_id.into(), hash.into(), tx.now().into()])
            .take(),
    )
    .await?;
    Ok(())
}

/// Checks a new password against the policy and the account's recent passwords.
pub(crate) async fn check_new_password(
    tx: &mut Tx,
    account_id: Option<i64>,
    username: &str,
    password: &str,
    field: &'static str,
) -> Result<(), StoreError> {
    let policy = settings::security_policy(tx).await?.password;
    let mut problems: Vec<FieldProblem> = policy
        .check(password, username)
        .into_iter()
        .map(|p| FieldProblem::new(field, p))
        .collect();
    if problems.is_empty()
        && let Some(id) = account_id
    {
        let recent: Vec<(String,)> = tx
            .all(
                &Query::select()
                    .column(PasswordHistory::PasswordHash)
                    .from(PasswordHistory::Table)
                    .and_where(Expr::col(PasswordHistory::AccountId).eq(id))
                    .order_by(PasswordHistory::Id, Order::Desc)
                    .limit(policy.history as u64)
                    .take(),
            )
            .await?;
        for (hash,) in recent {
            if verify_password_blocking(password.to_owned(), hash).await {
                problems.push(FieldProblem::new(
                    field,
                    Problem::PasswordReused {
                        history: policy.history,
                    },
                ));
                break;
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems))
    }
}

/// Stores a new password (already checked), remembers it, ends the account's other sessions
/// and revokes its API tokens: whoever held the old password may have taken either.
pub(crate) async fn store_password(
    tx: &mut Tx,
    account_id: i64,
    password: &str,
    must_change: bool,
    keep_session: Option<i64>,
) -> Result<(), StoreError> {
    let hash = hash_password_blocking(password.to_owned()).await;
    tx.execute(
        &Query::update()
            .table(Accounts::Table)
            .values([
                (Accounts::PasswordHash, hash.clone().into()),
                (Accounts::MustChangePassword, must_change.into()),
                (Accounts::PasswordChangedAt, tx.now().into()),
                (Accounts::UpdatedAt, tx.now().into()),
            ])
            .and_where(Expr::col(Accounts::Id).eq(account_id))
            .take(),
    )
    .await?;
    remember_password(tx, account_id, &hash).await?;
    let mut end_sessions = Query::delete()
        .from_table(Sessions::Table)
        .and_where(Expr::col(Sessions::AccountId).eq(account_id))
        .take();
    if let Some(keep) = keep_session {
        end_sessions.and_where(Expr::col(Sessions::Id).ne(keep));
    }
    tx.execute(&end_sessions).await?;
    tx.execute(
        &Query::update()
            .table(ApiTokens::Table)
            .value(ApiTokens::RevokedAt, tx.now())
            .and_where(Expr::col(ApiTokens::AccountId).eq(account_id))
            .and_where(Expr::col(ApiTokens::RevokedAt).is_null())
            .take(),
    )
    .await?;
    Ok(())
}
