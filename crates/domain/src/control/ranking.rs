//! The department ranking of the leader dashboard and the monthly bulletin (通报排名): how well
//! each department keeps its projects on plan, from the same tallies whether they come from live
//! data or from a month's snapshot, so the dashboard and a re-generated bulletin agree.
//!
//! A department's score, in basis points (0–10 000), weighs three things it is responsible for:
//! - lights, 60 %: green counts fully, yellow half, red nothing, over its lit projects;
//! - on-time monthly reports, 20 %: reports filed on time over reports due;
//! - payment progress, 20 %: paid over budget, capped at 100 %.
//!
//! A part with nothing to measure (no lit project, no report due, no budget) counts as fully
//! met, so a department is never marked down for what it was not asked to do. Equal scores share
//! a place (1, 2, 2, 4); fewer red projects, then the caller's order, break the tie in the list.

use crate::kernel::money::Fen;
use serde::Serialize;

/// All of a score, in basis points.
const FULL: u64 = 10_000;
/// Weight of the lights, in percent.
const LIGHTS_WEIGHT: u64 = 60;
/// Weight of on-time reports, in percent.
const REPORTS_WEIGHT: u64 = 20;
/// Weight of payment progress, in percent.
const PAYMENT_WEIGHT: u64 = 20;

/// What one department's projects looked like at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DepartmentTally {
    /// Projects the department leads (lit or not).
    pub projects: u32,
    /// Of those, green.
    pub green: u32,
    /// Of those, yellow.
    pub yellow: u32,
    /// Of those, red.
    pub red: u32,
    /// Monthly reports due.
    pub reports_due: u32,
    /// Of those, late or missing.
    pub reports_late: u32,
    /// Planned budget of the department's projects.
    pub budget: Fen,
    /// Paid so far on them.
    pub paid: Fen,
}

impl DepartmentTally {
    /// Projects with a light (the others are not judged on lights).
    pub fn lit(&self) -> u32 {
        self.green + self.yellow + self.red
    }

    /// Adds another tally, e.g. one project's, into this one.
    pub fn add(&mut self, other: &DepartmentTally) {
        self.projects += other.projects;
        self.green += other.green;
        self.yellow += other.yellow;
        self.red += other.red;
        self.reports_due += other.reports_due;
        self.reports_late += other.reports_late;
        self.budget = Fen(self.budget.0 + other.budget.0);
        self.paid = Fen(self.paid.0 + other.paid.0);
    }
}

/// Part of a whole in basis points, `None` when there is no whole.
fn share(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| part.min(whole) * FULL / whole)
}

/// The lights part: green fully, yellow half.
pub fn lights_bp(t: &DepartmentTally) -> Option<u32> {
    let lit = u64::from(t.lit());
    share(u64::from(t.green) * 2 + u64::from(t.yellow), lit * 2).map(to_u32)
}

/// The on-time rate of monthly reports (按时填报率).
pub fn on_time_bp(t: &DepartmentTally) -> Option<u32> {
    let due = u64::from(t.reports_due);
    share(due.saturating_sub(u64::from(t.reports_late)), due).map(to_u32)
}

/// Payment progress, capped at 100 %.
pub fn payment_bp(t: &DepartmentTally) -> Option<u32> {
    let budget = u64::try_from(t.budget.0).unwrap_or(0);
    share(u64::try_from(t.paid.0).unwrap_or(0), budget).map(to_u32)
}

fn to_u32(bp: u64) -> u32 {
    u32::try_from(bp).unwrap_or(u32::MAX)
}

/// The weighted score of a tally, in basis points.
pub fn score_bp(t: &DepartmentTally) -> u32 {
    let part = |bp: Option<u32>| u64::from(bp.unwrap_or(FULL as u32));
    let weighted = part(lights_bp(t)) * LIGHTS_WEIGHT
        + part(on_time_bp(t)) * REPORTS_WEIGHT
        + part(payment_bp(t)) * PAYMENT_WEIGHT;
    to_u32(weighted / 100)
}

/// One line of the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked<K> {
    /// Who is ranked (a department id, or a name from a snapshot).
    pub key: K,
    /// Place, from 1; equal scores share a place.
    pub place: u32,
    /// Score in basis points.
    pub score_bp: u32,
    /// The tally behind the score.
    pub tally: DepartmentTally,
}

/// Ranks departments, best first. Departments without projects are left out: there is nothing
/// to rank them on.
pub fn rank<K>(tallies: Vec<(K, DepartmentTally)>) -> Vec<Ranked<K>> {
    let mut scored: Vec<Ranked<K>> = tallies
        .into_iter()
        .filter(|(_, t)| t.projects > 0)
        .map(|(key, tally)| Ranked {
            place: 0,
            score_bp: score_bp(&tally),
            key,
            tally,
        })
        .collect();
    scored.sort_by(|a, b| {
        b.score_bp
            .cmp(&a.score_bp)
            .then(a.tally.red.cmp(&b.tally.red))
    });
    let mut previous: Option<u32> = None;
    let mut place = 0;
    for (i, r) in scored.iter_mut().enumerate() {
        if previous != Some(r.score_bp) {
            place = u32::try_from(i).unwrap_or(u32::MAX) + 1;
            previous = Some(r.score_bp);
        }
        r.place = place;
    }
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(green: u32, yellow: u32, red: u32) -> DepartmentTally {
        DepartmentTally {
            projects: green + yellow + red,
            green,
            yellow,
            red,
            ..DepartmentTally::default()
        }
    }

    #[test]
    fn lights_count_green_fully_and_yellow_half() {
        assert_eq!(lights_bp(&tally(1, 1, 0)), Some(7_500));
        assert_eq!(lights_bp(&tally(0, 0, 3)), Some(0));
        assert_eq!(lights_bp(&tally(0, 0, 0)), None);
    }

    #[test]
    fn nothing_to_measure_counts_as_met() {
        let t = DepartmentTally {
            projects: 2,
            ..DepartmentTally::default()
        };
        assert_eq!(score_bp(&t), 10_000);
    }

    #[test]
    fn score_weighs_lights_reports_and_payment() {
        let t = DepartmentTally {
            reports_due: 4,
            reports_late: 1,
            budget: Fen(100_000),
            paid: Fen(25_000),
            ..tally(1, 0, 1)
        };
        // lights 50 % × 60 + reports 75 % × 20 + payment 25 % × 20 = 30 + 15 + 5
        assert_eq!(score_bp(&t), 5_000);
    }

    #[test]
    fn payment_is_capped_and_negative_money_counts_as_none() {
        let over = DepartmentTally {
            budget: Fen(100),
            paid: Fen(500),
            ..tally(1, 0, 0)
        };
        assert_eq!(payment_bp(&over), Some(10_000));
        let refunded = DepartmentTally {
            budget: Fen(100),
            paid: Fen(-5),
            ..tally(1, 0, 0)
        };
        assert_eq!(payment_bp(&refunded), Some(0));
    }

    #[test]
    fn late_beyond_due_is_zero_not_an_underflow() {
        let t = DepartmentTally {
            reports_due: 1,
            reports_late: 3,
            ..tally(1, 0, 0)
        };
        assert_eq!(on_time_bp(&t), Some(0));
    }

    #[test]
    fn equal_scores_share_a_place_and_fewer_reds_come_first() {
        let ranked = rank(vec![
            ("a", tally(0, 2, 0)),
            ("b", tally(1, 0, 1)),
            ("c", tally(3, 0, 0)),
            ("d", tally(0, 0, 1)),
            ("e", DepartmentTally::default()),
        ]);
        let order: Vec<(&str, u32)> = ranked.iter().map(|r| (r.key, r.place)).collect();
        assert_eq!(order, vec![("c", 1), ("a", 2), ("b", 2), ("d", 4)]);
    }

    #[test]
    fn tallies_add_up() {
        let mut sum = tally(1, 0, 0);
        sum.add(&DepartmentTally {
            budget: Fen(7),
            paid: Fen(3),
            reports_due: 2,
            reports_late: 1,
            ..tally(0, 1, 1)
        });
        assert_eq!(
            (sum.projects, sum.lit(), sum.paid, sum.budget),
            (3, 3, Fen(3), Fen(7))
        );
        assert_eq!((sum.reports_due, sum.reports_late), (2, 1));
    }
}
