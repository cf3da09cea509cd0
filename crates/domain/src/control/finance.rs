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
//!
//! The records and refusals are in `record`, the per-source summary in `summary`, contracts in
//! `contract`, the inputs parsed at the edge in `input`.

pub mod balance;
mod contract;
mod input;
mod record;
mod summary;

pub use contract::{
    CONTRACTOR_MAX, ContractDraft, ProcurementMethod, check_contract, normalize_uscc,
    uscc_check_char, valid_uscc,
};
pub use input::{
    ContractInput, CorrectionInput, MoneyInput, NOTE_MAX, NewContract, NewCorrection, NewMoney,
};
pub use record::{
    MAX_AMOUNT, MoneyKind, MoneyRecord, MoneyRefusal, check_amount, check_approval_reversal,
    check_disbursement, check_payment, reversal_of,
};
pub use summary::{
    MoneyTotals, OverBudget, ProjectMoney, SourceSummary, execution_rate_bp, spending_flag,
    summarise,
};

#[cfg(test)]
mod tests;
