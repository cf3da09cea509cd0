//! What every handler shares: the store, the file store of attachments, the CSRF key and a few
//! deployment switches, and whether the process is draining.

use crate::kernel::csrf::CsrfKey;
use crate::kernel::security::content_security_policy;
use crate::kernel::tiles::TileSource;
use axum::http::HeaderValue;
use minxin_storage::Store;
use minxin_storage::kernel::blobs::{BlobStore, ObjectBlobStore};
use std::path::PathBuf;
use std::sync::Arc;

/// Deployment switches of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` and send HSTS; on when served over HTTPS (directly or via a proxy).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// Largest accepted request body, in bytes (file uploads have their own limit, see
    /// [`crate::kernel::security::UPLOAD_BODY_LIMIT`]).
    pub body_limit: usize,
    /// The data directory; attachments are stored under `<data_dir>/blobs`.
    pub data_dir: PathBuf,
    /// Where the public reaches this deployment, without a trailing slash; signboards' QR codes
    /// point at `{public_base_url}/p/{code}`.
    pub public_base_url: String,
    /// Where the maps get their tiles.
    pub tiles: TileSource,
    /// Service requests one address may submit per hour (0: no limit).
    pub intake_per_hour: u32,
    /// The Open311 `jurisdiction_id` served; `None` for the root region's code.
    pub open311_jurisdiction: Option<String>,
    /// Service requests one Open311 API key may post per hour (0: no limit).
    pub open311_per_hour: u32,
    /// Submissions whose photos are decoded at once (see [`crate::kernel::decode_slots`]).
    pub photo_decodes: usize,
    /// How long a submission waits for a decode slot before it is answered 503.
    pub photo_decode_wait: std::time::Duration,
    /// Whether metrics are recorded and who may read them.
    pub metrics: crate::kernel::observability::metrics::MetricsAccess,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            trust_forwarded_for: false,
            body_limit: 1024 * 1024,
            data_dir: PathBuf::from("./minxin-data"),
            public_base_url: "http://127.0.0.1:8080".into(),
            tiles: TileSource::openstreetmap(),
            intake_per_hour: 20,
            open311_jurisdiction: None,
            open311_per_hour: 1_000,
            photo_decodes: crate::kernel::decode_slots::default_slots(),
            photo_decode_wait: std::time::Duration::from_secs(2),
            metrics: crate::kernel::observability::metrics::MetricsAccess::default(),
        }
    }
}

/// Shared application state, cloned into every handler.
#[derive(Clone)]
pub struct AppState {
    /// The data layer.
    pub store: Store,
    /// Key that signs CSRF tokens.
    pub csrf: CsrfKey,
    /// Deployment switches.
    pub config: WebConfig,
    /// Where the content of attachments lives.
    pub blobs: Arc<dyn BlobStore>,
    /// Recently resolved API tokens.
    pub tokens: Arc<crate::kernel::token_cache::TokenCache>,
    /// The Content-Security-Policy of every response, built once from the tile source.
    pub csp: HeaderValue,
    /// Rendered public pages and map markers, reused while nothing was written.
    pub pages: Arc<crate::kernel::page_cache::PageCache>,
    /// The one clock, the store's: deadlines, expiries and every other "now" (set and moved by
    /// tests).
    pub clock: minxin_domain::kernel::clock::Clock,
    /// The working-day calendar service-request deadlines are counted on.
    pub calendar: crate::kernel::calendar_state::SharedCalendar,
    /// Service-request submissions per address.
    pub intake_limit: Arc<crate::kernel::intake_limit::IntakeLimit>,
    /// The Open311 jurisdiction and each API key's allowance.
    pub open311: Arc<crate::kernel::open311_state::Open311State>,
    /// The photo decodes running at once.
    pub decodes: Arc<crate::kernel::decode_slots::DecodeSlots>,
    /// Running or draining: `/readyz` and the job worker look here.
    pub lifecycle: Arc<crate::kernel::observability::Lifecycle>,
}

impl AppState {
    /// Builds the state, loading (or creating) the shared signing secret from the database;
    /// attachments go to the data directory's [`ObjectBlobStore`] unless [`Self::with_blobs`]
    /// names another.
    pub async fn new(store: Store, config: WebConfig) -> Result<Self, minxin_storage::StoreError> {
        let mut tx = store.db().begin().await?;
        let secret = minxin_storage::identity::settings::signing_secret(&mut tx).await?;
        tx.commit().await?;
        let calendar = store.working_calendar().await?;
        let clock = store.clock().clone();
        if config.metrics.enabled() {
            crate::kernel::observability::metrics::install();
        }
        Ok(Self {
            store,
            csrf: CsrfKey::new(secret.as_bytes()),
            blobs: Arc::new(ObjectBlobStore::local(&config.data_dir)?),
            tokens: Arc::default(),
            csp: content_security_policy(&config.tiles),
            pages: Arc::default(),
            clock,
            calendar: crate::kernel::calendar_state::SharedCalendar::new(calendar),
            intake_limit: Arc::new(crate::kernel::intake_limit::IntakeLimit::per_hour(
                config.intake_per_hour,
            )),
            open311: Arc::new(crate::kernel::open311_state::Open311State::new(
                config.open311_jurisdiction.clone(),
                config.open311_per_hour,
            )),
            decodes: Arc::new(crate::kernel::decode_slots::DecodeSlots::new(
                config.photo_decodes,
                config.photo_decode_wait,
            )),
            lifecycle: Arc::default(),
            config,
        })
    }

    /// The same state with attachments kept in `blobs` instead (e.g. an S3-compatible store).
    pub fn with_blobs(mut self, blobs: Arc<dyn BlobStore>) -> Self {
        self.blobs = blobs;
        self
    }
}
