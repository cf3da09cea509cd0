//! The bulletin as an .xlsx workbook: a summary sheet (with the month-by-month series of a
//! quarter or year and the changes since the period before), the red and yellow projects, the
//! department ranking and the late reports. Headers are in the reader's language; money is a
//! number in 元 with two decimals, built from integer fen (never summed in floating point).

use super::view::{Figure, ProjectLine, RANKING_HEADERS, SERIES_HEADERS, Value, View};
use crate::i18n::Lang;
use crate::pages::import::{header_format, yuan_value};
use minxin_domain::control::light::percent_text;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// Number formats of money (元, thousands separated) and rates (percent).
const MONEY_FORMAT: &str = "#,##0.00";
const RATE_FORMAT: &str = "0.00\"%\"";

/// Writes one figure: counts as numbers, money as 元 with two decimals, rates as percent
/// numbers (e.g. 25.5 shown as 25.50%), an absent rate as "—".
fn write_value(sheet: &mut Worksheet, row: u32, col: u16, value: Value) -> Result<(), XlsxError> {
    match value {
        Value::Count(n) => sheet.write_number(row, col, n).map(|_| ()),
        Value::Money(fen) => sheet
            .write_number_with_format(
                row,
                col,
                yuan_value(fen.0),
                &Format::new().set_num_format(MONEY_FORMAT),
            )
            .map(|_| ()),
        Value::Rate(Some(bp)) => sheet
            .write_number_with_format(
                row,
                col,
                percent_text(bp).parse::<f64>().unwrap_or(0.0),
                &Format::new().set_num_format(RATE_FORMAT),
            )
            .map(|_| ()),
        Value::Rate(None) => sheet.write_string(row, col, value.text()).map(|_| ()),
    }
}

/// Writes a header row at `row` with the given labels.
fn headers(sheet: &mut Worksheet, row: u32, labels: &[&str]) -> Result<(), XlsxError> {
    let head = header_format();
    for (col, label) in labels.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *label, &head)?;
    }
    Ok(())
}

/// Label/value rows from `row` on; returns the next free row.
fn figures(sheet: &mut Worksheet, mut row: u32, list: &[Figure]) -> Result<u32, XlsxError> {
    for f in list {
        sheet.write_string(row, 0, f.label)?;
        write_value(sheet, row, 1, f.value)?;
        row += 1;
    }
    Ok(row)
}

/// Project lines with their department, light and reasons, from `row` on.
fn projects<'a>(
    sheet: &mut Worksheet,
    mut row: u32,
    list: impl IntoIterator<Item = &'a ProjectLine>,
) -> Result<u32, XlsxError> {
    for p in list {
        for (col, text) in [
            &p.department,
            &p.code,
            &p.name,
            &p.region,
            &p.light.to_owned(),
            &p.reasons,
        ]
        .into_iter()
        .enumerate()
        {
            sheet.write_string(row, col as u16, text)?;
        }
        row += 1;
    }
    Ok(row)
}

fn project_headers(lang: Lang) -> [&'static str; 6] {
    [
        lang.t("bulletin.col.department"),
        lang.t("bulletin.col.code"),
        lang.t("bulletin.col.name"),
        lang.t("bulletin.col.region"),
        lang.t("bulletin.col.light"),
        lang.t("bulletin.col.reasons"),
    ]
}

fn summary_sheet(lang: Lang, v: &View, sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name(lang.t("bulletin.sheet.summary"))?;
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 18)?;
    sheet.write_string_with_format(0, 0, &v.title, &Format::new().set_bold())?;
    sheet.write_string(1, 0, lang.t("bulletin.closing"))?;
    sheet.write_string(1, 1, &v.closing)?;
    headers(
        sheet,
        3,
        &[lang.t("bulletin.col.figure"), lang.t("bulletin.col.value")],
    )?;
    let mut row = figures(sheet, 4, &v.summary)? + 1;
    headers(
        sheet,
        row,
        &[
            lang.t("bulletin.col.stage"),
            lang.t("bulletin.figure.projects"),
        ],
    )?;
    row = figures(sheet, row + 1, &v.stages)? + 1;
    if let Some(c) = &v.changes {
        let since = lang.fill("bulletin.changes.since", &[("month", c.since.clone())]);
        headers(sheet, row, &[&since, lang.t("bulletin.col.change")])?;
        row += 1;
        for d in &c.deltas {
            sheet.write_string(row, 0, d.label)?;
            sheet.write_string(row, 1, &d.text)?;
            row += 1;
        }
        row += 1;
    }
    if !v.series.is_empty() {
        let mut labels = vec![lang.t("bulletin.col.month")];
        labels.extend(SERIES_HEADERS.iter().map(|k| lang.t(k)));
        headers(sheet, row, &labels)?;
        for s in &v.series {
            row += 1;
            sheet.write_string(row, 0, &s.month)?;
            for (i, value) in s.figures.iter().enumerate() {
                write_value(sheet, row, i as u16 + 1, *value)?;
            }
        }
    }
    Ok(())
}

/// The workbook of `v`.
pub fn workbook(lang: Lang, v: &View) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    summary_sheet(lang, v, book.add_worksheet())?;

    let flagged = book.add_worksheet();
    flagged.set_name(lang.t("bulletin.sheet.flagged"))?;
    headers(flagged, 0, &project_headers(lang))?;
    projects(flagged, 1, v.departments.iter().flat_map(|d| &d.projects))?;
    flagged.set_column_width(2, 30)?;
    flagged.set_column_width(5, 60)?;
    flagged.set_freeze_panes(1, 0)?;

    let ranking = book.add_worksheet();
    ranking.set_name(lang.t("bulletin.sheet.ranking"))?;
    let mut labels = vec![
        lang.t("bulletin.col.place"),
        lang.t("bulletin.col.department"),
    ];
    labels.extend(RANKING_HEADERS.iter().map(|k| lang.t(k)));
    headers(ranking, 0, &labels)?;
    ranking.set_column_width(1, 24)?;
    for (i, r) in v.ranking.iter().enumerate() {
        let row = i as u32 + 1;
        ranking.write_number(row, 0, r.place)?;
        ranking.write_string(row, 1, &r.department)?;
        for (j, value) in r.figures.iter().enumerate() {
            write_value(ranking, row, j as u16 + 2, *value)?;
        }
    }

    let late = book.add_worksheet();
    late.set_name(lang.t("bulletin.sheet.late"))?;
    let mut labels = project_headers(lang).to_vec();
    labels[5] = lang.t("bulletin.col.late");
    headers(late, 0, &labels)?;
    projects(late, 1, &v.late)?;
    late.set_column_width(2, 30)?;
    late.set_column_width(5, 40)?;
    book.save_to_buffer()
}
