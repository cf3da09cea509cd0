//! The figures an operator watches, read for `/readyz` and `/metrics`: whether every migration
//! this build knows is applied, the connection pool's use, and the job queue's depth by state
//! with the age of its oldest queued job. Plain reads that act for no one and are not audited;
//! they count rows and read no job's payload.

use crate::kernel::db::{Db, Pool};
use crate::kernel::error::StoreError;
use crate::kernel::jobs::JobState;
use crate::kernel::migrations::ALL;
use crate::kernel::schema::{Jobs as J, MinxinMigrations};
use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};

/// The connection pool's use at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open now, busy or idle.
    pub size: u32,
    /// Open connections waiting for work.
    pub idle: u32,
    /// The most the pool will open.
    pub max: u32,
}

/// The job queue at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueDepth {
    /// Jobs by their `jobs.state` code, only the states that have any.
    pub by_state: Vec<(String, i64)>,
    /// When the oldest job still waiting for a worker was written.
    pub oldest_queued_at: Option<DateTime<Utc>>,
}

impl Db {
    /// How many connections are open and idle now.
    pub fn pool_use(&self) -> PoolUse {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        match self.pool() {
            Pool::Sqlite(pool) => PoolUse {
                size: pool.size(),
                idle: count(pool.num_idle()),
                max: pool.options().get_max_connections(),
            },
            Pool::Postgres(pool) => PoolUse {
                size: pool.size(),
                idle: count(pool.num_idle()),
                max: pool.options().get_max_connections(),
            },
        }
    }

    /// Whether every migration of this build is recorded as applied (an instance must not take
    /// traffic on a schema older than its code; a newer schema, mid-upgrade, is fine).
    ///
    /// # Errors
    ///
    /// When the database cannot be read (or was never migrated at all).
    pub async fn migrations_applied(&self) -> Result<bool, StoreError> {
        let versions = ALL.iter().map(|m| m.version);
        let mut tx = self.read().await?;
        let applied = tx
            .scalar(
                &Query::select()
                    .expr(Expr::col(MinxinMigrations::Version).count())
                    .from(MinxinMigrations::Table)
                    .and_where(Expr::col(MinxinMigrations::Version).is_in(versions))
                    .take(),
            )
            .await?;
        Ok(usize::try_from(applied).is_ok_and(|n| n == ALL.len()))
    }

    /// The job queue's depth by state and its oldest queued job.
    ///
    /// # Errors
    ///
    /// When the queue cannot be read.
    pub async fn queue_depth(&self) -> Result<QueueDepth, StoreError> {
        let mut tx = self.read().await?;
        let by_state: Vec<(String, i64)> = tx
            .all(
                &Query::select()
                    .column(J::State)
                    .expr(Expr::col(J::Id).count())
                    .from(J::Table)
                    .group_by_col(J::State)
                    .order_by(J::State, Order::Asc)
                    .take(),
            )
            .await?;
        let oldest: Option<(DateTime<Utc>,)> = tx
            .optional(
                &Query::select()
                    .column(J::CreatedAt)
                    .from(J::Table)
                    .and_where(Expr::col(J::State).eq(JobState::Queued.code()))
                    .order_by(J::CreatedAt, Order::Asc)
                    .limit(1)
                    .take(),
            )
            .await?;
        Ok(QueueDepth {
            by_state,
            oldest_queued_at: oldest.map(|(at,)| at),
        })
    }
}
