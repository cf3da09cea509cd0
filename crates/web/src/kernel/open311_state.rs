//! What the Open311 endpoints (`requests::open311`) share across calls: the jurisdiction they
//! serve and each API key's hourly allowance. It lives here because [`AppState`] holds it, and
//! the state imports no context.
//!
//! [`AppState`]: crate::kernel::state::AppState

use crate::kernel::intake_limit::IntakeLimit;
use std::sync::OnceLock;

/// The Open311 endpoints' shared state: the jurisdiction served and each key's allowance.
#[derive(Debug)]
pub struct Open311State {
    /// The configured `jurisdiction_id`, if any.
    pub(crate) configured: Option<String>,
    /// The root region's code, read once when no jurisdiction is configured.
    pub(crate) root: OnceLock<String>,
    /// The posts each API key may make per hour.
    pub(crate) limit: IntakeLimit,
}

impl Open311State {
    /// Serves jurisdiction `jurisdiction` (the root region's code when `None`); each key may
    /// post `per_hour` requests an hour (0: no limit).
    pub fn new(jurisdiction: Option<String>, per_hour: u32) -> Self {
        Self {
            configured: jurisdiction.filter(|j| !j.trim().is_empty()),
            root: OnceLock::new(),
            limit: IntakeLimit::per_hour(per_hour),
        }
    }
}
