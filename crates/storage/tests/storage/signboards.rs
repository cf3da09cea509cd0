//! What signboards are printed from, on SQLite and PostgreSQL: a project with its contractors in
//! contract order for anyone who may read it, nothing outside the reader's scope, and the plan's
//! public projects for the office only, capped, with the sign that there were more.

use crate::support::{forbidden, not_found};
use chrono::Duration;
use minxin_storage::control::money::ContractInput;
use minxin_storage::testing::today;
use minxin_storage::testing::{TestProject, execute_raw, fixture, stores};

fn contract(contractor: &str) -> ContractInput {
    ContractInput {
        method: "open_tender".into(),
        contractor: contractor.into(),
        credit_code: "91350100M000100Y43".into(),
        amount_fen: Some(20_000_000),
        signed_on: Some(today() - Duration::days(20)),
        starts_on: Some(today() - Duration::days(19)),
        ends_on: Some(today() + Duration::days(100)),
    }
}

#[tokio::test]
async fn signboards_read_contractors_within_scope_and_plans_for_the_office_only() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let public = f
            .project(TestProject::building(&f, "社区老年食堂", 30, 200))
            .await;
        let hidden = f
            .project(TestProject::building(&f, "内部项目", 30, 200))
            .await;
        execute_raw(
            &store,
            &format!("UPDATE projects SET is_public = FALSE WHERE id = {hidden}"),
        )
        .await
        .unwrap();
        let finance = f.actor("finance_a").await;
        for name in ["甲建设公司", "乙监理公司", "甲建设公司"] {
            store
                .scoped(&finance, "t")
                .control()
                .add_contract(public, &contract(name).parse().unwrap())
                .await
                .unwrap();
        }

        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        let source = s.projects().signboard_source(public).await.unwrap();
        assert_eq!(
            source.contractors,
            ["甲建设公司", "乙监理公司", "甲建设公司"],
            "{b}"
        );
        let plan = s.projects().plan_signboards(2026, None, 10).await.unwrap();
        let ids: Vec<i64> = plan.projects.iter().map(|p| p.project.id).collect();
        assert_eq!(ids, [public], "{b}: only the public project");
        assert!(!plan.more, "{b}");
        assert_eq!(plan.projects[0].contractors.len(), 3, "{b}");
        let capped = s.projects().plan_signboards(2026, None, 0).await.unwrap();
        assert!(capped.projects.is_empty() && capped.more, "{b}");
        assert!(
            s.projects()
                .plan_signboards(2027, Some(f.street_a.id), 10)
                .await
                .unwrap()
                .projects
                .is_empty(),
            "{b}"
        );
        assert!(
            not_found(
                s.projects()
                    .plan_signboards(2026, Some(f.street_b.id), 10)
                    .await
            ),
            "{b}: a region outside the scope"
        );

        let leader = f.actor("leader_a").await;
        let l = store.scoped(&leader, "t");
        assert!(l.projects().signboard_source(public).await.is_ok(), "{b}");
        assert!(
            forbidden(l.projects().plan_signboards(2026, None, 10).await),
            "{b}: the plan's boards are the office's"
        );
        let other = f.actor("dept_b").await;
        assert!(
            not_found(
                store
                    .scoped(&other, "t")
                    .projects()
                    .signboard_source(public)
                    .await
            ),
            "{b}: outside the scope"
        );
    }
}
