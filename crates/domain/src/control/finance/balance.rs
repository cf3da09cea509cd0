//! The balance of each funding source of a project: money is paid from a source only once it
//! has been disbursed from that source, and disbursed only once approved, so per source
//! paid ≤ disbursed ≤ approved (SPEC §8). A source's books are its own: the county's money
//! cannot pay what the province has not yet transferred, and the public page shows each source
//! with figures that add up.
//!
//! New records are checked here before they are stored ([`check_payment`],
//! [`check_disbursement_reversal`]); books entered before these checks existed are examined
//! with [`imbalances`] (`minxin check money`).

use super::MoneyRefusal;
use crate::kernel::money::Fen;
use crate::projects::project::FundingSource;
use serde::Serialize;

/// Checks a payment of `amount` from `source`, of which `disbursed` is disbursed and
/// `already_paid` paid (both net of corrections): paying exactly what is left is allowed, one
/// fen more is refused.
pub fn check_payment(
    source: FundingSource,
    disbursed: Fen,
    already_paid: Fen,
    amount: Fen,
) -> Result<(), MoneyRefusal> {
    super::check_amount(amount)?;
    if already_paid.plus(amount) > disbursed {
        return Err(MoneyRefusal::OverDisbursed {
            source,
            disbursed,
            paid: already_paid,
            requested: amount,
        });
    }
    Ok(())
}

/// Checks that taking `amount` (positive) of disbursement back from `source` leaves at least
/// what is already paid from it, so a correction cannot make the books show money paid that
/// was never transferred.
pub fn check_disbursement_reversal(
    source: FundingSource,
    disbursed: Fen,
    paid: Fen,
    amount: Fen,
) -> Result<(), MoneyRefusal> {
    super::check_amount(amount)?;
    if disbursed.0.saturating_sub(amount.0) < paid.0 {
        return Err(MoneyRefusal::DisbursementBelowPaid {
            source,
            disbursed,
            paid,
            requested: amount,
        });
    }
    Ok(())
}

/// What one funding source of a project has approved, disbursed and paid, net of corrections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SourceTotals {
    /// The funding source.
    pub source: FundingSource,
    /// Approved (预算批复).
    pub approved: Fen,
    /// Disbursed (资金拨付).
    pub disbursed: Fen,
    /// Paid (资金支付).
    pub paid: Fen,
}

/// How a source's books break paid ≤ disbursed ≤ approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Imbalance {
    /// More paid than disbursed.
    PaidOverDisbursed {
        /// By how much (always positive).
        over: Fen,
    },
    /// More disbursed than approved.
    DisbursedOverApproved {
        /// By how much (always positive).
        over: Fen,
    },
}

/// Everything wrong with a source's books, paid before disbursed; empty when they balance.
/// Reaching a limit exactly is balanced.
pub fn imbalances(totals: &SourceTotals) -> Vec<Imbalance> {
    let excess = |above: Fen, limit: Fen| Fen(above.0.saturating_sub(limit.0));
    let mut found = Vec::new();
    if totals.paid > totals.disbursed {
        found.push(Imbalance::PaidOverDisbursed {
            over: excess(totals.paid, totals.disbursed),
        });
    }
    if totals.disbursed > totals.approved {
        found.push(Imbalance::DisbursedOverApproved {
            over: excess(totals.disbursed, totals.approved),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use FundingSource as S;

    #[test]
    fn a_payment_may_use_up_what_is_disbursed_but_not_one_fen_more() {
        assert_eq!(
            check_payment(S::County, Fen(1_272_700), Fen(1_000_000), Fen(272_700)),
            Ok(())
        );
        assert_eq!(
            check_payment(S::County, Fen(1_272_700), Fen(1_000_000), Fen(272_701)),
            Err(MoneyRefusal::OverDisbursed {
                source: S::County,
                disbursed: Fen(1_272_700),
                paid: Fen(1_000_000),
                requested: Fen(272_701),
            })
        );
        // Nothing disbursed from the source: nothing can be paid from it.
        assert_eq!(
            check_payment(S::Provincial, Fen::ZERO, Fen::ZERO, Fen(1)),
            Err(MoneyRefusal::OverDisbursed {
                source: S::Provincial,
                disbursed: Fen::ZERO,
                paid: Fen::ZERO,
                requested: Fen(1),
            })
        );
        // Old books already over: still refused, with their figures.
        assert!(matches!(
            check_payment(S::County, Fen(100), Fen(150), Fen(1)),
            Err(MoneyRefusal::OverDisbursed { paid: Fen(150), .. })
        ));
        for bad in [0, -1] {
            assert_eq!(
                check_payment(S::County, Fen(500), Fen::ZERO, Fen(bad)),
                Err(MoneyRefusal::NotPositive { amount: Fen(bad) })
            );
        }
    }

    #[test]
    fn a_disbursement_cannot_be_taken_back_below_what_is_paid() {
        assert_eq!(
            check_disbursement_reversal(S::Municipal, Fen(1_000), Fen(700), Fen(300)),
            Ok(())
        );
        assert_eq!(
            check_disbursement_reversal(S::Municipal, Fen(1_000), Fen(700), Fen(301)),
            Err(MoneyRefusal::DisbursementBelowPaid {
                source: S::Municipal,
                disbursed: Fen(1_000),
                paid: Fen(700),
                requested: Fen(301),
            })
        );
        assert_eq!(
            check_disbursement_reversal(S::Municipal, Fen(1_000), Fen(700), Fen(0)),
            Err(MoneyRefusal::NotPositive { amount: Fen(0) })
        );
    }

    fn totals(approved: i64, disbursed: i64, paid: i64) -> SourceTotals {
        SourceTotals {
            source: S::County,
            approved: Fen(approved),
            disbursed: Fen(disbursed),
            paid: Fen(paid),
        }
    }

    #[test]
    fn books_at_their_limits_balance() {
        assert_eq!(imbalances(&totals(0, 0, 0)), vec![]);
        assert_eq!(imbalances(&totals(1_000, 600, 200)), vec![]);
        assert_eq!(imbalances(&totals(1_000, 1_000, 1_000)), vec![]);
    }

    #[test]
    fn books_one_fen_over_are_reported_with_the_excess() {
        // The public page of 2026-MX-0104 before the fix: 县级 127.27 万 disbursed, 241.99 万 paid.
        assert_eq!(
            imbalances(&totals(318_180_000, 127_270_000, 241_990_000)),
            vec![Imbalance::PaidOverDisbursed {
                over: Fen(114_720_000)
            }]
        );
        assert_eq!(
            imbalances(&totals(1_000, 1_000, 1_001)),
            vec![Imbalance::PaidOverDisbursed { over: Fen(1) }]
        );
        assert_eq!(
            imbalances(&totals(1_000, 1_001, 0)),
            vec![Imbalance::DisbursedOverApproved { over: Fen(1) }]
        );
        assert_eq!(
            imbalances(&totals(0, 5, 7)),
            vec![
                Imbalance::PaidOverDisbursed { over: Fen(2) },
                Imbalance::DisbursedOverApproved { over: Fen(5) },
            ]
        );
    }
}
