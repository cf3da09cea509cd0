//! How many service requests one address may hand in (issue 6, abuse): at most `limit` in any
//! window of `window` length, counted in fixed windows that start with an address's first
//! request. Pure: the caller keeps one [`Window`] per address and the clock.

use chrono::{DateTime, Duration, Utc};

/// The allowance: `limit` requests per `window`; a limit of 0 admits everything (for
/// benchmarks and deployments behind a gateway that limits already).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Requests admitted per window.
    pub limit: u32,
    /// The window's length.
    pub window: Duration,
}

/// One address's current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// When it began.
    pub started: DateTime<Utc>,
    /// Requests admitted in it.
    pub count: u32,
}

impl Allowance {
    /// Whether a request at `now` is admitted, and the address's window afterwards.
    pub fn admit(self, window: Option<Window>, now: DateTime<Utc>) -> (bool, Window) {
        let current = match window {
            Some(w) if now < w.started + self.window => w,
            _ => Window {
                started: now,
                count: 0,
            },
        };
        if self.limit == 0 || current.count < self.limit {
            (
                true,
                Window {
                    count: current.count.saturating_add(1),
                    ..current
                },
            )
        } else {
            (false, current)
        }
    }

    /// Whether `window` is over at `now`, so it can be forgotten.
    pub fn expired(self, window: Window, now: DateTime<Utc>) -> bool {
        now >= window.started + self.window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_allowance_per_window() {
        let allowance = Allowance {
            limit: 3,
            window: Duration::hours(1),
        };
        let t0 = Utc::now();
        let mut window = None;
        for i in 0..3 {
            let (ok, w) = allowance.admit(window, t0 + Duration::minutes(i));
            assert!(ok);
            window = Some(w);
        }
        let (ok, w) = allowance.admit(window, t0 + Duration::minutes(59));
        assert!(!ok, "the fourth within the hour is refused");
        assert_eq!(w.count, 3);
        assert!(!allowance.expired(w, t0 + Duration::minutes(59)));
        assert!(allowance.expired(w, t0 + Duration::hours(1)));
        let (ok, w) = allowance.admit(Some(w), t0 + Duration::hours(1));
        assert!(ok, "a new window starts");
        assert_eq!((w.count, w.started), (1, t0 + Duration::hours(1)));
    }

    #[test]
    fn a_zero_limit_admits_everything() {
        let allowance = Allowance {
            limit: 0,
            window: Duration::hours(1),
        };
        let now = Utc::now();
        let mut window = None;
        for _ in 0..1_000 {
            let (ok, w) = allowance.admit(window, now);
            assert!(ok);
            window = Some(w);
        }
    }
}
