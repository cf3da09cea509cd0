//! In-app reminders of missing monthly reports (催报): the nightly light run finds the reports that
//! are late and still missing, and each project's owner — its project manager, or the department
//! staff whose scope holds its lead department when it has none — gets one reminder per month
//! missed. A reminder goes away by itself once the report is filed, and its reader can mark it
//! read.

use super::Control;
use super::lights::MissingReport;
use crate::identity::accounts::enabled_with_role;
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{
    AccountScopeDepartments, Accounts, ProgressReports, Projects, Reminders,
};
use crate::kernel::scoped::Target;
use chrono::{DateTime, Utc};
use minxin_domain::identity::role::Role;
use minxin_domain::kernel::audit::AuditAction;
use sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query};
use serde::Serialize;

/// The kind of a reminder of a missing monthly report.
pub const MISSING_REPORT: &str = "report_missing";
/// Projects looked up per statement when reminders are sent.
const CHUNK: usize = 500;
/// The most reminders a page shows.
const SHOWN: u64 = 100;

#[derive(sqlx::FromRow)]
struct Owner {
    id: i64,
    manager_id: Option<i64>,
    lead_department_id: i64,
}

#[derive(sqlx::FromRow)]
struct Staff {
    id: i64,
    department_id: i64,
}

/// Sends one reminder per missing report to each of its project's owners, unless they already
/// have it; returns how many were new.
pub(crate) async fn remind(tx: &mut Tx, missing: &[MissingReport]) -> Result<usize, StoreError> {
    let mut sent = 0;
    for chunk in missing.chunks(CHUNK) {
        let owners: Vec<Owner> = tx
            .all(
                &Query::select()
                    .columns([
                        Projects::Id,
                        Projects::ManagerId,
                        Projects::LeadDepartmentId,
                    ])
                    .from(Projects::Table)
                    .and_where(Expr::col(Projects::Id).is_in(chunk.iter().map(|m| m.project_id)))
                    .take(),
            )
            .await?;
        let departments: Vec<i64> = owners
            .iter()
            .filter(|o| o.manager_id.is_none())
            .map(|o| o.lead_department_id)
            .collect();
        let staff: Vec<Staff> = if departments.is_empty() {
            Vec::new()
        } else {
            tx.all(
                &enabled_with_role(Role::Dept)
                    .expr_as(Expr::col((Accounts::Table, Accounts::Id)), Alias::new("id"))
                    .column((
                        AccountScopeDepartments::Table,
                        AccountScopeDepartments::DepartmentId,
                    ))
                    .inner_join(
                        AccountScopeDepartments::Table,
                        Expr::col((
                            AccountScopeDepartments::Table,
                            AccountScopeDepartments::AccountId,
                        ))
                        .equals((Accounts::Table, Accounts::Id)),
                    )
                    .and_where(
                        Expr::col((
                            AccountScopeDepartments::Table,
                            AccountScopeDepartments::DepartmentId,
                        ))
                        .is_in(departments),
                    )
                    .take(),
            )
            .await?
        };
        let now = tx.now();
        let mut insert = Query::insert()
            .into_table(Reminders::Table)
            .columns([
                Reminders::AccountId,
                Reminders::ProjectId,
                Reminders::Kind,
                Reminders::Period,
                Reminders::CreatedAt,
            ])
            .on_conflict(
                OnConflict::columns([
                    Reminders::AccountId,
                    Reminders::ProjectId,
                    Reminders::Kind,
                    Reminders::Period,
                ])
                .do_nothing()
                .to_owned(),
            )
            .take();
        let mut any = false;
        for m in chunk {
            let Some(owner) = owners.iter().find(|o| o.id == m.project_id) else {
                continue;
            };
            let recipients: Vec<i64> = match owner.manager_id {
                Some(manager) => vec![manager],
                None => staff
                    .iter()
                    .filter(|s| s.department_id == owner.lead_department_id)
                    .map(|s| s.id)
                    .collect(),
            };
            for account in recipients {
                insert.values_panic([
                    account.into(),
                    m.project_id.into(),
                    MISSING_REPORT.into(),
                    m.period.clone().into(),
                    now.into(),
                ]);
                any = true;
            }
        }
        if any {
            sent += usize::try_from(tx.execute(&insert).await?).unwrap_or(0);
        }
    }
    Ok(sent)
}

/// A reminder as its reader sees it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Reminder {
    /// Id.
    pub id: i64,
    /// The project concerned.
    pub project_id: i64,
    /// Its code.
    pub project_code: String,
    /// Its name.
    pub project_name: String,
    /// What it is about (`report_missing`).
    pub kind: String,
    /// The month concerned, YYYY-MM.
    pub period: String,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When its reader marked it read.
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct ReminderTarget {
    id: i64,
    period: String,
    region_path: String,
    read_at: Option<DateTime<Utc>>,
}

impl Control<'_> {
    /// The caller's own reminders whose report is still missing, unread first, newest first.
    /// Every signed-in account may read its own; nobody reads another's.
    pub async fn reminders(&self) -> Result<Vec<Reminder>, StoreError> {
        let filed = Query::select()
            .expr(Expr::val(1))
            .from(ProgressReports::Table)
            .and_where(
                Expr::col((ProgressReports::Table, ProgressReports::ProjectId))
                    .equals((Reminders::Table, Reminders::ProjectId)),
            )
            .and_where(
                Expr::col((ProgressReports::Table, ProgressReports::Period))
                    .equals((Reminders::Table, Reminders::Period)),
            )
            .take();
        let mut tx = self.db.read().await?;
        tx.all(
            &Query::select()
                .columns([
                    (Reminders::Table, Reminders::Id),
                    (Reminders::Table, Reminders::ProjectId),
                    (Reminders::Table, Reminders::Kind),
                    (Reminders::Table, Reminders::Period),
                    (Reminders::Table, Reminders::CreatedAt),
                    (Reminders::Table, Reminders::ReadAt),
                ])
                .expr_as(
                    Expr::col((Projects::Table, Projects::Code)),
                    Alias::new("project_code"),
                )
                .expr_as(
                    Expr::col((Projects::Table, Projects::Name)),
                    Alias::new("project_name"),
                )
                .from(Reminders::Table)
                .inner_join(
                    Projects::Table,
                    Expr::col((Projects::Table, Projects::Id))
                        .equals((Reminders::Table, Reminders::ProjectId)),
                )
                .and_where(
                    Expr::col((Reminders::Table, Reminders::AccountId)).eq(self.actor.account_id),
                )
                .and_where(Expr::exists(filed).not())
                .order_by_expr(
                    Expr::col((Reminders::Table, Reminders::ReadAt)).is_null(),
                    Order::Desc,
                )
                .order_by((Reminders::Table, Reminders::Id), Order::Desc)
                .limit(SHOWN)
                .take(),
        )
        .await
    }

    /// Marks one of the caller's reminders read; another account's is "not found".
    pub async fn mark_reminder_read(&self, id: i64) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        let reminder: ReminderTarget = tx
            .optional(
                &Query::select()
                    .column((Reminders::Table, Reminders::Id))
                    .column((Reminders::Table, Reminders::Period))
                    .column((Reminders::Table, Reminders::ReadAt))
                    .column((Projects::Table, Projects::RegionPath))
                    .from(Reminders::Table)
                    .inner_join(
                        Projects::Table,
                        Expr::col((Projects::Table, Projects::Id))
                            .equals((Reminders::Table, Reminders::ProjectId)),
                    )
                    .and_where(Expr::col((Reminders::Table, Reminders::Id)).eq(id))
                    .and_where(
                        Expr::col((Reminders::Table, Reminders::AccountId))
                            .eq(self.actor.account_id),
                    )
                    .take(),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        if reminder.read_at.is_some() {
            return Ok(());
        }
        let now = tx.now();
        tx.execute(
            &Query::update()
                .table(Reminders::Table)
                .value(Reminders::ReadAt, now)
                .and_where(Expr::col(Reminders::Id).eq(id))
                .take(),
        )
        .await?;
        self.record(
            &mut tx,
            AuditAction::ReminderRead,
            Target {
                kind: "reminder",
                id: reminder.id,
                label: &reminder.period,
                region_path: &reminder.region_path,
            },
            None::<&()>,
            Some(&now),
        )
        .await?;
        tx.commit().await
    }
}
