//! Wording of progress control: the names and reasons of traffic lights, in the caller's
//! language. Refusals word themselves in the domain (`control::refusals`).

use super::Lang;
use minxin_domain::control::light::{Light, Reason};

impl Lang {
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
    use minxin_domain::Problem;
    use minxin_domain::control::finance::MoneyRefusal;
    use minxin_domain::kernel::money::Fen;

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
        assert!(
            Lang::Zh
                .problem(&Problem::refused(over.clone()))
                .contains("200,000.00")
        );
        assert!(
            Lang::En
                .problem(&Problem::refused(over))
                .contains("200,000.01")
        );
        let beyond = MoneyRefusal::OverDisbursed {
            source: minxin_domain::projects::project::FundingSource::County,
            disbursed: Fen(127_270_000),
            paid: Fen(127_000_000),
            requested: Fen(270_001),
        };
        assert_eq!(
            Lang::Zh.problem(&Problem::refused(beyond.clone())),
            "县级资金已拨付 1,272,700.00 元，已支付 1,270,000.00 元，本次支付 2,700.01 元将超出已拨付金额（最多还可支付 2,700.00 元）"
        );
        assert_eq!(
            Lang::En.problem(&Problem::refused(beyond)),
            "County/district: ¥1,272,700.00 disbursed and ¥1,270,000.00 paid; paying ¥2,700.01 would exceed what is disbursed (at most ¥2,700.00 is left)"
        );
    }
}
