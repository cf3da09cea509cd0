//! When a failed job is tried again: exponential backoff with a deterministic jitter, as a plain
//! function of the job and its attempt, so the schedule is tested directly and needs no random
//! source. The jitter spreads the retries of many jobs that failed together (a database that
//! was down for a minute) instead of sending them back all at once.

use chrono::Duration;

/// The wait after the first failed attempt.
const FIRST: Duration = Duration::seconds(15);
/// No wait is longer than this (before its jitter): a job keeps being tried at least hourly.
const LONGEST: Duration = Duration::hours(1);
/// The jitter adds up to this share of the wait, in percent.
const JITTER_PERCENT: i64 = 25;

/// How long job `id` waits after its attempt number `attempt` (1 for the first) failed:
/// 15 s, 30 s, 1 min, 2 min … doubling up to an hour, each plus a jitter of 0–25 % that depends
/// only on `id` and `attempt`.
pub fn backoff(id: i64, attempt: i64) -> Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    let wait = (FIRST * 2_i32.pow(doublings)).min(LONGEST);
    let mixed = (id as u64 ^ (attempt as u64).rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let percent = i64::try_from((mixed >> 33) % (JITTER_PERCENT as u64 + 1)).unwrap_or(0);
    wait + Duration::milliseconds(wait.num_milliseconds() * percent / 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wait without its jitter, and with it at most.
    fn bounds(attempt: i64) -> (Duration, Duration) {
        let base = backoff_base(attempt);
        (base, base + base * 25 / 100)
    }

    fn backoff_base(attempt: i64) -> Duration {
        [15, 30, 60, 120, 240, 480, 960, 1920, 3600]
            .get(usize::try_from(attempt - 1).unwrap_or(0))
            .map_or(LONGEST, |s| Duration::seconds(*s))
    }

    #[test]
    fn the_wait_doubles_from_fifteen_seconds_up_to_an_hour_plus_a_quarter_at_most() {
        for id in [1, 2, 77, 123_456] {
            for attempt in 1..=30 {
                let (low, high) = bounds(attempt);
                let wait = backoff(id, attempt);
                assert!(
                    low <= wait && wait <= high,
                    "job {id} attempt {attempt}: {wait} not in {low}..={high}"
                );
            }
        }
    }

    #[test]
    fn the_jitter_is_the_same_for_the_same_job_and_attempt_and_spreads_jobs() {
        assert_eq!(backoff(42, 3), backoff(42, 3));
        let waits: std::collections::BTreeSet<Duration> =
            (1..=50).map(|id| backoff(id, 1)).collect();
        assert!(
            waits.len() > 5,
            "fifty jobs failing together spread out: {waits:?}"
        );
    }

    #[test]
    fn attempts_out_of_range_still_wait() {
        assert!(backoff(1, 0) >= FIRST);
        assert!(backoff(1, i64::MAX) <= LONGEST + LONGEST / 4);
    }
}
