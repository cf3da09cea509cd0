//! Open311 GeoReport v2 conformance, on both databases, driven the way a third-party client
//! drives it: discovery and services in JSON and XML (XML read with a real parser), a
//! form-encoded POST with a key issued like `minxin open311-key create`, the request read back
//! by id and by token, the list's filters and its privacy (contact details never, others' only
//! once published), every error in the spec's format with its status code, the per-key
//! allowance, a configured jurisdiction, and the office's key page.

use crate::common::{Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use minxin_storage::testing::{execute_raw, query_raw};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

/// An XML element: name, text and children, as parsed.
#[derive(Debug, Default)]
struct Element {
    name: String,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn child(&self, name: &str) -> &Element {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name))
    }

    fn all(&self, name: &str) -> Vec<&Element> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
}

/// Parses `xml` with quick-xml's reader; panics unless it is well-formed with a UTF-8
/// declaration.
fn parse_xml(xml: &str) -> Element {
    assert!(
        xml.starts_with(r#"<?xml version="1.0" encoding="utf-8"?>"#),
        "declaration: {xml}"
    );
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Element::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => stack.push(Element {
                name: start.name().as_ref().to_owned(),
                ..Element::default()
            }),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(text) => {
                stack.last_mut().unwrap().text += &text.into_inner();
            }
            Event::GeneralRef(r) => {
                let entity = r.into_inner();
                let c = match entity.as_ref() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                };
                stack.last_mut().unwrap().text += c;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.pop().unwrap();
    assert_eq!(root.children.len(), 1, "one root element");
    root.children.remove(0)
}

async fn get(env: &TestApp, path: &str) -> Reply {
    let request = Request::get(format!("/open311/v2{path}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .body(Body::empty())
        .unwrap();
    env.send(request).await
}

async fn post(env: &TestApp, path: &str, form: &[(&str, &str)]) -> Reply {
    let request = Request::post(format!("/open311/v2{path}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
        .unwrap();
    env.send(request).await
}

/// Asserts an error answer in the spec's format — JSON or XML, by its content type — with
/// `status` as HTTP status and code, whose description mentions `mentions`.
fn assert_error(reply: &Reply, status: StatusCode, mentions: &str, what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.body);
    let content_type = reply.headers[header::CONTENT_TYPE].to_str().unwrap();
    let (code, description) = if content_type.starts_with("text/xml") {
        let errors = parse_xml(&reply.body);
        assert_eq!(errors.name, "errors", "{what}");
        let error = errors.child("error");
        (
            error.child("code").text.clone(),
            error.child("description").text.clone(),
        )
    } else {
        assert!(content_type.starts_with("application/json"), "{what}");
        let errors = reply.json();
        let first = &errors.as_array().expect("an array of errors")[0];
        (
            first["code"].to_string(),
            first["description"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(code, status.as_u16().to_string(), "{what}");
    assert!(description.contains(mentions), "{what}: {description}");
}

/// A key issued the way `minxin open311-key create` issues one.
async fn issue_key(env: &TestApp) -> String {
    env.open311_key("test app").await.key
}

/// `form` with `text` as its description.
fn describing<'a>(form: Vec<(&'a str, &'a str)>, text: &'a str) -> Vec<(&'a str, &'a str)> {
    form.into_iter()
        .map(|(k, v)| (k, if k == "description" { text } else { v }))
        .collect()
}

/// A POST refused: path, form, status and what the description mentions.
type PostCase<'a> = (&'a str, Vec<(&'a str, &'a str)>, StatusCode, &'a str);

const DESCRIPTION: &str = "Streetlight out at the corner & the crossing is dark <since Monday>";

fn good_post(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("api_key", key),
        ("service_code", "lighting"),
        ("lat", "30.5"),
        ("long", "114.5"),
        ("address_string", "示例路 8 号"),
        ("description", DESCRIPTION),
        ("first_name", "Lin"),
        ("last_name", "Meiyu"),
        ("phone", "13800001234"),
        ("email", "lin@example.org"),
        ("device_id", "tt222111"),
        ("media_url", "https://example.org/p.jpg"),
    ]
}

#[tokio::test]
async fn discovery_and_services_in_both_formats() {
    for env in TestApp::each().await {
        let b = env.backend;
        let discovery = get(&env, "/discovery.json").await;
        assert_eq!(discovery.status, StatusCode::OK, "{b}");
        let endpoint = &discovery.json()["endpoints"][0];
        assert_eq!(
            endpoint["specification"],
            "http://wiki.open311.org/GeoReport_v2"
        );
        assert!(endpoint["url"].as_str().unwrap().ends_with("/open311/v2"));
        let xml = parse_xml(&get(&env, "/discovery.xml").await.body);
        let formats = xml.child("endpoints").child("endpoint").child("formats");
        assert_eq!(formats.all("format").len(), 2, "{b}");

        let services = get(&env, "/services.json?jurisdiction_id=990100").await;
        assert_eq!(services.status, StatusCode::OK, "{b}");
        let list = services.json();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 8, "{b}: the seeded categories");
        let road = list.iter().find(|s| s["service_code"] == "road").unwrap();
        assert_eq!(road["metadata"], true);
        assert_eq!(road["type"], "realtime");
        assert_eq!(road["service_name"], "Damaged road or pavement");
        let xml = get(&env, "/services.xml").await;
        assert!(
            xml.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/xml")
        );
        let xml = parse_xml(&xml.body);
        assert_eq!(xml.name, "services");
        assert_eq!(xml.all("service").len(), 8, "{b}");

        let definition = get(&env, "/services/road.json").await.json();
        assert_eq!(definition["service_code"], "road");
        let attribute = &definition["attributes"][0];
        assert_eq!(attribute["code"], "project");
        assert_eq!(attribute["datatype"], "string");
        assert_eq!(attribute["required"], false);
        assert_eq!(attribute["order"], 1);
        let xml = parse_xml(&get(&env, "/services/road.xml").await.body);
        assert_eq!(xml.name, "service_definition");
        let attribute = xml.child("attributes").child("attribute");
        assert_eq!(attribute.child("code").text, "project", "{b}");
        assert_eq!(attribute.child("variable").text, "true", "{b}");
    }
}

#[tokio::test]
async fn a_client_posts_and_reads_back_by_id_token_and_list() {
    for env in TestApp::each().await {
        let b = env.backend;
        let key = &issue_key(&env).await;
        let mut form = good_post(key);
        form.push(("jurisdiction_id", "990100"));
        let posted = post(&env, "/requests.json", &form).await;
        assert_eq!(posted.status, StatusCode::OK, "{b}: {}", posted.body);
        let answer = &posted.json()[0];
        let id = answer["service_request_id"].as_i64().expect("a numeric id");
        let token = answer["token"].as_str().unwrap().to_owned();
        assert!(
            answer["service_notice"]
                .as_str()
                .unwrap()
                .contains("Beijing")
        );
        let (receipt, channel, name): (String, String, Option<String>) = query_raw(
            &env.fx().store,
            &format!("SELECT receipt, channel, contact_name FROM service_requests WHERE id = {id}"),
        )
        .await
        .unwrap()
        .remove(0);
        assert_eq!(channel, "open311", "{b}");
        assert_eq!(name.as_deref(), Some("Lin Meiyu"), "{b}: kept for staff");
        assert!(
            !posted.body.contains(&receipt),
            "{b}: the receipt code stays secret"
        );

        // The posting key reads it back by id, in JSON and XML; nobody else does yet.
        let own = get(&env, &format!("/requests/{id}.json?api_key={key}")).await;
        assert_eq!(own.status, StatusCode::OK, "{b}: {}", own.body);
        let request = &own.json()[0];
        assert_eq!(request["service_request_id"], id);
        assert_eq!(request["status"], "open");
        assert_eq!(request["service_code"], "lighting");
        assert_eq!(request["description"], DESCRIPTION);
        assert_eq!(request["lat"], 30.5);
        assert_eq!(request["long"], 114.5);
        assert!(request["status_notes"].is_null(), "{b}: nothing published");
        for time in [
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
        ] {
            assert!(
                request[time].as_str().unwrap().ends_with("+08:00"),
                "{b}: {time} in Beijing time"
            );
        }
        for private in ["13800001234", "Lin", "Meiyu", "lin@example.org", &receipt] {
            assert!(!own.body.contains(private), "{b}: {private} leaked");
        }
        let xml = get(&env, &format!("/requests/{id}.xml?api_key={key}")).await;
        let xml = parse_xml(&xml.body);
        assert_eq!(xml.name, "service_requests");
        let request = xml.child("request");
        assert_eq!(request.child("service_request_id").text, id.to_string());
        assert_eq!(request.child("description").text, DESCRIPTION, "{b}");
        assert_eq!(request.child("address").text, "示例路 8 号");
        // Without the key, before publication (issue 15): the status a client polls for, its
        // service, times and agency, and nothing of what the resident wrote or where.
        let polled = get(&env, &format!("/requests/{id}.json")).await;
        assert_eq!(polled.status, StatusCode::OK, "{b}: {}", polled.body);
        let request = polled.json()[0].clone();
        let mut keys: Vec<&str> = request
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "agency_responsible",
                "expected_datetime",
                "requested_datetime",
                "service_code",
                "service_name",
                "service_request_id",
                "status",
                "updated_datetime"
            ],
            "{b}"
        );
        assert_eq!(request["status"], "open", "{b}");
        assert_eq!(request["service_code"], "lighting", "{b}");
        let polled_xml = get(&env, &format!("/requests/{id}.xml")).await;
        assert_eq!(polled_xml.status, StatusCode::OK, "{b}");
        for private in [
            DESCRIPTION,
            "示例路",
            "30.5",
            "114.5",
            "13800001234",
            &receipt,
        ] {
            assert!(!polled.body.contains(private), "{b}: {private} shown");
            assert!(!polled_xml.body.contains(private), "{b}: {private} shown");
        }

        let by_token = get(&env, &format!("/tokens/{token}.json")).await;
        assert_eq!(by_token.json()[0]["service_request_id"], id, "{b}");
        let xml = parse_xml(&get(&env, &format!("/tokens/{token}.xml")).await.body);
        assert_eq!(
            xml.child("request").child("service_request_id").text,
            id.to_string()
        );
        assert_eq!(xml.child("request").child("token").text, token);

        let own_list = get(&env, &format!("/requests.json?api_key={key}")).await;
        assert_eq!(own_list.json().as_array().unwrap().len(), 1, "{b}");
        let public = get(&env, "/requests.json").await;
        assert_eq!(public.json(), Value::Array(vec![]), "{b}: not published");

        // Answered, closed and published by the office: everyone sees it, with the answer.
        execute_raw(
            &env.fx().store,
            &format!(
                "UPDATE service_requests SET is_published = TRUE, state = 'closed', \
                 answer = '已更换灯具' WHERE id = {id}"
            ),
        )
        .await
        .unwrap();
        let public = get(&env, "/requests.json?jurisdiction_id=990100").await;
        let list = public.json();
        assert_eq!(list.as_array().unwrap().len(), 1, "{b}: {}", public.body);
        assert_eq!(list[0]["status"], "closed");
        assert_eq!(list[0]["status_notes"], "已更换灯具");
        for private in ["13800001234", "Lin Meiyu", &receipt] {
            assert!(!public.body.contains(private), "{b}: {private} leaked");
        }
        let xml = parse_xml(&get(&env, "/requests.xml").await.body);
        assert_eq!(xml.all("request").len(), 1, "{b}");
        let count = |path: String| {
            let env = &env;
            async move {
                let reply = get(env, &path).await;
                assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
                reply.json().as_array().unwrap().len()
            }
        };
        assert_eq!(count("/requests.json?status=closed".into()).await, 1);
        assert_eq!(count("/requests.json?status=open".into()).await, 0);
        assert_eq!(
            count("/requests.json?service_code=road,drainage".into()).await,
            0
        );
        assert_eq!(
            count("/requests.json?service_code=lighting".into()).await,
            1
        );
        assert_eq!(
            count(format!(
                "/requests.json?service_request_id={id},999999&status=open"
            ))
            .await,
            1,
            "ids override the other filters"
        );
        assert_eq!(
            count("/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2025-03-01T00:00:00%2B08:00".into())
                .await,
            0
        );
    }
}

#[tokio::test]
async fn every_error_in_the_spec_format_with_its_status() {
    for env in TestApp::each().await {
        let b = env.backend;
        let key = &issue_key(&env).await;
        let with = |changes: &[(&'static str, &'static str)]| {
            let mut form: Vec<(&str, &str)> = good_post(key)
                .into_iter()
                .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
                .collect();
            form.extend(changes.iter().filter(|(_, v)| !v.is_empty()));
            form
        };
        let missing_key: Vec<_> = with(&[])
            .into_iter()
            .filter(|(k, _)| *k != "api_key")
            .collect();
        let (long, over_64k, over_limit) = (
            "坑".repeat(4_001),
            "x".repeat(70 * 1024),
            "x".repeat(1_100_000),
        );
        let bad = StatusCode::BAD_REQUEST;
        let mut posts: Vec<PostCase> = vec![
            (
                "/requests.json",
                missing_key.clone(),
                StatusCode::FORBIDDEN,
                "api_key",
            ),
            (
                "/requests.xml",
                missing_key,
                StatusCode::FORBIDDEN,
                "api_key",
            ),
            (
                "/requests.json",
                with(&[("api_key", "o311_guess")]),
                StatusCode::FORBIDDEN,
                "api_key",
            ),
            (
                "/requests.json",
                with(&[("service_code", "potholes")]),
                StatusCode::NOT_FOUND,
                "potholes",
            ),
            (
                "/requests.xml",
                with(&[("lat", ""), ("long", ""), ("address_string", "")]),
                bad,
                "address_string",
            ),
            ("/requests.json", with(&[("long", "east")]), bad, "long"),
            (
                "/requests.json",
                describing(with(&[]), &long),
                bad,
                "description",
            ),
            (
                "/requests.json",
                with(&[("service_code", "")]),
                bad,
                "service_code",
            ),
            (
                "/requests.json",
                with(&[("attribute[project]", "2099-XX-0001")]),
                bad,
                "attribute[project]",
            ),
            (
                "/requests.json",
                with(&[("attribute[colour]", "red")]),
                bad,
                "attribute",
            ),
            (
                "/requests.json",
                with(&[("jurisdiction_id", "sfgov.org")]),
                StatusCode::NOT_FOUND,
                "jurisdiction_id",
            ),
            (
                "/services.json",
                with(&[]),
                StatusCode::NOT_FOUND,
                "services",
            ),
            (
                "/requests.json?jurisdiction_id=sfgov.org",
                with(&[]),
                StatusCode::NOT_FOUND,
                "sfgov.org",
            ),
        ];
        let too_large = StatusCode::PAYLOAD_TOO_LARGE;
        posts.push((
            "/requests.xml",
            describing(with(&[]), &over_64k),
            too_large,
            "large",
        ));
        posts.push((
            "/requests.json",
            describing(with(&[]), &over_limit),
            too_large,
            "large",
        ));
        for (path, form, status, mentions) in &posts {
            let reply = post(&env, path, form).await;
            assert_error(
                &reply,
                *status,
                mentions,
                &format!("{b}: POST {path} {mentions}"),
            );
        }
        let stored: Vec<(i64,)> =
            query_raw(&env.fx().store, "SELECT COUNT(*) FROM service_requests")
                .await
                .unwrap();
        assert_eq!(stored, [(0,)], "{b}: nothing refused was stored");

        let not_found = StatusCode::NOT_FOUND;
        let gets = [
            (
                "/requests.json?api_key=o311_guess",
                StatusCode::FORBIDDEN,
                "api_key",
            ),
            (
                "/services.json?jurisdiction_id=sfgov.org",
                not_found,
                "sfgov.org",
            ),
            (
                "/requests.json?jurisdiction_id=sfgov.org",
                not_found,
                "sfgov.org",
            ),
            (
                "/discovery.xml?jurisdiction_id=sfgov.org",
                not_found,
                "sfgov.org",
            ),
            (
                "/services/road.xml?jurisdiction_id=sfgov.org",
                not_found,
                "jurisdiction_id",
            ),
            ("/services/potholes.xml", not_found, "potholes"),
            ("/requests/999999.json", not_found, "999999"),
            ("/requests/abc.xml", not_found, "abc"),
            ("/tokens/nope.json", not_found, "nope"),
            ("/requests.json?start_date=yesterday", bad, "start_date"),
            (
                "/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
                bad,
                "end_date",
            ),
            ("/requests.json?status=pending", bad, "status"),
            ("/requests.html", not_found, "requests.html"),
            ("/elsewhere/deeper.json", not_found, "No such resource"),
        ];
        for (path, status, mentions) in gets {
            let reply = get(&env, path).await;
            assert_error(&reply, status, mentions, &format!("{b}: GET {path}"));
        }

        // The 90-day window is worded in days, in both languages.
        let path = "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z";
        for (lang, wording) in [("zh-CN", "不能超过 90 天"), ("en", "more than 90 days")] {
            let request = Request::get(path)
                .header(header::ACCEPT_LANGUAGE, lang)
                .body(Body::empty())
                .unwrap();
            let description = env.send(request).await.json()[0]["description"].clone();
            let description = description.as_str().unwrap_or_default().to_owned();
            assert!(
                description.contains(wording) && !description.contains("字符"),
                "{b}: {lang}: {description}"
            );
        }

        // Chinese when the client asks for it (and by default).
        let request = Request::get("/open311/v2/requests/999999.json")
            .body(Body::empty())
            .unwrap();
        let reply = env.send(request).await;
        assert!(
            reply.json()[0]["description"]
                .as_str()
                .unwrap()
                .contains("不存在")
        );
    }
}

#[tokio::test]
async fn a_key_is_held_to_its_allowance_and_a_revoked_key_posts_nothing() {
    let apps = TestApp::builder().config(|c| {
        c.open311_per_hour = 2;
        c.open311_jurisdiction = Some("mx.example.gov.cn".into());
    });
    for env in apps.each().await {
        let backend = env.backend;
        let served = get(&env, "/services.json?jurisdiction_id=mx.example.gov.cn").await;
        assert_eq!(
            served.status,
            StatusCode::OK,
            "{backend}: the configured jurisdiction"
        );
        let root = get(&env, "/services.json?jurisdiction_id=990100").await;
        assert_error(
            &root,
            StatusCode::NOT_FOUND,
            "990100",
            "the root's code, configured away",
        );
        let issued = env.open311_key("busy app").await;
        for _ in 0..2 {
            let reply = post(&env, "/requests.json", &good_post(&issued.key)).await;
            assert_eq!(reply.status, StatusCode::OK, "{backend}: {}", reply.body);
        }
        let reply = post(&env, "/requests.xml", &good_post(&issued.key)).await;
        assert_error(
            &reply,
            StatusCode::TOO_MANY_REQUESTS,
            "allowance",
            "third post",
        );
        let other = env.open311_key("other app").await;
        let reply = post(&env, "/requests.json", &good_post(&other.key)).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{backend}: another key's own allowance"
        );
        env.revoke_open311_key(other.listed.id).await;
        let reply = post(&env, "/requests.json", &good_post(&other.key)).await;
        assert_error(&reply, StatusCode::FORBIDDEN, "revoked", "revoked key");
    }
}

#[tokio::test]
async fn the_office_issues_and_revokes_keys_on_its_page() {
    for env in TestApp::each().await {
        let b = env.backend;
        let mut office = env.signed_in("office_a").await;
        let home = office.get("/work").await;
        assert!(
            home.body.contains("href=\"/open311-keys\""),
            "{b}: in the navigation"
        );
        let page = office.get("/open311-keys").await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        assert!(page.body.contains("id=\"no-keys\""), "{b}");
        let refused = office.post_form("/open311-keys", &[("name", " ")]).await;
        assert!(refused.body.contains("error"), "{b}: a name is required");
        let issued = office
            .post_form("/open311-keys", &[("name", "12345 热线")])
            .await;
        assert_eq!(issued.status, StatusCode::OK, "{b}");
        let marker = "id=\"issued-key\">";
        let start = issued.body.find(marker).expect("the key is shown") + marker.len();
        let key = issued.body[start..].split('<').next().unwrap().to_owned();
        assert!(key.starts_with("o311_"), "{b}: {key}");
        let again = office.get("/open311-keys").await;
        assert!(!again.body.contains(&key), "{b}: shown once only");
        assert!(again.body.contains("12345 热线"), "{b}");
        let reply = post(&env, "/requests.json", &good_post(&key)).await;
        assert_eq!(reply.status, StatusCode::OK, "{b}: the key works");

        let listed = env.open311_keys().await;
        let revoke = format!("/open311-keys/{}/revoke", listed[0].id);
        let revoked = office.post_form(&revoke, &[]).await;
        assert_eq!(
            revoked.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            revoked.body
        );
        let reply = post(&env, "/requests.json", &good_post(&key)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{b}");

        let mut dept = env.signed_in("dept_a").await;
        let page = dept.get("/open311-keys").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{b}");
        let home = dept.get("/work").await;
        assert!(!home.body.contains("href=\"/open311-keys\""), "{b}");
    }
}

/// Control characters in a posted description are refused naming the field, and text stored
/// with them before that rule (written here straight into the table) still makes well-formed
/// XML, read by a conforming parser (issue 15 finding 9).
#[tokio::test]
async fn control_characters_never_break_the_xml() {
    for env in TestApp::each().await {
        let b = env.backend;
        let key = &issue_key(&env).await;
        for text in [
            "灯\u{0}坏了",
            "\u{1}\u{1b}[31m",
            "a\u{b}b",
            "del\u{7f}",
            "c1\u{9f}",
        ] {
            let refused = post(&env, "/requests.xml", &describing(good_post(key), text)).await;
            assert_error(&refused, StatusCode::BAD_REQUEST, "description", b);
            assert!(roxmltree::Document::parse(&refused.body).is_ok(), "{b}");
        }
        let posted = post(&env, "/requests.json", &good_post(key)).await;
        let id = posted.json()[0]["service_request_id"].as_i64().unwrap();
        let chr = if b == "sqlite" { "char" } else { "chr" };
        execute_raw(
            &env.fx().store,
            &format!(
                "UPDATE service_requests SET is_published = TRUE, state = 'closed', \
                 public_description = 'old' || {chr}(1) || {chr}(27) || 'text' || {chr}(11), \
                 answer = 'done' || {chr}(31) WHERE id = {id}"
            ),
        )
        .await
        .unwrap();
        for path in [
            "/requests.xml".to_owned(),
            format!("/requests/{id}.xml"),
            format!("/requests.xml?api_key={key}"),
        ] {
            let reply = get(&env, &path).await;
            assert_eq!(reply.status, StatusCode::OK, "{b} {path}");
            let document = roxmltree::Document::parse(&reply.body)
                .unwrap_or_else(|e| panic!("{b} {path}: not well-formed: {e}"));
            let description = document
                .descendants()
                .find(|n| n.has_tag_name("description"))
                .and_then(|n| n.text());
            assert_eq!(description, Some("oldtext"), "{b} {path}");
        }
        let json = get(&env, "/requests.json").await.json();
        assert_eq!(json[0]["description"], "old\u{1}\u{1b}text\u{b}", "{b}");
    }
}
