//! The row parser on every kind of bad input the annual-plan import must explain, and the
//! workbook reader on real .xlsx files (built here with rust_xlsxwriter) and on files that are
//! not workbooks at all.

use super::workbook::{MAX_FILE_BYTES, read_workbook};
use super::*;

fn text(s: &str) -> CellValue {
    if s.is_empty() {
        CellValue::Empty
    } else {
        CellValue::Text(s.into())
    }
}

fn header() -> Vec<CellValue> {
    Column::ALL.iter().map(|c| text(c.header())).collect()
}

/// A row every check accepts.
fn good_row(code: &str) -> Vec<CellValue> {
    let mut row = vec![CellValue::Empty; Column::ALL.len()];
    let mut set = |c: Column, v: CellValue| row[c.index()] = v;
    set(Column::Code, text(code));
    set(Column::Name, text("幸福小区老旧小区改造"));
    set(Column::Category, text("老旧小区改造"));
    set(Column::Year, CellValue::Number(2026.0));
    set(Column::Region, text("幸福社区"));
    set(Column::Lead, text("示例区住建局"));
    set(Column::Partners, text("示例区教育局"));
    set(Column::Owner, text("张三"));
    set(Column::Phone, text("0571-88886666"));
    set(Column::Address, text("幸福路 1 号"));
    set(Column::Longitude, CellValue::Number(120.15));
    set(Column::Latitude, CellValue::Number(30.28));
    set(
        Column::PlannedStart,
        CellValue::Date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
    );
    set(Column::PlannedEnd, text("2026年10月31日"));
    set(Column::Central, CellValue::Number(1_000_000.0));
    set(Column::County, text("12.5万元"));
    set(Column::Residents, text("1,234.50"));
    set(Column::Beneficiaries, text("1,200人"));
    set(Column::Description, text("外墙保温、管网改造"));
    set(Column::Goals, text("居民满意度 90% 以上"));
    set(Column::Public, text("是"));
    set(Column::PublicPhone, text("12345"));
    row
}

fn sheet(rows: Vec<Vec<CellValue>>) -> Sheet {
    Sheet {
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i as u32, r))
            .collect(),
        merged: Vec::new(),
    }
}

fn dictionary() -> Dictionary {
    let s = |v: &str| v.to_owned();
    Dictionary {
        categories: entries(vec![
            (
                1,
                s("infrastructure.old_housing"),
                s("老旧小区改造"),
                s("基础设施"),
                true,
            ),
            (
                2,
                s("public_service.canteen"),
                s("老年食堂"),
                s("公共服务"),
                true,
            ),
            (3, s("infrastructure.other"), s("其他"), s("基础设施"), true),
            (4, s("public_service.other"), s("其他"), s("公共服务"), true),
        ]),
        regions: entries(vec![
            (10, s("990101001"), s("示例街道"), s("990101001"), true),
            (
                11,
                s("990101001001"),
                s("幸福社区"),
                s("990101001001"),
                true,
            ),
            (
                12,
                s("990101001002"),
                s("新村社区"),
                s("990101001002"),
                true,
            ),
            (
                13,
                s("990101002001"),
                s("新村社区"),
                s("990101002001"),
                true,
            ),
        ]),
        departments: entries(vec![
            (20, s("A-ZJ"), s("示例区住建局"), s("示例区"), true),
            (21, s("A-JY"), s("示例区教育局"), s("示例区"), true),
            (22, s("A-MZ"), s("示例区民政局"), s("示例区"), false),
        ]),
    }
}

/// The issues of a one-row sheet whose row is `good_row` changed by `change`.
fn issues_of(change: impl FnOnce(&mut Vec<CellValue>)) -> Vec<RowIssue> {
    let mut row = good_row("2026-MX-0001");
    change(&mut row);
    let parsed = parse(&sheet(vec![header(), row]), &dictionary());
    assert!(parsed.rows.is_empty() || parsed.issues.is_empty());
    parsed.issues
}

fn one_issue(change: impl FnOnce(&mut Vec<CellValue>)) -> (Column, Issue) {
    let issues = issues_of(change);
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert_eq!(issues[0].row, Some(2), "data starts on Excel row 2");
    (
        issues[0].column.expect("a cell problem"),
        issues[0].issue.clone(),
    )
}

#[test]
fn a_good_row_becomes_typed_values() {
    let parsed = parse(
        &sheet(vec![header(), good_row("2026-mx-0001")]),
        &dictionary(),
    );
    assert!(parsed.issues.is_empty(), "{:#?}", parsed.issues);
    assert_eq!(parsed.data_rows, 1);
    let row = &parsed.rows[0];
    assert_eq!(row.row, 2);
    assert_eq!(row.code, "2026-MX-0001", "codes are upper-cased");
    assert_eq!(
        (row.category_id, row.region_id, row.lead_department_id),
        (1, 11, 20)
    );
    assert_eq!(row.partner_department_ids, vec![21]);
    assert_eq!(row.year, 2026);
    assert_eq!(row.planned_start, NaiveDate::from_ymd_opt(2026, 3, 1));
    assert_eq!(row.planned_end, NaiveDate::from_ymd_opt(2026, 10, 31));
    assert_eq!(row.budget.get(&FundingSource::Central), Some(&100_000_000));
    assert_eq!(row.budget.get(&FundingSource::County), Some(&12_500_000));
    assert_eq!(row.budget.get(&FundingSource::Residents), Some(&123_450));
    assert_eq!(row.budget.get(&FundingSource::Provincial), None);
    assert_eq!(row.beneficiaries, Some(1200));
    assert_eq!((row.longitude, row.latitude), (Some(120.15), Some(30.28)));
    assert!(row.is_public);
    assert_eq!(row.public_phone, "12345");
}

#[test]
fn the_published_phone_is_optional_checked_and_may_be_absent() {
    let parsed = parse(
        &sheet(vec![header(), {
            let mut r = good_row("");
            r[Column::PublicPhone.index()] = CellValue::Empty;
            r
        }]),
        &dictionary(),
    );
    assert_eq!(parsed.rows[0].public_phone, "");
    let (column, issue) = one_issue(|r| r[Column::PublicPhone.index()] = text("请找王主任"));
    assert_eq!(column, Column::PublicPhone);
    assert_eq!(
        issue,
        Issue::BadPhone {
            value: "请找王主任".into()
        }
    );
    // A sheet from the template before the column existed still imports, its rows without a
    // published line.
    let old_header: Vec<CellValue> = header()[..Column::PublicPhone.index()].to_vec();
    let mut old_row = good_row("");
    old_row.truncate(Column::PublicPhone.index());
    let parsed = parse(&sheet(vec![old_header, old_row]), &dictionary());
    assert!(parsed.issues.is_empty(), "{:#?}", parsed.issues);
    assert_eq!(parsed.rows[0].public_phone, "");
    // Without the header, whatever stands below it is not read.
    let mut blank_header = header();
    blank_header[Column::PublicPhone.index()] = CellValue::Empty;
    let parsed = parse(&sheet(vec![blank_header, good_row("")]), &dictionary());
    assert!(parsed.issues.is_empty(), "{:#?}", parsed.issues);
    assert_eq!(parsed.rows[0].public_phone, "");
}

#[test]
fn a_different_header_is_one_clear_problem() {
    let mut wrong = header();
    wrong[2] = text("类别");
    let mut rows = vec![wrong];
    rows.extend((0..50).map(|i| good_row(&format!("2026-MX-{i:04}"))));
    let parsed = parse(&sheet(rows), &dictionary());
    assert_eq!(parsed.issues.len(), 1, "{:#?}", parsed.issues);
    assert!(parsed.rows.is_empty());
    assert_eq!(parsed.issues[0].row, Some(1));
    assert_eq!(
        parsed.issues[0].issue,
        Issue::WrongTemplate {
            letter: "C".into(),
            expected: "项目类别".into(),
            found: "类别".into()
        }
    );
    // Some other spreadsheet altogether.
    let other = sheet(vec![vec![text("姓名"), text("年龄")], vec![text("张三")]]);
    let parsed = parse(&other, &dictionary());
    assert_eq!(parsed.issues.len(), 1);
    assert!(matches!(
        parsed.issues[0].issue,
        Issue::WrongTemplate { .. }
    ));
    // An empty sheet.
    let parsed = parse(&Sheet::default(), &dictionary());
    assert_eq!(parsed.issues, vec![RowIssue::file(Issue::NoRows)]);
}

#[test]
fn headers_tolerate_spacing_brackets_and_a_title_above() {
    let mut spaced = header();
    spaced[Column::Central.index()] = text(" 中央资金（元） ");
    spaced[Column::Name.index()] = text("*项目名称");
    let title = vec![text("2026年民心工程年度清单")];
    let mut s = sheet(vec![title, spaced, good_row("2026-MX-0001")]);
    // The title spans A1:X1; merged cells above the header do not matter.
    s.merged.push(CellRange {
        first_row: 0,
        first_col: 0,
        last_row: 0,
        last_col: 23,
    });
    let parsed = parse(&s, &dictionary());
    assert!(parsed.issues.is_empty(), "{:#?}", parsed.issues);
    assert_eq!(parsed.rows[0].row, 3);
}

#[test]
fn a_header_without_data_says_so() {
    let parsed = parse(&sheet(vec![header(), vec![text(" ")]]), &dictionary());
    assert_eq!(parsed.issues, vec![RowIssue::file(Issue::NoRows)]);
}

#[test]
fn merged_cells_are_named_by_range_and_column() {
    let mut s = sheet(vec![header(), good_row("2026-MX-0001"), good_row("")]);
    s.merged.push(CellRange {
        first_row: 1,
        first_col: 1,
        last_row: 2,
        last_col: 1,
    });
    let parsed = parse(&s, &dictionary());
    assert!(parsed.issues.contains(&RowIssue {
        row: Some(2),
        column: Some(Column::Name),
        issue: Issue::Merged {
            range: "B2:B3".into()
        }
    }));
}

#[test]
fn dates_as_dates_serials_and_text() {
    let d = |y, m, day| Some(NaiveDate::from_ymd_opt(y, m, day).unwrap());
    for (cell, expected) in [
        (text("2026-03-01"), d(2026, 3, 1)),
        (text("2026/3/1"), d(2026, 3, 1)),
        (text("2026年3月1日"), d(2026, 3, 1)),
        (text("2026.3.1"), d(2026, 3, 1)),
        (text("2026-03-01 00:00:00"), d(2026, 3, 1)),
        (text("20260301"), d(2026, 3, 1)),
        (CellValue::Number(20260301.0), d(2026, 3, 1)),
        (CellValue::Number(46082.0), d(2026, 3, 1)),
        (CellValue::Number(1.0), d(1900, 1, 1)),
        (CellValue::Number(61.0), d(1900, 3, 1)),
        (
            CellValue::Date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            d(2026, 3, 1),
        ),
        (text(" "), None),
        (CellValue::Empty, None),
    ] {
        assert_eq!(parse_date(&cell), Ok(expected), "{cell:?}");
    }
    for bad in [
        text("2026-02-30"),
        text("3/1/2026"),
        text("明年春天"),
        text("2026年13月1日"),
        CellValue::Number(46082.5),
        CellValue::Bool(true),
    ] {
        assert!(
            matches!(parse_date(&bad), Err(Issue::BadDate { .. })),
            "{bad:?}"
        );
    }
    let (column, issue) = one_issue(|r| r[Column::PlannedStart.index()] = text("2026年2月30日"));
    assert_eq!(column, Column::PlannedStart);
    assert_eq!(
        issue,
        Issue::BadDate {
            value: "2026年2月30日".into()
        }
    );
    let (column, issue) = one_issue(|r| r[Column::PlannedEnd.index()] = text("2026-01-01"));
    assert_eq!((column, issue), (Column::PlannedEnd, Issue::EndBeforeStart));
}

#[test]
fn amounts_with_units_separators_and_float_noise() {
    assert_eq!(parse_money(&text("12.5万元")), Ok(Some(12_500_000)));
    assert_eq!(parse_money(&text("12.5万")), Ok(Some(12_500_000)));
    assert_eq!(parse_money(&text("1,234,567.89")), Ok(Some(123_456_789)));
    assert_eq!(
        parse_money(&text("１２３")),
        Err(Issue::BadMoney {
            value: "１２３".into()
        })
    );
    assert_eq!(parse_money(&text("￥88 元")), Ok(Some(8_800)));
    assert_eq!(parse_money(&CellValue::Number(1234.5)), Ok(Some(123_450)));
    // What a formula such as =0.1+0.2 leaves in the cell.
    assert_eq!(parse_money(&CellValue::Number(0.1 + 0.2)), Ok(Some(30)));
    assert_eq!(
        parse_money(&CellValue::Number(9_999_999_999_999.99)),
        Ok(Some(999_999_999_999_999))
    );
    assert_eq!(parse_money(&CellValue::Empty), Ok(None));
    assert_eq!(
        parse_money(&CellValue::Number(1.234)),
        Err(Issue::MoneyPrecision {
            value: "1.234".into()
        })
    );
    assert_eq!(
        parse_money(&text("1.234")),
        Err(Issue::MoneyPrecision {
            value: "1.234".into()
        })
    );
    assert_eq!(
        parse_money(&text("-5")),
        Err(Issue::Negative { value: "-5".into() })
    );
    assert_eq!(
        parse_money(&text("99999999999999万元")),
        Err(Issue::MoneyTooLarge {
            value: "99999999999999万元".into()
        })
    );
    assert_eq!(
        parse_money(&CellValue::Number(1e20)),
        Err(Issue::MoneyTooLarge {
            value: "100000000000000000000".into()
        })
    );
    let (column, issue) = one_issue(|r| r[Column::Social.index()] = text("五十万"));
    assert_eq!(
        (column, issue),
        (
            Column::Social,
            Issue::BadMoney {
                value: "五十万".into()
            }
        )
    );
}

#[test]
fn numbers_that_are_not_numbers() {
    let (column, issue) = one_issue(|r| r[Column::Year.index()] = text("二〇二六"));
    assert_eq!(column, Column::Year);
    assert!(matches!(issue, Issue::BadYear { .. }));
    let (_, issue) = one_issue(|r| r[Column::Year.index()] = CellValue::Number(1999.0));
    assert!(matches!(issue, Issue::BadYear { .. }));
    assert_eq!(parse_integer(&text("2026年")), Ok(Some(2026)));
    let (column, issue) = one_issue(|r| r[Column::Beneficiaries.index()] = text("约一千人"));
    assert_eq!(column, Column::Beneficiaries);
    assert!(matches!(issue, Issue::BadInteger { .. }));
    let (_, issue) = one_issue(|r| r[Column::Beneficiaries.index()] = CellValue::Number(12.5));
    assert!(matches!(issue, Issue::BadInteger { .. }));
    let (_, issue) = one_issue(|r| r[Column::Beneficiaries.index()] = text("-3"));
    assert!(matches!(issue, Issue::Negative { .. }));
    let (column, issue) = one_issue(|r| r[Column::Longitude.index()] = text("东经120度"));
    assert_eq!(column, Column::Longitude);
    assert!(matches!(issue, Issue::BadCoordinate { .. }));
    let (_, issue) = one_issue(|r| r[Column::Latitude.index()] = CellValue::Number(95.0));
    assert!(matches!(issue, Issue::BadCoordinate { .. }));
    let (column, issue) = one_issue(|r| r[Column::Latitude.index()] = CellValue::Empty);
    assert_eq!((column, issue), (Column::Latitude, Issue::CoordinatePair));
    let (column, issue) = one_issue(|r| r[Column::Public.index()] = text("也许"));
    assert_eq!(column, Column::Public);
    assert!(matches!(issue, Issue::BadYesNo { .. }));
    assert_eq!(parse_yes_no(&CellValue::Bool(false)), Ok(Some(false)));
    assert_eq!(parse_yes_no(&text("不公开")), Ok(Some(false)));
}

#[test]
fn text_cells_are_required_bounded_and_checked() {
    let (column, issue) = one_issue(|r| r[Column::Name.index()] = text("  "));
    assert_eq!((column, issue), (Column::Name, Issue::Required));
    let (column, issue) = one_issue(|r| r[Column::Owner.index()] = text(&"长".repeat(51)));
    assert_eq!((column, issue), (Column::Owner, Issue::TooLong { max: 50 }));
    let (column, issue) = one_issue(|r| r[Column::Phone.index()] = text("138 0013 8000"));
    assert_eq!(column, Column::Phone);
    assert!(matches!(issue, Issue::BadPhone { .. }));
    // A phone typed as a number reads as its digits.
    let parsed = parse(
        &sheet(vec![header(), {
            let mut r = good_row("");
            r[Column::Phone.index()] = CellValue::Number(13_800_138_000.0);
            r
        }]),
        &dictionary(),
    );
    assert_eq!(parsed.rows[0].owner_phone, "13800138000");
    let (column, issue) = one_issue(|r| r[Column::Code.index()] = text("2026 MX 1"));
    assert_eq!(column, Column::Code);
    assert!(matches!(issue, Issue::BadCode { .. }));
    let (column, issue) =
        one_issue(|r| r[Column::Goals.index()] = CellValue::Error("#REF!".into()));
    assert_eq!(
        (column, issue),
        (
            Column::Goals,
            Issue::FormulaError {
                value: "#REF!".into()
            }
        )
    );
}

#[test]
fn every_missing_required_cell_is_reported_at_once() {
    let issues = issues_of(|r| {
        for c in Column::ALL {
            if c != Column::Code {
                r[c.index()] = CellValue::Empty;
            }
        }
    });
    let required: Vec<Column> = Column::ALL.into_iter().filter(|c| c.required()).collect();
    let reported: Vec<Column> = issues.iter().filter_map(|i| i.column).collect();
    assert_eq!(reported, required, "{issues:#?}");
    assert!(issues.iter().all(|i| i.issue == Issue::Required));
}

#[test]
fn dictionary_names_codes_and_labels() {
    // By code, by label of an ambiguous name, case and spacing ignored.
    let parsed = parse(
        &sheet(vec![header(), {
            let mut r = good_row("");
            r[Column::Category.index()] = text("其他（公共服务）");
            r[Column::Region.index()] = text("990101001002");
            r[Column::Lead.index()] = text("a-zj");
            r[Column::Partners.index()] = text("示例区教育局、 A-MZ；示例区教育局");
            r
        }]),
        &dictionary(),
    );
    assert!(parsed.issues.is_empty(), "{:#?}", parsed.issues);
    let row = &parsed.rows[0];
    assert_eq!(
        (row.category_id, row.region_id, row.lead_department_id),
        (4, 12, 20)
    );
    assert_eq!(row.partner_department_ids, vec![21, 22]);

    let (column, issue) = one_issue(|r| r[Column::Category.index()] = text("其他"));
    assert_eq!(
        (column, issue),
        (
            Column::Category,
            Issue::Ambiguous {
                value: "其他".into()
            }
        )
    );
    let (column, issue) = one_issue(|r| r[Column::Category.index()] = text("修路"));
    assert_eq!(
        (column, issue),
        (
            Column::Category,
            Issue::UnknownCategory {
                value: "修路".into()
            }
        )
    );
    let (column, issue) = one_issue(|r| r[Column::Region.index()] = text("样板街道"));
    assert_eq!(
        (column, issue),
        (
            Column::Region,
            Issue::UnknownRegion {
                value: "样板街道".into()
            }
        )
    );
    let (column, issue) = one_issue(|r| r[Column::Lead.index()] = text("样板区住建局"));
    assert_eq!(
        (column, issue),
        (
            Column::Lead,
            Issue::UnknownDepartment {
                value: "样板区住建局".into()
            }
        )
    );
    let (column, issue) = one_issue(|r| r[Column::Partners.index()] = text("示例区教育局，卫健局"));
    assert_eq!(
        (column, issue),
        (
            Column::Partners,
            Issue::UnknownDepartment {
                value: "卫健局".into()
            }
        )
    );
    let (column, issue) = one_issue(|r| r[Column::Lead.index()] = text("示例区民政局"));
    assert_eq!(column, Column::Lead);
    assert!(matches!(issue, Issue::NotOwnDepartment { .. }));
    let (column, issue) = one_issue(|r| r[Column::Partners.index()] = text("示例区住建局"));
    assert_eq!(column, Column::Partners);
    assert!(matches!(issue, Issue::PartnerIsLead { .. }));
}

#[test]
fn duplicate_codes_name_the_first_row() {
    let rows = vec![
        header(),
        good_row("2026-MX-0001"),
        good_row("2026-MX-0002"),
        good_row("2026-mx-0001"),
        good_row(""),
        good_row(""),
    ];
    let parsed = parse(&sheet(rows), &dictionary());
    assert_eq!(
        parsed.issues,
        vec![RowIssue::cell(
            4,
            Column::Code,
            Issue::DuplicateCode {
                code: "2026-MX-0001".into(),
                first_row: 2
            }
        )]
    );
    assert_eq!(parsed.rows.len(), 4, "empty codes are not duplicates");
    assert_eq!(parsed.data_rows, 5);
    let listed: Vec<(u32, &str)> = parsed
        .listed
        .iter()
        .map(|r| (r.row, r.code.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (2, "2026-MX-0001"),
            (3, "2026-MX-0002"),
            (4, "2026-MX-0001"),
            (5, ""),
            (6, "")
        ],
        "every row is listed, the duplicate too"
    );
}

#[test]
fn problems_on_many_rows_are_all_reported_in_order() {
    let mut rows = vec![header()];
    for i in 0..10 {
        let mut r = good_row(&format!("2026-MX-{i:04}"));
        if i % 3 == 0 {
            r[Column::Year.index()] = text("明年");
        }
        rows.push(r);
    }
    let parsed = parse(&sheet(rows), &dictionary());
    let rows_with_issues: Vec<u32> = parsed.issues.iter().filter_map(|i| i.row).collect();
    assert_eq!(rows_with_issues, vec![2, 5, 8, 11]);
    assert_eq!(parsed.rows.len(), 6);
}

#[test]
fn too_many_rows_is_one_problem() {
    let mut rows = vec![header()];
    rows.extend((0..=MAX_ROWS).map(|_| good_row("")));
    let parsed = parse(&sheet(rows), &dictionary());
    assert_eq!(
        parsed.issues,
        vec![RowIssue::file(Issue::TooManyRows { max: MAX_ROWS })]
    );
}

#[test]
fn labels_are_unique() {
    let d = dictionary();
    let labels: Vec<&str> = d.regions.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "示例街道",
            "幸福社区",
            "新村社区（990101001002）",
            "新村社区（990101002001）"
        ]
    );
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(23), "X");
    assert_eq!(column_letter(26), "AA");
    assert_eq!(Column::Public.letter(), "X");
    assert_eq!(Column::for_field("owner_phone"), Some(Column::Phone));
    assert_eq!(Column::PublicPhone.letter(), "Y");
    assert_eq!(Column::for_field("public_phone"), Some(Column::PublicPhone));
}

// ---- The workbook reader -------------------------------------------------------------------

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
