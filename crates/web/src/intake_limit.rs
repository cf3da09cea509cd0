//! The per-address allowance of service-request submissions (issue 6, abuse), kept in memory:
//! one window per client address, forgotten once over. One process's count; several instances
//! behind a balancer each allow the limit (the gateway in front should limit as well).

use chrono::{DateTime, Duration, Utc};
use minxin_domain::kernel::rate_limit::{Allowance, Window};
use std::collections::HashMap;
use std::sync::Mutex;

/// How many addresses are remembered before expired windows are swept.
const SWEEP_AT: usize = 100_000;

/// Submissions per address and hour, in memory.
#[derive(Debug)]
pub struct IntakeLimit {
    allowance: Allowance,
    windows: Mutex<HashMap<String, Window>>,
}

impl IntakeLimit {
    /// At most `per_hour` submissions per address and hour; 0 for no limit.
    pub fn per_hour(per_hour: u32) -> Self {
        Self {
            allowance: Allowance {
                limit: per_hour,
                window: Duration::hours(1),
            },
            windows: Mutex::default(),
        }
    }

    /// Whether `address` may submit at `now`; an admitted submission is counted.
    pub fn admit(&self, address: &str, now: DateTime<Utc>) -> bool {
        if self.allowance.limit == 0 {
            return true;
        }
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() >= SWEEP_AT {
            let allowance = self.allowance;
            windows.retain(|_, w| !allowance.expired(*w, now));
        }
        let (admitted, window) = self.allowance.admit(windows.get(address).copied(), now);
        windows.insert(address.to_owned(), window);
        admitted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_allowance() {
        let limit = IntakeLimit::per_hour(2);
        let now = Utc::now();
        assert!(limit.admit("2001:db8::7", now));
        assert!(limit.admit("2001:db8::7", now));
        assert!(!limit.admit("2001:db8::7", now));
        assert!(limit.admit("2001:db8::1", now));
        assert!(limit.admit("2001:db8::7", now + Duration::hours(1)));
        assert!(IntakeLimit::per_hour(0).admit("2001:db8::7", now));
    }
}
