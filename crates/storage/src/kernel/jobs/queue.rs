//! The workers' side of the queue: claim the next due job with a lease, report progress (which
//! extends the lease), finish or fail it, read its file, and sweep old jobs away.
//!
//! Claiming is one `UPDATE … WHERE id IN (the next due job) RETURNING …`: on PostgreSQL the
//! inner select takes the row `FOR UPDATE SKIP LOCKED`, so concurrent claimers on many
//! instances each get a different job without waiting on each other; on SQLite the same
//! statement runs inside the single writer (`BEGIN IMMEDIATE`), which serialises claimers.
//! A cheap read first finds whether anything is due, so an idle worker's polling writes
//! nothing (and leaves the caches of rendered pages alone).

use super::{COLUMNS, Job, JobRow, JobState, select_file};
use crate::Store;
use crate::kernel::db::{Backend, Db};
use crate::kernel::error::StoreError;
use crate::kernel::schema::Jobs as J;
use chrono::{DateTime, Duration, Utc};
use sea_query::{Cond, Expr, ExprTrait, LockBehavior, LockType, Order, Query, SelectStatement};

/// The workers' handle on the queue; acts for no one.
#[derive(Clone, Copy)]
pub struct Queue<'a> {
    db: &'a Db,
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
        Queue { db: self.db() }
    }
}

/// The next due job of `kinds` at `now`: queued, or running on a lease that expired, highest
/// priority first, then oldest.
fn next_due(kinds: &[&str], now: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .column(J::Id)
        .from(J::Table)
        .and_where(Expr::col(J::Kind).is_in(kinds.iter().copied()))
        .cond_where(
            Cond::any()
                .add(Expr::col(J::State).eq(JobState::Queued.code()))
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
    /// Claims the next due job of `kinds` for `lease`, or `None` when none is due (or another
    /// claimer took it first).
    pub async fn claim(
        &self,
        kinds: &[&str],
        lease: Duration,
    ) -> Result<Option<Claim>, StoreError> {
        let now = self.db.now();
        let due: Option<(i64,)> = self
            .db
            .read()
            .await?
            .optional(&next_due(kinds, now))
            .await?;
        if due.is_none() {
            return Ok(None);
        }
        let mut tx = self.db.begin().await?;
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

    /// Ends the job with `error`, kept for whoever looks at it; `false` when the claim no
    /// longer holds it. (Issue 18 adds retries with backoff before a job fails for good.)
    pub async fn fail(&self, claim: &Claim, error: &str) -> Result<bool, StoreError> {
        self.end(claim, JobState::Failed, None, Some(error.to_owned()))
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

    async fn update(
        &self,
        claim: &Claim,
        mut stmt: sea_query::UpdateStatement,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db.begin().await?;
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
