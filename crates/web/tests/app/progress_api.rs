//! Progress control through the JSON API, on every backend, the way a client uses it: finance
//! records money and is refused with the amounts in words, a correction, the light with its
//! reasons in the caller's language, a report returned and accepted, and who may do what.

use crate::common::TestApp;
use axum::http::{Method, StatusCode};
use minxin_storage::testing::TestProject;
use serde_json::json;

/// A project of district A under construction that started 60 days ago, budget 1,000,000 元.
async fn project(env: &TestApp) -> i64 {
    env.project(TestProject::building(env.fx(), "示例街道老年食堂", 60, 120))
        .await
}

#[tokio::test]
async fn finance_records_money_and_refusals_are_worded() {
    for env in TestApp::each().await {
        let id = project(&env).await;
        let finance = env.token("finance_a").await;
        let office = env.token("office_a").await;
        let today = minxin_storage::testing::today().to_string();
        let money = |kind: &str, amount: i64, contract: Option<i64>| {
            json!({"kind": kind, "source": "county", "amount_fen": amount,
                   "contract_id": contract, "occurred_on": today, "note": "示财预〔2026〕12 号"})
        };
        let path = format!("/projects/{id}/money");
        let as_finance = |body| env.post_api(&path, &finance, body);

        // The office may not record money.
        let r = env
            .post_api(&path, &office, money("approval", 1, None))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", env.backend);

        let r = as_finance(money("approval", 80_000_000, None)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", env.backend, r.body);
        let r = env
            .post_api(
                &format!("/projects/{id}/contracts"),
                &finance,
                json!({"method": "open_tender", "contractor": "示例建设工程有限公司",
                "credit_code": "91350100M000100Y43", "amount_fen": 50_000_000,
                "signed_on": today, "starts_on": today, "ends_on": today}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", env.backend, r.body);
        let contract = r.json()["id"].as_i64().unwrap();

        // A payment over the contract: 400 with the amounts in Chinese.
        let r = as_finance(money("payment", 50_000_001, Some(contract))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", env.backend);
        assert!(r.body.contains("500,000.00"), "{}: {}", env.backend, r.body);
        assert!(r.body.contains("超出合同金额"), "{}", r.body);

        // Within the contract, but the county has disbursed nothing yet: refused in words, in
        // Chinese by default and in English when asked.
        let r = as_finance(money("payment", 30_000_000, Some(contract))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", env.backend);
        assert!(
            r.body.contains(
                "县级资金已拨付 0.00 元，已支付 0.00 元，本次支付 300,000.00 元将超出已拨付金额"
            ),
            "{}: {}",
            env.backend,
            r.body
        );
        let body = money("payment", 30_000_000, Some(contract));
        let en = env
            .api_in(Some("en"), Method::POST, &path, Some(&finance), Some(body))
            .await;
        assert_eq!(en.status, StatusCode::BAD_REQUEST, "{}", env.backend);
        assert!(
            en.body
                .contains("paying ¥300,000.00 would exceed what is disbursed"),
            "{}: {}",
            env.backend,
            en.body
        );
        let r = as_finance(money("disbursement", 30_000_000, None)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = as_finance(money("payment", 30_000_000, Some(contract))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let payment = r.json()["id"].as_i64().unwrap();
        let r = env
            .post_api(
                &format!("/projects/{id}/money/{payment}/corrections"),
                &finance,
                json!({"amount_fen": 1_000_000, "reason": "发票金额有误", "occurred_on": today}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["amount_fen"], -1_000_000);

        let books = env.get_api(&format!("/projects/{id}/books"), &office).await;
        assert_eq!(books.status, StatusCode::OK);
        let books = books.json();
        assert_eq!(
            books["summary"]["total"]["paid"], 29_000_000,
            "{}",
            env.backend
        );
        assert_eq!(books["summary"]["total"]["approved"], 80_000_000);
        assert_eq!(books["contracts"][0]["paid_fen"], 29_000_000);
        assert_eq!(books["summary"]["total"]["disbursed"], 30_000_000);
        assert_eq!(books["records"].as_array().unwrap().len(), 4);

        // Another district's user sees nothing.
        let other = env.token("dept_b").await;
        let r = env.get_api(&format!("/projects/{id}/books"), &other).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn the_light_comes_with_reasons_in_the_callers_language() {
    for env in TestApp::each().await {
        let id = project(&env).await;
        let office = env.token("office_a").await;
        let planned = minxin_storage::testing::today() - chrono::Duration::days(21);
        let r = env
            .post_api(
                &format!("/projects/{id}/milestones"),
                &office,
                json!({"name": "主体施工", "planned_date": planned, "weight": 50}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let light = env.get_api(&format!("/projects/{id}/light"), &office).await;
        let light = light.json();
        assert_eq!(light["light"], "red", "{}", env.backend);
        let texts: Vec<&str> = light["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["text"].as_str().unwrap())
            .collect();
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("节点“主体施工”逾期 21 天")),
            "{}: {texts:?}",
            env.backend
        );
        // The project page shows the same light and reasons.
        let mut browser = env.signed_in("office_a").await;
        let page = browser.get(&format!("/projects/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("红灯（滞后）"), "{}", env.backend);
        assert!(
            page.body.contains("节点“主体施工”逾期 21 天"),
            "{}",
            env.backend
        );
    }
}

#[tokio::test]
async fn a_report_is_returned_refiled_and_accepted() {
    for env in TestApp::each().await {
        let id = project(&env).await;
        let office = env.token("office_a").await;
        let period =
            minxin_domain::control::report::ReportPeriod::of(minxin_storage::testing::today());
        let body = |percent: u32| {
            json!({"period": period.to_string(), "percent_bp": percent, "done": "完成基础施工",
                   "problems": "", "help_needed": "协调电力接入"})
        };
        let path = format!("/projects/{id}/reports");
        let r = env.post_api(&path, &office, body(3_000)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", env.backend, r.body);
        let report = r.json();
        let review = format!("/projects/{id}/reports/{}/review", report["id"]);
        let r = env
            .post_api(
                &review,
                &office,
                json!({"version": report["version"], "decision": "return", "comment": ""}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("退回意见"), "{}", r.body);
        let r = env.post_api(&review, &office, json!({"version": report["version"], "decision": "return", "comment": "请补充照片"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = env.post_api(&path, &office, body(3_500)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let refiled = r.json();
        // A stale review: 409.
        let r = env
            .post_api(
                &review,
                &office,
                json!({"version": report["version"], "decision": "accept"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = env
            .post_api(
                &review,
                &office,
                json!({"version": refiled["version"], "decision": "accept"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["state"], "accepted");
        let p = env.get_api(&format!("/projects/{id}"), &office).await;
        assert_eq!(p.json()["progress_percent"], 35, "{}", env.backend);
        let list = env.get_api(&path, &office).await;
        assert_eq!(list.json().as_array().unwrap().len(), 1);
    }
}
