//! Traffic lights (红黄绿灯, SPEC §5): whether a project keeps to its plan, as green, yellow or
//! red, always with the reasons behind it. The caller gathers the facts (the date "today"
//! included) and the region's thresholds; [`assess`] decides. Reasons are data with a stable
//! catalogue key and text arguments, so pages word them in Chinese or English and a monthly
//! snapshot can keep them as JSON.
//!
//! Which projects are lit, and which rules apply when (see [`is_lit`]):
//! - not lit: demand and reserve projects (not in the annual plan, no plan to keep), archived
//!   projects (closed), cancelled projects (stopped for good) and suspended projects (paused
//!   with a reason: the plan's clock is stopped, so every schedule rule would turn red for the
//!   pause itself; the pause and its reason are shown instead of a light);
//! - while building, approved up to and including acceptance: progress deviation, overdue
//!   milestones and late monthly reports;
//! - before acceptance: past the planned end;
//! - whenever lit (approved up to and including maintenance): spending over budget and overdue
//!   service requests about the project.
//!
//! The thresholds are in `thresholds`, the reasons and their wording in `reason`, the rules
//! in `assessment`.

mod assessment;
mod reason;
mod thresholds;

pub use assessment::{
    AssessedReason, Assessment, LightFacts, MilestoneFact, ReportStatus, assess, is_lit,
};
pub use reason::{Reason, percent_text};
pub use thresholds::{MAX_MILESTONE_DAYS, MAX_REPORT_GRACE_DAYS, ThresholdProblem, Thresholds};

use crate::kernel::codes::coded;

coded! {
    /// A traffic light, ordered so that the worst is the greatest.
    Light {
        /// 正常: on track.
        Green => "green",
        /// 预警: a warning to act on.
        Yellow => "yellow",
        /// 滞后: behind or out of bounds.
        Red => "red",
    }
}

#[cfg(test)]
mod tests;
