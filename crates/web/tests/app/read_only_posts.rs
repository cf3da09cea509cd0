//! Issue 15 finding 14: a read-only role posting to a write route is refused with 403 — it got
//! 200 and the project page again, with the form's problems, because the form was checked
//! before anyone asked whether the caller may write at all. `leader_a` (领导, who reads
//! everything of 示例区 and writes nothing) posts an empty form to every page route that
//! writes project or organisation data of the district, and well-formed JSON that breaks the
//! rules to the API's, on SQLite and PostgreSQL.

use crate::common::TestApp;
use axum::http::{Method, StatusCode};
use minxin_storage::projects::MilestoneInput;
use minxin_storage::testing::{PASSWORD, TestProject};
use serde_json::json;

/// A project of 示例区 that `leader_a` reads.
async fn project(env: &TestApp) -> i64 {
    env.project(TestProject::building(env.fx(), "示例街道老年食堂", 30, 60))
        .await
}

#[tokio::test]
async fn a_read_only_role_posting_to_a_write_route_gets_403() {
    for env in TestApp::each().await {
        let b = env.backend;
        let id = project(&env).await;
        let milestone = env
            .add_milestone(
                id,
                &MilestoneInput {
                    name: "方案设计".into(),
                    planned_date: chrono::NaiveDate::from_ymd_opt(2026, 4, 1),
                    weight: 40,
                    actual_date: None,
                },
            )
            .await
            .id;

        let mut leader = env.anonymous();
        let signed = leader.sign_in("leader_a", PASSWORD).await;
        assert_eq!(
            signed.status,
            StatusCode::SEE_OTHER,
            "{b}: leader_a signs in"
        );
        let page = leader.get(&format!("/projects/{id}")).await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "{b}: leader_a reads the project"
        );

        let routes = [
            "/projects".to_owned(),
            format!("/projects/{id}/edit"),
            format!("/projects/{id}/progress"),
            format!("/projects/{id}/transition"),
            format!("/projects/{id}/milestones"),
            format!("/projects/{id}/milestones/{milestone}"),
            format!("/projects/{id}/milestones/{milestone}/done"),
            format!("/projects/{id}/milestones/{milestone}/delete"),
            format!("/projects/{id}/books/money"),
            format!("/projects/{id}/books/contracts"),
            format!("/projects/{id}/books/corrections"),
            "/projects/categories".to_owned(),
            "/light-rules".to_owned(),
            "/admin/regions".to_owned(),
            "/admin/departments".to_owned(),
            "/admin/accounts".to_owned(),
        ];
        let mut answered = Vec::new();
        for route in &routes {
            let reply = leader.post_form(route, &[]).await;
            if reply.status != StatusCode::FORBIDDEN {
                answered.push(format!("{route}: {}", reply.status));
            }
        }
        assert!(
            answered.is_empty(),
            "{b}: not refused with 403: {answered:#?}"
        );
    }
}

#[tokio::test]
async fn a_read_only_role_calling_a_write_operation_gets_403() {
    for env in TestApp::each().await {
        let b = env.backend;
        let id = project(&env).await;
        let leader = env.token("leader_a").await;
        let calls = [
            (
                Method::POST,
                format!("/projects/{id}/transitions"),
                json!({"move": "fly", "version": 1}),
            ),
            (
                Method::POST,
                format!("/projects/{id}/reports"),
                json!({"period": "x", "percent_bp": 0, "done": ""}),
            ),
            (
                Method::POST,
                format!("/projects/{id}/milestones"),
                json!({"name": "", "weight": 0}),
            ),
            (
                Method::PUT,
                format!("/projects/{id}/progress"),
                json!({"version": 1, "progress_percent": 500}),
            ),
            (
                Method::POST,
                format!("/projects/{id}/money"),
                json!({"kind": "gift", "source": "moon", "amount_fen": 0}),
            ),
            (
                Method::POST,
                "/categories".to_owned(),
                json!({"name": "", "code": ""}),
            ),
        ];
        for (method, path, body) in calls {
            let reply = env
                .api(method.clone(), &path, Some(&leader), Some(body))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{b}: {method} {path}: {}",
                reply.body
            );
        }
    }
}
