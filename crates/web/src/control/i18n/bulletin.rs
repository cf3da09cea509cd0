//! Wording of the bulletins: why a month's snapshot cannot be taken, and the names of
//! bulletin periods (2026 年 10 月, 2026 年第三季度, 2026 年度).

use crate::kernel::i18n::Lang;
use minxin_domain::control::bulletin::{BulletinPeriod, SnapshotRefusal};
use minxin_domain::control::report::ReportPeriod;

impl Lang {
    /// Why a month's snapshot cannot be taken today.
    pub fn snapshot_refusal(self, refusal: &SnapshotRefusal) -> String {
        match refusal {
            SnapshotRefusal::NotOver { period } => self.fill(
                "bulletin.refusal.not_over",
                &[("month", self.month_name(*period))],
            ),
            SnapshotRefusal::TooLate { period, latest } => self.fill(
                "bulletin.refusal.too_late",
                &[
                    ("month", self.month_name(*period)),
                    ("latest", self.month_name(*latest)),
                ],
            ),
        }
    }

    /// A month in words, e.g. 2026 年 10 月.
    pub fn month_name(self, month: ReportPeriod) -> String {
        self.fill(
            "bulletin.period.month",
            &[
                ("year", month.year().to_string()),
                ("month", month.month().to_string()),
            ],
        )
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
                .snapshot_refusal(&refusal)
                .contains("2026 年 10 月")
        );
    }
}
