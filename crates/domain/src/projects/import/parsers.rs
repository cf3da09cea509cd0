//! The cell parsers: dates, money, whole numbers, yes/no, coordinates and name lists, each
//! accepting the forms people type into Excel and answering with a value or the [`Issue`] that
//! explains the cell.

use super::issue::Issue;
use super::sheet::{CellValue, cell_text, fold};
use crate::kernel::money::Fen;
use crate::kernel::problem::Problem;
use chrono::NaiveDate;

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
