//! What every handler shares: the store, the CSRF key and a few deployment switches.

use crate::csrf::CsrfKey;
use minxin_storage::Store;

/// Deployment switches of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` and send HSTS; on when served over HTTPS (directly or via a proxy).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            trust_forwarded_for: false,
            body_limit: 1024 * 1024,
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
}

impl AppState {
    /// Builds the state, loading (or creating) the shared signing secret from the database.
    pub async fn new(store: Store, config: WebConfig) -> Result<Self, minxin_storage::StoreError> {
        let mut tx = store.db().begin().await?;
        let secret = minxin_storage::settings::signing_secret(&mut tx).await?;
        tx.commit().await?;
        Ok(Self {
            store,
            csrf: CsrfKey::new(secret.as_bytes()),
            config,
        })
    }
}
