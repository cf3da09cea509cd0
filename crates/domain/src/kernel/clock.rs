//! The time as the application sees it, the one clock every "now" is read from (storage's
//! `Store`, the web state, the background loops): the system clock in service, a clock that
//! tests set and move, so deadlines passing and sessions expiring can be tried without waiting.

use chrono::{DateTime, Utc};
use std::sync::{Arc, RwLock};

/// The application's clock; cheap to clone, all clones show the same time.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<RwLock<DateTime<Utc>>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock standing at `at` until [`Clock::set`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self {
            fixed: Some(Arc::new(RwLock::new(at))),
        }
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            Some(at) => *at.read().unwrap_or_else(std::sync::PoisonError::into_inner),
            None => Utc::now(),
        }
    }

    /// Moves a fixed clock to `at`; the system clock cannot be set and ignores it.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(fixed) = &self.fixed {
            *fixed
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = at;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_set_and_clones_follow() {
        let start = Utc::now() - chrono::Duration::days(400);
        let clock = Clock::fixed(start);
        let clone = clock.clone();
        assert_eq!(clone.now(), start);
        clock.set(start + chrono::Duration::days(3));
        assert_eq!(clone.now(), start + chrono::Duration::days(3));
        let system = Clock::system();
        system.set(start);
        assert!(system.now() > start + chrono::Duration::days(399));
    }
}
