//! Why a project has its light: each reason, the light it gives under a region's thresholds, and
//! its catalogue key and sentence arguments (the sentences themselves are in
//! `light_messages.md` and the web catalogues).

use super::{Light, Thresholds};
use crate::kernel::money::Fen;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why a project has its light: the data a sentence needs, stored as JSON in snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// Progress behind the expected progress by more than the yellow threshold.
    Deviation {
        /// Expected progress, in basis points.
        expected_bp: u32,
        /// Reported progress, in basis points.
        reported_bp: u32,
        /// Expected minus reported, in basis points.
        deviation_bp: u32,
    },
    /// A milestone not done by its planned date.
    MilestoneOverdue {
        /// The milestone's name.
        name: String,
        /// Its planned date.
        planned: NaiveDate,
        /// Days past the planned date.
        days: u32,
    },
    /// The monthly report for a month is late.
    ReportLate {
        /// The year of the month reported on.
        year: i32,
        /// The month reported on, 1–12.
        month: u32,
        /// Days past its deadline.
        days: u32,
    },
    /// Service requests about the project past their deadline.
    OverdueRequests {
        /// How many.
        count: u32,
    },
    /// The planned end has passed and the project has not reached acceptance.
    PastPlannedEnd {
        /// The planned end.
        planned_end: NaiveDate,
        /// Days since the planned end.
        days: u32,
    },
    /// More paid than budgeted.
    OverBudget {
        /// The budget, in fen.
        budget_fen: i64,
        /// The money paid, in fen.
        spent_fen: i64,
    },
    /// Green with a plan to compare against: progress within the thresholds.
    OnTrack {
        /// Expected progress, in basis points.
        expected_bp: u32,
        /// Reported progress, in basis points.
        reported_bp: u32,
    },
    /// Green without a progress comparison (no plan, or past the building stages).
    AllClear,
}

impl Reason {
    /// How serious this reason is under `thresholds`. [`super::assess`] records it with the reason,
    /// so a snapshot keeps the light it had even if the region's thresholds change later.
    pub fn light(&self, thresholds: &Thresholds) -> Light {
        match self {
            Reason::Deviation { deviation_bp, .. } => {
                if *deviation_bp > thresholds.deviation_red_bp {
                    Light::Red
                } else if *deviation_bp > thresholds.deviation_yellow_bp {
                    Light::Yellow
                } else {
                    Light::Green
                }
            }
            Reason::MilestoneOverdue { days, .. } => match *days {
                0 => Light::Green,
                d if d > thresholds.milestone_red_days => Light::Red,
                _ => Light::Yellow,
            },
            Reason::ReportLate { days, .. } if *days > thresholds.report_grace_days => {
                Light::Yellow
            }
            Reason::OverdueRequests { count } if *count > 0 => Light::Yellow,
            Reason::PastPlannedEnd { days, .. } if *days > 0 => Light::Red,
            Reason::OverBudget {
                budget_fen,
                spent_fen,
            } if *budget_fen > 0 && spent_fen > budget_fen => Light::Red,
            _ => Light::Green,
        }
    }

    /// The stable catalogue key the pages word this reason with.
    pub fn key(&self) -> &'static str {
        match self {
            Reason::Deviation { .. } => "light.reason.deviation",
            Reason::MilestoneOverdue { .. } => "light.reason.milestone_overdue",
            Reason::ReportLate { .. } => "light.reason.report_late",
            Reason::OverdueRequests { .. } => "light.reason.overdue_requests",
            Reason::PastPlannedEnd { .. } => "light.reason.past_planned_end",
            Reason::OverBudget { .. } => "light.reason.over_budget",
            Reason::OnTrack { .. } => "light.reason.on_track",
            Reason::AllClear => "light.reason.all_clear",
        }
    }

    /// The arguments of the catalogue sentence, as text: percentages like `45.5`, money in
    /// 万元 (`*_wan`) and 元 (`*_yuan`), dates as `YYYY-MM-DD`.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        let date = |d: &NaiveDate| d.format("%Y-%m-%d").to_string();
        match self {
            Reason::Deviation {
                expected_bp,
                reported_bp,
                deviation_bp,
            } => vec![
                ("expected", percent_text(*expected_bp)),
                ("reported", percent_text(*reported_bp)),
                ("deviation", percent_text(*deviation_bp)),
            ],
            Reason::MilestoneOverdue {
                name,
                planned,
                days,
            } => vec![
                ("name", name.clone()),
                ("planned", date(planned)),
                ("days", days.to_string()),
            ],
            Reason::ReportLate { year, month, days } => vec![
                ("year", year.to_string()),
                ("month", month.to_string()),
                ("period", format!("{year}-{month:02}")),
                ("days", days.to_string()),
            ],
            Reason::OverdueRequests { count } => vec![("count", count.to_string())],
            Reason::PastPlannedEnd { planned_end, days } => vec![
                ("planned_end", date(planned_end)),
                ("days", days.to_string()),
            ],
            Reason::OverBudget {
                budget_fen,
                spent_fen,
            } => {
                let (budget, spent) = (Fen(*budget_fen), Fen(*spent_fen));
                let over = Fen(spent_fen.saturating_sub(*budget_fen));
                vec![
                    ("budget_wan", budget.wan_text()),
                    ("spent_wan", spent.wan_text()),
                    ("over_wan", over.wan_text()),
                    ("budget_yuan", budget.yuan_text()),
                    ("spent_yuan", spent.yuan_text()),
                    ("over_yuan", over.yuan_text()),
                ]
            }
            Reason::OnTrack {
                expected_bp,
                reported_bp,
            } => vec![
                ("expected", percent_text(*expected_bp)),
                ("reported", percent_text(*reported_bp)),
            ],
            Reason::AllClear => Vec::new(),
        }
    }
}

/// Basis points as percent text without trailing zeros: 4 550 → `45.5`, 1 001 → `10.01`,
/// 3 000 → `30`.
pub fn percent_text(bp: u32) -> String {
    let (whole, hundredths) = (bp / 100, bp % 100);
    match hundredths {
        0 => whole.to_string(),
        h if h % 10 == 0 => format!("{whole}.{}", h / 10),
        h => format!("{whole}.{h:02}"),
    }
}
