//! The public side as a resident on a phone (375×812) in headless Chromium, on the demo
//! district: the QR code of a signboard (the PNG the office downloads, decoded here) leads to
//! the project's page; from there to the portal, whose map draws the projects and whose filter
//! narrows map and list alike; both pages pass an axe-core check with no serious or critical
//! violation and need no sideways scrolling at 200% zoom.
//!
//! Needs Debian's `chromium` and `chromium-driver` and axe-core from the npm registry in
//! `crates/web/tests/axe/node_modules` (`./scripts/test` installs all three).

use crate::common::chrome::{
    click, current_path, loopback, serve_on, start_chrome, text_of, wait_for_text,
};
use crate::common::{TestApp, decode_qr_png};
use fantoccini::{Client, Locator};
use minxin_storage::projects::ProjectFilter;
use serde_json::Value;
use std::time::Duration;

const PASSWORD: &str = "Demo#2026x";

/// A public project of the demo district with a location, as (id, code, name, owner's phone).
async fn public_project(env: &TestApp) -> (i64, String, String, String) {
    let building = ProjectFilter {
        stage: Some("construction".into()),
        ..ProjectFilter::default()
    };
    env.projects("office", &building)
        .await
        .into_iter()
        .find(|p| p.is_public && p.latitude.is_some())
        .map(|p| (p.id, p.code, p.name, p.owner_phone))
        .expect("the demo district has a public project under construction")
}

/// Runs axe-core on the current page and returns its serious and critical violations.
async fn serious_violations(client: &Client) -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/axe/node_modules/axe-core/axe.min.js"
    );
    let axe = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!("{path} is missing: run `npm ci --prefix crates/web/tests/axe` (scripts/test does)")
    });
    client.execute(&axe, vec![]).await.unwrap();
    let result = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })
               .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3) }))))
               .catch(e => done([{ id: 'axe-failed', impact: 'critical', help: String(e), nodes: [] }]));",
            vec![],
        )
        .await
        .unwrap();
    result
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(Value::to_string)
        .collect()
}

/// What sticks out sideways at 200% zoom (a 375-pixel phone zoomed twice is a viewport of 188
/// CSS pixels): nothing, when the page needs no sideways scrolling.
async fn wider_than_double_zoom(client: &Client) -> Vec<Value> {
    client.set_window_size(188, 406).await.unwrap();
    let wide = client
        .execute(
            "if (document.documentElement.scrollWidth <= window.innerWidth + 1) { return []; }
             return Array.from(document.querySelectorAll('body *'))
               .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                         && !e.closest('.scroll, .leaflet-container'))
               .slice(0, 8)
               .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
            vec![],
        )
        .await
        .unwrap();
    client.set_window_size(375, 812).await.unwrap();
    wide.as_array().cloned().unwrap_or_default()
}

/// Waits until the portal map has drawn its markers; returns how many projects it shows.
async fn map_total(client: &Client) -> i64 {
    for _ in 0..100 {
        let map = client.find(Locator::Id("portal-map")).await.unwrap();
        match map.attr("data-ready").await.unwrap().as_deref() {
            Some("true") => {
                let total = map.attr("data-total").await.unwrap().unwrap_or_default();
                return total.parse().unwrap();
            }
            Some("failed") => panic!("the map failed to load its markers"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("the map never drew its markers");
}

fn count_of(text: &str) -> i64 {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_scans_a_signboard_and_explores_the_map() {
    let today = minxin_storage::testing::today();
    let (listener, base) = loopback().await;
    let public_base_url = base.clone();
    let env = TestApp::builder()
        .demo(PASSWORD, today)
        .config(move |c| c.public_base_url = public_base_url.clone())
        .sqlite()
        .await;
    serve_on(listener, env.state.clone());

    // The office downloads the signboard's QR code; the resident's phone reads it.
    let (id, code, name, owner_phone) = public_project(&env).await;
    let office = env.signed_in("office").await;
    let (status, _, png) = office.download(&format!("/projects/{id}/qr.png")).await;
    assert_eq!(status, axum::http::StatusCode::OK);
    let scanned = decode_qr_png(&png);
    assert_eq!(scanned, format!("{base}/p/{code}"));

    let (_driver, client) = start_chrome(375, 812).await;
    client.goto(&scanned).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, name);
    assert_eq!(text_of(&client, "#project-code").await, code);
    assert!(
        !text_of(&client, "#project-phone")
            .await
            .contains(&owner_phone)
    );
    assert!(!client.source().await.unwrap().contains(&owner_phone));
    assert_eq!(text_of(&client, "#complain").await, "我要反映");
    let small_map = client.find(Locator::Id("small-map")).await.unwrap();
    for _ in 0..50 {
        if small_map.attr("hidden").await.unwrap().is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        small_map.attr("hidden").await.unwrap().is_none(),
        "the small map is drawn"
    );
    let violations = serious_violations(&client).await;
    assert!(violations.is_empty(), "project page: {violations:#?}");
    let wide = wider_than_double_zoom(&client).await;
    assert!(wide.is_empty(), "the project page at 200%: {wide:?}");

    // To the portal: the map draws every public project, the list counts the same.
    click(&client, "a.brand").await;
    wait_for_text(&client, "h1", "民心工程一张图").await;
    let listed = count_of(&text_of(&client, "#result-count").await);
    assert!(listed > 50, "{listed}");
    assert_eq!(map_total(&client).await, listed);
    let violations = serious_violations(&client).await;
    assert!(violations.is_empty(), "portal: {violations:#?}");
    let wide = wider_than_double_zoom(&client).await;
    assert!(wide.is_empty(), "the portal at 200%: {wide:?}");

    // Colour by light, then narrow to one street: map and list agree again.
    click(&client, "input[name=colour][value=light]").await;
    let legend = text_of(&client, "#map-legend").await;
    assert!(legend.contains("红灯"), "{legend}");
    let street = client.find(Locator::Css("#f-street")).await.unwrap();
    street.select_by_index(1).await.unwrap();
    click(&client, "#f-submit").await;
    for _ in 0..100 {
        if client.current_url().await.unwrap().query().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let narrowed = count_of(&text_of(&client, "#result-count").await);
    assert!(narrowed > 0 && narrowed < listed, "{narrowed} of {listed}");
    assert_eq!(map_total(&client).await, narrowed);

    // A project of the list opens its page.
    click(&client, "#results li:first-child h3 a").await;
    wait_for_text(&client, "#complain", "我要反映").await;
    assert!(current_path(&client).await.starts_with("/p/"));
    client.close().await.unwrap();
}
