//! The registry list, as filtered, exported to .xlsx.

use super::EXPORT_CAP;
use crate::kernel::download::{
    DATE_FORMAT, MONEY_FORMAT, excel_date, header_format, stamp, xlsx_failure, xlsx_response,
    yuan_value,
};
use crate::kernel::error::Failure;
use crate::kernel::i18n::Lang;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Params, scoped};
use crate::projects::pages::{ListQuery, filter_of, hold_name, stage_name};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minxin_storage::projects::ProjectSummary;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// The export's columns: message key of the header, width.
pub(super) const EXPORT_COLUMNS: [(&str, f64); 14] = [
    ("import.export.code", 16.0),
    ("import.export.name", 36.0),
    ("import.export.year", 8.0),
    ("import.export.category", 16.0),
    ("import.export.region", 16.0),
    ("import.export.lead", 20.0),
    ("import.export.owner", 10.0),
    ("import.export.stage", 10.0),
    ("import.export.hold", 8.0),
    ("import.export.budget", 16.0),
    ("import.export.planned_start", 12.0),
    ("import.export.planned_end", 12.0),
    ("import.export.progress", 10.0),
    ("projects.light", 10.0),
];

/// The list rows as a workbook: headers in `lang`, money as numbers in 元 (0.00), dates as
/// dates, the header row frozen, an autofilter and set widths.
pub fn export_workbook(lang: Lang, rows: &[ProjectSummary]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(lang.t("import.export.sheet"))?;
    let head = header_format();
    let money = Format::new().set_num_format(MONEY_FORMAT);
    let date = Format::new().set_num_format(DATE_FORMAT);
    for (col, (key, width)) in EXPORT_COLUMNS.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, lang.t(key), &head)?;
        sheet.set_column_width(col, *width)?;
    }
    for (i, p) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, &p.code)?;
        sheet.write_string(r, 1, &p.name)?;
        sheet.write_number(r, 2, p.year)?;
        sheet.write_string(r, 3, &p.category_name)?;
        sheet.write_string(r, 4, &p.region_name)?;
        sheet.write_string(r, 5, &p.lead_department_name)?;
        sheet.write_string(r, 6, &p.owner_name)?;
        sheet.write_string(r, 7, stage_name(lang, &p.stage))?;
        sheet.write_string(r, 8, hold_name(lang, &p.hold))?;
        sheet.write_number_with_format(r, 9, yuan_value(p.budget_fen), &money)?;
        for (col, day) in [(10, p.planned_start), (11, p.planned_end)] {
            if let Some(d) = day.and_then(excel_date) {
                sheet.write_datetime_with_format(r, col, d, &date)?;
            }
        }
        sheet.write_number(r, 12, p.progress_percent)?;
        if let Some(light) = p.light.as_deref().and_then(|l| l.parse().ok()) {
            sheet.write_string(r, 13, lang.light(light))?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, EXPORT_COLUMNS.len() as u16 - 1)?;
    book.save_to_buffer()
}

/// GET /projects/export.xlsx?<the list's query>: every project the list shows for these filters
/// (all pages, up to [`EXPORT_CAP`]), in list order.
pub(super) async fn export(
    State(state): State<AppState>,
    s: Signed,
    Params(query): Params<ListQuery>,
) -> Result<Response, Failure> {
    let lang = s.client.lang;
    let filter = filter_of(&query);
    let rows = scoped(&state, &s)
        .projects()
        .all(&filter, EXPORT_CAP)
        .await?;
    let bytes = tokio::task::spawn_blocking(move || export_workbook(lang, &rows))
        .await
        .map_err(|_| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?
        .map_err(xlsx_failure)?;
    let stamp = stamp(state.clock.now());
    Ok(xlsx_response(
        bytes,
        &format!("minxin-projects-{stamp}.xlsx"),
        &format!("{}-{stamp}.xlsx", lang.t("import.export.file")),
    ))
}
