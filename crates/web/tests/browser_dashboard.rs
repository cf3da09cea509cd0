//! The leader dashboard in a real headless Chromium (see `common/chrome.rs`): the leader opens
//! it from the navigation, ECharts draws every chart (under the page's strict
//! Content-Security-Policy), and the red count leads to the list of red projects.

mod common;

use common::chrome::{click, fill, serve, start_chrome, wait_for_text};
use common::dashboard::lit_project;
use common::test_config;
use fantoccini::{Client, Locator};
use minxin_domain::light::Light;
use minxin_storage::testing::{PASSWORD, fixture, stores};
use minxin_web::AppState;
use std::time::Duration;

/// Saves a screenshot as `<dir>/<name>.png` when `MINXIN_SCREENSHOTS=<dir>` is set, for a
/// person to look at the page.
async fn snapshot(client: &Client, name: &str) {
    if let Ok(dir) = std::env::var("MINXIN_SCREENSHOTS") {
        let png = client.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leader_reads_the_charts_and_follows_the_red_count() {
    let (_, store) = stores().await.remove(0);
    let fx = fixture(&store).await;
    lit_project(&fx, "东湖社区老年食堂", Light::Red).await;
    lit_project(&fx, "西湖社区文化站", Light::Green).await;
    let state = AppState::new(store, test_config()).await.unwrap();
    let base = serve(state).await;
    let (_driver, client) = start_chrome(1280, 1600).await;

    client.goto(&format!("{base}/login")).await.unwrap();
    fill(&client, "#username", "leader_a").await;
    fill(&client, "#password", PASSWORD).await;
    click(&client, "#sign-in").await;
    wait_for_text(&client, "#sign-out", "").await;
    click(&client, "a[href=\"/dashboard\"]").await;
    wait_for_text(&client, "h1", "领导驾驶舱").await;

    for chart in ["stages", "lights", "sources", "ranking"] {
        let canvas = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(&format!("#chart-{chart} canvas")))
            .await
            .unwrap_or_else(|e| panic!("ECharts draws #chart-{chart}: {e}"));
        assert!(canvas.is_displayed().await.unwrap(), "#chart-{chart}");
    }
    snapshot(&client, "dashboard").await;

    assert_eq!(
        wait_for_text(&client, "#card-red strong", "1").await,
        "1",
        "one red project"
    );
    click(&client, "#card-red").await;
    let listed = wait_for_text(&client, "#project-list", "东湖社区老年食堂").await;
    let url = client.current_url().await.unwrap();
    assert!(url.as_str().contains("light=red"), "{url}");
    assert!(listed.contains("东湖社区老年食堂"));
    client.close().await.unwrap();
}
