//! Rendered public pages and map markers kept in memory, so a crowd scanning one signboard, or
//! opening the portal on its first view, is served without reading the database again. An entry is reused only while no write transaction of this
//! process has begun or committed since it was rendered (any change — a money record, a report,
//! a light — may change the page) and for at most [`TTL`], which bounds how long a write by
//! another process (a second server, the CLI) stays unseen. Browsers and proxies still revalidate
//! with the page's ETag, which is the one computed when the entry was rendered.

use super::http_cache::Validators;
use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a rendered page is reused at most.
pub const TTL: Duration = Duration::from_secs(5);

/// Entries kept at most; beyond this the cache starts afresh (a page is about 10 KB).
const MAX_ENTRIES: usize = 4_096;

/// Bytes kept at most: marker answers of a crowded street are a few hundred KB each.
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// A rendered page with its validators.
#[derive(Debug)]
pub struct Rendered {
    /// ETag and Last-Modified of the body.
    pub validators: Validators,
    /// The HTML.
    pub body: Bytes,
}

#[derive(Debug)]
struct Entry {
    generation: u64,
    at: Instant,
    page: Arc<Rendered>,
}

#[derive(Debug, Default)]
struct Entries {
    by_key: HashMap<String, Entry>,
    bytes: usize,
}

/// Rendered pages and data by key (path, query and language).
#[derive(Debug, Default)]
pub struct PageCache {
    entries: RwLock<Entries>,
}

impl PageCache {
    /// The page rendered for `key`, if nothing was written since and it is fresh.
    /// Counted as a hit or a miss in the metrics.
    pub fn get(&self, key: &str) -> Option<Arc<Rendered>> {
        let page = self.fresh(key);
        super::observability::metrics::page_cache(page.is_some());
        page
    }

    fn fresh(&self, key: &str) -> Option<Arc<Rendered>> {
        let entries = self.entries.read().ok()?;
        let entry = entries.by_key.get(key)?;
        (entry.generation == minxin_storage::write_generation() && entry.at.elapsed() < TTL)
            .then(|| Arc::clone(&entry.page))
    }

    /// Keeps `page` for `key`, rendered from reads begun at write generation `generation` (read
    /// before the reads, so a write that overlaps them invalidates the entry).
    pub fn put(&self, key: String, generation: u64, page: Arc<Rendered>) {
        if let Ok(mut entries) = self.entries.write() {
            let size = page.body.len();
            if entries.by_key.len() >= MAX_ENTRIES || entries.bytes + size > MAX_BYTES {
                *entries = Entries::default();
            }
            entries.bytes += size;
            let entry = Entry {
                generation,
                at: Instant::now(),
                page,
            };
            if let Some(old) = entries.by_key.insert(key, entry) {
                entries.bytes -= old.page.body.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::i18n::Lang;
    use chrono::Utc;

    fn page(text: &'static str) -> Arc<Rendered> {
        Arc::new(Rendered {
            validators: Validators::of(&text, Lang::Zh, Utc::now()),
            body: Bytes::from_static(text.as_bytes()),
        })
    }

    #[test]
    fn a_page_is_reused_until_a_newer_generation() {
        let cache = PageCache::default();
        let now = minxin_storage::write_generation();
        cache.put("/p/A zh".into(), now, page("a"));
        assert_eq!(cache.get("/p/A zh").unwrap().body, "a");
        assert!(cache.get("/p/A en").is_none());
        cache.put("/p/B zh".into(), now.wrapping_sub(1), page("b"));
        assert!(cache.get("/p/B zh").is_none(), "rendered before a write");
    }
}
