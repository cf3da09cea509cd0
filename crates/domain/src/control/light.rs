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

use crate::control::progress::{self, PlannedMilestone};
use crate::kernel::codes::coded;
use crate::kernel::money::Fen;
use crate::projects::project::{Hold, Stage};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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

/// A milestone as the light rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneFact {
    /// Its name, quoted in the reason.
    pub name: String,
    /// When it is planned to be done.
    pub planned: NaiveDate,
    /// When it was done, if it is.
    pub done: Option<NaiveDate>,
    /// Its share of the whole work, for expected progress.
    pub weight: u32,
}

/// Where the monthly progress report (月调度) stands, as storage knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatus {
    /// No report is due yet (e.g. the first month is not over).
    NotDue,
    /// The latest due report came in on time.
    OnTime,
    /// The report for a month came in late, or is still missing.
    Late {
        /// The year of the month reported on.
        year: i32,
        /// The month reported on, 1–12.
        month: u32,
        /// Days past its deadline (until it came in, or until today if still missing).
        days_late: u32,
    },
}

/// Everything the rules need about one project, gathered by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightFacts {
    /// The lifecycle stage.
    pub stage: Stage,
    /// Running, suspended or cancelled.
    pub hold: Hold,
    /// The date the light is computed for (the rules never read a clock).
    pub today: NaiveDate,
    /// The planned start, if set.
    pub planned_start: Option<NaiveDate>,
    /// The planned end, if set.
    pub planned_end: Option<NaiveDate>,
    /// The milestones, in any order.
    pub milestones: Vec<MilestoneFact>,
    /// The latest reported progress, in basis points.
    pub reported_bp: u32,
    /// The monthly report's status.
    pub report: ReportStatus,
    /// The approved budget, in fen (0 when none is recorded).
    pub budget_fen: i64,
    /// The money paid (资金支付) so far, in fen.
    pub spent_fen: i64,
    /// How many service requests about the project are past their deadline.
    pub overdue_requests: u32,
}

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
    /// How serious this reason is under `thresholds`. [`assess`] records it with the reason,
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

/// A reason with the light it gave when assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessedReason {
    /// The reason's light under the thresholds of the day.
    pub light: Light,
    /// The reason.
    pub reason: Reason,
}

/// A project's light and the reasons for it, worst first; never without a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The worst of the reasons' lights.
    pub light: Light,
    /// The reasons, worst first.
    pub reasons: Vec<AssessedReason>,
}

/// Whether a project in this stage and hold gets a light at all: active projects from approval
/// up to maintenance. Callers can skip gathering facts for the others.
pub fn is_lit(stage: Stage, hold: Hold) -> bool {
    hold == Hold::Active && (Stage::Approved..=Stage::Maintenance).contains(&stage)
}

/// Whether the schedule rules (deviation, milestones, monthly report) apply: while building.
fn building(stage: Stage) -> bool {
    (Stage::Approved..=Stage::Acceptance).contains(&stage)
}

/// Whole days from `from` to `to`, 0 when `to` is not later.
fn days_after(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days().max(0)).unwrap_or(u32::MAX)
}

/// The project's light under `thresholds`, or `None` when lights do not apply to it (see
/// [`is_lit`]).
pub fn assess(facts: &LightFacts, thresholds: &Thresholds) -> Option<Assessment> {
    if !is_lit(facts.stage, facts.hold) {
        return None;
    }
    let today = facts.today;
    let mut candidates = Vec::new();
    if facts.stage < Stage::Acceptance
        && let Some(planned_end) = facts.planned_end
    {
        candidates.push(Reason::PastPlannedEnd {
            planned_end,
            days: days_after(planned_end, today),
        });
    }
    candidates.push(Reason::OverBudget {
        budget_fen: facts.budget_fen,
        spent_fen: facts.spent_fen,
    });
    let mut on_track = None;
    if building(facts.stage) {
        let planned: Vec<PlannedMilestone> = facts
            .milestones
            .iter()
            .map(|m| PlannedMilestone {
                planned: m.planned,
                weight: m.weight,
            })
            .collect();
        if let Some(expected_bp) =
            progress::expected(facts.planned_start, facts.planned_end, &planned, today)
        {
            let reported_bp = facts.reported_bp;
            candidates.push(Reason::Deviation {
                expected_bp,
                reported_bp,
                deviation_bp: expected_bp.saturating_sub(reported_bp),
            });
            on_track = Some(Reason::OnTrack {
                expected_bp,
                reported_bp,
            });
        }
        // Most overdue first: the earliest planned among those not done.
        let mut overdue: Vec<&MilestoneFact> = facts
            .milestones
            .iter()
            .filter(|m| m.done.is_none())
            .collect();
        overdue.sort_by_key(|m| m.planned);
        candidates.extend(overdue.into_iter().map(|m| Reason::MilestoneOverdue {
            name: m.name.clone(),
            planned: m.planned,
            days: days_after(m.planned, today),
        }));
        if let ReportStatus::Late {
            year,
            month,
            days_late,
        } = facts.report
        {
            candidates.push(Reason::ReportLate {
                year,
                month,
                days: days_late,
            });
        }
    }
    candidates.push(Reason::OverdueRequests {
        count: facts.overdue_requests,
    });

    let mut reasons: Vec<AssessedReason> = candidates
        .into_iter()
        .map(|reason| AssessedReason {
            light: reason.light(thresholds),
            reason,
        })
        .filter(|r| r.light > Light::Green)
        .collect();
    if reasons.is_empty() {
        reasons.push(AssessedReason {
            light: Light::Green,
            reason: on_track.unwrap_or(Reason::AllClear),
        });
    }
    // Stable: within one light, the order above (end, money, progress, milestones by delay,
    // report, requests) is kept.
    reasons.sort_by_key(|r| std::cmp::Reverse(r.light));
    Some(Assessment {
        light: reasons[0].light,
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    /// A construction project planned over January 1 – April 11 (100 days, linear, no
    /// milestones), within budget, report on time, assessed on `today`.
    fn facts(today: NaiveDate, reported_bp: u32) -> LightFacts {
        LightFacts {
            stage: Stage::Construction,
            hold: Hold::Active,
            today,
            planned_start: Some(d(1, 1)),
            planned_end: Some(d(4, 11)),
            milestones: Vec::new(),
            reported_bp,
            report: ReportStatus::OnTime,
            budget_fen: 100_000_000,
            spent_fen: 50_000_000,
            overdue_requests: 0,
        }
    }

    fn milestone(name: &str, planned: NaiveDate, done: Option<NaiveDate>) -> MilestoneFact {
        MilestoneFact {
            name: name.to_owned(),
            planned,
            done,
            weight: 50,
        }
    }

    fn run(f: &LightFacts) -> Assessment {
        assess(f, &Thresholds::default()).expect("lit")
    }

    fn codes(a: &Assessment) -> Vec<(Light, &'static str)> {
        a.reasons
            .iter()
            .map(|r| (r.light, r.reason.key()))
            .collect()
    }

    #[test]
    fn lights_are_ordered_worst_greatest_and_coded() {
        assert!(Light::Green < Light::Yellow && Light::Yellow < Light::Red);
        assert_eq!(Light::Red.code(), "red");
        assert_eq!("yellow".parse::<Light>(), Ok(Light::Yellow));
    }

    #[test]
    fn on_track_is_green_with_the_numbers() {
        // Day 50 of 100: 50 % expected.
        let a = run(&facts(d(2, 20), 4_500));
        assert_eq!(a.light, Light::Green);
        assert_eq!(
            a.reasons,
            vec![AssessedReason {
                light: Light::Green,
                reason: Reason::OnTrack {
                    expected_bp: 5_000,
                    reported_bp: 4_500
                }
            }]
        );
    }

    #[test]
    fn deviation_edges() {
        let today = d(2, 20); // expected 5 000 bp
        let light = |reported| run(&facts(today, reported)).light;
        assert_eq!(light(4_000), Light::Green, "exactly 10 points");
        assert_eq!(light(3_999), Light::Yellow, "10.01 points");
        assert_eq!(light(3_000), Light::Yellow, "exactly 20 points");
        assert_eq!(light(2_999), Light::Red, "20.01 points");
        let a = run(&facts(today, 2_999));
        assert_eq!(
            a.reasons[0].reason,
            Reason::Deviation {
                expected_bp: 5_000,
                reported_bp: 2_999,
                deviation_bp: 2_001
            }
        );
    }

    #[test]
    fn ahead_of_schedule_is_green() {
        let a = run(&facts(d(2, 20), 9_000));
        assert_eq!(a.light, Light::Green);
        assert_eq!(codes(&a), vec![(Light::Green, "light.reason.on_track")]);
    }

    #[test]
    fn milestones_drive_expected_progress() {
        let mut f = facts(d(3, 1), 5_000);
        f.planned_end = Some(d(12, 31));
        f.milestones = vec![
            milestone("场地平整", d(2, 1), Some(d(1, 30))),
            milestone("主体施工", d(3, 1), None),
        ];
        // Both planned by March 1: 100 % expected, 50 % reported; the second is due today,
        // not overdue yet.
        let a = run(&f);
        assert_eq!(codes(&a), vec![(Light::Red, "light.reason.deviation")]);
        assert_eq!(
            a.reasons[0].reason,
            Reason::Deviation {
                expected_bp: 10_000,
                reported_bp: 5_000,
                deviation_bp: 5_000
            }
        );
    }

    #[test]
    fn milestone_overdue_edges() {
        let mut f = facts(d(3, 16), 10_000);
        f.planned_end = Some(d(12, 31));
        f.milestones = vec![milestone("主体施工", d(3, 1), None)];
        // Milestone weights now drive expected progress; report 100 % so only lateness shows.
        let a = run(&f);
        assert_eq!(
            codes(&a),
            vec![(Light::Yellow, "light.reason.milestone_overdue")]
        );
        assert_eq!(
            a.reasons[0].reason,
            Reason::MilestoneOverdue {
                name: "主体施工".into(),
                planned: d(3, 1),
                days: 15
            }
        );
        f.today = d(3, 17);
        assert_eq!(run(&f).light, Light::Red, "16 days");
        f.today = d(3, 2);
        assert_eq!(run(&f).light, Light::Yellow, "1 day");
        f.milestones[0].done = Some(d(3, 10));
        f.today = d(3, 30);
        assert_eq!(
            run(&f).light,
            Light::Green,
            "done late is no longer overdue"
        );
    }

    #[test]
    fn late_report_is_yellow_after_the_grace() {
        let mut f = facts(d(2, 20), 5_000);
        f.report = ReportStatus::Late {
            year: 2026,
            month: 1,
            days_late: 4,
        };
        let a = run(&f);
        assert_eq!(a.light, Light::Yellow);
        assert_eq!(
            a.reasons[0].reason,
            Reason::ReportLate {
                year: 2026,
                month: 1,
                days: 4
            }
        );
        let lenient = Thresholds {
            report_grace_days: 4,
            ..Thresholds::default()
        };
        assert_eq!(assess(&f, &lenient).unwrap().light, Light::Green);
        f.report = ReportStatus::NotDue;
        assert_eq!(run(&f).light, Light::Green);
    }

    #[test]
    fn overdue_requests_are_yellow() {
        let mut f = facts(d(2, 20), 5_000);
        f.overdue_requests = 2;
        let a = run(&f);
        assert_eq!(
            codes(&a),
            vec![(Light::Yellow, "light.reason.overdue_requests")]
        );
        assert_eq!(a.reasons[0].reason.args(), vec![("count", "2".to_owned())]);
    }

    #[test]
    fn past_planned_end_before_acceptance_is_red() {
        let mut f = facts(d(4, 11), 10_000);
        assert_eq!(run(&f).light, Light::Green, "on the planned end day");
        f.today = d(4, 23);
        let a = run(&f);
        assert_eq!(
            codes(&a),
            vec![(Light::Red, "light.reason.past_planned_end")]
        );
        assert_eq!(
            a.reasons[0].reason,
            Reason::PastPlannedEnd {
                planned_end: d(4, 11),
                days: 12
            }
        );
        f.stage = Stage::Acceptance;
        assert_eq!(run(&f).light, Light::Green, "in acceptance");
    }

    #[test]
    fn money_edges() {
        let mut f = facts(d(2, 20), 5_000);
        f.spent_fen = f.budget_fen;
        assert_eq!(run(&f).light, Light::Green, "spent == budget");
        f.spent_fen = f.budget_fen + 1;
        let a = run(&f);
        assert_eq!(codes(&a), vec![(Light::Red, "light.reason.over_budget")]);
        f.budget_fen = 0;
        assert_eq!(run(&f).light, Light::Green, "no budget recorded");
    }

    #[test]
    fn no_milestones_is_linear_and_no_plan_skips_deviation_only() {
        // Linear: day 25 of 100 expected 25 %.
        let a = run(&facts(d(1, 26), 2_500));
        assert_eq!(
            a.reasons[0].reason,
            Reason::OnTrack {
                expected_bp: 2_500,
                reported_bp: 2_500
            }
        );
        let mut f = facts(d(6, 1), 0);
        f.planned_start = None;
        f.planned_end = None;
        assert_eq!(
            codes(&run(&f)),
            vec![(Light::Green, "light.reason.all_clear")]
        );
        f.spent_fen = f.budget_fen + 100;
        f.overdue_requests = 1;
        assert_eq!(
            codes(&run(&f)),
            vec![
                (Light::Red, "light.reason.over_budget"),
                (Light::Yellow, "light.reason.overdue_requests")
            ]
        );
    }

    #[test]
    fn stages_and_holds_that_are_not_lit() {
        let base = facts(d(6, 1), 0); // far behind and past its end: red when lit
        for stage in [Stage::Demand, Stage::Reserve, Stage::Archived] {
            let f = LightFacts {
                stage,
                ..base.clone()
            };
            assert_eq!(assess(&f, &Thresholds::default()), None, "{stage}");
        }
        for hold in [Hold::Suspended, Hold::Cancelled] {
            let f = LightFacts {
                hold,
                ..base.clone()
            };
            assert_eq!(assess(&f, &Thresholds::default()), None, "{hold}");
        }
        assert!(is_lit(Stage::Approved, Hold::Active));
        assert!(is_lit(Stage::Maintenance, Hold::Active));
        assert!(!is_lit(Stage::Construction, Hold::Suspended));
        assert_eq!(run(&base).light, Light::Red);
    }

    #[test]
    fn after_acceptance_only_money_and_requests_count() {
        let mut f = facts(d(9, 1), 0);
        f.milestones = vec![milestone("主体施工", d(3, 1), None)];
        f.report = ReportStatus::Late {
            year: 2026,
            month: 8,
            days_late: 3,
        };
        for stage in [Stage::Evaluation, Stage::Maintenance] {
            f.stage = stage;
            f.overdue_requests = 0;
            f.spent_fen = 0;
            assert_eq!(
                codes(&run(&f)),
                vec![(Light::Green, "light.reason.all_clear")]
            );
            f.overdue_requests = 3;
            f.spent_fen = f.budget_fen * 2;
            assert_eq!(
                codes(&run(&f)),
                vec![
                    (Light::Red, "light.reason.over_budget"),
                    (Light::Yellow, "light.reason.overdue_requests")
                ]
            );
        }
    }

    #[test]
    fn multiple_reasons_worst_first() {
        let mut f = facts(d(3, 20), 0);
        f.planned_end = Some(d(12, 31));
        f.milestones = vec![
            milestone("设计", d(3, 10), None),
            milestone("主体施工", d(3, 1), None),
        ];
        f.report = ReportStatus::Late {
            year: 2026,
            month: 2,
            days_late: 5,
        };
        f.overdue_requests = 1;
        f.spent_fen = f.budget_fen + 1;
        let a = run(&f);
        assert_eq!(a.light, Light::Red);
        assert_eq!(
            codes(&a),
            vec![
                (Light::Red, "light.reason.over_budget"),
                (Light::Red, "light.reason.deviation"),
                (Light::Red, "light.reason.milestone_overdue"),
                (Light::Yellow, "light.reason.milestone_overdue"),
                (Light::Yellow, "light.reason.report_late"),
                (Light::Yellow, "light.reason.overdue_requests"),
            ]
        );
        assert!(matches!(
            &a.reasons[2].reason,
            Reason::MilestoneOverdue { days: 19, name, .. } if name == "主体施工"
        ));
    }

    #[test]
    fn thresholds_validate() {
        let ok = Thresholds::default();
        assert_eq!(ok.validate(), Ok(()));
        assert_eq!(
            (
                ok.deviation_yellow_bp,
                ok.deviation_red_bp,
                ok.milestone_red_days
            ),
            (1_000, 2_000, 15)
        );
        let bad = |t: Thresholds| t.validate().unwrap_err();
        assert_eq!(
            bad(Thresholds {
                deviation_yellow_bp: 2_000,
                ..ok
            }),
            ThresholdProblem::YellowNotBelowRed {
                yellow_bp: 2_000,
                red_bp: 2_000
            }
        );
        assert_eq!(
            bad(Thresholds {
                deviation_red_bp: 10_001,
                ..ok
            }),
            ThresholdProblem::DeviationOutOfRange { value_bp: 10_001 }
        );
        assert_eq!(
            bad(Thresholds {
                milestone_red_days: 366,
                ..ok
            }),
            ThresholdProblem::MilestoneDaysOutOfRange {
                days: 366,
                max: 365
            }
        );
        assert_eq!(
            bad(Thresholds {
                report_grace_days: 32,
                ..ok
            }),
            ThresholdProblem::ReportGraceOutOfRange { days: 32, max: 31 }
        );
        let strict = Thresholds {
            deviation_yellow_bp: 0,
            deviation_red_bp: 10_000,
            milestone_red_days: 0,
            report_grace_days: 31,
        };
        assert_eq!(strict.validate(), Ok(()));
    }

    #[test]
    fn custom_thresholds_change_the_light() {
        let strict = Thresholds {
            deviation_yellow_bp: 500,
            deviation_red_bp: 800,
            milestone_red_days: 3,
            report_grace_days: 0,
        };
        let f = facts(d(2, 20), 4_100); // 9 points behind
        assert_eq!(assess(&f, &strict).unwrap().light, Light::Red);
        assert_eq!(run(&f).light, Light::Green);
        let mut f = facts(d(3, 5), 10_000);
        f.planned_end = Some(d(12, 31));
        f.milestones = vec![milestone("主体施工", d(3, 1), None)];
        assert_eq!(assess(&f, &strict).unwrap().light, Light::Red);
        assert_eq!(run(&f).light, Light::Yellow);
    }

    #[test]
    fn args_for_sentences() {
        let r = Reason::Deviation {
            expected_bp: 4_500,
            reported_bp: 3_000,
            deviation_bp: 1_500,
        };
        assert_eq!(
            r.args(),
            vec![
                ("expected", "45".to_owned()),
                ("reported", "30".to_owned()),
                ("deviation", "15".to_owned())
            ]
        );
        let r = Reason::OverBudget {
            budget_fen: 100_000_000,
            spent_fen: 120_500_000,
        };
        let args = r.args();
        assert!(args.contains(&("spent_wan", "120.50".to_owned())));
        assert!(args.contains(&("budget_wan", "100.00".to_owned())));
        assert!(args.contains(&("over_yuan", "205,000.00".to_owned())));
        let r = Reason::ReportLate {
            year: 2026,
            month: 3,
            days: 4,
        };
        assert!(r.args().contains(&("period", "2026-03".to_owned())));
        let r = Reason::MilestoneOverdue {
            name: "主体施工".into(),
            planned: d(3, 1),
            days: 21,
        };
        assert!(r.args().contains(&("planned", "2026-03-01".to_owned())));
        assert!(Reason::AllClear.args().is_empty());
        assert_eq!(percent_text(4_550), "45.5");
        assert_eq!(percent_text(1_001), "10.01");
        assert_eq!(percent_text(0), "0");
        assert_eq!(percent_text(10_000), "100");
    }

    #[test]
    fn every_key_is_in_the_message_list() {
        let messages = include_str!("light_messages.md");
        let reasons = [
            Reason::Deviation {
                expected_bp: 0,
                reported_bp: 0,
                deviation_bp: 0,
            },
            Reason::MilestoneOverdue {
                name: String::new(),
                planned: d(1, 1),
                days: 0,
            },
            Reason::ReportLate {
                year: 2026,
                month: 1,
                days: 0,
            },
            Reason::OverdueRequests { count: 0 },
            Reason::PastPlannedEnd {
                planned_end: d(1, 1),
                days: 0,
            },
            Reason::OverBudget {
                budget_fen: 0,
                spent_fen: 0,
            },
            Reason::OnTrack {
                expected_bp: 0,
                reported_bp: 0,
            },
            Reason::AllClear,
        ];
        for r in &reasons {
            let line = messages
                .lines()
                .find(|l| l.starts_with(&format!("{} =", r.key())))
                .unwrap_or_else(|| panic!("{} missing", r.key()));
            assert!(line.contains('/'), "{line}");
            for placeholder in line.split('{').skip(1) {
                let name = placeholder.split('}').next().unwrap();
                assert!(
                    r.args().iter().any(|(n, _)| *n == name),
                    "{}: unknown argument {name}",
                    r.key()
                );
            }
        }
    }

    #[test]
    fn assessment_round_trips_through_json() {
        let mut f = facts(d(3, 20), 0);
        f.milestones = vec![milestone("主体施工", d(3, 1), None)];
        f.report = ReportStatus::Late {
            year: 2026,
            month: 2,
            days_late: 5,
        };
        f.overdue_requests = 1;
        f.spent_fen = f.budget_fen + 1;
        let a = run(&f);
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains(r#""code":"milestone_overdue""#), "{json}");
        assert!(json.contains(r#""planned":"2026-03-01""#), "{json}");
        assert!(json.contains(r#""light":"red""#), "{json}");
        let back: Assessment = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        let green = run(&LightFacts {
            stage: Stage::Maintenance,
            ..facts(d(6, 1), 10_000)
        });
        let back: Assessment = serde_json::from_str(&serde_json::to_string(&green).unwrap())
            .expect("unit variant round trips");
        assert_eq!(back, green);
        let t: Thresholds = serde_json::from_str(r#"{"deviation_red_bp":3000}"#).unwrap();
        assert_eq!(
            t,
            Thresholds {
                deviation_red_bp: 3_000,
                ..Thresholds::default()
            }
        );
    }
}
