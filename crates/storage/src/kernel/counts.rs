//! List totals, remembered for a few seconds. Counting every match of a filter is the most
//! expensive part of a list page (thousands of index entries, against 25 rows for the page
//! itself), and people page through the same filter again and again. A total is reused only
//! while no write transaction of this process has begun or committed since it was counted, and
//! for at most [`TTL`], which bounds how stale a total can be after a write by another process
//! (a second server, the CLI import).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a total is reused at most.
pub const TTL: Duration = Duration::from_secs(5);

/// Totals remembered at most; beyond this the cache starts afresh.
const MAX_ENTRIES: usize = 10_000;

/// Write transactions begun or committed in this process; any change invalidates every total.
static WRITES: AtomicU64 = AtomicU64::new(0);

/// Records that data may be changing; called when a write transaction begins and commits.
pub(crate) fn note_write() {
    WRITES.fetch_add(1, Ordering::SeqCst);
}

/// The write generation to record with a total counted from now on.
pub(crate) fn generation() -> u64 {
    WRITES.load(Ordering::SeqCst)
}

#[derive(Debug)]
struct Entry {
    generation: u64,
    at: Instant,
    total: i64,
}

/// Totals keyed by the count statement with its values.
#[derive(Debug, Default)]
pub(crate) struct CountCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl CountCache {
    /// The total counted for `key`, if nothing was written since and it is fresh.
    pub(crate) fn get(&self, key: &str) -> Option<i64> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        (entry.generation == generation() && entry.at.elapsed() < TTL).then_some(entry.total)
    }

    /// Remembers `total` for `key`, counted at write generation `generation` (read before
    /// counting, so a write that overlaps the count invalidates it).
    pub(crate) fn put(&self, key: String, generation: u64, total: i64) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(
                key,
                Entry {
                    generation,
                    at: Instant::now(),
                    total,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test, not two: the write counter is process-wide, and a second test bumping it in
    // parallel made the first see its own total invalidated.
    #[test]
    fn a_write_invalidates_totals_counted_before_or_during_it() {
        let cache = CountCache::default();
        cache.put("a".into(), generation(), 7);
        assert_eq!(cache.get("a"), Some(7));
        assert_eq!(cache.get("b"), None);
        note_write();
        assert_eq!(cache.get("a"), None);

        let before = generation();
        note_write();
        cache.put("b".into(), before, 7);
        assert_eq!(cache.get("b"), None);
    }
}
