//! The background worker: claims jobs from the queue in the database (`minxin_storage::kernel::
//! jobs`) and runs each by its kind with the handler its context registered. `minxin serve`
//! starts one per process ([`Worker::start`], polling while idle); tests run the due jobs to the
//! end with [`Worker::drain`], so what they see does not depend on timing.
//!
//! While a handler runs, a heartbeat task records the progress it reports and renews the lease;
//! a worker that dies stops renewing it, and once the lease has run out another worker claims
//! the job and runs it again (handlers are safe to run twice). If the lease was taken over
//! while this worker still runs the job, its handler is dropped, which rolls its transaction
//! back. Handlers do their CPU and file work under `spawn_blocking`, off the async threads.

use crate::kernel::state::AppState;
use chrono::Duration;
use minxin_storage::StoreError;
use minxin_storage::kernel::jobs::Claim;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::watch;

/// How long a claim holds a job without a heartbeat.
const LEASE: Duration = Duration::seconds(60);
/// How often the heartbeat looks at the progress (and writes it when it moved).
const BEAT: std::time::Duration = std::time::Duration::from_secs(1);
/// How often the lease is renewed even when the progress stands still.
const RENEW_EVERY: u32 = 20;
/// How long an idle worker waits before it looks for due jobs again.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

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

/// Claims due jobs of the kinds it has handlers for and runs them one at a time.
#[derive(Clone)]
pub struct Worker {
    state: AppState,
    handlers: Arc<BTreeMap<&'static str, Registered>>,
}

impl Worker {
    /// A worker on `state` without handlers yet.
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            handlers: Arc::default(),
        }
    }

    /// The same worker, running jobs of `kind` with `handler`; a job that fails is tried
    /// again after a backoff until it made `attempts` attempts (1: never again).
    #[must_use]
    pub fn handle(mut self, kind: &'static str, attempts: i64, handler: Handler) -> Self {
        Arc::make_mut(&mut self.handlers).insert(kind, Registered { handler, attempts });
        self
    }

    /// Runs jobs in the background for as long as the process lives.
    pub fn start(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match self.run_next().await {
                    Ok(true) => {}
                    Ok(false) => tokio::time::sleep(POLL).await,
                    Err(e) => {
                        tracing::error!(error = %e, "claiming a job failed");
                        tokio::time::sleep(POLL).await;
                    }
                }
            }
        })
    }

    /// Runs due jobs until none is left.
    ///
    /// # Errors
    ///
    /// When the queue cannot be read or written.
    pub async fn drain(&self) -> Result<(), StoreError> {
        while self.run_next().await? {}
        Ok(())
    }

    /// Claims the next due job and runs it to the end; `false` when none was due.
    async fn run_next(&self) -> Result<bool, StoreError> {
        let kinds: Vec<&str> = self.handlers.keys().copied().collect();
        let Some(claim) = self.state.store.queue().claim(&kinds, LEASE).await? else {
            return Ok(false);
        };
        let registered = *self
            .handlers
            .get(claim.job.kind.as_str())
            .ok_or_else(|| StoreError::Config(format!("no handler for job {}", claim.job.kind)))?;
        let (sender, seen) = watch::channel((claim.job.done, claim.job.total));
        let (lost, mut taken_over) = tokio::sync::oneshot::channel();
        let beat = tokio::spawn(heartbeat(self.state.clone(), claim.clone(), seen, lost));
        let work = (registered.handler)(self.state.clone(), claim.clone(), Progress(sender));
        let outcome = tokio::select! {
            outcome = work => Some(outcome),
            _ = &mut taken_over => None,
        };
        beat.abort();
        let queue = self.state.store.queue();
        let kept = match &outcome {
            Some(Ok(result)) => queue.finish(&claim, result).await?,
            Some(Err(error)) => {
                tracing::error!(job = claim.job.id, kind = %claim.job.kind, %error, "job failed");
                queue.fail(&claim, error, registered.attempts).await?
            }
            None => false,
        };
        if !kept {
            tracing::warn!(job = claim.job.id, "job taken over by another worker");
        }
        Ok(true)
    }
}

/// Writes the progress whenever it moved and renews the lease at least every
/// [`RENEW_EVERY`] beats; tells `lost` when another worker took the job over.
async fn heartbeat(
    state: AppState,
    claim: Claim,
    mut seen: watch::Receiver<(i64, i64)>,
    lost: tokio::sync::oneshot::Sender<()>,
) {
    let mut beats = 0;
    loop {
        tokio::time::sleep(BEAT).await;
        beats += 1;
        if !seen.has_changed().unwrap_or(false) && beats < RENEW_EVERY {
            continue;
        }
        let (done, total) = *seen.borrow_and_update();
        match state.store.queue().heartbeat(&claim, done, total).await {
            Ok(true) => beats = 0,
            Ok(false) => {
                let _ = lost.send(());
                return;
            }
            // On SQLite a long import holds the single writer; the progress waits for it.
            Err(e) => tracing::debug!(error = %e, job = claim.job.id, "heartbeat not written"),
        }
    }
}
