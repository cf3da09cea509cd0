//! The import as a job the worker runs (kind [`super::KIND`]): the owner's actor as it is now, the
//! kept file parsed again under `spawn_blocking` (what was previewed is what is imported), and
//! storage's import in one transaction, reporting its rows as progress.
//!
//! Running it twice is safe: a worker that died mid-import had its transaction rolled back with
//! its database connection, so nothing of it was saved, and when the lease has run out the next
//! worker imports the file from the start; an import that did commit updates by project code,
//! so running it again changes nothing.

use super::record::{Outcome, Payload, parse_bytes};
use crate::kernel::jobs::{JobFuture, Progress};
use crate::kernel::state::AppState;
use minxin_domain::projects::import::{Issue, RowIssue};
use minxin_storage::StoreError;
use minxin_storage::kernel::jobs::Claim;
use minxin_storage::projects::ImportOptions;

/// Runs a claimed import job to its outcome (the job's result) or an internal error.
pub fn run(state: AppState, claim: Claim, progress: Progress) -> JobFuture {
    Box::pin(async move {
        let outcome = import(&state, &claim, &progress).await;
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(StoreError::Forbidden) => Outcome::Refused {
                issues: vec![RowIssue::file(Issue::CannotCreate)],
            },
            Err(e) => return Err(e.to_string()),
        };
        serde_json::to_value(outcome).map_err(|e| e.to_string())
    })
}

async fn import(
    state: &AppState,
    claim: &Claim,
    progress: &Progress,
) -> Result<Outcome, StoreError> {
    let payload: Payload = serde_json::from_value(claim.job.payload.clone())
        .map_err(|e| StoreError::Config(format!("an import job's payload: {e}")))?;
    let owner = match claim.job.owner_id {
        Some(id) => state.store.actor_of(id).await?,
        None => None,
    };
    let Some(actor) = owner else {
        return Err(StoreError::Forbidden);
    };
    let kept = state.store.queue().file(claim).await?;
    let bytes = kept.ok_or(StoreError::NotFound)?;
    let scoped = state.store.scoped(&actor, &payload.address);
    let dictionary = scoped.projects().import_dictionary().await?;
    let parsed = parse_bytes(bytes, dictionary).await;
    if !parsed.issues.is_empty() || parsed.rows.is_empty() {
        return Ok(Outcome::Refused {
            issues: parsed.issues,
        });
    }
    progress.report(0, parsed.rows.len());
    let options = ImportOptions {
        source: payload.file_name,
        dry_run: false,
    };
    let report = scoped
        .projects()
        .import(&parsed.rows, &options, |done, total| {
            progress.report(done, total);
        })
        .await?;
    Ok(Outcome::Finished { report })
}
