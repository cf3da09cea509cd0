//! Run-time configuration kept in the database so that every instance shares it: the security
//! policy (editable by 系统管理员, audited) and the server's signing secret.

use super::Identity;
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::Settings;
use crate::kernel::scoped::Target;
use minxin_domain::identity::security_policy::SecurityPolicy;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::{Permission, Problem};
use sea_query::{Expr, ExprTrait, OnConflict, Query};

const SECURITY_POLICY: &str = "security_policy";
const SIGNING_SECRET: &str = "signing_secret";

async fn get(tx: &mut Tx, key: &str) -> Result<Option<String>, StoreError> {
    let row: Option<(String,)> = tx
        .optional(
            &Query::select()
                .column(Settings::Value)
                .from(Settings::Table)
                .and_where(Expr::col(Settings::Key).eq(key))
                .take(),
        )
        .await?;
    Ok(row.map(|(v,)| v))
}

async fn put(tx: &mut Tx, key: &str, value: &str) -> Result<(), StoreError> {
    tx.execute(
        &Query::insert()
            .into_table(Settings::Table)
            .columns([Settings::Key, Settings::Value, Settings::UpdatedAt])
            .values_panic([key.into(), value.into(), tx.now().into()])
            .on_conflict(
                OnConflict::column(Settings::Key)
                    .update_columns([Settings::Value, Settings::UpdatedAt])
                    .to_owned(),
            )
            .take(),
    )
    .await?;
    Ok(())
}

/// The security policy in force (defaults until a sysadmin changes it).
pub async fn security_policy(tx: &mut Tx) -> Result<SecurityPolicy, StoreError> {
    Ok(get(tx, SECURITY_POLICY)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

/// The secret that signs CSRF tokens, created on first use and shared by all instances.
pub async fn signing_secret(tx: &mut Tx) -> Result<String, StoreError> {
    if let Some(secret) = get(tx, SIGNING_SECRET).await? {
        return Ok(secret);
    }
    let fresh = crate::identity::credentials::new_token("");
    tx.execute(
        &Query::insert()
            .into_table(Settings::Table)
            .columns([Settings::Key, Settings::Value, Settings::UpdatedAt])
            .values_panic([SIGNING_SECRET.into(), fresh.into(), tx.now().into()])
            .on_conflict(OnConflict::column(Settings::Key).do_nothing().to_owned())
            .take(),
    )
    .await?;
    // Another instance may have won the race; whatever is stored now is the secret.
    get(tx, SIGNING_SECRET)
        .await?
        .ok_or_else(|| StoreError::Config("signing secret could not be stored".into()))
}

impl Identity<'_> {
    /// The security policy, for anyone signed in (pages show the password rules).
    pub async fn security_policy(&self) -> Result<SecurityPolicy, StoreError> {
        let mut tx = self.db.read().await?;
        security_policy(&mut tx).await
    }

    /// Replaces the security policy; 系统管理员 only, audited with before and after.
    pub async fn set_security_policy(&self, policy: &SecurityPolicy) -> Result<(), StoreError> {
        self.require(Permission::ManageConfiguration).await?;
        if !policy.is_sane() {
            return Err(StoreError::invalid("policy", Problem::Malformed));
        }
        let mut tx = self.db.begin().await?;
        let before = security_policy(&mut tx).await?;
        let value = serde_json::to_string(policy).expect("policy serialises");
        put(&mut tx, SECURITY_POLICY, &value).await?;
        self.record(
            &mut tx,
            AuditAction::ConfigurationChange,
            Target {
                kind: "setting",
                id: 0,
                label: SECURITY_POLICY,
                region_path: self.actor.scope.region_path.as_deref().unwrap_or(""),
            },
            Some(&before),
            Some(policy),
        )
        .await?;
        tx.commit().await
    }
}
