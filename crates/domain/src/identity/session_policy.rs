//! How long a signed-in session lives: an idle timeout and an absolute lifetime.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Configurable session lifetimes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionPolicy {
    /// Minutes without a request after which the session ends.
    pub idle_minutes: i64,
    /// Hours after sign-in after which the session ends regardless of activity.
    pub lifetime_hours: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_minutes: 30,
            lifetime_hours: 12,
        }
    }
}

/// Whether a session may still be used, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// The session is valid.
    Active,
    /// No request for longer than the idle timeout.
    Idle,
    /// Older than the absolute lifetime.
    Expired,
}

impl SessionPolicy {
    /// The state of a session created at `created` and last used at `last_seen`.
    pub fn state(
        &self,
        created: DateTime<Utc>,
        last_seen: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> SessionState {
        if now - created >= Duration::hours(self.lifetime_hours) {
            SessionState::Expired
        } else if now - last_seen >= Duration::minutes(self.idle_minutes) {
            SessionState::Idle
        } else {
            SessionState::Active
        }
    }

    /// Whether the numbers make sense.
    pub fn is_sane(&self) -> bool {
        (1..=24 * 60).contains(&self.idle_minutes) && (1..=24 * 7).contains(&self.lifetime_hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn idle_and_absolute_limits() {
        let p = SessionPolicy::default();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
        let min = Duration::minutes;
        assert_eq!(p.state(t0, t0, t0 + min(29)), SessionState::Active);
        assert_eq!(p.state(t0, t0, t0 + min(30)), SessionState::Idle);
        let busy = t0 + Duration::hours(12) - min(1);
        assert_eq!(p.state(t0, busy, busy), SessionState::Active);
        assert_eq!(
            p.state(t0, busy, t0 + Duration::hours(12)),
            SessionState::Expired
        );
    }
}
