//! The office's settings and figures of service requests through the JSON API (issue 15
//! finding 14), on both databases: routing rules that send new requests on, statistics against
//! the requests seeded, Open311 keys issued, listed and revoked (a revoked key refused on
//! `/open311`), and an OpenAPI document that describes all of it.

use crate::common::requests_api::{
    delete, enter, fields, file, get, monday_morning, moved, narrow_dept_a, phoned, post, queue,
};
use crate::common::{Reply, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use minxin_domain::kernel::clock::Clock;
use minxin_storage::testing::route_street_roads;
use serde_json::{Value, json};

/// How many routing rules `who` sees.
async fn rule_count(env: &TestApp, who: &str) -> usize {
    let rules = get(env, who, "/requests/routing/rules").await;
    rules.json().as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn the_office_keeps_routing_rules_that_send_new_requests_on() {
    for env in TestApp::each().await {
        let b = env.backend;
        route_street_roads(env.fx()).await;
        let office = env.token("office_a").await;
        let street = env.fx().street_a.id;

        let boundaries = get(&env, &office, "/requests/routing/boundaries").await;
        assert_eq!(
            boundaries.status,
            StatusCode::OK,
            "{b}: {}",
            boundaries.body
        );
        assert_eq!(boundaries.json()[0]["region_id"], json!(street), "{b}");
        let rules = get(&env, &office, "/requests/routing/rules").await;
        assert_eq!(rules.json()[0]["category_code"], json!("road"), "{b}");
        assert_eq!(rule_count(&env, &office).await, 1, "{b}");

        let lighting =
            json!({ "category": "lighting", "boundary": street, "department": env.fx().a_jy });
        let add = |body: Value| post(&env, &office, "/requests/routing/rules", body);
        let added = add(lighting.clone()).await;
        assert_eq!(added.status, StatusCode::CREATED, "{b}: {}", added.body);
        assert_eq!(
            added.json()["department_name"],
            json!("示例区教育局"),
            "{b}"
        );
        let rule = added.json()["id"].as_i64().unwrap();
        assert_eq!(
            add(lighting).await.status,
            StatusCode::BAD_REQUEST,
            "{b}: a duplicate"
        );
        let anywhere = add(json!({ "category": "lighting", "department": env.fx().a_zj })).await;
        assert_eq!(
            fields(&anywhere),
            ["boundary"],
            "{b}: a district office needs a boundary"
        );
        let nobody = add(json!({ "category": "lighting", "boundary": street })).await;
        assert_eq!(fields(&nobody), ["department"], "{b}");

        let entered = post(&env, &office, "/requests", phoned("lighting")).await;
        assert_eq!(
            entered.json()["routed"],
            json!(true),
            "{b}: {}",
            entered.body
        );
        let id = entered.json()["id"].as_i64().unwrap();
        let routed = file(&env, &office, id).await.json();
        assert_eq!(
            routed["request"]["holder_name"],
            json!("示例区教育局"),
            "{b}"
        );
        assert_eq!(routed["request"]["state"], json!("assigned"), "{b}");

        let path = format!("/requests/routing/rules/{rule}");
        let removed = delete(&env, &office, &path).await;
        assert_eq!(
            removed.status,
            StatusCode::NO_CONTENT,
            "{b}: {}",
            removed.body
        );
        let again = delete(&env, &office, &path).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(rule_count(&env, &office).await, 1, "{b}");
    }
}

#[tokio::test]
async fn statistics_count_the_requests_seeded() {
    let clock = Clock::fixed(monday_morning());
    for env in TestApp::builder().clock(&clock).each().await {
        let b = env.backend;
        clock.set(monday_morning());
        narrow_dept_a(&env).await;
        let office = env.token("office_a").await;
        let dept = env.token("dept_a").await;
        let assign = json!({ "move": "assign", "department": env.fx().a_zj });

        // Answered two hours after receipt and closed; sent on and left; never dispatched.
        let done = enter(&env, &office, phoned("lighting")).await;
        moved(&env, &office, done, assign.clone()).await;
        moved(&env, &dept, done, json!({ "move": "accept" })).await;
        clock.set(monday_morning() + Duration::hours(2));
        moved(
            &env,
            &dept,
            done,
            json!({ "move": "answer", "text": "已修复" }),
        )
        .await;
        moved(&env, &office, done, json!({ "move": "close" })).await;
        let sent = enter(&env, &office, phoned("road")).await;
        moved(&env, &office, sent, assign).await;
        let queued = enter(&env, &office, phoned("lighting")).await;

        let stats = get(&env, &office, "/requests/stats").await;
        assert_eq!(stats.status, StatusCode::OK, "{b}: {}", stats.body);
        let total = &stats.json()["total"];
        let expected = json!({
            "received": 3, "open": 2, "answered": 0, "closed": 1, "merged": 0, "overdue": 0,
            "due_for_acceptance": 1, "accepted_in_time": 1, "resolved": 1, "rated": 0,
            "content": 0, "response_bp": 10000, "resolution_bp": 10000,
            "satisfaction_bp": null, "handled": 1, "mean_handling_seconds": 7200,
        });
        assert_eq!(total, &expected, "{b}");
        let mut by_category: Vec<(String, u64)> = stats.json()["by_category"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["received"].as_u64().unwrap() > 0)
            .map(|c| {
                (
                    c["code"].as_str().unwrap().to_owned(),
                    c["received"].as_u64().unwrap(),
                )
            })
            .collect();
        by_category.sort();
        assert_eq!(
            by_category,
            [("lighting".to_owned(), 2), ("road".to_owned(), 1)],
            "{b}"
        );
        let by_department: Vec<(Value, u64)> = stats.json()["by_department"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["department_id"].clone(), d["received"].as_u64().unwrap()))
            .collect();
        assert!(
            by_department.contains(&(json!(env.fx().a_zj), 2)),
            "{b}: {by_department:?}"
        );
        assert!(
            by_department.contains(&(Value::Null, 1)),
            "{b}: {by_department:?}"
        );

        let road = get(&env, &office, "/requests/stats?category=road").await;
        assert_eq!(
            road.json()["total"]["received"],
            json!(1),
            "{b}: {}",
            road.body
        );

        // A month on, the two waiting for acceptance are overdue and count against the rate.
        clock.set(monday_morning() + Duration::days(30));
        let later = get(&env, &office, "/requests/stats").await;
        let total = &later.json()["total"];
        assert_eq!(total["overdue"], json!(2), "{b}: {}", later.body);
        assert_eq!(total["due_for_acceptance"], json!(3), "{b}");
        assert_eq!(total["response_bp"], json!(3333), "{b}");
        let mut overdue = queue(&env, &office, "view=overdue").await;
        overdue.sort_unstable();
        assert_eq!(overdue, vec![sent, queued], "{b}");
    }
}

/// A form-encoded Open311 POST of a lighting request with `key`.
async fn open311_post(env: &TestApp, key: &str) -> Reply {
    let form = [
        ("api_key", key),
        ("service_code", "lighting"),
        ("lat", "30.5"),
        ("long", "114.5"),
        ("description", "路灯不亮"),
    ];
    let request = Request::post("/open311/v2/requests.json")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
        .unwrap();
    env.send(request).await
}

#[tokio::test]
async fn the_office_issues_and_revokes_open311_keys() {
    for env in TestApp::each().await {
        let b = env.backend;
        let office = env.token("office_a").await;
        let dept = env.token("dept_a").await;
        let keys = "/open311-keys";

        let issued = post(&env, &office, keys, json!({ "name": "12345 热线" })).await;
        assert_eq!(issued.status, StatusCode::CREATED, "{b}: {}", issued.body);
        let key = issued.json()["key"].as_str().unwrap().to_owned();
        let id = issued.json()["listed"]["id"].as_i64().unwrap();
        assert!(
            key.starts_with(issued.json()["listed"]["prefix"].as_str().unwrap()),
            "{b}"
        );

        let listed = get(&env, &office, keys).await;
        assert_eq!(listed.status, StatusCode::OK, "{b}: {}", listed.body);
        assert_eq!(listed.json()[0]["name"], json!("12345 热线"), "{b}");
        assert_eq!(listed.json()[0]["revoked_at"], Value::Null, "{b}");
        assert!(
            !listed.body.contains(&key),
            "{b}: the key is shown once only"
        );

        let posted = open311_post(&env, &key).await;
        assert!(
            posted.status.is_success(),
            "{b}: {} {}",
            posted.status,
            posted.body
        );

        let path = format!("{keys}/{id}");
        assert_eq!(
            delete(&env, &dept, &path).await.status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
        let revoked = delete(&env, &office, &path).await;
        assert_eq!(
            revoked.status,
            StatusCode::NO_CONTENT,
            "{b}: {}",
            revoked.body
        );
        let listed = get(&env, &office, keys).await;
        assert!(
            listed.json()[0]["revoked_at"].is_string(),
            "{b}: {}",
            listed.body
        );
        let refused = open311_post(&env, &key).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{b}: {}",
            refused.body
        );

        let unnamed = post(&env, &office, keys, json!({ "name": " " })).await;
        assert_eq!(fields(&unnamed), ["name"], "{b}: {}", unnamed.body);
        let refused = post(&env, &dept, keys, json!({ "name": "x" })).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{b}: {}",
            refused.body
        );
        let unknown = delete(&env, &office, &format!("{keys}/{}", id + 100)).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{b}");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_request_operation_without_dangling_refs() {
    for env in TestApp::each().await.into_iter().take(1) {
        let doc = env
            .api(Method::GET, "/openapi.json", None, None)
            .await
            .json();
        let operations = [
            ("/requests", "get"),
            ("/requests", "post"),
            ("/requests/{id}", "get"),
            ("/requests/{id}/moves", "post"),
            ("/requests/{id}/photos/{photo}/{copy}", "get"),
            ("/requests/stats", "get"),
            ("/requests/routing/boundaries", "get"),
            ("/requests/routing/rules", "get"),
            ("/requests/routing/rules", "post"),
            ("/requests/routing/rules/{id}", "delete"),
            ("/open311-keys", "get"),
            ("/open311-keys", "post"),
            ("/open311-keys/{id}", "delete"),
        ];
        for (path, method) in operations {
            let op = &doc["paths"][path][method];
            assert!(op.is_object(), "{method} {path} documented");
            for status in ["401", "403"] {
                assert!(
                    op["responses"][status].is_object(),
                    "{method} {path} {status}"
                );
            }
        }
        // Every schema these operations refer to, and those they refer to in turn, exists.
        let refs = |v: &Value| -> Vec<String> {
            v.to_string()
                .split("\"#/components/schemas/")
                .skip(1)
                .map(|r| r.split('"').next().unwrap().to_owned())
                .collect()
        };
        let schemas = &doc["components"]["schemas"];
        let mut pending: Vec<String> = operations
            .iter()
            .flat_map(|(path, method)| refs(&doc["paths"][path][method]))
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        while let Some(name) = pending.pop() {
            if seen.insert(name.clone()) {
                assert!(schemas[&name].is_object(), "dangling $ref {name}");
                pending.extend(refs(&schemas[&name]));
            }
        }
        // The move's answer is its own schema, not another module's of the same name.
        let moved = &doc["paths"]["/requests/{id}/moves"]["post"]["responses"]["201"];
        let name = refs(moved).pop().unwrap();
        let properties = &schemas[&name]["properties"];
        for property in ["id", "state", "version"] {
            assert!(properties[property].is_object(), "{name} has {property}");
        }
    }
}
