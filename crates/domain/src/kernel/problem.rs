//! What can be wrong with a user's input, as data. Pages and the API turn a [`Problem`] into a
//! sentence in the caller's language, so the rules never need to know about languages.

use super::refusal::{Refusal, Refused};
use super::text::{self, Layout};
use serde::{Deserialize, Serialize};

/// One thing wrong with one input value. Variants carry the numbers the message needs. Problems
/// kept with an import's preview are serialised; a context's refusal never is (it is answered
/// at once), so that variant is skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    /// The value is empty but must be given.
    Required,
    /// The value is longer than allowed, in characters.
    TooLong {
        /// Maximum length in characters.
        max: usize,
    },
    /// The value does not have the expected form (a code, a number, a choice).
    Malformed,
    /// The text holds a control character (or, in a one-line field, a line break or tab).
    ControlCharacter,
    /// A count (a page number, a page size) that is not a whole number of 1 or more.
    NotCount,
    /// A span of time longer than allowed, in days.
    TooManyDays {
        /// Maximum span in days.
        max: usize,
    },
    /// Another record already uses this value.
    Taken,
    /// The referenced record does not exist or is outside the caller's scope.
    Unknown,
    /// A password shorter than the policy allows.
    PasswordTooShort {
        /// Minimum length in characters.
        min: usize,
    },
    /// A password mixing too few character classes.
    PasswordTooSimple {
        /// How many of upper, lower, digit and symbol are required.
        classes: usize,
    },
    /// A password equal to one of the account's recent passwords.
    PasswordReused {
        /// How many previous passwords are remembered.
        history: usize,
    },
    /// A password that contains the user name.
    PasswordContainsUsername,
    /// The two entries of a new password differ.
    PasswordMismatch,
    /// The current password given to authorise a change is wrong.
    WrongPassword,
    /// The one-time code from the authenticator app is wrong or expired.
    WrongTotp,
    /// A region code that does not fit GB/T 2260 for its level.
    RegionCodeLevel,
    /// A region code that does not extend its parent's code.
    RegionCodeParent,
    /// A region placed under a parent of a level that cannot hold it.
    RegionParentLevel,
    /// A record that still has dependants and cannot be removed.
    InUse,
    /// Two roles that must be held by different people (三员分立).
    RolesSegregated,
    /// An administrator changing their own roles or scope.
    SelfGrant,
    /// A scope wider than the granter's own.
    ScopeTooWide,
    /// An end date before the start date.
    EndBeforeStart,
    /// Milestone weights of a project adding up to more than 100.
    WeightsOver100,
    /// The gate into the next stage has unmet conditions.
    GateClosed,
    /// A lifecycle move that the rules refuse (details in the gate view).
    MoveRefused,
    /// An amount with more decimals than fen allow.
    MoneyPrecision,
    /// An amount beyond any plausible project.
    MoneyTooLarge,
    /// An uploaded file larger than allowed.
    FileTooLarge {
        /// The limit in megabytes.
        max_mb: usize,
    },
    /// An uploaded file whose content is not one of the accepted formats.
    FileType,
    /// An uploaded file named like an accepted format whose content is markup, a script or a
    /// program.
    FileDisguised,
    /// More items than allowed (photos of a request, say).
    TooMany {
        /// The limit.
        max: usize,
    },
    /// A rule of one context refused the input; the refusal itself says why.
    #[serde(skip)]
    Refused(Refused),
    /// A year of the working-day calendar the office entered that cannot be used.
    Calendar {
        /// Why.
        refusal: super::calendar::CalendarError,
    },
    /// Text to be published that still holds personal data (issue 15 finding 12); it goes out
    /// only once a staff member confirms it holds none.
    PersonalData {
        /// What was found, each kind once.
        found: Vec<super::personal_data::PersonalData>,
    },
}

impl Problem {
    /// A context's refusal as a problem.
    pub fn refused(refusal: impl Refusal) -> Problem {
        Problem::Refused(Refused::new(refusal))
    }

    /// The stable code the API reports for the problem; codes outlive any Rust name.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooLong { .. } => "too_long",
            Problem::Malformed => "malformed",
            Problem::ControlCharacter => "control_character",
            Problem::NotCount => "not_count",
            Problem::TooManyDays { .. } => "too_many_days",
            Problem::Taken => "taken",
            Problem::Unknown => "unknown",
            Problem::PasswordTooShort { .. } => "password_too_short",
            Problem::PasswordTooSimple { .. } => "password_too_simple",
            Problem::PasswordReused { .. } => "password_reused",
            Problem::PasswordContainsUsername => "password_contains_username",
            Problem::PasswordMismatch => "password_mismatch",
            Problem::WrongPassword => "wrong_password",
            Problem::WrongTotp => "wrong_totp",
            Problem::RegionCodeLevel => "region_code_level",
            Problem::RegionCodeParent => "region_code_parent",
            Problem::RegionParentLevel => "region_parent_level",
            Problem::InUse => "in_use",
            Problem::RolesSegregated => "roles_segregated",
            Problem::SelfGrant => "self_grant",
            Problem::ScopeTooWide => "scope_too_wide",
            Problem::EndBeforeStart => "end_before_start",
            Problem::WeightsOver100 => "weights_over100",
            Problem::GateClosed => "gate_closed",
            Problem::MoveRefused => "move_refused",
            Problem::MoneyPrecision => "money_precision",
            Problem::MoneyTooLarge => "money_too_large",
            Problem::FileTooLarge { .. } => "file_too_large",
            Problem::FileType => "file_type",
            Problem::FileDisguised => "file_disguised",
            Problem::TooMany { .. } => "too_many",
            Problem::Refused(refusal) => refusal.code(),
            Problem::Calendar { .. } => "calendar",
            Problem::PersonalData { .. } => "personal_data",
        }
    }
}

/// A [`Problem`] attached to the input field it concerns, so forms can show it in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The form/JSON field name, e.g. `username`.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: Problem,
}

impl FieldProblem {
    /// Attach `problem` to `field`.
    pub fn new(field: &'static str, problem: Problem) -> Self {
        Self { field, problem }
    }
}

/// Checks a required, length-limited text field of several lines (a description, a note) and
/// returns it trimmed; control characters other than line breaks and tabs are refused.
pub fn required_text(
    field: &'static str,
    value: &str,
    max: usize,
    problems: &mut Vec<FieldProblem>,
) -> String {
    required(field, value, max, Layout::Lines, problems)
}

/// Checks a required, length-limited one-line field (a name, a title) and returns it trimmed;
/// line breaks, tabs and other control characters are refused.
pub fn required_line(
    field: &'static str,
    value: &str,
    max: usize,
    problems: &mut Vec<FieldProblem>,
) -> String {
    required(field, value, max, Layout::Line, problems)
}

/// Checks an optional, length-limited text field of several lines; empty input becomes `None`.
pub fn optional_text(
    field: &'static str,
    value: &str,
    max: usize,
    problems: &mut Vec<FieldProblem>,
) -> Option<String> {
    optional(field, value, max, Layout::Lines, problems)
}

/// Checks an optional, length-limited one-line field; empty input becomes `None`.
pub fn optional_line(
    field: &'static str,
    value: &str,
    max: usize,
    problems: &mut Vec<FieldProblem>,
) -> Option<String> {
    optional(field, value, max, Layout::Line, problems)
}

fn required(
    field: &'static str,
    value: &str,
    max: usize,
    layout: Layout,
    problems: &mut Vec<FieldProblem>,
) -> String {
    if value.trim().is_empty() {
        problems.push(FieldProblem::new(field, Problem::Required));
    }
    optional(field, value, max, layout, problems).unwrap_or_default()
}

fn optional(
    field: &'static str,
    value: &str,
    max: usize,
    layout: Layout,
    problems: &mut Vec<FieldProblem>,
) -> Option<String> {
    let trimmed = value.trim();
    attach(field, text::problems(trimmed, max, layout), problems);
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// Files the problems of one field's parse under `field` and keeps the value when there were
/// none: how a parse of many fields gathers every problem at once.
pub fn attach<T>(
    field: &'static str,
    parsed: Result<T, Vec<Problem>>,
    problems: &mut Vec<FieldProblem>,
) -> Option<T> {
    parsed
        .map_err(|found| {
            problems.extend(found.into_iter().map(|p| FieldProblem::new(field, p)));
        })
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_serialised_tags() {
        let problems = [
            Problem::Required,
            Problem::TooLong { max: 3 },
            Problem::NotCount,
            Problem::PasswordContainsUsername,
            Problem::RegionCodeLevel,
            Problem::WeightsOver100,
            Problem::FileTooLarge { max_mb: 5 },
            Problem::TooMany { max: 6 },
            Problem::PersonalData { found: Vec::new() },
        ];
        for problem in problems {
            let tagged = serde_json::to_value(&problem).unwrap();
            assert_eq!(tagged["code"], problem.code(), "{problem:?}");
        }
    }

    #[test]
    fn required_text_trims_and_flags_empty_and_long() {
        let mut p = Vec::new();
        assert_eq!(required_text("name", "  示例区 ", 10, &mut p), "示例区");
        assert!(p.is_empty());
        required_text("name", "   ", 10, &mut p);
        required_text("name", "一二三四五六", 5, &mut p);
        assert_eq!(
            p,
            vec![
                FieldProblem::new("name", Problem::Required),
                FieldProblem::new("name", Problem::TooLong { max: 5 })
            ]
        );
    }

    #[test]
    fn optional_text_turns_blank_into_none() {
        let mut p = Vec::new();
        assert_eq!(optional_text("phone", " ", 20, &mut p), None);
        assert_eq!(
            optional_text("phone", "123", 20, &mut p),
            Some("123".into())
        );
        assert!(p.is_empty());
    }

    #[test]
    fn text_helpers_refuse_control_characters_lines_refuse_breaks() {
        let mut p = Vec::new();
        assert_eq!(
            required_text("description", "一\r\n二\t三", 20, &mut p),
            "一\r\n二\t三"
        );
        assert!(p.is_empty());
        required_text("description", "a\0b", 20, &mut p);
        required_line("name", "\u{1}\u{1b}", 20, &mut p);
        required_line("name", "一\n二", 20, &mut p);
        optional_text("note", "a\u{85}b", 20, &mut p);
        optional_line("title", "a\tb", 20, &mut p);
        let refused = |field| FieldProblem::new(field, Problem::ControlCharacter);
        assert_eq!(
            p,
            vec![
                refused("description"),
                refused("name"),
                refused("name"),
                refused("note"),
                refused("title")
            ]
        );
    }
}
