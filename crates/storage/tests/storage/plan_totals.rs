//! The dashboard's totals (migration 6) on SQLite and PostgreSQL: after every kind of write that
//! feeds them — new projects with budget lines, edits that move a project to another department,
//! year and budget, an edit of the published phone alone (migration 7's column), stage moves,
//! region moves, money records and their corrections, the light refresh — the totals equal the sums
//! of the rows they summarise.

use chrono::Datelike;
use minxin_domain::projects::project::FundingSource;
use minxin_storage::Store;
use minxin_storage::control::money::{CorrectionInput, MoneyInput};
use minxin_storage::projects::ProjectInput;
use minxin_storage::testing::today;
use minxin_storage::testing::{Fixture, TestProject, execute_raw, fixture, stores};
use sea_query::{Expr, Query};

/// The non-zero rows of `plan_totals`.
const PROJECT_TOTALS: &str = "SELECT year, region_path, lead_department_id, stage, light, \
     projects, budget_fen, paid_fen FROM plan_totals \
     WHERE projects <> 0 OR budget_fen <> 0 OR paid_fen <> 0";

/// The projects summed by the key of `plan_totals`.
const PROJECT_SUMS: &str = "SELECT year, region_path, lead_department_id, stage, \
     COALESCE(light, ''), COUNT(*), SUM(budget_fen), SUM(paid_fen) FROM projects \
     GROUP BY year, region_path, lead_department_id, stage, COALESCE(light, '')";

/// The budget lines and per-source money summed by the key of `plan_source_totals`.
const SOURCE_SUMS: &str = "SELECT p.year, p.region_path, p.lead_department_id, p.stage, \
     s.source, SUM(s.planned) AS planned, SUM(s.approved) AS approved, \
     SUM(s.disbursed) AS disbursed, SUM(s.paid) AS paid FROM (\
     SELECT project_id, source, amount_fen AS planned, 0 AS approved, 0 AS disbursed, 0 AS paid \
     FROM budget_lines UNION ALL SELECT project_id, source, 0, approved_fen, disbursed_fen, \
     paid_fen FROM project_source_money) s JOIN projects p ON p.id = s.project_id \
     GROUP BY p.year, p.region_path, p.lead_department_id, p.stage, s.source \
     HAVING SUM(s.planned) <> 0 OR SUM(s.approved) <> 0 OR SUM(s.disbursed) <> 0 \
     OR SUM(s.paid) <> 0";

/// The non-zero rows of `plan_source_totals`.
const SOURCE_TOTALS: &str = "SELECT year, region_path, lead_department_id, stage, source, \
     planned_fen, approved_fen, disbursed_fen, paid_fen FROM plan_source_totals \
     WHERE planned_fen <> 0 OR approved_fen <> 0 OR disbursed_fen <> 0 OR paid_fen <> 0";

async fn count(store: &Store, sql: &str) -> i64 {
    let mut tx = store.db().read().await.unwrap();
    tx.scalar(&Query::select().expr(Expr::cust(sql.to_owned())).take())
        .await
        .unwrap()
}

/// How many rows one of two queries has and the other lacks.
async fn mismatches(store: &Store, a: &str, b: &str) -> i64 {
    count(
        store,
        &format!(
            "(SELECT COUNT(*) FROM ({a} EXCEPT {b}) x) + (SELECT COUNT(*) FROM ({b} EXCEPT {a}) y)"
        ),
    )
    .await
}

/// Fails the test, naming the step, when either table has drifted from its rows.
async fn agree(store: &Store, b: &str, step: &str) {
    assert_eq!(
        mismatches(store, PROJECT_TOTALS, PROJECT_SUMS).await,
        0,
        "{b}: {step}: plan_totals"
    );
    assert_eq!(
        mismatches(store, SOURCE_TOTALS, SOURCE_SUMS).await,
        0,
        "{b}: {step}: plan_source_totals"
    );
    assert!(
        count(store, "(SELECT COUNT(*) FROM plan_totals)").await > 0,
        "{b}: {step}: the totals hold rows"
    );
}

fn money(kind: &str, source: FundingSource, fen: i64) -> MoneyInput {
    MoneyInput {
        kind: kind.into(),
        source: source.code().into(),
        amount_fen: fen,
        contract_id: None,
        occurred_on: Some(today()),
        note: "示财预〔2026〕12 号".into(),
    }
}

async fn projects(f: &Fixture) -> (i64, i64) {
    let first = f
        .project(TestProject {
            budget: vec![
                (FundingSource::County, 800_000),
                (FundingSource::SocialCapital, 5_000),
            ],
            ..TestProject::building(f, "东湖社区老年食堂", 60, 120)
        })
        .await;
    let second = f
        .project(TestProject {
            stage: "procurement",
            ..TestProject::building(f, "幸福路改造", 10, 200)
        })
        .await;
    (first, second)
}

#[tokio::test]
async fn totals_follow_every_write_that_feeds_them() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let (first, second) = projects(&f).await;
        agree(&store, b, "new projects").await;

        let finance = f.actor("finance_a").await;
        let money_desk = store.scoped(&finance, "t");
        let county = FundingSource::County;
        money_desk
            .control()
            .record_money(first, &money("approval", county, 600_000).parse().unwrap())
            .await
            .unwrap();
        let disbursed = money_desk
            .control()
            .record_money(
                first,
                &money("disbursement", county, 400_000).parse().unwrap(),
            )
            .await
            .unwrap();
        agree(&store, b, "money recorded").await;
        money_desk
            .control()
            .correct_money(
                first,
                disbursed.id,
                &CorrectionInput {
                    amount_fen: 100_000,
                    reason: "拨付金额录入有误".into(),
                    occurred_on: Some(today()),
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap();
        agree(&store, b, "a correction").await;

        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");

        let project = s.projects().get(second).await.unwrap();
        let category = f.elderly_category().await;
        s.projects()
            .update(
                second,
                project.version,
                &ProjectInput {
                    name: project.name.clone(),
                    category_id: category,
                    year: today().year() + 1,
                    region_id: f.street_a.id,
                    lead_department_id: f.a_jy,
                    owner_name: "王建国".into(),
                    owner_phone: "13800001234".into(),
                    planned_start: project.planned_start,
                    planned_end: project.planned_end,
                    budget: [(FundingSource::Municipal, 2_000_000)]
                        .into_iter()
                        .collect(),
                    is_public: true,
                    ..ProjectInput::default()
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap();
        agree(&store, b, "an edit of year, department and budget").await;
        execute_raw(
            &store,
            &format!("UPDATE projects SET public_phone = '12345' WHERE id = {second}"),
        )
        .await
        .unwrap();
        agree(&store, b, "an edit of the published phone alone").await;

        execute_raw(
            &store,
            &format!(
                "UPDATE projects SET stage = 'acceptance', region_path = '{}' WHERE id = {first}",
                f.district_a.path
            ),
        )
        .await
        .unwrap();
        agree(&store, b, "a stage and region move").await;

        store.refresh_lights().await.unwrap();
        agree(&store, b, "the light refresh").await;
        execute_raw(&store, "UPDATE projects SET light = NULL")
            .await
            .unwrap();
        agree(&store, b, "every light cleared in one statement").await;
    }
}
