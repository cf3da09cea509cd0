//! A region's light rules and the reminders of missing reports, on SQLite and PostgreSQL:
//! the office sets thresholds that re-light the region at once, refusals name their field,
//! a stale form is refused, other roles and regions are refused; the nightly run reminds a
//! project's owner of a missing report once, and the reminder goes when the report is filed.

use crate::support::{exported, forbidden, not_found};
use chrono::Duration;
use minxin_domain::Problem;
use minxin_domain::control::light::{ThresholdProblem, Thresholds};
use minxin_domain::kernel::audit::AuditAction;
use minxin_storage::StoreError;
use minxin_storage::control::light_rules::LightRulesInput;
use minxin_storage::control::reports::ReportInput;
use minxin_storage::projects::MilestoneInput;
use minxin_storage::testing::today;
use minxin_storage::testing::{Fixture, TestProject, fixture, stores};

/// A project in construction since 60 days, due in 120, lead by A-ZJ, without a manager.
async fn project(f: &Fixture, name: &'static str) -> i64 {
    f.project(TestProject {
        progress_percent: 33,
        ..TestProject::building(f, name, 60, 120)
    })
    .await
}

fn rules(milestone_red_days: u32, version: Option<i64>) -> LightRulesInput {
    LightRulesInput {
        thresholds: Thresholds {
            milestone_red_days,
            report_grace_days: 31,
            ..Thresholds::default()
        },
        report_due_day: 5,
        version,
    }
}

fn problem(e: StoreError) -> (String, Problem) {
    match e {
        StoreError::Invalid(mut p) => {
            let p = p.remove(0);
            (p.field.to_string(), p.problem)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_regions_rules_relight_its_projects_and_are_checked() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let id = project(&f, "幸福里雨污分流").await;
        let office = f.actor("office_a").await;
        let o = store.scoped(&office, "t");
        // 20 % overdue by 21 days, the rest at the end: about 32 % expected, 33 % reported.
        for (name, planned, weight) in [
            ("管网铺设", today() - Duration::days(21), 20),
            ("路面恢复", today() + Duration::days(120), 80),
        ] {
            o.projects()
                .add_milestone(
                    id,
                    &MilestoneInput {
                        name: name.into(),
                        planned_date: Some(planned),
                        weight,
                        actual_date: None,
                    },
                )
                .await
                .unwrap();
        }
        assert_eq!(
            o.projects().get(id).await.unwrap().light.as_deref(),
            Some("red")
        );

        let inherited = o.control().light_rules(f.district_a.id).await.unwrap();
        assert!(!inherited.own, "{b}");
        assert_eq!(inherited.rules.thresholds, Thresholds::default());

        // 30 days of tolerance and a month's grace for reports: 21 days late is yellow.
        let report = o
            .control()
            .set_light_rules(f.district_a.id, &rules(30, None))
            .await
            .unwrap();
        assert!(
            report.projects >= 1 && report.changed >= 1,
            "{b}: {report:?}"
        );
        assert_eq!(
            o.projects().get(id).await.unwrap().light.as_deref(),
            Some("yellow"),
            "{b}"
        );
        let own = o.control().light_rules(f.district_a.id).await.unwrap();
        assert!(own.own);
        assert_eq!(own.rules.thresholds.milestone_red_days, 30);
        // The street inherits the district's.
        let street = o.control().light_rules(f.street_a.id).await.unwrap();
        assert!(!street.own);
        assert_eq!(street.rules.thresholds.milestone_red_days, 30);

        // A form read before that change is stale.
        assert!(matches!(
            o.control()
                .set_light_rules(f.district_a.id, &rules(10, None))
                .await,
            Err(StoreError::Conflict)
        ));
        o.control()
            .set_light_rules(f.district_a.id, &rules(10, own.version))
            .await
            .unwrap();
        assert_eq!(
            o.projects().get(id).await.unwrap().light.as_deref(),
            Some("red"),
            "{b}"
        );

        let mut bad = rules(10, None);
        bad.thresholds.deviation_yellow_bp = 3_000;
        let (field, p) = problem(
            o.control()
                .set_light_rules(f.street_a.id, &bad)
                .await
                .unwrap_err(),
        );
        assert_eq!(field, "deviation_yellow_bp");
        assert!(matches!(
            &p,
            Problem::Refused(r) if matches!(r.get(), Some(ThresholdProblem::YellowNotBelowRed { .. }))
        ));
        let mut bad = rules(10, None);
        bad.report_due_day = 31;
        assert_eq!(
            problem(
                o.control()
                    .set_light_rules(f.street_a.id, &bad)
                    .await
                    .unwrap_err()
            )
            .0,
            "report_due_day"
        );

        for who in ["dept_a", "leader_a", "finance_a"] {
            let actor = f.actor(who).await;
            assert!(forbidden(
                store
                    .scoped(&actor, "t")
                    .control()
                    .set_light_rules(f.district_a.id, &rules(5, None))
                    .await
            ));
        }
        assert!(not_found(
            o.control()
                .set_light_rules(f.district_b.id, &rules(5, None))
                .await
        ));
        let trail = exported(&f, AuditAction::LightRulesChange, 10).await;
        assert_eq!(trail.len(), 2, "{b}: both changes audited");
    }
}

#[tokio::test]
async fn the_owner_is_reminded_of_a_missing_report_once() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let id = project(&f, "东湖社区老年食堂").await;
        // dept_a works for A-ZJ, the lead department, so may file its reports.
        store
            .bootstrap_scope_departments(f.id("dept_a"), &["A-ZJ"])
            .await
            .unwrap();
        let dept = f.actor("dept_a").await;
        let d = store.scoped(&dept, "t");
        let first = store.refresh_lights().await.unwrap();
        assert_eq!(first.reminded, 1, "{b}: dept_a is the only staff of A-ZJ");
        assert_eq!(
            store.refresh_lights().await.unwrap().reminded,
            0,
            "{b}: once"
        );
        let mine = d.control().reminders().await.unwrap();
        assert_eq!(mine.len(), 1);
        let reminder = &mine[0];
        assert_eq!((reminder.project_id, reminder.read_at), (id, None));
        // Nobody else sees it, and nobody else may mark it.
        let office = f.actor("office_a").await;
        let o = store.scoped(&office, "t");
        assert!(o.control().reminders().await.unwrap().is_empty());
        assert!(not_found(o.control().mark_reminder_read(reminder.id).await));
        d.control().mark_reminder_read(reminder.id).await.unwrap();
        assert!(
            d.control().reminders().await.unwrap()[0].read_at.is_some(),
            "{b}"
        );
        // Filing the report makes the reminder go.
        d.control()
            .file_report(
                id,
                &ReportInput {
                    period: reminder.period.clone(),
                    percent_bp: 3_500,
                    done: "完成基础施工".into(),
                    ..ReportInput::default()
                },
            )
            .await
            .unwrap();
        assert!(d.control().reminders().await.unwrap().is_empty(), "{b}");
    }
}
