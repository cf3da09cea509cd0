//! Workbook downloads: .xlsx
//! responses and what every workbook shares — header format, money and dates, time stamps.

use crate::kernel::disposition::download;
use crate::kernel::error::Failure;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use minxin_domain::kernel::time::shanghai;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, XlsxError};

/// Excel number formats: money in 元 with two decimals, dates, and text (codes, phones).
pub(crate) const MONEY_FORMAT: &str = "0.00";
pub(crate) const DATE_FORMAT: &str = "yyyy-mm-dd";
pub(crate) const TEXT_FORMAT: &str = "@";

/// The media type of .xlsx files.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook that could not be written, logged, as a 500 failure.
pub(crate) fn xlsx_failure(e: XlsxError) -> Failure {
    tracing::error!(error = %e, "xlsx writing failed");
    Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
}

/// A workbook download.
pub(crate) fn xlsx_response(bytes: Vec<u8>, ascii_name: &str, name: &str) -> Response {
    download(bytes, XLSX, ascii_name, name)
}

/// A time stamp for file names: `now` (the app's clock) in Beijing time.
pub(crate) fn stamp(now: DateTime<Utc>) -> String {
    now.with_timezone(&shanghai())
        .format("%Y%m%d-%H%M%S")
        .to_string()
}

/// The double nearest to `fen` 元, built from the integer 元 and 分 (no floating-point sums).
pub fn yuan_value(fen: i64) -> f64 {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
        .parse()
        .unwrap_or(0.0)
}

/// A date as Excel stores it, or `None` outside its range.
pub(crate) fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    ExcelDateTime::from_ymd(
        u16::try_from(date.year()).ok()?,
        date.month() as u8,
        date.day() as u8,
    )
    .ok()
}

/// The bold, shaded, wrapped format of a header row.
pub(crate) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_built_from_whole_yuan_and_fen() {
        assert_eq!(yuan_value(123_456_789), 1_234_567.89);
        assert_eq!(yuan_value(10), 0.1);
        assert_eq!(yuan_value(-5), -0.05);
        assert_eq!(yuan_value(0), 0.0);
        // 0.1 + 0.2 in floating point is not 0.3; built from fen it is.
        assert_eq!(yuan_value(30), 0.3);
    }
}
