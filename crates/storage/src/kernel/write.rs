//! The end of an audited write of one record: its change appended to the audit log inside the
//! write's transaction, then the commit, so the change and its record stand or fall together.
//! Every handle's create, update and delete ends here (see ARCHITECTURE.md, "The path of a
//! request", steps 5 and 6).

use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::scoped::{Scoped, Target};
use minxin_domain::kernel::audit::AuditAction;
use serde::Serialize;

/// A record the audit log names by its kind, id, label and region.
pub(crate) trait Audited: Serialize {
    /// How the audit log names this record.
    fn target(&self) -> Target<'_>;
}

/// What an audited write did to one record, with the record as read before and after it.
pub(crate) enum Change<'r, T> {
    /// A new record.
    Created(&'r T),
    /// A record changed in place.
    Updated {
        /// As it was.
        before: &'r T,
        /// As it is now.
        after: &'r T,
    },
    /// A record removed.
    Deleted(&'r T),
}

impl Scoped<'_> {
    /// Appends `change` under `action` to the audit log in `tx` and commits `tx`.
    pub(crate) async fn commit_change<T: Audited>(
        &self,
        mut tx: Tx,
        action: AuditAction,
        change: Change<'_, T>,
    ) -> Result<(), StoreError> {
        let (target, before, after) = match change {
            Change::Created(after) => (after.target(), None, Some(after)),
            Change::Updated { before, after } => (after.target(), Some(before), Some(after)),
            Change::Deleted(before) => (before.target(), Some(before), None),
        };
        self.record(&mut tx, action, target, before, after).await?;
        tx.commit().await
    }
}
