//! Issue 15 finding 14: the OpenAPI document agrees with the API. Every `$ref` in it resolves
//! (it referred to `Pool` and `SortKey`, which it did not define), and every operation, sent
//! what the extractors refuse — no token, a path id that is not a number, a body of another
//! content type, broken JSON, JSON of another shape — answers only statuses it documents (400,
//! 401, 415 and 422 were undocumented on 80 responses), never a 5xx, on SQLite and PostgreSQL.
//! `scripts/api-contract` runs schemathesis over the same document. The whole document is also
//! an insta snapshot (`snapshots/app__api_contract__openapi.snap`), so that every change of the
//! API shows in review: accept a change with `cargo insta review` (or `INSTA_UPDATE=always`);
//! under CI (`CI=true`) a difference fails and no snapshot is written.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;

/// Every `$ref` string anywhere in `value`.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

async fn document(env: &TestApp) -> Value {
    let reply = env
        .send(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.json()
}

#[tokio::test]
async fn every_ref_of_the_openapi_document_resolves() {
    let env = TestApp::each().await.remove(0);
    let doc = document(&env).await;
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 50, "the document refers to its components");
    let dangling: Vec<&str> = found
        .into_iter()
        .filter(|r| {
            let pointer = r.strip_prefix('#').unwrap_or("\u{0}");
            doc.pointer(pointer).is_none()
        })
        .collect();
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
}

#[tokio::test]
async fn the_openapi_document_is_the_reviewed_one() {
    let env = TestApp::builder().sqlite().await;
    insta::assert_json_snapshot!("openapi", document(&env).await);
}

/// `path` with every parameter replaced by `value`.
fn filled(path: &str, value: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { value } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// One request to the API, with `token` and a body of `content_type` when given.
fn request(
    method: &Method,
    uri: &str,
    token: Option<&str>,
    body: Option<(&str, &str)>,
) -> Request<Body> {
    let mut r = Request::builder()
        .method(method.clone())
        .uri(format!("/api/v1{uri}"));
    if let Some(token) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    match body {
        Some((content_type, text)) => r
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(text.to_owned())),
        None => r.body(Body::empty()),
    }
    .unwrap()
}

#[tokio::test]
async fn every_refusal_of_the_extractors_is_documented() {
    for env in TestApp::each().await {
        let b = env.backend;
        let doc = document(&env).await;
        let office = env.token("office_a").await;
        let mut undocumented = Vec::new();
        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let Ok(method) = method.to_uppercase().parse::<Method>() else {
                    continue;
                };
                let documented = operation["responses"].as_object().unwrap();
                let secured = operation.get("security") != Some(&Value::Array(vec![]));
                let ids = filled(path, "1");
                let has_body = operation.get("requestBody").is_some();
                let mut cases = Vec::new();
                if secured {
                    cases.push(("no token", request(&method, &ids, None, None)));
                }
                if path.contains('{') {
                    let bad = filled(path, "abc");
                    cases.push((
                        "a path id that is no number",
                        request(&method, &bad, Some(&office), None),
                    ));
                }
                if has_body {
                    for (what, body) in [
                        ("text", ("text/plain", "hello")),
                        ("broken JSON", ("application/json", "{")),
                        ("JSON of another shape", ("application/json", "[1, 2]")),
                    ] {
                        cases.push((what, request(&method, &ids, Some(&office), Some(body))));
                    }
                }
                for (what, req) in cases {
                    let reply = env.send(req).await;
                    checked += 1;
                    let status = reply.status.as_u16().to_string();
                    if reply.status.is_server_error() || !documented.contains_key(&status) {
                        undocumented.push(format!("{method} {path} with {what}: {status}"));
                    }
                }
            }
        }
        assert!(checked > 100, "{b}: {checked} requests");
        assert!(
            undocumented.is_empty(),
            "{b}: undocumented answers: {undocumented:#?}"
        );
    }
}
