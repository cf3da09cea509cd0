//! `/metrics` in the Prometheus text format, through the `metrics` facade and its Prometheus
//! exporter (the recorder only: the page is served by our own router). Recorded as they
//! happen: HTTP requests by method, route template (axum's `MatchedPath`, never the raw path,
//! so no id or personal data becomes a label) and status, with a latency histogram; hits and
//! misses of the rendered-page cache; service requests received and refused at intake.
//! Refreshed on each scrape: the database pool's use and the job queue's depth by state with
//! the age of its oldest queued job (failed jobs are `state="failed"`).
//!
//! Off unless configured ([`MetricsAccess`]): then no recorder is installed and no request pays
//! for counting. The recorder is global to the process, so every application state of one
//! process (the test harness makes many) shares the counters.

use crate::kernel::state::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use minxin_storage::kernel::jobs::JobState;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// Who may read `/metrics`. With a token, `/metrics` is served on the main listener to callers
/// presenting `Authorization: Bearer <token>`; with its own listener (`metrics_listen`), the
/// binary serves [`operations`] there, which only the operator's network should reach (and
/// which asks for the token too when one is set). With neither, metrics are off.
#[derive(Debug, Clone, Default)]
pub struct MetricsAccess {
    /// The bearer token `/metrics` asks for.
    pub token: Option<String>,
    /// Whether the binary serves [`operations`] on a listen address of its own.
    pub own_listener: bool,
}

impl MetricsAccess {
    /// Whether metrics are recorded at all.
    pub fn enabled(&self) -> bool {
        self.token.is_some() || self.own_listener
    }
}

/// The latency histogram's name.
const LATENCY: &str = "minxin_http_request_duration_seconds";

/// Latency buckets in seconds: pages are served in milliseconds, imports and exports in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// How often recorded histograms are folded in when nobody scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

/// Every job state, each given a gauge on each scrape (0 when none is in it).
const JOB_STATES: [JobState; 5] = [
    JobState::Held,
    JobState::Queued,
    JobState::Running,
    JobState::Finished,
    JobState::Failed,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder on first use (needs a Tokio runtime, which folds the
/// histograms in every [`UPKEEP`]); the handle renders what was recorded.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = builder
            .set_buckets_for_metric(Matcher::Full(LATENCY.into()), &BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder was installed first; /metrics stays empty");
        }
        let upkeep = handle.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(UPKEEP);
            loop {
                every.tick().await;
                upkeep.run_upkeep();
            }
        });
        handle
    })
}

/// The router of a listener of its own: `/metrics` and the probes, nothing else.
pub fn operations(state: AppState) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .route("/livez", axum::routing::get(super::health::livez))
        .route("/readyz", axum::routing::get(super::health::readyz))
        .with_state(state)
}

/// GET /metrics — the text format; 401 without the configured bearer token.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !authorised(state.config.metrics.token.as_deref(), &headers) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "bearer token required",
        )
            .into_response();
    }
    refresh(&state).await;
    let handle = install();
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Whether `headers` present `token` (always, when none is configured).
fn authorised(token: Option<&str>, headers: &HeaderMap) -> bool {
    let Some(token) = token else {
        return true;
    };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| bool::from(given.as_bytes().ct_eq(token.as_bytes())))
}

/// Sets the gauges read from the database: pool use, and queue depth with the oldest job's age.
async fn refresh(state: &AppState) {
    let db = state.store.db();
    let pool = db.pool_use();
    metrics::gauge!("minxin_db_pool_connections").set(f64::from(pool.size));
    metrics::gauge!("minxin_db_pool_idle_connections").set(f64::from(pool.idle));
    metrics::gauge!("minxin_db_pool_max_connections").set(f64::from(pool.max));
    let depth = match db.queue_depth().await {
        Ok(depth) => depth,
        Err(e) => {
            tracing::warn!(error = %e, "the job queue could not be read for /metrics");
            return;
        }
    };
    for state in JOB_STATES {
        let jobs = depth
            .by_state
            .iter()
            .find(|(code, _)| code == state.code())
            .map_or(0, |(_, n)| *n);
        #[allow(clippy::cast_precision_loss)] // a queue of 2^53 jobs is not a concern
        metrics::gauge!("minxin_jobs", "state" => state.code()).set(jobs as f64);
    }
    let age = depth.oldest_queued_at.map_or(0.0, |at| {
        (state.clock.now() - at).num_milliseconds().max(0) as f64 / 1000.0
    });
    metrics::gauge!("minxin_jobs_oldest_queued_age_seconds").set(age);
}

/// Middleware counting each request by method, route template and status, with its latency
/// until the response's head.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(
        "minxin_http_requests_total",
        "method" => method, "route" => route.clone(), "status" => status
    )
    .increment(1);
    metrics::histogram!(LATENCY, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The method as a label, with any method outside HTTP's own as `other` (a label per invented
/// method would let any caller grow the page without bound).
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// Where a service request came in, as the intake counters label it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeChannel {
    /// A resident's form on the portal or a signboard's page.
    Residents,
    /// Staff entering one taken by telephone, letter or visit.
    Staff,
    /// An Open311 client.
    Open311,
}

/// Counts one submission at intake, `accepted` when it became a service request (otherwise it
/// was refused: over the allowance, invalid, or not allowed).
pub fn intake(channel: IntakeChannel, accepted: bool) {
    let channel = match channel {
        IntakeChannel::Residents => "residents",
        IntakeChannel::Staff => "staff",
        IntakeChannel::Open311 => "open311",
    };
    let outcome = if accepted { "accepted" } else { "refused" };
    metrics::counter!("minxin_intake_total", "channel" => channel, "outcome" => outcome)
        .increment(1);
}

/// Counts one look-up of the rendered-page cache.
pub fn page_cache(hit: bool) {
    if hit {
        metrics::counter!("minxin_page_cache_hits_total").increment(1);
    } else {
        metrics::counter!("minxin_page_cache_misses_total").increment(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_asked_for_only_when_configured() {
        let mut headers = HeaderMap::new();
        assert!(authorised(None, &headers));
        assert!(!authorised(Some("s3cret-token-0123"), &headers));
        headers.insert(header::AUTHORIZATION, "Bearer wrong".parse().unwrap());
        assert!(!authorised(Some("s3cret-token-0123"), &headers));
        headers.insert(
            header::AUTHORIZATION,
            "Bearer s3cret-token-0123".parse().unwrap(),
        );
        assert!(authorised(Some("s3cret-token-0123"), &headers));
    }

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
