//! What the auditor reads (issue 15 finding 10): the audit log names the fields a change
//! touched and the values that are not personal, but neither the API, the CSV nor the table
//! itself carries an owner's or resident's phone, an ID number, a resident's name or the text of
//! a complaint. Runs on SQLite and, when `MINXIN_TEST_DATABASE_URL` is set, PostgreSQL.

use crate::common::{TestApp, report};
use axum::http::StatusCode;
use minxin_domain::projects::project::FundingSource;
use minxin_storage::projects::ProjectInput;
use minxin_storage::testing::{TestProject, query_raw, route_street_roads};

const OWNER_PHONE: &str = "13800001234";
const NEW_OWNER_PHONE: &str = "13911112222";
const RESIDENT_PHONE: &str = "13722223333";
const ID_NUMBER: &str = "110101199001011234";
const RESIDENT: &str = "赵秀兰";
const COMPLAINT: &str = "楼道灯坏了三个月";

/// Everything that must not reach the auditor, whatever the form.
fn leaks(text: &str) -> Vec<&'static str> {
    [
        OWNER_PHONE,
        NEW_OWNER_PHONE,
        RESIDENT_PHONE,
        ID_NUMBER,
        RESIDENT,
        "秀兰",
        "王建国",
        "建国",
        COMPLAINT,
        "幸福路 1 号",
        "东湖路 8 号",
    ]
    .into_iter()
    .filter(|needle| text.contains(needle))
    .collect()
}

#[tokio::test]
async fn the_auditor_sees_changed_fields_but_no_personal_data_or_complaint_text() {
    for env in TestApp::each().await {
        let b = env.backend;
        let fx = &env.fx();
        let id = env
            .project(TestProject::building(fx, "东湖社区老年食堂", 30, 60))
            .await;
        let project = env.read_project(id).await;
        let edit = ProjectInput {
            code: project.code.clone(),
            name: project.name.clone(),
            category_id: project.category_id,
            year: project.year,
            region_id: project.region_id,
            lead_department_id: project.lead_department_id,
            owner_name: "王建国".into(),
            owner_phone: NEW_OWNER_PHONE.into(),
            address: "幸福路 1 号".into(),
            planned_start: project.planned_start,
            planned_end: project.planned_end,
            budget: [(FundingSource::County, 250_000_000)].into_iter().collect(),
            is_public: true,
            ..ProjectInput::default()
        };
        env.update_project("office_a", id, project.version, &edit)
            .await;

        route_street_roads(fx).await;
        let mut resident = env.anonymous();
        let receipt = report(
            &mut resident,
            &[
                ("category", "road"),
                (
                    "description",
                    &format!("{COMPLAINT}，{RESIDENT} {ID_NUMBER}"),
                ),
                ("address", "东湖路 8 号"),
                ("lat", "30.5"),
                ("lon", "114.5"),
                ("name", RESIDENT),
                ("phone", RESIDENT_PHONE),
            ],
            &[],
        )
        .await;
        assert!(receipt.is_receipt(), "{b}: {}", receipt.body);
        let (request, version): (i64, i64) =
            query_raw(env.store(), "SELECT id, version FROM service_requests")
                .await
                .unwrap()[0];
        env.publish_request(
            request,
            version,
            Some(&format!(
                "{COMPLAINT}（{RESIDENT}，电话 {RESIDENT_PHONE}，身份证 {ID_NUMBER}）"
            )),
            true,
            chrono::Utc::now(),
        )
        .await;

        let stored: Vec<(String, Option<String>, Option<String>)> = query_raw(
            env.store(),
            "SELECT target_label, before, after FROM audit_log",
        )
        .await
        .unwrap();
        let table = format!("{stored:?}");
        assert_eq!(
            leaks(&table),
            Vec::<&str>::new(),
            "{b}: the table holds {table}"
        );

        let auditor = env.token("auditor").await;
        let listed = env.get_api("/audit?action=project.update", &auditor).await;
        assert_eq!(listed.status, StatusCode::OK, "{b}: {}", listed.body);
        let update = &listed.json()["items"][0];
        let before: serde_json::Value =
            serde_json::from_str(update["before"].as_str().unwrap()).unwrap();
        let after: serde_json::Value =
            serde_json::from_str(update["after"].as_str().unwrap()).unwrap();
        assert_eq!(before["owner_phone"], "138****1234", "{b}: {before}");
        assert_eq!(after["owner_phone"], "139****2222", "{b}: {after}");
        assert_eq!(
            before["budget_fen"], 100_000_000,
            "{b}: the budget is not personal"
        );
        assert_eq!(after["budget_fen"], 250_000_000, "{b}");
        assert!(
            after.get("name").is_none() && after.get("owner_name").is_none(),
            "{b}: unchanged fields are left out: {after}"
        );

        let published = env.get_api("/audit?action=request.change", &auditor).await;
        let entry = &published.json()["items"][0];
        let after: serde_json::Value =
            serde_json::from_str(entry["after"].as_str().unwrap()).unwrap();
        assert_eq!(after["is_published"], true, "{b}: {after}");
        assert_eq!(
            after["public_description"],
            serde_json::json!({ "see": format!("service_request/{request}") }),
            "{b}: the wording is referenced, not copied"
        );

        let everything = env.get_api("/audit?per_page=100", &auditor).await;
        assert_eq!(
            leaks(&everything.body),
            Vec::<&str>::new(),
            "{b}: {}",
            everything.body
        );
        let csv = env.get_api("/audit.csv", &auditor).await;
        assert_eq!(csv.status, StatusCode::OK, "{b}");
        assert!(
            csv.body.contains("owner_phone") && csv.body.contains("138****1234"),
            "{b}"
        );
        assert_eq!(leaks(&csv.body), Vec::<&str>::new(), "{b}: {}", csv.body);
    }
}
