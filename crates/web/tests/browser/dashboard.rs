//! The leader dashboard and the monthly bulletin in a real headless Chromium (see
//! `tests/common/chrome.rs`): the leader opens the dashboard from the navigation, ECharts draws every
//! chart (under the page's strict Content-Security-Policy), the red count leads to the list of
//! red projects; then the bulletin of last month opens, and its .xlsx and .docx, downloaded by
//! the browser with the leader's session, open again with the same figures.

use crate::common::chrome::{click, fill, start_chrome, wait_for_text};
use crate::common::dashboard::{lit_project, set_light};
use crate::common::{TestApp, docx_text};
use calamine::{Data, Reader, Xlsx};
use fantoccini::{Client, Locator};
use minxin_domain::control::light::Light;
use minxin_storage::testing::PASSWORD;
use minxin_storage::testing::today;
use std::io::Cursor;
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
    let env = TestApp::builder().sqlite().await;
    let fx = env.fx();
    lit_project(fx, "东湖社区老年食堂", Light::Red).await;
    let green = lit_project(fx, "西湖社区文化站", Light::Green).await;
    // Taking last month's snapshot recomputes every light by the rules first: both projects,
    // 60 days in with nothing reported, are red in it. The dashboard then shows one green again.
    let taken = env
        .store()
        .take_due_snapshots(today())
        .await
        .unwrap()
        .expect("last month can be taken");
    let month = taken.month.period;
    set_light(fx, green, Light::Green).await;
    let base = env.serve().await;
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
    assert!(listed.contains("东湖社区老年食堂") && !listed.contains("西湖社区文化站"));

    click(&client, "a[href=\"/bulletins\"]").await;
    click(&client, &format!("a[href=\"/bulletins/{month}\"]")).await;
    let page = wait_for_text(&client, "main", "东湖社区老年食堂").await;
    assert!(
        page.contains("示例区住建局"),
        "the red project under its department"
    );
    snapshot(&client, "bulletin").await;

    let xlsx = download(&client, &format!("/bulletins/{month}.xlsx")).await;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).expect("the .xlsx opens again");
    let overview = book.worksheet_range("总体情况").unwrap();
    let figure = |label: &str| {
        overview
            .rows()
            .find(|r| r.first().is_some_and(|c| *c == label))
            .and_then(|r| r.get(1).cloned())
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    assert_eq!(figure("项目数"), Data::Float(2.0));
    assert_eq!(figure("红灯（滞后）"), Data::Float(2.0));
    assert_eq!(figure("绿灯（正常）"), Data::Float(0.0));

    let docx = download(&client, &format!("/bulletins/{month}.docx")).await;
    let xml = docx_text(docx);
    for expected in [
        "东湖社区老年食堂",
        "西湖社区文化站",
        "示例区住建局",
        "部门排名",
    ] {
        assert!(xml.contains(expected), ".docx lacks {expected}");
    }
    client.close().await.unwrap();
}

/// Fetches `path` inside the page, with the browser's own session cookie, and returns the
/// bytes it received.
async fn download(client: &Client, path: &str) -> Vec<u8> {
    let bytes = client
        .execute_async(
            "const [path, done] = arguments; \
             fetch(path).then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status)) \
               .then(b => done(Array.from(new Uint8Array(b))), e => done(String(e)));",
            vec![serde_json::json!(path)],
        )
        .await
        .unwrap();
    serde_json::from_value(bytes.clone()).unwrap_or_else(|_| panic!("{path}: {bytes}"))
}
