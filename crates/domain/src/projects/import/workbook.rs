//! Reading the sheet to import out of the bytes of an .xlsx file with calamine. Whatever the
//! bytes are — another format renamed, junk, a damaged or hostile archive — the answer is a
//! [`Sheet`] or one [`Issue`] about the file, never a panic.

use super::{CellRange, CellValue, Issue, MAX_ROWS, RowIssue, Sheet};
use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use std::io::Cursor;

/// The largest file accepted, in bytes (10 MiB).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The most the archive may unpack to, in MiB: a full import of [`MAX_ROWS`] rows fits well
/// within it, while a few hundred kilobytes of repeated cells can inflate to
/// gigabytes, and calamine keeps the shared strings and the rows read in memory (issue 15
/// finding 6: 268 KB inflating to 250 MB took the import to 848 MB).
pub const MAX_UNPACKED_MIB: usize = 32;

/// [`MAX_UNPACKED_MIB`] in bytes, checked against the sizes the archive declares before
/// anything is parsed.
const MAX_UNPACKED_BYTES: u64 = MAX_UNPACKED_MIB as u64 * 1024 * 1024;

/// The name of the data sheet in the template; the first sheet is read when there is none.
pub const DATA_SHEET: &str = "项目清单";

/// How many columns are read from each row (the template's, plus room for a few extra).
const MAX_COLUMNS: u32 = 40;

/// The rows read before giving up on a sheet that is far too long (a title and header on top).
const MAX_SHEET_ROWS: usize = MAX_ROWS + 20;

/// The sheet to import from the bytes of an .xlsx file of at most `max_bytes`.
pub fn read_workbook(bytes: &[u8], max_bytes: usize) -> Result<Sheet, RowIssue> {
    if bytes.len() > max_bytes {
        return Err(RowIssue::file(Issue::TooLarge {
            max_mib: max_bytes.div_ceil(1024 * 1024),
        }));
    }
    // An OLE compound file: an old .xls, or an .xlsx protected with a password.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(RowIssue::file(Issue::LegacyXls));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(RowIssue::file(Issue::NotXlsx));
    }
    // calamine is robust, but a hostile archive must not take the server down: a panic inside
    // it is one more way for a file to be unreadable.
    std::panic::catch_unwind(|| read_checked(bytes))
        .unwrap_or(Err(Issue::NotXlsx))
        .map_err(RowIssue::file)
}

/// Refuses an archive whose entries declare more than [`MAX_UNPACKED_BYTES`] together. The
/// declared sizes bound what is read: the zip reader refuses an entry that inflates beyond the
/// size it declares.
fn check_unpacked(bytes: &[u8]) -> Result<(), Issue> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Issue::NotXlsx)?;
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(|_| Issue::NotXlsx)?;
        declared = declared.saturating_add(file.size());
    }
    if declared > MAX_UNPACKED_BYTES {
        return Err(Issue::Inflates {
            max_mib: MAX_UNPACKED_MIB,
        });
    }
    Ok(())
}

fn read_checked(bytes: &[u8]) -> Result<Sheet, Issue> {
    check_unpacked(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| Issue::NotXlsx)?;
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| n.trim() == DATA_SHEET)
        .or_else(|| names.first())
        .cloned()
        .ok_or(Issue::NotXlsx)?;
    let merged = book
        .merge_cells_by_sheet_name(&name)
        .map_err(|_| Issue::NotXlsx)?
        .into_iter()
        .map(|d| CellRange {
            first_row: d.start.0,
            first_col: d.start.1,
            last_row: d.end.0,
            last_col: d.end.1,
        })
        .collect();
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|_| Issue::NotXlsx)?;
    let mut rows: Vec<(u32, Vec<CellValue>)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|_| Issue::NotXlsx)? {
        let (row, col) = cell.get_position();
        if col >= MAX_COLUMNS {
            continue;
        }
        let value = convert(cell.get_value());
        if value == CellValue::Empty {
            continue;
        }
        let at = match rows.last() {
            Some((last, _)) if *last == row => rows.len() - 1,
            Some((last, _)) if *last > row => {
                // Rows out of order (rare, but legal XML): find or insert in place.
                match rows.binary_search_by_key(&row, |(r, _)| *r) {
                    Ok(i) => i,
                    Err(i) => {
                        rows.insert(i, (row, Vec::new()));
                        i
                    }
                }
            }
            _ => {
                if rows.len() >= MAX_SHEET_ROWS {
                    return Err(Issue::TooManyRows { max: MAX_ROWS });
                }
                rows.push((row, Vec::new()));
                rows.len() - 1
            }
        };
        let cells = &mut rows[at].1;
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, CellValue::Empty);
        }
        cells[col] = value;
    }
    Ok(Sheet { rows, merged })
}

/// A calamine cell as a [`CellValue`]; date-formatted numbers become dates (the time of day, if
/// any, is dropped).
fn convert(data: &DataRef<'_>) -> CellValue {
    match data {
        DataRef::Empty => CellValue::Empty,
        DataRef::Int(i) => CellValue::Number(*i as f64),
        DataRef::Float(f) => CellValue::Number(*f),
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                .map_or(CellValue::Number(dt.as_f64()), CellValue::Date)
        }
        DataRef::DateTime(dt) => CellValue::Number(dt.as_f64()),
        DataRef::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or_else(|| text(s), CellValue::Date),
        DataRef::DurationIso(s) => text(s),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
    }
}

fn text(s: &str) -> CellValue {
    if s.trim().is_empty() {
        CellValue::Empty
    } else {
        CellValue::Text(s.to_owned())
    }
}
