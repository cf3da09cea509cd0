//! What a project manager reports about a project between the monthly reports: how far it is
//! in whole percent, a note and the actual dates, parsed once at the edge ([`ProgressInput`] as
//! received, [`ProgressInput::parse`] into a [`ProgressUpdate`] storage takes, or every field's
//! problem at once).

use crate::kernel::problem::{FieldProblem, Problem, optional_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest progress note, in characters.
pub const NOTE_MAX: usize = 2000;

/// How far a project is, in whole percent from 0 to 100: nothing else can be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(u8);

impl Percent {
    /// The percent, or [`Problem::Malformed`] outside 0–100.
    pub fn new(value: i32) -> Result<Percent, Problem> {
        u8::try_from(value)
            .ok()
            .filter(|v| *v <= 100)
            .map(Percent)
            .ok_or(Problem::Malformed)
    }

    /// The number, 0–100.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// What a project manager may change: progress only.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProgressInput {
    /// Percent complete, 0–100.
    pub progress_percent: i32,
    /// What was done, problems, help needed.
    #[serde(default)]
    pub progress_note: String,
    /// Actual start.
    #[serde(default)]
    pub actual_start: Option<NaiveDate>,
    /// Actual end.
    #[serde(default)]
    pub actual_end: Option<NaiveDate>,
}

/// A progress report whose every field its rules accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressUpdate {
    /// How far it is.
    pub percent: Percent,
    /// The note, trimmed; may be empty.
    pub note: String,
    /// Actual start.
    pub actual_start: Option<NaiveDate>,
    /// Actual end, not before the start.
    pub actual_end: Option<NaiveDate>,
}

impl ProgressInput {
    /// The update, or every field's problem.
    pub fn parse(&self) -> Result<ProgressUpdate, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let percent = Percent::new(self.progress_percent)
            .map_err(|p| problems.push(FieldProblem::new("progress_percent", p)))
            .ok();
        let note = optional_text(
            "progress_note",
            &self.progress_note,
            NOTE_MAX,
            &mut problems,
        );
        if let (Some(start), Some(end)) = (self.actual_start, self.actual_end)
            && end < start
        {
            problems.push(FieldProblem::new("actual_end", Problem::EndBeforeStart));
        }
        match percent {
            Some(percent) if problems.is_empty() => Ok(ProgressUpdate {
                percent,
                note: note.unwrap_or_default(),
                actual_start: self.actual_start,
                actual_end: self.actual_end,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percent_is_whole_and_from_0_to_100() {
        assert_eq!(Percent::new(0).map(Percent::get), Ok(0));
        assert_eq!(Percent::new(100).map(Percent::get), Ok(100));
        assert_eq!(Percent::new(101), Err(Problem::Malformed));
        assert_eq!(Percent::new(-1), Err(Problem::Malformed));
    }

    #[test]
    fn every_field_is_reported_at_once() {
        let input = ProgressInput {
            progress_percent: 500,
            progress_note: "x".repeat(NOTE_MAX + 1),
            actual_start: NaiveDate::from_ymd_opt(2026, 5, 2),
            actual_end: NaiveDate::from_ymd_opt(2026, 5, 1),
        };
        let fields: Vec<_> = input.parse().unwrap_err().iter().map(|p| p.field).collect();
        assert_eq!(fields, ["progress_percent", "progress_note", "actual_end"]);
    }
}
