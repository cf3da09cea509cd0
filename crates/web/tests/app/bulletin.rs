//! Bulletins through the pages, the files and the API, on every backend: the office takes the
//! month just finished, the page shows its figures, the .xlsx opened again with calamine and the
//! .docx unzipped hold the same figures and reasons, the API agrees, quarterly and annual
//! summaries render, and only leaders and the office get in.

use crate::common::{Client, TestApp, docx_text};
use axum::http::{Method, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use minxin_domain::control::bulletin::snapshot_month;
use minxin_domain::projects::project::{FundingSource, Stage};
use minxin_storage::projects::seed::BulkProject;
use minxin_storage::testing::today;
use std::io::Cursor;

/// Two construction projects of district A started 200 days ago, budget 1,000,000.00 元 each:
/// `A-1` (no progress: red) and `A-2` (on plan but no reports: yellow).
async fn projects(env: &TestApp) {
    let fx = env.fx();
    let category = env.subcategory().await;
    let project = |code: &str, dept: i64, percent: i32| BulkProject {
        code: code.into(),
        name: format!("项目{code}"),
        category_id: category,
        year: 2026,
        region_id: fx.street_a.id,
        region_path: fx.street_a.path.clone(),
        lead_department_id: dept,
        owner_name: "王建国".into(),
        owner_phone: "13800001234".into(),
        address: String::new(),
        planned_start: today() - chrono::Duration::days(200),
        planned_end: today() + chrono::Duration::days(100),
        stage: Stage::Construction,
        progress_percent: percent,
        budget: vec![(FundingSource::County, 100_000_000)],
        partners: vec![],
        location: None,
    };
    env.bulk_projects(&[project("A-1", fx.a_zj, 0), project("A-2", fx.a_jy, 67)])
        .await;
}

/// The raw bytes of a download and its content type, with the browser's cookies.
async fn download(browser: &Client<'_>, path: &str) -> (StatusCode, String, Vec<u8>) {
    let (status, headers, bytes) = browser.download(path).await;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, bytes)
}

/// The value next to `label` in column A of a sheet.
fn figure(rows: &calamine::Range<Data>, label: &str) -> Data {
    rows.rows()
        .find(|r| r.first().is_some_and(|c| *c == label))
        .and_then(|r| r.get(1).cloned())
        .unwrap_or_else(|| panic!("no row {label}"))
}

#[tokio::test]
async fn the_office_takes_a_month_and_every_format_shows_the_same_figures() {
    for env in TestApp::each().await {
        let backend = env.backend;
        projects(&env).await;
        let month = snapshot_month(today()).unwrap().to_string();

        let mut office = env.signed_in("office_a").await;
        let page = office.get("/bulletins").await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        assert!(page.body.contains("id=\"take\""), "{backend}");
        assert!(page.body.contains("id=\"no-months\""), "{backend}");

        // A month that is not the one just finished is refused in words, the input kept.
        let refused = office
            .post_form("/bulletins", &[("period", "2020-01")])
            .await;
        assert_eq!(refused.status, StatusCode::OK, "{backend}");
        assert!(
            refused.body.contains("已经过去"),
            "{backend}: {}",
            refused.body
        );
        assert!(refused.body.contains("value=\"2020-01\""), "{backend}");

        let taken = office.post_form("/bulletins", &[("period", &month)]).await;
        assert_eq!(taken.status, StatusCode::SEE_OTHER, "{backend}");
        let path = format!("/bulletins/{month}");
        assert_eq!(taken.headers[header::LOCATION], path.as_str());

        // The page.
        let page = office.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        let body = &page.body;
        assert!(
            body.contains("2,000,000.00"),
            "{backend}: the plan's budget"
        );
        assert!(body.contains("示例区住建局"), "{backend}");
        assert!(body.contains("id=\"no-changes\""), "{backend}");

        // The API gives the same figures and words the red project's reasons.
        let leader = env.token("leader_a").await;
        let json = env
            .get_api(&format!("/bulletins/{month}"), &leader)
            .await
            .json();
        let summary = &json["bulletin"]["summary"];
        assert_eq!(summary["projects"], 2, "{backend}: {json}");
        assert_eq!(summary["budget"], 200_000_000, "{backend}");
        assert_eq!(summary["lights"]["red"], 1, "{backend}");
        assert_eq!(summary["lights"]["yellow"], 1, "{backend}");
        let red = json["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["light"] == "red")
            .unwrap();
        assert_eq!(red["code"], "A-1", "{backend}");
        let reason = red["texts"][0].as_str().unwrap().to_owned();
        assert!(body.contains(&reason), "{backend}: page lacks {reason}");
        let ranking = json["bulletin"]["ranking"].as_array().unwrap().len();
        let late = json["bulletin"]["late_reports"].as_array().unwrap().len();
        assert_eq!((ranking, late), (2, 2), "{backend}");

        // The workbook, opened again.
        let (status, kind, bytes) = download(&office, &format!("{path}.xlsx")).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        assert!(kind.contains("spreadsheetml"), "{backend}: {kind}");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let overview = book.worksheet_range("总体情况").unwrap();
        assert_eq!(figure(&overview, "项目数"), Data::Float(2.0), "{backend}");
        assert_eq!(figure(&overview, "红灯（滞后）"), Data::Float(1.0));
        assert_eq!(
            figure(&overview, "计划投资（元）"),
            Data::Float(2_000_000.0),
            "{backend}"
        );
        let flagged = book.worksheet_range("红黄灯项目").unwrap();
        assert_eq!(flagged.height(), 3, "{backend}: header and two projects");
        assert!(
            flagged
                .rows()
                .any(|r| r[1] == "A-1" && r[5].to_string().contains(&reason)),
            "{backend}"
        );
        assert_eq!(
            book.worksheet_range("部门排名").unwrap().height(),
            ranking + 1
        );
        assert_eq!(book.worksheet_range("逾期填报").unwrap().height(), late + 1);

        // The document, unzipped.
        let (status, kind, bytes) = download(&office, &format!("{path}.docx")).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        assert!(kind.contains("wordprocessingml"), "{backend}: {kind}");
        let xml = docx_text(bytes);
        for expected in ["2,000,000.00", "A-1", "示例区住建局", "部门排名"] {
            assert!(xml.contains(expected), "{backend}: .docx lacks {expected}");
        }
        let escaped = reason.replace('&', "&amp;").replace('<', "&lt;");
        assert!(xml.contains(&escaped), "{backend}: .docx lacks {reason}");

        // The quarter and the year have the month as their series.
        let m = snapshot_month(today()).unwrap();
        let quarter = format!("{}-Q{}", m.year(), (m.month() - 1) / 3 + 1);
        for period in [quarter, m.year().to_string()] {
            let page = office.get(&format!("/bulletins/{period}")).await;
            assert_eq!(page.status, StatusCode::OK, "{backend} {period}");
            assert!(page.body.contains("id=\"series\""), "{backend} {period}");
            assert!(page.body.contains("2,000,000.00"), "{backend} {period}");
        }

        // Taken: the index lists the month and offers no form.
        let index = office.get("/bulletins").await;
        assert!(index.body.contains(&format!("href=\"/bulletins/{month}\"")));
        assert!(index.body.contains("id=\"nothing-due\""), "{backend}");
    }
}

#[tokio::test]
async fn only_leaders_and_the_office_see_bulletins() {
    for env in TestApp::each().await {
        let backend = env.backend;
        let mut leader = env.signed_in("leader_a").await;
        let page = leader.get("/bulletins").await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        assert!(
            !page.body.contains("id=\"take\""),
            "{backend}: leaders only read"
        );
        assert!(
            page.body.contains("href=\"/bulletins\""),
            "{backend}: navigation"
        );
        let missing = leader.get("/bulletins/2026-Q5").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{backend}");
        let untaken = leader.get("/bulletins/2020-01.xlsx").await;
        assert_eq!(untaken.status, StatusCode::NOT_FOUND, "{backend}");

        let mut dept = env.signed_in("dept_a").await;
        assert_eq!(dept.get("/bulletins").await.status, StatusCode::FORBIDDEN);
        let home = dept.get("/work").await;
        assert!(!home.body.contains("href=\"/bulletins\""), "{backend}");
        let t = env.token("dept_a").await;
        let reply = env.get_api("/bulletins", &t).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{backend}");
        let doc = env
            .api(Method::GET, "/openapi.json", None, None)
            .await
            .json();
        assert!(doc["paths"]["/bulletins/{period}"]["get"].is_object());
    }
}
