//! Running one claimed job: its handler beside a heartbeat task that records the progress it
//! reports and renews the lease, then its end — finished with its result, or failed (tried again
//! after a backoff until its kind's attempts are spent). If the lease was taken over while the
//! handler still runs, the handler is dropped, which rolls its transaction back.

use super::{Progress, Registered};
use crate::kernel::state::AppState;
use minxin_storage::StoreError;
use minxin_storage::kernel::jobs::Claim;
use tokio::sync::{oneshot, watch};

/// How often the heartbeat looks at the progress (and writes it when it moved).
const BEAT: std::time::Duration = std::time::Duration::from_secs(1);
/// How often the lease is renewed even when the progress stands still.
const RENEW_EVERY: u32 = 20;

/// Runs `claim` with `registered`'s handler to its end.
pub(super) async fn execute(
    state: AppState,
    registered: Registered,
    claim: Claim,
) -> Result<(), StoreError> {
    let (sender, seen) = watch::channel((claim.job.done, claim.job.total));
    let (lost, mut taken_over) = oneshot::channel();
    let beat = tokio::spawn(heartbeat(state.clone(), claim.clone(), seen, lost));
    let work = (registered.handler)(state.clone(), claim.clone(), Progress(sender));
    let outcome = tokio::select! {
        outcome = work => Some(outcome),
        _ = &mut taken_over => None,
    };
    beat.abort();
    let queue = state.store.queue();
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
    Ok(())
}

/// Writes the progress whenever it moved and renews the lease at least every
/// [`RENEW_EVERY`] beats; tells `lost` when another worker took the job over.
async fn heartbeat(
    state: AppState,
    claim: Claim,
    mut seen: watch::Receiver<(i64, i64)>,
    lost: oneshot::Sender<()>,
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
