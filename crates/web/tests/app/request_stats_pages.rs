//! The request statistics on both databases: the office's page in Chinese and English with the
//! three rates to one decimal, counts, tables and hot spots; the link from the queue; the
//! leader dashboard's 诉求 card and its figures in the dashboard API; a department seeing only
//! its own and a region outside the scope being 404.

use crate::common::TestApp;
use crate::common::requests_api::monday_morning;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::kernel::clock::Clock;
use minxin_domain::requests::intake::{Channel, IntakeDraft};
use minxin_domain::requests::service_request::{Move, Rating};
use minxin_storage::kernel::blobs::LocalBlobStore;
use minxin_storage::requests::Submission;
use minxin_storage::testing::query_raw;

#[tokio::test]
async fn the_office_reads_the_rates_and_the_leader_sees_them_on_the_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobStore::new(dir.path());
    let calendar = WorkingCalendar::shipped();
    let clock = Clock::fixed(monday_morning() + Duration::days(10));
    for env in TestApp::builder().clock(&clock).each().await {
        let (b, store, fx) = (env.backend, env.store(), env.fx());
        let t0 = monday_morning();
        let residents = store.residents("203.0.113.9");
        let mut receipts = Vec::new();
        for _ in 0..3 {
            let draft = IntakeDraft {
                category: "road".into(),
                description: "井盖缺失".into(),
                lat: "30.5".into(),
                lon: "114.5".into(),
                ..IntakeDraft::default()
            };
            let submission = Submission::parse(draft, None, Channel::Portal, 0).unwrap();
            receipts.push(
                residents
                    .submit(&submission, &[], &blobs, &calendar, t0)
                    .await
                    .unwrap(),
            );
        }
        // Without a community boundary they are placed in the top region: put them in
        // district A's street, where its office and leader see them.
        let version = |id: i64| {
            let store = store.clone();
            async move {
                query_raw::<(i64,)>(
                    &store,
                    &format!("SELECT version FROM service_requests WHERE id = {id}"),
                )
                .await
                .unwrap()[0]
                    .0
            }
        };
        minxin_storage::testing::execute_raw(
            store,
            &format!(
                "UPDATE service_requests SET region_path = '{}'",
                fx.street_a.path
            ),
        )
        .await
        .unwrap();
        // The department account acts for A-ZJ, the department the office sends the request to.
        env.narrow("dept_a", &["A-ZJ"]).await;
        let id = receipts[0].id;
        let step = |who: &'static str, m: Move, at: DateTime<Utc>| {
            let env = &env;
            async move {
                env.move_request(who, id, version(id).await, &m, at).await;
            }
        };
        step(
            "office_a",
            Move::Assign {
                department: fx.a_zj,
            },
            t0,
        )
        .await;
        step("dept_a", Move::Accept, t0 + Duration::hours(1)).await;
        step(
            "dept_a",
            Move::Answer {
                text: "已补装".into(),
            },
            t0 + Duration::hours(5),
        )
        .await;
        residents
            .rate(
                &receipts[0].code.to_string(),
                Rating::Satisfied,
                "",
                &calendar,
                t0 + Duration::hours(6),
            )
            .await
            .unwrap();

        let mut browser = env.signed_in("office_a").await;
        let queue = browser.get("/requests").await;
        assert!(queue.body.contains("href=\"/requests/stats\""), "{b}");
        let page = browser.get("/requests/stats").await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        assert!(page.body.contains("诉求统计"), "{b}");
        // One of three accepted in time (the other two are overdue for acceptance), one closed
        // and resolved, one rated content; answered after five hours.
        assert!(
            page.body.contains("<strong>33.3%</strong>"),
            "{b}: {}",
            page.body
        );
        assert!(page.body.contains("<strong>100.0%</strong>"), "{b}");
        assert!(page.body.contains("<strong>5.0</strong>"), "{b}");
        assert!(page.body.contains("id=\"table-by-department\""), "{b}");
        assert!(page.body.contains("示例区住建局"), "{b}");
        assert!(page.body.contains("data-count=\"3\""), "{b}");
        let other = browser
            .get(&format!("/requests/stats?region_id={}", fx.district_b.id))
            .await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "{b}");
        // Days beyond what the databases store are ignored like any unreadable value.
        let far = browser
            .get("/requests/stats?from=-4800-01-01&to=%2B262142-12-31")
            .await;
        assert_eq!(far.status, StatusCode::OK, "{b}: {}", far.body);
        assert!(far.body.contains("<strong>33.3%</strong>"), "{b}");
        browser.get("/lang?to=en&next=/requests/stats").await;
        let english = browser.get("/requests/stats?category=road").await;
        assert!(english.body.contains("Response rate"), "{b}");

        let mut dept_browser = env.signed_in("dept_b").await;
        let theirs = dept_browser.get("/requests/stats").await;
        assert_eq!(theirs.status, StatusCode::OK, "{b}");
        assert!(
            !theirs.body.contains("data-count="),
            "{b}: nothing of district A"
        );

        let mut leader = env.signed_in("leader_a").await;
        let dashboard = leader.get("/dashboard?year=2026").await;
        assert_eq!(dashboard.status, StatusCode::OK, "{b}: {}", dashboard.body);
        assert!(dashboard.body.contains("id=\"card-requests\""), "{b}");
        // askama writes `&` in attributes as `&#38;`.
        assert!(
            dashboard
                .body
                .replace("&#38;", "&")
                .contains("/requests/stats?from=2026-01-01&to=2026-12-31"),
            "{b}"
        );
        let bearer = env.token("leader_a").await;
        let json = env
            .api(Method::GET, "/dashboard?year=2026", Some(&bearer), None)
            .await
            .json();
        assert_eq!(json["requests"]["received"], 3, "{b}");
        assert_eq!(json["requests"]["overdue"], 2, "{b}");
        assert_eq!(json["requests"]["response_bp"], 3_333, "{b}");
    }
}
