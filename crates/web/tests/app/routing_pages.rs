//! The office's routing page on both databases: a GeoJSON file uploaded, a rule added, the
//! point test, and a resident's request through `/report` landing with the rule's department;
//! a malformed or unknown upload comes back with its message and the typed code; a department
//! user is refused the page and its forms.

use crate::common::{Reply, TestApp, form_csrf, multipart, report};
use axum::http::StatusCode;
use minxin_domain::org::region::RegionLevel;
use minxin_storage::testing::query_raw;

/// The URL of the upload form (its CSRF token in the query), as the page gives it.
fn upload_action(page: &Reply) -> String {
    let marker = "action=\"/requests/routing/boundaries?";
    let start = page.body.find(marker).expect("the upload form") + "action=\"".len();
    page.body[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

const EAST_LAKE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
  "properties":{"region_code":"990101001001","name":"东湖社区"},
  "geometry":{"type":"Polygon","coordinates":[[[114.4,30.4],[114.5,30.4],[114.5,30.5],[114.4,30.5],[114.4,30.4]]]}}]}"#;

#[tokio::test]
async fn the_office_uploads_boundaries_adds_a_rule_and_requests_follow_it() {
    for env in TestApp::each().await {
        let b = env.backend;
        let east = env
            .region(
                "990101001001",
                "东湖社区",
                RegionLevel::Community,
                Some("990101001"),
            )
            .await;
        let mut office = env.signed_in("office_a").await;
        let queue = office.get("/requests").await;
        assert!(queue.body.contains("href=\"/requests/routing\""), "{b}");
        let page = office.get("/requests/routing").await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        assert!(page.body.contains("id=\"no-boundaries\""), "{b}");

        // A malformed file and an unknown code come back with their message, the code kept.
        let action = upload_action(&page);
        let refused = office
            .post_multipart(
                &action,
                multipart(
                    &[("code", "990101001999")],
                    Some(("file", "bad.geojson", "application/geo+json", b"{\"type\":")),
                ),
            )
            .await;
        assert_eq!(refused.status, StatusCode::OK, "{b}: {}", refused.body);
        assert!(refused.body.contains("文件不是有效的 JSON"), "{b}");
        assert!(refused.body.contains("value=\"990101001999\""), "{b}");
        let square = br#"{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}"#;
        let unknown = office
            .post_multipart(
                &action,
                multipart(
                    &[("code", "990101001999")],
                    Some(("file", "one.geojson", "application/json", square)),
                ),
            )
            .await;
        assert!(
            unknown
                .body
                .contains("第 1 个要素的区划代码 990101001999 不存在"),
            "{b}: {}",
            unknown.body
        );
        let empty = office
            .post_multipart(&action, multipart(&[("code", "")], None))
            .await;
        assert_eq!(empty.status, StatusCode::OK, "{b}");
        assert!(empty.body.contains("id=\"file-error\""), "{b}");

        let imported = office
            .post_multipart(
                &action,
                multipart(
                    &[("code", "")],
                    Some((
                        "file",
                        "east.geojson",
                        "application/geo+json",
                        EAST_LAKE.as_bytes(),
                    )),
                ),
            )
            .await;
        assert_eq!(
            imported.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            imported.body
        );
        let page = office.get("/requests/routing").await;
        assert!(
            page.body.contains(&format!("id=\"boundary-{}\"", east.id)),
            "{b}"
        );

        // A duplicate-free rule: road requests in 东湖社区 go to the housing bureau.
        let csrf = form_csrf(&page);
        let east_id = east.id.to_string();
        let department = env.fx().a_zj.to_string();
        let missing = office
            .post_form(
                "/requests/routing/rules",
                &[
                    ("category", "road"),
                    ("boundary", &east_id),
                    ("department", ""),
                ],
            )
            .await;
        assert!(missing.body.contains("id=\"department-error\""), "{b}");
        assert!(
            missing
                .body
                .contains(&format!("value=\"{east_id}\" selected")),
            "{b}"
        );
        let rule = [
            ("_csrf", csrf.as_str()),
            ("category", "road"),
            ("boundary", &east_id),
            ("department", &department),
        ];
        let added = office.post("/requests/routing/rules", &rule).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{b}: {}", added.body);
        let again = office.post("/requests/routing/rules", &rule).await;
        assert!(again.body.contains("已有同一类别、同一边界的规则"), "{b}");

        let tested = office
            .get("/requests/routing?point_category=road&lat=30.45&lon=114.45")
            .await;
        assert!(tested.body.contains("id=\"test-result\""), "{b}");
        assert!(
            tested
                .body
                .contains("id=\"test-destination\">示例区住建局<"),
            "{b}: {}",
            tested.body
        );
        let typo = office
            .get("/requests/routing?point_category=road&lat=north&lon=114.45")
            .await;
        assert!(typo.body.contains("id=\"lat-error\""), "{b}");
        assert!(typo.body.contains("value=\"north\""), "{b}");

        // A resident reports a broken road inside the boundary: it lands with the bureau.
        let mut resident = env.anonymous();
        let fields = [
            ("category", "road"),
            ("description", "东湖社区门口路面塌陷"),
            ("lat", "30.45"),
            ("lon", "114.45"),
        ];
        let receipt = report(&mut resident, &fields, &[]).await;
        assert!(receipt.is_receipt(), "{b}: {}", receipt.body);
        let (holder, state): (Option<i64>, String) = query_raw(
            env.store(),
            "SELECT holder_department_id, state FROM service_requests",
        )
        .await
        .unwrap()
        .remove(0);
        assert_eq!(
            (holder, state.as_str()),
            (Some(env.fx().a_zj), "assigned"),
            "{b}"
        );

        // A department's staff may neither see the page nor post its forms.
        let mut dept = env.signed_in("dept_a").await;
        let denied = dept.get("/requests/routing").await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{b}");
        let queue = dept.get("/requests").await;
        assert!(!queue.body.contains("href=\"/requests/routing\""), "{b}");
        let dept_csrf = form_csrf(&queue);
        let delete = dept
            .post(
                &format!("/requests/routing/boundaries/{}/delete", east.id),
                &[("_csrf", &dept_csrf)],
            )
            .await;
        assert_eq!(delete.status, StatusCode::FORBIDDEN, "{b}");
    }
}
