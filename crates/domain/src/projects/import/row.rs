//! One data row of the sheet checked column group by column group — the project's identity, its
//! people, its texts, the dictionary columns, its location, dates, money and publication — into
//! an [`ImportRow`] or the problems that keep it out.

use super::column::{Column, limits};
use super::dictionary::{Dictionary, DictionaryEntry, Miss, lookup};
use super::issue::{Issue, RowIssue};
use super::parsers::{
    parse_coordinate, parse_date, parse_integer, parse_money, parse_yes_no, split_names,
};
use super::sheet::{CellValue, cell_text};
use crate::kernel::phone::is_phone_number;
use crate::projects::code as project_code;
use crate::projects::project::FundingSource;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A row that passed every check: the registry fields of one project, with dictionary names
/// resolved to ids and money in fen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The row as Excel numbers it.
    pub row: u32,
    /// Project code, upper case; empty to generate one.
    pub code: String,
    /// Name.
    pub name: String,
    /// Subcategory id.
    pub category_id: i64,
    /// Plan year.
    pub year: i32,
    /// Street or community id.
    pub region_id: i64,
    /// Lead department id.
    pub lead_department_id: i64,
    /// Partner department ids, without duplicates.
    pub partner_department_ids: Vec<i64>,
    /// 责任人.
    pub owner_name: String,
    /// 联系电话.
    pub owner_phone: String,
    /// 地址.
    pub address: String,
    /// 经度.
    pub longitude: Option<f64>,
    /// 纬度.
    pub latitude: Option<f64>,
    /// 计划开工.
    pub planned_start: Option<NaiveDate>,
    /// 计划完工.
    pub planned_end: Option<NaiveDate>,
    /// Planned money in fen by funding source; sources left empty are absent.
    pub budget: BTreeMap<FundingSource, i64>,
    /// 受益人数.
    pub beneficiaries: Option<i64>,
    /// 建设内容.
    pub description: String,
    /// 绩效目标.
    pub goals: String,
    /// 是否公开.
    pub is_public: bool,
    /// 公开联系电话; empty when the office publishes no line.
    pub public_phone: String,
}

/// What a cell beyond the end of its row holds.
static EMPTY: CellValue = CellValue::Empty;

/// The cells of one data row as the template's columns see them: a column beyond the row's end,
/// or one the file lacks (beyond `width`), reads as empty.
#[derive(Clone, Copy)]
pub(super) struct RowCells<'c> {
    /// The cells from column A.
    pub(super) cells: &'c [CellValue],
    /// How many of the template's columns the file has.
    pub(super) width: usize,
}

impl<'c> RowCells<'c> {
    /// The cell of `column`.
    pub(super) fn get(self, column: Column) -> &'c CellValue {
        self.cells
            .get(column.index())
            .filter(|_| column.index() < self.width)
            .unwrap_or(&EMPTY)
    }
}

/// Checks one data row; `None` when it has problems (all pushed onto `issues`).
pub(super) fn parse_row(
    row: u32,
    cells: RowCells<'_>,
    dictionary: &Dictionary,
    issues: &mut Vec<RowIssue>,
) -> Option<ImportRow> {
    let before = issues.len();
    let mut check = Check {
        row,
        cells,
        issues: &mut *issues,
    };
    check.formula_errors();

    let code = check.code();
    let name = check.text(Column::Name, limits::NAME);
    let year = check.year();

    let owner_name = check.text(Column::Owner, limits::OWNER);
    let owner_phone = check.phone(Column::Phone);
    let public_phone = check.phone(Column::PublicPhone);
    let address = check.text(Column::Address, limits::ADDRESS);
    let description = check.text(Column::Description, limits::DESCRIPTION);
    let goals = check.text(Column::Goals, limits::GOALS);

    let category_id = check.resolve(Column::Category, &dictionary.categories, |value| {
        Issue::UnknownCategory { value }
    });
    let region_id = check.resolve(Column::Region, &dictionary.regions, |value| {
        Issue::UnknownRegion { value }
    });
    let lead_department_id = check.lead(dictionary);
    let partner_department_ids = check.partners(dictionary, lead_department_id);

    let (longitude, latitude) = check.coordinates();
    let (planned_start, planned_end) = check.planned_dates();
    let budget = check.budget();
    let beneficiaries = check.beneficiaries();
    let is_public = check.is_public();

    if issues.len() > before {
        return None;
    }
    Some(ImportRow {
        row,
        code,
        name,
        category_id: category_id?,
        year: year?,
        region_id: region_id?,
        lead_department_id: lead_department_id?,
        partner_department_ids,
        owner_name,
        owner_phone,
        address,
        longitude,
        latitude,
        planned_start,
        planned_end,
        budget,
        beneficiaries,
        description,
        goals,
        is_public,
        public_phone,
    })
}

/// The row being checked and the problems found in it so far.
struct Check<'c, 'i> {
    row: u32,
    cells: RowCells<'c>,
    issues: &'i mut Vec<RowIssue>,
}

impl<'c> Check<'c, '_> {
    fn cell(&self, column: Column) -> &'c CellValue {
        self.cells.get(column)
    }

    fn report(&mut self, column: Column, issue: Issue) {
        self.issues.push(RowIssue::cell(self.row, column, issue));
    }

    /// The value of a parsed cell, reporting why it failed unless the cell is a formula error
    /// (already reported once by [`Check::formula_errors`]).
    fn accept<T>(&mut self, column: Column, parsed: Result<Option<T>, Issue>) -> Option<T> {
        match parsed {
            Ok(value) => value,
            Err(issue) => {
                if !matches!(self.cell(column), CellValue::Error(_)) {
                    self.report(column, issue);
                }
                None
            }
        }
    }

    /// Every formula that ends in an error, one problem per cell.
    fn formula_errors(&mut self) {
        for column in Column::ALL {
            if let CellValue::Error(value) = self.cell(column) {
                self.report(
                    column,
                    Issue::FormulaError {
                        value: value.clone(),
                    },
                );
            }
        }
    }

    /// A text column: required when the column is, at most `max` characters.
    fn text(&mut self, column: Column, max: usize) -> String {
        let value = match self.cell(column) {
            CellValue::Error(_) => return String::new(),
            other => cell_text(other),
        };
        if value.is_empty() && column.required() {
            self.report(column, Issue::Required);
        } else if value.chars().count() > max {
            self.report(column, Issue::TooLong { max });
        }
        value
    }

    /// 项目编号, upper case; empty asks for a generated code.
    fn code(&mut self) -> String {
        let code = self.text(Column::Code, 32).to_uppercase();
        if !code.is_empty() && project_code::check(&code).is_err() {
            self.report(
                Column::Code,
                Issue::BadCode {
                    value: code.clone(),
                },
            );
        }
        code
    }

    /// 年度, a whole year from 2000 to 2100.
    fn year(&mut self) -> Option<i32> {
        let cell = self.cell(Column::Year);
        match parse_integer(cell) {
            Ok(Some(y)) if (2000..=2100).contains(&y) => Some(y as i32),
            Ok(Some(_)) | Err(_) if !matches!(cell, CellValue::Error(_)) => {
                self.report(
                    Column::Year,
                    Issue::BadYear {
                        value: cell_text(cell),
                    },
                );
                None
            }
            Ok(None) => {
                self.report(Column::Year, Issue::Required);
                None
            }
            _ => None,
        }
    }

    /// A phone column (联系电话, 公开联系电话).
    fn phone(&mut self, column: Column) -> String {
        let value = self.text(column, limits::PHONE);
        if !value.is_empty() && !is_phone_number(&value) {
            self.report(
                column,
                Issue::BadPhone {
                    value: value.clone(),
                },
            );
        }
        value
    }

    /// A required dictionary column: the id of the entry the cell names in `list`.
    fn resolve(
        &mut self,
        column: Column,
        list: &[DictionaryEntry],
        unknown: fn(String) -> Issue,
    ) -> Option<i64> {
        let value = match self.cell(column) {
            CellValue::Error(_) => return None,
            other => cell_text(other),
        };
        if value.is_empty() {
            self.report(column, Issue::Required);
            return None;
        }
        match lookup(list, &value) {
            Ok(e) => Some(e.id),
            Err(Miss::Unknown) => {
                self.report(column, unknown(value));
                None
            }
            Err(Miss::Ambiguous) => {
                self.report(column, Issue::Ambiguous { value });
                None
            }
        }
    }

    /// 牵头单位: a department the user may put in the lead.
    fn lead(&mut self, dictionary: &Dictionary) -> Option<i64> {
        let lead = self.resolve(Column::Lead, &dictionary.departments, |value| {
            Issue::UnknownDepartment { value }
        });
        if let Some(lead) = lead
            && !dictionary
                .departments
                .iter()
                .any(|d| d.id == lead && d.may_lead)
        {
            self.report(
                Column::Lead,
                Issue::NotOwnDepartment {
                    value: cell_text(self.cell(Column::Lead)),
                },
            );
        }
        lead
    }

    /// 配合单位: departments other than the lead, each once.
    fn partners(&mut self, dictionary: &Dictionary, lead: Option<i64>) -> Vec<i64> {
        let mut ids = Vec::new();
        let cell = self.cell(Column::Partners);
        if matches!(cell, CellValue::Error(_)) {
            return ids;
        }
        for value in split_names(&cell_text(cell)) {
            match lookup(&dictionary.departments, &value) {
                Ok(e) if Some(e.id) == lead => {
                    self.report(Column::Partners, Issue::PartnerIsLead { value })
                }
                Ok(e) => {
                    if !ids.contains(&e.id) {
                        ids.push(e.id);
                    }
                }
                Err(Miss::Unknown) => {
                    self.report(Column::Partners, Issue::UnknownDepartment { value })
                }
                Err(Miss::Ambiguous) => self.report(Column::Partners, Issue::Ambiguous { value }),
            }
        }
        ids
    }

    /// 经度 and 纬度: both or neither.
    fn coordinates(&mut self) -> (Option<f64>, Option<f64>) {
        let longitude = self.accept(
            Column::Longitude,
            parse_coordinate(self.cell(Column::Longitude), 180.0),
        );
        let latitude = self.accept(
            Column::Latitude,
            parse_coordinate(self.cell(Column::Latitude), 90.0),
        );
        let lng_blank = self.cell(Column::Longitude).is_blank();
        let lat_blank = self.cell(Column::Latitude).is_blank();
        if lng_blank != lat_blank {
            let missing = if lng_blank {
                Column::Longitude
            } else {
                Column::Latitude
            };
            self.report(missing, Issue::CoordinatePair);
        }
        (longitude, latitude)
    }

    /// 计划开工 and 计划完工, the end not before the start.
    fn planned_dates(&mut self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let start = self.accept(
            Column::PlannedStart,
            parse_date(self.cell(Column::PlannedStart)),
        );
        let end = self.accept(
            Column::PlannedEnd,
            parse_date(self.cell(Column::PlannedEnd)),
        );
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            self.report(Column::PlannedEnd, Issue::EndBeforeStart);
        }
        (start, end)
    }

    /// The money columns: fen by funding source, leaving out sources with nothing planned.
    fn budget(&mut self) -> BTreeMap<FundingSource, i64> {
        let mut budget = BTreeMap::new();
        for column in Column::ALL {
            let Some(source) = column.funding_source() else {
                continue;
            };
            if let Some(fen) = self.accept(column, parse_money(self.cell(column)))
                && fen > 0
            {
                budget.insert(source, fen);
            }
        }
        budget
    }

    /// 受益人数: a count from 0 up to [`limits::BENEFICIARIES`].
    fn beneficiaries(&mut self) -> Option<i64> {
        let column = Column::Beneficiaries;
        let count = self.accept(column, parse_integer(self.cell(column)));
        let cells = self.cells;
        let value = || cell_text(cells.get(column));
        match count {
            Some(n) if n < 0 => {
                self.report(column, Issue::Negative { value: value() });
                None
            }
            Some(n) if n > limits::BENEFICIARIES => {
                self.report(column, Issue::BadInteger { value: value() });
                None
            }
            n => n,
        }
    }

    /// 是否公开; empty is 否.
    fn is_public(&mut self) -> bool {
        self.accept(Column::Public, parse_yes_no(self.cell(Column::Public)))
            .unwrap_or(false)
    }
}
