//! Excel in and out through the pages, on every backend: the template, an annual plan built here
//! with rust_xlsxwriter uploaded, previewed, confirmed and watched to the end, broken files
//! refused with one clear message, uploads private to their uploader, and the list exported.

use crate::common::{Client, TestApp, multipart};
use axum::http::{StatusCode, header};
use chrono::{Duration, SubsecRound, Utc};
use minxin_domain::kernel::clock::Clock;
use minxin_domain::projects::import::workbook::{MAX_FILE_BYTES, read_workbook};
use minxin_domain::projects::import::{CellValue, Column};
use minxin_storage::StoreError;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An annual plan as an office would fill in the template: real dates, a date typed as text,
/// amounts in 元, with thousands separators and in 万元, a partner list.
fn plan(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut book = plan_book(rows.len(), |sheet, r, date, i| {
        let (code, name) = rows[i];
        let text: [(Column, &str); 12] = [
            (Column::Code, code),
            (Column::Name, name),
            (Column::Category, "养老服务"),
            (Column::Region, "示例街道"),
            (Column::Lead, "示例区住建局"),
            (Column::Partners, "示例区教育局"),
            (Column::Owner, "王建国"),
            (Column::Phone, "13800001234"),
            (Column::PlannedEnd, "2026年10月31日"),
            (Column::County, "12.5万元"),
            (Column::Residents, "1,234.50"),
            (Column::Public, "是"),
        ];
        row_cells(sheet, r, &text, 300_000.0, (3, date));
    });
    book.save_to_buffer().unwrap()
}

/// A workbook with the template's header row and `rows` rows, each written by `row` (the
/// sheet, the row's number, the date format, the row's index), laid out as an office's plan.
fn plan_book(rows: usize, mut row: impl FnMut(&mut Worksheet, u32, &Format, usize)) -> Workbook {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("项目清单").unwrap();
    for c in Column::ALL {
        sheet.write_string(0, c.index() as u16, c.header()).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for i in 0..rows {
        row(sheet, i as u32 + 1, &date, i);
    }
    book
}

/// Writes row `r`'s `text` cells, the year 2026, `central` 元 and a planned start on the first
/// of `start`'s month (with the date format), which every plan row has.
fn row_cells<S: AsRef<str>>(
    sheet: &mut Worksheet,
    r: u32,
    text: &[(Column, S)],
    central: f64,
    start: (u8, &Format),
) {
    for (c, v) in text {
        sheet.write_string(r, c.index() as u16, v.as_ref()).unwrap();
    }
    sheet
        .write_number(r, Column::Year.index() as u16, 2026)
        .unwrap();
    sheet
        .write_number(r, Column::Central.index() as u16, central)
        .unwrap();
    sheet
        .write_datetime_with_format(
            r,
            Column::PlannedStart.index() as u16,
            ExcelDateTime::from_ymd(2026, start.0, 1).unwrap(),
            start.1,
        )
        .unwrap();
}

/// Signs `username` in and uploads `bytes` as `name` through the form's own action URL.
async fn upload(browser: &mut Client<'_>, name: &str, bytes: &[u8]) -> crate::common::Reply {
    let form = browser.get("/projects/import").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let marker = "action=\"/projects/import?_csrf=";
    let start = form.body.find(marker).expect("upload form") + "action=\"".len();
    let action = form.body[start..].split('"').next().unwrap().to_owned();
    let body = multipart(&[], Some(("file", name, XLSX, bytes)));
    browser.post_multipart(&action, body).await
}

fn location(reply: &crate::common::Reply) -> String {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_annual_plan_goes_from_template_to_registry_and_back_to_excel() {
    for env in TestApp::each().await {
        let b = env.backend;
        let mut office = env.signed_in("office_a").await;

        // The template: headers, the user's dictionary, drop-downs.
        let (status, headers, bytes) = office.download("/projects/import/template.xlsx").await;
        assert_eq!(status, StatusCode::OK, "[{b}]");
        assert_eq!(headers[header::CONTENT_TYPE], XLSX, "[{b}]");
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"minxin-import-template.xlsx\"")
                && disposition.contains("filename*=UTF-8''"),
            "[{b}] {disposition}"
        );
        let template = read_workbook(&bytes, MAX_FILE_BYTES).unwrap();
        let header: Vec<String> = template.rows[0]
            .1
            .iter()
            .map(minxin_domain::projects::import::cell_text)
            .collect();
        assert_eq!(header[4], "所属街道/社区", "[{b}]");
        assert_eq!(header.len(), 25, "[{b}]");
        assert_eq!(header[24], "公开联系电话", "[{b}]");

        // Upload → preview with every row and no problem.
        let file = plan(&[
            ("2026-MX-0101", "幸福社区老年食堂"),
            ("", "和平社区老年食堂"),
        ]);
        let uploaded = upload(&mut office, "2026年度清单.xlsx", &file).await;
        assert_eq!(
            uploaded.status,
            StatusCode::SEE_OTHER,
            "[{b}] {}",
            uploaded.body
        );
        let job = location(&uploaded);
        assert!(job.starts_with("/projects/import/"), "[{b}] {job}");
        let preview = office.get(&job).await;
        assert_eq!(preview.status, StatusCode::OK, "[{b}]");
        assert!(
            preview.body.contains("2026-MX-0101"),
            "[{b}] {}",
            preview.body
        );
        assert!(preview.body.contains("和平社区老年食堂"), "[{b}]");
        assert!(preview.body.contains("（自动生成）"), "[{b}]");
        assert!(
            preview.body.contains("id=\"confirm-import\""),
            "[{b}] {}",
            preview.body
        );
        assert!(!preview.body.contains("import-issues"), "[{b}]");
        assert_eq!(
            env.project_total().await,
            0,
            "[{b}] a preview saves nothing"
        );

        // Another account cannot see or confirm this upload.
        let mut other = env.signed_in("leader_a").await;
        assert_eq!(other.get(&job).await.status, StatusCode::FORBIDDEN, "[{b}]");
        let mut office_elsewhere = env.signed_in("office_a").await;
        assert_eq!(
            office_elsewhere.get(&job).await.status,
            StatusCode::NOT_FOUND,
            "[{b}] uploads belong to the browser session that made them"
        );
        let forged = office_elsewhere
            .post_form(&format!("{job}/confirm"), &[])
            .await;
        assert_eq!(forged.status, StatusCode::NOT_FOUND, "[{b}]");
        env.drain_jobs().await;
        assert!(
            office
                .get(&job)
                .await
                .body
                .contains("id=\"confirm-import\""),
            "[{b}] still waiting for its own confirmation"
        );
        assert_eq!(
            office.get("/projects/import/../../etc/passwd").await.status,
            StatusCode::NOT_FOUND,
            "[{b}]"
        );

        // Confirm: queued, the page shows its progress and refreshes itself; the worker runs
        // it to the end.
        let confirmed = office.post_form(&format!("{job}/confirm"), &[]).await;
        assert_eq!(confirmed.status, StatusCode::SEE_OTHER, "[{b}]");
        let queued = office.get(&job).await;
        assert!(
            queued.body.contains("import-progress"),
            "[{b}] {}",
            queued.body
        );
        assert!(queued.body.contains("http-equiv=\"refresh\""), "[{b}]");
        assert_eq!(env.project_total().await, 0, "[{b}] not run yet");
        env.drain_jobs().await;
        let page = office.get(&job).await;
        assert!(page.body.contains("导入完成"), "[{b}] {}", page.body);
        assert!(
            page.body.contains("2026-MX-0102"),
            "[{b}] generated code shown"
        );
        assert_eq!(env.project_total().await, 2, "[{b}]");
        // A second click on confirm does not import twice.
        let again = office.post_form(&format!("{job}/confirm"), &[]).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "[{b}]");
        env.drain_jobs().await;
        assert_eq!(env.project_total().await, 2, "[{b}]");

        // The same file again: the coded row is unchanged, not duplicated.
        let uploaded = upload(
            &mut office,
            "2026年度清单.xlsx",
            &plan(&[("2026-MX-0101", "幸福社区老年食堂（扩建）")]),
        )
        .await;
        let job = location(&uploaded);
        let preview = office.get(&job).await;
        assert!(preview.body.contains("action-update"), "[{b}]");

        // Export what the list shows, and read it back.
        let (status, headers, bytes) = office
            .download("/projects/export.xlsx?pool=plan&q=%E8%80%81%E5%B9%B4")
            .await;
        assert_eq!(status, StatusCode::OK, "[{b}]");
        assert_eq!(headers[header::CONTENT_TYPE], XLSX, "[{b}]");
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"minxin-projects-")
                && disposition.contains("filename*=UTF-8''%E6%B0%91%E5%BF%83"),
            "[{b}] {disposition}"
        );
        let export = read_workbook(&bytes, MAX_FILE_BYTES).unwrap();
        assert_eq!(export.rows.len(), 3, "[{b}] header and both projects");
        let first = &export.rows[1].1;
        assert_eq!(first[0], CellValue::Text("2026-MX-0101".into()), "[{b}]");
        // 300,000 + 125,000 + 1,234.50 元, as a number.
        assert_eq!(first[9], CellValue::Number(426_234.5), "[{b}]");
        assert_eq!(
            first[10],
            CellValue::Date(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            "[{b}]"
        );
        // Filters apply: a keyword that matches nothing exports only the header.
        let (_, _, bytes) = office
            .download("/projects/export.xlsx?q=nothing-like-this")
            .await;
        assert_eq!(
            read_workbook(&bytes, MAX_FILE_BYTES).unwrap().rows.len(),
            1,
            "[{b}]"
        );
    }
}

#[tokio::test]
async fn broken_files_are_explained_and_nothing_is_imported() {
    for env in TestApp::each().await {
        let b = env.backend;
        let mut office = env.signed_in("office_a").await;

        // A CSV renamed to .xlsx: refused on the form, with one clear message.
        let csv = "项目编号,项目名称\n2026-MX-0001,示例\n".as_bytes();
        let refused = upload(&mut office, "plan.xlsx", csv).await;
        assert_eq!(refused.status, StatusCode::OK, "[{b}]");
        assert!(
            refused.body.contains("不是有效的 .xlsx 文件"),
            "[{b}] {}",
            refused.body
        );
        assert!(refused.body.contains("plan.xlsx"), "[{b}]");

        // 10 MB of junk: one clear message, never a 500; a byte more is too large.
        let mut junk: Vec<u8> = (0..MAX_FILE_BYTES)
            .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_be_bytes()[0])
            .collect();
        let refused = upload(&mut office, "junk.xlsx", &junk).await;
        assert_eq!(refused.status, StatusCode::OK, "[{b}] {}", refused.body);
        assert!(
            refused.body.contains("不是有效的 .xlsx 文件"),
            "[{b}] {}",
            refused.body
        );
        junk.push(0);
        let refused = upload(&mut office, "junk.xlsx", &junk).await;
        assert_eq!(refused.status, StatusCode::OK, "[{b}] {}", refused.body);
        assert!(refused.body.contains("文件太大"), "[{b}] {}", refused.body);

        // A workbook with problems: listed row by row, no confirm button.
        let duplicates = plan(&[("2026-MX-0001", "甲"), ("2026-MX-0001", "乙")]);
        let uploaded = upload(&mut office, "dup.xlsx", &duplicates).await;
        let job = location(&uploaded);
        let preview = office.get(&job).await;
        assert!(preview.body.contains("import-issues"), "[{b}]");
        assert!(
            preview.body.contains("项目编号 2026-MX-0001 与第 2 行重复"),
            "[{b}] {}",
            preview.body
        );
        assert!(!preview.body.contains("id=\"confirm-import\""), "[{b}]");
        assert!(
            preview.body.contains("action-problem"),
            "[{b}] rows with problems are listed too"
        );
        // Confirming anyway (a forged post) imports nothing.
        office.post_form(&format!("{job}/confirm"), &[]).await;
        env.drain_jobs().await;
        let after = office.get(&job).await;
        assert!(
            after.body.contains("没有任何项目被修改"),
            "[{b}] {}",
            after.body
        );
        assert_eq!(env.project_total().await, 0, "[{b}]");

        // Another spreadsheet altogether: one problem naming the header.
        let mut book2 = Workbook::new();
        let s2 = book2.add_worksheet();
        s2.write_string(0, 0, "序号").unwrap();
        s2.write_string(0, 1, "项目").unwrap();
        s2.write_string(1, 0, "1").unwrap();
        let uploaded = upload(&mut office, "other.xlsx", &book2.save_to_buffer().unwrap()).await;
        let preview = office.get(&location(&uploaded)).await;
        assert!(
            preview
                .body
                .contains("表头与导入模板不一致：第 A 列应为“项目编号”"),
            "[{b}] {}",
            preview.body
        );

        // An upload without the CSRF token is refused.
        let body = multipart(&[], Some(("file", "plan.xlsx", XLSX, &duplicates)));
        let forged = office.post_multipart("/projects/import", body).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "[{b}]");
    }
}

#[tokio::test]
async fn the_apps_clock_is_storages_and_uploads_are_swept_after_a_day() {
    let start = Utc::now().trunc_subsecs(6);
    let clock = Clock::fixed(start);
    for env in TestApp::builder().clock(&clock).each().await {
        let b = env.backend;
        clock.set(start);
        let mut office = env.signed_in("office_a").await;
        let first = location(&upload(&mut office, "a.xlsx", &plan(&[("", "甲")])).await);
        let id: i64 = first.rsplit('/').next().unwrap().parse().unwrap();
        let actor = env.actor("office_a").await;
        let scoped = env.store().scoped(&actor, "t");
        // The job's time is storage's, read from the app's clock.
        assert_eq!(
            scoped.jobs().get(id).await.unwrap().created_at,
            start,
            "[{b}]"
        );

        // A day and an hour on: the session expired on the same clock, and the next upload
        // sweeps the old one away.
        clock.set(start + Duration::hours(25));
        assert_ne!(
            office.get(&first).await.status,
            StatusCode::OK,
            "[{b}] the session expired"
        );
        let mut office = env.signed_in("office_a").await;
        let second = location(&upload(&mut office, "b.xlsx", &plan(&[("", "乙")])).await);
        assert_eq!(office.get(&second).await.status, StatusCode::OK, "[{b}]");
        assert!(
            matches!(scoped.jobs().get(id).await, Err(StoreError::NotFound)),
            "[{b}] swept"
        );
    }
}

#[tokio::test]
async fn only_the_project_office_imports() {
    for env in TestApp::each().await {
        let b = env.backend;
        for user in ["leader_a", "dept_a", "sysadmin"] {
            let mut browser = env.signed_in(user).await;
            for path in ["/projects/import", "/projects/import/template.xlsx"] {
                let reply = browser.get(path).await;
                assert_eq!(reply.status, StatusCode::FORBIDDEN, "[{b}] {user} {path}");
            }
        }
        // Anyone who reads projects may export; an administrator may not.
        let leader = env.signed_in("leader_a").await;
        let (status, _, _) = leader.download("/projects/export.xlsx").await;
        assert_eq!(status, StatusCode::OK, "[{b}]");
        let admin = env.signed_in("sysadmin").await;
        let (status, _, _) = admin.download("/projects/export.xlsx").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "[{b}]");
    }
}

/// Writes a real-looking annual plan for the demo district (`minxin demo`) with
/// `MINXIN_SAMPLE_ROWS` rows (default 10,000) to `MINXIN_SAMPLE_PLAN` (default
/// `/tmp/minxin-plan.xlsx`), names followed by `MINXIN_SAMPLE_NOTE` if set, for trying the
/// import by hand and for timing it:
/// `cargo test -p minxin-web --test import -- --ignored write_sample_plan`, then
/// `minxin import projects /tmp/minxin-plan.xlsx --user office`.
#[test]
#[ignore]
fn write_sample_plan() {
    let rows: usize = std::env::var("MINXIN_SAMPLE_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let path = std::env::var("MINXIN_SAMPLE_PLAN").unwrap_or("/tmp/minxin-plan.xlsx".into());
    // Appended to every name, to make a changed version of the same plan.
    let note = std::env::var("MINXIN_SAMPLE_NOTE").unwrap_or_default();
    let communities = [
        "东湖社区",
        "湖滨社区",
        "望湖社区",
        "新华社区",
        "西城社区",
        "文昌社区",
        "书院社区",
        "南山社区",
        "翠竹社区",
        "枫林社区",
        "松涛社区",
        "北苑社区",
        "和平社区",
        "幸福里社区",
    ];
    let kinds = [
        ("老旧小区改造", "老旧小区改造", "示例区住房和城乡建设局"),
        ("既有住宅加装电梯", "加装电梯", "示例区住房和城乡建设局"),
        ("养老服务", "社区老年食堂", "示例区民政局"),
        ("托育服务", "普惠托育点", "示例区卫生健康局"),
        ("供水排水", "农村饮水安全巩固提升", "示例区水务局"),
        ("道路交通", "背街小巷道路硬化", "示例区交通运输局"),
        (
            "垃圾分类",
            "垃圾分类投放点改造",
            "示例区城市管理和综合执法局",
        ),
        ("公园绿地", "口袋公园", "示例区城市管理和综合执法局"),
        ("教育", "幼儿园扩容", "示例区教育局"),
        ("文化体育", "全民健身场地", "示例区文化广电旅游体育局"),
    ];
    let mut book = plan_book(rows, |sheet, r, date, i| {
        let community = communities[i % communities.len()];
        let (category, what, lead) = kinds[i % kinds.len()];
        let month = (i % 9) as u8 + 2;
        let text: [(Column, String); 12] = [
            (Column::Code, format!("2026-JH-{:05}", i + 1)),
            (
                Column::Name,
                format!("{community}{what}（{}期）{note}", i / 140 + 1),
            ),
            (Column::Category, category.into()),
            (Column::Region, community.into()),
            (Column::Lead, lead.into()),
            (Column::Partners, "示例区财政局、示例区发展和改革局".into()),
            (
                Column::Owner,
                ["王建国", "李秀英", "张伟", "刘洋", "陈静"][i % 5].into(),
            ),
            (Column::Phone, format!("1380000{:04}", i % 10_000)),
            (
                Column::Address,
                format!("示例区{community}{}号", i % 200 + 1),
            ),
            (
                Column::PlannedEnd,
                format!("2026年{}月{}日", month + 2, i % 28 + 1),
            ),
            (Column::County, format!("{}.5万元", i % 90 + 10)),
            (Column::Public, "是".into()),
        ];
        row_cells(
            sheet,
            r,
            &text,
            (i % 50 + 1) as f64 * 10_000.0,
            (month, date),
        );
        sheet
            .write_string(
                r,
                Column::Residents.index() as u16,
                format!("{},{:03}.50", i % 9 + 1, i % 1000),
            )
            .unwrap();
        sheet
            .write_number(
                r,
                Column::Beneficiaries.index() as u16,
                (i % 3000 + 100) as f64,
            )
            .unwrap();
        sheet
            .write_number(
                r,
                Column::Longitude.index() as u16,
                114.3 + (i % 100) as f64 * 0.001,
            )
            .unwrap();
        sheet
            .write_number(
                r,
                Column::Latitude.index() as u16,
                30.5 + (i % 100) as f64 * 0.001,
            )
            .unwrap();
        sheet
            .write_string(
                r,
                Column::Description.index() as u16,
                format!("{community}{what}：完成设计、施工和验收。"),
            )
            .unwrap();
        sheet
            .write_string(
                r,
                Column::Goals.index() as u16,
                "按期完工，居民满意度不低于 90%。",
            )
            .unwrap();
    });
    book.save(&path).unwrap();
    println!("wrote {rows} rows to {path}");
}
