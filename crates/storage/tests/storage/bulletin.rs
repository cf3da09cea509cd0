//! Monthly light snapshots and the bulletins read from them, on SQLite and PostgreSQL: a month
//! is taken once and frozen (renames and new progress afterwards leave its bulletin as it was),
//! only the month just finished can be taken, readers see their scope only, and only the office
//! takes a month.

use crate::support::audited;
use chrono::Duration;
use minxin_domain::Problem;
use minxin_domain::control::bulletin::{self, BulletinPeriod, SnapshotRefusal};
use minxin_domain::control::light::Light;
use minxin_domain::control::report::ReportPeriod;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::projects::project::{FundingSource, Stage};
use minxin_storage::control::snapshots::SnapshotEntry;
use minxin_storage::projects::seed::BulkProject;
use minxin_storage::testing::today;
use minxin_storage::testing::{Fixture, execute_raw, fixture, stores};
use minxin_storage::{Store, StoreError};

/// Three construction projects started 200 days ago and ending in 100: `A-1` of 示例区住建局
/// (no progress, so red), `A-2` of 示例区教育局 (on plan but without reports, so yellow), `B-1`
/// in district B.
async fn projects(store: &Store, f: &Fixture) {
    let category = f.elderly_category().await;
    let project =
        |code: &str, region: &minxin_storage::org::regions::Region, dept, percent| BulkProject {
            code: code.into(),
            name: format!("项目{code}"),
            category_id: category,
            year: 2026,
            region_id: region.id,
            region_path: region.path.clone(),
            lead_department_id: dept,
            owner_name: "王建国".into(),
            owner_phone: "13800001234".into(),
            address: String::new(),
            planned_start: today() - Duration::days(200),
            planned_end: today() + Duration::days(100),
            stage: Stage::Construction,
            progress_percent: percent,
            budget: vec![(FundingSource::County, 100_000_000)],
            partners: vec![],
            location: None,
        };
    store
        .seed_bulk_projects(&[
            project("A-1", &f.street_a, f.a_zj, 0),
            project("A-2", &f.street_a, f.a_jy, 67),
            project("B-1", &f.street_b, f.b_zj, 0),
        ])
        .await
        .unwrap();
}

fn month() -> ReportPeriod {
    bulletin::snapshot_month(today()).unwrap()
}

#[tokio::test]
async fn a_month_is_taken_once_and_its_bulletin_stays_frozen() {
    for (backend, store) in stores().await {
        let f = fixture(&store).await;
        projects(&store, &f).await;
        let office = f.actor("office_a").await;
        let leader = f.actor("leader_a").await;

        let first = store
            .scoped(&office, "t")
            .control()
            .take_snapshot(month())
            .await
            .unwrap();
        assert!(first.new, "{backend}");
        // Every project is copied, whatever the taker's scope.
        assert_eq!(first.month.projects, 3, "{backend}");
        assert_eq!(first.month.taken_by, "office_a");

        let again = store
            .scoped(&office, "t")
            .control()
            .take_snapshot(month())
            .await
            .unwrap();
        assert!(!again.new, "{backend}");
        assert_eq!(again.month, first.month, "{backend}");
        let nightly = store.take_due_snapshots(today()).await.unwrap().unwrap();
        assert!(!nightly.new, "{backend}");

        let period = BulletinPeriod::Month(month());
        let before = store
            .scoped(&leader, "t")
            .control()
            .bulletin(period)
            .await
            .unwrap();
        // District A's leader sees district A's two projects.
        assert_eq!(before.summary.projects, 2, "{backend}");
        assert_eq!(before.summary.lights.red, 1, "{backend}");
        assert_eq!(before.summary.lights.yellow, 1, "{backend}");
        assert_eq!(before.summary.budget.0, 200_000_000, "{backend}");
        assert_eq!(
            (before.summary.reports_due, before.summary.reports_late),
            (2, 2),
            "{backend}"
        );
        assert_eq!(before.late_reports.len(), 2, "{backend}");
        assert_eq!(before.departments.len(), 2, "{backend}");
        assert_eq!(before.departments[0].department_name, "示例区住建局");
        let red = &before.departments[0].projects[0];
        assert_eq!((red.project.code.as_str(), red.light), ("A-1", Light::Red));
        assert!(
            !red.reasons.is_empty(),
            "{backend}: a red project has reasons"
        );
        assert_eq!(before.ranking.len(), 2, "{backend}");
        assert_eq!(before.ranking[0].key.name, "示例区教育局", "{backend}");

        // Renames and new progress after the month leave its bulletin as it was.
        for sql in [
            "UPDATE projects SET name = '改名', code = 'X-' || code, progress_percent = 90"
                .to_owned(),
            format!(
                "UPDATE departments SET name = '新名称' WHERE id = {}",
                f.a_zj
            ),
            format!(
                "UPDATE regions SET name = '新街道' WHERE id = {}",
                f.street_a.id
            ),
        ] {
            execute_raw(&store, &sql).await.unwrap();
        }
        store.refresh_lights().await.unwrap();
        let after = store
            .scoped(&leader, "t")
            .control()
            .bulletin(period)
            .await
            .unwrap();
        assert_eq!(after, before, "{backend}");

        // The quarter and the year containing the month show it as their closing month.
        let quarter = BulletinPeriod::Quarter {
            year: month().year(),
            quarter: (month().month() - 1) / 3 + 1,
        };
        for wider in [quarter, BulletinPeriod::Year(month().year())] {
            let b = store
                .scoped(&leader, "t")
                .control()
                .bulletin(wider)
                .await
                .unwrap();
            assert_eq!(b.closing_month, month(), "{backend}");
            assert_eq!(b.summary, before.summary, "{backend}");
            assert_eq!(b.series.len(), 1, "{backend}");
            assert_eq!(b.series[0].summary, before.summary, "{backend}");
        }

        // The take is in the audit log.
        let log = audited(&f, AuditAction::SnapshotTake).await;
        assert_eq!(log.total, 1, "{backend}");
    }
}

#[tokio::test]
async fn only_the_month_just_finished_can_be_taken() {
    for (backend, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let current = ReportPeriod::of(today());
        let problem = |e: StoreError| match e {
            StoreError::Invalid(mut p) => p.remove(0).problem,
            other => panic!("{backend}: expected a refusal, got {other:?}"),
        };
        let e = store
            .scoped(&office, "t")
            .control()
            .take_snapshot(current)
            .await
            .unwrap_err();
        assert_eq!(
            problem(e),
            Problem::refused(SnapshotRefusal::NotOver { period: current })
        );
        let old = ReportPeriod::new(2020, 1).unwrap();
        let e = store.take_snapshot(old, today()).await.unwrap_err();
        assert!(
            matches!(
                &problem(e),
                Problem::Refused(r) if matches!(r.get(), Some(SnapshotRefusal::TooLate { .. }))
            ),
            "{backend}"
        );
        assert!(
            store
                .scoped(&office, "t")
                .control()
                .snapshot_months()
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn only_the_office_takes_and_only_leaders_and_office_read() {
    for (backend, store) in stores().await {
        let f = fixture(&store).await;
        for user in ["leader_a", "dept_a", "finance_a"] {
            let actor = f.actor(user).await;
            let e = store
                .scoped(&actor, "t")
                .control()
                .take_snapshot(month())
                .await
                .unwrap_err();
            assert!(matches!(e, StoreError::Forbidden), "{backend} {user}");
        }
        for user in ["dept_a", "finance_a", "auditor"] {
            let actor = f.actor(user).await;
            let e = store
                .scoped(&actor, "t")
                .control()
                .bulletin(BulletinPeriod::Month(month()))
                .await
                .unwrap_err();
            assert!(matches!(e, StoreError::Forbidden), "{backend} {user}");
        }
        // A month nobody took is not found.
        let leader = f.actor("leader_a").await;
        let e = store
            .scoped(&leader, "t")
            .control()
            .bulletin(BulletinPeriod::Month(month()))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{backend}");
    }
}

#[tokio::test]
async fn seeded_past_months_give_changes_and_series() {
    for (backend, store) in stores().await {
        let f = fixture(&store).await;
        projects(&store, &f).await;
        let office = f.actor("office_a").await;
        store.take_due_snapshots(today()).await.unwrap();
        let now = store
            .scoped(&office, "t")
            .control()
            .bulletin(BulletinPeriod::Month(month()))
            .await
            .unwrap();
        // The month before: A-1 was green then, A-2 was not in the plan yet.
        let earlier = bulletin::snapshot_month(month().first_day()).unwrap();
        let red = &now.departments[0].projects[0].project;
        let entry = SnapshotEntry {
            project_id: red.project_id,
            project_code: red.code.clone(),
            project_name: red.name.clone(),
            region_path: f.street_a.path.clone(),
            region_name: red.region_name.clone(),
            lead_department_id: f.a_zj,
            lead_department_name: red.department_name.clone(),
            stage: "construction".into(),
            hold: "active".into(),
            light: Some("green".into()),
            reasons: String::new(),
            reported_bp: 0,
            budget_fen: 100_000_000,
            approved_fen: 0,
            disbursed_fen: 0,
            paid_fen: 0,
            report_due: true,
            report_late: false,
        };
        let seeded = store
            .seed_snapshot(earlier, std::slice::from_ref(&entry))
            .await
            .unwrap();
        assert_eq!(seeded.projects, 1, "{backend}");
        assert!(matches!(
            store.seed_snapshot(earlier, &[entry]).await,
            Err(StoreError::Conflict)
        ));
        let b = store
            .scoped(&office, "t")
            .control()
            .bulletin(BulletinPeriod::Month(month()))
            .await
            .unwrap();
        let changes = b.changes.expect("the month before was taken");
        assert_eq!(changes.since, earlier, "{backend}");
        assert_eq!(changes.turned_red.len(), 1, "{backend}");
        assert_eq!(changes.turned_red[0].before, Some(Light::Green));
        assert_eq!(changes.new_in_plan.len(), 1, "{backend}");
        assert_eq!(changes.deltas.projects, 1, "{backend}");
        let year = store
            .scoped(&office, "t")
            .control()
            .bulletin(BulletinPeriod::Year(month().year()))
            .await
            .unwrap();
        let expected = if earlier.year() == month().year() {
            2
        } else {
            1
        };
        assert_eq!(year.series.len(), expected, "{backend}");
    }
}
