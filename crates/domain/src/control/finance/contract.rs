//! Contracts (合同) as entered: how they were procured, who the contractor is, the amount and
//! the period, with the check of the contractor's unified social credit code (GB 32100-2015).

use super::record::MAX_AMOUNT;
use crate::kernel::codes::coded;
use crate::kernel::money::Fen;
use crate::kernel::problem::{FieldProblem, Problem};
use chrono::NaiveDate;
use serde::Deserialize;

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
