//! When the system's scheduled jobs run, as plain functions of the clock: each run has a slot —
//! a Shanghai day, or a ten-minute stretch of it — named by a unique key, so every instance that
//! asks for the run of a slot asks for the same row of the queue and the run happens once.

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use minxin_domain::kernel::time::shanghai;

/// How often a scheduled kind runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    /// Once each Shanghai day, at this time of day.
    DailyAt(NaiveTime),
    /// At the start of each stretch of this many minutes of the Shanghai day (a divisor of a
    /// day's 1,440).
    EveryMinutes(u32),
}

/// A run of a scheduled kind: its unique key and when it is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The queue's unique key, e.g. `control.nightly 2026-12-07`.
    pub key: String,
    /// Not due before this.
    pub run_at: DateTime<Utc>,
}

/// The run of `kind` on `cadence` that `now` falls in: today's for a daily kind (due at its
/// hour, so asked for after it, it is due at once), the current stretch's otherwise.
pub fn run_of(kind: &str, cadence: Cadence, now: DateTime<Utc>) -> Slot {
    let local = now.with_timezone(&shanghai());
    let day = local.date_naive();
    let (label, at) = match cadence {
        Cadence::DailyAt(time) => (day.format("%Y-%m-%d").to_string(), day.and_time(time)),
        Cadence::EveryMinutes(minutes) => {
            let minutes = minutes.clamp(1, 1440);
            let into_day = local.hour() * 60 + local.minute();
            let start = day.and_time(NaiveTime::MIN)
                + Duration::minutes(i64::from(into_day / minutes * minutes));
            (start.format("%Y-%m-%dT%H:%M").to_string(), start)
        }
    };
    // Shanghai keeps no daylight saving time: every local time exists exactly once.
    let run_at = at
        .and_local_timezone(shanghai())
        .single()
        .map_or(now, |t| t.with_timezone(&Utc));
    Slot {
        key: format!("{kind} {label}"),
        run_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    const NIGHTLY: Cadence = Cadence::DailyAt(NaiveTime::from_hms_opt(0, 10, 0).unwrap());

    #[test]
    fn the_nightly_slot_is_the_shanghai_day_due_at_ten_past_midnight() {
        // 23:30 UTC on the 6th is 07:30 on the 7th in Shanghai.
        let s = run_of("control.nightly", NIGHTLY, utc("2026-12-06T23:30:00Z"));
        assert_eq!(s.key, "control.nightly 2026-12-07");
        assert_eq!(s.run_at, utc("2026-12-06T16:10:00Z"));
        // Five past midnight in Shanghai: today's run, not yet due.
        let early = run_of("control.nightly", NIGHTLY, utc("2026-12-06T16:05:00Z"));
        assert_eq!(early.key, "control.nightly 2026-12-07");
        assert!(early.run_at > utc("2026-12-06T16:05:00Z"));
        // The whole Shanghai day asks for the same run.
        assert_eq!(
            run_of("control.nightly", NIGHTLY, utc("2026-12-07T15:59:59Z")).key,
            s.key
        );
    }

    #[test]
    fn the_escalation_slot_is_the_ten_minutes_now_falls_in_and_due_at_once() {
        let now = utc("2026-12-07T12:37:12Z");
        let s = run_of("requests.escalation", Cadence::EveryMinutes(10), now);
        assert_eq!(s.key, "requests.escalation 2026-12-07T20:30");
        assert_eq!(s.run_at, utc("2026-12-07T12:30:00Z"));
        let next = run_of(
            "requests.escalation",
            Cadence::EveryMinutes(10),
            now + Duration::minutes(3),
        );
        assert_eq!(next.key, "requests.escalation 2026-12-07T20:40");
    }
}
