//! Open311 GeoReport v2 (issue 6, item 8): the API keys clients post service requests with —
//! only the SHA-256 digest of a key is kept, with a readable prefix to recognise it by, its
//! region (the scope of the office that issued it) and its revocation — and which key posted
//! which request, with the token `tokens/{token}` resolves. The public list reads migration 9's
//! `service_requests_published` (published flag, submission time) in its own order, a key's own
//! requests `open311_submissions_key`; no index is added to `service_requests`, whose every
//! extra index would slow the intake down.

use super::columns::*;
use super::statements::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::*;
use sea_query::{ForeignKeyAction, IndexCreateStatement, TableCreateStatement};

fn tables(backend: Backend) -> Vec<TableCreateStatement> {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};
    vec![
        table(Open311Keys::Table)
            .col(id(Open311Keys::Id))
            .col(text(Open311Keys::Name))
            .col(text(Open311Keys::KeyHash).unique_key())
            .col(text(Open311Keys::Prefix))
            .col(path(Open311Keys::RegionPath, backend))
            .col(big_null(Open311Keys::CreatedBy))
            .col(time(Open311Keys::CreatedAt))
            .col(time_null(Open311Keys::RevokedAt))
            .references(Open311Keys::CreatedBy, Accounts::Table, SetNull)
            .take(),
        table(Open311Submissions::Table)
            .col(big(Open311Submissions::RequestId).primary_key())
            .col(big(Open311Submissions::KeyId))
            .col(text(Open311Submissions::Token).unique_key())
            .references(
                Open311Submissions::RequestId,
                ServiceRequests::Table,
                Cascade,
            )
            .references(Open311Submissions::KeyId, Open311Keys::Table, Restrict)
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        // A key reads back what it posted: its requests by key.
        index_on(
            "open311_submissions_key",
            Open311Submissions::Table,
            [Open311Submissions::KeyId, Open311Submissions::RequestId],
        ),
    ]
}

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    render(backend, &tables(backend), &indexes())
}
