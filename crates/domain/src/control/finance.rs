//! The money of a project (SPEC §3, §8): budget approvals (预算批复), disbursements (资金拨付)
//! and payments (资金支付), all in integer fen, and its contracts (合同).
//!
//! Money records are never edited or deleted, so the books the public reads cannot be quietly
//! rewritten: a mistake is corrected by a new record with a negative amount that reverses (part
//! of) an earlier one, with a reason. Sums therefore always add every record as stored.
//!
//! Storage calls the checks here inside the write transaction, after reading the sums they
//! need, so two concurrent payments cannot both slip under a contract's amount. Paying beyond a
//! contract or beyond what its source has disbursed ([`balance`]) and disbursing beyond an
//! approval are refused; spending beyond the budget is only flagged, because it does happen and
//! must show (red light, SPEC §5) rather than be hidden.

use crate::kernel::codes::coded;
use crate::kernel::money::{Fen, MAX_YUAN};
use crate::kernel::problem::{FieldProblem, Problem};
use crate::projects::project::FundingSource;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub mod balance;

coded! {
    /// The kind of a money event.
    MoneyKind {
        /// 预算批复: money approved for the project from a source.
        Approval => "approval",
        /// 资金拨付: approved money transferred to the project's account.
        Disbursement => "disbursement",
        /// 资金支付: money paid out, usually to a contractor under a contract.
        Payment => "payment",
    }
}

/// The largest amount of a single record, in fen (the input limit of [`crate::kernel::money`]), so that
/// sums of many records stay far from overflow.
pub const MAX_AMOUNT: Fen = Fen(MAX_YUAN * 100);

/// One money event as the arithmetic sees it. Storage keeps the date, author, document number
/// and, for corrections, the reason beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyRecord {
    /// Approval, disbursement or payment.
    pub kind: MoneyKind,
    /// Where the money comes from.
    pub source: FundingSource,
    /// Positive for a new record, negative for a correction.
    pub amount: Fen,
    /// The contract a payment is made under; never set on approvals and disbursements.
    pub contract_id: Option<i64>,
    /// The id of the record this one corrects, for corrections only.
    pub reverses: Option<i64>,
}

impl MoneyRecord {
    /// A new (uncorrected) record, checked: the amount is positive and within
    /// [`MAX_AMOUNT`], and only a payment names a contract. A payment without a contract is
    /// allowed (small purchases, fees); it is then only bounded by the budget flag.
    pub fn new(
        kind: MoneyKind,
        source: FundingSource,
        amount: Fen,
        contract_id: Option<i64>,
    ) -> Result<MoneyRecord, MoneyRefusal> {
        check_amount(amount)?;
        if contract_id.is_some() && kind != MoneyKind::Payment {
            return Err(MoneyRefusal::ContractOnlyForPayments);
        }
        Ok(MoneyRecord {
            kind,
            source,
            amount,
            contract_id,
            reverses: None,
        })
    }

    /// Whether this record corrects another one.
    pub fn is_correction(&self) -> bool {
        self.reverses.is_some()
    }
}

/// Why a money record or contract amount is refused. Variants carry the numbers the message
/// needs, in fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum MoneyRefusal {
    /// A new record, or the amount to take back by a correction, must be above zero.
    NotPositive {
        /// The amount given.
        amount: Fen,
    },
    /// An amount beyond any plausible project.
    TooLarge {
        /// The largest amount accepted.
        max: Fen,
    },
    /// Only payments are made under a contract.
    ContractOnlyForPayments,
    /// Paying this would bring the payments under a contract above its amount.
    OverContract {
        /// The contract amount.
        contract: Fen,
        /// Already paid under the contract (net of corrections).
        paid: Fen,
        /// The payment asked for.
        requested: Fen,
    },
    /// Disbursing this would bring the disbursements from a source above its approvals.
    OverApproval {
        /// The funding source.
        source: FundingSource,
        /// Approved from the source (net of corrections).
        approved: Fen,
        /// Already disbursed from the source (net of corrections).
        disbursed: Fen,
        /// The disbursement asked for.
        requested: Fen,
    },
    /// Taking back this much approval would leave less approved than already disbursed from
    /// the source; correct the disbursements first.
    ApprovalBelowDisbursed {
        /// The funding source.
        source: FundingSource,
        /// Approved from the source (net of corrections).
        approved: Fen,
        /// Already disbursed from the source (net of corrections).
        disbursed: Fen,
        /// The approval to take back.
        requested: Fen,
    },
    /// Paying this would bring the payments from a source above what it has disbursed.
    OverDisbursed {
        /// The funding source.
        source: FundingSource,
        /// Disbursed from the source (net of corrections).
        disbursed: Fen,
        /// Already paid from the source (net of corrections).
        paid: Fen,
        /// The payment asked for.
        requested: Fen,
    },
    /// Taking back this much disbursement would leave less disbursed than already paid from
    /// the source; correct the payments first.
    DisbursementBelowPaid {
        /// The funding source.
        source: FundingSource,
        /// Disbursed from the source (net of corrections).
        disbursed: Fen,
        /// Already paid from the source (net of corrections).
        paid: Fen,
        /// The disbursement to take back.
        requested: Fen,
    },
    /// A correction cannot itself be corrected; correct the original again instead.
    NotReversible,
    /// A correction cannot take back more than what is left of the original.
    OverReversal {
        /// The original amount.
        original: Fen,
        /// Already taken back by earlier corrections.
        reversed: Fen,
        /// The amount asked to take back.
        requested: Fen,
    },
    /// A correction needs a reason.
    ReasonRequired,
}

/// Checks the amount of a new record: above zero and within [`MAX_AMOUNT`].
pub fn check_amount(amount: Fen) -> Result<(), MoneyRefusal> {
    if amount <= Fen::ZERO {
        Err(MoneyRefusal::NotPositive { amount })
    } else if amount > MAX_AMOUNT {
        Err(MoneyRefusal::TooLarge { max: MAX_AMOUNT })
    } else {
        Ok(())
    }
}

/// The correction that takes `amount` (a positive amount) back from the record `original_id`.
///
/// The correction has the opposite sign and the same kind, source and contract as the
/// original. `already_reversed` is what earlier corrections of the same original took back;
/// a sum of corrections is never positive, so only its magnitude counts and either sign is
/// accepted. `reason` must not be blank (storage keeps it with the record).
///
/// Reversing an approval can also break "disbursed ≤ approved", and reversing a disbursement
/// "paid ≤ disbursed"; storage checks those with [`check_approval_reversal`] and
/// [`balance::check_disbursement_reversal`].
pub fn reversal_of(
    original_id: i64,
    original: &MoneyRecord,
    already_reversed: Fen,
    amount: Fen,
    reason: &str,
) -> Result<MoneyRecord, MoneyRefusal> {
    if original.is_correction() || original.amount <= Fen::ZERO {
        return Err(MoneyRefusal::NotReversible);
    }
    if reason.trim().is_empty() {
        return Err(MoneyRefusal::ReasonRequired);
    }
    check_amount(amount)?;
    let reversed = Fen(already_reversed.0.saturating_abs());
    if reversed.plus(amount) > original.amount {
        return Err(MoneyRefusal::OverReversal {
            original: original.amount,
            reversed,
            requested: amount,
        });
    }
    Ok(MoneyRecord {
        kind: original.kind,
        source: original.source,
        amount: Fen(-amount.0),
        contract_id: original.contract_id,
        reverses: Some(original_id),
    })
}

/// Checks a payment of `amount` under a contract of `contract_amount` of which
/// `already_paid_on_contract` is paid (net of corrections). Paying exactly the rest is allowed;
/// one fen more is refused. Every payment, under a contract or not, is also bounded by what its
/// source has disbursed ([`balance::check_payment`]).
pub fn check_payment(
    contract_amount: Fen,
    already_paid_on_contract: Fen,
    amount: Fen,
) -> Result<(), MoneyRefusal> {
    check_amount(amount)?;
    if already_paid_on_contract.plus(amount) > contract_amount {
        return Err(MoneyRefusal::OverContract {
            contract: contract_amount,
            paid: already_paid_on_contract,
            requested: amount,
        });
    }
    Ok(())
}

/// Checks a disbursement of `amount` from `source`, of which `approved` is approved and
/// `already_disbursed` disbursed (both net of corrections): money cannot be transferred before
/// it is approved.
pub fn check_disbursement(
    source: FundingSource,
    approved: Fen,
    already_disbursed: Fen,
    amount: Fen,
) -> Result<(), MoneyRefusal> {
    check_amount(amount)?;
    if already_disbursed.plus(amount) > approved {
        return Err(MoneyRefusal::OverApproval {
            source,
            approved,
            disbursed: already_disbursed,
            requested: amount,
        });
    }
    Ok(())
}

/// Checks that taking `amount` (positive) of approval back from `source` leaves at least what
/// is already disbursed from it, so the books never show money transferred without approval.
pub fn check_approval_reversal(
    source: FundingSource,
    approved: Fen,
    disbursed: Fen,
    amount: Fen,
) -> Result<(), MoneyRefusal> {
    check_amount(amount)?;
    if approved.0.saturating_sub(amount.0) < disbursed.0 {
        return Err(MoneyRefusal::ApprovalBelowDisbursed {
            source,
            approved,
            disbursed,
            requested: amount,
        });
    }
    Ok(())
}

/// Spending beyond the budget: allowed, but shown (a red light with this as its reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverBudget {
    /// The budget.
    pub budget: Fen,
    /// What is paid.
    pub paid: Fen,
    /// By how much the payments exceed the budget (always positive).
    pub over: Fen,
}

/// `Some` when `paid` exceeds `budget`; spending exactly the budget is within it.
pub fn spending_flag(budget: Fen, paid: Fen) -> Option<OverBudget> {
    (paid > budget).then(|| OverBudget {
        budget,
        paid,
        over: Fen(paid.0.saturating_sub(budget.0)),
    })
}

/// Payment progress (支付进度) in basis points: `paid × 10 000 ÷ budget`, rounded down so the
/// rate never claims more than was paid (1/3 paid is 3 333 bp, i.e. 33.33 %). `None` when the
/// budget is zero (no rate can be given); above 10 000 when spending exceeds the budget;
/// never below zero.
pub fn execution_rate_bp(budget: Fen, paid: Fen) -> Option<u32> {
    if budget.0 <= 0 {
        return None;
    }
    let rate = i128::from(paid.0.max(0)) * 10_000 / i128::from(budget.0);
    Some(u32::try_from(rate).unwrap_or(u32::MAX))
}

/// The money of one funding source of a project. All amounts are net of corrections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SourceSummary {
    /// The funding source.
    pub source: FundingSource,
    /// The planned budget from this source (the project's budget lines).
    pub budget: Fen,
    /// Approved (预算批复).
    pub approved: Fen,
    /// Disbursed (资金拨付).
    pub disbursed: Fen,
    /// Paid (资金支付).
    pub paid: Fen,
    /// Budget − paid; negative when spending exceeds the budget.
    pub remaining: Fen,
}

/// The money of a whole project, all sources together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MoneyTotals {
    /// The planned budget.
    pub budget: Fen,
    /// Approved.
    pub approved: Fen,
    /// Disbursed.
    pub disbursed: Fen,
    /// Paid.
    pub paid: Fen,
    /// Budget − paid; negative when spending exceeds the budget.
    pub remaining: Fen,
}

/// A project's books as the project page and the public portal show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectMoney {
    /// One line per source that has a budget or any record, in [`FundingSource::ALL`] order.
    pub per_source: Vec<SourceSummary>,
    /// The sums of all sources.
    pub total: MoneyTotals,
    /// Payment progress of the whole project, see [`execution_rate_bp`].
    pub execution_rate_bp: Option<u32>,
}

impl ProjectMoney {
    /// The spending flag of the whole project (SPEC §5: spending over budget is red).
    pub fn over_budget(&self) -> Option<OverBudget> {
        spending_flag(self.total.budget, self.total.paid)
    }
}

/// Adds up a project's budget lines and money records. Corrections are added like any record
/// (they are negative). Several budget lines for one source add up. A source appears when it
/// has a budget line or any record, even one without a budget line (budget 0).
pub fn summarise(budget_lines: &[(FundingSource, Fen)], records: &[MoneyRecord]) -> ProjectMoney {
    let mut per_source = Vec::new();
    let mut total = MoneyTotals::default();
    for &source in FundingSource::ALL {
        let lines: Vec<Fen> = budget_lines
            .iter()
            .filter(|(s, _)| *s == source)
            .map(|(_, f)| *f)
            .collect();
        let mine: Vec<&MoneyRecord> = records.iter().filter(|r| r.source == source).collect();
        if lines.is_empty() && mine.is_empty() {
            continue;
        }
        let budget = lines.iter().fold(Fen::ZERO, |a, f| a.plus(*f));
        let sum = |kind: MoneyKind| {
            mine.iter()
                .filter(|r| r.kind == kind)
                .fold(Fen::ZERO, |a, r| a.plus(r.amount))
        };
        let (approved, disbursed, paid) = (
            sum(MoneyKind::Approval),
            sum(MoneyKind::Disbursement),
            sum(MoneyKind::Payment),
        );
        let line = SourceSummary {
            source,
            budget,
            approved,
            disbursed,
            paid,
            remaining: Fen(budget.0.saturating_sub(paid.0)),
        };
        total.budget = total.budget.plus(budget);
        total.approved = total.approved.plus(approved);
        total.disbursed = total.disbursed.plus(disbursed);
        total.paid = total.paid.plus(paid);
        per_source.push(line);
    }
    total.remaining = Fen(total.budget.0.saturating_sub(total.paid.0));
    ProjectMoney {
        per_source,
        execution_rate_bp: execution_rate_bp(total.budget, total.paid),
        total,
    }
}

coded! {
    /// How a contract was procured: the methods of the Government Procurement Law (政府采购法
    /// art. 26) and the Tendering and Bidding Law (招标投标法), plus those recognised later by
    /// the Ministry of Finance.
    ProcurementMethod {
        /// 公开招标
        OpenTender => "open_tender",
        /// 邀请招标
        InvitedTender => "invited_tender",
        /// 竞争性谈判
        CompetitiveNegotiation => "competitive_negotiation",
        /// 竞争性磋商 (财库〔2014〕214号)
        CompetitiveConsultation => "competitive_consultation",
        /// 询价
        Inquiry => "inquiry",
        /// 单一来源采购
        SingleSource => "single_source",
        /// 框架协议采购 (财政部令第110号, 2022)
        Framework => "framework",
        /// 其他: e.g. small purchases below the procurement thresholds (直接采购).
        Other => "other",
    }
}

/// The longest contractor name accepted, in characters (registered names are far shorter).
pub const CONTRACTOR_MAX: usize = 100;

/// A contract as entered, before it is stored. Text and choices are parsed by the form; the
/// rules here decide what is missing or inconsistent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ContractDraft {
    /// How it was procured.
    pub method: Option<ProcurementMethod>,
    /// The contractor's registered name (中标/成交供应商).
    pub contractor: String,
    /// The contractor's unified social credit code (统一社会信用代码) as typed; storage keeps
    /// [`normalize_uscc`] of it.
    pub credit_code: String,
    /// The contract amount.
    pub amount: Option<Fen>,
    /// When it was signed.
    pub signed_on: Option<NaiveDate>,
    /// Planned start of the contract period.
    pub starts_on: Option<NaiveDate>,
    /// Planned end of the contract period.
    pub ends_on: Option<NaiveDate>,
}

/// Everything wrong with a contract draft, by field. Every field is required (a contractor
/// without a credit code cannot be identified in the public books); the amount must be
/// positive and plausible; the period must not end before it starts. The signing date is not
/// compared with the period: contracts are sometimes signed after work began.
pub fn check_contract(draft: &ContractDraft) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if draft.method.is_none() {
        problems.push(FieldProblem::new("method", Problem::Required));
    }
    crate::kernel::problem::required_text(
        "contractor",
        &draft.contractor,
        CONTRACTOR_MAX,
        &mut problems,
    );
    let code = normalize_uscc(&draft.credit_code);
    if code.is_empty() {
        problems.push(FieldProblem::new("credit_code", Problem::Required));
    } else if !valid_uscc(&code) {
        problems.push(FieldProblem::new("credit_code", Problem::Malformed));
    }
    match draft.amount {
        None => problems.push(FieldProblem::new("amount", Problem::Required)),
        Some(a) if a > MAX_AMOUNT => {
            problems.push(FieldProblem::new("amount", Problem::MoneyTooLarge))
        }
        // Until Problem has a variant for "must be above zero".
        Some(a) if a <= Fen::ZERO => problems.push(FieldProblem::new("amount", Problem::Malformed)),
        Some(_) => {}
    }
    for (field, date) in [
        ("signed_on", draft.signed_on),
        ("starts_on", draft.starts_on),
        ("ends_on", draft.ends_on),
    ] {
        if date.is_none() {
            problems.push(FieldProblem::new(field, Problem::Required));
        }
    }
    if let (Some(start), Some(end)) = (draft.starts_on, draft.ends_on)
        && end < start
    {
        problems.push(FieldProblem::new("ends_on", Problem::EndBeforeStart));
    }
    problems
}

/// The characters of a unified social credit code: digits and capitals without I, O, S, V, Z.
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The weights of the first 17 characters: 3^i mod 31.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A credit code as people type it, made canonical: spaces removed, letters in capitals.
pub fn normalize_uscc(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The value of a code character, `None` for a character outside the alphabet.
fn uscc_value(b: u8) -> Option<u32> {
    USCC_ALPHABET.iter().position(|a| *a == b).map(|v| v as u32)
}

/// The check character that completes the first 17 characters of a unified social credit code,
/// `31 − (Σ value × weight mod 31)` with 31 written as `0`; `None` when `first17` is not 17
/// characters of the code alphabet. Lets seeded and test data carry codes that pass the check.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (b, w) in bytes.iter().zip(USCC_WEIGHTS) {
        sum += uscc_value(*b)? * w;
    }
    Some(char::from(USCC_ALPHABET[((31 - sum % 31) % 31) as usize]))
}

/// Whether `code` is a well-formed unified social credit code (GB 32100-2015): 18 characters
/// of the code alphabet whose last is the check character (see [`uscc_check_char`]). Expects
/// the canonical form (see [`normalize_uscc`]).
pub fn valid_uscc(code: &str) -> bool {
    code.len() == 18
        && code.is_char_boundary(17)
        && uscc_check_char(&code[..17]).is_some_and(|c| code.ends_with(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use FundingSource as S;
    use MoneyKind as K;

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
}
