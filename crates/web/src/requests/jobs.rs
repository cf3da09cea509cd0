//! The escalation of service-request deadlines as a job of the queue (kind [`ESCALATION`], once
//! per ten minutes of the Shanghai day under the key `requests.escalation YYYY-MM-DDTHH:MM`):
//! the departments holding requests whose deadline is near are warned, and requests past it are
//! escalated to the office. Running it twice is safe: each deadline is warned of and escalated
//! only once.

use crate::kernel::jobs::{JobFuture, Progress};
use crate::kernel::state::AppState;
use minxin_storage::kernel::jobs::Claim;

/// The kind of the escalation run.
pub const ESCALATION: &str = "requests.escalation";

/// Tries of a failed escalation run; the next slot's run comes ten minutes later anyway.
pub const ESCALATION_ATTEMPTS: i64 = 2;

/// How many minutes apart the escalation runs are.
pub const ESCALATION_MINUTES: u32 = 10;

/// Runs the escalation job as of now.
pub fn escalation(state: AppState, _claim: Claim, _progress: Progress) -> JobFuture {
    Box::pin(async move {
        let r = state
            .store
            .escalate_requests(state.clock.now())
            .await
            .map_err(|e| e.to_string())?;
        if r.warned + r.escalated > 0 {
            tracing::info!(
                warned = r.warned,
                escalated = r.escalated,
                "service request deadlines"
            );
        }
        Ok(serde_json::json!({ "warned": r.warned, "escalated": r.escalated }))
    })
}
