//! The public side on SQLite and PostgreSQL: a project's page in Chinese and English with
//! nothing private on it, the portal's 404, caching with ETag/Last-Modified and 304 (and a new
//! ETag after a write), photos of accepted reports only, and the OC4IDS open data validated
//! against the official schema and codelists in `../shared/standards/`.

use crate::common::{Reply, TestApp, send};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use minxin_storage::control::money::MoneyInput;
use minxin_storage::projects::ProjectFilter;
use minxin_storage::testing::today;
use minxin_storage::testing::{PRIVATE_TEXTS, PublicSeed, TestProject};
use serde_json::Value;
use std::path::PathBuf;

/// One backend's app with the seeded public project.
struct PublicEnv {
    app: TestApp,
    seed: PublicSeed,
}

async fn envs() -> Vec<PublicEnv> {
    let mut out = Vec::new();
    for app in TestApp::each().await {
        let seed = app.public_project("东湖社区老年食堂").await;
        out.push(PublicEnv { app, seed });
    }
    out
}

async fn get(app: &Router, path: &str, headers: &[(header::HeaderName, &str)]) -> Reply {
    // A Host header of its own: links must come from the configured public address instead.
    let mut request = Request::get(path).header(header::HOST, "mx.example.gov.cn");
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

fn leaks(body: &str) -> Vec<&'static str> {
    PRIVATE_TEXTS
        .iter()
        .copied()
        .filter(|t| body.contains(t))
        .collect()
}

fn header(reply: &Reply, name: header::HeaderName) -> &str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn the_project_page_shows_public_facts_in_chinese_and_english() {
    for e in envs().await {
        let b = e.app.backend;
        let path = format!("/p/{}", e.seed.code);
        let zh = get(&e.app.router, &path, &[]).await;
        assert_eq!(zh.status, StatusCode::OK, "{b}");
        assert!(header(&zh, header::CONTENT_TYPE).starts_with("text/html"));
        for text in [
            "东湖社区老年食堂",
            "<html lang=\"zh-CN\">",
            "138****1234",
            e.seed.contractor,
            "我要反映",
            &format!("href=\"/p/{}/report\"", e.seed.code),
            "property=\"og:title\"",
            &format!("content=\"http://127.0.0.1:8080/p/{}\"", e.seed.code),
            "完成基础施工 30%",
            "/static/public.css",
            "万元",
        ] {
            assert!(zh.body.contains(text), "{b}: missing {text}");
        }
        assert!(!zh.body.contains("mx.example.gov.cn"), "{b}: Host echoed");
        assert!(
            !zh.body.contains("完成基础施工 40%"),
            "{b}: returned report"
        );
        assert!(!zh.body.contains("<script"), "{b}: no JavaScript");
        assert_eq!(leaks(&zh.body), Vec::<&str>::new(), "{b}");
        assert!(zh.body.len() < 60 * 1024, "{b}: {} bytes", zh.body.len());
        assert_eq!(header(&zh, header::CACHE_CONTROL), "public, max-age=60");
        assert!(!header(&zh, header::ETAG).is_empty());
        assert!(header(&zh, header::LAST_MODIFIED).ends_with("GMT"));

        let en = get(&e.app.router, &path, &[(header::COOKIE, "minxin_lang=en")]).await;
        assert_eq!(en.status, StatusCode::OK, "{b}");
        assert!(en.body.contains("<html lang=\"en\">"), "{b}");
        assert!(en.body.contains("Report a problem"), "{b}");
        assert!(en.body.contains("Progress reports"), "{b}");
        assert_eq!(leaks(&en.body), Vec::<&str>::new(), "{b}");
        assert_ne!(header(&en, header::ETAG), header(&zh, header::ETAG), "{b}");
    }
}

#[tokio::test]
async fn unknown_and_private_projects_get_the_portal_404() {
    for e in envs().await {
        let b = e.app.backend;
        let zh = get(&e.app.router, "/p/2099-MX-0000", &[]).await;
        assert_eq!(zh.status, StatusCode::NOT_FOUND, "{b}");
        assert!(zh.body.contains("未找到该项目"), "{b}");
        assert!(zh.body.contains("/static/public.css"), "{b}");
        let garbled = get(&e.app.router, "/p/%FF%FE", &[]).await;
        assert_eq!(garbled.status, StatusCode::NOT_FOUND, "{b}");
        assert!(garbled.body.contains("<html lang=\"zh-CN\">"), "{b}");
        let en = get(
            &e.app.router,
            "/p/2099-MX-0000",
            &[(header::COOKIE, "minxin_lang=en")],
        )
        .await;
        assert!(en.body.contains("Project not found"), "{b}");

        let mut reserve = TestProject::building(e.app.fx(), "储备项目", 10, 10);
        reserve.stage = "reserve";
        let id = e.app.project(reserve).await;
        let code = e.app.read_project(id).await.code;
        for path in [
            format!("/p/{code}"),
            format!("/open-data/projects/{code}/oc4ids.json"),
            "/open-data/projects/nope/oc4ids.json".to_owned(),
        ] {
            let reply = get(&e.app.router, &path, &[]).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{b}: {path}");
        }
    }
}

#[tokio::test]
async fn pages_are_cached_until_the_project_changes() {
    for e in envs().await {
        let b = e.app.backend;
        let path = format!("/p/{}", e.seed.code);
        let first = get(&e.app.router, &path, &[]).await;
        let etag = header(&first, header::ETAG).to_owned();
        let modified = header(&first, header::LAST_MODIFIED).to_owned();

        let again = get(&e.app.router, &path, &[(header::IF_NONE_MATCH, &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{b}");
        assert!(again.body.is_empty(), "{b}");
        assert_eq!(header(&again, header::ETAG), etag, "{b}");
        let since = get(
            &e.app.router,
            &path,
            &[(header::IF_MODIFIED_SINCE, &modified)],
        )
        .await;
        assert_eq!(since.status, StatusCode::NOT_MODIFIED, "{b}");

        e.app
            .record_money(
                e.seed.id,
                &MoneyInput {
                    kind: "disbursement".into(),
                    source: "county".into(),
                    amount_fen: 100,
                    contract_id: None,
                    occurred_on: Some(today()),
                    note: String::new(),
                },
            )
            .await;
        let changed = get(&e.app.router, &path, &[(header::IF_NONE_MATCH, &etag)]).await;
        assert_eq!(changed.status, StatusCode::OK, "{b}");
        assert_ne!(header(&changed, header::ETAG), etag, "{b}");
    }
}

#[tokio::test]
async fn only_copies_of_accepted_photos_are_served() {
    for e in envs().await {
        let b = e.app.backend;
        let thumb = format!(
            "/p/{}/photos/{}/thumbnail",
            e.seed.code, e.seed.accepted_photo
        );
        let reply = get(&e.app.router, &thumb, &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{b}");
        assert_eq!(header(&reply, header::CONTENT_TYPE), "image/jpeg");
        assert_eq!(reply.body, "thumbnail 0", "{b}");
        let etag = header(&reply, header::ETAG).to_owned();
        let again = get(&e.app.router, &thumb, &[(header::IF_NONE_MATCH, &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{b}");

        for path in [
            format!(
                "/p/{}/photos/{}/display",
                e.seed.code, e.seed.returned_photo
            ),
            format!(
                "/p/{}/photos/{}/original",
                e.seed.code, e.seed.accepted_photo
            ),
            format!("/p/{}/photos/x/display", e.seed.code),
        ] {
            let reply = get(&e.app.router, &path, &[]).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{b}: {path}");
            assert!(!reply.body.contains("GPS"), "{b}");
        }
    }
}

/// The OC4IDS schema folder in `../shared`, beside the repository.
fn standards() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/standards/open-contracting/infrastructure/schema/project-level")
}

fn read_json(name: &str) -> Value {
    let text = std::fs::read_to_string(standards().join(name)).expect("the OC4IDS schema");
    serde_json::from_str(&text).unwrap()
}

/// The codes of a codelist CSV.
fn codes(name: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(standards().join("codelists").join(name)).unwrap();
    reader
        .records()
        .map(|r| r.unwrap().get(0).unwrap().to_owned())
        .collect()
}

/// The problems the package schema finds in `package`, with the project schema it refers to
/// registered locally (no network).
fn schema_errors(package: &Value) -> Vec<String> {
    let project_schema = read_json("project-schema.json");
    let package_schema = read_json("project-package-schema.json");
    let project_uri = project_schema["id"].as_str().unwrap().to_owned();
    let registry = jsonschema::Registry::new()
        .add(project_uri.as_str(), project_schema)
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&package_schema)
        .unwrap();
    validator
        .iter_errors(package)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Validates `package` against the schema and checks status and sector against the codelists.
fn check_package(package: &Value) {
    let errors = schema_errors(package);
    assert!(errors.is_empty(), "{errors:#?}");
    let statuses = codes("projectStatus.csv");
    let sectors = codes("projectSector.csv");
    for p in package["projects"].as_array().unwrap() {
        assert!(statuses.contains(&p["status"].as_str().unwrap().to_owned()));
        for s in p["sector"].as_array().unwrap() {
            assert!(sectors.contains(&s.as_str().unwrap().to_owned()), "{s}");
        }
    }
}

#[tokio::test]
async fn open_data_validates_against_the_oc4ids_schema() {
    for e in envs().await {
        let b = e.app.backend;
        e.app
            .project(TestProject::building(
                e.app.fx(),
                "西湖社区老年食堂",
                10,
                10,
            ))
            .await;
        let all = get(&e.app.router, "/open-data/oc4ids.json", &[]).await;
        assert_eq!(all.status, StatusCode::OK, "{b}");
        assert_eq!(header(&all, header::CONTENT_TYPE), "application/json");
        assert_eq!(leaks(&all.body), Vec::<&str>::new(), "{b}");
        let package = all.json();
        assert_eq!(package["projects"].as_array().unwrap().len(), 2, "{b}");
        assert_eq!(
            package["uri"],
            "http://127.0.0.1:8080/open-data/oc4ids.json"
        );
        check_package(&package);
        let mut broken = package.clone();
        broken["projects"][0]["status"] = "built".into();
        broken["projects"][0]["budget"]["amount"]["currency"] = "RMB".into();
        assert_eq!(schema_errors(&broken).len(), 2, "{b}: the validator bites");

        let one = get(
            &e.app.router,
            &format!("/open-data/projects/{}/oc4ids.json", e.seed.code),
            &[],
        )
        .await;
        assert_eq!(one.status, StatusCode::OK, "{b}");
        let package = one.json();
        check_package(&package);
        let project = &package["projects"][0];
        assert_eq!(
            project["id"],
            format!("oc4ids-minxin-{}", e.seed.code),
            "{b}"
        );
        assert_eq!(project["status"], "implementation", "{b}");
        assert_eq!(project["budget"]["amount"]["amount"], 1_000_000.0, "{b}");
        assert_eq!(project["transactions"].as_array().unwrap().len(), 2, "{b}");
    }
}

/// The whole demo district, as a new user meets it: the package of every public project is
/// valid, and no public page shows an owner's phone or a project manager's name.
#[tokio::test]
async fn the_demo_district_publishes_valid_data_and_nothing_private() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    for env in TestApp::builder().demo("Demo#2026x", today).each().await {
        let (b, app) = (env.backend, &env.router);
        let package = get(app, "/open-data/oc4ids.json", &[]).await.json();
        check_package(&package);
        let published = package["projects"].as_array().unwrap().len();

        let mut shown = 0;
        for p in env.projects("office", &ProjectFilter::default()).await {
            let page = get(app, &format!("/p/{}", p.code), &[]).await;
            let public = p.is_public
                && p.stage
                    .parse()
                    .is_ok_and(|st: minxin_domain::projects::project::Stage| st.in_annual_plan());
            if !public {
                assert_eq!(page.status, StatusCode::NOT_FOUND, "{b}: {}", p.code);
                continue;
            }
            shown += 1;
            assert_eq!(page.status, StatusCode::OK, "{b}: {}", p.code);
            assert!(!page.body.contains(&p.owner_phone), "{b}: {}", p.code);
            if let Some(manager) = &p.manager_name {
                assert!(!page.body.contains(manager.as_str()), "{b}: {}", p.code);
            }
        }
        assert!(shown > 50, "{b}: {shown}");
        assert!(published >= shown, "{b}");
    }
}
