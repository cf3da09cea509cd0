//! Annual-plan import (年度清单导入): the template's columns, and the row parser that turns the
//! cells of an uploaded sheet into typed project rows or into a list of problems, each naming the
//! row as Excel numbers it, the column and what is wrong.
//!
//! Everything here is a plain function over plain data: [`workbook::read_workbook`] turns the
//! bytes of an .xlsx file into a [`Sheet`] (no file system, no network), and [`parse`] checks it
//! against the template and a [`Dictionary`] of the categories, regions and departments the user
//! may use. Storage then decides which rows create and which update projects, and re-checks every
//! rule inside its transaction.

pub mod workbook;

use crate::kernel::money::Fen;
use crate::kernel::phone::is_phone_number;
use crate::kernel::problem::Problem;
use crate::projects::code as project_code;
use crate::projects::project::FundingSource;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A column of the import template, in template order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// 项目编号: empty to generate one.
    Code,
    /// 项目名称.
    Name,
    /// 项目类别: a subcategory of the dictionary.
    Category,
    /// 年度.
    Year,
    /// 所属街道/社区.
    Region,
    /// 牵头单位.
    Lead,
    /// 配合单位: any number, separated by 、 , ; or new lines.
    Partners,
    /// 责任人.
    Owner,
    /// 联系电话.
    Phone,
    /// 地址.
    Address,
    /// 经度.
    Longitude,
    /// 纬度.
    Latitude,
    /// 计划开工.
    PlannedStart,
    /// 计划完工.
    PlannedEnd,
    /// 中央资金(元).
    Central,
    /// 省级资金(元).
    Provincial,
    /// 市级资金(元).
    Municipal,
    /// 县级资金(元).
    County,
    /// 社会资本(元).
    Social,
    /// 群众自筹(元).
    Residents,
    /// 受益人数.
    Beneficiaries,
    /// 建设内容.
    Description,
    /// 绩效目标.
    Goals,
    /// 是否公开.
    Public,
    /// 公开联系电话: the office line the public sees instead of the owner's masked phone.
    PublicPhone,
}

impl Column {
    /// Every column in template order.
    pub const ALL: [Column; 25] = [
        Column::Code,
        Column::Name,
        Column::Category,
        Column::Year,
        Column::Region,
        Column::Lead,
        Column::Partners,
        Column::Owner,
        Column::Phone,
        Column::Address,
        Column::Longitude,
        Column::Latitude,
        Column::PlannedStart,
        Column::PlannedEnd,
        Column::Central,
        Column::Provincial,
        Column::Municipal,
        Column::County,
        Column::Social,
        Column::Residents,
        Column::Beneficiaries,
        Column::Description,
        Column::Goals,
        Column::Public,
        Column::PublicPhone,
    ];

    /// The header as the template writes it (always Chinese: it is part of the file format).
    pub fn header(self) -> &'static str {
        match self {
            Column::Code => "项目编号",
            Column::Name => "项目名称",
            Column::Category => "项目类别",
            Column::Year => "年度",
            Column::Region => "所属街道/社区",
            Column::Lead => "牵头单位",
            Column::Partners => "配合单位",
            Column::Owner => "责任人",
            Column::Phone => "联系电话",
            Column::Address => "地址",
            Column::Longitude => "经度",
            Column::Latitude => "纬度",
            Column::PlannedStart => "计划开工",
            Column::PlannedEnd => "计划完工",
            Column::Central => "中央资金(元)",
            Column::Provincial => "省级资金(元)",
            Column::Municipal => "市级资金(元)",
            Column::County => "县级资金(元)",
            Column::Social => "社会资本(元)",
            Column::Residents => "群众自筹(元)",
            Column::Beneficiaries => "受益人数",
            Column::Description => "建设内容",
            Column::Goals => "绩效目标",
            Column::Public => "是否公开",
            Column::PublicPhone => "公开联系电话",
        }
    }

    /// A stable code, used for message keys (`code`, `planned_start`, …).
    pub fn key(self) -> &'static str {
        match self {
            Column::Code => "code",
            Column::Name => "name",
            Column::Category => "category",
            Column::Year => "year",
            Column::Region => "region",
            Column::Lead => "lead",
            Column::Partners => "partners",
            Column::Owner => "owner",
            Column::Phone => "phone",
            Column::Address => "address",
            Column::Longitude => "longitude",
            Column::Latitude => "latitude",
            Column::PlannedStart => "planned_start",
            Column::PlannedEnd => "planned_end",
            Column::Central => "central",
            Column::Provincial => "provincial",
            Column::Municipal => "municipal",
            Column::County => "county",
            Column::Social => "social",
            Column::Residents => "residents",
            Column::Beneficiaries => "beneficiaries",
            Column::Description => "description",
            Column::Goals => "goals",
            Column::Public => "public",
            Column::PublicPhone => "public_phone",
        }
    }

    /// The position from 0 (column A).
    pub fn index(self) -> usize {
        Column::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// The column letter as Excel shows it (A, B, … X).
    pub fn letter(self) -> String {
        column_letter(self.index())
    }

    /// Whether a row must fill this column.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Name
                | Column::Category
                | Column::Year
                | Column::Region
                | Column::Lead
                | Column::Owner
                | Column::Phone
        )
    }

    /// Whether a file may lack this column: 公开联系电话 came after the first template, and
    /// sheets filled in from that template still import, as if the column were empty.
    pub fn may_be_absent(self) -> bool {
        matches!(self, Column::PublicPhone)
    }

    /// The funding source of a money column.
    pub fn funding_source(self) -> Option<FundingSource> {
        Some(match self {
            Column::Central => FundingSource::Central,
            Column::Provincial => FundingSource::Provincial,
            Column::Municipal => FundingSource::Municipal,
            Column::County => FundingSource::County,
            Column::Social => FundingSource::SocialCapital,
            Column::Residents => FundingSource::Residents,
            _ => return None,
        })
    }

    /// The column holding a storage field (as named in `ProjectInput` and its problems).
    pub fn for_field(field: &str) -> Option<Column> {
        Some(match field {
            "code" => Column::Code,
            "name" => Column::Name,
            "category_id" => Column::Category,
            "year" => Column::Year,
            "region_id" => Column::Region,
            "lead_department_id" => Column::Lead,
            "partner_department_ids" => Column::Partners,
            "owner_name" => Column::Owner,
            "owner_phone" => Column::Phone,
            "address" => Column::Address,
            "longitude" => Column::Longitude,
            "latitude" => Column::Latitude,
            "planned_start" => Column::PlannedStart,
            "planned_end" => Column::PlannedEnd,
            "beneficiaries" => Column::Beneficiaries,
            "description" => Column::Description,
            "goals" => Column::Goals,
            "is_public" => Column::Public,
            "public_phone" => Column::PublicPhone,
            _ => return None,
        })
    }
}

/// The Excel letter of the column at `index` from 0: A … Z, AA, AB, ….
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The longest texts accepted, in characters (the same limits the project form has).
pub mod limits {
    /// 项目名称.
    pub const NAME: usize = 100;
    /// 责任人.
    pub const OWNER: usize = 50;
    /// 联系电话.
    pub const PHONE: usize = 20;
    /// 地址.
    pub const ADDRESS: usize = 200;
    /// 建设内容.
    pub const DESCRIPTION: usize = 4000;
    /// 绩效目标.
    pub const GOALS: usize = 2000;
    /// 受益人数.
    pub const BENEFICIARIES: i64 = 100_000_000;
}

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
    fn is_blank(&self) -> bool {
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

/// One entry of a dictionary list: what the user may write into a cell, and the record it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DictionaryEntry {
    /// Record id.
    pub id: i64,
    /// Stable code (category code, region code, department code).
    pub code: String,
    /// Name.
    pub name: String,
    /// What the drop-down offers: the name, or a longer form when the name is not unique.
    pub label: String,
    /// For departments: whether the user may put it in the lead.
    pub may_lead: bool,
}

/// The names a user may write: subcategories, streets and communities in scope, departments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dictionary {
    /// Subcategories.
    pub categories: Vec<DictionaryEntry>,
    /// Regions a project can be placed in.
    pub regions: Vec<DictionaryEntry>,
    /// Departments (lead and partners).
    pub departments: Vec<DictionaryEntry>,
}

/// Builds dictionary entries from `(id, code, name, qualifier, may_lead)`, labelled with the
/// name where it is unique and `name（qualifier）` otherwise, so every label is unique.
pub fn entries(items: Vec<(i64, String, String, String, bool)>) -> Vec<DictionaryEntry> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (_, _, name, _, _) in &items {
        *counts.entry(name.trim().to_owned()).or_default() += 1;
    }
    items
        .into_iter()
        .map(|(id, code, name, qualifier, may_lead)| {
            let name = name.trim().to_owned();
            let label = if counts.get(&name).copied().unwrap_or(0) > 1 {
                format!("{name}（{qualifier}）")
            } else {
                name.clone()
            };
            DictionaryEntry {
                id,
                code,
                name,
                label,
                may_lead,
            }
        })
        .collect()
}

/// Normalises what people type for comparison: no spaces, half-width brackets and slashes,
/// lower case.
fn fold(text: &str) -> String {
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

/// Why a dictionary lookup failed.
enum Miss {
    Unknown,
    Ambiguous,
}

/// Finds what `value` means in `list`: by label, then by code, then by a name only one entry has.
fn lookup<'d>(list: &'d [DictionaryEntry], value: &str) -> Result<&'d DictionaryEntry, Miss> {
    let wanted = fold(value);
    if let Some(e) = list.iter().find(|e| fold(&e.label) == wanted) {
        return Ok(e);
    }
    if let Some(e) = list.iter().find(|e| fold(&e.code) == wanted) {
        return Ok(e);
    }
    let mut named = list.iter().filter(|e| fold(&e.name) == wanted);
    match (named.next(), named.next()) {
        (Some(e), None) => Ok(e),
        (Some(_), Some(_)) => Err(Miss::Ambiguous),
        _ => Err(Miss::Unknown),
    }
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

/// Parses a date cell: a real date, an Excel serial number, `20260301`, or text such as
/// `2026-03-01`, `2026/3/1`, `2026.3.1` or `2026年3月1日` (a time after the date is ignored).
pub fn parse_date(cell: &CellValue) -> Result<Option<NaiveDate>, Issue> {
    let bad = || Issue::BadDate {
        value: cell_text(cell),
    };
    match cell {
        CellValue::Empty => Ok(None),
        CellValue::Date(d) => Ok(Some(*d)),
        CellValue::Number(n) => {
            if n.fract() != 0.0 {
                return Err(bad());
            }
            let n = *n as i64;
            if (19_000_101..=29_991_231).contains(&n) {
                return ymd(n / 10_000, n / 100 % 100, n % 100)
                    .map(Some)
                    .ok_or_else(bad);
            }
            excel_serial_date(n).map(Some).ok_or_else(bad)
        }
        CellValue::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            date_text(t).map(Some).ok_or_else(bad)
        }
        CellValue::Bool(_) | CellValue::Error(_) => Err(bad()),
    }
}

fn ymd(y: i64, m: i64, d: i64) -> Option<NaiveDate> {
    if !(1900..=2999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
}

/// A date from an Excel serial day number (1900 date system; 60 is Excel's phantom 1900-02-29).
pub fn excel_serial_date(serial: i64) -> Option<NaiveDate> {
    if !(1..2_958_466).contains(&serial) || serial == 60 {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    // Serials before 1900-03-01 count the phantom leap day Excel inherited from Lotus 1-2-3.
    let days = if serial < 60 { serial + 1 } else { serial };
    epoch.checked_add_days(chrono::Days::new(u64::try_from(days).ok()?))
}

fn date_text(text: &str) -> Option<NaiveDate> {
    let first = text.split_whitespace().next().unwrap_or("");
    let first = first.split('T').next().unwrap_or(first);
    let digits_only = first.bytes().all(|b| b.is_ascii_digit());
    if digits_only && first.len() == 8 {
        let n: i64 = first.parse().ok()?;
        return ymd(n / 10_000, n / 100 % 100, n % 100);
    }
    let unified: String = first
        .trim_end_matches('日')
        .trim_end_matches('号')
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' | '-' | '－' | '／' => '-',
            other => other,
        })
        .collect();
    let parts: Vec<&str> = unified.split('-').collect();
    let [y, m, d] = parts[..] else {
        return None;
    };
    let number = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    if y.len() != 4 {
        return None;
    }
    ymd(number(y)?, number(m)?, number(d)?)
}

/// Money from a number cell in 元: rounded to the fen when the double is within rounding noise
/// of a whole fen (formulas such as `=0.1+0.2`), refused when it has more decimals.
fn fen_of_number(n: f64, value: &str) -> Result<i64, Issue> {
    if !n.is_finite() {
        return Err(Issue::BadMoney {
            value: value.into(),
        });
    }
    let max = (crate::kernel::money::MAX_YUAN as f64) * 100.0;
    let fen = n * 100.0;
    if fen.abs() > max {
        return Err(Issue::MoneyTooLarge {
            value: value.into(),
        });
    }
    let rounded = fen.round();
    let noise = 1e-3_f64.max(rounded.abs() * 4.0 * f64::EPSILON);
    if (fen - rounded).abs() > noise {
        return Err(Issue::MoneyPrecision {
            value: value.into(),
        });
    }
    Ok(rounded as i64)
}

/// Parses an amount in 元 (a number, or text such as `1,234.50`, `12.5万元`, `￥88`); empty is
/// `None`; negative amounts are refused.
pub fn parse_money(cell: &CellValue) -> Result<Option<i64>, Issue> {
    let value = cell_text(cell);
    let fen = match cell {
        CellValue::Empty => return Ok(None),
        CellValue::Number(n) => fen_of_number(*n, &value)?,
        CellValue::Text(t) if t.trim().is_empty() => return Ok(None),
        CellValue::Text(t) => match Fen::parse_yuan(t) {
            Ok(fen) => fen.0,
            Err(Problem::MoneyPrecision) => return Err(Issue::MoneyPrecision { value }),
            Err(Problem::MoneyTooLarge) => return Err(Issue::MoneyTooLarge { value }),
            Err(_) => return Err(Issue::BadMoney { value }),
        },
        _ => return Err(Issue::BadMoney { value }),
    };
    if fen < 0 {
        return Err(Issue::Negative { value });
    }
    Ok(Some(fen))
}

/// Parses a whole number (a number cell, or text such as `1,200` or `1200人`); empty is `None`.
pub fn parse_integer(cell: &CellValue) -> Result<Option<i64>, Issue> {
    let value = cell_text(cell);
    let bad = || Issue::BadInteger {
        value: value.clone(),
    };
    match cell {
        CellValue::Empty => Ok(None),
        CellValue::Number(n) => {
            if n.fract() != 0.0 || n.abs() > 1e15 {
                return Err(bad());
            }
            Ok(Some(*n as i64))
        }
        CellValue::Text(t) => {
            let digits: String = t
                .trim()
                .trim_end_matches(['人', '年', '户'])
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
                .collect();
            if digits.is_empty() {
                return if t.trim().is_empty() {
                    Ok(None)
                } else {
                    Err(bad())
                };
            }
            let (negative, rest) = match digits.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, digits.as_str()),
            };
            if rest.is_empty() || rest.len() > 15 || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let n: i64 = rest.parse().map_err(|_| bad())?;
            Ok(Some(if negative { -n } else { n }))
        }
        _ => Err(bad()),
    }
}

/// Parses 是/否 (also Y/N, yes/no, true/false, 1/0, 公开/不公开); empty is `None`.
pub fn parse_yes_no(cell: &CellValue) -> Result<Option<bool>, Issue> {
    match cell {
        CellValue::Empty => Ok(None),
        CellValue::Bool(b) => Ok(Some(*b)),
        CellValue::Number(n) if *n == 1.0 => Ok(Some(true)),
        CellValue::Number(n) if *n == 0.0 => Ok(Some(false)),
        _ => match fold(&cell_text(cell)).as_str() {
            "" => Ok(None),
            "是" | "y" | "yes" | "true" | "1" | "公开" | "√" => Ok(Some(true)),
            "否" | "n" | "no" | "false" | "0" | "不公开" | "×" => Ok(Some(false)),
            _ => Err(Issue::BadYesNo {
                value: cell_text(cell),
            }),
        },
    }
}

/// Parses a coordinate within `±bound` degrees; empty is `None`.
pub fn parse_coordinate(cell: &CellValue, bound: f64) -> Result<Option<f64>, Issue> {
    let value = cell_text(cell);
    let n = match cell {
        CellValue::Empty => return Ok(None),
        CellValue::Number(n) => *n,
        CellValue::Text(t) if t.trim().is_empty() => return Ok(None),
        CellValue::Text(t) => {
            t.trim()
                .trim_end_matches('°')
                .parse::<f64>()
                .map_err(|_| Issue::BadCoordinate {
                    value: value.clone(),
                })?
        }
        _ => return Err(Issue::BadCoordinate { value }),
    };
    if !n.is_finite() || n.abs() > bound {
        return Err(Issue::BadCoordinate { value });
    }
    Ok(Some(n))
}

/// Splits a list of names written into one cell (配合单位) at 、 , ， ; ； and line breaks.
pub fn split_names(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', ';', '；', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

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

/// What a cell beyond the end of its row holds.
static EMPTY: CellValue = CellValue::Empty;

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
        let cell = |c: Column| {
            cells
                .get(c.index())
                .filter(|_| c.index() < width)
                .unwrap_or(&EMPTY)
        };
        let mut issues = Vec::new();
        // A duplicate is a duplicate whatever else is wrong with either row.
        let code = cell_text(cell(Column::Code)).to_uppercase();
        out.listed.push(ListedRow {
            row,
            code: code.clone(),
            name: cell_text(cell(Column::Name)),
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
        if let Some(parsed) = parse_row(row, &cell, dictionary, &mut issues)
            && issues.is_empty()
        {
            out.rows.push(parsed);
        }
        issues.sort_by_key(|i| i.column.map(Column::index));
        out.issues.extend(issues);
    }
    out
}

/// Checks one data row; `None` when it has problems (all pushed onto `issues`).
fn parse_row<'c>(
    row: u32,
    cell: &impl Fn(Column) -> &'c CellValue,
    dictionary: &Dictionary,
    issues: &mut Vec<RowIssue>,
) -> Option<ImportRow> {
    let before = issues.len();
    let mut report = |column: Column, issue: Issue| issues.push(RowIssue::cell(row, column, issue));
    for column in Column::ALL {
        if let CellValue::Error(value) = cell(column) {
            report(
                column,
                Issue::FormulaError {
                    value: value.clone(),
                },
            );
        }
    }
    let text = |column: Column, max: usize, report: &mut dyn FnMut(Column, Issue)| {
        let value = match cell(column) {
            CellValue::Error(_) => return String::new(),
            other => cell_text(other),
        };
        if value.is_empty() && column.required() {
            report(column, Issue::Required);
        } else if value.chars().count() > max {
            report(column, Issue::TooLong { max });
        }
        value
    };

    let code = text(Column::Code, 32, &mut report).to_uppercase();
    if !code.is_empty() && project_code::check(&code).is_err() {
        report(
            Column::Code,
            Issue::BadCode {
                value: code.clone(),
            },
        );
    }
    let name = text(Column::Name, limits::NAME, &mut report);
    let owner_name = text(Column::Owner, limits::OWNER, &mut report);
    let phone = |column: Column, report: &mut dyn FnMut(Column, Issue)| {
        let value = text(column, limits::PHONE, report);
        if !value.is_empty() && !is_phone_number(&value) {
            report(
                column,
                Issue::BadPhone {
                    value: value.clone(),
                },
            );
        }
        value
    };
    let owner_phone = phone(Column::Phone, &mut report);
    let public_phone = phone(Column::PublicPhone, &mut report);
    let address = text(Column::Address, limits::ADDRESS, &mut report);
    let description = text(Column::Description, limits::DESCRIPTION, &mut report);
    let goals = text(Column::Goals, limits::GOALS, &mut report);

    let year = match parse_integer(cell(Column::Year)) {
        Ok(Some(y)) if (2000..=2100).contains(&y) => Some(y as i32),
        Ok(Some(_)) | Err(_) if !matches!(cell(Column::Year), CellValue::Error(_)) => {
            report(
                Column::Year,
                Issue::BadYear {
                    value: cell_text(cell(Column::Year)),
                },
            );
            None
        }
        Ok(None) => {
            report(Column::Year, Issue::Required);
            None
        }
        _ => None,
    };

    let resolve = |column: Column,
                   list: &[DictionaryEntry],
                   unknown: fn(String) -> Issue,
                   report: &mut dyn FnMut(Column, Issue)|
     -> Option<i64> {
        let value = match cell(column) {
            CellValue::Error(_) => return None,
            other => cell_text(other),
        };
        if value.is_empty() {
            report(column, Issue::Required);
            return None;
        }
        match lookup(list, &value) {
            Ok(e) => Some(e.id),
            Err(Miss::Unknown) => {
                report(column, unknown(value));
                None
            }
            Err(Miss::Ambiguous) => {
                report(column, Issue::Ambiguous { value });
                None
            }
        }
    };
    let category_id = resolve(
        Column::Category,
        &dictionary.categories,
        |value| Issue::UnknownCategory { value },
        &mut report,
    );
    let region_id = resolve(
        Column::Region,
        &dictionary.regions,
        |value| Issue::UnknownRegion { value },
        &mut report,
    );
    let lead_department_id = resolve(
        Column::Lead,
        &dictionary.departments,
        |value| Issue::UnknownDepartment { value },
        &mut report,
    );
    if let Some(lead) = lead_department_id
        && !dictionary
            .departments
            .iter()
            .any(|d| d.id == lead && d.may_lead)
    {
        report(
            Column::Lead,
            Issue::NotOwnDepartment {
                value: cell_text(cell(Column::Lead)),
            },
        );
    }
    let mut partner_department_ids = Vec::new();
    if !matches!(cell(Column::Partners), CellValue::Error(_)) {
        for value in split_names(&cell_text(cell(Column::Partners))) {
            match lookup(&dictionary.departments, &value) {
                Ok(e) if Some(e.id) == lead_department_id => {
                    report(Column::Partners, Issue::PartnerIsLead { value })
                }
                Ok(e) => {
                    if !partner_department_ids.contains(&e.id) {
                        partner_department_ids.push(e.id);
                    }
                }
                Err(Miss::Unknown) => report(Column::Partners, Issue::UnknownDepartment { value }),
                Err(Miss::Ambiguous) => report(Column::Partners, Issue::Ambiguous { value }),
            }
        }
    }

    let mut checked = |column: Column, result: Result<Option<f64>, Issue>| match result {
        Ok(v) => v,
        Err(issue) => {
            if !matches!(cell(column), CellValue::Error(_)) {
                report(column, issue);
            }
            None
        }
    };
    let longitude = checked(
        Column::Longitude,
        parse_coordinate(cell(Column::Longitude), 180.0),
    );
    let latitude = checked(
        Column::Latitude,
        parse_coordinate(cell(Column::Latitude), 90.0),
    );
    let lng_blank = cell(Column::Longitude).is_blank();
    let lat_blank = cell(Column::Latitude).is_blank();
    if lng_blank != lat_blank {
        let missing = if lng_blank {
            Column::Longitude
        } else {
            Column::Latitude
        };
        report(missing, Issue::CoordinatePair);
    }

    let mut date = |column: Column| match parse_date(cell(column)) {
        Ok(d) => d,
        Err(issue) => {
            if !matches!(cell(column), CellValue::Error(_)) {
                report(column, issue);
            }
            None
        }
    };
    let planned_start = date(Column::PlannedStart);
    let planned_end = date(Column::PlannedEnd);
    if let (Some(start), Some(end)) = (planned_start, planned_end)
        && end < start
    {
        report(Column::PlannedEnd, Issue::EndBeforeStart);
    }

    let mut budget = BTreeMap::new();
    for column in Column::ALL {
        let Some(source) = column.funding_source() else {
            continue;
        };
        match parse_money(cell(column)) {
            Ok(Some(fen)) if fen > 0 => {
                budget.insert(source, fen);
            }
            Ok(_) => {}
            Err(issue) => {
                if !matches!(cell(column), CellValue::Error(_)) {
                    report(column, issue);
                }
            }
        }
    }
    let beneficiaries = match parse_integer(cell(Column::Beneficiaries)) {
        Ok(Some(n)) if n < 0 => {
            report(
                Column::Beneficiaries,
                Issue::Negative {
                    value: cell_text(cell(Column::Beneficiaries)),
                },
            );
            None
        }
        Ok(Some(n)) if n > limits::BENEFICIARIES => {
            report(
                Column::Beneficiaries,
                Issue::BadInteger {
                    value: cell_text(cell(Column::Beneficiaries)),
                },
            );
            None
        }
        Ok(n) => n,
        Err(issue) => {
            if !matches!(cell(Column::Beneficiaries), CellValue::Error(_)) {
                report(Column::Beneficiaries, issue);
            }
            None
        }
    };
    let is_public = match parse_yes_no(cell(Column::Public)) {
        Ok(v) => v.unwrap_or(false),
        Err(issue) => {
            if !matches!(cell(Column::Public), CellValue::Error(_)) {
                report(Column::Public, issue);
            }
            false
        }
    };

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

#[cfg(test)]
mod inflation_tests;
#[cfg(test)]
mod tests;
