//! Expected progress (SPEC §5): how far a project should be at a date, from its milestones'
//! weights and planned dates, or linearly between planned start and end when it has none.
//! Expressed in basis points (0–10 000 = 0–100 %) so the arithmetic stays in integers.

use chrono::NaiveDate;

/// A milestone as the expected-progress rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedMilestone {
    /// When it is planned to be done.
    pub planned: NaiveDate,
    /// Its share of the whole work (any positive scale; usually percent).
    pub weight: u32,
}

/// Full progress in basis points.
pub const FULL: u32 = 10_000;

/// The expected progress at `at`, or `None` when there is no plan to derive it from.
///
/// With milestones: the weight of milestones planned by `at`, plus the share of the next one
/// proportional to the time elapsed since the previous one (or since the planned start).
/// Without: the share of the time elapsed between planned start and end.
pub fn expected(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    milestones: &[PlannedMilestone],
    at: NaiveDate,
) -> Option<u32> {
    let total: u64 = milestones.iter().map(|m| u64::from(m.weight)).sum();
    if total == 0 {
        let (start, end) = (start?, end?);
        return Some(linear(start, end, at, FULL));
    }
    let mut sorted = milestones.to_vec();
    sorted.sort_by_key(|m| m.planned);
    let mut previous = start.unwrap_or(sorted[0].planned).min(sorted[0].planned);
    let mut done: u64 = 0;
    for m in &sorted {
        let share = u64::from(m.weight) * u64::from(FULL) / total;
        if at >= m.planned {
            done += share;
            previous = m.planned;
        } else {
            done += u64::from(linear(previous, m.planned, at, share as u32));
            break;
        }
    }
    Some(done.min(u64::from(FULL)) as u32)
}

/// The part of `amount` proportional to how much of `start..end` has passed at `at`.
fn linear(start: NaiveDate, end: NaiveDate, at: NaiveDate, amount: u32) -> u32 {
    if at <= start {
        return 0;
    }
    if at >= end {
        return amount;
    }
    let span = (end - start).num_days();
    let passed = (at - start).num_days();
    (u64::from(amount) * passed as u64 / span as u64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn linear_between_start_and_end_without_milestones() {
        let (s, e) = (Some(d(1, 1)), Some(d(1, 11)));
        assert_eq!(expected(s, e, &[], d(1, 1)), Some(0));
        assert_eq!(expected(s, e, &[], d(1, 6)), Some(5_000));
        assert_eq!(expected(s, e, &[], d(1, 11)), Some(10_000));
        assert_eq!(expected(s, e, &[], d(12, 31)), Some(10_000));
        assert_eq!(expected(s, e, &[], d(1, 1).pred_opt().unwrap()), Some(0));
        assert_eq!(expected(None, e, &[], d(1, 6)), None);
    }

    #[test]
    fn milestones_add_their_weights_and_interpolate() {
        let ms = [
            PlannedMilestone {
                planned: d(3, 1),
                weight: 30,
            },
            PlannedMilestone {
                planned: d(1, 31),
                weight: 20,
            },
            PlannedMilestone {
                planned: d(5, 1),
                weight: 50,
            },
        ];
        let start = Some(d(1, 1));
        assert_eq!(expected(start, None, &ms, d(1, 1)), Some(0));
        // Half of January: half of the first milestone's 20 %.
        assert_eq!(expected(start, None, &ms, d(1, 16)), Some(1_000));
        assert_eq!(expected(start, None, &ms, d(1, 31)), Some(2_000));
        assert_eq!(expected(start, None, &ms, d(3, 1)), Some(5_000));
        assert_eq!(expected(start, None, &ms, d(5, 1)), Some(10_000));
        assert_eq!(expected(start, None, &ms, d(9, 1)), Some(10_000));
    }

    #[test]
    fn weights_need_not_add_to_one_hundred() {
        let ms = [
            PlannedMilestone {
                planned: d(2, 1),
                weight: 1,
            },
            PlannedMilestone {
                planned: d(3, 1),
                weight: 3,
            },
        ];
        assert_eq!(expected(None, None, &ms, d(2, 1)), Some(2_500));
        assert_eq!(expected(None, None, &ms, d(3, 1)), Some(10_000));
        assert_eq!(expected(None, None, &ms, d(1, 1)), Some(0));
    }
}
