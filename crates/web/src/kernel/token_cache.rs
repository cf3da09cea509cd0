//! A short-lived cache from API token to actor. Resolving a bearer token costs several queries
//! (token, account, roles, scope); API clients send the same token thousands of times a
//! minute. Entries live a few seconds, so a revoked token, a disabled account or a changed role
//! takes effect within that time on every instance (at once on the instance that made the
//! change, which clears its cache).

use minxin_domain::Actor;
use minxin_storage::identity::credentials::token_digest;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a resolved token is trusted without asking the database again.
pub const TTL: Duration = Duration::from_secs(5);

/// More distinct tokens than this in one TTL and the cache starts over (bounded memory).
const CAPACITY: usize = 10_000;

/// Token digest → (actor, when it was resolved).
#[derive(Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<String, (Actor, Instant)>>,
}

impl TokenCache {
    /// The actor of `token`, if resolved within the last [`TTL`].
    pub fn get(&self, token: &str) -> Option<Actor> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&token_digest(token))
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(actor, _)| actor.clone())
    }

    /// Remembers that `token` belongs to `actor`.
    pub fn put(&self, token: &str, actor: &Actor) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, at)| at.elapsed() < TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(token_digest(token), (actor.clone(), Instant::now()));
    }

    /// Forgets everything (after a revocation or an access change on this instance).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minxin_domain::{DataScope, RoleSet};

    #[test]
    fn remembers_and_forgets() {
        let cache = TokenCache::default();
        let actor = Actor {
            account_id: 1,
            username: "office".into(),
            roles: RoleSet::default(),
            scope: DataScope::default(),
        };
        assert!(cache.get("mx_a").is_none());
        cache.put("mx_a", &actor);
        assert_eq!(cache.get("mx_a"), Some(actor));
        assert!(cache.get("mx_b").is_none());
        cache.clear();
        assert!(cache.get("mx_a").is_none());
    }
}
