//! What a project is made of, beyond free text: its lifecycle stage (SPEC §4), whether it is on
//! hold, the funding sources of SPEC §3, and the document kinds that serve as evidence at gates.

use crate::kernel::codes::coded;

coded! {
    /// A lifecycle stage, in the order a project passes them.
    Stage {
        /// 需求征集: a resident's or department's proposal.
        Demand => "demand",
        /// 储备: in the reserve pool, not yet approved.
        Reserve => "reserve",
        /// 立项: approved into the annual plan.
        Approved => "approved",
        /// 招标采购: procurement.
        Procurement => "procurement",
        /// 建设实施: under construction.
        Construction => "construction",
        /// 竣工验收: completion acceptance.
        Acceptance => "acceptance",
        /// 绩效评价: performance evaluation.
        Evaluation => "evaluation",
        /// 运维管护: maintenance.
        Maintenance => "maintenance",
        /// 归档: archived.
        Archived => "archived",
    }
}

impl Stage {
    /// The position in the lifecycle, from 0.
    pub fn index(self) -> usize {
        Stage::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The stage after this one.
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self.index() + 1).copied()
    }

    /// Whether projects in this stage belong to the annual plan (approved and later) rather
    /// than the reserve pool.
    pub fn in_annual_plan(self) -> bool {
        self >= Stage::Approved
    }
}

coded! {
    /// Whether a project is running, paused or stopped for good.
    Hold {
        /// Running normally.
        Active => "active",
        /// 暂停: paused with a reason; can resume.
        Suspended => "suspended",
        /// 终止: stopped with a reason; final.
        Cancelled => "cancelled",
    }
}

coded! {
    /// Where money comes from (资金来源).
    FundingSource {
        /// 中央
        Central => "central",
        /// 省级
        Provincial => "provincial",
        /// 市级
        Municipal => "municipal",
        /// 县级 (区县)
        County => "county",
        /// 社会资本
        SocialCapital => "social",
        /// 群众自筹
        Residents => "residents",
    }
}

coded! {
    /// The kind of a document attached to a project; some kinds are evidence for gates.
    DocumentKind {
        /// 征求意见记录: the record of a public consultation.
        Consultation => "consultation",
        /// 立项批复: the approval document.
        Approval => "approval",
        /// 合同: a signed contract.
        Contract => "contract",
        /// 竣工验收报告: the acceptance record.
        Acceptance => "acceptance",
        /// 绩效评价报告: the evaluation report.
        Evaluation => "evaluation",
        /// 运维计划: the maintenance plan.
        MaintenancePlan => "maintenance_plan",
        /// 现场照片: site photos.
        Photo => "photo",
        /// 其他: anything else.
        Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_ordered_and_parse() {
        assert_eq!(Stage::Demand.next(), Some(Stage::Reserve));
        assert_eq!(Stage::Archived.next(), None);
        assert!(Stage::Approved.in_annual_plan());
        assert!(!Stage::Reserve.in_annual_plan());
        for s in Stage::ALL {
            assert_eq!(s.code().parse::<Stage>(), Ok(*s));
        }
        assert!("built".parse::<Stage>().is_err());
        assert_eq!(
            "social".parse::<FundingSource>(),
            Ok(FundingSource::SocialCapital)
        );
        assert_eq!(
            DocumentKind::MaintenancePlan.to_string(),
            "maintenance_plan"
        );
    }
}
