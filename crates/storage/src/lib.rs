//! Minxin's data layer, one folder per context in downward order: `kernel` < `org` <
//! `identity` < `projects` < `control` < `requests` < `openness` (a context uses only those
//! before it). Everything that reads or writes business data goes through a [`Scoped`] handle
//! bound to an [`Actor`](minxin_domain::Actor), opened for one context
//! (`store.scoped(&actor, address).projects()`, `.control()`, …): each operation checks the
//! actor's role, narrows every query to the actor's data scope, and appends the audit entry in
//! the same transaction as the change. Authentication infrastructure (sign-in, sessions, API
//! tokens) lives in [`Auth`], which acts before there is an actor; anonymous visitors read
//! through [`Store::public`], and residents and Open311 clients file requests through
//! [`Store::residents`] and [`Store::open311`].

pub mod control;
pub mod identity;
pub mod kernel;
pub mod openness;
pub mod org;
pub mod projects;
pub mod requests;
#[cfg(feature = "testing")]
pub mod testing;

pub use identity::Auth;
pub use kernel::db::{Backend, Db};
pub use kernel::error::StoreError;
pub use kernel::page::{Page, PageRequest};
pub use kernel::scoped::Scoped;

use minxin_domain::Actor;
use minxin_domain::kernel::clock::Clock;

/// How many write transactions this process has begun or committed: whatever was rendered from
/// reads may be reused while it stays the same. Writes by other processes are not counted, so
/// such caches must also expire by age.
pub fn write_generation() -> u64 {
    kernel::counts::generation()
}

/// The entry point to storage: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    sealing: kernel::sealing::SealingKey,
    counts: std::sync::Arc<kernel::counts::CountCache>,
    intake: std::sync::Arc<requests::GroupCommit>,
    light: &'static dyn projects::LightPort,
    job_wake: std::sync::Arc<tokio::sync::Notify>,
}

impl Store {
    /// Wraps a connected database; `sealing` seals the secrets kept in it, and every "now" of
    /// storage is read from `clock` (the one the web state shares, so a test moves both).
    pub fn new(db: Db, sealing: kernel::sealing::SealingKey, clock: Clock) -> Self {
        let db = db.with_clock(clock);
        Self {
            sealing,
            intake: std::sync::Arc::new(requests::GroupCommit::new(db.clone())),
            db,
            counts: std::sync::Arc::default(),
            light: &control::lights::Light,
            job_wake: std::sync::Arc::default(),
        }
    }

    /// A store on the same database with pools, caches and queue wake-ups of its own, as a
    /// second instance of the server would have (see [`Db::another_instance`]).
    pub fn another_instance(&self) -> Self {
        Self::new(
            self.db.another_instance(),
            self.sealing.clone(),
            self.db.clock().clone(),
        )
    }

    /// Woken whenever this store makes a job due, so this instance's worker starts on it at
    /// once instead of at its next poll (other instances find it when they poll).
    pub fn job_wake(&self) -> &tokio::sync::Notify {
        &self.job_wake
    }

    /// Connects to `url` and brings the schema up to date.
    pub async fn open(
        url: &str,
        sealing: kernel::sealing::SealingKey,
        clock: Clock,
    ) -> Result<Self, StoreError> {
        let store = Self::new(Db::connect(url).await?, sealing, clock);
        store.migrate().await?;
        Ok(store)
    }

    /// Recomputes every project's traffic light for today (Asia/Shanghai); the daily run.
    pub async fn refresh_lights(&self) -> Result<control::lights::RefreshReport, StoreError> {
        control::lights::refresh_all(&self.db, control::lights::today(self.db.now())).await
    }

    /// How far from a project (in metres) a new request that no boundary holds may be to be
    /// placed in that project's region, rather than in the dispatching office's queue.
    pub fn set_near_project_metres(&self, metres: u32) {
        self.intake.set_near_project_metres(metres);
    }

    /// Applies pending migrations, then seals any second-factor secret still in plaintext from
    /// before secrets were sealed.
    pub async fn migrate(&self) -> Result<kernel::migrate::MigrationReport, StoreError> {
        let mut report = kernel::migrate::migrate(&self.db).await?;
        report.sealed_totp_secrets =
            identity::auth::seal_plaintext(&self.db, &self.sealing).await?;
        Ok(report)
    }

    /// Refreshes the planner's statistics after a bulk load, so queries over the new rows get
    /// good plans at once; on PostgreSQL also the visibility map, which index-only scans need
    /// (autovacuum would do both later on its own).
    pub async fn analyze(&self) -> Result<(), StoreError> {
        let mut tx = self.db().read().await?;
        let sql = match tx.backend() {
            Backend::Sqlite => "ANALYZE",
            Backend::Postgres => "VACUUM ANALYZE",
        };
        tx.run_script(sql).await
    }

    /// The underlying database handle.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The clock every "now" of storage is read from.
    pub fn clock(&self) -> &Clock {
        self.db.clock()
    }

    /// Sign-in, sessions and API tokens.
    pub fn auth(&self) -> Auth<'_> {
        Auth::new(&self.db, &self.sealing)
    }

    /// Business operations on behalf of `actor`, whose request came from `address`.
    pub fn scoped<'a>(&'a self, actor: &'a Actor, address: &'a str) -> Scoped<'a> {
        Scoped::new(self, actor, address)
    }
}
