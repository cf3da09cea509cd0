//! The resident's side of service requests on both databases: the "我要反映" form with a photo
//! and a point gives a receipt code, the code follows the request, refused input comes back
//! with everything typed, a signboard's project link fills the project in, and the answer is
//! rated from the tracking page.

use crate::common::{Reply, TestApp, action_csrf, jpeg, photo_form, report as submit};
use axum::http::StatusCode;
use minxin_domain::requests::service_request::Move;
use minxin_storage::testing::{TestProject, query_raw};

/// The receipt code shown on a receipt page.
fn receipt_code(page: &Reply) -> String {
    let marker = "id=\"receipt-code\"";
    let start = page.body.find(marker).expect("a receipt code") + marker.len();
    let strong = page.body[start..].find("<strong>").unwrap() + start + "<strong>".len();
    page.body[strong..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_resident_reports_follows_and_rates() {
    for env in TestApp::each().await {
        let b = env.backend;
        // The street's community boundary places the request inside the district office's scope.
        env.bound_street_a().await;
        let mut browser = env.anonymous();
        let photo = jpeg(64, 48);
        let receipt = submit(
            &mut browser,
            &[
                ("category", "road"),
                ("description", "人行道砖松动，老人容易绊倒"),
                ("lat", "30.5"),
                ("lon", "114.5"),
                ("name", "王女士"),
                ("phone", "13800001234"),
            ],
            &[("brick.jpg", &photo)],
        )
        .await;
        assert_eq!(receipt.status, StatusCode::OK, "{b}: {}", receipt.body);
        assert!(receipt.body.contains("已收到您的诉求"), "{b}");
        let code = receipt_code(&receipt);
        assert_eq!(code.len(), 14, "{b}: {code}");
        assert!(!receipt.body.contains("13800001234"), "{b}");

        let _track = browser.get("/track").await;
        let followed = browser
            .post_form("/track", &[("code", &code.to_lowercase())])
            .await;
        assert_eq!(followed.status, StatusCode::OK, "{b}");
        assert!(followed.body.contains("道路破损"), "{b}");
        assert!(
            followed.body.contains("待派单"),
            "{b}: in the dispatch queue"
        );
        assert!(
            !followed.body.contains("13800001234") && !followed.body.contains("王女士"),
            "{b}"
        );

        // The office answers; the resident rates it from the tracking page.
        let (id,): (i64,) = query_raw(&env.fx().store, "SELECT id FROM service_requests")
            .await
            .unwrap()[0];
        let now = chrono::Utc::now();
        let assign = Move::Assign {
            department: env.fx().a_zj,
        };
        env.move_request("office_a", id, 1, &assign, now).await;
        env.narrow("dept_a", &["A-ZJ"]).await;
        env.move_request("dept_a", id, 2, &Move::Accept, now).await;
        let answer = Move::Answer {
            text: "已更换松动的砖".into(),
        };
        env.move_request("dept_a", id, 3, &answer, now).await;
        let answered = browser.post_form("/track", &[("code", &code)]).await;
        assert!(answered.body.contains("已更换松动的砖"), "{b}");
        assert!(answered.body.contains("id=\"rate-form\""), "{b}");
        let unrated = browser.post_form("/track/rate", &[("code", &code)]).await;
        assert!(unrated.body.contains("id=\"rating-error\""), "{b}");
        let rated = browser
            .post_form(
                "/track/rate",
                &[
                    ("code", &code),
                    ("rating", "satisfied"),
                    ("comment", "谢谢"),
                ],
            )
            .await;
        assert_eq!(rated.status, StatusCode::OK, "{b}");
        assert!(rated.body.contains("已办结"), "{b}");
        assert!(!rated.body.contains("id=\"rate-form\""), "{b}");
    }
}

#[tokio::test]
async fn refused_input_comes_back_with_everything_typed() {
    for env in TestApp::each().await {
        let b = env.backend;
        let mut browser = env.anonymous();
        let page = submit(
            &mut browser,
            &[
                ("category", "road"),
                ("description", "井盖缺失"),
                ("address", "东湖路 12 号"),
                ("name", "李先生"),
                ("phone", "请打给我"),
            ],
            &[("notes.jpg", b"not an image at all")],
        )
        .await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(
            page.body.contains("id=\"photos-error\""),
            "{b}: {}",
            page.body
        );
        assert!(page.body.contains("notes.jpg"), "{b}: the file is named");
        for typed in ["井盖缺失", "东湖路 12 号", "李先生", "请打给我"] {
            assert!(page.body.contains(typed), "{b}: {typed} kept");
        }
        let page = submit(
            &mut browser,
            &[
                ("category", "road"),
                ("description", "井盖缺失"),
                ("phone", "请打给我"),
            ],
            &[],
        )
        .await;
        assert!(page.body.contains("id=\"phone-error\""), "{b}");
        assert!(page.body.contains("id=\"address-error\""), "{b}");
        let stored: Vec<(i64,)> =
            query_raw(&env.fx().store, "SELECT COUNT(*) FROM service_requests")
                .await
                .unwrap();
        assert_eq!(stored, [(0,)], "{b}: nothing stored");
        let _unknown = browser.get("/track").await;
        let missing = browser
            .post_form("/track", &[("code", "2222-3333-4444")])
            .await;
        assert!(missing.body.contains("id=\"code-error\""), "{b}");
    }
}

#[tokio::test]
async fn a_signboard_link_fills_the_project_in() {
    for env in TestApp::each().await {
        let b = env.backend;
        let id = env
            .project(TestProject::building(env.fx(), "东湖社区老年食堂", 30, 60))
            .await;
        let code = env.read_project(id).await.code;
        let mut browser = env.anonymous();
        let form = browser.get(&format!("/p/{code}/report")).await;
        assert_eq!(form.status, StatusCode::OK, "{b}");
        assert!(
            form.body
                .contains(&format!("name=\"project\" value=\"{code}\"")),
            "{b}"
        );
        let csrf = action_csrf(&form);
        let receipt = browser
            .post_multipart(
                &format!("/report?_csrf={csrf}"),
                photo_form(
                    &[
                        ("category", "quality"),
                        ("description", "墙面开裂，我家电话 13900001111"),
                        ("project", &code),
                        ("anonymous", "1"),
                    ],
                    &[],
                ),
            )
            .await;
        assert!(receipt.is_receipt(), "{b}: {}", receipt.body);
        let stored: Vec<(String, Option<i64>, Option<String>)> = query_raw(
            &env.fx().store,
            "SELECT channel, project_id, contact_name FROM service_requests",
        )
        .await
        .unwrap();
        assert_eq!(stored, [("signboard".to_owned(), Some(id), None)], "{b}");

        // Once the office publishes it in its own words, the project's page and the portal
        // map show those words, never the resident's.
        let page = browser.get(&format!("/p/{code}")).await;
        assert!(page.body.contains("暂无公开的居民反映"), "{b}");
        let (request, version, latitude): (i64, i64, Option<f64>) = query_raw(
            &env.fx().store,
            "SELECT id, version, latitude FROM service_requests",
        )
        .await
        .unwrap()[0];
        env.publish_request(
            request,
            version,
            Some("老年食堂外墙开裂，已通知施工单位"),
            false,
            chrono::Utc::now(),
        )
        .await;
        let page = browser.get(&format!("/p/{code}")).await;
        assert!(
            page.body.contains("老年食堂外墙开裂，已通知施工单位"),
            "{b}"
        );
        assert!(!page.body.contains("13900001111"), "{b}");
        let map = browser.get("/map/markers.json?bbox=73,18,135,54").await;
        assert!(!map.body.contains("13900001111"), "{b}");
        assert_eq!(
            map.body.contains("老年食堂外墙开裂"),
            latitude.is_some(),
            "{b}: {}",
            map.body
        );
    }
}

#[tokio::test]
async fn a_flood_from_one_address_is_held_back_with_the_form_kept() {
    for env in TestApp::builder()
        .config(|c| c.intake_per_hour = 2)
        .each()
        .await
    {
        let backend = env.backend;
        let mut browser = env.anonymous();
        let fields = [
            ("category", "road"),
            ("description", "路灯不亮"),
            ("address", "东湖路 12 号"),
        ];
        for _ in 0..2 {
            let receipt = submit(&mut browser, &fields, &[]).await;
            assert!(receipt.is_receipt(), "{backend}");
        }
        let held = submit(&mut browser, &fields, &[]).await;
        assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "{backend}");
        assert!(held.body.contains("您提交得太频繁了"), "{backend}");
        assert!(
            held.body.contains("路灯不亮") && held.body.contains("东湖路 12 号"),
            "{backend}"
        );
        let stored: Vec<(i64,)> =
            query_raw(&env.fx().store, "SELECT COUNT(*) FROM service_requests")
                .await
                .unwrap();
        assert_eq!(stored, [(2,)], "{backend}");
    }
}
