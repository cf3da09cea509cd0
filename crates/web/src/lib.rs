//! Minxin's HTTP layer, one folder per context in the order they may use each other: `kernel`
//! (state, failures, sessions, CSRF, languages, page chrome, caching, security headers — it
//! imports no context) < `org` < `identity` < `projects` < `control` < `requests` < `openness`.
//! Each context holds its own pages, API operations, wording and background jobs; this file is
//! the composition root that assembles their routes and the worker's job handlers. A request passes, outside in: request id → tracing →
//! metrics (when on) → body limit → security headers → (pages: CSRF check → failure rendering → handler) or (API: failure rendering →
//! bearer authentication in the handler's extractor → handler) or (Open311: handler, which
//! renders its own errors and checks the `api_key` of a POST) → storage.

pub mod control;
pub mod identity;
pub mod kernel;
pub mod openness;
pub mod org;
pub mod projects;
pub mod requests;

pub use kernel::state::{AppState, WebConfig};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use kernel::client::{api_lang, page_lang};
use kernel::csrf::is_multipart;
use kernel::error::{Failure, error_body, error_page, render_page_failures};
use kernel::observability::{health, metrics, request_id};
use kernel::security::UPLOAD_BODY_LIMIT;
use kernel::{api, assets, csrf, security};
use requests::open311;

/// The complete application: pages, API, Open311, static files, the probes and, with a
/// metrics token, `/metrics`.
pub fn app(state: AppState) -> Router {
    let pages = pages().layer(axum::middleware::from_fn_with_state(
        state.clone(),
        csrf::protect,
    ));
    let (api_routes, doc) = documented_api();
    let mut router = Router::new()
        .merge(pages)
        .nest("/api/v1", api::serve(api_routes, doc))
        .nest("/open311/v2", open311::router())
        .merge(assets::router())
        .route("/healthz", get(healthz))
        .route("/livez", get(health::livez))
        .route("/readyz", get(health::readyz));
    if state.config.metrics.token.is_some() {
        router = router.route("/metrics", get(metrics::scrape));
    }
    router = router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit_body,
        ));
    if state.config.metrics.enabled() {
        router = router.layer(axum::middleware::from_fn(metrics::track));
    }
    request_id::traced(router).with_state(state)
}

/// Every page route of every context, with the 404 page and failures rendered as pages.
fn pages() -> Router<AppState> {
    Router::new()
        .merge(org::pages::routes())
        .merge(identity::pages::routes())
        .merge(projects::pages::routes())
        .merge(control::pages::routes())
        .merge(requests::pages::routes())
        .merge(openness::pages::routes())
        .merge(openness::signboards::routes())
        .fallback(kernel::page::not_found)
        .layer(axum::middleware::from_fn(render_page_failures))
}

/// Every context's API operations and their OpenAPI document.
fn documented_api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    api::split(
        api::documented()
            .merge(org::api::routes())
            .merge(identity::api::routes())
            .merge(projects::api::routes())
            .merge(control::api::routes())
            .merge(requests::api::routes()),
    )
}

/// The background worker with every context's job handlers and the system's schedule;
/// `minxin serve` starts one per instance, tests drain it.
pub fn worker(state: AppState) -> kernel::jobs::Worker {
    use control::jobs::{NIGHTLY, NIGHTLY_ATTEMPTS, nightly};
    use kernel::jobs::schedule::Cadence;
    use requests::jobs::{ESCALATION, ESCALATION_ATTEMPTS, ESCALATION_MINUTES, escalation};
    let ten_past_midnight = chrono::NaiveTime::from_hms_opt(0, 10, 0).unwrap_or_default();
    kernel::jobs::Worker::new(state)
        // An import that failed tells its uploader why; trying it again would not help.
        .handle(
            projects::pages::import::KIND,
            1,
            projects::pages::import::run,
        )
        .handle(NIGHTLY, NIGHTLY_ATTEMPTS, nightly)
        .every(NIGHTLY, Cadence::DailyAt(ten_past_midnight))
        .handle(ESCALATION, ESCALATION_ATTEMPTS, escalation)
        .every(ESCALATION, Cadence::EveryMinutes(ESCALATION_MINUTES))
}

/// The OpenAPI document, for `minxin openapi` and tests.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented_api().1
}

/// GET /healthz — 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.store.db().ping().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

/// Middleware limiting request bodies: [`UPLOAD_BODY_LIMIT`] for `multipart/form-data`, the
/// configured limit for everything else. A declared length over the limit is refused at once
/// with 413 (a page, JSON under `/api/`, or Open311's error under `/open311/`); a body that
/// grows past it fails when read.
async fn limit_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = if is_multipart(request.headers()) {
        UPLOAD_BODY_LIMIT.max(state.config.body_limit)
    } else {
        state.config.body_limit
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        let headers = request.headers();
        let path = request.uri().path();
        return if path.starts_with("/api/") {
            let failure = Failure::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
            let body = error_body(api_lang(headers), &failure);
            (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response()
        } else if path.starts_with("/open311/") {
            let format = open311::Format::of_path(path);
            open311::Open311Error::too_large(format, api_lang(headers)).into_response()
        } else {
            error_page(
                page_lang(headers),
                StatusCode::PAYLOAD_TOO_LARGE,
                "error.too_large",
            )
        };
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}
