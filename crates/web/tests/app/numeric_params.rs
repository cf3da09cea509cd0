//! Issue 15 finding 3: every GET route of the router with a numeric query or path parameter —
//! pages, public side, API and Open311 — sent the extremes (0, −1, i64::MAX, a number whose
//! offset overflows, 1e30, "abc", beyond u64) on SQLite and PostgreSQL. None may fail with a 5xx
//! or drop the connection (a panic in a handler); the paging parameters answer 400 naming the
//! parameter for nonsense and an empty page past the last for numbers too large.

use crate::common::{Reply, TestApp, send};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// The values every numeric parameter is sent.
const EXTREMES: [&str; 7] = [
    "0",
    "-1",
    "9223372036854775807",
    "922337203685477580",
    "1e30",
    "abc",
    "99999999999999999999999",
];

/// Values a page number or page size refuses by name.
const NONSENSE: [&str; 4] = ["0", "-1", "1e30", "abc"];

/// Who calls a route: a page session of a fixture account, its API token, or nobody.
#[derive(Clone, Copy)]
enum Caller {
    Page(&'static str),
    Api(&'static str),
    Anyone,
}

/// Staff pages, each with the account that may open it; `{n}` is the extreme, `{p}` the public
/// project's id.
const PAGES: &[(&str, &str)] = &[
    ("office_a", "/projects?page={n}"),
    ("office_a", "/projects?per_page={n}"),
    (
        "office_a",
        "/projects?year={n}&region_id={n}&category_id={n}&department_id={n}",
    ),
    ("office_a", "/projects/{n}"),
    ("office_a", "/projects/{n}/edit"),
    ("office_a", "/projects/{p}/milestones/{n}"),
    ("office_a", "/projects/{n}/books"),
    ("office_a", "/projects/{n}/progress"),
    ("office_a", "/projects/{n}/reports"),
    ("office_a", "/projects/{p}/reports?refile={n}"),
    ("office_a", "/projects/{p}/reports/photos/{n}/{n}"),
    ("office_a", "/projects/{n}/attachments"),
    ("office_a", "/projects/{p}/attachments/{n}"),
    ("office_a", "/projects/{n}/qr.svg"),
    ("office_a", "/projects/{n}/qr.png"),
    ("office_a", "/projects/{n}/signboard"),
    ("office_a", "/projects/import/{n}"),
    ("office_a", "/projects/export.xlsx?year={n}&region_id={n}"),
    ("office_a", "/dashboard?year={n}&region_id={n}"),
    ("office_a", "/light-rules?region_id={n}"),
    ("office_a", "/bulletins/{n}"),
    ("office_a", "/bulletins/{n}-05"),
    ("office_a", "/bulletins/2026-{n}"),
    ("office_a", "/signboards?year={n}&region_id={n}"),
    ("office_a", "/signboards.zip?year={n}&region_id={n}"),
    ("office_a", "/requests?page={n}"),
    ("office_a", "/requests/{n}"),
    ("office_a", "/requests/{n}/photos/{n}/{n}"),
    (
        "office_a",
        "/requests/stats?region_id={n}&department_id={n}",
    ),
    ("office_a", "/reminders"),
    ("sysadmin_a", "/admin/accounts?page={n}&department_id={n}"),
    ("sysadmin_a", "/admin/accounts/{n}"),
    ("sysadmin_a", "/admin/regions/{n}"),
    ("sysadmin_a", "/admin/regions/new?parent={n}"),
    ("sysadmin_a", "/admin/departments/{n}"),
    ("secadmin", "/access?page={n}"),
    ("secadmin", "/access/{n}"),
    ("auditor", "/audit?page={n}"),
    ("auditor", "/audit?per_page={n}"),
];

/// API routes under `/api/v1`, each with the account whose token calls it.
const API: &[(&str, &str)] = &[
    ("office_a", "/projects?page={n}"),
    ("office_a", "/projects?per_page={n}"),
    ("office_a", "/projects/{n}"),
    ("office_a", "/projects/{n}/gate"),
    ("office_a", "/projects/{n}/transitions"),
    ("office_a", "/projects/{n}/milestones"),
    ("office_a", "/projects/{n}/light"),
    ("office_a", "/projects/{n}/books"),
    ("office_a", "/projects/{n}/reports"),
    ("office_a", "/projects/{n}/attachments"),
    ("office_a", "/projects/{p}/attachments/{n}"),
    ("office_a", "/regions/{n}"),
    ("office_a", "/departments/{n}"),
    ("office_a", "/dashboard?year={n}&region_id={n}"),
    ("office_a", "/bulletins/{n}"),
    ("sysadmin_a", "/accounts?page={n}"),
    ("sysadmin_a", "/accounts?per_page={n}"),
    ("sysadmin_a", "/accounts?department_id={n}"),
    ("sysadmin_a", "/accounts/{n}"),
    ("auditor", "/audit?page={n}"),
    ("auditor", "/audit?per_page={n}"),
    ("office_a", "/requests?page={n}"),
    ("office_a", "/requests?per_page={n}"),
    ("office_a", "/requests/{n}"),
    (
        "office_a",
        "/requests/stats?region_id={n}&department_id={n}",
    ),
];

/// Routes anyone may call: the portal, the public project's photos, open data, the resident's
/// form, Open311.
const PUBLIC: &[&str] = &[
    "/?page={n}",
    "/?year={n}&region_id={n}&category_id={n}",
    "/map/markers.json?bbox={n},{n},{n},{n}&year={n}",
    "/open-data/projects.csv?year={n}&region_id={n}",
    "/open-data/projects.xlsx?year={n}&region_id={n}",
    "/p/{c}/photos/{n}/{n}",
    "/open311/v2/requests/{n}.json",
    "/open311/v2/requests/{n}.xml",
    "/open311/v2/requests.json?service_request_id={n}",
    "/open311/v2/requests.xml?service_request_id={n},{n}",
    "/open311/v2/tokens/{n}.json",
];

/// Sends `path` as `caller` on a task of its own, so a panicking handler shows as this path
/// failing rather than as a dropped connection somewhere in the loop.
async fn probe(app: &Router, cookies: &str, bearer: &str, caller: Caller, path: &str) -> Reply {
    let mut request = Request::get(path);
    match caller {
        Caller::Page(_) => request = request.header(header::COOKIE, cookies),
        Caller::Api(_) => {
            request = request.header(header::AUTHORIZATION, format!("Bearer {bearer}"))
        }
        Caller::Anyone => {}
    }
    let request = request.body(Body::empty()).unwrap();
    let app = app.clone();
    tokio::spawn(async move { send(&app, request).await })
        .await
        .unwrap_or_else(|e| panic!("GET {path} dropped the connection: {e}"))
}

/// The paging parameter `path` asks with, if any.
fn paged(path: &str) -> Option<&'static str> {
    if path.contains("per_page={n}") {
        Some("per_page")
    } else if path.contains("page={n}") {
        Some("page")
    } else {
        None
    }
}

#[tokio::test]
async fn numeric_parameters_of_every_route_are_bounded() {
    for env in TestApp::each().await {
        let backend = env.backend;
        let seed = env.public_project("东湖社区老年食堂").await;
        let mut calls: Vec<(Caller, String)> = Vec::new();
        calls.extend(
            PAGES
                .iter()
                .map(|(who, p)| (Caller::Page(who), p.to_string())),
        );
        calls.extend(
            API.iter()
                .map(|(who, p)| (Caller::Api(who), format!("/api/v1{p}"))),
        );
        calls.extend(PUBLIC.iter().map(|p| (Caller::Anyone, p.to_string())));

        let mut sessions = Vec::new();
        for who in ["office_a", "sysadmin_a", "secadmin", "auditor"] {
            let cookies = env.signed_in(who).await.cookie_header();
            sessions.push((who, cookies, env.token(who).await));
        }

        for (caller, template) in &calls {
            let who = match caller {
                Caller::Page(who) | Caller::Api(who) => *who,
                Caller::Anyone => "",
            };
            let (cookies, bearer) = sessions
                .iter()
                .find(|(w, _, _)| *w == who)
                .map(|(_, c, t)| (c.as_str(), t.as_str()))
                .unwrap_or_default();
            for n in EXTREMES {
                let path = template
                    .replace("{n}", n)
                    .replace("{p}", &seed.id.to_string())
                    .replace("{c}", &seed.code);
                let reply = probe(&env.router, cookies, bearer, *caller, &path).await;
                let context = format!("[{backend}] {who} GET {path}");
                assert!(
                    !reply.status.is_server_error(),
                    "{context}: {} {}",
                    reply.status,
                    reply.body
                );
                let Some(param) = paged(template) else {
                    continue;
                };
                if NONSENSE.contains(&n) {
                    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{context}");
                    match caller {
                        Caller::Api(_) => assert_eq!(
                            reply.json()["fields"][0]["field"],
                            param,
                            "{context}: {}",
                            reply.body
                        ),
                        _ => {
                            let label = if param == "page" {
                                "页码"
                            } else {
                                "每页条数"
                            };
                            assert!(
                                reply.body.contains(label)
                                    && reply.body.contains("应为不小于 1 的整数"),
                                "{context}: the refusal names {param} in Chinese"
                            );
                        }
                    }
                } else {
                    assert_eq!(reply.status, StatusCode::OK, "{context}");
                }
            }
        }

        // Far past the last page the API answers an empty page it can report.
        let office = &sessions[0].2;
        let reply = probe(
            &env.router,
            "",
            office,
            Caller::Api("office_a"),
            "/api/v1/projects?page=9223372036854775807",
        )
        .await;
        let page = reply.json();
        assert_eq!(
            page["items"].as_array().map(Vec::len),
            Some(0),
            "[{backend}]"
        );
        assert_eq!(page["total"], 1, "[{backend}] the public project");
    }
}
