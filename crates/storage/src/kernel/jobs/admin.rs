//! The system administrator's view of the queue (系统管理员, `ManageConfiguration`): every job
//! with its state, attempts and error, how many are in each state, and the two repairs — cancel
//! a job that has not run, queue a failed or cancelled one again. Both are audited. Payloads are
//! never shown: an import's carries the uploader's session binding and address, so only the
//! file name it names (`file_name`) and the owner's name come out.

use super::JobState;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Accounts, Jobs as J};
use crate::kernel::scoped::Target;
use chrono::{DateTime, Utc};
use minxin_domain::Permission;
use minxin_domain::kernel::audit::AuditAction;
use sea_query::{Alias, Expr, ExprTrait, Order, Query};

/// How many jobs the list shows at most, newest first.
pub const LIST_LIMIT: u64 = 200;

/// A job as the administrator's list shows it.
#[derive(Debug, Clone)]
pub struct ListedJob {
    /// Its id.
    pub id: i64,
    /// What it does.
    pub kind: String,
    /// Where it is.
    pub state: JobState,
    /// How often it was claimed.
    pub attempts: i64,
    /// The name of the account it runs for; `None` for the system's jobs.
    pub owner_name: Option<String>,
    /// The file it reads, by the name it was uploaded under.
    pub file_name: Option<String>,
    /// The error of its last failed attempt.
    pub error: Option<String>,
    /// When it was enqueued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Not due before this.
    pub run_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    id: i64,
    kind: String,
    state: String,
    attempts: i64,
    owner_name: Option<String>,
    payload: String,
    error: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    run_at: Option<DateTime<Utc>>,
}

impl TryFrom<ListedRow> for ListedJob {
    type Error = StoreError;

    fn try_from(r: ListedRow) -> Result<ListedJob, StoreError> {
        let payload: serde_json::Value = super::json(&r.payload)?;
        Ok(ListedJob {
            id: r.id,
            kind: r.kind,
            state: JobState::parse(&r.state)?,
            attempts: r.attempts,
            owner_name: r.owner_name,
            file_name: payload
                .get("file_name")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            error: r.error,
            created_at: r.created_at,
            updated_at: r.updated_at,
            run_at: r.run_at.unwrap_or(r.created_at),
        })
    }
}

crate::kernel::scoped::handle!(
    /// The system administrator's list of every job, and cancel and retry.
    JobAdmin,
    job_admin
);

impl JobAdmin<'_> {
    /// The newest [`LIST_LIMIT`] jobs, of `state` only when given.
    pub async fn list(&self, state: Option<JobState>) -> Result<Vec<ListedJob>, StoreError> {
        self.require(Permission::ManageConfiguration).await?;
        let col = |c: J| Expr::col((J::Table, c));
        let mut select = Query::select()
            .expr_as(col(J::Id), Alias::new("id"))
            .expr_as(col(J::Kind), Alias::new("kind"))
            .expr_as(col(J::State), Alias::new("state"))
            .expr_as(col(J::Attempts), Alias::new("attempts"))
            .expr_as(
                Expr::col((Accounts::Table, Accounts::DisplayName)),
                Alias::new("owner_name"),
            )
            .expr_as(col(J::Payload), Alias::new("payload"))
            .expr_as(col(J::Error), Alias::new("error"))
            .expr_as(col(J::CreatedAt), Alias::new("created_at"))
            .expr_as(col(J::UpdatedAt), Alias::new("updated_at"))
            .expr_as(col(J::RunAt), Alias::new("run_at"))
            .from(J::Table)
            .left_join(
                Accounts::Table,
                Expr::col((Accounts::Table, Accounts::Id)).equals((J::Table, J::OwnerId)),
            )
            .order_by((J::Table, J::Id), Order::Desc)
            .limit(LIST_LIMIT)
            .take();
        if let Some(state) = state {
            select.and_where(col(J::State).eq(state.code()));
        }
        let rows: Vec<ListedRow> = self.db.read().await?.all(&select).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// How many jobs are in each state that has any.
    pub async fn counts(&self) -> Result<Vec<(JobState, i64)>, StoreError> {
        self.require(Permission::ManageConfiguration).await?;
        let rows: Vec<(String, i64)> = self
            .db
            .read()
            .await?
            .all(
                &Query::select()
                    .column(J::State)
                    .expr(Expr::col(J::Id).count())
                    .from(J::Table)
                    .group_by_col(J::State)
                    .take(),
            )
            .await?;
        rows.into_iter()
            .map(|(state, n)| Ok((JobState::parse(&state)?, n)))
            .collect()
    }

    /// Cancels job `id` if it has not started (held or queued, a retry waiting included);
    /// `false` when it is in any other state. Audited.
    pub async fn cancel(&self, id: i64) -> Result<bool, StoreError> {
        self.change(
            id,
            &[JobState::Held, JobState::Queued],
            JobState::Cancelled,
            AuditAction::JobCancel,
        )
        .await
    }

    /// Queues job `id` again, due at once, if it failed or was cancelled; `false` otherwise. Its
    /// attempts are kept (they fence out any worker still holding an old claim), so a retried
    /// job that fails again stays failed: each retry is one more try. Audited.
    pub async fn retry(&self, id: i64) -> Result<bool, StoreError> {
        self.change(
            id,
            &[JobState::Failed, JobState::Cancelled],
            JobState::Queued,
            AuditAction::JobRetry,
        )
        .await
    }

    async fn change(
        &self,
        id: i64,
        from: &[JobState],
        to: JobState,
        action: AuditAction,
    ) -> Result<bool, StoreError> {
        self.require(Permission::ManageConfiguration).await?;
        let mut tx = self.db.begin().await?;
        let now = tx.now();
        let found: Option<(String, String)> = tx
            .optional(
                &Query::select()
                    .columns([J::Kind, J::State])
                    .from(J::Table)
                    .and_where(Expr::col(J::Id).eq(id))
                    .take(),
            )
            .await?;
        let (kind, state) = found.ok_or(StoreError::NotFound)?;
        let changed = tx
            .execute(
                &Query::update()
                    .table(J::Table)
                    .value(J::State, to.code())
                    .value(J::RunAt, now)
                    .value(J::UpdatedAt, now)
                    .and_where(Expr::col(J::Id).eq(id))
                    .and_where(Expr::col(J::State).is_in(from.iter().map(|s| s.code())))
                    .take(),
            )
            .await?;
        if changed == 0 {
            return Ok(false);
        }
        self.record(
            &mut tx,
            action,
            Target {
                kind: "job",
                id,
                label: &kind,
                region_path: "",
            },
            Some(&serde_json::json!({ "state": state })),
            Some(&serde_json::json!({ "state": to.code() })),
        )
        .await?;
        tx.commit().await?;
        if to == JobState::Queued {
            self.store.job_wake().notify_one();
        }
        Ok(true)
    }
}
