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
use crate::kernel::db::Pool;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Accounts, Sessions};
use crate::org::regions::Region;
use chrono::Duration;
use minxin_domain::kernel::clock::Clock;
use minxin_domain::org::region::RegionLevel;
use minxin_domain::{Actor, Role};
use sea_query::{Expr, ExprTrait, Query};
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;

mod blobs;
mod databases;
mod extra_accounts;
mod projects;
mod public;
mod requests;
pub use blobs::{S3_URL_VAR, TestBlobs, blob_dir, blob_stores, local_blobs, s3_bucket};
use databases::in_ci;
pub use databases::{fresh_postgres_url, stores, stores_on};
pub use extra_accounts::{account, narrow, site_manager};
pub use projects::TestProject;
pub use public::{PRIVATE_TEXTS, PublicSeed, money, photo};
pub use requests::{
    move_request, placed, portal_draft, portal_request, request_version, submit, submit_at,
};

/// The environment variable naming the PostgreSQL server the tests may create databases on.
pub const DATABASE_URL_VAR: &str = "MINXIN_TEST_DATABASE_URL";

/// The password of every fixture account: strong enough for the default policy, so sign-in
/// tests need no password change first.
pub const PASSWORD: &str = "Minxin#2026";

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
