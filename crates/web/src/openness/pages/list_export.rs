//! `GET /open-data/projects.csv` and `/open-data/projects.xlsx` — the portal's list as a file,
//! for the same filter the portal shows (its query string), every page of it. One column table
//! feeds both formats, so a CSV and a workbook of the same filter hold the same cells. Money is
//! exact 元 from integer fen; personal data never enters (the rows come from the public read).

use super::portal::portal_filter;
use crate::identity::pages::audit::defuse;
use crate::kernel::client::Client;
use crate::kernel::disposition::{CSV, download};
use crate::kernel::download::{DATE_FORMAT, MONEY_FORMAT};
use crate::kernel::download::{excel_date, header_format, stamp, xlsx_response, yuan_value};
use crate::kernel::error::Failure;
use crate::kernel::i18n::Lang;
use crate::kernel::state::AppState;
use crate::kernel::widgets::Params;
use crate::projects::pages::{ListQuery, hold_name, stage_name};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use minxin_domain::control::light::Light;
use minxin_domain::kernel::money::Fen;
use minxin_storage::openness::{PortalFilter, PortalProject};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// The most rows one download holds; a filter that matches more is cut, and says so.
const EXPORT_CAP: usize = 100_000;

/// Rows read per statement while a download is gathered.
const BATCH: u64 = 2_000;

/// One cell, typed so the workbook gets numbers and dates and the CSV their plain text.
enum Cell {
    Text(String),
    Int(i64),
    Yuan(i64),
    Date(Option<NaiveDate>),
    Degrees(Option<f64>),
}

/// The columns: message key and workbook width.
const COLUMNS: [(&str, f64); 17] = [
    ("portal.col.code", 16.0),
    ("portal.col.name", 36.0),
    ("portal.col.year", 8.0),
    ("portal.col.category", 16.0),
    ("portal.col.region", 16.0),
    ("portal.col.address", 30.0),
    ("portal.col.lead", 20.0),
    ("portal.col.stage", 12.0),
    ("portal.col.hold", 10.0),
    ("portal.col.light", 14.0),
    ("portal.col.progress", 10.0),
    ("portal.col.budget", 16.0),
    ("portal.col.paid", 16.0),
    ("portal.col.planned_start", 12.0),
    ("portal.col.planned_end", 12.0),
    ("portal.col.latitude", 12.0),
    ("portal.col.longitude", 12.0),
];

fn cells(lang: Lang, p: &PortalProject) -> [Cell; 17] {
    let light = p
        .light
        .as_deref()
        .and_then(|l| l.parse::<Light>().ok())
        .map(|l| lang.light(l).to_owned())
        .unwrap_or_default();
    [
        Cell::Text(p.code.clone()),
        Cell::Text(p.name.clone()),
        Cell::Int(p.year.into()),
        Cell::Text(p.category_name.clone()),
        Cell::Text(p.region_name.clone()),
        Cell::Text(p.address.clone()),
        Cell::Text(p.lead_department_name.clone()),
        Cell::Text(stage_name(lang, &p.stage)),
        Cell::Text(hold_name(lang, &p.hold)),
        Cell::Text(light),
        Cell::Int(p.progress_percent.into()),
        Cell::Yuan(p.budget_fen),
        Cell::Yuan(p.paid_fen),
        Cell::Date(p.planned_start),
        Cell::Date(p.planned_end),
        Cell::Degrees(p.latitude),
        Cell::Degrees(p.longitude),
    ]
}

/// Every row of the filter, batch by batch, up to the cap; and whether rows were cut.
async fn gather(
    state: &AppState,
    filter: &PortalFilter,
) -> Result<(Vec<PortalProject>, bool), Failure> {
    let public = state.store.public();
    let mut rows: Vec<PortalProject> = Vec::new();
    let mut after = None;
    loop {
        let batch = public.portal_batch(filter, after, BATCH).await?;
        let full = batch.len() as u64 == BATCH;
        after = batch.last().map(|p| (p.year, p.code.clone()));
        rows.extend(batch);
        if rows.len() >= EXPORT_CAP {
            rows.truncate(EXPORT_CAP);
            return Ok((rows, true));
        }
        if !full {
            return Ok((rows, false));
        }
    }
}

/// The list as CSV: UTF-8 with a byte-order mark (so Excel reads Chinese), cells that a
/// spreadsheet would run as formulas defused.
pub fn csv_bytes(lang: Lang, rows: &[PortalProject], cut: bool) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    out.write_record(COLUMNS.iter().map(|(key, _)| lang.t(key)))?;
    for p in rows {
        out.write_record(cells(lang, p).map(|cell| match cell {
            Cell::Text(t) => defuse(&t),
            Cell::Int(n) => n.to_string(),
            Cell::Yuan(fen) => Fen(fen).yuan_plain(),
            Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
            Cell::Degrees(v) => v.map(|v| format!("{v:.6}")).unwrap_or_default(),
        }))?;
    }
    if cut {
        out.write_record([lang.fill("portal.export_cut", &[("n", EXPORT_CAP.to_string())])])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// The list as a workbook: numbers as numbers, money in 元 with two decimals, dates as dates.
pub fn workbook(lang: Lang, rows: &[PortalProject], cut: bool) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(lang.t("portal.export_sheet"))?;
    let head = header_format();
    let money = Format::new().set_num_format(MONEY_FORMAT);
    let date = Format::new().set_num_format(DATE_FORMAT);
    for (col, (key, width)) in COLUMNS.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, lang.t(key), &head)?;
        sheet.set_column_width(col, *width)?;
    }
    for (i, p) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in cells(lang, p).into_iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(t) => sheet.write_string(r, col, t).map(|_| ())?,
                Cell::Int(n) => sheet.write_number(r, col, n as f64).map(|_| ())?,
                Cell::Yuan(fen) => sheet
                    .write_number_with_format(r, col, yuan_value(fen), &money)
                    .map(|_| ())?,
                Cell::Date(d) => {
                    if let Some(d) = d.and_then(excel_date) {
                        sheet.write_datetime_with_format(r, col, d, &date)?;
                    }
                }
                Cell::Degrees(v) => {
                    if let Some(v) = v {
                        sheet.write_number(r, col, v)?;
                    }
                }
            }
        }
    }
    if cut {
        let note = lang.fill("portal.export_cut", &[("n", EXPORT_CAP.to_string())]);
        sheet.write_string(rows.len() as u32 + 1, 0, note)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, COLUMNS.len() as u16 - 1)?;
    book.save_to_buffer()
}

/// Writes the list's rows in one format; `true` when the rows were cut at the cap.
type Writer<E> = fn(Lang, &[PortalProject], bool) -> Result<Vec<u8>, E>;

/// The file of the list for the query, written by `write` on a blocking thread (a workbook of
/// 100,000 rows takes a while), with the names it is downloaded under.
async fn file<E: std::fmt::Display + Send + 'static>(
    state: &AppState,
    lang: Lang,
    query: &ListQuery,
    extension: &str,
    write: Writer<E>,
) -> Result<(Vec<u8>, String, String), Failure> {
    let internal = || Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    let (rows, cut) = gather(state, &portal_filter(query)).await?;
    let bytes = tokio::task::spawn_blocking(move || write(lang, &rows, cut))
        .await
        .map_err(|_| internal())?
        .map_err(|e| {
            tracing::error!(error = %e, "the public list's {extension} failed");
            internal()
        })?;
    let stamp = stamp(state.clock.now());
    Ok((
        bytes,
        format!("minxin-public-projects-{stamp}.{extension}"),
        format!("{}-{stamp}.{extension}", lang.t("portal.export_file")),
    ))
}

/// GET /open-data/projects.csv?<the portal's filter>
pub async fn csv(
    State(state): State<AppState>,
    client: Client,
    Params(query): Params<ListQuery>,
) -> Result<Response, Failure> {
    let (body, ascii, name) = file(&state, client.lang, &query, "csv", csv_bytes).await?;
    Ok(download(body, CSV, &ascii, &name))
}

/// GET /open-data/projects.xlsx?<the portal's filter>
pub async fn xlsx(
    State(state): State<AppState>,
    client: Client,
    Params(query): Params<ListQuery>,
) -> Result<Response, Failure> {
    let (bytes, ascii, name) = file(&state, client.lang, &query, "xlsx", workbook).await?;
    Ok(xlsx_response(bytes, &ascii, &name))
}
