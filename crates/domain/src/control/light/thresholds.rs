//! The numbers behind the light rules, which a region may configure, and the checks that keep a
//! region from configuring lights that make no sense.

use crate::control::progress;
use serde::{Deserialize, Serialize};

/// The largest number of basis points (100 %).
const MAX_BP: u32 = progress::FULL;
/// The longest milestone delay a region may tolerate before red, in days.
pub const MAX_MILESTONE_DAYS: u32 = 365;
/// The longest grace for a late monthly report, in days: more would overlap the next report.
pub const MAX_REPORT_GRACE_DAYS: u32 = 31;

/// The numbers behind the rules, configurable per region (SPEC §5); the defaults are the SPEC's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    /// A deviation above this many basis points is yellow (default 1 000 = 10 points).
    pub deviation_yellow_bp: u32,
    /// A deviation above this many basis points is red (default 2 000 = 20 points).
    pub deviation_red_bp: u32,
    /// A milestone overdue by more than this many days is red, by fewer yellow (default 15).
    pub milestone_red_days: u32,
    /// Days a monthly report may be late before it counts as late (default 0).
    pub report_grace_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            deviation_yellow_bp: 1_000,
            deviation_red_bp: 2_000,
            milestone_red_days: 15,
            report_grace_days: 0,
        }
    }
}

/// Why a set of thresholds was refused, so a region cannot configure lights that make no sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ThresholdProblem {
    /// A deviation threshold above 100 points (10 000 basis points).
    #[error("deviation threshold {value_bp} bp is above 10000 bp")]
    DeviationOutOfRange {
        /// The refused value, in basis points.
        value_bp: u32,
    },
    /// The yellow deviation threshold is not below the red one, so yellow could never show.
    #[error("yellow threshold {yellow_bp} bp is not below red threshold {red_bp} bp")]
    YellowNotBelowRed {
        /// The yellow threshold, in basis points.
        yellow_bp: u32,
        /// The red threshold, in basis points.
        red_bp: u32,
    },
    /// The milestone delay before red is longer than [`MAX_MILESTONE_DAYS`].
    #[error("milestone delay {days} days is above {max}")]
    MilestoneDaysOutOfRange {
        /// The refused value.
        days: u32,
        /// The largest value accepted.
        max: u32,
    },
    /// The report grace is longer than [`MAX_REPORT_GRACE_DAYS`].
    #[error("report grace {days} days is above {max}")]
    ReportGraceOutOfRange {
        /// The refused value.
        days: u32,
        /// The largest value accepted.
        max: u32,
    },
}

impl Thresholds {
    /// Checks the numbers before they are stored for a region.
    pub fn validate(&self) -> Result<(), ThresholdProblem> {
        for value_bp in [self.deviation_yellow_bp, self.deviation_red_bp] {
            if value_bp > MAX_BP {
                return Err(ThresholdProblem::DeviationOutOfRange { value_bp });
            }
        }
        if self.deviation_yellow_bp >= self.deviation_red_bp {
            return Err(ThresholdProblem::YellowNotBelowRed {
                yellow_bp: self.deviation_yellow_bp,
                red_bp: self.deviation_red_bp,
            });
        }
        if self.milestone_red_days > MAX_MILESTONE_DAYS {
            return Err(ThresholdProblem::MilestoneDaysOutOfRange {
                days: self.milestone_red_days,
                max: MAX_MILESTONE_DAYS,
            });
        }
        if self.report_grace_days > MAX_REPORT_GRACE_DAYS {
            return Err(ThresholdProblem::ReportGraceOutOfRange {
                days: self.report_grace_days,
                max: MAX_REPORT_GRACE_DAYS,
            });
        }
        Ok(())
    }
}
