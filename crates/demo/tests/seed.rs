//! The demo district seeds completely on both databases and looks like a real portfolio.

use chrono::NaiveDate;
use minxin_storage::control::dashboard::{Dashboard, DashboardQuery};
use minxin_storage::projects::{Pool, ProjectFilter};
use minxin_storage::testing::{query_raw, stores};
use minxin_storage::{PageRequest, Scoped, Store};

/// How many projects `filter` finds.
async fn total(scoped: &Scoped<'_>, filter: &ProjectFilter) -> i64 {
    scoped
        .projects()
        .list(filter, PageRequest::default())
        .await
        .unwrap()
        .total
}

/// The leader's dashboard of the whole district for 2026.
async fn dashboard_2026(store: &Store) -> Dashboard {
    let leader = store.actor_for_cli("leader").await.unwrap();
    store
        .scoped(&leader, "test")
        .control()
        .dashboard(&DashboardQuery {
            region_id: None,
            year: Some(2026),
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_district_seeds_a_realistic_portfolio() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    for (b, store) in stores().await {
        minxin_demo::seed(&store, "Demo#2026x", today, |_| {})
            .await
            .unwrap_or_else(|e| panic!("{b}: {e}"));
        let office = store.actor_for_cli("office").await.unwrap();
        let scoped = store.scoped(&office, "test");
        let all = scoped
            .projects()
            .list(&ProjectFilter::default(), PageRequest::new(None, Some(1)))
            .await
            .unwrap();
        assert_eq!(all.total, minxin_demo::projects::COUNT as i64, "{b}");
        let plan = ProjectFilter {
            pool: Some(Pool::Plan),
            ..Default::default()
        };
        let in_plan = scoped
            .projects()
            .list(&plan, PageRequest::default())
            .await
            .unwrap();
        assert!(
            in_plan.total > 100 && in_plan.total < 180,
            "{b}: {}",
            in_plan.total
        );
        for stage in ["demand", "reserve", "construction", "archived"] {
            let filter = ProjectFilter {
                stage: Some(stage.into()),
                ..Default::default()
            };
            let n = total(&scoped, &filter).await;
            assert!(n > 0, "{b}: no project in {stage}");
        }
        let kitchens = ProjectFilter {
            q: Some("老年食堂".into()),
            ..Default::default()
        };
        assert!(
            scoped
                .projects()
                .list(&kitchens, PageRequest::default())
                .await
                .unwrap()
                .total
                > 0,
            "{b}"
        );

        let sample = &in_plan.items[0];
        let project = scoped.projects().get(sample.id).await.unwrap();
        let budget: i64 = project.budget.iter().map(|l| l.amount_fen).sum();
        assert_eq!(budget, project.budget_fen, "{b}: budget lines add up");
        let milestones = scoped.projects().milestones(sample.id).await.unwrap();
        assert_eq!(milestones.iter().map(|m| m.weight).sum::<i32>(), 100, "{b}");
        let timeline = scoped.projects().transitions(sample.id).await.unwrap();
        assert_eq!(timeline.last().unwrap().to_stage, project.stage, "{b}");

        // A department user sees only what their department leads or partners.
        let dept = store.actor_for_cli("dept").await.unwrap();
        let theirs = store
            .scoped(&dept, "test")
            .projects()
            .list(&ProjectFilter::default(), PageRequest::default())
            .await
            .unwrap();
        assert!(
            theirs.total > 0 && theirs.total < all.total,
            "{b}: {}",
            theirs.total
        );

        // A year of progress: every light shows, and the books of a project add up.
        for light in ["green", "yellow", "red"] {
            let filter = ProjectFilter {
                light: Some(light.into()),
                ..Default::default()
            };
            let n = total(&scoped, &filter).await;
            assert!(n >= 5, "{b}: only {n} {light} projects");
        }
        let building = ProjectFilter {
            stage: Some("construction".into()),
            ..Default::default()
        };
        let sample = &scoped
            .projects()
            .list(&building, PageRequest::default())
            .await
            .unwrap()
            .items[0];
        let finance = store.actor_for_cli("finance").await.unwrap();
        let books = store
            .scoped(&finance, "test")
            .control()
            .books(sample.id)
            .await
            .unwrap();
        let total = books.summary.total;
        assert_eq!(total.approved, total.budget, "{b}: the budget is approved");
        assert!(total.disbursed <= total.approved && total.paid.0 > 0, "{b}");
        let contract = &books.contracts[0];
        assert!(contract.paid_fen <= contract.amount_fen, "{b}");
        assert!(minxin_domain::control::finance::valid_uscc(
            &contract.credit_code
        ));
        let reports = scoped.control().reports(sample.id).await.unwrap();
        assert!(reports.len() >= 3, "{b}: {} reports", reports.len());
        assert!(reports.iter().any(|r| r.state == "accepted"), "{b}");

        // The leader's dashboard adds the seeded money up by source, as the books do.
        let dashboard = dashboard_2026(&store).await;
        let by_source: i64 = dashboard.by_source.iter().map(|s| s.money.paid_fen).sum();
        assert!(dashboard.total.paid_fen > 0, "{b}");
        assert_eq!(by_source, dashboard.total.paid_fen, "{b}");
        assert!(
            dashboard.total.approved_fen <= dashboard.total.planned_fen,
            "{b}"
        );
        assert!(
            dashboard.lights.red > 0 && dashboard.lights.green > 0,
            "{b}"
        );
        benchmark_requests(b, &store).await;
        placed_by_boundaries(b, &store).await;
    }
}

/// The demo ships boundaries for its streets and communities (issue 15), and every project lies
/// inside its own community's, so a request at a project's point is placed where the project is.
async fn placed_by_boundaries(b: &str, store: &Store) {
    let office = store.actor_for_cli("office").await.unwrap();
    let scoped = store.scoped(&office, "test");
    assert_eq!(
        scoped
            .requests()
            .community_boundaries()
            .await
            .unwrap()
            .len(),
        28,
        "{b}"
    );
    let outside: Vec<(i64,)> = query_raw(
        store,
        "SELECT COUNT(*) FROM projects p JOIN regions r ON r.path = p.region_path \
         WHERE r.level = 'community' AND NOT EXISTS (SELECT 1 FROM community_boundaries c \
         WHERE c.region_id = r.id)",
    )
    .await
    .unwrap();
    assert_eq!(outside[0].0, 0, "{b}: every community has a boundary");
    let projects: Vec<(String, f64, f64)> = query_raw(
        store,
        "SELECT region_path, latitude, longitude FROM projects ORDER BY id LIMIT 5",
    )
    .await
    .unwrap();
    for (path, lat, lon) in projects {
        let draft = minxin_domain::requests::intake::IntakeDraft {
            category: "road".into(),
            description: "路面塌陷".into(),
            lat: lat.to_string(),
            lon: lon.to_string(),
            ..Default::default()
        };
        let portal = minxin_domain::requests::intake::Channel::Portal;
        let submission =
            minxin_storage::requests::Submission::parse(draft, None, portal, 0).unwrap();
        let placed = minxin_storage::testing::placed(store, &submission).await;
        assert_eq!(placed, path, "{b}: a request at {lat},{lon}");
    }
}

/// Benchmark requests go in with one timeline entry each and the facts their state implies.
async fn benchmark_requests(b: &str, store: &Store) {
    let now = chrono::Utc::now();
    let mut rounds = Vec::new();
    minxin_demo::requests::seed(store, 12_345, now, |done| rounds.push(done))
        .await
        .unwrap_or_else(|e| panic!("{b}: {e}"));
    assert_eq!(rounds, [10_000, 12_345], "{b}");
    let count = |sql: &str| {
        let sql = sql.to_owned();
        async move { query_raw::<(i64,)>(store, &sql).await.unwrap()[0].0 }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM service_requests").await,
        12_345,
        "{b}"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM request_events").await,
        12_345,
        "{b}"
    );
    let published = count("SELECT COUNT(*) FROM service_requests WHERE is_published").await;
    assert!(
        (2_800..4_600).contains(&published),
        "{b}: {published} published"
    );
    for inconsistent in [
        "state <> 'submitted' AND holder_department_id IS NULL",
        "state IN ('accepted', 'in_progress', 'answered', 'closed') AND owner_department_id IS NULL",
        "state IN ('answered', 'closed') AND (answered_at IS NULL OR answered_at < submitted_at)",
        "(state = 'closed') <> (closed_at IS NOT NULL AND rating IS NOT NULL)",
        "answer_by < submitted_at OR accept_by > answer_by",
        "(channel IN ('phone', 'walk_in', 'visit')) <> (entered_by IS NOT NULL)",
    ] {
        let sql = format!("SELECT COUNT(*) FROM service_requests WHERE {inconsistent}");
        assert_eq!(count(&sql).await, 0, "{b}: {inconsistent}");
    }
    let states = count("SELECT COUNT(DISTINCT state) FROM service_requests").await;
    assert!(states >= 5, "{b}: {states} states");
}

/// Each funding source of every demo project pays only what it has disbursed, and the leader
/// dashboard shows the payments under the sources that made them (before, the demo paid every
/// project from its largest source, the county's, so the dashboard put all payments under 县级
/// and `minxin check money` found 97 sources paying beyond their disbursements).
#[tokio::test]
async fn the_demo_books_balance_per_funding_source() {
    use minxin_domain::control::finance::balance::imbalances;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    for (b, store) in stores().await {
        minxin_demo::seed(&store, "Demo#2026x", today, |_| {})
            .await
            .unwrap_or_else(|e| panic!("{b}: {e}"));
        let totals = store.source_totals().await.unwrap();
        assert!(totals.len() > 200, "{b}: {} sources", totals.len());
        let broken: Vec<String> = totals
            .iter()
            .filter(|t| !imbalances(&t.totals).is_empty())
            .map(|t| format!("{} {}", t.code, t.totals.source))
            .collect();
        assert_eq!(broken, Vec::<String>::new(), "{b}");

        let dashboard = dashboard_2026(&store).await;
        assert!(dashboard.by_source.len() >= 4, "{b}");
        for s in &dashboard.by_source {
            let m = s.money;
            assert!(
                m.paid_fen > 0 && m.paid_fen <= m.disbursed_fen,
                "{b}: {} pays from what it disbursed: {m:?}",
                s.source
            );
        }
    }
}
