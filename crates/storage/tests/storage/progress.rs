//! Progress control in storage, on SQLite and PostgreSQL: contracts and money records with
//! their refusals and corrections, each funding source paying only what it disbursed,
//! concurrent payments that cannot overspend a contract, monthly reports through review, and
//! the traffic light those writes refresh.

use crate::support::{forbidden, not_found, record, record_all, refusal, refusal_of};
use chrono::Duration;
use minxin_domain::control::finance::MoneyRefusal;
use minxin_domain::control::report::ReportRefusal;
use minxin_domain::kernel::money::Fen;
use minxin_domain::projects::project::FundingSource;
use minxin_domain::{Problem, control::light::Reason};
use minxin_storage::control::money::{ContractInput, CorrectionInput, MoneyInput};
use minxin_storage::control::reports::{Decision, ReportInput};
use minxin_storage::kernel::page::PageRequest;
use minxin_storage::projects::ProjectFilter;
use minxin_storage::testing::today;
use minxin_storage::testing::{Fixture, TestProject, fixture, money, stores};
use minxin_storage::{Scoped, StoreError};

/// A project under construction that started two months ago and ends in four, with a budget of
/// 1,000,000.00 元 from the county.
async fn project_under_construction(f: &Fixture) -> i64 {
    f.project(TestProject {
        progress_percent: 33,
        ..TestProject::building(f, "东湖社区老年食堂", 60, 120)
    })
    .await
}

/// Approves `approved` and disburses `disbursed` from the county for project `id`.
async fn fund(s: &Scoped<'_>, id: i64, approved: i64, disbursed: i64) {
    record_all(
        s,
        id,
        [
            money("approval", approved, None),
            money("disbursement", disbursed, None),
        ],
    )
    .await;
}

fn contract(amount_fen: i64) -> ContractInput {
    ContractInput {
        method: "open_tender".into(),
        contractor: "示例建设工程有限公司".into(),
        credit_code: "91350100M000100Y43".into(),
        amount_fen: Some(amount_fen),
        signed_on: Some(today() - Duration::days(30)),
        starts_on: Some(today() - Duration::days(29)),
        ends_on: Some(today() + Duration::days(100)),
    }
}

#[tokio::test]
async fn money_is_refused_flagged_and_corrected_as_the_rules_say() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let id = project_under_construction(&f).await;
        let finance = f.actor("finance_a").await;
        let s = store.scoped(&finance, "t");

        // Nothing approved yet: a disbursement is refused with the numbers.
        let refused = record(&s, id, money("disbursement", 1, None)).await;
        assert!(
            matches!(
                refusal_of::<MoneyRefusal>(refused.unwrap_err()),
                MoneyRefusal::OverApproval { .. }
            ),
            "{b}"
        );
        fund(&s, id, 80_000_000, 60_000_000).await;
        let c = s
            .control()
            .add_contract(id, &contract(70_000_000).parse().unwrap())
            .await
            .unwrap();
        let first = record(&s, id, money("payment", 50_000_000, Some(c.id)))
            .await
            .unwrap();
        // Paying exactly the rest of the contract passes; one fen more is refused.
        let over = record(&s, id, money("payment", 20_000_001, Some(c.id)))
            .await
            .unwrap_err();
        assert_eq!(
            refusal(over),
            Problem::refused(MoneyRefusal::OverContract {
                contract: Fen(70_000_000),
                paid: Fen(50_000_000),
                requested: Fen(20_000_001),
            }),
            "{b}"
        );
        // The contract has room, but only 60 万 is disbursed: 10 万 more can be paid, no fen more.
        let beyond = record(&s, id, money("payment", 10_000_001, Some(c.id)))
            .await
            .unwrap_err();
        assert_eq!(
            refusal(beyond),
            Problem::refused(MoneyRefusal::OverDisbursed {
                source: FundingSource::County,
                disbursed: Fen(60_000_000),
                paid: Fen(50_000_000),
                requested: Fen(10_000_001),
            }),
            "{b}"
        );
        record_all(
            &s,
            id,
            [
                money("payment", 10_000_000, Some(c.id)),
                money("disbursement", 10_000_000, None),
                money("payment", 10_000_000, Some(c.id)),
            ],
        )
        .await;

        // A correction takes part of the first payment back; the original stays.
        let correction = s
            .control()
            .correct_money(
                id,
                first.id,
                &CorrectionInput {
                    amount_fen: 123_456,
                    reason: "发票金额有误".into(),
                    occurred_on: Some(today()),
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(correction.amount_fen, -123_456, "{b}");
        assert_eq!(correction.reverses, Some(first.id));
        let too_much = s
            .control()
            .correct_money(
                id,
                first.id,
                &CorrectionInput {
                    amount_fen: 50_000_000,
                    reason: "重复录入".into(),
                    occurred_on: Some(today()),
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap_err();
        assert!(matches!(
            refusal_of::<MoneyRefusal>(too_much),
            MoneyRefusal::OverReversal { .. }
        ));

        let books = s.control().books(id).await.unwrap();
        let county = &books.summary.per_source[0];
        assert_eq!(county.approved, Fen(80_000_000), "{b}");
        assert_eq!(county.disbursed, Fen(70_000_000));
        assert_eq!(county.paid, Fen(70_000_000 - 123_456), "{b}: no drift");
        assert_eq!(books.contracts[0].paid_fen, 70_000_000 - 123_456);
        assert_eq!(books.records.len(), 7);
        let project = s.projects().get(id).await.unwrap();
        assert_eq!(
            project.paid_fen,
            70_000_000 - 123_456,
            "{b}: totals on the row"
        );
        assert_eq!(project.approved_fen, 80_000_000);

        // Other roles may read the books but not write them.
        let office = f.actor("office_a").await;
        assert!(forbidden(
            store
                .scoped(&office, "t")
                .control()
                .record_money(id, &money("approval", 1, None).parse().unwrap())
                .await
        ));
        let other = f.actor("dept_b").await;
        assert!(not_found(
            store.scoped(&other, "t").control().books(id).await
        ));
    }
}

/// A money record of `kind` from `source`, otherwise like [`money`]'s.
fn from(source: FundingSource, kind: &str, amount_fen: i64) -> MoneyInput {
    MoneyInput {
        source: source.code().into(),
        ..money(kind, amount_fen, None)
    }
}

#[tokio::test]
async fn each_source_pays_only_what_it_has_disbursed() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let id = f
            .project(TestProject {
                budget: vec![
                    (FundingSource::Provincial, 30_000_000),
                    (FundingSource::County, 70_000_000),
                ],
                ..TestProject::building(&f, "东湖社区老年食堂", 60, 120)
            })
            .await;
        let finance = f.actor("finance_a").await;
        let s = store.scoped(&finance, "t");
        for (source, fen) in [
            (FundingSource::Provincial, 30_000_000),
            (FundingSource::County, 70_000_000),
        ] {
            record(&s, id, from(source, "approval", fen)).await.unwrap();
        }
        let county = record(
            &s,
            id,
            from(FundingSource::County, "disbursement", 40_000_000),
        )
        .await
        .unwrap();

        // The county's money does not pay for the province, which has disbursed nothing; a
        // payment without a contract is bounded too.
        let refused = record(&s, id, from(FundingSource::Provincial, "payment", 1))
            .await
            .unwrap_err();
        assert_eq!(
            refusal(refused),
            Problem::refused(MoneyRefusal::OverDisbursed {
                source: FundingSource::Provincial,
                disbursed: Fen::ZERO,
                paid: Fen::ZERO,
                requested: Fen(1),
            }),
            "{b}"
        );
        // Exactly what the county disbursed passes, one fen more does not.
        record(&s, id, from(FundingSource::County, "payment", 39_999_999))
            .await
            .unwrap();
        let over = record(&s, id, from(FundingSource::County, "payment", 2))
            .await
            .unwrap_err();
        assert!(
            matches!(
                refusal_of::<MoneyRefusal>(over),
                MoneyRefusal::OverDisbursed {
                    source: FundingSource::County,
                    paid: Fen(39_999_999),
                    requested: Fen(2),
                    ..
                }
            ),
            "{b}"
        );
        record(&s, id, from(FundingSource::County, "payment", 1))
            .await
            .unwrap();

        // Nor can a correction take back disbursed money that is already paid.
        record(&s, id, from(FundingSource::County, "disbursement", 500))
            .await
            .unwrap();
        let back = |amount_fen: i64| CorrectionInput {
            amount_fen,
            reason: "拨付金额录错".into(),
            occurred_on: Some(today()),
        };
        let below = s
            .control()
            .correct_money(id, county.id, &back(501).parse().unwrap())
            .await
            .unwrap_err();
        assert_eq!(
            refusal(below),
            Problem::refused(MoneyRefusal::DisbursementBelowPaid {
                source: FundingSource::County,
                disbursed: Fen(40_000_500),
                paid: Fen(40_000_000),
                requested: Fen(501),
            }),
            "{b}"
        );
        s.control()
            .correct_money(id, county.id, &back(500).parse().unwrap())
            .await
            .unwrap();

        let books = s.control().books(id).await.unwrap();
        let lines: Vec<_> = books
            .summary
            .per_source
            .iter()
            .map(|l| (l.source, l.approved, l.disbursed, l.paid))
            .collect();
        assert_eq!(
            lines,
            vec![
                (
                    FundingSource::Provincial,
                    Fen(30_000_000),
                    Fen::ZERO,
                    Fen::ZERO
                ),
                (
                    FundingSource::County,
                    Fen(70_000_000),
                    Fen(40_000_000),
                    Fen(40_000_000)
                ),
            ],
            "{b}: refused records left no trace"
        );
    }
}

#[tokio::test]
async fn spending_over_budget_turns_the_light_red_with_its_reason() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let id = project_under_construction(&f).await;
        let finance = f.actor("finance_a").await;
        let s = store.scoped(&finance, "t");
        // Approvals and disbursements are not bounded by the budget; payments by them.
        record_all(
            &s,
            id,
            [
                money("approval", 100_000_001, None),
                money("disbursement", 100_000_001, None),
                money("payment", 100_000_000, None),
            ],
        )
        .await;
        let at_budget = s.projects().get(id).await.unwrap();
        let reasons = at_budget.assessment().unwrap().reasons;
        assert!(
            !reasons
                .iter()
                .any(|r| matches!(r.reason, Reason::OverBudget { .. })),
            "{b}: spending exactly the budget is within it"
        );
        record(&s, id, money("payment", 1, None)).await.unwrap();
        let over = s.projects().get(id).await.unwrap();
        assert_eq!(over.light.as_deref(), Some("red"), "{b}");
        for (light, listed) in [("red", true), ("green", false), ("none", false)] {
            let filter = ProjectFilter {
                light: Some(light.into()),
                ..ProjectFilter::default()
            };
            let page = s
                .projects()
                .list(&filter, PageRequest::new(None, None))
                .await
                .unwrap();
            let ids: Vec<i64> = page.items.iter().map(|p| p.id).collect();
            assert_eq!(ids.contains(&id), listed, "{b}: light filter {light}");
            assert!(page.items.iter().all(|p| match light {
                "none" => p.light.is_none(),
                _ => p.light.as_deref() == Some(light),
            }));
        }
        assert!(over.assessment().unwrap().reasons.iter().any(|r| matches!(
            r.reason,
            Reason::OverBudget {
                budget_fen: 100_000_000,
                spent_fen: 100_000_001
            }
        )));
    }
}

#[tokio::test]
async fn concurrent_payments_cannot_overspend_a_contract() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let id = project_under_construction(&f).await;
        let finance = f.actor("finance_a").await;
        let s = store.scoped(&finance, "t");
        fund(&s, id, 1_000_000, 1_000_000).await;
        let c = s
            .control()
            .add_contract(id, &contract(500_000).parse().unwrap())
            .await
            .unwrap();
        // Twelve payments of 1,000 元 race for a contract of 5,000 元: exactly five may pass.
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let store = store.clone();
            let finance = finance.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .scoped(&finance, "t")
                    .control()
                    .record_money(id, &money("payment", 100_000, Some(c.id)).parse().unwrap())
                    .await
                    .is_ok()
            }));
        }
        let mut passed = 0;
        for t in tasks {
            passed += usize::from(t.await.unwrap());
        }
        assert_eq!(passed, 5, "{b}");
        let books = store
            .scoped(&finance, "t")
            .control()
            .books(id)
            .await
            .unwrap();
        assert_eq!(books.contracts[0].paid_fen, 500_000, "{b}");
    }
}

fn report(period: &str, percent_bp: u32) -> ReportInput {
    ReportInput {
        period: period.into(),
        percent_bp,
        done: "完成主体结构施工".into(),
        problems: "雨季影响工期".into(),
        help_needed: String::new(),
    }
}

#[tokio::test]
async fn reports_are_filed_returned_refiled_and_accepted() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let id = project_under_construction(&f).await;
        let dept = f.actor("office_a").await;
        let office = f.actor("office_a").await;
        let period = minxin_domain::control::report::ReportPeriod::of(today() - Duration::days(31));
        let filed = store
            .scoped(&dept, "t")
            .control()
            .file_report(id, &report(&period.to_string(), 4_550))
            .await
            .unwrap();
        assert_eq!(filed.state, "submitted", "{b}");
        // Filing the same month again while it waits is refused.
        let again = store
            .scoped(&dept, "t")
            .control()
            .file_report(id, &report(&period.to_string(), 4_600))
            .await
            .unwrap_err();
        assert_eq!(
            refusal(again),
            Problem::refused(ReportRefusal::AwaitingReview)
        );
        // Returning needs a comment; finance cannot review.
        let o = store.scoped(&office, "t");
        assert!(matches!(
            refusal_of::<ReportRefusal>(
                o.control()
                    .review_report(id, filed.id, filed.version, Decision::Return, " ")
                    .await
                    .unwrap_err()
            ),
            ReportRefusal::CommentRequired
        ));
        let finance = f.actor("finance_a").await;
        assert!(forbidden(
            store
                .scoped(&finance, "t")
                .control()
                .review_report(id, filed.id, filed.version, Decision::Accept, "")
                .await
        ));
        let returned = o
            .control()
            .review_report(
                id,
                filed.id,
                filed.version,
                Decision::Return,
                "请补充现场照片",
            )
            .await
            .unwrap();
        assert_eq!(returned.state, "returned");
        assert_eq!(returned.review_comment.as_deref(), Some("请补充现场照片"));
        // A stale review is refused.
        assert!(matches!(
            o.control()
                .review_report(id, filed.id, filed.version, Decision::Accept, "")
                .await,
            Err(StoreError::Conflict)
        ));
        let refiled = store
            .scoped(&dept, "t")
            .control()
            .file_report(id, &report(&period.to_string(), 4_800))
            .await
            .unwrap();
        assert_eq!(refiled.id, filed.id, "{b}: refiled in place");
        assert_eq!(
            refiled.submitted_at, filed.submitted_at,
            "first filing counts"
        );
        let accepted = o
            .control()
            .review_report(id, refiled.id, refiled.version, Decision::Accept, "")
            .await
            .unwrap();
        assert_eq!(accepted.state, "accepted");
        let project = o.projects().get(id).await.unwrap();
        assert_eq!(
            project.progress_percent, 48,
            "{b}: accepted report is the progress"
        );
        // Future months cannot be reported; other districts cannot file at all.
        let future = minxin_domain::control::report::ReportPeriod::of(today() + Duration::days(40));
        assert!(matches!(
            store
                .scoped(&dept, "t")
                .control()
                .file_report(id, &report(&future.to_string(), 5_000))
                .await,
            Err(StoreError::Invalid(_))
        ));
        let other = f.actor("dept_b").await;
        assert!(not_found(
            store
                .scoped(&other, "t")
                .control()
                .file_report(id, &report(&period.to_string(), 5_000))
                .await
        ));
        assert_eq!(o.control().reports(id).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_missing_report_and_an_overdue_milestone_colour_the_light() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let id = project_under_construction(&f).await;
        let office = f.actor("office_a").await;
        let o = store.scoped(&office, "t");
        o.projects()
            .add_milestone(
                id,
                &minxin_storage::projects::MilestoneInput {
                    name: "主体施工".into(),
                    planned_date: Some(today() - Duration::days(21)),
                    weight: 40,
                    actual_date: None,
                },
            )
            .await
            .unwrap();
        let p = o.projects().get(id).await.unwrap();
        assert_eq!(p.light.as_deref(), Some("red"), "{b}");
        let reasons = p.assessment().unwrap().reasons;
        assert!(reasons.iter().any(|r| r.reason
            == Reason::MilestoneOverdue {
                name: "主体施工".into(),
                planned: today() - Duration::days(21),
                days: 21
            }));
        assert!(
            reasons
                .iter()
                .any(|r| matches!(r.reason, Reason::ReportLate { .. })),
            "{b}: last month's report is missing: {reasons:?}"
        );
    }
}
