//! Service requests in a real headless Chromium at phone size (375×812), on the app's
//! controllable clock: a resident reports a broken pavement with two photos and a point picked
//! on the map and gets a receipt code; follows it; the office dispatches it to the education
//! bureau, which accepts it (and so coordinates it, 首问) and transfers it with a reason to the
//! housing bureau; the acceptance deadline passes over the National Day holiday and the queue
//! marks it overdue; the housing bureau accepts and answers with a photo; the resident rates it
//! 满意 and it is closed.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`./scripts/test` installs them).

use crate::common::TestApp;
use crate::common::chrome::{
    click, fill, photo_file, select, sign_in, start_chrome, text_of, wait_for_text,
};
use chrono::{DateTime, TimeZone, Utc};
use fantoccini::{Client, Locator};
use minxin_domain::kernel::clock::Clock;
use minxin_domain::kernel::time::shanghai;
use minxin_domain::{Role, RoleSet};
use minxin_storage::identity::bootstrap::CliAccount;
use minxin_storage::testing::{PASSWORD, query_raw};
use std::time::Duration;

/// 15:00 on Wednesday 30 September 2026, Beijing time: the National Day holiday follows.
fn before_national_day() -> DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(2026, 9, 30, 15, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// Opens request `id`'s file from the queue the signed-in user lands on.
async fn open_from_queue(client: &Client, base: &str, id: i64) {
    client.goto(&format!("{base}/requests")).await.unwrap();
    click(client, &format!("#request-{id} a")).await;
    wait_for_text(client, "h1", &format!("#{id}")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_goes_from_a_phone_through_two_departments_to_a_rating() {
    let clock = Clock::fixed(before_national_day());
    let env = TestApp::builder().clock(&clock).sqlite().await;
    let (fx, store) = (env.fx(), env.store());
    env.bound_street_a().await;
    env.account(&CliAccount {
        username: "dept_jy",
        display_name: "示例区教育局职员",
        password: PASSWORD,
        roles: RoleSet::new([Role::Dept]),
        region_code: "990101",
        department_code: Some("A-JY"),
        scope_region_code: Some("990101"),
        must_change_password: false,
    })
    .await;
    env.narrow("dept_a", &["A-ZJ"]).await;
    env.narrow("dept_jy", &["A-JY"]).await;
    let base = env.serve().await;
    let (_driver, client) = start_chrome(375, 812).await;
    let photos = tempfile::tempdir().unwrap();

    // The resident reports, with two photos and a point picked on the map.
    client.goto(&format!("{base}/report")).await.unwrap();
    select(&client, "#category", "road").await;
    fill(
        &client,
        "#description",
        "学校门口人行道砖松动，老人容易绊倒",
    )
    .await;
    let files = format!(
        "{}\n{}",
        photo_file(photos.path(), "near.jpg", 40),
        photo_file(photos.path(), "far.jpg", 200)
    );
    fill(&client, "#photos", &files).await;
    // Typing a point centres the map there; a tap on the map then picks the exact spot.
    fill(&client, "#lat", "30.5").await;
    fill(&client, "#lon", "114.5").await;
    let map = client.find(Locator::Css("#request-map")).await.unwrap();
    for _ in 0..50 {
        if map.attr("hidden").await.unwrap().is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    client
        .execute(
            "document.getElementById('lat').value = ''; document.getElementById('lon').value = '';",
            vec![],
        )
        .await
        .unwrap();
    map.click().await.unwrap();
    let picked = client
        .find(Locator::Css("#lat"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    let lat: f64 = picked
        .parse()
        .unwrap_or_else(|_| panic!("the map filled in {picked:?}"));
    assert!((lat - 30.5).abs() < 0.05, "picked {lat}");
    fill(&client, "#phone", "13800001234").await;
    click(&client, "#submit-request").await;
    let code = text_of(&client, "#receipt-code strong").await;
    assert_eq!(code.len(), 14, "{code}");
    let (id,): (i64,) = query_raw(store, "SELECT id FROM service_requests")
        .await
        .unwrap()[0];
    let stored: Vec<(i64,)> = query_raw(
        store,
        "SELECT COUNT(*) FROM request_photos WHERE stage = 'intake'",
    )
    .await
    .unwrap();
    assert_eq!(stored[0].0, 2);

    // …and follows it with the code.
    client.goto(&format!("{base}/track")).await.unwrap();
    fill(&client, "#code", &code).await;
    click(&client, "#track").await;
    wait_for_text(&client, "#request-state", "待派单").await;

    // The office dispatches it to the education bureau.
    sign_in(&client, &base, "office_a").await;
    client
        .goto(&format!("{base}/requests?view=dispatch"))
        .await
        .unwrap();
    click(&client, &format!("#request-{id} a")).await;
    wait_for_text(&client, "#contact", "13800001234").await;
    select(&client, "#assign-department", &fx.a_jy.to_string()).await;
    click(&client, "#assign").await;
    wait_for_text(&client, "#request-holder", "教育局").await;

    // The education bureau accepts and transfers it with a reason.
    sign_in(&client, &base, "dept_jy").await;
    open_from_queue(&client, &base, id).await;
    click(&client, "#accept").await;
    wait_for_text(&client, "#request-owner", "教育局").await;
    select(&client, "#transfer-department", &fx.a_zj.to_string()).await;
    fill(&client, "#transfer-reason", "人行道属住建局养护").await;
    click(&client, "#transfer").await;
    wait_for_text(&client, "#request-holder", "住建局").await;
    wait_for_text(&client, "#request-owner", "教育局").await;

    // The holiday passes and nobody accepted in time: the queue marks it overdue.
    clock.set(
        shanghai()
            .with_ymd_and_hms(2026, 10, 9, 9, 0, 0)
            .unwrap()
            .with_timezone(&Utc),
    );
    sign_in(&client, &base, "dept_a").await;
    client
        .goto(&format!("{base}/requests?view=overdue"))
        .await
        .unwrap();
    wait_for_text(&client, &format!("#request-{id}"), "已超期").await;

    // The housing bureau accepts and answers with a photo of the repair.
    open_from_queue(&client, &base, id).await;
    click(&client, "#accept").await;
    wait_for_text(&client, "#request-state", "已签收").await;
    fill(&client, "#answer-text", "已更换松动路砖并压实").await;
    fill(
        &client,
        "#answer-photos",
        &photo_file(photos.path(), "fixed.jpg", 120),
    )
    .await;
    click(&client, "#answer").await;
    wait_for_text(&client, "#request-answer", "已更换松动路砖").await;

    // The resident reads the answer and rates it.
    client.delete_all_cookies().await.unwrap();
    client.goto(&format!("{base}/track")).await.unwrap();
    fill(&client, "#code", &code).await;
    click(&client, "#track").await;
    wait_for_text(&client, "#answer", "已更换松动路砖").await;
    click(&client, "input[name=rating][value=satisfied]").await;
    fill(&client, "#comment", "修得很快，谢谢").await;
    click(&client, "#rate").await;
    wait_for_text(&client, "#request-state", "已办结").await;
    let final_state: Vec<(String, Option<String>, Option<i64>)> = query_raw(
        store,
        &format!("SELECT state, rating, owner_department_id FROM service_requests WHERE id = {id}"),
    )
    .await
    .unwrap();
    assert_eq!(
        final_state,
        [(
            "closed".to_owned(),
            Some("satisfied".to_owned()),
            Some(fx.a_jy)
        )]
    );
}
