//! Progress control (issue 4): money, monthly reports and the traffic lights they feed.

pub mod bulletin;
pub mod dashboard;
pub mod light_rules;
pub mod lights;
pub mod money;
pub(crate) mod overdue;
pub mod reminders;
pub mod reports;
mod rows;
pub mod seed;
pub mod snapshots;
pub mod source_money;

pub(crate) use lights::refresh_light;

use crate::kernel::db::{Backend, Tx};
use crate::kernel::error::StoreError;
use crate::kernel::schema::Projects;
use sea_query::{Expr, ExprTrait, LockType, Query};

crate::kernel::scoped::handle!(
    /// Progress control for one actor: money, reports, lights, snapshots, bulletins, the
    /// dashboard and reminders.
    Control,
    control
);

/// Serialises writers of one project's books and reports: on PostgreSQL the project row is
/// locked until commit; SQLite write transactions are exclusive already (BEGIN IMMEDIATE).
pub(crate) async fn lock_project(tx: &mut Tx, project_id: i64) -> Result<(), StoreError> {
    if tx.backend() == Backend::Postgres {
        tx.scalar(
            &Query::select()
                .column(Projects::Id)
                .from(Projects::Table)
                .and_where(Expr::col(Projects::Id).eq(project_id))
                .lock(LockType::Update)
                .take(),
        )
        .await?;
    }
    Ok(())
}
