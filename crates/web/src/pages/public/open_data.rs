//! Open data in OC4IDS (SPEC §9): `GET /open-data/oc4ids.json`, the package of every public
//! project, written as it is read — batch by batch, so 100,000 projects never sit in memory
//! at once — and `GET /open-data/projects/{code}/oc4ids.json`, a package of one project.

use super::cache::Validators;
use super::{PathOf, base_url, failed};
use crate::client::Client;
use crate::error::Failure;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use minxin_domain::openness::oc4ids::{self, DEFAULT_ID_PREFIX, Publication};
use minxin_storage::{Store, StoreError};

/// Projects read per statement while the package is written.
const BATCH: u64 = 500;

/// How long the open data may be reused: it changes with every write, but nobody needs it to
/// the second.
const OPEN_DATA_CACHE: &str = "public, max-age=300";

/// JSON, as OC4IDS packages are (the standard defines no media type of its own).
const JSON: &str = "application/json";

/// Who publishes and under which ids, at the configured public address.
async fn publication(state: &AppState) -> Result<Publication, StoreError> {
    Ok(Publication {
        base_url: base_url(state),
        publisher: state.store.public().publisher().await?,
        id_prefix: DEFAULT_ID_PREFIX.to_owned(),
    })
}

/// GET /open-data/projects/{code}/oc4ids.json — one public project as a package.
pub async fn project(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    PathOf(code): PathOf<String>,
) -> Result<Response, Failure> {
    let facts = match state.store.public().oc4ids_project(&code).await {
        Ok(facts) => facts,
        Err(e) => return failed(&client, e),
    };
    let publication = publication(&state).await?;
    let uri = format!(
        "{}/open-data/projects/{}/oc4ids.json",
        publication.base_url, facts.code
    );
    let updated = facts.updated;
    let package = oc4ids::package(&[facts], uri, &publication);
    Validators::of(&package, Lang::Zh, updated).respond(&headers, OPEN_DATA_CACHE, || {
        let body = serde_json::to_vec(&package).map_err(|e| {
            tracing::error!(error = %e, "OC4IDS package failed");
            Failure::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal")
        })?;
        Ok(([(header::CONTENT_TYPE, JSON)], body).into_response())
    })
}

/// Where the writing of the whole package stands.
enum Step {
    /// Before the opening.
    Open,
    /// Reading the batch after this project id (`None`: the first).
    Batch(Option<i64>),
    /// All projects written.
    Close,
    /// Finished.
    Done,
}

/// The state of the package being written.
struct Writer {
    store: Store,
    publication: Publication,
    step: Step,
    written: usize,
    latest: Option<DateTime<Utc>>,
}

impl Writer {
    /// The next piece of the body, or `None` at the end. A failure mid-way ends the body early,
    /// which clients see as a broken download rather than a valid-looking partial package.
    async fn next(mut self) -> Option<(Result<Bytes, std::io::Error>, Self)> {
        match self.step {
            Step::Open => {
                self.step = Step::Batch(None);
                let open = oc4ids::stream_open(&self.publication);
                Some((Ok(Bytes::from(open)), self))
            }
            Step::Batch(after) => {
                let batch = self.store.public().oc4ids_batch(after, BATCH).await;
                let piece = batch.map_err(std::io::Error::other).and_then(|batch| {
                    let mut out = Vec::new();
                    for facts in &batch.projects {
                        if self.written > 0 {
                            out.push(b',');
                        }
                        serde_json::to_writer(
                            &mut out,
                            &oc4ids::project(facts, &self.publication),
                        )?;
                        self.written += 1;
                        self.latest = self.latest.max(Some(facts.updated));
                    }
                    self.step = batch.next.map_or(Step::Close, |id| Step::Batch(Some(id)));
                    Ok(Bytes::from(out))
                });
                if let Err(e) = &piece {
                    tracing::error!(error = %e, "OC4IDS package broken off");
                    self.step = Step::Done;
                }
                Some((piece, self))
            }
            Step::Close => {
                self.step = Step::Done;
                let close = oc4ids::stream_close(self.latest);
                Some((Ok(Bytes::from(close)), self))
            }
            Step::Done => None,
        }
    }
}

/// GET /open-data/oc4ids.json — every public project as one OC4IDS package, streamed.
pub async fn package(State(state): State<AppState>) -> Result<Response, Failure> {
    let writer = Writer {
        publication: publication(&state).await?,
        store: state.store.clone(),
        step: Step::Open,
        written: 0,
        latest: None,
    };
    // Fused: a compressing body polls its source once more after the end, and an `unfold`
    // polled again after returning `None` panics, cutting the download off (issue 15 finding 4).
    let body = Body::from_stream(futures_util::stream::unfold(writer, Writer::next).fuse());
    Ok((
        [
            (header::CONTENT_TYPE, JSON),
            (header::CACHE_CONTROL, OPEN_DATA_CACHE),
        ],
        body,
    )
        .into_response())
}
