//! Money records as the arithmetic sees them, and the refusals that keep the books consistent:
//! new records and their corrections, payments within a contract, disbursements within an
//! approval, and approvals not taken back below what is disbursed.

use crate::kernel::codes::coded;
use crate::kernel::money::{Fen, MAX_YUAN};
use crate::projects::project::FundingSource;
use serde::{Deserialize, Serialize};

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

/// The largest amount of a single record, in fen (the input limit of [`crate::kernel::money`]),
/// so that sums of many records stay far from overflow.
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
/// [`super::balance::check_disbursement_reversal`].
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
/// source has disbursed ([`super::balance::check_payment`]).
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
