//! The sheet as the workbook reader hands it over: cells, rows and merged regions, and the
//! cell read as text the way a person reads it, which every check and message starts from.

use super::column::column_letter;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One cell's value as read from the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CellValue {
    /// Nothing in the cell.
    Empty,
    /// Text.
    Text(String),
    /// A number (Excel stores every number as a double).
    Number(f64),
    /// A cell formatted as a date.
    Date(NaiveDate),
    /// TRUE or FALSE.
    Bool(bool),
    /// A formula error such as `#REF!`.
    Error(String),
}

impl CellValue {
    /// Whether the cell holds nothing a person would see.
    pub(super) fn is_blank(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// A rectangle of cells, 0-based and inclusive, as merged regions are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellRange {
    /// First row from 0.
    pub first_row: u32,
    /// First column from 0.
    pub first_col: u32,
    /// Last row from 0.
    pub last_row: u32,
    /// Last column from 0.
    pub last_col: u32,
}

impl CellRange {
    /// `B3:C4` as Excel writes it.
    pub fn a1(&self) -> String {
        format!(
            "{}{}:{}{}",
            column_letter(self.first_col as usize),
            self.first_row + 1,
            column_letter(self.last_col as usize),
            self.last_row + 1
        )
    }
}

/// The cells of the sheet to import: non-empty rows in order, each with its 0-based row index and
/// its cells from column A, and the merged regions of the sheet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    /// `(row index from 0, cells from column A)`, rows in ascending order.
    pub rows: Vec<(u32, Vec<CellValue>)>,
    /// Merged regions.
    pub merged: Vec<CellRange>,
}

/// The cell as text the way a person reads it: numbers without a trailing `.0`, dates as
/// `YYYY-MM-DD`.
pub fn cell_text(cell: &CellValue) -> String {
    match cell {
        CellValue::Empty => String::new(),
        CellValue::Text(t) => t.trim().to_owned(),
        CellValue::Number(n) => number_text(*n),
        CellValue::Date(d) => d.format("%Y-%m-%d").to_string(),
        CellValue::Bool(true) => "TRUE".into(),
        CellValue::Bool(false) => "FALSE".into(),
        CellValue::Error(e) => e.clone(),
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Normalises what people type for comparison: no spaces, half-width brackets and slashes,
/// lower case.
pub(super) fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '／' => '/',
            '：' => ':',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}
