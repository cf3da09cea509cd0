//! The leader dashboard page and its API on every backend: the leader sees the figures with
//! links to the lists behind them and the red project's reasons in words; other roles are
//! refused; the API answers in the caller's language and is in the OpenAPI document.

use crate::common::TestApp;
use crate::common::dashboard::lit_project;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Datelike;
use minxin_domain::control::light::Light;
use minxin_storage::testing::today;

/// The target of the link with `id`, unescaped.
fn href_of(body: &str, id: &str) -> String {
    let at = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let tag = &body[body[..at].rfind("<a ").unwrap()..];
    let href = tag
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    href.replace("&#38;", "&").replace("&amp;", "&")
}

#[tokio::test]
async fn the_leader_sees_the_dashboard_and_others_do_not() {
    for env in TestApp::each().await {
        let b = env.backend;
        let red = lit_project(env.fx(), "东湖社区老年食堂", Light::Red).await;
        lit_project(env.fx(), "西湖社区文化站", Light::Green).await;

        let mut leader = env.signed_in("leader_a").await;
        let home = leader.get("/work").await;
        assert!(home.body.contains("href=\"/dashboard\""), "{b}: navigation");
        let page = leader.get("/dashboard").await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        let body = &page.body;
        let region = env.fx().district_a.id;
        assert!(body.contains("领导驾驶舱"), "{b}");
        assert!(body.contains(&format!("id=\"red-{red}\"")), "{b}");
        assert!(
            body.contains("节点“主体施工”逾期 21 天"),
            "{b}: reason in words"
        );
        let list = format!("/projects?year={}&region_id={region}", today().year());
        assert_eq!(
            href_of(body, "card-red"),
            format!("{list}&light=red"),
            "{b}"
        );
        assert_eq!(
            href_of(body, "stage-construction"),
            format!("{list}&stage=construction"),
            "{b}"
        );
        assert!(body.contains("id=\"stage-construction\">2</a>"), "{b}");
        assert_eq!(
            href_of(body, "light-green"),
            format!("{list}&light=green"),
            "{b}"
        );
        assert!(body.contains("id=\"light-green\">1</a>"), "{b}");
        assert!(
            body.contains("/static/vendor/echarts-5.6.0/echarts.common.min.js"),
            "{b}"
        );
        assert!(
            body.contains("<script type=\"application/json\" id=\"dashboard-data\">"),
            "{b}"
        );

        // A sub-region outside the scope is not found; a mangled year shows this year.
        let b_region = env.fx().district_b.id;
        let outside = leader
            .get(&format!("/dashboard?region_id={b_region}"))
            .await;
        assert_eq!(outside.status, StatusCode::NOT_FOUND, "{b}");
        let mangled = leader.get("/dashboard?year=abc").await;
        assert_eq!(mangled.status, StatusCode::OK, "{b}");

        for username in ["dept_a", "finance_a", "sysadmin"] {
            let mut other = env.signed_in(username).await;
            let home = other.get("/work").await;
            assert!(
                !home.body.contains("href=\"/dashboard\""),
                "{b}: {username}"
            );
            let refused = other.get("/dashboard").await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}: {username}");
        }
    }
}

#[tokio::test]
async fn the_api_gives_the_figures_in_the_callers_language() {
    for env in TestApp::each().await {
        let b = env.backend;
        let red = lit_project(env.fx(), "东湖社区老年食堂", Light::Red).await;
        let leader = env.token("leader_a").await;

        let zh = env.get_api("/dashboard", &leader).await;
        assert_eq!(zh.status, StatusCode::OK, "{b}: {}", zh.body);
        let figures = zh.json();
        assert_eq!(figures["projects"], 1, "{b}");
        assert_eq!(figures["lights"]["red"], 1, "{b}");
        assert_eq!(figures["region_id"], env.fx().district_a.id, "{b}");
        assert_eq!(figures["by_source"][0]["source"], "county", "{b}");
        assert_eq!(figures["by_source"][0]["planned_fen"], 100_000_000, "{b}");
        assert_eq!(figures["red_projects"][0]["id"], red, "{b}");
        let reason = &figures["red_projects"][0]["reasons"][0];
        assert_eq!(reason["light"], "red");
        assert!(
            reason["text"]
                .as_str()
                .unwrap()
                .starts_with("节点“主体施工”逾期 21 天"),
            "{b}"
        );

        let year = today().year();
        let street = env.fx().street_a.id;
        let request = Request::get(format!("/api/v1/dashboard?year={year}&region_id={street}"))
            .header(header::AUTHORIZATION, format!("Bearer {leader}"))
            .header(header::ACCEPT_LANGUAGE, "en")
            .body(Body::empty())
            .unwrap();
        let en = env.send(request).await;
        assert_eq!(en.status, StatusCode::OK, "{b}: {}", en.body);
        let text = en.json()["red_projects"][0]["reasons"][0]["text"].clone();
        assert!(text.as_str().unwrap().contains("主体施工"), "{b}: {text}");
        assert!(
            !text.as_str().unwrap().contains("逾期"),
            "{b}: English sentence {text}"
        );

        let dept = env.token("dept_a").await;
        let refused = env.get_api("/dashboard", &dept).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}");
        let outside = env
            .get_api(
                &format!("/dashboard?region_id={}", env.fx().district_b.id),
                &leader,
            )
            .await;
        assert_eq!(outside.status, StatusCode::NOT_FOUND, "{b}");

        let doc = env.api(Method::GET, "/openapi.json", None, None).await;
        let path = &doc.json()["paths"]["/dashboard"]["get"];
        assert!(path.is_object(), "{b}: /dashboard in the OpenAPI document");
        assert!(
            path["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "region_id"),
            "{b}"
        );
    }
}
