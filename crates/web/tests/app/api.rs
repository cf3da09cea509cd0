//! The JSON API through its routes, on every backend: who may call what, data scopes, error
//! format and language, optimistic concurrency, tokens, the project's published office phone
//! and the OpenAPI document.

use crate::common::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::json;

/// Every administrative route refuses every role that does not own it (三员分立, and nobody
/// else), with 403.
#[tokio::test]
async fn admin_routes_refuse_other_roles() {
    for env in TestApp::each().await {
        let fx = &env.fx();
        let routes: Vec<(Method, String, Option<serde_json::Value>, &[&str])> = vec![
            (
                Method::POST,
                "/regions".into(),
                Some(
                    json!({"code": "990101002", "name": "新街道", "level": "street", "parent_id": fx.district_a.id}),
                ),
                &["sysadmin", "sysadmin_a"],
            ),
            (
                Method::PUT,
                format!("/departments/{}", fx.a_jy),
                Some(
                    json!({"version": 1, "code": "A-JY", "name": "改名", "region_id": fx.district_a.id}),
                ),
                &["sysadmin", "sysadmin_a"],
            ),
            (
                Method::DELETE,
                format!("/departments/{}", fx.a_jy),
                None,
                &["sysadmin", "sysadmin_a"],
            ),
            (
                Method::GET,
                "/accounts".into(),
                None,
                &["sysadmin", "sysadmin_a", "secadmin"],
            ),
            (
                Method::POST,
                "/accounts".into(),
                Some(
                    json!({"username": "newbie", "display_name": "新人", "region_id": fx.district_a.id, "password": "Newbie#2026"}),
                ),
                &["sysadmin", "sysadmin_a"],
            ),
            (
                Method::POST,
                format!("/accounts/{}/password", fx.id("dept_a")),
                Some(json!({"password": "Reset#2026x"})),
                &["sysadmin", "sysadmin_a"],
            ),
            (
                Method::PUT,
                format!("/accounts/{}/access", fx.id("dept_a")),
                Some(
                    json!({"version": 1, "roles": ["office"], "scope_region_id": fx.district_a.id}),
                ),
                &["secadmin"],
            ),
        ];
        for username in minxin_storage::testing::USERNAMES {
            let t = env.token(username).await;
            for (method, path, body, owners) in &routes {
                if owners.contains(&username) {
                    continue;
                }
                let reply = env.api(method.clone(), path, Some(&t), body.clone()).await;
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "[{}] {username} {method} {path}: {}",
                    env.backend,
                    reply.body
                );
                assert_eq!(reply.json()["code"], "forbidden");
            }
        }
    }
}

/// A district-A user reads and changes nothing of district B through any route: reads answer
/// 404 (existence is not revealed), writes too, and district B's data is unchanged afterwards.
#[tokio::test]
async fn other_districts_are_invisible_through_every_route() {
    for env in TestApp::each().await {
        let fx = &env.fx();
        let b = env.backend;
        let dept_a = env.token("dept_a").await;
        let admin_a = env.token("sysadmin_a").await;

        let regions = env.get_api("/regions", &dept_a).await;
        let codes: Vec<String> = regions
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            codes.iter().all(|c| c.starts_with("990101")),
            "[{b}] {codes:?}"
        );
        let departments = env.get_api("/departments", &dept_a).await;
        let ids: Vec<i64> = departments
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_i64().unwrap())
            .collect();
        assert!(
            !ids.contains(&fx.b_zj) && ids.contains(&fx.a_zj),
            "[{b}] {ids:?}"
        );

        for (token, method, path, body) in [
            (
                &dept_a,
                Method::GET,
                format!("/regions/{}", fx.district_b.id),
                None,
            ),
            (
                &dept_a,
                Method::GET,
                format!("/departments/{}", fx.b_zj),
                None,
            ),
            (
                &admin_a,
                Method::GET,
                format!("/regions/{}", fx.street_b.id),
                None,
            ),
            (
                &admin_a,
                Method::GET,
                format!("/departments/{}", fx.b_zj),
                None,
            ),
            (
                &admin_a,
                Method::PUT,
                format!("/departments/{}", fx.b_zj),
                Some(
                    json!({"version": 1, "code": "B-ZJ", "name": "篡改", "region_id": fx.district_a.id}),
                ),
            ),
            (
                &admin_a,
                Method::DELETE,
                format!("/departments/{}", fx.b_zj),
                None,
            ),
            (
                &admin_a,
                Method::PUT,
                format!("/regions/{}", fx.street_b.id),
                Some(json!({"version": 1, "code": "990102001", "name": "篡改"})),
            ),
            (
                &admin_a,
                Method::DELETE,
                format!("/regions/{}", fx.street_b.id),
                None,
            ),
            (
                &admin_a,
                Method::GET,
                format!("/accounts/{}", fx.id("dept_b")),
                None,
            ),
            (
                &admin_a,
                Method::PUT,
                format!("/accounts/{}", fx.id("dept_b")),
                Some(
                    json!({"version": 1, "display_name": "篡改", "region_id": fx.district_a.id, "disabled": true}),
                ),
            ),
            (
                &admin_a,
                Method::POST,
                format!("/accounts/{}/password", fx.id("dept_b")),
                Some(json!({"password": "Hijack#2026"})),
            ),
        ] {
            let reply = env.api(method.clone(), &path, Some(token), body).await;
            assert_eq!(
                reply.status,
                StatusCode::NOT_FOUND,
                "[{b}] {method} {path}: {}",
                reply.body
            );
        }
        for (path, body, field) in [
            (
                "/regions",
                json!({"code": "990102002", "name": "越界街道", "level": "street", "parent_id": fx.district_b.id}),
                "parent_id",
            ),
            (
                "/departments",
                json!({"code": "X-1", "name": "越界部门", "region_id": fx.district_b.id}),
                "region_id",
            ),
            (
                "/accounts",
                json!({"username": "intruder", "display_name": "越界", "region_id": fx.district_b.id, "password": "Intrude#2026"}),
                "region_id",
            ),
        ] {
            let reply = env.post_api(path, &admin_a, body).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "[{b}] POST {path}: {}",
                reply.body
            );
            let fields = reply.json()["fields"].clone();
            assert!(
                fields
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["field"] == field),
                "[{b}] {path} must name {field}: {fields}"
            );
        }
        let admin = env.token("sysadmin").await;
        let b_dept = env
            .get_api(&format!("/departments/{}", fx.b_zj), &admin)
            .await;
        assert_eq!(b_dept.json()["name"], "样板区住建局", "[{b}] unchanged");
        assert_eq!(b_dept.json()["version"], 1);
        let b_account = env
            .get_api(&format!("/accounts/{}", fx.id("dept_b")), &admin)
            .await;
        assert_eq!(b_account.json()["disabled"], false, "[{b}] unchanged");
        assert_eq!(
            b_account.json()["version"].as_i64(),
            Some(2),
            "[{b}] only the bootstrap grant"
        );
    }
}

#[tokio::test]
async fn errors_are_json_in_the_callers_language() {
    for env in TestApp::each().await {
        let b = env.backend;
        let anonymous = env.api(Method::GET, "/me", None, None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "[{b}]");
        assert_eq!(anonymous.json()["code"], "unauthorized");
        assert!(
            anonymous.json()["message"]
                .as_str()
                .unwrap()
                .contains("令牌"),
            "[{b}] Chinese by default"
        );

        let request = axum::http::Request::get("/api/v1/me")
            .header("accept-language", "en-GB,en;q=0.9")
            .body(axum::body::Body::empty())
            .unwrap();
        let english = env.send(request).await;
        assert!(
            english.json()["message"]
                .as_str()
                .unwrap()
                .contains("token"),
            "[{b}] {}",
            english.body
        );

        let admin = env.token("sysadmin").await;
        let invalid = env.post_api("/regions", &admin, json!({"code": "12", "name": "", "level": "street", "parent_id": env.fx().district_a.id}))
        .await;
        assert_eq!(
            invalid.status,
            StatusCode::BAD_REQUEST,
            "[{b}] {}",
            invalid.body
        );
        let fields = invalid.json()["fields"].as_array().unwrap().clone();
        let named: Vec<&str> = fields
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert!(
            named.contains(&"name") && named.contains(&"code"),
            "[{b}] {named:?}"
        );
        assert!(
            fields
                .iter()
                .all(|f| !f["message"].as_str().unwrap().is_empty())
        );

        let garbage = env
            .send(
                axum::http::Request::post("/api/v1/regions")
                    .header("authorization", format!("Bearer {admin}"))
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from("{not json"))
                    .unwrap(),
            )
            .await;
        assert_eq!(
            garbage.status,
            StatusCode::BAD_REQUEST,
            "[{b}] {}",
            garbage.body
        );
        assert_eq!(garbage.json()["code"], "bad_request");

        let missing = env.get_api("/nothing-here", &admin).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(missing.json()["code"], "not_found");
    }
}

#[tokio::test]
async fn a_stale_update_is_refused_with_409() {
    for env in TestApp::each().await {
        let admin = env.token("sysadmin").await;
        let path = format!("/departments/{}", env.fx().a_jy);
        let body = |name: &str| json!({"version": 1, "code": "A-JY", "name": name, "region_id": env.fx().district_a.id});
        let first = env
            .api(Method::PUT, &path, Some(&admin), Some(body("第一次")))
            .await;
        assert_eq!(
            first.status,
            StatusCode::OK,
            "[{}] {}",
            env.backend,
            first.body
        );
        let second = env
            .api(Method::PUT, &path, Some(&admin), Some(body("第二次")))
            .await;
        assert_eq!(
            second.status,
            StatusCode::CONFLICT,
            "[{}] {}",
            env.backend,
            second.body
        );
        let now = env.get_api(&path, &admin).await;
        assert_eq!(now.json()["name"], "第一次");
    }
}

#[tokio::test]
async fn tokens_can_be_listed_and_revoked() {
    for env in TestApp::each().await {
        let t = env.token("office_a").await;
        let me = env.get_api("/me", &t).await;
        assert_eq!(me.json()["username"], "office_a");
        assert_eq!(me.json()["roles"], json!(["office"]));
        let list = env.get_api("/auth/tokens", &t).await;
        let tokens = list.json();
        assert_eq!(tokens.as_array().unwrap().len(), 1);
        assert!(!list.body.contains(&t), "the secret is never listed");
        let id = tokens[0]["id"].as_i64().unwrap();
        let revoked = env
            .api(
                Method::DELETE,
                &format!("/auth/tokens/{id}"),
                Some(&t),
                None,
            )
            .await;
        assert_eq!(revoked.status, StatusCode::NO_CONTENT);
        let after = env.get_api("/me", &t).await;
        assert_eq!(after.status, StatusCode::UNAUTHORIZED, "[{}]", env.backend);

        let wrong = env
            .api(
                Method::POST,
                "/auth/token",
                None,
                Some(json!({"username": "office_a", "password": "nope"})),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.json()["code"], "bad_credentials");
    }
}

/// A project created through the API carries its published office phone; free text in its
/// place is refused on the field, in Chinese by default.
#[tokio::test]
async fn projects_carry_the_published_office_phone() {
    for env in TestApp::each().await {
        let b = env.backend;
        let fx = &env.fx();
        let office = env.token("office_a").await;
        let category = fx.elderly_category().await;
        let create = |public_phone: &str| {
            let body = json!({"name": "东湖社区老年食堂", "category_id": category, "year": 2026,
                   "region_id": fx.street_a.id, "lead_department_id": fx.a_zj,
                   "owner_name": "王建国", "owner_phone": "13800001234",
                   "public_phone": public_phone});
            env.post_api("/projects", &office, body)
        };
        let created = create("0571-88881234").await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "[{b}] {}",
            created.body
        );
        assert_eq!(created.json()["public_phone"], "0571-88881234", "[{b}]");
        let id = created.json()["id"].as_i64().unwrap();
        let read = env.get_api(&format!("/projects/{id}"), &office).await;
        assert_eq!(read.json()["public_phone"], "0571-88881234", "[{b}]");

        let refused = create("请找王主任").await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "[{b}] {}",
            refused.body
        );
        let fields = refused.json()["fields"].clone();
        assert_eq!(fields[0]["field"], "public_phone", "[{b}] {fields}");
        assert_eq!(fields[0]["message"], "格式不正确", "[{b}] {fields}");
    }
}

/// The API parses a project with the form's one parse, so every field's problem comes back in
/// one answer.
#[tokio::test]
async fn a_project_through_the_api_reports_every_field_problem_at_once() {
    for env in TestApp::each().await {
        let b = env.backend;
        let fx = &env.fx();
        let office = env.token("office_a").await;
        let body = json!({"name": " ", "category_id": fx.elderly_category().await,
               "year": 2026, "region_id": fx.street_a.id, "lead_department_id": fx.a_zj,
               "owner_name": "王建国", "owner_phone": "phone", "latitude": 30.6,
               "planned_start": "2026-05-01", "planned_end": "2026-04-01"});
        let refused = env
            .api(Method::POST, "/projects", Some(&office), Some(body))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "[{b}] {}",
            refused.body
        );
        let fields: Vec<_> = refused.json()["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            fields,
            ["name", "owner_phone", "planned_end", "longitude"],
            "[{b}]"
        );
    }
}

#[tokio::test]
async fn openapi_document_lists_the_routes() {
    let env = TestApp::each().await.remove(0);
    let reply = env
        .send(
            axum::http::Request::get("/api/v1/openapi.json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/auth/token",
        "/auth/tokens",
        "/auth/tokens/{id}",
        "/me",
        "/regions",
        "/regions/{id}",
        "/departments",
        "/departments/{id}",
        "/accounts",
        "/accounts/{id}",
        "/accounts/{id}/password",
        "/accounts/{id}/access",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is not documented");
    }
    assert!(doc["components"]["schemas"].get("ErrorBody").is_some());
    for schema in ["ProjectInput", "Project"] {
        assert!(
            doc["components"]["schemas"][schema]["properties"]
                .get("public_phone")
                .is_some(),
            "{schema} documents public_phone"
        );
    }
}

/// A category district A's office adds is not shown to district B (issue 15 finding 11); A
/// renames its own through `PATCH /categories/{id}`, B cannot reach it, and names made of
/// control characters are refused naming the field.
#[tokio::test]
async fn categories_stay_in_their_district() {
    for env in TestApp::each().await {
        let b = env.backend;
        let office = env.token("office_a").await;
        let dept_b = env.token("dept_b").await;
        let dept_a = env.token("dept_a").await;
        let list = env.get_api("/categories", &office).await;
        let top = list
            .json()
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "public_service")
            .unwrap()["id"]
            .clone();
        let created = env
            .post_api(
                "/categories",
                &office,
                json!({ "name": "示例区口袋公园", "code": "a.pocket_park", "parent_id": top }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{b}: {}", created.body);
        let id = created.json()["id"].as_i64().unwrap();
        let names = |token: String| {
            let env = &env;
            async move { env.get_api("/categories", &token).await.body }
        };
        assert!(
            names(dept_a.clone()).await.contains("示例区口袋公园"),
            "{b}"
        );
        assert!(
            !names(dept_b.clone()).await.contains("示例区口袋公园"),
            "{b}: district B sees district A's category"
        );

        let path = format!("/categories/{id}");
        let renamed = env
            .api(
                Method::PATCH,
                &path,
                Some(&office),
                Some(json!({ "name": "街角公园" })),
            )
            .await;
        assert_eq!(renamed.status, StatusCode::OK, "{b}: {}", renamed.body);
        assert_eq!(renamed.json()["name"], "街角公园", "{b}");
        let control = env
            .api(
                Method::PATCH,
                &path,
                Some(&office),
                Some(json!({ "name": "\u{1}\u{1b}" })),
            )
            .await;
        assert_eq!(
            control.status,
            StatusCode::BAD_REQUEST,
            "{b}: {}",
            control.body
        );
        assert!(control.body.contains("name"), "{b}: {}", control.body);
        let from_b = env
            .api(
                Method::PATCH,
                &path,
                Some(&dept_b),
                Some(json!({ "name": "改名" })),
            )
            .await;
        assert_eq!(from_b.status, StatusCode::FORBIDDEN, "{b}: {}", from_b.body);
    }
}
