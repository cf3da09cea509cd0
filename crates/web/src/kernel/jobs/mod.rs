//! The background worker: claims jobs from the queue in the database (`minxin_storage::kernel::
//! jobs`) and runs each by its kind with the handler its context registered, up to
//! [`Worker::concurrency`] at once. Every instance of `minxin serve` starts one
//! ([`Worker::start`]); it wakes when this instance enqueues a job and polls for the others'.
//! It also schedules the system's periodic jobs (the nightly run, the ten-minute escalation):
//! every instance asks for the run of the current slot under its unique key
//! (`schedule.rs`), the queue keeps one job per key, and one worker somewhere runs it. Tests
//! run the due jobs to the end with [`Worker::drain`], so what they see does not depend on
//! timing.
//!
//! A worker that dies stops renewing its leases, and once a lease has run out another worker
//! claims the job and runs it again (handlers are safe to run twice). A worker told to stop
//! claims no more, gives its running jobs [`GRACE`] to finish, and hands the rest back to the
//! queue. Handlers do their CPU and file work under `spawn_blocking`, off the async threads.

mod execute;
pub mod schedule;

use crate::kernel::state::AppState;
use chrono::Duration;
use minxin_storage::StoreError;
use minxin_storage::kernel::jobs::{Claim, Scheduled};
use schedule::{Cadence, run_of};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How long a claim holds a job without a heartbeat.
const LEASE: Duration = Duration::seconds(60);
/// How long an idle worker waits before it looks for due jobs again.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);
/// How often a worker asks for the runs of the scheduled kinds.
const SCHEDULE_EVERY: std::time::Duration = std::time::Duration::from_secs(30);
/// How long a stopping worker lets its running jobs finish before it hands them back.
pub const GRACE: std::time::Duration = std::time::Duration::from_secs(20);
/// Jobs a worker runs at once unless configured otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// What a handler ends with: the job's result as JSON, or the error it failed with.
pub type JobFuture = Pin<Box<dyn Future<Output = Result<serde_json::Value, String>> + Send>>;

/// Runs one claimed job of a kind.
pub type Handler = fn(AppState, Claim, Progress) -> JobFuture;

/// Where a handler reports how far it got; cheap to call often (the heartbeat writes it).
#[derive(Debug)]
pub struct Progress(watch::Sender<(i64, i64)>);

impl Progress {
    /// `done` units of `total`.
    pub fn report(&self, done: usize, total: usize) {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.0.send_replace((count(done), count(total)));
    }
}

/// A kind's handler and how many attempts a job of it gets before it stays failed.
#[derive(Clone, Copy)]
struct Registered {
    handler: Handler,
    attempts: i64,
}

/// Claims due jobs of the kinds it has handlers for and runs them, several at once.
#[derive(Clone)]
pub struct Worker {
    state: AppState,
    handlers: Arc<BTreeMap<&'static str, Registered>>,
    schedules: Arc<Vec<(&'static str, Cadence)>>,
    concurrency: usize,
}

/// The claims a worker's tasks hold, by job id, to hand back when it stops.
type Holding = Arc<Mutex<BTreeMap<i64, Claim>>>;

impl Worker {
    /// A worker on `state` without handlers yet.
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            handlers: Arc::default(),
            schedules: Arc::default(),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// The same worker, running jobs of `kind` with `handler`; a job that fails is tried
    /// again after a backoff until it made `attempts` attempts (1: never again).
    #[must_use]
    pub fn handle(mut self, kind: &'static str, attempts: i64, handler: Handler) -> Self {
        Arc::make_mut(&mut self.handlers).insert(kind, Registered { handler, attempts });
        self
    }

    /// The same worker, also scheduling a job of `kind` (which it handles) on `cadence`.
    #[must_use]
    pub fn every(mut self, kind: &'static str, cadence: Cadence) -> Self {
        Arc::make_mut(&mut self.schedules).push((kind, cadence));
        self
    }

    /// The same worker running up to `n` jobs at once (at least one).
    #[must_use]
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Runs jobs in the background until `stop` completes, then stops as [`Worker::run`].
    pub fn start(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.run(stop))
    }

    /// Schedules and runs jobs until `stop` completes; then claims no more, lets the running
    /// jobs finish for up to [`GRACE`], and hands those still running back to the queue.
    pub async fn run(self, stop: impl Future<Output = ()> + Send) {
        let holding = Holding::default();
        let mut running = JoinSet::new();
        let mut schedule = tokio::time::interval(SCHEDULE_EVERY);
        let mut stop = std::pin::pin!(stop);
        loop {
            while running.len() < self.concurrency {
                match self.claim().await {
                    Ok(Some(claim)) => {
                        running.spawn(self.clone().run_held(claim, holding.clone()));
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "claiming a job failed");
                        break;
                    }
                }
            }
            let wake = self.state.store.job_wake();
            tokio::select! {
                () = &mut stop => break,
                Some(_) = running.join_next(), if !running.is_empty() => {}
                () = wake.notified() => {}
                _ = schedule.tick() => {
                    if let Err(e) = self.schedule_due().await {
                        tracing::error!(error = %e, "scheduling jobs failed");
                    }
                }
                () = tokio::time::sleep(POLL) => {}
            }
        }
        let finished = tokio::time::timeout(GRACE, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            running.shutdown().await;
        }
        self.release(&holding).await;
    }

    /// Hands every claim still held back to the queue.
    async fn release(&self, holding: &Holding) {
        let left: Vec<Claim> = std::mem::take(&mut *lock(holding)).into_values().collect();
        for claim in left {
            match self.state.store.queue().release_lease(&claim).await {
                Ok(_) => tracing::info!(job = claim.job.id, "job handed back on shutdown"),
                Err(e) => tracing::error!(error = %e, job = claim.job.id, "handing back failed"),
            }
        }
    }

    /// Runs `claim`, holding it in `holding` until it ended.
    async fn run_held(self, claim: Claim, holding: Holding) {
        let id = claim.job.id;
        lock(&holding).insert(id, claim.clone());
        if let Err(e) = self.execute(claim).await {
            tracing::error!(error = %e, job = id, "ending a job failed");
        }
        lock(&holding).remove(&id);
    }

    /// Asks the queue for the current run of every scheduled kind; a run that exists (another
    /// instance asked first, or it ran) is left as it is.
    ///
    /// # Errors
    ///
    /// When the queue cannot be read or written.
    pub async fn schedule_due(&self) -> Result<(), StoreError> {
        let now = self.state.clock.now();
        for (kind, cadence) in self.schedules.iter() {
            let run = run_of(kind, *cadence, now);
            self.state
                .store
                .queue()
                .schedule(&Scheduled {
                    kind,
                    unique_key: &run.key,
                    payload: serde_json::json!({}),
                    priority: 0,
                    run_at: run.run_at,
                })
                .await?;
        }
        Ok(())
    }

    /// Runs due jobs one at a time until none is left.
    ///
    /// # Errors
    ///
    /// When the queue cannot be read or written.
    pub async fn drain(&self) -> Result<(), StoreError> {
        while let Some(claim) = self.claim().await? {
            self.execute(claim).await?;
        }
        Ok(())
    }

    /// Claims the next due job of the kinds this worker handles.
    async fn claim(&self) -> Result<Option<Claim>, StoreError> {
        let kinds: Vec<&str> = self.handlers.keys().copied().collect();
        self.state.store.queue().claim(&kinds, LEASE).await
    }

    /// Runs `claim` with its kind's handler to the end.
    async fn execute(&self, claim: Claim) -> Result<(), StoreError> {
        let registered = *self
            .handlers
            .get(claim.job.kind.as_str())
            .ok_or_else(|| StoreError::Config(format!("no handler for job {}", claim.job.kind)))?;
        execute::execute(self.state.clone(), registered, claim).await
    }
}

/// The map of held claims; a task that panicked while holding the lock left it usable.
fn lock(holding: &Holding) -> std::sync::MutexGuard<'_, BTreeMap<i64, Claim>> {
    holding
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
