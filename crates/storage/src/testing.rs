//! Test harness (feature `testing`): fresh, migrated stores on every backend the environment
//! offers, and a small standard organisation with one account per kind of role, so that the tests
//! of storage and of the crates built on it run the same assertions on SQLite and PostgreSQL.
//!
//! SQLite always runs, in a temporary directory. PostgreSQL runs when
//! `MINXIN_TEST_DATABASE_URL` names a server on which the user may create databases; every call
//! of [`stores`] gets a database of its own. When `CI` is set the URL is mandatory, so that CI can
//! never pass while silently skipping PostgreSQL.
//!
//! Nothing here is compiled into the product: the module exists only with the `testing` feature.

use crate::Store;
use crate::identity::accounts;
use crate::identity::auth::{Attempt, SessionContext};
use crate::identity::credentials::token_digest;
use crate::kernel::db::{Db, Pool};
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Accounts, Sessions};
use crate::kernel::sealing::SealingKey;
use crate::org::regions::Region;
use chrono::Duration;
use minxin_domain::kernel::clock::Clock;
use minxin_domain::org::region::RegionLevel;
use minxin_domain::{Actor, Role};
use sea_query::{Expr, ExprTrait, Query};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

mod extra_accounts;
mod projects;
mod public;
mod requests;
pub use extra_accounts::{account, narrow, site_manager};
pub use projects::TestProject;
pub use public::{PRIVATE_TEXTS, PublicSeed, money, photo};
pub use requests::{move_request, placed, portal_request, request_version, submit, submit_at};

/// The environment variable naming the PostgreSQL server the tests may create databases on.
pub const DATABASE_URL_VAR: &str = "MINXIN_TEST_DATABASE_URL";

/// The password of every fixture account: strong enough for the default policy, so sign-in
/// tests need no password change first.
pub const PASSWORD: &str = "Minxin#2026";

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

fn in_ci() -> bool {
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

/// Today in Asia/Shanghai on the system clock, for tests whose stores run on it (those that
/// move time read their own clock instead).
pub fn today() -> chrono::NaiveDate {
    crate::control::lights::today(Clock::system().now())
}

/// Runs literal SQL directly on the pool, bypassing every storage check, and returns how many
/// rows it touched; for tests proving that the database itself refuses something, such as
/// editing the audit log.
pub async fn execute_raw(store: &Store, sql: &str) -> Result<u64, StoreError> {
    let sql = AssertSqlSafe(sql.to_owned());
    crate::kernel::counts::note_write();
    Ok(match store.db().pool() {
        Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
        Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
    })
}

/// Reads rows with literal SQL directly from the pool, bypassing every storage check; for
/// tests that look at what was stored rather than at what an operation returns.
pub async fn query_raw<T: crate::kernel::db::Record>(
    store: &Store,
    sql: &str,
) -> Result<Vec<T>, StoreError> {
    let sql = AssertSqlSafe(sql.to_owned());
    Ok(match store.db().pool() {
        Pool::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await?,
        Pool::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await?,
    })
}

/// Moves the sign-in and last-use times of the session with `token` into the past, so that idle
/// and lifetime limits can be tested without waiting. [`StoreError::NotFound`] if no such session.
pub async fn age_session(
    store: &Store,
    token: &str,
    created_ago: Duration,
    last_seen_ago: Duration,
) -> Result<(), StoreError> {
    let now = store.db().now();
    let mut tx = store.db().begin().await?;
    let changed = tx
        .execute(
            &Query::update()
                .table(Sessions::Table)
                .values([
                    (Sessions::CreatedAt, (now - created_ago).into()),
                    (Sessions::LastSeenAt, (now - last_seen_ago).into()),
                ])
                .and_where(Expr::col(Sessions::TokenHash).eq(token_digest(token)))
                .take(),
        )
        .await?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await
}

/// The user names of the fixture's accounts, all with password [`PASSWORD`]: `sysadmin`,
/// `secadmin` and `auditor` see the whole city; `leader_a`, `office_a`, `dept_a` (of 示例区住建局)
/// `sysadmin_a` and `finance_a` see district A only; `dept_b` (of 样板区住建局) sees district B
/// only.
pub const USERNAMES: [&str; 9] = [
    "sysadmin",
    "secadmin",
    "auditor",
    "leader_a",
    "office_a",
    "dept_a",
    "sysadmin_a",
    "dept_b",
    "finance_a",
];

/// A small standard organisation in a fictional province 99: 示例市 (990100) with districts
/// 示例区 (990101, "A") and 样板区 (990102, "B"), a street in each, three departments and the
/// accounts of [`USERNAMES`]. Built only through the public `bootstrap_*` operations.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The store the fixture lives in.
    pub store: Store,
    /// 示例市, the root region and the city-wide administrators' scope.
    pub city: Region,
    /// 示例区, district A.
    pub district_a: Region,
    /// 样板区, district B.
    pub district_b: Region,
    /// 示例街道 (990101001), under district A.
    pub street_a: Region,
    /// 样板街道 (990102001), under district B.
    pub street_b: Region,
    /// `A-ZJ` 示例区住建局, `dept_a`'s department.
    pub a_zj: i64,
    /// `A-JY` 示例区教育局, a department of district A with no members.
    pub a_jy: i64,
    /// `B-ZJ` 样板区住建局, `dept_b`'s department.
    pub b_zj: i64,
    accounts: BTreeMap<&'static str, i64>,
}

/// Creates the standard organisation of [`Fixture`] in `store`, which should be fresh.
///
/// # Panics
///
/// When any part cannot be created.
pub async fn fixture(store: &Store) -> Fixture {
    let region = |code: &'static str,
                  name: &'static str,
                  level: RegionLevel,
                  parent: Option<&'static str>| async move {
        store
            .bootstrap_region(code, name, level, parent)
            .await
            .unwrap_or_else(|e| panic!("fixture region {code}: {e}"))
    };
    let city = region("990100", "示例市", RegionLevel::City, None).await;
    let district_a = region("990101", "示例区", RegionLevel::District, Some("990100")).await;
    let district_b = region("990102", "样板区", RegionLevel::District, Some("990100")).await;
    let street_a = region("990101001", "示例街道", RegionLevel::Street, Some("990101")).await;
    let street_b = region("990102001", "样板街道", RegionLevel::Street, Some("990102")).await;

    let department = |code: &'static str, name: &'static str, region: &'static str| async move {
        store
            .bootstrap_department(code, name, region, Some("0000-12345678"))
            .await
            .unwrap_or_else(|e| panic!("fixture department {code}: {e}"))
    };
    let a_zj = department("A-ZJ", "示例区住建局", "990101").await;
    let a_jy = department("A-JY", "示例区教育局", "990101").await;
    let b_zj = department("B-ZJ", "样板区住建局", "990102").await;

    type Spec = (
        &'static str,
        &'static str,
        Role,
        &'static str,
        Option<&'static str>,
    );
    let specs: [Spec; 9] = [
        ("sysadmin", "系统管理员", Role::Sysadmin, "990100", None),
        ("secadmin", "安全管理员", Role::Secadmin, "990100", None),
        ("auditor", "审计管理员", Role::Auditor, "990100", None),
        ("leader_a", "示例区领导", Role::Leader, "990101", None),
        ("office_a", "示例区管理中心", Role::Office, "990101", None),
        (
            "dept_a",
            "示例区住建局职员",
            Role::Dept,
            "990101",
            Some("A-ZJ"),
        ),
        (
            "sysadmin_a",
            "示例区系统管理员",
            Role::Sysadmin,
            "990101",
            None,
        ),
        (
            "dept_b",
            "样板区住建局职员",
            Role::Dept,
            "990102",
            Some("B-ZJ"),
        ),
        (
            "finance_a",
            "示例区财政局职员",
            Role::Finance,
            "990101",
            None,
        ),
    ];
    let mut accounts = BTreeMap::new();
    for (username, display_name, role, region_code, department_code) in specs {
        let id = account(
            store,
            username,
            display_name,
            role,
            region_code,
            department_code,
        );
        accounts.insert(username, id.await);
    }
    Fixture {
        store: store.clone(),
        city,
        district_a,
        district_b,
        street_a,
        street_b,
        a_zj,
        a_jy,
        b_zj,
        accounts,
    }
}

impl Fixture {
    /// The id of fixture account `username`.
    ///
    /// # Panics
    ///
    /// When `username` is not one of [`USERNAMES`].
    pub fn id(&self, username: &str) -> i64 {
        *self
            .accounts
            .get(username)
            .unwrap_or_else(|| panic!("`{username}` is not a fixture account"))
    }

    /// The actor of any account by user name (fixture or created later), as storage would build
    /// it for a signed-in request, without signing in: no session, attempt or audit entry.
    ///
    /// # Panics
    ///
    /// When the account does not exist or is disabled.
    pub async fn actor(&self, username: &str) -> Actor {
        let mut tx = self.store.db().begin().await.expect("begin");
        let (id,): (i64,) = tx
            .one(
                &Query::select()
                    .column(Accounts::Id)
                    .from(Accounts::Table)
                    .and_where(Expr::col(Accounts::Username).eq(username))
                    .take(),
            )
            .await
            .unwrap_or_else(|e| panic!("account `{username}`: {e}"));
        accounts::load_actor(&mut tx, id)
            .await
            .unwrap_or_else(|e| panic!("actor `{username}`: {e}"))
            .unwrap_or_else(|| panic!("account `{username}` is disabled"))
    }

    /// Signs `username` in with [`PASSWORD`] from `address` and resolves the new session, the
    /// way a browser request would; returns the session token and its context.
    ///
    /// # Panics
    ///
    /// When the sign-in is refused or the session does not resolve.
    pub async fn session(&self, username: &str, address: &str) -> (String, SessionContext) {
        let auth = self.store.auth();
        let signed_in = auth
            .sign_in(&Attempt {
                username,
                password: PASSWORD,
                address,
                user_agent: "minxin-tests",
            })
            .await
            .unwrap_or_else(|e| panic!("sign-in of `{username}` refused: {e:?}"));
        let context = auth
            .session(&signed_in.token)
            .await
            .unwrap_or_else(|e| panic!("session of `{username}`: {e}"))
            .unwrap_or_else(|| panic!("fresh session of `{username}` did not resolve"));
        (signed_in.token, context)
    }
}

/// A square community boundary around (30.5, 114.5) for the fixture's street, and a rule
/// sending its road requests to the district's housing bureau: the routed requests of the
/// request and statistics suites.
pub async fn route_street_roads(f: &Fixture) {
    let square = r#"{"type":"Polygon","coordinates":[[[114.4,30.4],[114.6,30.4],[114.6,30.6],[114.4,30.6],[114.4,30.4]]]}"#;
    execute_raw(
        &f.store,
        &format!(
            "INSERT INTO community_boundaries (region_id, geojson, updated_at) VALUES ({}, '{square}', CURRENT_TIMESTAMP)",
            f.street_a.id
        ),
    )
    .await
    .unwrap();
    execute_raw(
        &f.store,
        &format!(
            "INSERT INTO routing_rules (category_id, region_id, department_id, created_at) \
             SELECT id, {}, {}, CURRENT_TIMESTAMP FROM request_categories WHERE code = 'road'",
            f.street_a.id, f.a_zj
        ),
    )
    .await
    .unwrap();
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
