//! The handle through which an actor reads and writes. [`Scoped`] itself only binds the actor
//! and their request and offers the permission check with an audit trail of refusals; each
//! context declares its own handle with [`handle!`] (`scoped.org()`, `.identity()`,
//! `.projects()`, `.control()`, `.requests()`, and the kernel's `.calendar()`) and adds its
//! operations to that.

use crate::Store;
use crate::kernel::audit::{self, NewEntry};
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::StoreError;
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::{Actor, Permission};
use serde::Serialize;

/// Storage operations bound to one actor and request.
pub struct Scoped<'a> {
    /// The store it came from, for what a context keeps there beside the database (the intake
    /// writer of requests, the light port of projects).
    pub(crate) store: &'a Store,
    pub(crate) db: &'a Db,
    pub(crate) counts: &'a crate::kernel::counts::CountCache,
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
    pub(crate) fn new(store: &'a Store, actor: &'a Actor, address: &'a str) -> Self {
        Self {
            store,
            db: &store.db,
            counts: &store.counts,
            actor,
            address,
        }
    }

    /// The actor this handle acts for.
    pub fn actor(&self) -> &Actor {
        self.actor
    }

    /// The current time on the store's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.db.now()
    }

    /// Refuses with [`StoreError::Forbidden`] unless the actor holds `permission`; a refusal is
    /// itself audited so the auditor sees probing. Public for forms parsed before they reach
    /// storage: a caller who may not write is refused before its form's problems are shown.
    pub async fn require(&self, permission: Permission) -> Result<(), StoreError> {
        if self.actor.may(permission) {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        let entry = self.entry(
            AuditAction::AccessDenied,
            AuditOutcome::Denied,
            "permission",
        );
        audit::append(
            &mut tx,
            NewEntry {
                target_label: format!("{permission:?}"),
                ..entry
            },
        )
        .await?;
        tx.commit().await?;
        Err(StoreError::Forbidden)
    }

    /// An audit entry of this handle's actor, from their address, about a record of
    /// `target_type` in the actor's own region; the caller fills in what it knows of the record.
    pub(crate) fn entry(
        &self,
        action: AuditAction,
        outcome: AuditOutcome,
        target_type: &'static str,
    ) -> NewEntry {
        NewEntry {
            actor_id: Some(self.actor.account_id),
            actor_name: self.actor.username.clone(),
            address: self.address.to_owned(),
            action,
            outcome,
            target_type,
            target_id: None,
            target_label: String::new(),
            before: None,
            after: None,
            region_path: self.actor.scope.region_path.clone().unwrap_or_default(),
        }
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
        let entry = self.entry(action, AuditOutcome::Success, target.kind);
        audit::append(
            tx,
            NewEntry {
                target_id: Some(target.id.to_string()),
                target_label: target.label.to_owned(),
                before: before.and_then(|b| serde_json::to_value(b).ok()),
                after: after.and_then(|a| serde_json::to_value(a).ok()),
                region_path: target.region_path.to_owned(),
                ..entry
            },
        )
        .await
    }
}

/// Declares a context's handle `$name` and the method `$open` of [`Scoped`] that opens it. A
/// handle is a view of the `Scoped` it came from and derefs to it, so its operations read
/// `self.actor`, check `self.require(..)` and audit with `self.record(..)` as one; an operation
/// of another context is reached through that context's handle (`self.projects().get(..)`).
macro_rules! handle {
    ($(#[$doc:meta])* $name:ident, $open:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name<'s>(&'s $crate::kernel::Scoped<'s>);

        impl $crate::kernel::Scoped<'_> {
            $(#[$doc])*
            pub fn $open(&self) -> $name<'_> {
                $name(self)
            }
        }

        impl<'s> std::ops::Deref for $name<'s> {
            type Target = $crate::kernel::Scoped<'s>;

            fn deref(&self) -> &Self::Target {
                self.0
            }
        }
    };
}
pub(crate) use handle;
