//! Wording of progress control: refusals of money records and report reviews, threshold
//! problems, and the reasons of a traffic light, in the caller's language.

use crate::kernel::i18n::Lang;
use minxin_domain::control::finance::MoneyRefusal;
use minxin_domain::control::light::{Light, Reason, ThresholdProblem};
use minxin_domain::control::report::ReportRefusal;
use minxin_domain::kernel::money::Fen;

fn yuan(fen: Fen) -> String {
    fen.yuan_text()
}

impl Lang {
    /// Why a money record was refused, with the amounts in 元.
    pub fn money_refusal(self, refusal: &MoneyRefusal) -> String {
        match refusal {
            MoneyRefusal::NotPositive { .. } => self.t("money.refusal.not_positive").into(),
            MoneyRefusal::TooLarge { .. } => self.t("problem.money_too_large").into(),
            MoneyRefusal::ContractOnlyForPayments => {
                self.t("money.refusal.contract_only_for_payments").into()
            }
            MoneyRefusal::OverContract {
                contract,
                paid,
                requested,
            } => self.fill(
                "money.refusal.over_contract",
                &[
                    ("contract", yuan(*contract)),
                    ("paid", yuan(*paid)),
                    ("requested", yuan(*requested)),
                    ("left", yuan(Fen(contract.0 - paid.0))),
                ],
            ),
            MoneyRefusal::OverApproval {
                source,
                approved,
                disbursed,
                requested,
            } => self.fill(
                "money.refusal.over_approval",
                &[
                    ("source", self.t(&format!("project.source.{source}")).into()),
                    ("approved", yuan(*approved)),
                    ("disbursed", yuan(*disbursed)),
                    ("requested", yuan(*requested)),
                ],
            ),
            MoneyRefusal::ApprovalBelowDisbursed {
                source,
                approved,
                disbursed,
                requested,
            } => self.fill(
                "money.refusal.approval_below_disbursed",
                &[
                    ("source", self.t(&format!("project.source.{source}")).into()),
                    ("approved", yuan(*approved)),
                    ("disbursed", yuan(*disbursed)),
                    ("requested", yuan(*requested)),
                ],
            ),
            MoneyRefusal::OverDisbursed {
                source,
                disbursed,
                paid,
                requested,
            } => self.fill(
                "money.refusal.over_disbursed",
                &[
                    ("source", self.t(&format!("project.source.{source}")).into()),
                    ("disbursed", yuan(*disbursed)),
                    ("paid", yuan(*paid)),
                    ("requested", yuan(*requested)),
                    ("left", yuan(Fen(disbursed.0.saturating_sub(paid.0).max(0)))),
                ],
            ),
            MoneyRefusal::DisbursementBelowPaid {
                source,
                disbursed,
                paid,
                requested,
            } => self.fill(
                "money.refusal.disbursement_below_paid",
                &[
                    ("source", self.t(&format!("project.source.{source}")).into()),
                    ("disbursed", yuan(*disbursed)),
                    ("paid", yuan(*paid)),
                    ("requested", yuan(*requested)),
                ],
            ),
            MoneyRefusal::NotReversible => self.t("money.refusal.not_reversible").into(),
            MoneyRefusal::OverReversal {
                original,
                reversed,
                requested,
            } => self.fill(
                "money.refusal.over_reversal",
                &[
                    ("original", yuan(*original)),
                    ("reversed", yuan(*reversed)),
                    ("requested", yuan(*requested)),
                ],
            ),
            MoneyRefusal::ReasonRequired => self.t("money.refusal.reason_required").into(),
        }
    }

    /// Why a report step was refused.
    pub fn report_refusal(self, refusal: &ReportRefusal) -> String {
        match refusal {
            ReportRefusal::NotSubmitted => self.t("report.refusal.not_submitted").into(),
            ReportRefusal::AwaitingReview => self.t("report.refusal.awaiting_review").into(),
            ReportRefusal::AlreadyAccepted => self.t("report.refusal.already_accepted").into(),
            ReportRefusal::AwaitingRefile => self.t("report.refusal.awaiting_refile").into(),
            ReportRefusal::CommentRequired => self.t("report.refusal.comment_required").into(),
            ReportRefusal::CommentTooLong { max } => {
                self.fill("problem.too_long", &[("max", max.to_string())])
            }
            ReportRefusal::TooManyPhotos { max } => self.fill(
                "report.refusal.too_many_photos",
                &[("max", max.to_string())],
            ),
        }
    }

    /// What is wrong with a set of light thresholds.
    pub fn threshold_problem(self, problem: &ThresholdProblem) -> String {
        let points = |bp: u32| minxin_domain::control::light::percent_text(bp);
        match problem {
            ThresholdProblem::DeviationOutOfRange { value_bp } => self.fill(
                "light.problem.deviation_out_of_range",
                &[("value", points(*value_bp))],
            ),
            ThresholdProblem::YellowNotBelowRed { yellow_bp, red_bp } => self.fill(
                "light.problem.yellow_not_below_red",
                &[("yellow", points(*yellow_bp)), ("red", points(*red_bp))],
            ),
            ThresholdProblem::MilestoneDaysOutOfRange { max, .. }
            | ThresholdProblem::ReportGraceOutOfRange { max, .. } => self.fill(
                "light.problem.days_out_of_range",
                &[("max", max.to_string())],
            ),
        }
    }

    /// The name of a light, e.g. 红灯（滞后）.
    pub fn light(self, light: Light) -> &'static str {
        self.t(&format!("light.{}", light.code()))
    }

    /// A light's reason as a sentence, e.g. 节点“主体施工”逾期 21 天.
    pub fn light_reason(self, reason: &Reason) -> String {
        self.fill(reason.key(), &reason.args())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn reasons_and_refusals_read_as_sentences() {
        let reason = Reason::MilestoneOverdue {
            name: "主体施工".into(),
            planned: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            days: 21,
        };
        assert_eq!(
            Lang::Zh.light_reason(&reason),
            "节点“主体施工”逾期 21 天（计划 2026-03-01 完成）"
        );
        let over = MoneyRefusal::OverContract {
            contract: Fen(70_000_000),
            paid: Fen(50_000_000),
            requested: Fen(20_000_001),
        };
        assert!(Lang::Zh.money_refusal(&over).contains("200,000.00"));
        assert!(Lang::En.money_refusal(&over).contains("200,000.01"));
        let beyond = MoneyRefusal::OverDisbursed {
            source: minxin_domain::projects::project::FundingSource::County,
            disbursed: Fen(127_270_000),
            paid: Fen(127_000_000),
            requested: Fen(270_001),
        };
        assert_eq!(
            Lang::Zh.money_refusal(&beyond),
            "县级资金已拨付 1,272,700.00 元，已支付 1,270,000.00 元，本次支付 2,700.01 元将超出已拨付金额（最多还可支付 2,700.00 元）"
        );
        assert_eq!(
            Lang::En.money_refusal(&beyond),
            "County/district: ¥1,272,700.00 disbursed and ¥1,270,000.00 paid; paying ¥2,700.01 would exceed what is disbursed (at most ¥2,700.00 is left)"
        );
    }
}
