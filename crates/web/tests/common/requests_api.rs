//! Service requests worked through the JSON API, for the request API suites: a phoned-in
//! request, entering it, reading its file and queues, and making moves at the right version.

use super::{Reply, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use minxin_domain::kernel::time::shanghai;
use serde_json::{Value, json};

/// 10:00 on Monday 2 March 2026, Beijing time: a working day far from holidays.
pub fn monday_morning() -> DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// GET `path` of the API as the holder of token `who`.
pub async fn get(env: &TestApp, who: &str, path: &str) -> Reply {
    env.api(Method::GET, path, Some(who), None).await
}

/// POST `body` to `path` of the API as the holder of token `who`.
pub async fn post(env: &TestApp, who: &str, path: &str, body: Value) -> Reply {
    env.api(Method::POST, path, Some(who), Some(body)).await
}

/// DELETE `path` of the API as the holder of token `who`.
pub async fn delete(env: &TestApp, who: &str, path: &str) -> Reply {
    env.api(Method::DELETE, path, Some(who), None).await
}

/// A phoned-in request of `category` at (30.5, 114.5) with the resident's contact details.
pub fn phoned(category: &str) -> Value {
    json!({
        "channel": "phone",
        "category": category,
        "description": "东湖路 3 号楼前路灯不亮，晚上很黑",
        "lat": 30.5,
        "lon": 114.5,
        "name": "李大爷",
        "phone": "13900002222",
    })
}

/// Asserts that `reply` has `status`, showing the backend and the body otherwise.
pub fn expect(env: &TestApp, reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "{}: {}", env.backend, reply.body);
}

/// Enters `body` as `who` and returns the new request's id.
pub async fn enter(env: &TestApp, who: &str, body: Value) -> i64 {
    let reply = post(env, who, "/requests", body).await;
    expect(env, &reply, StatusCode::CREATED);
    reply.json()["id"].as_i64().unwrap()
}

/// Request `id`'s file as `who` sees it.
pub async fn file(env: &TestApp, who: &str, id: i64) -> Reply {
    get(env, who, &format!("/requests/{id}")).await
}

/// The version of request `id` as `who` reads it.
pub async fn version(env: &TestApp, who: &str, id: i64) -> i64 {
    let reply = file(env, who, id).await;
    expect(env, &reply, StatusCode::OK);
    reply.json()["request"]["version"].as_i64().unwrap()
}

/// Makes `step` (a move body without its version) on request `id` as `who` at `version`.
pub async fn make(env: &TestApp, who: &str, id: i64, version: i64, step: Value) -> Reply {
    let mut body = step;
    body["version"] = json!(version);
    let path = format!("/requests/{id}/moves");
    post(env, who, &path, body).await
}

/// Makes `step` on request `id` as `who` at the version it has now; asserts it succeeded.
pub async fn moved(env: &TestApp, who: &str, id: i64, step: Value) -> Value {
    let at = version(env, who, id).await;
    let reply = make(env, who, id, at, step).await;
    expect(env, &reply, StatusCode::CREATED);
    let out = reply.json();
    assert_eq!(out["version"], json!(at + 1), "{}", env.backend);
    out
}

/// The ids of a queue's page as `who` sees it.
pub async fn queue(env: &TestApp, who: &str, query: &str) -> Vec<i64> {
    let reply = get(env, who, &format!("/requests?{query}")).await;
    expect(env, &reply, StatusCode::OK);
    reply.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

/// The fields a refusal names, in order.
pub fn fields(reply: &Reply) -> Vec<String> {
    reply.json()["fields"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| f["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Narrows `dept_a` to its bureau 示例区住建局, so it acts on what that bureau holds.
pub async fn narrow_dept_a(env: &TestApp) {
    env.narrow("dept_a", &["A-ZJ"]).await;
}
