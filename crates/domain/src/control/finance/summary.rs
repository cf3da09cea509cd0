//! A project's books added up: per funding source and in total, with the payment progress and
//! the flag for spending beyond the budget, as the project page and the public portal show them.

use super::record::{MoneyKind, MoneyRecord};
use crate::kernel::money::Fen;
use crate::projects::project::FundingSource;
use serde::{Deserialize, Serialize};

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
