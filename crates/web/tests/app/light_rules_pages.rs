//! The light rules page and the reminders page through their routes, on every backend: the
//! office changes a region's thresholds (bad numbers come back in words with what was typed),
//! others read them without a form and are refused when posting anyway; a department user is
//! reminded of a missing monthly report on the home page and marks it read, which nobody else
//! can do for them.

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use minxin_storage::testing::TestProject;

async fn signed<'a>(env: &'a TestApp, username: &str) -> (Client<'a>, String) {
    let browser = env.signed_in(username).await;
    let csrf = browser.csrf();
    (browser, csrf)
}

fn rules<'a>(csrf: &'a str, region: &'a str, yellow: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("region_id", region),
        ("deviation_yellow_bp", yellow),
        ("deviation_red_bp", "25"),
        ("milestone_red_days", "20"),
        ("report_grace_days", "3"),
        ("report_due_day", "10"),
        ("version", ""),
    ]
}

#[tokio::test]
async fn the_office_sets_a_regions_light_rules() {
    for env in TestApp::each().await {
        let b = env.backend;
        let district = env.fx().district_a.id.to_string();
        let (mut office, csrf) = signed(&env, "office_a").await;
        let page = office
            .get(&format!("/light-rules?region_id={district}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "[{b}] {}", page.body);
        assert!(page.body.contains("沿用上级地区或系统默认的规则"), "[{b}]");
        assert!(page.body.contains("value=\"10\"") && page.body.contains("value=\"20\""));

        // A typo, then yellow not below red: each named, what was typed kept.
        let mut typo = rules(&csrf, &district, "10");
        typo[4] = ("milestone_red_days", "二十");
        let again = office.post("/light-rules", &typo).await;
        assert_eq!(again.status, StatusCode::OK, "[{b}] {}", again.body);
        assert!(
            again.body.contains("value=\"二十\"")
                && again.body.contains("id=\"milestone_red_days-error\"")
        );
        let inverted = rules(&csrf, &district, "30");
        let again = office.post("/light-rules", &inverted).await;
        assert_eq!(again.status, StatusCode::OK, "[{b}] {}", again.body);
        assert!(again.body.contains("value=\"30\""), "[{b}]");
        assert!(
            again
                .body
                .contains("黄灯阈值（30 个百分点）必须小于红灯阈值（25 个百分点）"),
            "[{b}] {}",
            again.body
        );

        let saved = office
            .post("/light-rules", &rules(&csrf, &district, "12.5"))
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "[{b}] {}", saved.body);
        let page = office
            .get(&format!("/light-rules?region_id={district}"))
            .await;
        assert!(page.body.contains("本地区已单独设置规则"), "[{b}]");
        assert!(page.body.contains("value=\"12.5\"") && page.body.contains("value=\"10\""));
        // A second save from the stale form (no version) is a conflict, input kept.
        let stale = office
            .post("/light-rules", &rules(&csrf, &district, "11"))
            .await;
        assert_eq!(stale.status, StatusCode::OK, "[{b}]");
        assert!(stale.body.contains("value=\"11\""), "[{b}]");

        // The leader reads the rules without a form and cannot post them.
        let (mut leader, leader_csrf) = signed(&env, "leader_a").await;
        let read = leader
            .get(&format!("/light-rules?region_id={district}"))
            .await;
        assert_eq!(read.status, StatusCode::OK, "[{b}]");
        assert!(read.body.contains("12.5") && !read.body.contains("id=\"save-rules\""));
        let refused = leader
            .post("/light-rules", &rules(&leader_csrf, &district, "5"))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "[{b}]");
        // Another district's office finds no such region.
        let other = env.fx().district_b.id.to_string();
        let hidden = office.get(&format!("/light-rules?region_id={other}")).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "[{b}]");
    }
}

#[tokio::test]
async fn a_missing_report_is_a_reminder_on_the_home_page() {
    for env in TestApp::each().await {
        let b = env.backend;
        let fx = &env.fx();
        let store = &env.store();
        env.narrow("dept_a", &["A-ZJ"]).await;
        env.project(TestProject::building(fx, "东湖社区老年食堂", 60, 120))
            .await;
        assert_eq!(store.refresh_lights().await.unwrap().reminded, 1, "[{b}]");

        let (mut dept, _csrf) = signed(&env, "dept_a").await;
        let home = dept.get("/work").await;
        assert!(home.body.contains("我的提醒"), "[{b}] {}", home.body);
        let list = dept.get("/reminders").await;
        assert!(list.body.contains("东湖社区老年食堂") && list.body.contains("尚未填报"));
        let marker = "action=\"/reminders/";
        let start = list.body.find(marker).expect("a mark-read form") + marker.len();
        let id = list.body[start..].split('/').next().unwrap().to_owned();

        let (mut office_browser, office_csrf) = signed(&env, "office_a").await;
        let foreign = office_browser
            .post(&format!("/reminders/{id}/read"), &[("_csrf", &office_csrf)])
            .await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND, "[{b}]");

        let read = dept.post_form(&format!("/reminders/{id}/read"), &[]).await;
        assert_eq!(read.status, StatusCode::SEE_OTHER, "[{b}]");
        let list = dept.get("/reminders").await;
        assert!(!list.body.contains("id=\"read-"), "[{b}] marked read");
        assert!(
            list.body.contains("东湖社区老年食堂"),
            "[{b}] still listed until filed"
        );
    }
}
