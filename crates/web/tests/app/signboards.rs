//! Signboards (公示牌) and QR codes through the pages, on every backend: the office prints a
//! public project's board in Chinese and English with no full phone number on it; the PNG QR
//! code decodes to exactly the project's public address; readers outside the scope get 404,
//! projects that are not public or not approved get the reason instead of a board; and the
//! office's archive of the plan holds each public project's board and QR code by code.

use crate::common::{TestApp, decode_qr_png};
use axum::http::{StatusCode, header};
use chrono::Duration;
use minxin_domain::projects::project::{FundingSource, Stage};
use minxin_storage::control::money::ContractInput;
use minxin_storage::projects::seed::BulkProject;
use minxin_storage::testing::today;
use minxin_storage::testing::{TestProject, execute_raw};
use std::io::{Cursor, Read};

/// The public address of the tests' deployment (the default configuration).
const BASE: &str = "http://127.0.0.1:8080";

/// The projects of every test.
struct Projects {
    /// A public project under construction in district A with a contract.
    public: i64,
    /// Its code.
    code: String,
    /// A project that is not public.
    hidden: i64,
    /// A project in the reserve pool.
    reserve: i64,
}

async fn projects(env: &TestApp) -> Projects {
    let fx = &env.fx();
    let mut building = TestProject::building(fx, "幸福里老旧小区改造", 30, 200);
    building.budget = vec![
        (FundingSource::Central, 60_000_000),
        (FundingSource::County, 40_000_000),
    ];
    let public = env.project(building).await;
    let hidden = env
        .project(TestProject::building(fx, "内部试点项目", 30, 200))
        .await;
    let reserve = env
        .project(TestProject {
            stage: "reserve",
            ..TestProject::building(fx, "储备中的项目", 30, 200)
        })
        .await;
    execute_raw(
        env.store(),
        &format!("UPDATE projects SET is_public = FALSE WHERE id = {hidden}"),
    )
    .await
    .unwrap();
    env.add_contract(
        public,
        &ContractInput {
            method: "open_tender".into(),
            contractor: "示例建设工程有限公司".into(),
            credit_code: "91350100M000100Y43".into(),
            amount_fen: Some(90_000_000),
            signed_on: Some(today() - Duration::days(20)),
            starts_on: Some(today() - Duration::days(19)),
            ends_on: Some(today() + Duration::days(150)),
        },
    )
    .await;
    let code = env.read_project(public).await.code;
    Projects {
        public,
        code,
        hidden,
        reserve,
    }
}

#[tokio::test]
async fn the_office_prints_a_public_projects_signboard_in_both_languages() {
    for env in TestApp::each().await {
        let b = env.backend;
        let Projects {
            public: id, code, ..
        } = projects(&env).await;
        let mut office = env.signed_in("office_a").await;

        let project = office.get(&format!("/projects/{id}")).await;
        assert!(
            project
                .body
                .contains(&format!("href=\"/projects/{id}/signboard\"")),
            "{b}: the project page links its signboard"
        );
        let nav = office.get("/work").await;
        assert!(nav.body.contains("href=\"/signboards\""), "{b}");

        let page = office.get(&format!("/projects/{id}/signboard")).await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        for text in [
            "民心工程公示牌",
            "幸福里老旧小区改造",
            code.as_str(),
            "示例街道 幸福路 1 号",
            "示例区住建局",
            "王建国 138****1234",
            "示例建设工程有限公司",
            "1,000,000.00",
            "中央资金",
            "60.00 万元",
            "建设实施",
            "扫码查看项目进展、反映问题",
            "12345",
            &format!("{BASE}/p/{code}/report"),
            "class=\"signboard a4\"",
            "<svg class=\"signboard-qr\"",
            "/static/signboard.css",
        ] {
            assert!(page.body.contains(text), "{b}: {text} missing");
        }
        assert!(!page.body.contains("13800001234"), "{b}: full phone shown");

        let a3 = office
            .get(&format!("/projects/{id}/signboard?size=a3"))
            .await;
        assert!(a3.body.contains("class=\"signboard a3\""), "{b}");
        let a5 = office
            .get(&format!("/projects/{id}/signboard?size=a5"))
            .await;
        assert_eq!(a5.status, StatusCode::BAD_REQUEST, "{b}");
        assert!(a5.body.contains("A4 或 A3"), "{b}");

        office
            .get(&format!("/lang?to=en&next=/projects/{id}"))
            .await;
        let en = office.get(&format!("/projects/{id}/signboard")).await;
        for text in [
            "Livelihood Project Signboard",
            "Scan to follow the project and report problems",
            "Complaint hotline",
            "Contractor",
            "1,000,000.00 yuan",
        ] {
            assert!(en.body.contains(text), "{b}: {text} missing in English");
        }
        let css = office.get("/static/signboard.css").await;
        assert!(css.body.contains("size: A3 portrait"), "{b}");
    }
}

#[tokio::test]
async fn the_qr_code_decodes_to_exactly_the_public_address() {
    for env in TestApp::each().await {
        let b = env.backend;
        let Projects {
            public: id, code, ..
        } = projects(&env).await;
        let office = env.signed_in("office_a").await;

        let (status, headers, png) = office.download(&format!("/projects/{id}/qr.png")).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(headers[header::CONTENT_TYPE], "image/png", "{b}");
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.contains(&format!("filename=\"{code}-qr.png\"")),
            "{b}: {disposition}"
        );
        assert_eq!(decode_qr_png(&png), format!("{BASE}/p/{code}"), "{b}");

        let (status, headers, svg) = office.download(&format!("/projects/{id}/qr.svg")).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml", "{b}");
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains(&format!("{code}-qr.svg")),
            "{b}"
        );
        let svg = String::from_utf8(svg).unwrap();
        assert!(
            svg.starts_with("<?xml") && svg.contains("<path fill=\"#000\" d=\"M"),
            "{b}"
        );
    }
}

#[tokio::test]
async fn scope_roles_and_unpublished_projects_are_refused_in_words() {
    for env in TestApp::each().await {
        let b = env.backend;
        let Projects {
            public: id,
            hidden,
            reserve,
            ..
        } = projects(&env).await;
        let other_district = env.signed_in("dept_b").await;
        for path in ["signboard", "qr.png", "qr.svg"] {
            let r = other_district
                .download(&format!("/projects/{id}/{path}"))
                .await;
            assert_eq!(r.0, StatusCode::NOT_FOUND, "{b}: {path} outside the scope");
        }
        let mut dept = env.signed_in("dept_a").await;
        let r = dept.get(&format!("/projects/{id}/signboard")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: a reader in scope prints it");
        assert!(
            !r.body.contains("href=\"/signboards\""),
            "{b}: no bulk link"
        );
        let r = dept.get("/signboards").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        let r = dept.download("/signboards.zip?year=2026").await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{b}");
        let admin = env.signed_in("sysadmin").await;
        let r = admin.download(&format!("/projects/{id}/qr.png")).await;
        assert_eq!(
            r.0,
            StatusCode::FORBIDDEN,
            "{b}: administrators read no projects"
        );

        let mut office = env.signed_in("office_a").await;
        let r = office.get(&format!("/projects/{hidden}/signboard")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("id=\"signboard-refused\""), "{b}");
        assert!(r.body.contains("未向社会公开"), "{b}");
        assert!(!r.body.contains("signboard-qr"), "{b}");
        let r = office.get(&format!("/projects/{reserve}/signboard")).await;
        assert!(r.body.contains("尚未立项"), "{b}");
        let r = office.download(&format!("/projects/{hidden}/qr.png")).await;
        assert_eq!(r.0, StatusCode::CONFLICT, "{b}");
        assert!(
            String::from_utf8_lossy(&r.2).contains("未向社会公开"),
            "{b}"
        );
        office
            .get(&format!("/lang?to=en&next=/projects/{hidden}"))
            .await;
        let r = office.get(&format!("/projects/{hidden}/signboard")).await;
        assert!(r.body.contains("This project is not public"), "{b}");
    }
}

#[tokio::test]
async fn the_plans_archive_holds_each_public_projects_board_and_qr_code() {
    for env in TestApp::each().await {
        let b = env.backend;
        let Projects {
            code,
            hidden,
            reserve,
            ..
        } = projects(&env).await;
        let mut office = env.signed_in("office_a").await;

        let page = office.get("/signboards?year=2026").await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        assert!(page.body.contains(&code), "{b}");
        for other in [hidden, reserve] {
            assert!(
                !page.body.contains(&format!("/projects/{other}/signboard")),
                "{b}: only public approved projects are listed"
            );
        }
        assert!(
            page.body
                .contains("href=\"/signboards.zip?year=2026&#38;region_id=&#38;size=a4\""),
            "{b}: {}",
            page.body
        );

        let (status, headers, zip) = office.download("/signboards.zip?year=2026&size=a3").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/zip", "{b}");
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        let mut names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [format!("{code}-qr.png"), format!("{code}.svg")],
            "{b}"
        );
        let mut svg = String::new();
        archive
            .by_name(&format!("{code}.svg"))
            .unwrap()
            .read_to_string(&mut svg)
            .unwrap();
        for text in [
            "width=\"297mm\" height=\"420mm\"",
            "民心工程公示牌",
            "幸福里老旧小区改造",
            "138****1234",
            "示例建设工程有限公司",
            "12345",
        ] {
            assert!(svg.contains(text), "{b}: {text} missing from the SVG board");
        }
        assert!(!svg.contains("13800001234"), "{b}");
        let mut png = Vec::new();
        archive
            .by_name(&format!("{code}-qr.png"))
            .unwrap()
            .read_to_end(&mut png)
            .unwrap();
        assert_eq!(decode_qr_png(&png), format!("{BASE}/p/{code}"), "{b}");

        let street = env.fx().street_a.id;
        let r = office
            .get(&format!("/signboards?year=2026&region_id={street}"))
            .await;
        assert!(r.body.contains(&code), "{b}");
        let r = office.get("/signboards?year=2025").await;
        assert!(r.body.contains("id=\"no-signboards\""), "{b}");
        let outside = env.fx().street_b.id;
        let r = office
            .get(&format!("/signboards?year=2026&region_id={outside}"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = office.get("/signboards?year=twenty").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}");
    }
}

#[tokio::test]
async fn a_plan_too_large_for_one_archive_is_refused_in_words() {
    for env in TestApp::each().await {
        let b = env.backend;
        let fx = &env.fx();
        let Projects { public, .. } = projects(&env).await;
        let category = env.read_project(public).await.category_id;
        let rows: Vec<BulkProject> = (0..=1000)
            .map(|i| BulkProject {
                code: format!("2027-MX-{i:04}"),
                name: format!("项目{i}"),
                category_id: category,
                year: 2027,
                region_id: fx.street_a.id,
                region_path: fx.street_a.path.clone(),
                lead_department_id: fx.a_zj,
                owner_name: "王建国".into(),
                owner_phone: "13800001234".into(),
                address: String::new(),
                planned_start: today(),
                planned_end: today() + Duration::days(300),
                stage: Stage::Approved,
                progress_percent: 0,
                budget: vec![(FundingSource::County, 100_000)],
                partners: vec![],
                location: None,
            })
            .collect();
        env.bulk_projects(&rows).await;
        let mut office = env.signed_in("office_a").await;
        let page = office.get("/signboards?year=2027").await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(page.body.contains("id=\"too-many\""), "{b}");
        assert!(page.body.contains("超过 1000 个"), "{b}");
        assert!(!page.body.contains("id=\"download-all\""), "{b}");
        let r = office.get("/signboards.zip?year=2027").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}");
        assert!(r.body.contains("分批下载"), "{b}");
    }
}
