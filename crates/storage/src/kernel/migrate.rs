//! Applies the versioned migrations of [`crate::kernel::migrations`], each in its own transaction,
//! and records them in `minxin_migrations`. Safe to run from several instances at once: PostgreSQL
//! serialises them with an advisory lock, SQLite with its single writer.

use crate::kernel::db::{Backend, Db, Tx};
use crate::kernel::error::StoreError;
use crate::kernel::migrations::{ALL, Migration};
use crate::kernel::schema::MinxinMigrations;
use sea_query::{ColumnDef, Expr, ExprTrait, Query, Table};

/// A lock key only Minxin's migrator uses ("minxin" in ASCII).
const ADVISORY_LOCK_KEY: i64 = 0x6d69_6e78_696e;

/// What one run of the migrator did.
#[derive(Debug, Default)]
pub struct MigrationReport {
    /// Versions and names applied by this run, oldest first.
    pub applied: Vec<(i64, &'static str)>,
    /// The schema version after the run.
    pub current: i64,
    /// Second-factor secrets found in plaintext and sealed by this run.
    pub sealed_totp_secrets: u64,
}

/// Brings the schema up to date.
pub async fn migrate(db: &Db) -> Result<MigrationReport, StoreError> {
    let mut tx = db.begin().await?;
    create_ledger(&mut tx).await?;
    tx.commit().await?;

    let mut report = MigrationReport::default();
    for migration in ALL {
        let mut tx = db.begin().await?;
        if tx.backend() == Backend::Postgres {
            tx.run_script(&format!(
                "SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})"
            ))
            .await?;
        }
        if applied(&mut tx, migration.version).await? {
            continue;
        }
        apply(&mut tx, migration).await?;
        tx.commit().await?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "migration applied"
        );
        report.applied.push((migration.version, migration.name));
    }
    report.current = ALL.last().map_or(0, |m| m.version);
    Ok(report)
}

async fn create_ledger(tx: &mut Tx) -> Result<(), StoreError> {
    let table = Table::create()
        .table(MinxinMigrations::Table)
        .if_not_exists()
        .col(
            ColumnDef::new(MinxinMigrations::Version)
                .big_integer()
                .not_null()
                .primary_key(),
        )
        .col(ColumnDef::new(MinxinMigrations::Name).text().not_null())
        .col(
            ColumnDef::new(MinxinMigrations::AppliedAt)
                .timestamp_with_time_zone()
                .not_null(),
        )
        .take();
    let sql = tx.backend().schema_sql(&table);
    tx.run_script(&sql).await
}

async fn applied(tx: &mut Tx, version: i64) -> Result<bool, StoreError> {
    let count = tx
        .scalar(
            &Query::select()
                .expr(Expr::col(MinxinMigrations::Version).count())
                .from(MinxinMigrations::Table)
                .and_where(Expr::col(MinxinMigrations::Version).eq(version))
                .take(),
        )
        .await?;
    Ok(count > 0)
}

async fn apply(tx: &mut Tx, migration: &Migration) -> Result<(), StoreError> {
    for statement in (migration.statements)(tx.backend()) {
        tx.run_script(&statement).await?;
    }
    tx.execute(
        &Query::insert()
            .into_table(MinxinMigrations::Table)
            .columns([
                MinxinMigrations::Version,
                MinxinMigrations::Name,
                MinxinMigrations::AppliedAt,
            ])
            .values_panic([
                migration.version.into(),
                migration.name.into(),
                tx.now().into(),
            ])
            .take(),
    )
    .await?;
    Ok(())
}
