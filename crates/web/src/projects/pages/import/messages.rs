//! The import's wording: every problem of a file, row or cell described in the reader's
//! language, and the lines of the preview and the report.

use crate::kernel::i18n::Lang;
use minxin_domain::projects::import::{Column, Issue, ListedRow, RowIssue};
use minxin_storage::projects::{RowAction, RowPlan};

/// "C（项目类别）": where a problem is, as the user finds it in Excel.
pub fn column_label(column: Column) -> String {
    format!("{}（{}）", column.letter(), column.header())
}

/// What is wrong, in words, in `lang`.
pub fn describe(lang: Lang, issue: &Issue) -> String {
    let s = |v: &str| v.to_owned();
    let key = |k: &str| format!("import.issue.{k}");
    let (name, args): (&str, Vec<(&str, String)>) = match issue {
        Issue::NotXlsx => ("not_xlsx", vec![]),
        Issue::LegacyXls => ("legacy_xls", vec![]),
        Issue::TooLarge { max_mib } => ("too_large", vec![("max", max_mib.to_string())]),
        Issue::Inflates { max_mib } => ("inflates", vec![("max", max_mib.to_string())]),
        Issue::TooManyRows { max } => ("too_many_rows", vec![("max", max.to_string())]),
        Issue::NoRows => ("no_rows", vec![]),
        Issue::WrongTemplate {
            letter,
            expected,
            found,
        } => (
            "wrong_template",
            vec![
                ("letter", s(letter)),
                ("expected", s(expected)),
                ("found", s(found)),
            ],
        ),
        Issue::Merged { range } => ("merged", vec![("range", s(range))]),
        Issue::Required => ("required", vec![]),
        Issue::TooLong { max } => ("too_long", vec![("max", max.to_string())]),
        Issue::FormulaError { value } => ("formula_error", vec![("value", s(value))]),
        Issue::BadDate { value } => ("bad_date", vec![("value", s(value))]),
        Issue::BadInteger { value } => ("bad_integer", vec![("value", s(value))]),
        Issue::BadYear { value } => ("bad_year", vec![("value", s(value))]),
        Issue::BadMoney { value } => ("bad_money", vec![("value", s(value))]),
        Issue::MoneyPrecision { value } => ("money_precision", vec![("value", s(value))]),
        Issue::MoneyTooLarge { value } => ("money_too_large", vec![("value", s(value))]),
        Issue::Negative { value } => ("negative", vec![("value", s(value))]),
        Issue::BadCoordinate { value } => ("bad_coordinate", vec![("value", s(value))]),
        Issue::CoordinatePair => ("coordinate_pair", vec![]),
        Issue::BadYesNo { value } => ("bad_yes_no", vec![("value", s(value))]),
        Issue::BadCode { value } => ("bad_code", vec![("value", s(value))]),
        Issue::BadPhone { value } => ("bad_phone", vec![("value", s(value))]),
        Issue::EndBeforeStart => ("end_before_start", vec![]),
        Issue::DuplicateCode { code, first_row } => (
            "duplicate_code",
            vec![("code", s(code)), ("first_row", first_row.to_string())],
        ),
        Issue::UnknownCategory { value } => ("unknown_category", vec![("value", s(value))]),
        Issue::UnknownRegion { value } => ("unknown_region", vec![("value", s(value))]),
        Issue::UnknownDepartment { value } => ("unknown_department", vec![("value", s(value))]),
        Issue::Ambiguous { value } => ("ambiguous", vec![("value", s(value))]),
        Issue::NotOwnDepartment { value } => ("not_own_department", vec![("value", s(value))]),
        Issue::PartnerIsLead { value } => ("partner_is_lead", vec![("value", s(value))]),
        Issue::CodeOutsideScope { code } => ("code_outside_scope", vec![("code", s(code))]),
        Issue::NotManageable { code } => ("not_manageable", vec![("code", s(code))]),
        Issue::CannotCreate => ("cannot_create", vec![]),
        Issue::Conflict { code } => ("conflict", vec![("code", s(code))]),
        Issue::Rule { problem } => return lang.problem(problem),
    };
    lang.fill(&key(name), &args)
}

/// A problem as one line for a terminal: `第 5 行 E（所属街道/社区）：…`.
pub fn describe_line(lang: Lang, issue: &RowIssue) -> String {
    let row = match issue.row {
        Some(row) => lang.fill("import.row_n", &[("row", row.to_string())]),
        None => lang.t("import.whole_file").to_owned(),
    };
    let place = match issue.column {
        Some(column) => format!("{row} {}", column_label(column)),
        None => row,
    };
    format!(
        "{place}{}{}",
        lang.t("import.colon"),
        describe(lang, &issue.issue)
    )
}

/// A problem as a row of the problems table.
pub struct IssueRow {
    /// Row as Excel numbers it, or "whole file".
    pub row: String,
    /// Column letter and header.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

pub(super) fn issue_rows(lang: Lang, issues: &[RowIssue]) -> Vec<IssueRow> {
    issues
        .iter()
        .map(|i| IssueRow {
            row: i
                .row
                .map_or_else(|| lang.t("import.whole_file").to_owned(), |r| r.to_string()),
            column: i.column.map(column_label).unwrap_or_default(),
            message: describe(lang, &i.issue),
        })
        .collect()
}

/// A row of the preview or the result.
pub struct PlanLine {
    /// Row as Excel numbers it.
    pub row: u32,
    /// Code, or a note that it will be generated.
    pub code: String,
    /// Name.
    pub name: String,
    /// What happens to it, in words.
    pub action: &'static str,
    /// `create`, `update` or `unchanged`, for styling.
    pub action_code: &'static str,
}

pub(super) fn plan_lines(lang: Lang, rows: &[RowPlan]) -> Vec<PlanLine> {
    rows.iter()
        .map(|r| {
            let action_code = match r.action {
                RowAction::Create => "create",
                RowAction::Update => "update",
                RowAction::Unchanged => "unchanged",
            };
            PlanLine {
                row: r.row,
                code: if r.code.is_empty() {
                    lang.t("import.generated").to_owned()
                } else {
                    r.code.clone()
                },
                name: r.name.clone(),
                action: lang.t(&format!("import.action_{action_code}")),
                action_code,
            }
        })
        .collect()
}

/// Every data row of a preview: the plan's action for rows that parsed, "has problems" for the
/// others.
pub(super) fn preview_lines(
    lang: Lang,
    listed: &[ListedRow],
    planned: &[RowPlan],
) -> Vec<PlanLine> {
    let mut planned = plan_lines(lang, planned).into_iter().peekable();
    listed
        .iter()
        .map(|l| match planned.next_if(|p| p.row == l.row) {
            Some(line) => line,
            None => PlanLine {
                row: l.row,
                code: l.code.clone(),
                name: l.name.clone(),
                action: lang.t("import.action_problem"),
                action_code: "problem",
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projects::pages::import::export::EXPORT_COLUMNS;

    #[test]
    fn every_issue_has_words_in_both_languages() {
        let samples = vec![
            Issue::NotXlsx,
            Issue::LegacyXls,
            Issue::TooLarge { max_mib: 10 },
            Issue::TooManyRows { max: 20_000 },
            Issue::NoRows,
            Issue::WrongTemplate {
                letter: "C".into(),
                expected: "项目类别".into(),
                found: "类别".into(),
            },
            Issue::Merged {
                range: "B2:B3".into(),
            },
            Issue::Required,
            Issue::TooLong { max: 50 },
            Issue::FormulaError {
                value: "#REF!".into(),
            },
            Issue::BadDate { value: "x".into() },
            Issue::BadInteger { value: "x".into() },
            Issue::BadYear { value: "x".into() },
            Issue::BadMoney { value: "x".into() },
            Issue::MoneyPrecision { value: "x".into() },
            Issue::MoneyTooLarge { value: "x".into() },
            Issue::Negative { value: "x".into() },
            Issue::BadCoordinate { value: "x".into() },
            Issue::CoordinatePair,
            Issue::BadYesNo { value: "x".into() },
            Issue::BadCode { value: "x".into() },
            Issue::BadPhone { value: "x".into() },
            Issue::EndBeforeStart,
            Issue::DuplicateCode {
                code: "2026-MX-0001".into(),
                first_row: 2,
            },
            Issue::UnknownCategory { value: "x".into() },
            Issue::UnknownRegion { value: "x".into() },
            Issue::UnknownDepartment { value: "x".into() },
            Issue::Ambiguous { value: "x".into() },
            Issue::NotOwnDepartment { value: "x".into() },
            Issue::PartnerIsLead { value: "x".into() },
            Issue::CodeOutsideScope { code: "x".into() },
            Issue::NotManageable { code: "x".into() },
            Issue::CannotCreate,
            Issue::Conflict { code: "x".into() },
        ];
        for lang in [Lang::Zh, Lang::En] {
            for issue in &samples {
                let text = describe(lang, issue);
                assert!(!text.starts_with("import."), "{issue:?}: {text}");
                assert!(!text.contains('{'), "{issue:?}: {text}");
            }
            for column in Column::ALL {
                let key = format!("import.help.{}", column.key());
                assert_ne!(lang.t(&key), key);
            }
            for (key, _) in EXPORT_COLUMNS {
                assert_ne!(lang.t(key), key);
            }
        }
        let line = describe_line(
            Lang::Zh,
            &RowIssue::cell(
                5,
                Column::Region,
                Issue::UnknownRegion {
                    value: "样板街道".into(),
                },
            ),
        );
        assert!(line.starts_with("第 5 行 E（所属街道/社区）："), "{line}");
        assert!(line.contains("样板街道"), "{line}");
    }
}
