//! The staff side of service requests on both databases: the office's dispatch queue, a
//! department accepting, being refused a transfer without a reason (the text kept), answering
//! with a photo; contact details only for handlers; a grid worker entering a request taken by
//! phone; the office publishing in its own wording; and a deadline passing on the app's clock.

use crate::common::{Reply, TestApp, jpeg, photo_form};
use axum::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use minxin_domain::identity::role::{Role, RoleSet};
use minxin_domain::kernel::clock::Clock;
use minxin_domain::kernel::time::shanghai;
use minxin_storage::identity::bootstrap::CliAccount;
use minxin_storage::testing::{PASSWORD, query_raw};

/// 15:00 on Wednesday 30 September 2026, Beijing time: the National Day holiday follows.
fn before_national_day() -> DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(2026, 9, 30, 15, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// The `version` hidden in the first form of a request's file.
fn version(page: &Reply) -> String {
    let marker = "name=\"version\" value=\"";
    let start = page.body.find(marker).expect("a versioned form") + marker.len();
    page.body[start..].split('"').next().unwrap().to_owned()
}

/// The URL a multipart form on `page` posts to (its CSRF token in the query).
fn multipart_action(page: &Reply, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let form = page.body.find(&marker).expect("the form");
    let before = &page.body[..form];
    let start = before.rfind("action=\"").unwrap() + "action=\"".len();
    before[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

#[tokio::test]
async fn staff_dispatch_accept_answer_publish_and_see_deadlines_pass() {
    let clock = Clock::fixed(before_national_day());
    for env in TestApp::builder().clock(&clock).each().await {
        // The apps share the clock: the one before left it 20 days on.
        clock.set(before_national_day());
        let (b, store, fx) = (env.backend, env.store(), env.fx());
        env.bound_street_a().await;
        env.narrow("dept_a", &["A-ZJ"]).await;
        env.account(&CliAccount {
            username: "grid_a",
            display_name: "示例街道网格员",
            password: PASSWORD,
            roles: RoleSet::new([Role::Grid]),
            region_code: "990101001",
            department_code: None,
            scope_region_code: Some("990101001"),
            must_change_password: false,
        })
        .await;

        // A grid worker enters a request a resident phoned in.
        let mut grid = env.signed_in("grid_a").await;
        let form = grid.get("/requests/new").await;
        assert_eq!(form.status, StatusCode::OK, "{b}: {}", form.body);
        let action = multipart_action(&form, "request-form");
        let photo = jpeg(64, 48);
        let entered = grid
            .post_multipart(
                &action,
                photo_form(
                    &[
                        ("channel", "phone"),
                        ("category", "lighting"),
                        ("description", "东湖路 3 号楼前路灯不亮"),
                        ("lat", "30.5"),
                        ("lon", "114.5"),
                        ("name", "李大爷"),
                        ("phone", "13900002222"),
                    ],
                    &[("lamp.jpg", &photo)],
                ),
            )
            .await;
        assert_eq!(entered.status, StatusCode::OK, "{b}: {}", entered.body);
        assert!(entered.is_receipt(), "{b}");
        let (id, channel, entered_by) = query_raw::<(i64, String, Option<i64>)>(
            store,
            "SELECT id, channel, entered_by FROM service_requests",
        )
        .await
        .unwrap()[0]
            .clone();
        assert_eq!(
            (channel.as_str(), entered_by),
            ("phone", Some(grid_id(store).await)),
            "{b}"
        );
        // The grid worker reads the file but does not handle it: no contact details.
        let read = grid.get(&format!("/requests/{id}")).await;
        assert!(read.body.contains("id=\"contact-hidden\""), "{b}");
        assert!(!read.body.contains("13900002222"), "{b}");
        assert!(!read.body.contains("id=\"accept\""), "{b}");

        // The office finds it in the dispatch queue and sends it to the housing bureau.
        let mut office = env.signed_in("office_a").await;
        let queue = office.get("/requests?view=dispatch").await;
        assert!(queue.body.contains(&format!("id=\"request-{id}\"")), "{b}");
        let file = office.get(&format!("/requests/{id}")).await;
        assert!(
            file.body.contains("13900002222"),
            "{b}: the office handles it"
        );
        assert!(file.body.contains("电话（登记人 示例街道网格员）"), "{b}");
        let dispatched = office
            .post_form(
                &format!("/requests/{id}/move"),
                &[
                    ("version", &version(&file)),
                    ("move", "assign"),
                    ("department", &fx.a_zj.to_string()),
                ],
            )
            .await;
        assert_eq!(
            dispatched.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            dispatched.body
        );

        // The department accepts; a transfer without a reason is refused, the form kept.
        let mut dept = env.signed_in("dept_a").await;
        let mine = dept.get("/requests").await;
        assert!(mine.body.contains(&format!("id=\"request-{id}\"")), "{b}");
        let file = dept.get(&format!("/requests/{id}")).await;
        let accepted = dept
            .post_form(
                &format!("/requests/{id}/move"),
                &[("version", &version(&file)), ("move", "accept")],
            )
            .await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{b}");
        let file = dept.get(&format!("/requests/{id}")).await;
        assert!(file.body.contains("id=\"answer-form\""), "{b}");
        let refused = dept
            .post_form(
                &format!("/requests/{id}/move"),
                &[
                    ("version", &version(&file)),
                    ("move", "transfer"),
                    ("department", &fx.a_jy.to_string()),
                    ("reason", "   "),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.body.contains("id=\"move-error\""), "{b}");
        assert!(refused.body.contains("请填写理由或答复内容"), "{b}");

        // The deadline passes on the app's clock: the file and the queue say so. The sessions
        // expired on the same clock, so both sign in again.
        clock.set(before_national_day() + chrono::Duration::days(20));
        let mut office = env.signed_in("office_a").await;
        let mut dept = env.signed_in("dept_a").await;
        let file = dept.get(&format!("/requests/{id}")).await;
        let overdue = office.get("/requests?view=overdue").await;
        assert!(
            overdue.body.contains(&format!("id=\"request-{id}\"")),
            "{b}"
        );
        assert!(overdue.body.contains("timeliness overdue"), "{b}");
        let home = office.get("/work").await;
        assert!(home.body.contains("诉求办理"), "{b}");
        assert!(
            home.body.contains("<dt>已超期</dt><dd>1</dd>"),
            "{b}: the home page counts the overdue request"
        );

        // The answer with a photo of the work done.
        let answer_action = multipart_action(&file, "answer-form");
        let answered = dept
            .post_multipart(
                &answer_action,
                photo_form(
                    &[
                        ("version", &version(&file)),
                        ("text", "已更换灯泡，恢复照明"),
                    ],
                    &[("fixed.jpg", &photo)],
                ),
            )
            .await;
        assert_eq!(
            answered.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            answered.body
        );
        let file = dept.get(&format!("/requests/{id}")).await;
        assert!(file.body.contains("已更换灯泡，恢复照明"), "{b}");
        assert_eq!(file.body.matches("/thumb\"").count(), 2, "{b}");
        let photo_path = file
            .body
            .split("<img src=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let (status, _, bytes) = dept.download(&photo_path).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "{b}: a JPEG");
        let (status, _, _) = env.anonymous().download(&photo_path).await;
        assert_ne!(status, StatusCode::OK, "{b}: photos are for staff");

        // The office publishes it in its own words; an empty wording is refused and kept empty.
        let file = office.get(&format!("/requests/{id}")).await;
        let empty = office
            .post_form(
                &format!("/requests/{id}/publish"),
                &[("version", &version(&file)), ("wording", " ")],
            )
            .await;
        assert!(empty.body.contains("id=\"publish-error\""), "{b}");
        let published = office
            .post_form(
                &format!("/requests/{id}/publish"),
                &[("version", &version(&file)), ("wording", "东湖路路灯不亮")],
            )
            .await;
        assert_eq!(
            published.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            published.body
        );
        let shown: Vec<(bool, String)> = query_raw(
            store,
            "SELECT is_published, public_description FROM service_requests",
        )
        .await
        .unwrap();
        assert_eq!(shown, [(true, "东湖路路灯不亮".to_owned())], "{b}");
    }
}

async fn grid_id(store: &minxin_storage::Store) -> i64 {
    let rows: Vec<(i64,)> = query_raw(store, "SELECT id FROM accounts WHERE username = 'grid_a'")
        .await
        .unwrap();
    rows[0].0
}

#[tokio::test]
async fn the_office_enters_2027_and_deadlines_count_its_new_year_holiday() {
    // Thursday 31 December 2026, 15:00 in Beijing.
    let clock = Clock::fixed(
        shanghai()
            .with_ymd_and_hms(2026, 12, 31, 15, 0, 0)
            .unwrap()
            .with_timezone(&Utc),
    );
    for env in TestApp::builder().clock(&clock).each().await {
        let (b, store) = (env.backend, env.store());
        let mut office = env.signed_in("office_a").await;
        let page = office.get("/requests/calendar").await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        assert!(page.body.contains("id=\"year-2026\""), "{b}");
        assert!(
            page.body.contains("year = 2027"),
            "{b}: a blank 2027 to fill in"
        );
        let year = "[[year]]\nyear = 2027\nsource = \"测试通知\"\noff = [[\"2027-01-01\", \"2027-01-03\", \"元旦\"]]\non = []\n";
        let wrong = year.replace("on = []", "on = [\"2027-01-05\"]");
        let refused = office
            .post_form("/requests/calendar", &[("arrangement", &wrong)])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.body.contains("2027-01-05 不是周六或周日"), "{b}");
        assert!(refused.body.contains("测试通知"), "{b}: the text is kept");
        let entered = office
            .post_form("/requests/calendar", &[("arrangement", year)])
            .await;
        assert_eq!(
            entered.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            entered.body
        );
        let page = office.get("/requests/calendar").await;
        assert!(page.body.contains("id=\"year-2027\""), "{b}");

        // Three working days for street lighting: 4, 5 and 6 January, not 1, 4 and 5.
        let mut resident = env.anonymous();
        let receipt = crate::common::report(
            &mut resident,
            &[
                ("category", "lighting"),
                ("description", "路灯不亮"),
                ("address", "东湖路 3 号"),
            ],
            &[],
        )
        .await;
        assert!(receipt.is_receipt(), "{b}: {}", receipt.body);
        let (answer_by,): (DateTime<Utc>,) =
            query_raw(store, "SELECT answer_by FROM service_requests")
                .await
                .unwrap()[0];
        assert_eq!(
            answer_by,
            shanghai()
                .with_ymd_and_hms(2027, 1, 7, 0, 0, 0)
                .unwrap()
                .with_timezone(&Utc),
            "{b}"
        );
    }
}
