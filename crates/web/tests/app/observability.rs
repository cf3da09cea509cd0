//! What an operator reads: `/metrics` parses as Prometheus text, counts a request under its
//! route template (never its raw path), the rendered-page cache and intake, and asks for its
//! bearer token; without a token or listener it is not served at all. `/livez` and `/readyz`
//! (503 while draining or with a migration missing), and the request id every response carries.

use crate::common::{Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use minxin_storage::testing::execute_raw;
use minxin_web::kernel::observability::metrics::{MetricsAccess, operations};

const TOKEN: &str = "metrics-token-for-tests-0123";

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn scrape_request(token: Option<&str>) -> Request<Body> {
    let request = Request::get("/metrics");
    match token {
        Some(token) => request.header(header::AUTHORIZATION, format!("Bearer {token}")),
        None => request,
    }
    .body(Body::empty())
    .unwrap()
}

/// One sample of the exposition: metric name, labels in order, value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

/// The exposition's samples, parsed strictly by the text format's grammar: `# HELP`/`# TYPE`
/// comments, and `name{label="value",…} number` lines, label values with `\\`, `\"` and `\n`
/// escapes (route templates have braces in them, which lenient parsers trip over). Panics on
/// any other line.
fn parse(reply: &Reply) -> Vec<Sample> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let content_type = reply.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let mut samples = Vec::new();
    for line in reply.body.lines().filter(|l| !l.is_empty()) {
        if let Some(comment) = line.strip_prefix("# ") {
            let mut words = comment.split(' ');
            let kind = words.next();
            assert!(matches!(kind, Some("HELP" | "TYPE")), "{line}");
            let name = words.next().expect("a metric name");
            assert!(is_name(name), "{line}");
            if kind == Some("TYPE") {
                let ty = words.next();
                let known = ["counter", "gauge", "histogram", "summary", "untyped"];
                assert!(ty.is_some_and(|t| known.contains(&t)), "{line}");
            }
            continue;
        }
        samples.push(sample(line).unwrap_or_else(|| panic!("not Prometheus text: {line}")));
    }
    samples
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// One sample line, or `None` when it breaks the grammar.
fn sample(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' ']).unwrap_or(line.len());
    let name = &line[..name_end];
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(inner) = rest.strip_prefix('{') {
        rest = inner;
        loop {
            if let Some(after) = rest.strip_prefix('}') {
                rest = after;
                break;
            }
            let (key, after) = rest.split_once("=\"")?;
            if !is_name(key) {
                return None;
            }
            let mut value = String::new();
            let mut chars = after.char_indices();
            let end = loop {
                match chars.next()? {
                    (i, '"') => break i,
                    (_, '\\') => match chars.next()?.1 {
                        'n' => value.push('\n'),
                        c @ ('\\' | '"') => value.push(c),
                        _ => return None,
                    },
                    (_, c) => value.push(c),
                }
            };
            labels.push((key.to_owned(), value));
            rest = &after[end + 1..];
            rest = rest.strip_prefix(',').unwrap_or(rest);
        }
    }
    let value = rest.strip_prefix(' ')?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().ok()?,
    };
    is_name(name).then(|| Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// The value of the sample `name` whose labels include every one of `labels`.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.iter().any(|(sk, sv)| sk == k && sv == v))
        })
        .map(|s| s.value)
}

async fn with_token() -> Vec<TestApp> {
    TestApp::builder()
        .config(|c| {
            c.metrics = MetricsAccess {
                token: Some(TOKEN.into()),
                own_listener: false,
            };
        })
        .each()
        .await
}

#[tokio::test]
async fn metrics_ask_for_the_token_and_count_requests_by_route_template() {
    for app in with_token().await {
        let b = app.backend;
        let none = app.send(scrape_request(None)).await;
        assert_eq!(none.status, StatusCode::UNAUTHORIZED, "[{b}]");
        assert_eq!(none.headers[header::WWW_AUTHENTICATE], "Bearer", "[{b}]");
        let wrong = app.send(scrape_request(Some("not-the-token"))).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "[{b}]");

        let missing = app.send(get("/p/NO-SUCH-PROJECT-7731")).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "[{b}]");
        let looked_up = |samples: &[Sample]| {
            let count = |name| value(samples, name, &[]).unwrap_or(0.0);
            count("minxin_page_cache_hits_total") + count("minxin_page_cache_misses_total")
        };
        let before = looked_up(&parse(&app.send(scrape_request(Some(TOKEN))).await));
        for _ in 0..2 {
            let list = app.send(get("/open311/v2/requests.json")).await;
            assert_eq!(list.status, StatusCode::OK, "[{b}] {}", list.body);
        }
        let refused = app
            .send(
                Request::post("/open311/v2/requests.json")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("service_code=lighting&description=dark"))
                    .unwrap(),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "[{b}] no api_key");

        let reply = app.send(scrape_request(Some(TOKEN))).await;
        assert!(!reply.body.contains("NO-SUCH-PROJECT"), "[{b}] no raw path");
        let scrape = parse(&reply);
        let labels = [("method", "GET"), ("route", "/p/{code}"), ("status", "404")];
        let counted = value(&scrape, "minxin_http_requests_total", &labels);
        assert!(counted.is_some_and(|n| n >= 1.0), "[{b}] {}", reply.body);
        let slowest = [("route", "/p/{code}"), ("le", "+Inf")];
        let latency = value(
            &scrape,
            "minxin_http_request_duration_seconds_bucket",
            &slowest,
        );
        assert!(
            latency.is_some_and(|n| n >= 1.0),
            "[{b}] a latency histogram"
        );
        // Each look-up is a hit or a miss (which, depends on other tests' writes meanwhile).
        assert!(
            looked_up(&scrape) >= before + 2.0,
            "[{b}] two cache look-ups"
        );
        let intake = [("channel", "open311"), ("outcome", "refused")];
        let refusals = value(&scrape, "minxin_intake_total", &intake);
        assert!(refusals.is_some_and(|n| n >= 1.0), "[{b}]");
        let queued = value(&scrape, "minxin_jobs", &[("state", "queued")]);
        assert!(queued.is_some(), "[{b}] queue depth");
        let failed = value(&scrape, "minxin_jobs", &[("state", "failed")]);
        assert!(failed.is_some(), "[{b}] failed jobs");
        let age = value(&scrape, "minxin_jobs_oldest_queued_age_seconds", &[]);
        assert!(age.is_some_and(|s| s >= 0.0), "[{b}]");
        let pool = value(&scrape, "minxin_db_pool_max_connections", &[]);
        assert!(pool.is_some_and(|n| n >= 1.0), "[{b}]");
    }
}

#[tokio::test]
async fn metrics_are_off_unless_configured_and_a_listener_of_their_own_needs_no_token() {
    let off = TestApp::builder().sqlite().await;
    assert_eq!(
        off.send(scrape_request(None)).await.status,
        StatusCode::NOT_FOUND
    );

    let own = TestApp::builder()
        .config(|c| c.metrics.own_listener = true)
        .sqlite()
        .await;
    let main = own.send(scrape_request(None)).await;
    assert_eq!(
        main.status,
        StatusCode::NOT_FOUND,
        "not on the public listener"
    );
    let listener = operations(own.state.clone());
    let reply = crate::common::send(&listener, scrape_request(None)).await;
    let scrape = parse(&reply);
    assert!(value(&scrape, "minxin_db_pool_connections", &[]).is_some());
    let ready = crate::common::send(&listener, get("/readyz")).await;
    assert_eq!(ready.status, StatusCode::OK);
}

#[tokio::test]
async fn ready_until_draining_or_a_migration_is_missing() {
    for app in TestApp::each().await {
        let b = app.backend;
        let live = app.send(get("/livez")).await;
        assert_eq!(
            (live.status, live.body.as_str()),
            (StatusCode::OK, "alive"),
            "[{b}]"
        );
        let ready = app.send(get("/readyz")).await;
        assert_eq!(
            (ready.status, ready.body.as_str()),
            (StatusCode::OK, "ready"),
            "[{b}]"
        );
        let newest = "DELETE FROM minxin_migrations \
             WHERE version = (SELECT MAX(version) FROM minxin_migrations)";
        execute_raw(app.store(), newest).await.unwrap();
        let pending = app.send(get("/readyz")).await;
        assert_eq!(
            (pending.status, pending.body.as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
            "[{b}]"
        );
        app.state.lifecycle.drain();
        let draining = app.send(get("/readyz")).await;
        assert_eq!(
            (draining.status, draining.body.as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, "draining"),
            "[{b}]"
        );
        assert_eq!(
            app.send(get("/livez")).await.status,
            StatusCode::OK,
            "[{b}] still alive"
        );
        assert_eq!(
            app.send(get("/healthz")).await.status,
            StatusCode::OK,
            "[{b}] unchanged"
        );
    }
}

#[tokio::test]
async fn a_request_id_is_kept_from_the_load_balancer_or_made() {
    let app = TestApp::builder().sqlite().await;
    let made = app.send(get("/livez")).await;
    let id = made.headers["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    let again = app.send(get("/livez")).await;
    assert_ne!(again.headers["x-request-id"], made.headers["x-request-id"]);

    let from_lb = Request::get("/p/NOPE")
        .header("x-request-id", "3f2b8c0e-1d4a-4c5e-9b7a-0a1b2c3d4e5f")
        .body(Body::empty())
        .unwrap();
    let kept = app.send(from_lb).await;
    assert_eq!(
        kept.headers["x-request-id"],
        "3f2b8c0e-1d4a-4c5e-9b7a-0a1b2c3d4e5f"
    );

    let odd = Request::get("/livez")
        .header("x-request-id", "not a \"valid\" id")
        .body(Body::empty())
        .unwrap();
    let replaced = app.send(odd).await;
    let id = replaced.headers["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 32, "a fresh id instead: {id}");
}
