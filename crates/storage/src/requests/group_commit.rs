//! Group commit for intake. A receipt is handed out only once its request is durably committed
//! (SQLite `synchronous=FULL`, PostgreSQL `synchronous_commit=on`), and a durable commit waits
//! for the disk to flush — about 3 ms on the project's machine, which would cap SQLite, whose
//! writers take turns, near 350 requests a second. So one writer task takes every submission
//! waiting at that moment, writes each under its own savepoint (a failing one is rolled back
//! alone and told why) in one transaction, commits once, and only then answers each caller:
//! every receipt still stands for a committed request, and one flush serves the whole batch.
//! The checks and reads of intake happen before, in the caller's task; the writer only inserts.

use super::intake::{Prepared, write};
use crate::db::{Db, Tx};
use crate::error::StoreError;
use minxin_domain::requests::placement::DEFAULT_NEAR_PROJECT_METRES;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::{mpsc, oneshot};

/// Most submissions written in one transaction: bounds how long the write lock is held.
const MAX_BATCH: usize = 256;

/// The queue in front of the intake writer, started with the first submission (so inside the
/// runtime that serves it) and ending when the store is dropped; it also carries the one
/// setting intake's placement reads, as every submission passes here.
#[derive(Debug)]
pub(crate) struct GroupCommit {
    db: Db,
    queue: OnceLock<mpsc::UnboundedSender<Job>>,
    near_project_metres: AtomicU32,
}

/// One submission waiting to be written, and where its outcome goes.
struct Job {
    prepared: Prepared,
    reply: oneshot::Sender<Result<i64, StoreError>>,
}

impl GroupCommit {
    /// A queue writing to `db`; no task runs until the first submission.
    pub(crate) fn new(db: Db) -> GroupCommit {
        GroupCommit {
            db,
            queue: OnceLock::new(),
            near_project_metres: AtomicU32::new(DEFAULT_NEAR_PROJECT_METRES),
        }
    }

    /// How far from a project a request without a boundary may be to be placed in its region.
    pub(crate) fn near_project_metres(&self) -> u32 {
        self.near_project_metres.load(Ordering::Relaxed)
    }

    /// Sets that distance (configuration key `near_project_metres`).
    pub(crate) fn set_near_project_metres(&self, metres: u32) {
        self.near_project_metres.store(metres, Ordering::Relaxed);
    }

    /// Writes `prepared` in the next batch and returns the new request's id once that batch
    /// is committed.
    pub(crate) async fn commit(&self, prepared: Prepared) -> Result<i64, StoreError> {
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(run(self.db.clone(), receiver));
            sender
        });
        let (reply, answer) = oneshot::channel();
        queue.send(Job { prepared, reply }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Database(sqlx::Error::PoolClosed)
}

/// The writer: everything queued while the previous batch committed becomes the next batch.
async fn run(db: Db, mut queue: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(&db, batch).await;
    }
}

async fn commit_batch(db: &Db, batch: Vec<Job>) {
    let mut tx = match db.begin().await {
        Ok(tx) => tx,
        Err(e) => return fail(batch, &e),
    };
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in &batch {
        outcomes.push(write_one(&mut tx, &job.prepared).await);
    }
    match tx.commit().await {
        Ok(()) => {
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                // A caller that has gone away (the connection closed) was never acknowledged.
                let _ = job.reply.send(outcome);
            }
        }
        Err(e) => fail(batch, &e),
    }
}

/// One submission under its own savepoint, so that its failure undoes only its own rows.
async fn write_one(tx: &mut Tx, prepared: &Prepared) -> Result<i64, StoreError> {
    tx.run_script("SAVEPOINT intake").await?;
    let written = write(tx, prepared).await;
    if written.is_err() {
        tx.run_script("ROLLBACK TO SAVEPOINT intake").await?;
    }
    tx.run_script("RELEASE SAVEPOINT intake").await?;
    written
}

/// Tells every caller of a batch that could not be committed why; nothing of it was stored.
fn fail(batch: Vec<Job>, error: &StoreError) {
    for job in batch {
        let _ = job
            .reply
            .send(Err(StoreError::Database(sqlx::Error::Protocol(format!(
                "the intake batch was not committed: {error}"
            )))));
    }
}
