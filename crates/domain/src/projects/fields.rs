//! The registry fields of a project that have rules of their own, as types that hold only
//! valid values: the name and other texts with their lengths, the plan year, the budget by
//! funding source in fen and the number of people who benefit. Codes, phones, coordinates and
//! periods are general and live in `code` and the kernel.

use crate::kernel::money::{Fen, MAX_YUAN};
use crate::kernel::problem::Problem;
use crate::kernel::text::{Line, Lines};
use crate::projects::import::limits;
use crate::projects::project::FundingSource;
use std::collections::BTreeMap;

/// 项目名称: one line, required.
pub type ProjectName = Line<{ limits::NAME }>;

/// 责任人: one line, required.
pub type OwnerName = Line<{ limits::OWNER }>;

/// 地址: one line, may be empty.
pub type Address = Line<{ limits::ADDRESS }>;

/// 建设内容: several lines, may be empty.
pub type Description = Lines<{ limits::DESCRIPTION }>;

/// 绩效目标: several lines, may be empty.
pub type Goals = Lines<{ limits::GOALS }>;

/// 年度: the plan year, 2000 to 2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlanYear(i32);

impl PlanYear {
    /// The plan year `year`; [`Problem::Malformed`] outside 2000–2100.
    pub fn new(year: i32) -> Result<PlanYear, Problem> {
        if (2000..=2100).contains(&year) {
            Ok(PlanYear(year))
        } else {
            Err(Problem::Malformed)
        }
    }

    /// The year.
    pub fn get(self) -> i32 {
        self.0
    }
}

/// 受益人数: a count from 0 up to [`limits::BENEFICIARIES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Beneficiaries(i64);

impl Beneficiaries {
    /// The count `n`; [`Problem::Malformed`] when negative or implausibly large.
    pub fn new(n: i64) -> Result<Beneficiaries, Problem> {
        if (0..=limits::BENEFICIARIES).contains(&n) {
            Ok(Beneficiaries(n))
        } else {
            Err(Problem::Malformed)
        }
    }

    /// The count.
    pub fn get(self) -> i64 {
        self.0
    }
}

/// The planned money by funding source, each amount from 0 to [`MAX_YUAN`] 元 in fen; sources
/// with nothing planned are left out, so the lines are what the budget table stores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Budget(BTreeMap<FundingSource, Fen>);

impl Budget {
    /// The budget of amounts in fen by source; [`Problem::MoneyTooLarge`] when any is negative
    /// or beyond [`MAX_YUAN`].
    pub fn new(fen: &BTreeMap<FundingSource, i64>) -> Result<Budget, Problem> {
        let max_fen = MAX_YUAN * 100;
        if fen.values().any(|f| !(0..=max_fen).contains(f)) {
            return Err(Problem::MoneyTooLarge);
        }
        Ok(Budget(
            fen.iter()
                .filter(|(_, f)| **f > 0)
                .map(|(s, f)| (*s, Fen(*f)))
                .collect(),
        ))
    }

    /// The sources with money planned, in the order of [`FundingSource`], with their amounts.
    pub fn lines(&self) -> impl Iterator<Item = (FundingSource, Fen)> + '_ {
        self.0.iter().map(|(s, f)| (*s, *f))
    }

    /// The whole budget.
    pub fn total(&self) -> Fen {
        self.0.values().fold(Fen::ZERO, |sum, f| sum.plus(*f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_years_run_from_2000_to_2100() {
        assert_eq!(PlanYear::new(2000).map(PlanYear::get), Ok(2000));
        assert_eq!(PlanYear::new(2100).map(PlanYear::get), Ok(2100));
        assert_eq!(PlanYear::new(1999), Err(Problem::Malformed));
        assert_eq!(PlanYear::new(2101), Err(Problem::Malformed));
    }

    #[test]
    fn beneficiaries_are_a_plausible_count() {
        assert_eq!(Beneficiaries::new(0).map(Beneficiaries::get), Ok(0));
        assert!(Beneficiaries::new(limits::BENEFICIARIES).is_ok());
        assert_eq!(Beneficiaries::new(-1), Err(Problem::Malformed));
        assert_eq!(
            Beneficiaries::new(limits::BENEFICIARIES + 1),
            Err(Problem::Malformed)
        );
    }

    #[test]
    fn budgets_keep_planned_lines_and_add_up_in_fen() {
        let fen: BTreeMap<_, _> = [
            (FundingSource::Residents, 5_000_000),
            (FundingSource::County, 123_456_789),
            (FundingSource::Central, 0),
        ]
        .into_iter()
        .collect();
        let budget = Budget::new(&fen).unwrap();
        assert_eq!(
            budget.lines().collect::<Vec<_>>(),
            [
                (FundingSource::County, Fen(123_456_789)),
                (FundingSource::Residents, Fen(5_000_000))
            ]
        );
        assert_eq!(budget.total(), Fen(128_456_789));
        assert_eq!(Budget::new(&BTreeMap::new()).unwrap().total(), Fen::ZERO);
        let most = [(FundingSource::Central, MAX_YUAN * 100)]
            .into_iter()
            .collect();
        assert!(Budget::new(&most).is_ok());
        for fen in [MAX_YUAN * 100 + 1, -1] {
            let bad = [(FundingSource::Central, fen)].into_iter().collect();
            assert_eq!(Budget::new(&bad), Err(Problem::MoneyTooLarge));
        }
    }
}
