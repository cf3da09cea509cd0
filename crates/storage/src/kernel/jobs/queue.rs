//! The workers' side of the queue: schedule system jobs under unique keys, claim the next due
//! job with a lease, report progress (which extends the lease), finish it, fail it (to be tried
//! again after a backoff, or for good), hand it back on shutdown, read its file, and sweep old
//! jobs away.
//!
//! Claiming is one `UPDATE … WHERE id IN (the next due job) RETURNING …`: on PostgreSQL the
//! inner select takes the row `FOR UPDATE SKIP LOCKED`, so concurrent claimers on many
//! instances each get a different job without waiting on each other; on SQLite the same
//! statement runs inside the single writer (`BEGIN IMMEDIATE`), which serialises claimers.
//! On SQLite a cheap read first finds whether anything is due, so an idle worker's polling
//! writes nothing (and leaves the caches of rendered pages alone); on PostgreSQL the claim, the
//! heartbeat and the end are single statements that commit by themselves.

use super::{COLUMNS, Job, JobRow, JobState, Row, backoff, insert, select_file};
use crate::Store;
use crate::kernel::db::{Backend, Db, Tx};
use crate::kernel::error::StoreError;
use crate::kernel::schema::Jobs as J;
use chrono::{DateTime, Duration, Utc};
use sea_query::{
    Cond, Expr, ExprTrait, LockBehavior, LockType, OnConflict, Order, Query, SelectStatement,
};
use tokio::sync::Notify;

/// The workers' handle on the queue; acts for no one.
#[derive(Clone, Copy)]
pub struct Queue<'a> {
    db: &'a Db,
    wake: &'a Notify,
}

/// A job the system schedules for itself, once per unique key.
#[derive(Debug, Clone)]
pub struct Scheduled<'a> {
    /// What the job does (e.g. `control.nightly`).
    pub kind: &'a str,
    /// The key that makes it one job across instances (e.g. `control.nightly 2026-12-07`).
    pub unique_key: &'a str,
    /// What the handler needs.
    pub payload: serde_json::Value,
    /// Higher runs first among due jobs.
    pub priority: i64,
    /// Not due before this.
    pub run_at: DateTime<Utc>,
}

/// A job a worker holds: the job as claimed, and the lease each heartbeat renews. Its attempt
/// number fences it: once another worker claimed the job again, this claim changes nothing.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The job as claimed (state running, this attempt counted).
    pub job: Job,
    /// How long each claim or heartbeat holds the job.
    pub lease: Duration,
}

impl Store {
    /// The queue as the workers see it.
    pub fn queue(&self) -> Queue<'_> {
        Queue {
            db: self.db(),
            wake: self.job_wake(),
        }
    }
}

/// The next due job of `kinds` at `now`: queued and past its `run_at`, or running on a lease
/// that expired, highest priority first, then oldest.
fn next_due(kinds: &[&str], now: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .column(J::Id)
        .from(J::Table)
        .and_where(Expr::col(J::Kind).is_in(kinds.iter().copied()))
        .cond_where(
            Cond::any()
                .add(
                    Cond::all()
                        .add(Expr::col(J::State).eq(JobState::Queued.code()))
                        .add(Expr::col(J::RunAt).lte(now)),
                )
                .add(
                    Cond::all()
                        .add(Expr::col(J::State).eq(JobState::Running.code()))
                        .add(Expr::col(J::LeaseUntil).lt(now)),
                ),
        )
        .order_by(J::Priority, Order::Desc)
        .order_by(J::Id, Order::Asc)
        .limit(1)
        .take()
}

/// The condition that `claim` still holds its job.
fn held_by(claim: &Claim) -> Cond {
    Cond::all()
        .add(Expr::col(J::Id).eq(claim.job.id))
        .add(Expr::col(J::State).eq(JobState::Running.code()))
        .add(Expr::col(J::Attempts).eq(claim.job.attempts))
}

impl Queue<'_> {
    /// Enqueues `job` unless a job with its unique key exists (whatever its state): returns the
    /// id of the one job of that key, and whether this call wrote it. Looks first, so asking
    /// again for a job that exists writes nothing.
    pub async fn schedule(&self, job: &Scheduled<'_>) -> Result<(i64, bool), StoreError> {
        let by_key = Query::select()
            .column(J::Id)
            .from(J::Table)
            .and_where(Expr::col(J::UniqueKey).eq(job.unique_key))
            .take();
        let existing: Option<(i64,)> = self.db.read().await?.optional(&by_key).await?;
        if let Some((id,)) = existing {
            return Ok((id, false));
        }
        let mut tx = self.db.begin().await?;
        let row = Row {
            kind: job.kind,
            payload: &job.payload,
            owner_id: None,
            priority: job.priority,
            state: JobState::Queued,
            run_at: job.run_at,
            unique_key: Some(job.unique_key),
        };
        let mut stmt = insert(&row, tx.now());
        stmt.on_conflict(OnConflict::column(J::UniqueKey).do_nothing().to_owned())
            .returning_col(J::Id);
        // Another instance may have written it since the look: then nothing is returned.
        let written: Option<(i64,)> = tx.optional(&stmt).await?;
        let (id, new) = match written {
            Some((id,)) => (id, true),
            None => (tx.one::<(i64,)>(&by_key).await?.0, false),
        };
        tx.commit().await?;
        if new {
            self.wake.notify_one();
        }
        Ok((id, new))
    }

    /// Claims the next due job of `kinds` for `lease`, or `None` when none is due (or another
    /// claimer took it first).
    pub async fn claim(
        &self,
        kinds: &[&str],
        lease: Duration,
    ) -> Result<Option<Claim>, StoreError> {
        let now = self.db.now();
        if self.db.backend() == Backend::Sqlite {
            let due: Option<(i64,)> = self
                .db
                .read()
                .await?
                .optional(&next_due(kinds, now))
                .await?;
            if due.is_none() {
                return Ok(None);
            }
        }
        let mut tx = self.one_statement().await?;
        let mut inner = next_due(kinds, now);
        if tx.backend() == Backend::Postgres {
            inner.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let row: Option<JobRow> = tx
            .optional(
                &Query::update()
                    .table(J::Table)
                    .value(J::State, JobState::Running.code())
                    .value(J::Attempts, Expr::col(J::Attempts).add(1))
                    .value(J::LeaseUntil, now + lease)
                    .value(J::UpdatedAt, now)
                    .and_where(Expr::col(J::Id).in_subquery(inner))
                    .returning(Query::returning().columns(COLUMNS))
                    .take(),
            )
            .await?;
        tx.commit().await?;
        row.map(|row| {
            Ok(Claim {
                job: row.try_into()?,
                lease,
            })
        })
        .transpose()
    }

    /// Records `done` of `total` units and extends the lease; `false` when the claim no
    /// longer holds the job (its lease expired and another worker took it over).
    pub async fn heartbeat(
        &self,
        claim: &Claim,
        done: i64,
        total: i64,
    ) -> Result<bool, StoreError> {
        let now = self.db.now();
        self.update(
            claim,
            Query::update()
                .value(J::Done, done)
                .value(J::Total, total)
                .value(J::LeaseUntil, now + claim.lease)
                .value(J::UpdatedAt, now)
                .take(),
        )
        .await
    }

    /// Ends the job with its outcome; `false` when the claim no longer holds it.
    pub async fn finish(
        &self,
        claim: &Claim,
        result: &serde_json::Value,
    ) -> Result<bool, StoreError> {
        self.end(claim, JobState::Finished, Some(result.to_string()), None)
            .await
    }

    /// Records `error` on the job, kept for whoever looks at it, and queues it again after its
    /// [`backoff`] while fewer than `max_attempts` attempts were made; after that the job stays
    /// failed. `false` when the claim no longer holds it.
    pub async fn fail(
        &self,
        claim: &Claim,
        error: &str,
        max_attempts: i64,
    ) -> Result<bool, StoreError> {
        let attempts = claim.job.attempts;
        if attempts >= max_attempts {
            return self
                .end(claim, JobState::Failed, None, Some(error.to_owned()))
                .await;
        }
        let now = self.db.now();
        self.update(
            claim,
            Query::update()
                .value(J::State, JobState::Queued.code())
                .value(J::LeaseUntil, Option::<DateTime<Utc>>::None)
                .value(J::Error, error)
                .value(J::RunAt, now + backoff(claim.job.id, attempts))
                .value(J::UpdatedAt, now)
                .take(),
        )
        .await
    }

    /// Hands the job back, due at once, for another worker (or this one after a restart) to
    /// run: a worker that stops calls it for the jobs it could not finish in time, instead of
    /// leaving them until their leases run out. `false` when the claim no longer holds it.
    pub async fn release_lease(&self, claim: &Claim) -> Result<bool, StoreError> {
        let now = self.db.now();
        self.update(
            claim,
            Query::update()
                .value(J::State, JobState::Queued.code())
                .value(J::LeaseUntil, Option::<DateTime<Utc>>::None)
                .value(J::RunAt, now)
                .value(J::UpdatedAt, now)
                .take(),
        )
        .await
    }

    async fn end(
        &self,
        claim: &Claim,
        state: JobState,
        result: Option<String>,
        error: Option<String>,
    ) -> Result<bool, StoreError> {
        self.update(
            claim,
            Query::update()
                .value(J::State, state.code())
                .value(J::LeaseUntil, Option::<DateTime<Utc>>::None)
                .value(J::Result, result)
                .value(J::Error, error)
                .value(J::UpdatedAt, self.db.now())
                .take(),
        )
        .await
    }

    /// Where one statement of the workers runs: on PostgreSQL on its own, committing by itself
    /// (one round trip instead of three, at thousands of jobs a second; an update that matches
    /// nothing writes nothing, so an idle worker's claim costs no more than a read); on SQLite
    /// inside the single writer, where an idle claim first looked whether anything is due.
    async fn one_statement(&self) -> Result<Tx, StoreError> {
        match self.db.backend() {
            Backend::Postgres => self.db.read().await,
            Backend::Sqlite => self.db.begin().await,
        }
    }

    async fn update(
        &self,
        claim: &Claim,
        mut stmt: sea_query::UpdateStatement,
    ) -> Result<bool, StoreError> {
        let mut tx = self.one_statement().await?;
        let changed = tx
            .execute(stmt.table(J::Table).cond_where(held_by(claim)))
            .await?;
        tx.commit().await?;
        Ok(changed == 1)
    }

    /// The file of the claimed job, if it has one.
    pub async fn file(&self, claim: &Claim) -> Result<Option<Vec<u8>>, StoreError> {
        let file: Option<(Vec<u8>,)> = self
            .db
            .read()
            .await?
            .optional(&select_file(claim.job.id))
            .await?;
        Ok(file.map(|(bytes,)| bytes))
    }

    /// Removes the jobs of `kind` enqueued more than `age` ago, with their files, except those
    /// a worker holds on a live lease; returns how many went.
    pub async fn sweep(&self, kind: &str, age: Duration) -> Result<u64, StoreError> {
        let now = self.db.now();
        let mut tx = self.db.begin().await?;
        let removed = tx
            .execute(
                &Query::delete()
                    .from_table(J::Table)
                    .and_where(Expr::col(J::Kind).eq(kind))
                    .and_where(Expr::col(J::CreatedAt).lt(now - age))
                    .cond_where(
                        Cond::any()
                            .add(Expr::col(J::State).ne(JobState::Running.code()))
                            .add(Expr::col(J::LeaseUntil).lt(now)),
                    )
                    .take(),
            )
            .await?;
        tx.commit().await?;
        Ok(removed)
    }
}
