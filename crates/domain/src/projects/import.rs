//! Annual-plan import (年度清单导入): the template's columns, and the row parser that turns the
//! cells of an uploaded sheet into typed project rows or into a list of problems, each naming the
//! row as Excel numbers it, the column and what is wrong.
//!
//! Everything here is a plain function over plain data: [`workbook::read_workbook`] turns the
//! bytes of an .xlsx file into a [`Sheet`] (no file system, no network), and [`parse`] checks it
//! against the template and a [`Dictionary`] of the categories, regions and departments the user
//! may use. Storage then decides which rows create and which update projects, and re-checks every
//! rule inside its transaction. This file finds the header and the data rows; the columns
//! (`column`), the cells (`sheet`, `parsers`), the problems (`issue`), the dictionary and the
//! check of one row (`row`) each have their own file.

mod column;
mod dictionary;
mod issue;
mod parsers;
mod row;
mod sheet;
pub mod workbook;

pub use column::{Column, column_letter, limits};
pub use dictionary::{Dictionary, DictionaryEntry, entries};
pub use issue::{Issue, RowIssue};
pub use parsers::{
    excel_serial_date, parse_coordinate, parse_date, parse_integer, parse_money, parse_yes_no,
    split_names,
};
pub use row::ImportRow;
pub use sheet::{CellRange, CellValue, Sheet, cell_text};

use row::{RowCells, parse_row};
use serde::{Deserialize, Serialize};
use sheet::fold;
use std::collections::HashMap;

/// A data row as a preview lists it, whether or not it has problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedRow {
    /// The row as Excel numbers it.
    pub row: u32,
    /// The code as written (upper case), maybe empty.
    pub code: String,
    /// The name as written.
    pub name: String,
}

/// The result of [`parse`]: the rows that passed, and every problem found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    /// Rows without problems, in file order.
    pub rows: Vec<ImportRow>,
    /// Every data row, with or without problems, in file order.
    pub listed: Vec<ListedRow>,
    /// Every problem, in file order.
    pub issues: Vec<RowIssue>,
    /// How many data rows the sheet has (with or without problems).
    pub data_rows: usize,
}

impl Parsed {
    fn fail(issue: RowIssue) -> Parsed {
        Parsed {
            issues: vec![issue],
            ..Parsed::default()
        }
    }
}

/// The most data rows one import takes.
pub const MAX_ROWS: usize = 20_000;

/// How many rows from the top may stand above the header (a title, a note).
const HEADER_SEARCH: usize = 10;

fn header_matches(found: &CellValue, column: Column) -> bool {
    let found = fold(&cell_text(found));
    let found = found.trim_matches(['*', '＊']);
    found == fold(column.header())
}

/// Checks `sheet` against the template and the dictionary. A wrong header row is one problem and
/// stops there; otherwise every data row is checked and every problem reported.
pub fn parse(sheet: &Sheet, dictionary: &Dictionary) -> Parsed {
    // The header is the first row whose first cell is 项目编号, within the first rows (a title
    // may stand above it); failing that, the first row, which then reports the mismatch.
    let header_at = sheet
        .rows
        .iter()
        .take(HEADER_SEARCH)
        .position(|(_, cells)| {
            cells
                .first()
                .is_some_and(|c| header_matches(c, Column::Code))
        })
        .unwrap_or(0);
    let Some((header_row, header)) = sheet.rows.get(header_at) else {
        return Parsed::fail(RowIssue::file(Issue::NoRows));
    };
    // The columns the file has: all of them, or all but the trailing ones it may lack.
    let mut width = Column::ALL.len();
    for column in Column::ALL {
        let found = header.get(column.index()).unwrap_or(&CellValue::Empty);
        if column.may_be_absent() && found.is_blank() {
            width = width.min(column.index());
            continue;
        }
        if !header_matches(found, column) {
            return Parsed::fail(RowIssue {
                row: Some(header_row + 1),
                column: Some(column),
                issue: Issue::WrongTemplate {
                    letter: column.letter(),
                    expected: column.header().to_owned(),
                    found: cell_text(found),
                },
            });
        }
    }
    let data: Vec<&(u32, Vec<CellValue>)> = sheet.rows[header_at + 1..]
        .iter()
        .filter(|(_, cells)| cells.iter().take(width).any(|c| !c.is_blank()))
        .collect();
    if data.len() > MAX_ROWS {
        return Parsed::fail(RowIssue::file(Issue::TooManyRows { max: MAX_ROWS }));
    }
    let mut out = Parsed {
        data_rows: data.len(),
        ..Parsed::default()
    };
    for range in &sheet.merged {
        if range.last_row < *header_row {
            continue; // a title above the header
        }
        let column = Column::ALL.get(range.first_col as usize).copied();
        out.issues.push(RowIssue {
            row: Some(range.first_row + 1),
            column,
            issue: Issue::Merged { range: range.a1() },
        });
    }
    if data.is_empty() {
        out.issues.push(RowIssue::file(Issue::NoRows));
        return out;
    }
    let mut codes: HashMap<String, u32> = HashMap::new();
    for (index, cells) in data {
        let row = index + 1;
        let cells = RowCells { cells, width };
        let mut issues = Vec::new();
        // A duplicate is a duplicate whatever else is wrong with either row.
        let code = cell_text(cells.get(Column::Code)).to_uppercase();
        out.listed.push(ListedRow {
            row,
            code: code.clone(),
            name: cell_text(cells.get(Column::Name)),
        });
        if !code.is_empty() {
            match codes.get(&code) {
                Some(first_row) => issues.push(RowIssue::cell(
                    row,
                    Column::Code,
                    Issue::DuplicateCode {
                        code,
                        first_row: *first_row,
                    },
                )),
                None => {
                    codes.insert(code, row);
                }
            }
        }
        if let Some(parsed) = parse_row(row, cells, dictionary, &mut issues)
            && issues.is_empty()
        {
            out.rows.push(parsed);
        }
        issues.sort_by_key(|i| i.column.map(Column::index));
        out.issues.extend(issues);
    }
    out
}

#[cfg(test)]
mod inflation_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod workbook_tests;
