//! The workbook reader against archives that inflate far beyond their size (issue 15 finding
//! 6): refused in words naming the limit before calamine reads them, while a full import of
//! [`MAX_ROWS`] rows still fits.

use super::tests::{write_good_row, write_header, xlsx};
use super::workbook::{MAX_FILE_BYTES, MAX_UNPACKED_MIB, read_workbook};
use super::*;
use std::io::{Cursor, Read, Write};

/// `workbook` with the entry `name` replaced by `content`, deflated at the best level.
fn with_entry(workbook: &[u8], name: &str, content: &[u8]) -> Vec<u8> {
    let mut source = zip::ZipArchive::new(Cursor::new(workbook)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for i in 0..source.len() {
        let mut file = source.by_index(i).unwrap();
        let entry = file.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        out.start_file(&entry, options).unwrap();
        out.write_all(if entry == name { content } else { &bytes })
            .unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A sheet of `rows` rows of the same cells: megabytes of XML that deflate to kilobytes.
fn repeated_sheet(rows: usize) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    let cells = "<c t=\"inlineStr\"><is><t>幸福小区老旧小区改造幸福小区老旧小区改造</t></is></c>"
        .repeat(10);
    for _ in 0..rows {
        xml.push_str("<row>");
        xml.push_str(&cells);
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml.into_bytes()
}

#[test]
fn a_workbook_inflating_beyond_the_limit_is_refused_naming_it() {
    let sheet = repeated_sheet(50_000);
    assert!(sheet.len() > MAX_UNPACKED_MIB * 1024 * 1024);
    let bomb = with_entry(&xlsx(write_header), "xl/worksheets/sheet1.xml", &sheet);
    assert!(
        bomb.len() < 1024 * 1024,
        "{} bytes inflate to {}",
        bomb.len(),
        sheet.len()
    );
    assert_eq!(
        read_workbook(&bomb, MAX_FILE_BYTES).unwrap_err(),
        RowIssue::file(Issue::Inflates {
            max_mib: MAX_UNPACKED_MIB
        })
    );
}

#[test]
fn an_archive_understating_what_it_inflates_to_is_read_no_further() {
    let sheet = repeated_sheet(50_000);
    let mut bomb = with_entry(&xlsx(write_header), "xl/worksheets/sheet1.xml", &sheet);
    // Rewrite the sheet's declared size, in its local header and its central directory entry,
    // to one byte.
    let name = b"xl/worksheets/sheet1.xml";
    let real = u32::try_from(sheet.len()).unwrap().to_le_bytes();
    let mut rewritten = 0;
    for at in 0..bomb.len() - name.len() {
        let (size_at, name_at) = match &bomb[at..at + 4] {
            b"PK\x03\x04" => (at + 22, at + 30),
            b"PK\x01\x02" => (at + 24, at + 46),
            _ => continue,
        };
        if bomb[name_at..].starts_with(name) && bomb[size_at..size_at + 4] == real {
            bomb[size_at..size_at + 4].copy_from_slice(&1u32.to_le_bytes());
            rewritten += 1;
        }
    }
    assert_eq!(rewritten, 2);
    // The reader stops where the declared size ends: the archive is damaged.
    assert_eq!(
        read_workbook(&bomb, MAX_FILE_BYTES).unwrap_err(),
        RowIssue::file(Issue::NotXlsx)
    );
}

#[test]
fn a_full_import_unpacks_well_within_the_limit() {
    let full = xlsx(|s| {
        write_header(s);
        for row in 1..=MAX_ROWS as u32 {
            write_good_row(s, row, &format!("2026-MX-{row:05}"));
        }
    });
    let sheet = read_workbook(&full, MAX_FILE_BYTES).unwrap();
    assert_eq!(sheet.rows.len(), MAX_ROWS + 1);
}
