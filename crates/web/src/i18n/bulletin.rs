//! Wording of the bulletins: the names of bulletin periods (2026 年 10 月, 2026 年第三季度, 2026 年度).

use super::Lang;
use minxin_domain::control::bulletin::BulletinPeriod;
use minxin_domain::control::refusals::month_message;
use minxin_domain::control::report::ReportPeriod;

impl Lang {
    /// A month in words, e.g. 2026 年 10 月.
    pub fn month_name(self, month: ReportPeriod) -> String {
        self.message(&month_message(month))
    }

    /// A bulletin period in words.
    pub fn bulletin_period(self, period: BulletinPeriod) -> String {
        match period {
            BulletinPeriod::Month(m) => self.month_name(m),
            BulletinPeriod::Quarter { year, quarter } => self.fill(
                "bulletin.period.quarter",
                &[("year", year.to_string()), ("quarter", quarter.to_string())],
            ),
            BulletinPeriod::Year(year) => {
                self.fill("bulletin.period.year", &[("year", year.to_string())])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minxin_domain::control::bulletin::SnapshotRefusal;

    #[test]
    fn periods_and_refusals_read_as_words() {
        let october = ReportPeriod::new(2026, 10).unwrap();
        assert_eq!(Lang::Zh.month_name(october), "2026 年 10 月");
        assert_eq!(
            Lang::Zh.bulletin_period(BulletinPeriod::Quarter {
                year: 2026,
                quarter: 3
            }),
            "2026 年第 3 季度"
        );
        assert_eq!(
            Lang::En.bulletin_period(BulletinPeriod::Year(2026)),
            "Year 2026"
        );
        let refusal = SnapshotRefusal::TooLate {
            period: ReportPeriod::new(2026, 9).unwrap(),
            latest: october,
        };
        assert!(
            Lang::Zh
                .problem(&minxin_domain::Problem::refused(refusal))
                .contains("2026 年 10 月")
        );
    }
}
