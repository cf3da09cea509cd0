//! What the import can find wrong with the file, a row or a cell, and where: the problems a
//! preview lists and storage adds to when it checks the rows again.

use super::column::Column;
use crate::kernel::problem::Problem;
use serde::{Deserialize, Serialize};

/// What is wrong with the file, a row or a cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Issue {
    /// The file is not an .xlsx workbook (another format renamed, or damaged).
    NotXlsx,
    /// An old binary .xls (or a password-protected) workbook.
    LegacyXls,
    /// The file is larger than allowed.
    TooLarge {
        /// The limit in MiB.
        max_mib: usize,
    },
    /// The archive unpacks to more than one import may read (a "zip bomb", or a sheet far
    /// beyond the row limit).
    Inflates {
        /// The limit in MiB.
        max_mib: usize,
    },
    /// The sheet has more data rows than one import takes.
    TooManyRows {
        /// The limit.
        max: usize,
    },
    /// The sheet has a header but no data row.
    NoRows,
    /// The header row is not the template's.
    WrongTemplate {
        /// Letter of the first column that differs.
        letter: String,
        /// What the template has there.
        expected: String,
        /// What the file has there.
        found: String,
    },
    /// Merged cells, which the importer cannot read row by row.
    Merged {
        /// The merged range, e.g. `B3:C4`.
        range: String,
    },
    /// A required cell is empty.
    Required,
    /// Longer than allowed.
    TooLong {
        /// Maximum characters.
        max: usize,
    },
    /// A formula that ends in an error such as `#REF!`.
    FormulaError {
        /// The error as Excel shows it.
        value: String,
    },
    /// Not a date in a form the importer knows.
    BadDate {
        /// The cell as text.
        value: String,
    },
    /// Not a whole number (year, beneficiaries).
    BadInteger {
        /// The cell as text.
        value: String,
    },
    /// A year outside 2000–2100.
    BadYear {
        /// The cell as text.
        value: String,
    },
    /// Not an amount of money.
    BadMoney {
        /// The cell as text.
        value: String,
    },
    /// More than two decimals of 元 (or six of 万元).
    MoneyPrecision {
        /// The cell as text.
        value: String,
    },
    /// An amount beyond any plausible project.
    MoneyTooLarge {
        /// The cell as text.
        value: String,
    },
    /// A negative amount or count.
    Negative {
        /// The cell as text.
        value: String,
    },
    /// A coordinate that is not a number in range.
    BadCoordinate {
        /// The cell as text.
        value: String,
    },
    /// Longitude without latitude or the other way round.
    CoordinatePair,
    /// Not 是 or 否.
    BadYesNo {
        /// The cell as text.
        value: String,
    },
    /// A project code of the wrong form.
    BadCode {
        /// The cell as text.
        value: String,
    },
    /// A phone number with characters other than digits, `-` and `+`, or without a digit.
    BadPhone {
        /// The cell as text.
        value: String,
    },
    /// Planned end before planned start.
    EndBeforeStart,
    /// The same project code on an earlier row of the file.
    DuplicateCode {
        /// The code.
        code: String,
        /// The earlier row, as Excel numbers it.
        first_row: u32,
    },
    /// No such subcategory in the dictionary.
    UnknownCategory {
        /// The cell as text.
        value: String,
    },
    /// No such street or community in the user's scope.
    UnknownRegion {
        /// The cell as text.
        value: String,
    },
    /// No such department in the user's scope.
    UnknownDepartment {
        /// The cell as text.
        value: String,
    },
    /// A name shared by several entries; the code or the drop-down label tells them apart.
    Ambiguous {
        /// The cell as text.
        value: String,
    },
    /// Department staff may only import projects their own department leads.
    NotOwnDepartment {
        /// The cell as text.
        value: String,
    },
    /// The lead department also listed as a partner.
    PartnerIsLead {
        /// The cell as text.
        value: String,
    },
    /// The code belongs to a project outside the user's scope.
    CodeOutsideScope {
        /// The code.
        code: String,
    },
    /// The code belongs to a project the user may read but not edit.
    NotManageable {
        /// The code.
        code: String,
    },
    /// The user's roles cannot create projects.
    CannotCreate,
    /// The project was changed by someone else during the import.
    Conflict {
        /// The code.
        code: String,
    },
    /// A rule of the registry, as storage reported it.
    Rule {
        /// The problem.
        problem: Problem,
    },
}

/// One problem: where (row as Excel numbers it, column) and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowIssue {
    /// The row as Excel numbers it (from 1); `None` for the file as a whole.
    pub row: Option<u32>,
    /// The column, if the problem is in one cell.
    pub column: Option<Column>,
    /// What is wrong.
    pub issue: Issue,
}

impl RowIssue {
    /// A problem with the whole file.
    pub fn file(issue: Issue) -> Self {
        RowIssue {
            row: None,
            column: None,
            issue,
        }
    }

    /// A problem in one cell.
    pub fn cell(row: u32, column: Column, issue: Issue) -> Self {
        RowIssue {
            row: Some(row),
            column: Some(column),
            issue,
        }
    }
}
