//! The job queue in the database, on SQLite and PostgreSQL alike: every background job — an
//! annual-plan import, the nightly run, the ten-minute escalation of request deadlines. A job is
//! a row of `jobs` (migrations 16 and 17) with its kind, a JSON payload, the account that owns
//! it (none for the system's scheduled jobs), a priority, the time it is due (`run_at`), an
//! optional unique key, and the file it reads in `job_files`.
//!
//! Life of a job: [`Jobs::enqueue`] writes it `queued`, or `held` until its owner
//! [`Jobs::release`]s it (an upload waits for its confirmation); [`Queue::schedule`] writes a
//! system job under a unique key, once however many instances ask. A worker [`Queue::claim`]s
//! the next due one with a lease, reports progress with [`Queue::heartbeat`] (which extends the
//! lease) and ends it with [`Queue::finish`] or [`Queue::fail`], which queues it again after a
//! [`backoff`] until its kind's attempts are spent, then keeps it `failed` with its error.
//! Delivery is at least once: a job whose lease expired — its worker died — is claimable again,
//! so every job must be safe to run twice (an import runs in one transaction, which a dead
//! worker's database connection rolled back). Each claim counts an attempt, and the attempt
//! number fences the claimer: a worker whose lease was taken over can no longer report or
//! finish. A worker that stops hands its unfinished jobs back ([`Queue::release_lease`]).
//!
//! The owner's side (enqueue, read, release, the file) goes through the [`Scoped`] handle
//! `scoped.jobs()` and sees only the actor's own jobs; the system administrator's list, cancel
//! and retry through `scoped.job_admin()`; the workers' side through `store.queue()`, which acts
//! for no one.

mod admin;
mod backoff;
mod queue;

pub use admin::{JobAdmin, ListedJob};
pub use backoff::backoff;
pub use queue::{Claim, Queue, Scheduled};

use crate::kernel::error::StoreError;
use crate::kernel::schema::{JobFiles, Jobs as J};
use chrono::{DateTime, Utc};
use minxin_domain::Permission;
use sea_query::{Expr, ExprTrait, InsertStatement, Query, SelectStatement};

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Written, not to run until its owner releases it.
    Held,
    /// Waiting for a worker.
    Queued,
    /// Claimed by a worker whose lease runs until `lease_until`.
    Running,
    /// Ran to the end; its outcome is the result.
    Finished,
    /// Stopped by an error once its attempts were spent, kept with it.
    Failed,
    /// Stopped by a system administrator before it ran.
    Cancelled,
}

impl JobState {
    /// The code stored in `jobs.state`.
    pub fn code(self) -> &'static str {
        match self {
            JobState::Held => "held",
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Finished => "finished",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    /// Every state, in the order of a job's life.
    pub const ALL: [JobState; 6] = [
        JobState::Held,
        JobState::Queued,
        JobState::Running,
        JobState::Finished,
        JobState::Failed,
        JobState::Cancelled,
    ];

    /// The state of `code`, or `None` for a code that names none (a filter typed by hand).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    fn parse(code: &str) -> Result<Self, StoreError> {
        Self::from_code(code)
            .ok_or_else(|| StoreError::Config(format!("unknown job state `{code}`")))
    }
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    /// What the job does, which decides the worker's handler (e.g. `projects.import`).
    pub kind: &'a str,
    /// What the handler needs, as JSON.
    pub payload: serde_json::Value,
    /// Higher runs first among due jobs.
    pub priority: i64,
    /// The file the job reads, kept with it.
    pub file: Option<&'a [u8]>,
    /// Written `held`, to run only once released.
    pub held: bool,
    /// What the owner must hold to enqueue it (the handler checks again as the owner).
    pub permission: Permission,
}

/// A job as stored.
#[derive(Debug, Clone)]
pub struct Job {
    /// Its id.
    pub id: i64,
    /// What it does.
    pub kind: String,
    /// What the handler needs.
    pub payload: serde_json::Value,
    /// The account it runs for; `None` for the system's jobs or a removed account.
    pub owner_id: Option<i64>,
    /// Higher runs first.
    pub priority: i64,
    /// Where it is.
    pub state: JobState,
    /// How often it was claimed.
    pub attempts: i64,
    /// Until when its worker holds it, while running.
    pub lease_until: Option<DateTime<Utc>>,
    /// Units of work done, of [`Job::total`] (rows of an import).
    pub done: i64,
    /// Units of work in all, once known.
    pub total: i64,
    /// The outcome of a finished job.
    pub result: Option<serde_json::Value>,
    /// The error of a failed job.
    pub error: Option<String>,
    /// When it was enqueued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Not due before this (its retry's backoff, a scheduled run's hour).
    pub run_at: DateTime<Utc>,
    /// The key that makes a scheduled job one row across instances.
    pub unique_key: Option<String>,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    payload: String,
    owner_id: Option<i64>,
    priority: i64,
    state: String,
    attempts: i64,
    lease_until: Option<DateTime<Utc>>,
    done: i64,
    total: i64,
    result: Option<String>,
    error: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    run_at: Option<DateTime<Utc>>,
    unique_key: Option<String>,
}

/// Every column of a job, in [`JobRow`]'s order.
const COLUMNS: [J; 16] = [
    J::Id,
    J::Kind,
    J::Payload,
    J::OwnerId,
    J::Priority,
    J::State,
    J::Attempts,
    J::LeaseUntil,
    J::Done,
    J::Total,
    J::Result,
    J::Error,
    J::CreatedAt,
    J::UpdatedAt,
    J::RunAt,
    J::UniqueKey,
];

fn json(text: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Config(format!("a stored job's JSON: {e}")))
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;

    fn try_from(r: JobRow) -> Result<Job, StoreError> {
        Ok(Job {
            id: r.id,
            kind: r.kind,
            payload: json(&r.payload)?,
            owner_id: r.owner_id,
            priority: r.priority,
            state: JobState::parse(&r.state)?,
            attempts: r.attempts,
            lease_until: r.lease_until,
            done: r.done,
            total: r.total,
            result: r.result.as_deref().map(json).transpose()?,
            error: r.error,
            created_at: r.created_at,
            updated_at: r.updated_at,
            // Every enqueue writes it; migration 17 filled it in for older jobs.
            run_at: r.run_at.unwrap_or(r.created_at),
            unique_key: r.unique_key,
        })
    }
}

/// The job `id`, whatever its owner.
fn select(id: i64) -> SelectStatement {
    Query::select()
        .columns(COLUMNS)
        .from(J::Table)
        .and_where(Expr::col(J::Id).eq(id))
        .take()
}

/// The file of job `id`.
fn select_file(id: i64) -> SelectStatement {
    Query::select()
        .column(JobFiles::Bytes)
        .from(JobFiles::Table)
        .and_where(Expr::col(JobFiles::JobId).eq(id))
        .take()
}

/// What a new row of `jobs` holds besides what every new job starts with.
struct Row<'a> {
    kind: &'a str,
    payload: &'a serde_json::Value,
    owner_id: Option<i64>,
    priority: i64,
    state: JobState,
    run_at: DateTime<Utc>,
    unique_key: Option<&'a str>,
}

/// The insert of `row` at `now`: no attempt yet, no lease, progress or outcome.
fn insert(row: &Row<'_>, now: DateTime<Utc>) -> InsertStatement {
    Query::insert()
        .into_table(J::Table)
        // Every column but the id, in the order of `COLUMNS`.
        .columns(COLUMNS[1..].iter().copied())
        .values_panic([
            row.kind.into(),
            row.payload.to_string().into(),
            row.owner_id.into(),
            row.priority.into(),
            row.state.code().into(),
            0i64.into(),
            Option::<DateTime<Utc>>::None.into(),
            0i64.into(),
            0i64.into(),
            Option::<String>::None.into(),
            Option::<String>::None.into(),
            now.into(),
            now.into(),
            row.run_at.into(),
            row.unique_key.map(str::to_owned).into(),
        ])
        .take()
}

crate::kernel::scoped::handle!(
    /// The actor's own jobs: enqueue, read, release, and the file of each.
    Jobs,
    jobs
);

impl Jobs<'_> {
    /// Enqueues `job` for the actor, who owns it; returns its id.
    pub async fn enqueue(&self, job: NewJob<'_>) -> Result<i64, StoreError> {
        self.require(job.permission).await?;
        let mut tx = self.db.begin().await?;
        let now = tx.now();
        let state = if job.held {
            JobState::Held
        } else {
            JobState::Queued
        };
        let row = Row {
            kind: job.kind,
            payload: &job.payload,
            owner_id: Some(self.actor.account_id),
            priority: job.priority,
            state,
            run_at: now,
            unique_key: None,
        };
        let id = tx.insert(insert(&row, now)).await?;
        if let Some(bytes) = job.file {
            tx.execute(
                &Query::insert()
                    .into_table(JobFiles::Table)
                    .columns([JobFiles::JobId, JobFiles::Bytes])
                    .values_panic([id.into(), bytes.to_vec().into()])
                    .take(),
            )
            .await?;
        }
        tx.commit().await?;
        if !job.held {
            self.store.job_wake().notify_one();
        }
        Ok(id)
    }

    /// The actor's job `id`; anyone else's is [`StoreError::NotFound`].
    pub async fn get(&self, id: i64) -> Result<Job, StoreError> {
        let row: JobRow = self
            .db
            .read()
            .await?
            .one(
                &select(id)
                    .and_where(Expr::col(J::OwnerId).eq(self.actor.account_id))
                    .take(),
            )
            .await?;
        row.try_into()
    }

    /// The file of the actor's job `id`.
    pub async fn file(&self, id: i64) -> Result<Vec<u8>, StoreError> {
        self.get(id).await?;
        let (bytes,): (Vec<u8>,) = self.db.read().await?.one(&select_file(id)).await?;
        Ok(bytes)
    }

    /// Lets the actor's held job `id` run; `false` when it is not held (any more), so of
    /// several clicks on "confirm" only the first releases it.
    pub async fn release(&self, id: i64) -> Result<bool, StoreError> {
        let mut tx = self.db.begin().await?;
        let released = tx
            .execute(
                &Query::update()
                    .table(J::Table)
                    .value(J::State, JobState::Queued.code())
                    .value(J::UpdatedAt, tx.now())
                    .and_where(Expr::col(J::Id).eq(id))
                    .and_where(Expr::col(J::OwnerId).eq(self.actor.account_id))
                    .and_where(Expr::col(J::State).eq(JobState::Held.code()))
                    .take(),
            )
            .await?;
        tx.commit().await?;
        if released == 1 {
            self.store.job_wake().notify_one();
        }
        Ok(released == 1)
    }
}
