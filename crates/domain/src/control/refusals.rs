//! How progress control words its refusals (money records, report reviews, light thresholds,
//! snapshots) for the kernel's [`Refusal`]: catalogue keys and amounts, no language.

use crate::control::bulletin::SnapshotRefusal;
use crate::control::finance::MoneyRefusal;
use crate::control::light::{ThresholdProblem, percent_text};
use crate::control::report::{ReportPeriod, ReportRefusal};
use crate::kernel::money::Fen;
use crate::kernel::refusal::{Message, Refusal};
use crate::projects::project::FundingSource;

/// A month in words (2026 年 10 月), for refusals and bulletins alike.
pub fn month_message(month: ReportPeriod) -> Message {
    Message::new("bulletin.period.month")
        .text("year", month.year())
        .text("month", month.month())
}

fn source_key(source: FundingSource) -> String {
    format!("project.source.{source}")
}

impl Refusal for MoneyRefusal {
    fn code(&self) -> &'static str {
        "money"
    }

    fn message(&self) -> Message {
        use MoneyRefusal as R;
        let balance = |key: &str, source: &FundingSource| {
            Message::new(format!("money.refusal.{key}")).key("source", source_key(*source))
        };
        match self {
            R::NotPositive { .. } => Message::new("money.refusal.not_positive"),
            R::TooLarge { .. } => Message::new("problem.money_too_large"),
            R::ContractOnlyForPayments => Message::new("money.refusal.contract_only_for_payments"),
            R::OverContract {
                contract,
                paid,
                requested,
            } => Message::new("money.refusal.over_contract")
                .money("contract", *contract)
                .money("paid", *paid)
                .money("requested", *requested)
                .money("left", Fen(contract.0 - paid.0)),
            R::OverApproval {
                source,
                approved,
                disbursed,
                requested,
            } => balance("over_approval", source)
                .money("approved", *approved)
                .money("disbursed", *disbursed)
                .money("requested", *requested),
            R::ApprovalBelowDisbursed {
                source,
                approved,
                disbursed,
                requested,
            } => balance("approval_below_disbursed", source)
                .money("approved", *approved)
                .money("disbursed", *disbursed)
                .money("requested", *requested),
            R::OverDisbursed {
                source,
                disbursed,
                paid,
                requested,
            } => balance("over_disbursed", source)
                .money("disbursed", *disbursed)
                .money("paid", *paid)
                .money("requested", *requested)
                .money("left", Fen(disbursed.0.saturating_sub(paid.0).max(0))),
            R::DisbursementBelowPaid {
                source,
                disbursed,
                paid,
                requested,
            } => balance("disbursement_below_paid", source)
                .money("disbursed", *disbursed)
                .money("paid", *paid)
                .money("requested", *requested),
            R::NotReversible => Message::new("money.refusal.not_reversible"),
            R::OverReversal {
                original,
                reversed,
                requested,
            } => Message::new("money.refusal.over_reversal")
                .money("original", *original)
                .money("reversed", *reversed)
                .money("requested", *requested),
            R::ReasonRequired => Message::new("money.refusal.reason_required"),
        }
    }
}

impl Refusal for ReportRefusal {
    fn code(&self) -> &'static str {
        "report"
    }

    fn message(&self) -> Message {
        use ReportRefusal as R;
        match self {
            R::NotSubmitted => Message::new("report.refusal.not_submitted"),
            R::AwaitingReview => Message::new("report.refusal.awaiting_review"),
            R::AlreadyAccepted => Message::new("report.refusal.already_accepted"),
            R::AwaitingRefile => Message::new("report.refusal.awaiting_refile"),
            R::CommentRequired => Message::new("report.refusal.comment_required"),
            R::CommentTooLong { max } => Message::new("problem.too_long").text("max", max),
            R::TooManyPhotos { max } => {
                Message::new("report.refusal.too_many_photos").text("max", max)
            }
        }
    }
}

impl Refusal for ThresholdProblem {
    fn code(&self) -> &'static str {
        "thresholds"
    }

    fn message(&self) -> Message {
        use ThresholdProblem as P;
        match self {
            P::DeviationOutOfRange { value_bp } => {
                Message::new("light.problem.deviation_out_of_range")
                    .text("value", percent_text(*value_bp))
            }
            P::YellowNotBelowRed { yellow_bp, red_bp } => {
                Message::new("light.problem.yellow_not_below_red")
                    .text("yellow", percent_text(*yellow_bp))
                    .text("red", percent_text(*red_bp))
            }
            P::MilestoneDaysOutOfRange { max, .. } | P::ReportGraceOutOfRange { max, .. } => {
                Message::new("light.problem.days_out_of_range").text("max", max)
            }
        }
    }
}

impl Refusal for SnapshotRefusal {
    fn code(&self) -> &'static str {
        "snapshot"
    }

    fn message(&self) -> Message {
        match self {
            SnapshotRefusal::NotOver { period } => {
                Message::new("bulletin.refusal.not_over").message("month", month_message(*period))
            }
            SnapshotRefusal::TooLate { period, latest } => {
                Message::new("bulletin.refusal.too_late")
                    .message("month", month_message(*period))
                    .message("latest", month_message(*latest))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::refusal::Arg;

    #[test]
    fn balances_name_their_source_and_what_is_left() {
        let m = MoneyRefusal::OverDisbursed {
            source: FundingSource::County,
            disbursed: Fen(127_270_000),
            paid: Fen(127_000_000),
            requested: Fen(270_001),
        }
        .message();
        assert_eq!(m.key, "money.refusal.over_disbursed");
        assert_eq!(
            m.args[0],
            ("source", Arg::Key("project.source.county".into()))
        );
        assert_eq!(m.args[4], ("left", Arg::Money(Fen(270_000))));
    }

    #[test]
    fn a_late_snapshot_names_both_months() {
        let m = SnapshotRefusal::TooLate {
            period: ReportPeriod::new(2026, 9).unwrap(),
            latest: ReportPeriod::new(2026, 10).unwrap(),
        }
        .message();
        assert_eq!(
            m.args[1],
            (
                "latest",
                Arg::Message(
                    Message::new("bulletin.period.month")
                        .text("year", 2026)
                        .text("month", 10)
                )
            )
        );
    }
}
