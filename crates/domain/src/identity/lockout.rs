//! Lockout after repeated failed sign-ins, per account and per source address (against password
//! spraying). Attempts refused while locked are not counted, so a lock ends a fixed time after the
//! failure that triggered it instead of being prolonged forever by an attacker.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Configurable lockout thresholds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LockoutPolicy {
    /// Failures on one account, within the window and since its last success, that lock it.
    pub account_failures: usize,
    /// Failures from one source address, across all accounts, that lock the address.
    pub address_failures: usize,
    /// How long a lock lasts, and how far back failures are counted, in minutes.
    pub minutes: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            account_failures: 5,
            address_failures: 20,
            minutes: 15,
        }
    }
}

impl LockoutPolicy {
    /// The window in which failures count.
    pub fn window(&self) -> Duration {
        Duration::minutes(self.minutes)
    }

    /// When the lock on an account ends, given its failures since its last success.
    pub fn account_locked_until(
        &self,
        failures: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        locked_until(failures, self.account_failures, self.window(), now)
    }

    /// When the lock on a source address ends, given its recent failures.
    pub fn address_locked_until(
        &self,
        failures: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        locked_until(failures, self.address_failures, self.window(), now)
    }

    /// Whether the numbers make sense.
    pub fn is_sane(&self) -> bool {
        (3..=20).contains(&self.account_failures)
            && (self.account_failures..=1000).contains(&self.address_failures)
            && (1..=24 * 60).contains(&self.minutes)
    }
}

fn locked_until(
    failures: &[DateTime<Utc>],
    threshold: usize,
    window: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if threshold == 0 {
        return None;
    }
    let mut sorted = failures.to_vec();
    sorted.sort();
    // A lock starts whenever `threshold` failures fall within one window, and lasts one window
    // from the failure that completed the run.
    sorted
        .windows(threshold)
        .filter(|run| run[threshold - 1] - run[0] < window)
        .map(|run| run[threshold - 1] + window)
        .max()
        .filter(|until| *until > now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap() + Duration::minutes(min)
    }

    #[test]
    fn four_failures_do_not_lock_five_do() {
        let p = LockoutPolicy::default();
        let four: Vec<_> = (0..4).map(at).collect();
        assert_eq!(p.account_locked_until(&four, at(4)), None);
        let five: Vec<_> = (0..5).map(at).collect();
        assert_eq!(p.account_locked_until(&five, at(5)), Some(at(4 + 15)));
    }

    #[test]
    fn lock_ends_fifteen_minutes_after_the_last_failure() {
        let p = LockoutPolicy::default();
        let five: Vec<_> = (0..5).map(at).collect();
        assert!(p.account_locked_until(&five, at(18)).is_some());
        assert_eq!(p.account_locked_until(&five, at(19)), None);
    }

    #[test]
    fn old_failures_fall_out_of_the_window() {
        let p = LockoutPolicy::default();
        let spread = vec![at(0), at(1), at(2), at(20), at(21)];
        assert_eq!(p.account_locked_until(&spread, at(22)), None);
    }

    #[test]
    fn address_threshold_is_separate() {
        let p = LockoutPolicy::default();
        let nineteen: Vec<_> = (0..19).map(|i| at(0) + Duration::seconds(i)).collect();
        assert_eq!(p.address_locked_until(&nineteen, at(1)), None);
        let twenty: Vec<_> = (0..20).map(|i| at(0) + Duration::seconds(i)).collect();
        assert!(p.address_locked_until(&twenty, at(1)).is_some());
    }

    #[test]
    fn sanity_bounds() {
        assert!(LockoutPolicy::default().is_sane());
        assert!(
            !LockoutPolicy {
                account_failures: 1,
                ..Default::default()
            }
            .is_sane()
        );
        assert!(
            !LockoutPolicy {
                address_failures: 2,
                ..Default::default()
            }
            .is_sane()
        );
    }
}
