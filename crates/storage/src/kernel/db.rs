//! One handle over SQLite and PostgreSQL. Queries are built once with sea-query and rendered in
//! the dialect of the connected backend; rows decode into the same Rust types on both. Only the
//! code in this file knows that two backends exist.

use crate::kernel::error::{Found, StoreError};
use chrono::{DateTime, Utc};
use minxin_domain::kernel::clock::Clock;
use sea_query::{
    InsertStatement, PostgresQueryBuilder, QueryStatementWriter, SchemaStatementBuilder,
    SqliteQueryBuilder,
};
use sea_query_sqlx::SqlxBinder;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, FromRow, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// A row type that decodes from both backends; derive `sqlx::FromRow` and it qualifies.
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// The production database.
    Postgres,
}

impl Backend {
    /// Whole seconds since 1970 of the timestamp in `column` (a qualified name such as
    /// `service_requests.answered_at`): durations are added up in SQL, and the engines store
    /// times differently (RFC 3339 text on SQLite, `timestamptz` on PostgreSQL). Both drop the
    /// fraction of a second: `strftime('%s')` truncates, and PostgreSQL's cast from numeric
    /// would round, so it takes the `FLOOR` first.
    pub(crate) fn epoch_seconds(self, column: &str) -> sea_query::Expr {
        sea_query::Expr::cust(match self {
            Backend::Sqlite => format!("CAST(strftime('%s', {column}) AS INTEGER)"),
            Backend::Postgres => format!("CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"),
        })
    }

    /// A schema statement (a table, an index, an alteration) as DDL in this engine's dialect:
    /// migrations and the migration ledger are written once and run as plain scripts.
    pub(crate) fn schema_sql(self, statement: &impl SchemaStatementBuilder) -> String {
        match self {
            Backend::Sqlite => statement.to_string(SqliteQueryBuilder),
            Backend::Postgres => statement.to_string(PostgresQueryBuilder),
        }
    }

    /// A query with its values written inline, in this engine's dialect: the data steps of
    /// migrations (seeded dictionaries, backfills), which run as scripts without bound values.
    pub(crate) fn query_sql(self, statement: &impl QueryStatementWriter) -> String {
        match self {
            Backend::Sqlite => statement.to_string(SqliteQueryBuilder),
            Backend::Postgres => statement.to_string(PostgresQueryBuilder),
        }
    }
}

/// The cell of a grid that a coordinate column (a qualified name such as `projects.latitude`)
/// falls in, counted from `origin` in cells of `size` micro-degrees: the integers of
/// `domain::portal_map::Grid::cell_of`, rounded to micro-degrees like it, so that both engines
/// and the domain divide alike (a plain cast truncates on SQLite and rounds on PostgreSQL).
pub(crate) fn grid_cell(column: &str, origin: i64, size: i64) -> sea_query::Expr {
    use sea_query::ExprTrait;
    sea_query::Expr::cust(format!("CAST(ROUND({column} * 1000000) AS BIGINT)"))
        .sub(origin)
        .div(size)
}

/// A connection pool to either backend, with the clock its transactions read "now" from.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    clock: Clock,
}

/// The pool of one backend.
#[derive(Clone, Debug)]
pub enum Pool {
    /// SQLite in WAL mode with foreign keys on.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`).
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        // Connections per core: enough to keep every core busy while others wait on I/O; more
        // only add context switches and lock hand-offs on both engines.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let pool_size =
            |per_core: usize| u32::try_from(cores * per_core).unwrap_or(16).clamp(4, 32);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(pool_size(4))
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Ok(Db::on(Pool::Postgres(pool)))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: every commit is on disk before it returns, so a receipt or a saved
                // change survives power loss, not only a killed process (NORMAL's guarantee).
                // Intake shares each flush between many requests (requests/group_commit.rs).
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // A 64 MiB page cache and memory-mapped reads per connection: lists over
                // 100,000 projects stay in memory instead of costing a syscall per page.
                .pragma("cache_size", "-65536")
                .pragma("mmap_size", "268435456");
            // Each SQLite connection runs on its own sqlx worker thread.
            let pool = SqlitePoolOptions::new()
                .max_connections(pool_size(2))
                .connect_with(options)
                .await?;
            Ok(Db::on(Pool::Sqlite(pool)))
        } else {
            Err(StoreError::Config(format!(
                "database URL must start with sqlite: or postgres:// (got `{url}`)"
            )))
        }
    }

    /// A second pool on the same database with the same settings and clock, as another
    /// instance of the server would open it: the queue's tests and benchmark run two workers
    /// that share nothing but the database.
    pub fn another_instance(&self) -> Db {
        let pool = match &self.pool {
            Pool::Sqlite(pool) => Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(pool.options().get_max_connections())
                    .connect_lazy_with((*pool.connect_options()).clone()),
            ),
            Pool::Postgres(pool) => Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(pool.options().get_max_connections())
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy_with((*pool.connect_options()).clone()),
            ),
        };
        Db {
            pool,
            clock: self.clock.clone(),
        }
    }

    /// A handle on `pool` reading the system clock until [`Db::with_clock`] sets another.
    fn on(pool: Pool) -> Db {
        Db {
            pool,
            clock: Clock::system(),
        }
    }

    /// The same pool with its transactions reading `clock` (the store's, see `Store::new`).
    pub fn with_clock(self, clock: Clock) -> Db {
        Db { clock, ..self }
    }

    /// The clock of this handle.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The current time on this handle's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The pool itself, for the test harness's raw SQL.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Opens (creating if needed) the SQLite file `minxin.db` in `dir`.
    pub async fn open_sqlite_dir(dir: &Path) -> Result<Db, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Config(format!(
                "cannot create data directory {}: {e}",
                dir.display()
            ))
        })?;
        let file = dir.join("minxin.db");
        Db::connect(&format!("sqlite://{}", file.display())).await
    }

    /// The engine behind this pool.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Starts a transaction; every storage operation runs inside one.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        crate::kernel::counts::note_write();
        let conn = match &self.pool {
            // IMMEDIATE takes the write lock up front: a deferred transaction that reads and
            // then writes fails outright (SQLITE_BUSY) if another connection wrote meanwhile,
            // whereas waiting for the lock is covered by the busy timeout.
            Pool::Sqlite(pool) => Conn::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Conn::Postgres(pool.begin().await?),
        };
        Ok(self.tx(conn))
    }

    fn tx(&self, conn: Conn) -> Tx {
        Tx {
            conn,
            clock: self.clock.clone(),
        }
    }

    /// A connection for reading only, without a transaction: for pure reads the BEGIN and
    /// ROLLBACK round trips would cost more than the query itself.
    pub async fn read(&self) -> Result<Tx, StoreError> {
        let conn = match &self.pool {
            Pool::Sqlite(pool) => Conn::SqliteRead(pool.acquire().await?),
            Pool::Postgres(pool) => Conn::PostgresRead(pool.acquire().await?),
        };
        Ok(self.tx(conn))
    }

    /// Whether the database answers; used by `/healthz`.
    pub async fn ping(&self) -> bool {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.is_ok(),
            Pool::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.is_ok(),
        }
    }

    /// Closes every pooled connection.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// An open transaction on either backend (dropping it without [`Tx::commit`] rolls back), or a
/// plain connection for reading only (from [`Db::read`]), with the clock of its [`Db`].
pub struct Tx {
    conn: Conn,
    clock: Clock,
}

/// The connection under a [`Tx`].
enum Conn {
    /// A SQLite transaction.
    Sqlite(Transaction<'static, Sqlite>),
    /// A PostgreSQL transaction.
    Postgres(Transaction<'static, Postgres>),
    /// A SQLite connection outside any transaction.
    SqliteRead(PoolConnection<Sqlite>),
    /// A PostgreSQL connection outside any transaction.
    PostgresRead(PoolConnection<Postgres>),
}

/// Renders `$stmt` for the transaction's backend and runs `$run` with the SQL, its bound values
/// and the connection, so each query method is written once for both backends.
macro_rules! on_backend {
    ($tx:expr, $stmt:expr, |$sql:ident, $values:ident, $conn:ident| $run:expr) => {
        match &mut $tx.conn {
            Conn::Sqlite(tx) => {
                let ($sql, $values) = $stmt.build_sqlx(SqliteQueryBuilder);
                let $conn = &mut **tx;
                $run
            }
            Conn::SqliteRead(c) => {
                let ($sql, $values) = $stmt.build_sqlx(SqliteQueryBuilder);
                let $conn = &mut **c;
                $run
            }
            Conn::Postgres(tx) => {
                let ($sql, $values) = $stmt.build_sqlx(PostgresQueryBuilder);
                let $conn = &mut **tx;
                $run
            }
            Conn::PostgresRead(c) => {
                let ($sql, $values) = $stmt.build_sqlx(PostgresQueryBuilder);
                let $conn = &mut **c;
                $run
            }
        }
    };
}

impl Tx {
    /// The engine behind this transaction.
    pub fn backend(&self) -> Backend {
        match self.conn {
            Conn::Sqlite(_) | Conn::SqliteRead(_) => Backend::Sqlite,
            Conn::Postgres(_) | Conn::PostgresRead(_) => Backend::Postgres,
        }
    }

    /// The current time on the clock of the [`Db`] this came from.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Every row the statement returns.
    pub async fn all<T: Record>(&mut self, stmt: &impl SqlxBinder) -> Result<Vec<T>, StoreError> {
        on_backend!(self, stmt, |sql, values, conn| {
            Ok(sqlx::query_as_with(AssertSqlSafe(sql), values)
                .fetch_all(conn)
                .await?)
        })
    }

    /// The first row, if any.
    pub async fn optional<T: Record>(
        &mut self,
        stmt: &impl SqlxBinder,
    ) -> Result<Option<T>, StoreError> {
        on_backend!(self, stmt, |sql, values, conn| {
            Ok(sqlx::query_as_with(AssertSqlSafe(sql), values)
                .fetch_optional(conn)
                .await?)
        })
    }

    /// Exactly one row, or [`StoreError::NotFound`].
    pub async fn one<T: Record>(&mut self, stmt: &impl SqlxBinder) -> Result<T, StoreError> {
        self.optional(stmt).await?.found()
    }

    /// A single scalar such as `COUNT(*)`.
    pub async fn scalar(&mut self, stmt: &impl SqlxBinder) -> Result<i64, StoreError> {
        let (value,): (i64,) = self.one(stmt).await?;
        Ok(value)
    }

    /// Runs a statement and returns how many rows it touched.
    pub async fn execute(&mut self, stmt: &impl SqlxBinder) -> Result<u64, StoreError> {
        on_backend!(self, stmt, |sql, values, conn| {
            Ok(sqlx::query_with(AssertSqlSafe(sql), values)
                .execute(conn)
                .await?
                .rows_affected())
        })
    }

    /// Runs an update guarded by `WHERE version = …`; touching no row means someone else saved
    /// first, reported as [`StoreError::Conflict`].
    pub async fn update_versioned(&mut self, stmt: &impl SqlxBinder) -> Result<(), StoreError> {
        match self.execute(stmt).await? {
            0 => Err(StoreError::Conflict),
            _ => Ok(()),
        }
    }

    /// Runs an insert and returns the new row's `id` (both backends support `RETURNING`).
    pub async fn insert(&mut self, mut stmt: InsertStatement) -> Result<i64, StoreError> {
        stmt.returning_col(sea_query::Alias::new("id"));
        self.scalar(&stmt).await
    }

    /// Runs literal SQL with no parameters; only for migrations.
    pub(crate) async fn run_script(&mut self, sql: &str) -> Result<(), StoreError> {
        let sql = AssertSqlSafe(sql.to_owned());
        match &mut self.conn {
            Conn::Sqlite(tx) => {
                sqlx::raw_sql(sql).execute(&mut **tx).await?;
            }
            Conn::SqliteRead(c) => {
                sqlx::raw_sql(sql).execute(&mut **c).await?;
            }
            Conn::Postgres(tx) => {
                sqlx::raw_sql(sql).execute(&mut **tx).await?;
            }
            Conn::PostgresRead(c) => {
                sqlx::raw_sql(sql).execute(&mut **c).await?;
            }
        }
        Ok(())
    }

    /// Makes the transaction's changes permanent.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.conn {
            Conn::Sqlite(tx) => tx.commit().await?,
            Conn::Postgres(tx) => tx.commit().await?,
            Conn::SqliteRead(_) | Conn::PostgresRead(_) => return Ok(()),
        }
        crate::kernel::counts::note_write();
        Ok(())
    }
}
