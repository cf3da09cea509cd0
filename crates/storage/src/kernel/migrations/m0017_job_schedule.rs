//! Scheduled and retried jobs (issue 18): `run_at`, the time before which a job is not due (a
//! retry's backoff, the nightly run's 00:10), and `unique_key`, which makes "control.nightly
//! 2026-12-07" one row however many instances enqueue it. Jobs enqueued before this migration
//! are due at once: their `run_at` is their `created_at`.

use super::columns::{text_null, time_null};
use super::statements::add_columns;
use crate::kernel::db::Backend;
use crate::kernel::schema::Jobs;
use sea_query::{Expr, Index, Query};

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let mut out = add_columns(
        backend,
        Jobs::Table,
        [time_null(Jobs::RunAt), text_null(Jobs::UniqueKey)],
    );
    out.push(
        backend.query_sql(
            &Query::update()
                .table(Jobs::Table)
                .value(Jobs::RunAt, Expr::col(Jobs::CreatedAt))
                .take(),
        ),
    );
    out.push(
        backend.schema_sql(
            &Index::create()
                .name("jobs_unique_key")
                .table(Jobs::Table)
                .col(Jobs::UniqueKey)
                .unique()
                .take(),
        ),
    );
    out
}
