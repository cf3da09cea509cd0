//! Fresh, migrated stores for each test: a SQLite database in a temporary directory always,
//! and a PostgreSQL database of its own when [`DATABASE_URL_VAR`] names a server; leftovers of
//! earlier runs (killed test processes) are swept so that neither disk nor server fills up.

use super::DATABASE_URL_VAR;
use crate::Store;
use crate::identity::credentials::token_digest;
use crate::kernel::db::Db;
use crate::kernel::sealing::SealingKey;
use minxin_domain::kernel::clock::Clock;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
/// Names of test databases start with this, which is how later runs find leftovers.
const DATABASE_PREFIX: &str = "minxin_t_";
/// Names of SQLite test directories start with this, followed by the owning process id.
const DIRECTORY_PREFIX: &str = "minxin-test-";
/// Leftovers older than this are removed even when their owner cannot be checked.
const STALE_AFTER_SECS: u64 = 24 * 3600;

/// Fresh, empty, migrated stores: `("sqlite", …)` always, then `("postgres", …)` when
/// [`DATABASE_URL_VAR`] is set. Each call creates new databases, so tests never share state.
///
/// # Panics
///
/// When a database cannot be created, and when `CI` is set but [`DATABASE_URL_VAR`] is not.
pub async fn stores() -> Vec<(&'static str, Store)> {
    stores_on(&Clock::system()).await
}

/// [`stores`] reading "now" from `clock`, which the test sets and moves (the web harness passes
/// the app's clock, so storage and pages see the same time).
///
/// # Panics
///
/// As [`stores`].
pub async fn stores_on(clock: &Clock) -> Vec<(&'static str, Store)> {
    let url = postgres_url();
    let mut out = vec![("sqlite", sqlite(clock).await)];
    if let Some(url) = url {
        out.push(("postgres", postgres(&url, clock).await));
    }
    out
}

fn postgres_url() -> Option<String> {
    let url = std::env::var(DATABASE_URL_VAR)
        .ok()
        .filter(|u| !u.trim().is_empty());
    if url.is_none() && in_ci() {
        panic!(
            "CI is set but {DATABASE_URL_VAR} is not: the storage tests must run on PostgreSQL \
             in CI. Set it to a server where the user may create databases, e.g. \
             postgres://postgres@127.0.0.1:5432/postgres"
        );
    }
    url
}

/// Whether this run is CI, where no database or blob back end may be skipped.
pub(super) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "" | "0" | "false" | "no"
        )
    })
}

async fn sqlite(clock: &Clock) -> Store {
    static SWEPT: AtomicBool = AtomicBool::new(false);
    let parent = std::env::temp_dir();
    if !SWEPT.swap(true, Ordering::SeqCst) {
        sweep_directories(&parent);
    }
    // Kept instead of deleted on drop: the store outlives this function and its pool reopens the
    // file for new connections. Later runs delete the directories of finished processes.
    let dir = tempfile::Builder::new()
        .prefix(&format!("{DIRECTORY_PREFIX}{}-", std::process::id()))
        .tempdir_in(&parent)
        .expect("cannot create a temporary directory for the SQLite test database")
        .keep();
    let db = Db::open_sqlite_dir(&dir)
        .await
        .unwrap_or_else(|e| panic!("cannot open SQLite in {}: {e}", dir.display()));
    let store = Store::new(db, SealingKey::generate(), clock.clone());
    store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("sqlite: migrations failed: {e}"));
    store
}

async fn postgres(url: &str, clock: &Clock) -> Store {
    let url = fresh_postgres(url).await;
    Store::open(&url, SealingKey::generate(), clock.clone())
        .await
        .unwrap_or_else(|e| panic!("postgres: cannot open or migrate {}: {e}", redact(&url)))
}

/// The URL of a new, empty PostgreSQL database on the server of [`DATABASE_URL_VAR`], not yet
/// migrated, or `None` when the variable is not set; for tests that hand a database to another
/// process (the binary itself). Like every test database it is dropped by a later run once this
/// process has ended.
///
/// # Panics
///
/// When the database cannot be created, and when `CI` is set but [`DATABASE_URL_VAR`] is not.
pub async fn fresh_postgres_url() -> Option<String> {
    match postgres_url() {
        Some(url) => Some(fresh_postgres(&url).await),
        None => None,
    }
}

/// Creates a new database on the server of `url` and returns its URL.
async fn fresh_postgres(url: &str) -> String {
    static SWEPT: AtomicBool = AtomicBool::new(false);
    let mut admin = PgConnection::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "cannot connect to {DATABASE_URL_VAR} ({}): {e}",
            redact(url)
        )
    });
    if !SWEPT.swap(true, Ordering::SeqCst) {
        sweep_databases(&mut admin).await;
    }
    let name = format!(
        "{DATABASE_PREFIX}{}_{:x}_{:x}_{:016x}",
        host_id(),
        std::process::id(),
        unix_now(),
        rand::random::<u64>()
    );
    // The name is built from hex digits only, so quoting it is enough.
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("postgres: cannot create test database {name}: {e}"));
    let _ = admin.close().await;
    with_database(url, &name)
}

/// `url` with its database name replaced by `name`, keeping user, host and parameters.
fn with_database(url: &str, name: &str) -> String {
    let (base, params) = match url.split_once('?') {
        Some((base, params)) => (base, Some(params)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(params) = params {
        out.push('?');
        out.push_str(params);
    }
    out
}

/// `url` without its password, for error messages.
fn redact(url: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) if authority[..at].contains(':') => {
            let colon = authority[..at].find(':').expect("checked above");
            format!(
                "{}{}:***{}",
                &url[..authority_start],
                &authority[..colon],
                &rest[at..]
            )
        }
        _ => url.to_owned(),
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Identifies this machine or container, so that a process id is only ever checked on the host
/// that owns it. Without `/proc` it is the same everywhere, and [`process_gone`] never answers.
fn host_id() -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let host = read("/proc/sys/kernel/hostname");
    let boot = read("/proc/sys/kernel/random/boot_id");
    token_digest(&format!("{}\n{}", host.trim(), boot.trim()))[..8].to_owned()
}

/// Whether process `pid` of this host has certainly ended (only knowable where `/proc` exists).
fn process_gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

/// Removes SQLite test directories left by processes that have ended.
fn sweep_directories(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(DIRECTORY_PREFIX) else {
            continue;
        };
        let owner_gone = rest
            .split('-')
            .next()
            .and_then(|pid| pid.parse().ok())
            .is_some_and(process_gone);
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > STALE_AFTER_SECS);
        if owner_gone || stale {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Drops test databases left by ended processes of this host, and any older than a day.
async fn sweep_databases(admin: &mut PgConnection) {
    let Ok(names) = sqlx::query_as::<_, (String,)>("SELECT datname FROM pg_database")
        .fetch_all(&mut *admin)
        .await
    else {
        return;
    };
    let host = host_id();
    let now = unix_now();
    for (name,) in names {
        let Some(rest) = name.strip_prefix(DATABASE_PREFIX) else {
            continue;
        };
        let parts: Vec<&str> = rest.split('_').collect();
        let [db_host, pid, created, _random] = parts[..] else {
            continue;
        };
        let (Ok(pid), Ok(created)) = (
            u32::from_str_radix(pid, 16),
            u64::from_str_radix(created, 16),
        ) else {
            continue;
        };
        let owner_gone = db_host == host && process_gone(pid);
        let stale = now.saturating_sub(created) > STALE_AFTER_SECS;
        if !(owner_gone || stale) || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        let forced = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        if sqlx::raw_sql(AssertSqlSafe(forced))
            .execute(&mut *admin)
            .await
            .is_err()
        {
            // PostgreSQL before 13 has no FORCE; the owner has ended, so nobody is connected.
            let plain = format!("DROP DATABASE IF EXISTS \"{name}\"");
            let _ = sqlx::raw_sql(AssertSqlSafe(plain))
                .execute(&mut *admin)
                .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/db?sslmode=disable", "x"),
            "postgresql://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
        assert_eq!(
            with_database("postgres://h?user=u", "x"),
            "postgres://h/x?user=u"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
