//! The portal on SQLite and PostgreSQL: `/` lists public projects with filters, in Chinese and
//! English, without an account; the markers endpoint answers for the visible area in the tiles'
//! datum and refuses a bad area in words; the list downloads as CSV and .xlsx with the same
//! rows; staff find their home at `/work`; and a walk over every public route of a database
//! holding private data — a non-public project, phone numbers, account names, staff comments,
//! photo originals — finds none of it.

use crate::common::app::Builder;
use crate::common::{Reply, TestApp, send};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use calamine::{Reader, Xlsx};
use http_body_util::BodyExt;
use minxin_domain::kernel::geo::{Datum, Point};
use minxin_storage::kernel::blobs::ObjectBlobStore;
use minxin_storage::testing::{PRIVATE_TEXTS, PublicSeed, TestProject, execute_raw};
use minxin_web::kernel::tiles::TileSource;
use std::io::{Cursor, Read};
use tower::ServiceExt;

/// A project that is not public, whose name must never reach a public route.
const SECRET: &str = "保密测试项目";

/// One backend's app with the seeded public project (and [`SECRET`], not public).
struct PortalEnv {
    app: TestApp,
    seed: PublicSeed,
}

async fn envs_with(apps: Builder) -> Vec<PortalEnv> {
    let mut out = Vec::new();
    for app in apps.each().await {
        let seed = app.public_project("东湖社区老年食堂").await;
        let secret = app
            .project(TestProject::building(app.fx(), SECRET, 30, 30))
            .await;
        for (id, public) in [(seed.id, true), (secret, false)] {
            execute_raw(
                app.store(),
                &format!(
                    "UPDATE projects SET latitude = 30.6, longitude = 114.3, is_public = {public} \
                     WHERE id = {id}"
                ),
            )
            .await
            .unwrap();
        }
        out.push(PortalEnv { app, seed });
    }
    out
}

async fn envs() -> Vec<PortalEnv> {
    envs_with(TestApp::builder()).await
}

async fn get(app: &Router, path: &str, headers: &[(header::HeaderName, &str)]) -> Reply {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

async fn bytes(app: &Router, path: &str) -> (StatusCode, Vec<u8>) {
    let response = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, body.to_vec())
}

/// Every text of a workbook: its shared strings and sheets, unzipped.
fn workbook_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        file.read_to_string(&mut text).unwrap();
    }
    text
}

#[tokio::test]
async fn the_portal_lists_public_projects_for_anyone() {
    for e in envs().await {
        let b = e.app.backend;
        let zh = get(&e.app.router, "/", &[]).await;
        assert_eq!(zh.status, StatusCode::OK, "{b}");
        assert!(zh.body.contains("<html lang=\"zh-CN\">"), "{b}");
        assert!(zh.body.contains("民心工程一张图"), "{b}");
        assert!(zh.body.contains("东湖社区老年食堂"), "{b}");
        assert!(
            zh.body.contains(&format!("href=\"/p/{}\"", e.seed.code)),
            "{b}"
        );
        assert!(zh.body.contains("共 1 个项目"), "{b}");
        assert!(zh.body.contains("id=\"portal-map\""), "{b}");
        assert!(
            zh.body
                .contains("/static/vendor/markercluster-1.5.3/leaflet.markercluster.js"),
            "{b}"
        );
        assert!(!zh.body.contains(SECRET), "{b}");

        let en = get(&e.app.router, "/", &[(header::COOKIE, "minxin_lang=en")]).await;
        assert!(en.body.contains("Livelihood projects map"), "{b}");
        assert!(en.body.contains("1 projects"), "{b}");

        let street = e.app.fx().street_b.id;
        let none = get(&e.app.router, &format!("/?region_id={street}&q=东湖"), &[]).await;
        assert!(none.body.contains("没有符合条件的公开项目"), "{b}");
        assert!(
            none.body.contains("value=\"东湖\""),
            "{b}: the search is kept"
        );
        assert!(none.body.contains("id=\"f-reset\""), "{b}");
        let found = get(
            &e.app.router,
            "/?q=%E4%B8%9C%E6%B9%96&stage=construction",
            &[],
        )
        .await;
        assert!(found.body.contains("共 1 个项目"), "{b}");
        let mangled = get(&e.app.router, "/?year=soon&stage=nowhere", &[]).await;
        assert_eq!(mangled.status, StatusCode::OK, "{b}");
        assert!(mangled.body.contains("部分筛选条件无法识别"), "{b}");
        assert!(mangled.body.contains("共 1 个项目"), "{b}");
    }
}

#[tokio::test]
async fn markers_come_for_the_visible_area_in_the_tiles_datum() {
    for e in envs().await {
        let b = e.app.backend;
        let reply = get(
            &e.app.router,
            "/map/markers.json?bbox=114.2,30.5,114.4,30.7",
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{b}");
        assert!(
            reply.headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("public")
        );
        let json = reply.json();
        assert_eq!(json["total"], 1, "{b}");
        let marker = &json["markers"][0];
        assert_eq!(marker[0], e.seed.code.as_str(), "{b}");
        assert_eq!(marker[1], "东湖社区老年食堂", "{b}");
        assert_eq!(
            (marker[2].as_f64(), marker[3].as_f64()),
            (Some(30.6), Some(114.3))
        );
        assert_eq!(marker[4], "construction", "{b}");

        let etag = reply.headers[header::ETAG].to_str().unwrap().to_owned();
        let again = get(
            &e.app.router,
            "/map/markers.json?bbox=114.2,30.5,114.4,30.7",
            &[(header::IF_NONE_MATCH, &etag)],
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{b}");

        let elsewhere = get(&e.app.router, "/map/markers.json?bbox=100,20,101,21", &[]).await;
        assert_eq!(elsewhere.json()["total"], 0, "{b}");
        let filtered = get(
            &e.app.router,
            "/map/markers.json?bbox=73,18,135,54&q=西湖",
            &[],
        )
        .await;
        assert_eq!(filtered.json()["total"], 0, "{b}");

        for bad in ["", "?bbox=1,2,3", "?bbox=114,31,115,30", "?bbox=a,b,c,d"] {
            let reply = get(&e.app.router, &format!("/map/markers.json{bad}"), &[]).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{b}: {bad}");
            assert_eq!(reply.json()["code"], "bad_bbox", "{b}");
            assert!(
                reply.json()["message"]
                    .as_str()
                    .unwrap()
                    .contains("地图范围无效")
            );
        }
        let en = get(
            &e.app.router,
            "/map/markers.json",
            &[(header::COOKIE, "minxin_lang=en")],
        )
        .await;
        assert!(
            en.json()["message"]
                .as_str()
                .unwrap()
                .contains("Invalid map area")
        );
    }
}

#[tokio::test]
async fn gcj02_tiles_get_shifted_markers() {
    let gcj = TestApp::builder().config(|c| {
        c.tiles = TileSource::configured(
            "https://tiles.example.cn/{z}/{x}/{y}.png",
            None,
            Some("© Example"),
            Some("gcj02"),
        )
        .unwrap();
    });
    for e in envs_with(gcj).await {
        let b = e.app.backend;
        let on_map = Point::new(30.6, 114.3).on_map(Datum::Gcj02);
        let reply = get(
            &e.app.router,
            "/map/markers.json?bbox=114.2,30.5,114.4,30.7",
            &[],
        )
        .await;
        let marker = &reply.json()["markers"][0];
        assert!(
            (marker[2].as_f64().unwrap() - on_map.lat).abs() < 1e-6,
            "{b}"
        );
        assert!(
            (marker[3].as_f64().unwrap() - on_map.lon).abs() < 1e-6,
            "{b}"
        );
        let page = get(&e.app.router, "/", &[]).await;
        assert!(
            page.body
                .contains("data-tiles=\"https://tiles.example.cn/{z}/{x}/{y}.png\"")
        );
        assert!(page.body.contains("© Example"), "{b}");
        let csp = page.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("img-src 'self' data: https://tiles.example.cn;"),
            "{b}: {csp}"
        );
    }
}

#[tokio::test]
async fn the_list_downloads_as_csv_and_xlsx() {
    for e in envs().await {
        let b = e.app.backend;
        let csv = get(&e.app.router, "/open-data/projects.csv?q=东湖", &[]).await;
        assert_eq!(csv.status, StatusCode::OK, "{b}");
        assert!(
            csv.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        assert!(
            csv.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("minxin-public-projects-")
        );
        let text = csv.body.trim_start_matches('\u{feff}');
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let head = rows.headers().unwrap().clone();
        assert_eq!(&head[0], "项目编号", "{b}");
        assert_eq!(&head[11], "总投资（元）", "{b}");
        let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 1, "{b}");
        assert_eq!(&records[0][0], e.seed.code.as_str(), "{b}");
        assert_eq!(&records[0][11], "1000000.00", "{b}: exact 元 from fen");
        assert_eq!(&records[0][15], "30.600000", "{b}");

        let (status, xlsx) = bytes(&e.app.router, "/open-data/projects.xlsx?q=东湖").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).unwrap();
        let sheet = book.worksheet_range("公开项目").unwrap();
        assert_eq!(sheet.height(), 2, "{b}: header and the project");
        assert_eq!(sheet.get((1, 0)).unwrap().to_string(), e.seed.code, "{b}");
        assert_eq!(sheet.get((1, 11)).unwrap().to_string(), "1000000", "{b}");

        let none = get(
            &e.app.router,
            "/open-data/projects.csv?region_id=999999",
            &[],
        )
        .await;
        assert_eq!(none.body.lines().count(), 1, "{b}: the header only");
    }
}

#[tokio::test]
async fn staff_find_their_home_at_work() {
    for e in envs().await {
        let b = e.app.backend;
        let away = get(&e.app.router, "/work", &[]).await;
        assert_eq!(away.status, StatusCode::SEE_OTHER, "{b}");
        assert_eq!(
            away.headers[header::LOCATION].to_str().unwrap(),
            "/login?next=%2Fwork",
            "{b}"
        );
        let portal = get(&e.app.router, "/", &[]).await;
        assert!(
            portal.body.contains("href=\"/login\""),
            "{b}: staff sign-in link"
        );
    }
}

#[tokio::test]
async fn no_public_route_shows_anything_private() {
    for e in envs().await {
        let b = e.app.backend;
        let code = &e.seed.code;
        let mut texts: Vec<(String, String)> = Vec::new();
        for path in [
            "/".to_owned(),
            "/?q=食堂".to_owned(),
            format!("/?region_id={}", e.app.fx().street_a.id),
            "/map/markers.json?bbox=73,18,135,54".to_owned(),
            "/map/markers.json?bbox=114.29,30.59,114.31,30.61".to_owned(),
            "/open-data/projects.csv".to_owned(),
            "/open-data/oc4ids.json".to_owned(),
            format!("/open-data/projects/{code}/oc4ids.json"),
            format!("/p/{code}"),
        ] {
            for lang in ["minxin_lang=zh-CN", "minxin_lang=en"] {
                let reply = get(&e.app.router, &path, &[(header::COOKIE, lang)]).await;
                assert_eq!(reply.status, StatusCode::OK, "{b}: {path}");
                texts.push((format!("{path} ({lang})"), reply.body));
            }
        }
        let request = published_request_at_the_issues_point(&e).await;
        for path in [
            "/map/markers.json?bbox=119,29,121,31".to_owned(),
            "/open311/v2/requests.json".to_owned(),
            "/open311/v2/requests.xml".to_owned(),
            format!("/open311/v2/requests/{request}.json"),
            format!("/open311/v2/requests/{request}.xml"),
        ] {
            let reply = get(&e.app.router, &path, &[]).await;
            assert_eq!(reply.status, StatusCode::OK, "{b}: {path}");
            texts.push((path, reply.body));
        }
        let (status, xlsx) = bytes(&e.app.router, "/open-data/projects.xlsx").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        texts.push(("/open-data/projects.xlsx".into(), workbook_text(&xlsx)));
        for copy in ["display", "thumbnail"] {
            let path = format!("/p/{code}/photos/{}/{copy}", e.seed.accepted_photo);
            let (status, photo) = bytes(&e.app.router, &path).await;
            assert_eq!(status, StatusCode::OK, "{b}: {path}");
            texts.push((path, String::from_utf8_lossy(&photo).into_owned()));
        }
        assert!(
            texts.iter().any(|(_, t)| t.contains("东湖社区老年食堂")),
            "{b}"
        );
        // Coordinates too (issue 15): the public sees the request, but never its exact point.
        assert!(
            texts.iter().any(|(_, t)| t.contains("30.275")),
            "{b}: the request is shown at its coarsened point"
        );
        let exact: Vec<(f64, f64)> = minxin_storage::testing::query_raw(
            &e.app.fx().store,
            "SELECT latitude, longitude FROM service_requests WHERE latitude IS NOT NULL",
        )
        .await
        .unwrap();
        assert!(!exact.is_empty(), "{b}");
        let exact: Vec<String> = exact
            .iter()
            .flat_map(|(lat, lon)| [lat.to_string(), lon.to_string()])
            .collect();
        for (route, text) in &texts {
            for private in PRIVATE_TEXTS.iter().chain([&SECRET]) {
                assert!(!text.contains(private), "{b}: {route} shows {private}");
            }
            for point in &exact {
                assert!(!text.contains(point.as_str()), "{b}: {route} shows {point}");
            }
        }
    }
}

/// A resident's request filed at the issue's point (30.274567, 120.155432) and published by the
/// office; its id.
async fn published_request_at_the_issues_point(e: &PortalEnv) -> i64 {
    let dir = tempfile::tempdir().unwrap();
    let draft = minxin_domain::requests::intake::IntakeDraft {
        category: "road".into(),
        description: "路灯不亮".into(),
        lat: "30.274567".into(),
        lon: "120.155432".into(),
        ..Default::default()
    };
    let portal = minxin_domain::requests::intake::Channel::Portal;
    let submission = minxin_storage::requests::Submission::parse(draft, None, portal, 0).unwrap();
    let receipt = e
        .app
        .fx()
        .store
        .residents("203.0.113.8")
        .submit(
            &submission,
            &[],
            &ObjectBlobStore::local(dir.path()).unwrap(),
            &minxin_domain::kernel::calendar::WorkingCalendar::shipped(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    e.app
        .publish_request(receipt.id, 1, Some("路灯不亮"), false, chrono::Utc::now())
        .await;
    receipt.id
}
