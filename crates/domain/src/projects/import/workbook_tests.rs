//! The workbook reader on real .xlsx files (built here with rust_xlsxwriter) and on files that
//! are not workbooks at all.

use super::tests::dictionary;
use super::workbook::{self, MAX_FILE_BYTES, read_workbook};
use super::*;
use crate::projects::project::FundingSource;
use chrono::NaiveDate;

pub(super) fn xlsx(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(workbook::DATA_SHEET).unwrap();
    build(sheet);
    book.save_to_buffer().unwrap()
}

pub(super) fn write_header(sheet: &mut rust_xlsxwriter::Worksheet) {
    for c in Column::ALL {
        sheet.write_string(0, c.index() as u16, c.header()).unwrap();
    }
}

pub(super) fn write_good_row(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, code: &str) {
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let cells: [(Column, &str); 11] = [
        (Column::Code, code),
        (Column::Name, "幸福小区老旧小区改造"),
        (Column::Category, "老旧小区改造"),
        (Column::Region, "幸福社区"),
        (Column::Lead, "示例区住建局"),
        (Column::Owner, "张三"),
        (Column::Phone, "13800138000"),
        (Column::PlannedEnd, "2026/10/31"),
        (Column::County, "12.5万元"),
        (Column::Residents, "1,234.50"),
        (Column::Public, "是"),
    ];
    for (c, v) in cells {
        sheet.write_string(row, c.index() as u16, v).unwrap();
    }
    sheet
        .write_number(row, Column::Year.index() as u16, 2026)
        .unwrap();
    sheet
        .write_number(row, Column::Central.index() as u16, 1_000_000.5)
        .unwrap();
    sheet
        .write_datetime_with_format(
            row,
            Column::PlannedStart.index() as u16,
            rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 1).unwrap(),
            &date,
        )
        .unwrap();
}

#[test]
fn a_real_workbook_reads_with_dates_numbers_and_text() {
    let bytes = xlsx(|s| {
        write_header(s);
        write_good_row(s, 1, "2026-MX-0001");
        write_good_row(s, 3, "2026-MX-0002"); // an empty row in between is skipped
    });
    let sheet = read_workbook(&bytes, MAX_FILE_BYTES).unwrap();
    assert_eq!(sheet.rows.len(), 3);
    let parsed = parse(&sheet, &dictionary());
    assert!(parsed.issues.is_empty(), "{:#?}", parsed.issues);
    assert_eq!(parsed.rows.len(), 2);
    assert_eq!(
        parsed.rows[1].row, 4,
        "rows are numbered as Excel shows them"
    );
    let row = &parsed.rows[0];
    assert_eq!(row.planned_start, NaiveDate::from_ymd_opt(2026, 3, 1));
    assert_eq!(row.planned_end, NaiveDate::from_ymd_opt(2026, 10, 31));
    assert_eq!(row.budget.get(&FundingSource::Central), Some(&100_000_050));
    assert_eq!(row.year, 2026);
}

#[test]
fn a_real_workbook_reports_its_merged_cells() {
    let bytes = xlsx(|s| {
        write_header(s);
        write_good_row(s, 1, "2026-MX-0001");
        write_good_row(s, 2, "2026-MX-0002");
        s.merge_range(1, 4, 2, 4, "幸福社区", &rust_xlsxwriter::Format::new())
            .unwrap();
    });
    let sheet = read_workbook(&bytes, MAX_FILE_BYTES).unwrap();
    let parsed = parse(&sheet, &dictionary());
    assert!(
        parsed.issues.iter().any(|i| i.issue
            == Issue::Merged {
                range: "E2:E3".into()
            }
            && i.row == Some(2)
            && i.column == Some(Column::Region)),
        "{:#?}",
        parsed.issues
    );
}

#[test]
fn files_that_are_not_workbooks_are_one_clear_problem() {
    let not_xlsx = |bytes: &[u8]| read_workbook(bytes, MAX_FILE_BYTES).unwrap_err();
    assert_eq!(not_xlsx(b""), RowIssue::file(Issue::NotXlsx));
    assert_eq!(
        not_xlsx("项目编号,项目名称\n2026-MX-0001,示例\n".as_bytes()),
        RowIssue::file(Issue::NotXlsx),
        "a CSV file renamed to .xlsx"
    );
    assert_eq!(
        not_xlsx(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        RowIssue::file(Issue::NotXlsx)
    );
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend([0u8; 504]);
    assert_eq!(not_xlsx(&ole), RowIssue::file(Issue::LegacyXls));
    // A zip archive that is no workbook.
    let mut zipped = Vec::new();
    {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut zipped));
        w.start_file("readme.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, b"hello").unwrap();
        w.finish().unwrap();
    }
    assert_eq!(not_xlsx(&zipped), RowIssue::file(Issue::NotXlsx));
    // A workbook cut short.
    let good = xlsx(write_header);
    assert_eq!(
        not_xlsx(&good[..good.len() / 2]),
        RowIssue::file(Issue::NotXlsx)
    );
}

/// Deterministic junk.
fn junk(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn ten_megabytes_of_junk_are_refused_without_a_panic() {
    let mut ten_mib = junk(MAX_FILE_BYTES, 7);
    assert_eq!(
        read_workbook(&ten_mib, MAX_FILE_BYTES).unwrap_err(),
        RowIssue::file(Issue::NotXlsx)
    );
    // Junk behind a zip signature.
    ten_mib[..4].copy_from_slice(b"PK\x03\x04");
    assert_eq!(
        read_workbook(&ten_mib, MAX_FILE_BYTES).unwrap_err(),
        RowIssue::file(Issue::NotXlsx)
    );
    ten_mib.push(0);
    assert_eq!(
        read_workbook(&ten_mib, MAX_FILE_BYTES).unwrap_err(),
        RowIssue::file(Issue::TooLarge { max_mib: 10 })
    );
    // A real workbook with its insides damaged.
    let mut damaged = xlsx(|s| {
        write_header(s);
        write_good_row(s, 1, "2026-MX-0001");
    });
    let len = damaged.len();
    for (i, b) in junk(len / 2, 3).into_iter().enumerate() {
        damaged[len / 4 + i] = b;
    }
    assert!(read_workbook(&damaged, MAX_FILE_BYTES).is_err());
}
