//! The leader dashboard in storage, on SQLite and PostgreSQL: exact figures for a small set of
//! projects with lights, money and reports; the caller's scope and the chosen region and year;
//! who may see it.

use crate::support::{forbidden, not_found, record};
use chrono::{Datelike, Duration, Utc};
use minxin_domain::Actor;
use minxin_domain::control::light::{AssessedReason, Assessment, Light, Reason};
use minxin_domain::control::ranking::{DepartmentTally, score_bp};
use minxin_domain::control::report::{DEFAULT_DUE_DAY, ReportPeriod, due_date, periods_due};
use minxin_domain::identity::role::Role;
use minxin_domain::kernel::money::Fen;
use minxin_domain::projects::project::FundingSource;
use minxin_storage::control::dashboard::{Dashboard, DashboardQuery, Investment, LightCounts};
use minxin_storage::control::money::{ContractInput, CorrectionInput, MoneyInput};
use minxin_storage::control::reports::ReportInput;
use minxin_storage::testing::today;
use minxin_storage::testing::{
    Fixture, TestProject, account, execute_raw, fixture, narrow, stores,
};
use minxin_storage::{Backend, Store, StoreError};
use sea_query::{Alias, PostgresQueryBuilder, Query, SqliteQueryBuilder};

/// 1 元 in fen.
const YUAN: i64 = 100;

struct Plan {
    stage: &'static str,
    region: i64,
    department: i64,
    year: i32,
    budget: (FundingSource, i64),
}

/// Creates a project as the office of the district it lies in and moves it to its stage.
async fn project(f: &Fixture, office: &'static str, name: &'static str, plan: Plan) -> i64 {
    f.project(TestProject {
        office,
        region_id: plan.region,
        lead_department_id: plan.department,
        year: plan.year,
        budget: vec![plan.budget],
        stage: plan.stage,
        ..TestProject::building(f, name, 90, 120)
    })
    .await
}

/// The dashboard `who` is shown for `query`.
async fn dashboard(
    store: &Store,
    who: &Actor,
    query: DashboardQuery,
) -> Result<Dashboard, StoreError> {
    store.scoped(who, "t").control().dashboard(&query).await
}

/// Sets a project's light with one reason (or none), as the light refresh would store it.
async fn light(store: &Store, id: i64, light: Option<Light>, reason: Reason) {
    let (code, json) = match light {
        Some(light) => (
            format!("'{}'", light.code()),
            format!(
                "'{}'",
                serde_json::to_string(&Assessment {
                    light,
                    reasons: vec![AssessedReason { light, reason }],
                })
                .unwrap()
            ),
        ),
        None => ("NULL".into(), "NULL".into()),
    };
    execute_raw(
        store,
        &format!("UPDATE projects SET light = {code}, light_reasons = {json} WHERE id = {id}"),
    )
    .await
    .unwrap();
}

fn money(kind: &str, source: FundingSource, yuan: i64, contract_id: Option<i64>) -> MoneyInput {
    MoneyInput {
        kind: kind.into(),
        source: source.code().into(),
        amount_fen: yuan * YUAN,
        contract_id,
        occurred_on: Some(today()),
        note: "示财预〔2026〕12 号".into(),
    }
}

/// The month whose reports were last due under the default rules.
fn last_due() -> ReportPeriod {
    periods_due(today() - Duration::days(62), today(), DEFAULT_DUE_DAY)
        .pop()
        .unwrap()
}

async fn file_report(store: &Store, f: &Fixture, id: i64) -> i64 {
    let office = f.actor("office_a").await;
    store
        .scoped(&office, "t")
        .control()
        .file_report(
            id,
            &ReportInput {
                period: last_due().to_string(),
                percent_bp: 3_000,
                done: "主体施工".into(),
                problems: String::new(),
                help_needed: String::new(),
            },
        )
        .await
        .unwrap()
        .id
}

/// Inserts a light snapshot row as the monthly snapshot would.
async fn snapshot(store: &Store, period: ReportPeriod, project: (i64, &str, i64), light: &str) {
    let (project_id, region_path, department) = project;
    let insert = Query::insert()
        .into_table(Alias::new("light_snapshots"))
        .columns(
            [
                "period",
                "project_id",
                "region_path",
                "lead_department_id",
                "stage",
                "hold",
                "light",
                "reasons",
                "reported_bp",
                "budget_fen",
                "approved_fen",
                "disbursed_fen",
                "paid_fen",
                "report_late",
                "taken_at",
            ]
            .map(Alias::new),
        )
        .values_panic([
            period.to_string().into(),
            project_id.into(),
            region_path.into(),
            department.into(),
            "construction".into(),
            "active".into(),
            light.into(),
            "{}".into(),
            0i32.into(),
            0i64.into(),
            0i64.into(),
            0i64.into(),
            (project_id * 100).into(),
            false.into(),
            Utc::now().into(),
        ])
        .take();
    let sql = match store.db().backend() {
        Backend::Sqlite => insert.to_string(SqliteQueryBuilder),
        Backend::Postgres => insert.to_string(PostgresQueryBuilder),
    };
    execute_raw(store, &sql).await.unwrap();
}

/// The fixture plus a leader and an office of district B and a project manager of district A.
async fn accounts(store: &Store) -> Fixture {
    let f = fixture(store).await;
    for (username, role, region) in [
        ("leader_b", Role::Leader, "990102"),
        ("manager_a", Role::Manager, "990101"),
        ("office_b", Role::Office, "990102"),
    ] {
        account(store, username, username, role, region, None).await;
    }
    f
}

fn months_back(n: i64) -> ReportPeriod {
    let mut p = ReportPeriod::of(today());
    for _ in 0..n {
        p = ReportPeriod::of(p.first_day() - Duration::days(1));
    }
    p
}

#[tokio::test]
async fn figures_are_exact_for_the_region_and_year() {
    for (b, store) in stores().await {
        let f = accounts(&store).await;
        let year = today().year();
        let county = FundingSource::County;
        let street = |stage, department, yuan| Plan {
            stage,
            region: f.street_a.id,
            department,
            year,
            budget: (county, yuan * YUAN),
        };
        // A-ZJ: red under construction with money; yellow in procurement; an approved one
        // without a light. A-JY: green under construction with its report on time.
        let in_a = |name, plan| project(&f, "office_a", name, plan);
        let red = in_a("红灯项目", street("construction", f.a_zj, 1_000_000)).await;
        let yellow = in_a("黄灯项目", street("procurement", f.a_zj, 50_000)).await;
        let unlit = in_a("未亮灯项目", street("approved", f.a_zj, 10_000)).await;
        let green = in_a(
            "绿灯项目",
            Plan {
                stage: "construction",
                region: f.district_a.id,
                department: f.a_jy,
                year,
                budget: (FundingSource::Municipal, 200_000 * YUAN),
            },
        )
        .await;
        // Another year, and district B: never counted for A's leader this year.
        let old = in_a(
            "往年项目",
            Plan {
                year: year - 1,
                ..street("construction", f.a_zj, 7)
            },
        )
        .await;
        let other = project(
            &f,
            "office_b",
            "样板区项目",
            Plan {
                stage: "construction",
                region: f.street_b.id,
                department: f.b_zj,
                year,
                budget: (county, 9 * YUAN),
            },
        )
        .await;

        let finance = f.actor("finance_a").await;
        let s = store.scoped(&finance, "t");
        record(&s, red, money("approval", county, 800_000, None))
            .await
            .unwrap();
        record(&s, red, money("disbursement", county, 600_000, None))
            .await
            .unwrap();
        let contract = s
            .control()
            .add_contract(
                red,
                &ContractInput {
                    method: "open_tender".into(),
                    contractor: "示例建设工程有限公司".into(),
                    credit_code: "91350100M000100Y43".into(),
                    amount_fen: Some(500_000 * YUAN),
                    signed_on: Some(today() - Duration::days(30)),
                    starts_on: Some(today() - Duration::days(29)),
                    ends_on: Some(today() + Duration::days(100)),
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap();
        let paid = s
            .control()
            .record_money(
                red,
                &money("payment", county, 300_000, Some(contract.id))
                    .parse()
                    .unwrap(),
            )
            .await
            .unwrap();
        s.control()
            .correct_money(
                red,
                paid.id,
                &CorrectionInput {
                    amount_fen: 50_000 * YUAN,
                    reason: "发票金额有误".into(),
                    occurred_on: Some(today()),
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap();
        record(&s, old, money("approval", county, 7, None))
            .await
            .unwrap();

        // Reports of the last month due: red's filed today (late), green's filed before the
        // due date, yellow's missing.
        file_report(&store, &f, red).await;
        let on_time = file_report(&store, &f, green).await;
        let due = due_date(last_due(), DEFAULT_DUE_DAY);
        let before_due = due.and_hms_opt(1, 0, 0).unwrap().and_utc().to_rfc3339();
        execute_raw(
            &store,
            &format!(
                "UPDATE progress_reports SET submitted_at = '{before_due}' WHERE id = {on_time}"
            ),
        )
        .await
        .unwrap();

        let overdue = Reason::MilestoneOverdue {
            name: "主体施工".into(),
            planned: today() - Duration::days(21),
            days: 21,
        };
        light(&store, red, Some(Light::Red), overdue.clone()).await;
        light(&store, other, Some(Light::Red), overdue.clone()).await;
        light(&store, yellow, Some(Light::Yellow), overdue.clone()).await;
        light(&store, green, Some(Light::Green), Reason::AllClear).await;
        light(&store, unlit, None, Reason::AllClear).await;

        let (path_a, district_a) = (f.street_a.path.as_str(), f.district_a.path.as_str());
        for (months, project, light) in [
            (2, (red, path_a, f.a_zj), "red"),
            (1, (red, path_a, f.a_zj), "red"),
            (1, (yellow, path_a, f.a_zj), "yellow"),
            (1, (green, district_a, f.a_jy), "green"),
            (14, (green, district_a, f.a_jy), "green"),
            (1, (other, f.street_b.path.as_str(), f.b_zj), "red"),
        ] {
            snapshot(&store, months_back(months), project, light).await;
        }

        let leader = f.actor("leader_a").await;
        let d = dashboard(&store, &leader, DashboardQuery::default())
            .await
            .unwrap();
        assert_eq!((d.year, d.region_id), (year, Some(f.district_a.id)), "{b}");
        assert_eq!(d.region_name, "示例区");
        assert_eq!(d.projects, 4, "{b}");
        let stages: Vec<(&str, u32)> = d
            .by_stage
            .iter()
            .map(|s| (s.stage.as_str(), s.count))
            .collect();
        assert_eq!(
            stages,
            vec![
                ("approved", 1),
                ("procurement", 1),
                ("construction", 2),
                ("acceptance", 0),
                ("evaluation", 0),
                ("maintenance", 0),
                ("archived", 0),
            ],
            "{b}"
        );
        assert_eq!(
            d.lights,
            LightCounts {
                green: 1,
                yellow: 1,
                red: 1,
                unlit: 1
            },
            "{b}"
        );

        let sources: Vec<(FundingSource, Investment)> =
            d.by_source.iter().map(|s| (s.source, s.money)).collect();
        assert_eq!(
            sources,
            vec![
                (
                    FundingSource::Municipal,
                    Investment {
                        planned_fen: 200_000 * YUAN,
                        ..Investment::default()
                    }
                ),
                (
                    county,
                    Investment {
                        planned_fen: 1_060_000 * YUAN,
                        approved_fen: 800_000 * YUAN,
                        disbursed_fen: 600_000 * YUAN,
                        paid_fen: 250_000 * YUAN,
                    }
                ),
            ],
            "{b}"
        );
        assert_eq!(d.total.planned_fen, 1_260_000 * YUAN, "{b}");
        assert_eq!(d.total.paid_fen, 250_000 * YUAN, "{b}");
        // 250,000 ÷ 1,260,000 = 19.84 %, rounded down.
        assert_eq!(d.execution_rate_bp, Some(1_984), "{b}");

        assert_eq!(d.reports.period, Some(last_due().to_string()), "{b}");
        assert_eq!(
            (
                d.reports.due,
                d.reports.on_time,
                d.reports.late,
                d.reports.missing
            ),
            (3, 1, 1, 1),
            "{b}"
        );
        assert_eq!(d.reports.on_time_rate_bp, Some(3_333), "{b}");

        assert_eq!(d.red_projects.len(), 1, "{b}");
        assert_eq!(d.red_projects[0].id, red);
        assert_eq!(d.red_projects[0].department, "示例区住建局");
        assert_eq!(d.red_projects[0].reasons[0].reason, overdue);

        let zj = DepartmentTally {
            projects: 3,
            green: 0,
            yellow: 1,
            red: 1,
            reports_due: 2,
            reports_late: 2,
            budget: Fen(1_060_000 * YUAN),
            paid: Fen(250_000 * YUAN),
        };
        let jy = DepartmentTally {
            projects: 1,
            green: 1,
            yellow: 0,
            red: 0,
            reports_due: 1,
            reports_late: 0,
            budget: Fen(200_000 * YUAN),
            paid: Fen::ZERO,
        };
        let ranking: Vec<(&str, u32, u32, DepartmentTally)> = d
            .ranking
            .iter()
            .map(|r| (r.department.as_str(), r.place, r.score_bp, r.tally))
            .collect();
        assert_eq!(
            ranking,
            vec![
                ("示例区教育局", 1, score_bp(&jy), jy),
                ("示例区住建局", 2, score_bp(&zj), zj),
            ],
            "{b}"
        );

        let trend: Vec<(ReportPeriod, u32, u32, u32, i64)> = d
            .trends
            .iter()
            .map(|t| (t.period, t.green, t.yellow, t.red, t.paid_fen))
            .collect();
        assert_eq!(
            trend,
            vec![
                (months_back(2), 0, 0, 1, red * 100),
                (months_back(1), 1, 1, 1, (red + yellow + green) * 100),
            ],
            "{b}"
        );

        // A snapshot taken again (deleted and re-inserted with another light) moves its counts.
        execute_raw(
            &store,
            &format!(
                "DELETE FROM light_snapshots WHERE period = '{}' AND project_id = {red}",
                months_back(2)
            ),
        )
        .await
        .unwrap();
        execute_raw(
            &store,
            &format!(
                "UPDATE light_snapshots SET light = 'green', paid_fen = 1 \
                 WHERE period = '{}' AND project_id = {yellow}",
                months_back(1)
            ),
        )
        .await
        .unwrap();
        let again = dashboard(&store, &leader, DashboardQuery::default())
            .await
            .unwrap();
        let trend: Vec<(ReportPeriod, u32, u32, u32, i64)> = again
            .trends
            .iter()
            .map(|t| (t.period, t.green, t.yellow, t.red, t.paid_fen))
            .collect();
        assert_eq!(
            trend,
            vec![(months_back(1), 2, 0, 1, (red + green) * 100 + 1)],
            "{b}"
        );

        // Narrowed to the street: the green project of the district itself drops out.
        let street = dashboard(
            &store,
            &leader,
            DashboardQuery {
                region_id: Some(f.street_a.id),
                year: None,
            },
        )
        .await
        .unwrap();
        assert_eq!((street.projects, street.lights.green), (3, 0), "{b}");
        assert_eq!(street.region_name, "示例街道");
        // Last year: only the old project, with its approval.
        let last_year = dashboard(
            &store,
            &leader,
            DashboardQuery {
                region_id: None,
                year: Some(year - 1),
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (last_year.projects, last_year.total.approved_fen),
            (1, 7 * YUAN),
            "{b}"
        );
    }
}

#[tokio::test]
async fn scope_and_roles_decide_who_sees_what() {
    for (b, store) in stores().await {
        let f = accounts(&store).await;
        let year = today().year();
        project(
            &f,
            "office_a",
            "示例区项目",
            Plan {
                stage: "construction",
                region: f.street_a.id,
                department: f.a_zj,
                year,
                budget: (FundingSource::County, 100 * YUAN),
            },
        )
        .await;

        // District B's leader sees none of district A, and cannot ask for it.
        let leader_b = f.actor("leader_b").await;
        let theirs = dashboard(&store, &leader_b, DashboardQuery::default())
            .await
            .unwrap();
        assert_eq!((theirs.projects, theirs.total.planned_fen), (0, 0), "{b}");
        assert_eq!(theirs.region_id, Some(f.district_b.id));
        let asked = dashboard(
            &store,
            &leader_b,
            DashboardQuery {
                region_id: Some(f.district_a.id),
                year: None,
            },
        )
        .await;
        assert!(not_found(asked), "{b}");

        // The office sees its district; a year out of range is refused.
        let office = f.actor("office_a").await;
        assert_eq!(
            dashboard(&store, &office, DashboardQuery::default())
                .await
                .unwrap()
                .projects,
            1,
            "{b}"
        );
        assert!(matches!(
            dashboard(
                &store,
                &office,
                DashboardQuery {
                    region_id: None,
                    year: Some(1900)
                }
            )
            .await,
            Err(StoreError::Invalid(_))
        ));

        // A leader narrowed to departments is counted from the projects themselves.
        for (username, department, expected) in [("leader_zj", "A-ZJ", 1), ("leader_jy", "A-JY", 0)]
        {
            let id = account(&store, username, username, Role::Leader, "990101", None).await;
            narrow(&store, id, &[department]).await;
            let narrowed = dashboard(&store, &f.actor(username).await, DashboardQuery::default())
                .await
                .unwrap();
            assert_eq!(
                (narrowed.projects, narrowed.total.planned_fen),
                (expected, i64::from(expected) * 100 * YUAN),
                "{b}: {username}"
            );
            assert_eq!(
                narrowed.by_source.len(),
                usize::try_from(expected).unwrap(),
                "{b}: {username}"
            );
        }

        for username in ["dept_a", "manager_a", "finance_a", "sysadmin"] {
            let actor = f.actor(username).await;
            let refused = dashboard(&store, &actor, DashboardQuery::default()).await;
            assert!(forbidden(refused), "{b}: {username}");
        }
    }
}
