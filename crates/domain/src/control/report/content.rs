//! What a report may contain: percent complete as typed, the texts and their limits, and the
//! photos.

use super::review::ReportRefusal;
use crate::control::progress::FULL;
use crate::kernel::problem::{FieldProblem, Problem};
use serde::Deserialize;

/// At most this many photos per report.
pub const MAX_PHOTOS: usize = 20;

/// The longest text of a report field (done, problems, help needed) or a review comment, in
/// characters.
pub const TEXT_MAX: usize = 2_000;

/// Checks adding `adding` photos to a report that has `existing`: at most [`MAX_PHOTOS`] in
/// all.
pub fn check_photos(existing: usize, adding: usize) -> Result<(), ReportRefusal> {
    if existing.saturating_add(adding) > MAX_PHOTOS {
        Err(ReportRefusal::TooManyPhotos { max: MAX_PHOTOS })
    } else {
        Ok(())
    }
}

/// Parses percent complete as typed: 0 to 100 with at most one decimal, an optional `%`,
/// e.g. `45`, `45.5`, `45.5%`, into basis points (45.5 % → 4 550).
pub fn parse_percent(input: &str) -> Result<u32, Problem> {
    let text = input.trim();
    let text = text
        .strip_suffix('%')
        .or_else(|| text.strip_suffix('％'))
        .unwrap_or(text)
        .trim_end();
    if text.is_empty() {
        return Err(Problem::Required);
    }
    let (whole, tenth) = text.split_once('.').unwrap_or((text, ""));
    if (whole.is_empty() && tenth.is_empty())
        || whole.len() > 3
        || tenth.len() > 1
        || !whole
            .bytes()
            .chain(tenth.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(Problem::Malformed);
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| Problem::Malformed)?
    };
    let tenth: u32 = if tenth.is_empty() {
        0
    } else {
        tenth.parse().map_err(|_| Problem::Malformed)?
    };
    let bp = whole * 100 + tenth * 10;
    if bp > FULL {
        // Until Problem has an out-of-range variant.
        return Err(Problem::Malformed);
    }
    Ok(bp)
}

/// Whether a newly reported percent is lower than the last accepted one (`None`: no report was
/// accepted yet). Allowed, but flagged for the office: progress rarely goes backwards honestly.
pub fn regression(previous_bp: Option<u32>, new_bp: u32) -> bool {
    previous_bp.is_some_and(|previous| new_bp < previous)
}

/// A monthly report as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ReportDraft {
    /// Percent complete in basis points, see [`parse_percent`].
    pub percent_bp: u32,
    /// 本月完成情况: what was done this month; required.
    pub done: String,
    /// 存在问题: problems met; optional.
    pub problems: String,
    /// 需协调事项: help needed from the office or other departments; optional.
    pub help_needed: String,
}

/// Everything wrong with a report draft, by field: percent within 0–100 % with at most one
/// decimal, what was done given, and no text longer than [`TEXT_MAX`] characters.
pub fn check_report(draft: &ReportDraft) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if draft.percent_bp > FULL || !draft.percent_bp.is_multiple_of(10) {
        problems.push(FieldProblem::new("percent", Problem::Malformed));
    }
    crate::kernel::problem::required_text("done", &draft.done, TEXT_MAX, &mut problems);
    crate::kernel::problem::optional_text("problems", &draft.problems, TEXT_MAX, &mut problems);
    crate::kernel::problem::optional_text(
        "help_needed",
        &draft.help_needed,
        TEXT_MAX,
        &mut problems,
    );
    problems
}
