//! The working-day calendar in use by this process: loaded at start (the shipped years and
//! those the office entered) and replaced when the office enters a year. Another instance
//! picks a newly entered year up when it restarts.

use minxin_domain::kernel::calendar::WorkingCalendar;
use std::sync::{Arc, RwLock};

/// The calendar deadlines are counted on, shared by every request handler.
#[derive(Clone, Debug, Default)]
pub struct SharedCalendar(Arc<RwLock<Arc<WorkingCalendar>>>);

impl SharedCalendar {
    /// Shares `calendar`.
    pub fn new(calendar: WorkingCalendar) -> Self {
        SharedCalendar(Arc::new(RwLock::new(Arc::new(calendar))))
    }

    /// The calendar now (cheap: a reference count).
    pub fn current(&self) -> Arc<WorkingCalendar> {
        Arc::clone(&self.0.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Uses `calendar` from now on.
    pub fn replace(&self, calendar: WorkingCalendar) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(calendar);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_calendar_is_seen_by_every_clone() {
        let shared = SharedCalendar::new(WorkingCalendar::default());
        let other = shared.clone();
        assert!(!other.current().knows(2026));
        shared.replace(WorkingCalendar::shipped());
        assert!(other.current().knows(2026));
    }
}
