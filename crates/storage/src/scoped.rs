//! The handle through which an actor reads and writes. Each domain file (`regions.rs`,
//! `accounts.rs`, …) adds its operations to [`Scoped`]; the helpers here give them permission
//! checks with an audit trail of refusals.

use crate::audit::{self, NewEntry};
use crate::db::{Db, Tx};
use crate::error::StoreError;
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::{Actor, Permission};
use serde::Serialize;

/// Storage operations bound to one actor and request.
pub struct Scoped<'a> {
    pub(crate) db: &'a Db,
    pub(crate) counts: &'a crate::counts::CountCache,
    pub(crate) intake: &'a crate::requests::GroupCommit,
    pub(crate) actor: &'a Actor,
    pub(crate) address: &'a str,
}

/// What an audited change concerns: kind, id and a readable label.
pub(crate) struct Target<'t> {
    pub kind: &'static str,
    pub id: i64,
    pub label: &'t str,
    pub region_path: &'t str,
}

impl<'a> Scoped<'a> {
    pub(crate) fn new(
        db: &'a Db,
        counts: &'a crate::counts::CountCache,
        intake: &'a crate::requests::GroupCommit,
        actor: &'a Actor,
        address: &'a str,
    ) -> Self {
        Self {
            db,
            counts,
            intake,
            actor,
            address,
        }
    }

    /// The actor this handle acts for.
    pub fn actor(&self) -> &Actor {
        self.actor
    }

    /// Refuses with [`StoreError::Forbidden`] unless the actor holds `permission`; a refusal is
    /// itself audited so the auditor sees probing. Public for forms parsed before they reach
    /// storage: a caller who may not write is refused before its form's problems are shown.
    pub async fn require(&self, permission: Permission) -> Result<(), StoreError> {
        if self.actor.may(permission) {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        audit::append(
            &mut tx,
            NewEntry {
                actor_id: Some(self.actor.account_id),
                actor_name: self.actor.username.clone(),
                address: self.address.to_owned(),
                action: AuditAction::AccessDenied,
                outcome: AuditOutcome::Denied,
                target_type: "permission",
                target_id: None,
                target_label: format!("{permission:?}"),
                before: None,
                after: None,
                region_path: self.actor.scope.region_path.clone().unwrap_or_default(),
            },
        )
        .await?;
        tx.commit().await?;
        Err(StoreError::Forbidden)
    }

    /// Appends a successful change to the audit log inside `tx`.
    pub(crate) async fn record<B: Serialize, A: Serialize>(
        &self,
        tx: &mut Tx,
        action: AuditAction,
        target: Target<'_>,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<(), StoreError> {
        audit::append(
            tx,
            NewEntry {
                actor_id: Some(self.actor.account_id),
                actor_name: self.actor.username.clone(),
                address: self.address.to_owned(),
                action,
                outcome: AuditOutcome::Success,
                target_type: target.kind,
                target_id: Some(target.id.to_string()),
                target_label: target.label.to_owned(),
                before: before.and_then(|b| serde_json::to_value(b).ok()),
                after: after.and_then(|a| serde_json::to_value(a).ok()),
                region_path: target.region_path.to_owned(),
            },
        )
        .await
    }
}
