//! The job queue (issue 17, shaped for issue 18): one row per background job — its kind, JSON
//! payload, owner account, priority, state, attempts and lease, progress and outcome — and the
//! file a job reads (an uploaded workbook), kept beside it and removed with it. Workers look
//! for due jobs by state and priority (`jobs_due`); the clean-up of old uploads by kind and
//! age (`jobs_kind_created`).

use super::columns::*;
use super::statements::{References, index_on, render, table};
use crate::kernel::db::Backend;
use crate::kernel::schema::{Accounts, JobFiles, Jobs};
use sea_query::{ColumnDef, ForeignKeyAction, IndexCreateStatement, TableCreateStatement};

fn tables() -> Vec<TableCreateStatement> {
    vec![
        table(Jobs::Table)
            .col(id(Jobs::Id))
            .col(text(Jobs::Kind))
            .col(text(Jobs::Payload))
            .col(big_null(Jobs::OwnerId))
            .col(big(Jobs::Priority))
            .col(text(Jobs::State))
            .col(big(Jobs::Attempts))
            .col(time_null(Jobs::LeaseUntil))
            .col(big(Jobs::Done))
            .col(big(Jobs::Total))
            .col(text_null(Jobs::Result))
            .col(text_null(Jobs::Error))
            .col(time(Jobs::CreatedAt))
            .col(time(Jobs::UpdatedAt))
            .references(Jobs::OwnerId, Accounts::Table, ForeignKeyAction::SetNull)
            .take(),
        table(JobFiles::Table)
            .col(
                ColumnDef::new(JobFiles::JobId)
                    .big_integer()
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new(JobFiles::Bytes).blob().not_null())
            .references(JobFiles::JobId, Jobs::Table, ForeignKeyAction::Cascade)
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index_on(
            "jobs_due",
            Jobs::Table,
            [Jobs::State, Jobs::Priority, Jobs::Id],
        ),
        index_on(
            "jobs_kind_created",
            Jobs::Table,
            [Jobs::Kind, Jobs::CreatedAt],
        ),
    ]
}

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    render(backend, &tables(), &indexes())
}
