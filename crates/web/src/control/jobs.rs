//! The nightly run as a job of the queue (kind [`NIGHTLY`], once per Shanghai day at 00:10 under
//! the key `control.nightly YYYY-MM-DD`): every traffic light refreshed, since a light can turn
//! with the date alone (a milestone falls due, a report becomes late), the reminders of missing
//! reports with them; and on the first run of a month the month just finished kept as its
//! snapshot for the bulletins. Running it twice is safe: a refresh recomputes the same lights,
//! and a month's snapshot is taken once.

use crate::kernel::jobs::{JobFuture, Progress};
use crate::kernel::state::AppState;
use minxin_storage::kernel::jobs::Claim;

/// The kind of the nightly run.
pub const NIGHTLY: &str = "control.nightly";

/// Tries of a nightly run that fails (the database away for a while) before it stays failed.
pub const NIGHTLY_ATTEMPTS: i64 = 5;

/// Runs the nightly job: lights, then the month's snapshot when one is due.
pub fn nightly(state: AppState, _claim: Claim, _progress: Progress) -> JobFuture {
    Box::pin(async move {
        let store = &state.store;
        let lights = store.refresh_lights().await.map_err(|e| e.to_string())?;
        tracing::info!(
            projects = lights.projects,
            changed = lights.changed,
            "lights refreshed"
        );
        let today = minxin_storage::control::lights::today(state.clock.now());
        let taken = store
            .take_due_snapshots(today)
            .await
            .map_err(|e| e.to_string())?;
        let snapshot = taken.filter(|t| t.new).map(|t| t.month.period);
        if let Some(period) = &snapshot {
            tracing::info!(%period, "monthly light snapshot taken");
        }
        Ok(serde_json::json!({
            "projects": lights.projects,
            "changed": lights.changed,
            "snapshot": snapshot,
        }))
    })
}
