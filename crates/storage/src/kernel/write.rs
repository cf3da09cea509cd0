//! The end of an audited write of one record: its change appended to the audit log inside the
//! write's transaction, then the commit, so the change and its record stand or fall together.
//! Every handle's create, update and delete ends here (see ARCHITECTURE.md, "The path of a
//! request", steps 5 and 6).

use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::scoped::{Scoped, Target};
use chrono::{DateTime, Utc};
use minxin_domain::Permission;
use minxin_domain::kernel::audit::AuditAction;
use sea_query::{Alias, Expr, ExprTrait, IntoIden, IntoTableRef, Query, UpdateStatement};
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

/// The edit of record `id` of `table` as its editor saw it at `version`: `values`, then a
/// `updated_at` of `now` and the version counted up, touching no row if someone saved first (run it
/// with [`Tx::update_versioned`], which reports that as a conflict). Every versioned table names
/// these columns `id`, `version` and `updated_at`.
pub(crate) fn versioned_update<C: IntoIden>(
    table: impl IntoTableRef,
    id: i64,
    version: i64,
    now: DateTime<Utc>,
    values: impl IntoIterator<Item = (C, Expr)>,
) -> UpdateStatement {
    let version_col = || Expr::col(Alias::new("version"));
    Query::update()
        .table(table)
        .values(values)
        .value(Alias::new("updated_at"), now)
        .value(Alias::new("version"), version_col().add(1))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(version_col().eq(version))
        .take()
}

impl Scoped<'_> {
    /// Checks `permission` and opens the write's transaction: the start of every audited write.
    pub(crate) async fn begin_write(&self, permission: Permission) -> Result<Tx, StoreError> {
        self.require(permission).await?;
        self.db.begin().await
    }

    /// Checks `permission` and opens a read outside any transaction.
    pub(crate) async fn begin_read(&self, permission: Permission) -> Result<Tx, StoreError> {
        self.require(permission).await?;
        self.db.read().await
    }

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
