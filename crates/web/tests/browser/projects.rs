//! The project registry in a real headless Chromium (see `tests/common/chrome.rs`): an office user
//! creates a project through the form with one invalid field (the error is shown and every other
//! value kept), fixes it, picks its location on the map, plans milestones, passes the first gate
//! and sees it in the timeline, is refused the next gate in words, finds the project in the
//! filtered list with a Chinese keyword, and checks that the export link carries the filters.

use crate::common::TestApp;
use crate::common::chrome::{click, fill, select, start_chrome, text_of, wait_for_text};
use fantoccini::{Client, Locator};
use minxin_storage::testing::PASSWORD;
use std::time::Duration;

/// The value property of the element matching `css` (what the user sees in an input).
async fn value_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn checked(client: &Client, css: &str) -> bool {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("checked")
        .await
        .unwrap()
        .is_some_and(|v| v == "true")
}

/// Sets a date input's value (typing into date inputs depends on the browser's locale).
async fn set_date(client: &Client, id: &str, date: &str) {
    client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![id.into(), date.into()],
        )
        .await
        .unwrap();
}

/// Saves a screenshot as `<dir>/<name>.png` when `MINXIN_SCREENSHOTS=<dir>` is set, for a
/// person to look at the pages.
async fn snapshot(client: &Client, name: &str) {
    if let Ok(dir) = std::env::var("MINXIN_SCREENSHOTS") {
        let png = client.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
    }
}

/// Waits up to ten seconds for the browser to be at a URL containing `needle`.
async fn wait_for_url(client: &Client, needle: &str) {
    for _ in 0..100 {
        if client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains(needle)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never reached a URL with {needle:?}");
}

async fn replace(client: &Client, css: &str, value: &str) {
    let input = client.find(Locator::Css(css)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn office_creates_plans_moves_and_finds_a_project() {
    let env = TestApp::builder().sqlite().await;
    let fx = env.fx();
    let category = env.category("老旧小区改造").await.to_string();
    let base = env.serve().await;
    let (_driver, client) = start_chrome(1280, 900).await;

    client.goto(&format!("{base}/login")).await.unwrap();
    fill(&client, "#username", "office_a").await;
    fill(&client, "#password", PASSWORD).await;
    click(&client, "#sign-in").await;
    wait_for_text(&client, "#sign-out", "").await;

    // The form, with the map drawn over the coordinate inputs.
    client.goto(&format!("{base}/projects/new")).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "新建项目");
    let map = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#project-map.leaflet-container"))
        .await
        .expect("Leaflet draws the map");
    assert!(map.is_displayed().await.unwrap());
    map.click().await.unwrap();
    let picked = value_of(&client, "#latitude").await;
    assert!(
        picked.parse::<f64>().is_ok() && !value_of(&client, "#longitude").await.is_empty(),
        "clicking the map fills the coordinates, got {picked:?}"
    );

    fill(&client, "#name", "幸福里小区老旧小区改造").await;
    select(&client, "#category_id", &category).await;
    select(&client, "#region_id", &fx.street_a.id.to_string()).await;
    select(&client, "#lead_department_id", &fx.a_zj.to_string()).await;
    let partner = format!(
        "input[name=\"partner_department_ids\"][value=\"{}\"]",
        fx.a_jy
    );
    click(&client, &partner).await;
    fill(&client, "#owner_name", "李娜").await;
    fill(&client, "#owner_phone", "13800001111").await;
    replace(&client, "#latitude", "30.2741").await;
    replace(&client, "#longitude", "120.1551").await;
    fill(&client, "#address", "示例街道幸福里 1–12 幢").await;
    set_date(&client, "planned_start", "2026-03-01").await;
    set_date(&client, "planned_end", "2026-11-30").await;
    fill(&client, "#budget_central", "1,200,000").await;
    fill(&client, "#budget_county", "12.345").await;
    fill(&client, "#beneficiaries", "3200").await;
    fill(&client, "#description", "外墙保温、雨污分流、加装电梯 4 部").await;
    click(&client, "#is_public").await;
    click(&client, "#save-project").await;

    // Refused: the message is next to the field, everything typed is still there.
    wait_for_text(&client, "#budget_county-error", "两位小数").await;
    snapshot(&client, "project-form-refused").await;
    assert_eq!(
        client
            .find(Locator::Css("#budget_county"))
            .await
            .unwrap()
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    assert_eq!(value_of(&client, "#name").await, "幸福里小区老旧小区改造");
    assert_eq!(value_of(&client, "#category_id").await, category);
    assert_eq!(
        value_of(&client, "#lead_department_id").await,
        fx.a_zj.to_string()
    );
    assert!(checked(&client, &partner).await);
    assert_eq!(value_of(&client, "#owner_phone").await, "13800001111");
    assert_eq!(value_of(&client, "#latitude").await, "30.2741");
    assert_eq!(value_of(&client, "#planned_start").await, "2026-03-01");
    assert_eq!(value_of(&client, "#budget_central").await, "1,200,000");
    assert_eq!(value_of(&client, "#budget_county").await, "12.345");
    assert!(checked(&client, "#is_public").await);

    replace(&client, "#budget_county", "12.34").await;
    click(&client, "#save-project").await;
    wait_for_text(&client, "p.notice", "已创建").await;
    assert_eq!(text_of(&client, "h1").await, "幸福里小区老旧小区改造");
    let project_url = client.current_url().await.unwrap();
    assert!(project_url.path().starts_with("/projects/"));
    assert!(
        text_of(&client, "#budget-total")
            .await
            .contains("1,200,012.34")
    );
    assert!(
        text_of(&client, "#project-partners")
            .await
            .contains("示例区教育局")
    );
    assert_eq!(text_of(&client, "#project-stage").await, "需求征集");

    // Milestones adding up to 100.
    for (name, date, weight) in [
        ("方案设计", "2026-04-15", "30"),
        ("主体施工", "2026-10-31", "70"),
    ] {
        fill(&client, "#ms_name", name).await;
        set_date(&client, "ms_planned_date", date).await;
        fill(&client, "#ms_weight", weight).await;
        click(&client, "#add-milestone").await;
        wait_for_text(&client, "#milestone-table", name).await;
    }
    assert_eq!(text_of(&client, "#weight-total").await, "100%");
    assert!(
        text_of(&client, "#milestone-table")
            .await
            .contains("主体施工")
    );

    // demand → reserve needs only the basics; the move lands in the timeline.
    assert!(
        text_of(&client, "#cond-basics").await.contains("基本信息"),
        "the condition is shown in words"
    );
    click(&client, "#advance").await;
    wait_for_text(&client, "p.notice", "阶段已变更").await;
    assert_eq!(text_of(&client, "#project-stage").await, "储备");
    let timeline = text_of(&client, "#timeline-table").await;
    assert!(
        timeline.contains("需求征集 → 储备") && timeline.contains("office_a"),
        "{timeline}"
    );

    // reserve → approved needs documents nobody attached: refused, with what is missing.
    fill(&client, "#adv_reason", "申请立项").await;
    click(&client, "#advance").await;
    let refusal = wait_for_text(&client, "#advance-refused", "尚未满足").await;
    snapshot(&client, "project-page-refused").await;
    assert!(refusal.contains("征求意见记录"), "{refusal}");
    assert_eq!(value_of(&client, "#adv_reason").await, "申请立项");
    assert_eq!(text_of(&client, "#project-stage").await, "储备");

    // The list: the reserve pool, filtered by a Chinese keyword, sorted by budget.
    client.goto(&format!("{base}/projects")).await.unwrap();
    click(&client, "#tab-reserve").await;
    wait_for_url(&client, "pool=reserve").await;
    fill(&client, "#q", "幸福里").await;
    select(&client, "#region_id", &fx.street_a.id.to_string()).await;
    click(&client, "#filter").await;
    wait_for_url(&client, "q=").await;
    let total = text_of(&client, "#project-total").await;
    assert!(total.contains('1'), "{total}");
    let list = text_of(&client, "#project-list").await;
    assert!(
        list.contains("幸福里小区老旧小区改造") && list.contains("120.00"),
        "{list}"
    );
    click(&client, "th a.sort[href*=\"sort=budget\"]").await;
    wait_for_url(&client, "sort=budget").await;
    snapshot(&client, "project-list").await;
    text_of(&client, "#project-list").await;

    // The export link asks for exactly the list shown.
    let href = client
        .find(Locator::Css("#export-xlsx"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let (path, query) = href.split_once('?').expect("the export link has a query");
    assert_eq!(path, "/projects/export.xlsx");
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    let region = fx.street_a.id.to_string();
    for expected in [
        ("pool", "reserve"),
        ("region_id", region.as_str()),
        ("q", "幸福里"),
        ("sort", "budget"),
    ] {
        assert!(
            pairs
                .iter()
                .any(|(k, v)| k == expected.0 && v == expected.1),
            "{expected:?} missing from {href}"
        );
    }
    assert!(!pairs.iter().any(|(k, _)| k == "page"));
    let list_url = client.current_url().await.unwrap();
    let list_pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(list_url.query().unwrap_or_default()).unwrap();
    assert_eq!(
        pairs,
        list_pairs
            .into_iter()
            .filter(|(k, _)| k != "page")
            .collect::<Vec<_>>(),
        "the export carries the list's own query"
    );

    client.close().await.unwrap();
}
