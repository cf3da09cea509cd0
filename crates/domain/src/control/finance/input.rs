//! The money books' inputs, parsed once at the edge: [`ContractInput`], [`MoneyInput`] and
//! [`CorrectionInput`] are the raw shapes the API receives and the books page fills in; each
//! `parse` turns one into a value storage takes ([`NewContract`], [`NewMoney`],
//! [`NewCorrection`]: codes as enums, money in [`Fen`], dates present) or returns every field's
//! problems at once. The rules that need the books as stored (approval, contract and source
//! limits) stay with storage's transaction.

use super::contract::{ContractDraft, ProcurementMethod, check_contract, normalize_uscc};
use super::record::MoneyKind;
use crate::kernel::money::Fen;
use crate::kernel::problem::{FieldProblem, Problem, optional_text, required_text};
use crate::projects::project::FundingSource;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest document number, note or correction reason, in characters.
pub const NOTE_MAX: usize = 200;

/// A contract as entered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContractInput {
    /// Procurement method code.
    pub method: String,
    /// Contractor's registered name.
    pub contractor: String,
    /// Unified social credit code (统一社会信用代码).
    pub credit_code: String,
    /// Amount in fen.
    pub amount_fen: Option<i64>,
    /// Signing date.
    pub signed_on: Option<NaiveDate>,
    /// Start of the contract period.
    pub starts_on: Option<NaiveDate>,
    /// End of the contract period.
    pub ends_on: Option<NaiveDate>,
}

/// A contract whose every field its rules accept ([`check_contract`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContract {
    /// How it was procured.
    pub method: ProcurementMethod,
    /// The contractor's registered name, trimmed.
    pub contractor: String,
    /// The credit code in canonical form ([`normalize_uscc`]).
    pub credit_code: String,
    /// The contract amount, above zero.
    pub amount: Fen,
    /// When it was signed.
    pub signed_on: NaiveDate,
    /// Planned start of the contract period.
    pub starts_on: NaiveDate,
    /// Planned end, not before the start.
    pub ends_on: NaiveDate,
}

impl ContractInput {
    /// The contract, or every field's problem; an unknown method counts as none chosen.
    pub fn parse(&self) -> Result<NewContract, Vec<FieldProblem>> {
        let draft = ContractDraft {
            method: self.method.trim().parse::<ProcurementMethod>().ok(),
            contractor: self.contractor.trim().to_owned(),
            credit_code: self.credit_code.clone(),
            amount: self.amount_fen.map(Fen),
            signed_on: self.signed_on,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        };
        let problems = check_contract(&draft);
        match (
            draft.method,
            draft.amount,
            draft.signed_on,
            draft.starts_on,
            draft.ends_on,
        ) {
            (Some(method), Some(amount), Some(signed_on), Some(starts_on), Some(ends_on))
                if problems.is_empty() =>
            {
                Ok(NewContract {
                    method,
                    credit_code: normalize_uscc(&draft.credit_code),
                    contractor: draft.contractor,
                    amount,
                    signed_on,
                    starts_on,
                    ends_on,
                })
            }
            _ => Err(problems),
        }
    }
}

/// A new money record as entered.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MoneyInput {
    /// approval, disbursement or payment.
    pub kind: String,
    /// Funding source code.
    pub source: String,
    /// Amount in fen, above zero.
    pub amount_fen: i64,
    /// The contract a payment is made under.
    #[serde(default)]
    pub contract_id: Option<i64>,
    /// When the money moved.
    pub occurred_on: Option<NaiveDate>,
    /// Document number (文号) or note.
    #[serde(default)]
    pub note: String,
}

/// A new money record with its codes known and its date given. The amount is checked with the
/// record ([`super::MoneyRecord::new`]), where its refusal names the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMoney {
    /// Approval, disbursement or payment.
    pub kind: MoneyKind,
    /// Where the money comes from.
    pub source: FundingSource,
    /// The amount as given.
    pub amount: Fen,
    /// The contract of a payment.
    pub contract_id: Option<i64>,
    /// When the money moved.
    pub occurred_on: NaiveDate,
    /// Document number or note, trimmed; may be empty.
    pub note: String,
}

impl MoneyInput {
    /// The record, or every field's problem.
    pub fn parse(&self) -> Result<NewMoney, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let kind = code::<MoneyKind>("kind", &self.kind, &mut problems);
        let source = code::<FundingSource>("source", &self.source, &mut problems);
        let occurred_on = required_date(self.occurred_on, &mut problems);
        let note = optional_text("note", &self.note, NOTE_MAX, &mut problems).unwrap_or_default();
        match (kind, source, occurred_on) {
            (Some(kind), Some(source), Some(occurred_on)) if problems.is_empty() => Ok(NewMoney {
                kind,
                source,
                amount: Fen(self.amount_fen),
                contract_id: self.contract_id,
                occurred_on,
                note,
            }),
            _ => Err(problems),
        }
    }
}

/// A correction: how much of a record to take back, and why.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CorrectionInput {
    /// The amount to take back, in fen, above zero.
    pub amount_fen: i64,
    /// Why (required).
    pub reason: String,
    /// When the correction takes effect.
    pub occurred_on: Option<NaiveDate>,
}

/// A correction with its reason and date given; the amount is checked against the record it
/// reverses ([`super::reversal_of`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCorrection {
    /// The amount to take back.
    pub amount: Fen,
    /// Why, trimmed and not blank.
    pub reason: String,
    /// When the correction takes effect.
    pub occurred_on: NaiveDate,
}

impl CorrectionInput {
    /// The correction, or every field's problem.
    pub fn parse(&self) -> Result<NewCorrection, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let reason = required_text("reason", &self.reason, NOTE_MAX, &mut problems);
        let occurred_on = required_date(self.occurred_on, &mut problems);
        match occurred_on {
            Some(occurred_on) if problems.is_empty() => Ok(NewCorrection {
                amount: Fen(self.amount_fen),
                reason,
                occurred_on,
            }),
            _ => Err(problems),
        }
    }
}

/// A code of a closed list (kind, source), its problem filed under `field`.
fn code<T: std::str::FromStr<Err = Problem>>(
    field: &'static str,
    raw: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<T> {
    raw.trim()
        .parse()
        .map_err(|p| problems.push(FieldProblem::new(field, p)))
        .ok()
}

/// The date every record needs.
fn required_date(date: Option<NaiveDate>, problems: &mut Vec<FieldProblem>) -> Option<NaiveDate> {
    if date.is_none() {
        problems.push(FieldProblem::new("occurred_on", Problem::Required));
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(problems: &[FieldProblem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_money_record_reports_every_field_at_once() {
        let input = MoneyInput {
            kind: "gift".into(),
            source: "moon".into(),
            amount_fen: 100,
            contract_id: None,
            occurred_on: None,
            note: "x".repeat(NOTE_MAX + 1),
        };
        let problems = input.parse().unwrap_err();
        assert_eq!(fields(&problems), ["kind", "source", "occurred_on", "note"]);
    }

    #[test]
    fn a_money_record_parses_its_codes_and_keeps_the_amount() {
        let input = MoneyInput {
            kind: " payment ".into(),
            source: "county".into(),
            amount_fen: 12_345,
            contract_id: Some(7),
            occurred_on: NaiveDate::from_ymd_opt(2026, 3, 1),
            note: " 文号 ".into(),
        };
        let parsed = input.parse().unwrap();
        assert_eq!(parsed.kind, MoneyKind::Payment);
        assert_eq!(parsed.source, FundingSource::County);
        assert_eq!(parsed.amount, Fen(12_345));
        assert_eq!(parsed.note, "文号");
    }

    #[test]
    fn a_correction_needs_a_reason_and_a_date() {
        let input = CorrectionInput {
            amount_fen: 100,
            reason: "  ".into(),
            occurred_on: None,
        };
        assert_eq!(
            fields(&input.parse().unwrap_err()),
            ["reason", "occurred_on"]
        );
    }

    #[test]
    fn a_contract_reports_every_field_and_normalises_the_credit_code() {
        let empty = ContractInput::default().parse().unwrap_err();
        assert_eq!(
            fields(&empty),
            [
                "method",
                "contractor",
                "credit_code",
                "amount",
                "signed_on",
                "starts_on",
                "ends_on"
            ]
        );
        let day = NaiveDate::from_ymd_opt(2026, 4, 1);
        let first17 = "91330100MA2B3C4D5";
        let code = format!(
            "{first17}{}",
            super::super::uscc_check_char(first17).unwrap()
        );
        let contract = ContractInput {
            method: "inquiry".into(),
            contractor: " 某建设公司 ".into(),
            credit_code: code.to_lowercase(),
            amount_fen: Some(500),
            signed_on: day,
            starts_on: day,
            ends_on: day,
        }
        .parse()
        .unwrap();
        assert_eq!(contract.credit_code, code);
        assert_eq!(contract.contractor, "某建设公司");
        assert_eq!(contract.method, ProcurementMethod::Inquiry);
    }
}
