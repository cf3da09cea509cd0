//! The money rules on their edges: new records and their corrections, the limits of payments,
//! disbursements and approval reversals, the per-source summary with reversals, and contracts
//! with their credit-code check.

use super::*;
use crate::kernel::money::Fen;
use crate::kernel::problem::{FieldProblem, Problem};
use crate::projects::project::FundingSource;
use FundingSource as S;
use MoneyKind as K;
use chrono::NaiveDate;

fn rec(kind: MoneyKind, source: FundingSource, fen: i64) -> MoneyRecord {
    MoneyRecord::new(kind, source, Fen(fen), None).unwrap()
}

fn correction(of: &MoneyRecord, id: i64, fen: i64) -> MoneyRecord {
    reversal_of(id, of, Fen::ZERO, Fen(fen), "录入错误").unwrap()
}

#[test]
fn kinds_and_methods_have_codes() {
    for k in MoneyKind::ALL {
        assert_eq!(k.code().parse::<MoneyKind>(), Ok(*k));
    }
    assert_eq!(
        "competitive_consultation".parse::<ProcurementMethod>(),
        Ok(ProcurementMethod::CompetitiveConsultation)
    );
    assert_eq!(ProcurementMethod::ALL.len(), 8);
    assert!("tender".parse::<ProcurementMethod>().is_err());
}

#[test]
fn new_records_need_a_positive_amount() {
    assert_eq!(
        MoneyRecord::new(K::Payment, S::County, Fen(0), Some(1)),
        Err(MoneyRefusal::NotPositive { amount: Fen(0) })
    );
    assert_eq!(
        MoneyRecord::new(K::Approval, S::County, Fen(-5), None),
        Err(MoneyRefusal::NotPositive { amount: Fen(-5) })
    );
    assert_eq!(
        MoneyRecord::new(K::Approval, S::County, Fen(MAX_AMOUNT.0 + 1), None),
        Err(MoneyRefusal::TooLarge { max: MAX_AMOUNT })
    );
    assert!(MoneyRecord::new(K::Approval, S::County, MAX_AMOUNT, None).is_ok());
    let r = MoneyRecord::new(K::Payment, S::County, Fen(1), Some(9)).unwrap();
    assert_eq!((r.contract_id, r.reverses), (Some(9), None));
    assert!(MoneyRecord::new(K::Payment, S::County, Fen(1), None).is_ok());
}

#[test]
fn only_payments_name_a_contract() {
    for kind in [K::Approval, K::Disbursement] {
        assert_eq!(
            MoneyRecord::new(kind, S::Central, Fen(100), Some(3)),
            Err(MoneyRefusal::ContractOnlyForPayments)
        );
    }
}

#[test]
fn a_reversal_mirrors_its_original() {
    let original = MoneyRecord::new(K::Payment, S::Municipal, Fen(10_000), Some(4)).unwrap();
    let r = reversal_of(17, &original, Fen::ZERO, Fen(2_500), "金额录错").unwrap();
    assert_eq!(
        r,
        MoneyRecord {
            kind: K::Payment,
            source: S::Municipal,
            amount: Fen(-2_500),
            contract_id: Some(4),
            reverses: Some(17),
        }
    );
    assert!(r.is_correction());
}

#[test]
fn a_reversal_cannot_exceed_what_is_left() {
    let original = rec(K::Disbursement, S::Central, 10_000);
    // Exactly the rest is fine, given in either sign.
    assert!(reversal_of(1, &original, Fen(-4_000), Fen(6_000), "x").is_ok());
    assert!(reversal_of(1, &original, Fen(4_000), Fen(6_000), "x").is_ok());
    assert!(reversal_of(1, &original, Fen::ZERO, Fen(10_000), "x").is_ok());
    assert_eq!(
        reversal_of(1, &original, Fen(-4_000), Fen(6_001), "x"),
        Err(MoneyRefusal::OverReversal {
            original: Fen(10_000),
            reversed: Fen(4_000),
            requested: Fen(6_001),
        })
    );
    assert_eq!(
        reversal_of(1, &original, Fen(-10_000), Fen(1), "x"),
        Err(MoneyRefusal::OverReversal {
            original: Fen(10_000),
            reversed: Fen(10_000),
            requested: Fen(1),
        })
    );
}

#[test]
fn a_reversal_needs_a_positive_amount_a_reason_and_an_original() {
    let original = rec(K::Approval, S::Central, 10_000);
    for bad in [0, -1] {
        assert_eq!(
            reversal_of(1, &original, Fen::ZERO, Fen(bad), "x"),
            Err(MoneyRefusal::NotPositive { amount: Fen(bad) })
        );
    }
    assert_eq!(
        reversal_of(1, &original, Fen::ZERO, Fen(1), "  "),
        Err(MoneyRefusal::ReasonRequired)
    );
    let r = correction(&original, 1, 100);
    assert_eq!(
        reversal_of(2, &r, Fen::ZERO, Fen(1), "x"),
        Err(MoneyRefusal::NotReversible)
    );
}

#[test]
fn a_payment_may_reach_the_contract_amount_but_not_pass_it() {
    let contract = Fen(1_000_000);
    assert_eq!(check_payment(contract, Fen(600_000), Fen(400_000)), Ok(()));
    assert_eq!(
        check_payment(contract, Fen(600_000), Fen(400_001)),
        Err(MoneyRefusal::OverContract {
            contract,
            paid: Fen(600_000),
            requested: Fen(400_001),
        })
    );
    assert_eq!(
        check_payment(contract, contract, Fen(1)),
        Err(MoneyRefusal::OverContract {
            contract,
            paid: contract,
            requested: Fen(1),
        })
    );
    assert_eq!(
        check_payment(contract, Fen::ZERO, Fen(0)),
        Err(MoneyRefusal::NotPositive { amount: Fen(0) })
    );
    assert_eq!(
        check_payment(contract, Fen::ZERO, Fen(-1)),
        Err(MoneyRefusal::NotPositive { amount: Fen(-1) })
    );
}

#[test]
fn disbursement_cannot_pass_the_approval() {
    assert_eq!(
        check_disbursement(S::Provincial, Fen(500), Fen(200), Fen(300)),
        Ok(())
    );
    assert_eq!(
        check_disbursement(S::Provincial, Fen(500), Fen(200), Fen(301)),
        Err(MoneyRefusal::OverApproval {
            source: S::Provincial,
            approved: Fen(500),
            disbursed: Fen(200),
            requested: Fen(301),
        })
    );
    // Nothing approved: nothing can be disbursed.
    assert!(matches!(
        check_disbursement(S::Residents, Fen::ZERO, Fen::ZERO, Fen(1)),
        Err(MoneyRefusal::OverApproval { .. })
    ));
    assert_eq!(
        check_disbursement(S::Provincial, Fen(500), Fen(0), Fen(0)),
        Err(MoneyRefusal::NotPositive { amount: Fen(0) })
    );
}

#[test]
fn approval_cannot_be_taken_back_below_disbursed() {
    assert_eq!(
        check_approval_reversal(S::County, Fen(1_000), Fen(700), Fen(300)),
        Ok(())
    );
    assert_eq!(
        check_approval_reversal(S::County, Fen(1_000), Fen(700), Fen(301)),
        Err(MoneyRefusal::ApprovalBelowDisbursed {
            source: S::County,
            approved: Fen(1_000),
            disbursed: Fen(700),
            requested: Fen(301),
        })
    );
    assert_eq!(
        check_approval_reversal(S::County, Fen(1_000), Fen(700), Fen(0)),
        Err(MoneyRefusal::NotPositive { amount: Fen(0) })
    );
}

#[test]
fn spending_over_budget_is_flagged_not_refused() {
    assert_eq!(spending_flag(Fen(100), Fen(99)), None);
    assert_eq!(spending_flag(Fen(100), Fen(100)), None);
    assert_eq!(
        spending_flag(Fen(100), Fen(101)),
        Some(OverBudget {
            budget: Fen(100),
            paid: Fen(101),
            over: Fen(1),
        })
    );
    assert_eq!(spending_flag(Fen::ZERO, Fen::ZERO), None);
    assert_eq!(
        spending_flag(Fen::ZERO, Fen(5)).map(|f| f.over),
        Some(Fen(5))
    );
}

#[test]
fn execution_rate_rounds_down_in_basis_points() {
    assert_eq!(execution_rate_bp(Fen(3), Fen(1)), Some(3_333));
    assert_eq!(execution_rate_bp(Fen(3), Fen(2)), Some(6_666));
    assert_eq!(execution_rate_bp(Fen(3), Fen(3)), Some(10_000));
    assert_eq!(execution_rate_bp(Fen(10_000), Fen(9_999)), Some(9_999));
    assert_eq!(execution_rate_bp(Fen(100_000), Fen(1)), Some(0));
    assert_eq!(execution_rate_bp(Fen(100), Fen(150)), Some(15_000));
    assert_eq!(execution_rate_bp(Fen::ZERO, Fen(0)), None);
    assert_eq!(execution_rate_bp(Fen::ZERO, Fen(5)), None);
    assert_eq!(execution_rate_bp(Fen(100), Fen(-5)), Some(0));
    // The largest amounts do not overflow.
    assert_eq!(execution_rate_bp(Fen(1), MAX_AMOUNT), Some(u32::MAX));
    assert_eq!(
        execution_rate_bp(MAX_AMOUNT, Fen(MAX_AMOUNT.0 / 3)),
        Some(3_333)
    );
}

#[test]
fn sums_with_reversals_add_up_exactly() {
    let approval = rec(K::Approval, S::Central, 1_000_000);
    let disbursement = rec(K::Disbursement, S::Central, 800_000);
    let pay1 = MoneyRecord::new(K::Payment, S::Central, Fen(300_000), Some(1)).unwrap();
    let pay2 = MoneyRecord::new(K::Payment, S::Central, Fen(200_001), Some(1)).unwrap();
    let records = [
        approval,
        correction(&approval, 1, 1),
        disbursement,
        correction(&disbursement, 2, 50_000),
        correction(&disbursement, 2, 49_999),
        pay1,
        pay2,
        correction(&pay2, 4, 200_001),
    ];
    let money = summarise(&[(S::Central, Fen(1_200_000))], &records);
    assert_eq!(
        money.per_source,
        vec![SourceSummary {
            source: S::Central,
            budget: Fen(1_200_000),
            approved: Fen(999_999),
            disbursed: Fen(700_001),
            paid: Fen(300_000),
            remaining: Fen(900_000),
        }]
    );
    assert_eq!(money.total.paid, Fen(300_000));
    assert_eq!(money.execution_rate_bp, Some(2_500));
    assert_eq!(money.over_budget(), None);
}

#[test]
fn summary_orders_sources_and_includes_records_without_budget() {
    let records = [
        rec(K::Payment, S::Residents, 5_000),
        rec(K::Approval, S::County, 100_000),
        rec(K::Payment, S::County, 1),
    ];
    let lines = [
        (S::County, Fen(60_000)),
        (S::Central, Fen(100_000)),
        (S::County, Fen(40_000)),
        (S::Provincial, Fen::ZERO),
    ];
    let money = summarise(&lines, &records);
    let sources: Vec<_> = money.per_source.iter().map(|s| s.source).collect();
    assert_eq!(
        sources,
        vec![S::Central, S::Provincial, S::County, S::Residents]
    );
    let residents = money.per_source[3];
    assert_eq!(residents.budget, Fen::ZERO);
    assert_eq!(residents.paid, Fen(5_000));
    assert_eq!(residents.remaining, Fen(-5_000));
    assert!(spending_flag(residents.budget, residents.paid).is_some());
    assert_eq!(money.per_source[2].budget, Fen(100_000));
    assert_eq!(
        money.total,
        MoneyTotals {
            budget: Fen(200_000),
            approved: Fen(100_000),
            disbursed: Fen::ZERO,
            paid: Fen(5_001),
            remaining: Fen(194_999),
        }
    );
    // 5 001 / 200 000 = 2.5005 % → 250 bp.
    assert_eq!(money.execution_rate_bp, Some(250));
}

#[test]
fn zero_budget_has_no_rate_and_spending_is_over() {
    let empty = summarise(&[], &[]);
    assert!(empty.per_source.is_empty());
    assert_eq!(empty.total, MoneyTotals::default());
    assert_eq!(empty.execution_rate_bp, None);
    assert_eq!(empty.over_budget(), None);

    let money = summarise(&[], &[rec(K::Payment, S::SocialCapital, 10)]);
    assert_eq!(money.execution_rate_bp, None);
    assert_eq!(money.total.remaining, Fen(-10));
    assert_eq!(
        money.over_budget(),
        Some(OverBudget {
            budget: Fen::ZERO,
            paid: Fen(10),
            over: Fen(10),
        })
    );
}

#[test]
fn uscc_check_character() {
    // A widely used example and real codes (Huawei Technologies, Shenzhen Tencent, Xiaomi
    // Technology); each passes a check that a random code passes once in 31.
    for code in [
        "91350100M000100Y43",
        "914403001922038216",
        "91440300708461136T",
        "91110108551385082Q",
    ] {
        assert!(valid_uscc(code), "{code}");
    }
    // A check value of 31 is written 0; 30 is Y.
    assert!(valid_uscc("91110000MA00YABC10"));
    assert!(valid_uscc("91110000MA003ABC1Y"));
    assert!(!valid_uscc("91110000MA003ABC10"));
}

#[test]
fn uscc_refuses_altered_codes() {
    for code in [
        "91350100M000100Y44",  // wrong check character
        "91350100M000100Y4",   // 17 characters
        "91350100M000100Y433", // 19 characters
        "91350100M000101Y43",  // one character changed
        "914403001922038126",  // two neighbours swapped
        "91350100I000100Y43",  // I is not in the alphabet
        "91350100O000100Y43",  // nor O
        "91350100m000100Y43",  // not canonical
        "",
        "９1350100M000100Y43", // a full-width digit
    ] {
        assert!(!valid_uscc(code), "{code}");
    }
    assert_eq!(normalize_uscc(" 91350100m000100y43 "), "91350100M000100Y43");
    assert!(valid_uscc(&normalize_uscc("9135 0100 m000 100y 43")));
}

fn good_contract() -> ContractDraft {
    ContractDraft {
        method: Some(ProcurementMethod::OpenTender),
        contractor: "示例建设工程有限公司".into(),
        credit_code: "91350100M000100Y43".into(),
        amount: Some(Fen(123_456_700)),
        signed_on: NaiveDate::from_ymd_opt(2026, 3, 1),
        starts_on: NaiveDate::from_ymd_opt(2026, 3, 15),
        ends_on: NaiveDate::from_ymd_opt(2026, 11, 30),
    }
}

#[test]
fn a_complete_contract_passes() {
    assert_eq!(check_contract(&good_contract()), vec![]);
    let same_day = ContractDraft {
        ends_on: good_contract().starts_on,
        credit_code: " 91350100m000100y43".into(),
        ..good_contract()
    };
    assert_eq!(check_contract(&same_day), vec![]);
}

#[test]
fn an_empty_contract_names_every_field() {
    let fields: Vec<_> = check_contract(&ContractDraft::default())
        .into_iter()
        .map(|p| {
            assert_eq!(p.problem, Problem::Required);
            p.field
        })
        .collect();
    assert_eq!(
        fields,
        vec![
            "method",
            "contractor",
            "credit_code",
            "amount",
            "signed_on",
            "starts_on",
            "ends_on"
        ]
    );
}

#[test]
fn contract_problems() {
    let check = |d: ContractDraft| check_contract(&d);
    assert_eq!(
        check(ContractDraft {
            credit_code: "91350100M000100Y44".into(),
            ..good_contract()
        }),
        vec![FieldProblem::new("credit_code", Problem::Malformed)]
    );
    assert_eq!(
        check(ContractDraft {
            contractor: "公".repeat(CONTRACTOR_MAX + 1),
            ..good_contract()
        }),
        vec![FieldProblem::new(
            "contractor",
            Problem::TooLong {
                max: CONTRACTOR_MAX
            }
        )]
    );
    for bad in [0, -100] {
        assert_eq!(
            check(ContractDraft {
                amount: Some(Fen(bad)),
                ..good_contract()
            }),
            vec![FieldProblem::new("amount", Problem::Malformed)]
        );
    }
    assert_eq!(
        check(ContractDraft {
            amount: Some(Fen(MAX_AMOUNT.0 + 1)),
            ..good_contract()
        }),
        vec![FieldProblem::new("amount", Problem::MoneyTooLarge)]
    );
    assert_eq!(
        check(ContractDraft {
            ends_on: NaiveDate::from_ymd_opt(2026, 3, 14),
            ..good_contract()
        }),
        vec![FieldProblem::new("ends_on", Problem::EndBeforeStart)]
    );
    // Signed after the period began: allowed.
    assert_eq!(
        check(ContractDraft {
            signed_on: NaiveDate::from_ymd_opt(2026, 4, 1),
            ..good_contract()
        }),
        vec![]
    );
}
