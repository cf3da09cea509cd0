//! Bulletins (issue 4): a light snapshot keeps the names it was taken with (project code and
//! name, region, lead department), so a bulletin generated again after a rename still reads as
//! it did, and whether a monthly report was due; each month taken is recorded once, which
//! freezes it.

use super::columns::*;
use super::statements::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::{LightSnapshots, SnapshotMonths};

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let months = table(SnapshotMonths::Table)
        .col(text(SnapshotMonths::Period).primary_key())
        .col(big(SnapshotMonths::Projects))
        .col(text(SnapshotMonths::TakenBy))
        .col(time(SnapshotMonths::TakenAt))
        .take();
    // The snapshot's new columns; rows from before this migration get empty names.
    let mut out = add_columns(
        backend,
        LightSnapshots::Table,
        [
            text_empty(LightSnapshots::ProjectCode),
            text_empty(LightSnapshots::ProjectName),
            text_empty(LightSnapshots::RegionName),
            text_empty(LightSnapshots::LeadDepartmentName),
            flag(LightSnapshots::ReportDue),
        ],
    );
    out.extend(render(backend, &[months], &[]));
    out
}
