//! Monthly reports in a real headless Chromium (see `tests/common/chrome.rs`): a project manager
//! files this month's report with two site photos, the office returns it with a comment, the
//! manager refiles it, the office accepts it, and the project page's progress and light follow:
//! a project halfway through its planned period with 0 % reported is red, and green once a
//! report of 50 % is accepted.

use crate::common::TestApp;
use crate::common::chrome::{
    click, fill, photo_file as photo, sign_in, start_chrome, wait_for_text,
};
use chrono::{NaiveTime, TimeZone};
use fantoccini::{Client, Locator};
use minxin_domain::control::report::{DEFAULT_DUE_DAY, ReportPeriod, due_date, periods_due};
use minxin_domain::kernel::time::shanghai;
use minxin_domain::projects::project::FundingSource;
use minxin_storage::control::reports::ReportInput;
use minxin_storage::projects::ProjectInput;
use minxin_storage::testing::execute_raw;
use minxin_storage::testing::today;

/// A project of district A under construction, 90 days into a 180-day plan (so 50 % is
/// expected), managed by `site_manager`. The latest month due already has a report that came
/// in on its due date, so only the progress decides the light.
async fn project(env: &TestApp) -> i64 {
    let fx = env.fx();
    let manager = env.site_manager().await;
    let start = today() - chrono::Duration::days(90);
    let input = ProjectInput {
        name: "示例街道老年食堂".into(),
        category_id: env.subcategory().await,
        year: 2026,
        region_id: fx.street_a.id,
        lead_department_id: fx.a_zj,
        owner_name: "王建国".into(),
        owner_phone: "13800001234".into(),
        manager_id: Some(manager),
        planned_start: Some(start),
        planned_end: Some(today() + chrono::Duration::days(90)),
        budget: [(FundingSource::County, 100_000_000)].into_iter().collect(),
        ..ProjectInput::default()
    };
    let id = env.create_project("office_a", &input).await.id;
    execute_raw(
        env.store(),
        &format!("UPDATE projects SET stage = 'construction' WHERE id = {id}"),
    )
    .await
    .unwrap();
    let due = periods_due(start, today(), DEFAULT_DUE_DAY)
        .pop()
        .expect("a month is due 90 days in");
    env.file_report(
        "site_manager",
        id,
        &ReportInput {
            period: due.to_string(),
            percent_bp: 0,
            done: "前期准备".into(),
            ..ReportInput::default()
        },
    )
    .await;
    let on_time = shanghai()
        .from_local_datetime(&due_date(due, DEFAULT_DUE_DAY).and_time(NaiveTime::MIN))
        .unwrap()
        .with_timezone(&chrono::Utc)
        .to_rfc3339();
    execute_raw(
        env.store(),
        &format!("UPDATE progress_reports SET submitted_at = '{on_time}' WHERE project_id = {id}"),
    )
    .await
    .unwrap();
    id
}

async fn replace(client: &Client, css: &str, value: &str) {
    let input = client.find(Locator::Css(css)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_filed_returned_refiled_accepted_and_turns_the_light_green() {
    let env = TestApp::builder().sqlite().await;
    let id = project(&env).await;
    let base = env.serve().await;
    let (_driver, client) = start_chrome(1280, 900).await;
    let photos = tempfile::tempdir().unwrap();
    let files = format!(
        "{}\n{}",
        photo(photos.path(), "east.jpg", 40),
        photo(photos.path(), "west.jpg", 200)
    );
    let this_month = ReportPeriod::of(today()).to_string();

    // Halfway through the plan with 0 % reported: red.
    sign_in(&client, &base, "site_manager").await;
    client.goto(&format!("{base}/projects/{id}")).await.unwrap();
    wait_for_text(&client, "#project-light", "红灯").await;
    click(&client, "#reports-link").await;
    wait_for_text(&client, "h1", "月度进度填报").await;

    // The manager files this month's report with two photos.
    replace(&client, "#period", &this_month).await;
    fill(&client, "#percent", "50").await;
    fill(&client, "#done", "主体结构完成一半").await;
    fill(&client, "#photos", &files).await;
    click(&client, "#file-report").await;
    wait_for_text(&client, ".notice", "月报已提交").await;
    let report = env
        .reports(id)
        .await
        .into_iter()
        .find(|r| r.period == this_month)
        .unwrap();
    assert_eq!(report.photos.len(), 2);
    let thumbnails = client
        .find_all(Locator::Css(&format!("#report-{} .photos img", report.id)))
        .await
        .unwrap();
    assert_eq!(thumbnails.len(), 2);
    client
        .execute(
            "document.querySelectorAll('.photos img').forEach(i => { \
               const mark = () => { if (i.naturalWidth > 0) i.dataset.loaded = i.naturalWidth; }; \
               i.complete ? mark() : i.addEventListener('load', mark); });",
            vec![],
        )
        .await
        .unwrap();
    let loaded = format!("#report-{} .photos img[data-loaded]", report.id);
    let loaded = client
        .wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(Locator::Css(&loaded))
        .await
        .expect("the thumbnails load");
    assert_eq!(
        loaded.attr("data-loaded").await.unwrap().as_deref(),
        Some("160")
    );

    // The office returns it with a comment.
    sign_in(&client, &base, "office_a").await;
    client
        .goto(&format!("{base}/projects/{id}/reports"))
        .await
        .unwrap();
    fill(
        &client,
        &format!("#rv{}_comment", report.id),
        "请补充东侧照片说明",
    )
    .await;
    click(&client, &format!("#return-{}", report.id)).await;
    wait_for_text(&client, ".notice", "月报已退回").await;

    // The manager sees the comment and refiles the same month.
    sign_in(&client, &base, "site_manager").await;
    client
        .goto(&format!("{base}/projects/{id}/reports"))
        .await
        .unwrap();
    wait_for_text(
        &client,
        &format!("#report-{}-comment", report.id),
        "请补充东侧照片说明",
    )
    .await;
    click(&client, &format!("#refile-{}", report.id)).await;
    wait_for_text(&client, "#done", "主体结构完成一半").await;
    fill(&client, "#done", "；东侧为食堂主体").await;
    click(&client, "#file-report").await;
    wait_for_text(&client, ".notice", "月报已提交").await;
    wait_for_text(&client, &format!("#report-{}-state", report.id), "待审核").await;

    // The office accepts it; the project's progress and light follow.
    sign_in(&client, &base, "office_a").await;
    client
        .goto(&format!("{base}/projects/{id}/reports"))
        .await
        .unwrap();
    click(&client, &format!("#accept-{}", report.id)).await;
    wait_for_text(&client, ".notice", "月报已通过").await;
    wait_for_text(&client, &format!("#report-{}-state", report.id), "已通过").await;
    client.goto(&format!("{base}/projects/{id}")).await.unwrap();
    wait_for_text(&client, "#progress-percent", "50%").await;
    wait_for_text(&client, "#project-light", "绿灯").await;
}
