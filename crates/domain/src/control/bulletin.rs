//! The monthly bulletin (月度通报) and its quarterly and annual summaries (季通报、年考评): what
//! a region's projects looked like at the end of a period, built only from the monthly light
//! snapshots, so a bulletin generated again later gives the same numbers.
//!
//! A bulletin shows the state of its *closing month* (the month itself, or the last month of a
//! quarter or year that has a snapshot): summary figures, red and yellow projects grouped by
//! lead department with their reasons, late reports, the department ranking
//! ([`crate::control::ranking`]) and the changes since the closing month of the period before.
//! Quarters and years add a month-by-month series of the summary figures.
//!
//! The periods are in `period`, the snapshot rows in `snapshot`, the summary figures in
//! `summary`, what a bulletin holds in `contents` and how it is put together in `build`.

mod build;
mod contents;
mod period;
mod snapshot;
mod summary;

pub use build::build;
pub use contents::{
    Bulletin, Changes, Deltas, DepartmentFlags, DepartmentKey, Flagged, LateReport, LightChange,
    MonthPoint, ProjectRef,
};
pub use period::{BulletinPeriod, SnapshotRefusal, check_snapshot_month, snapshot_month};
pub use snapshot::{Group, MonthRows, SnapshotRow};
pub use summary::{LightCounts, StageCount, Summary};

#[cfg(test)]
mod tests;
