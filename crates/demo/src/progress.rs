//! A year of progress for the demo projects: monthly reports filed (mostly on time, some late,
//! a few missing, waiting or returned) and reviewed, budget approvals per funding source,
//! disbursements in tranches, a contract per project under construction and payments that
//! follow the reported progress. Each project keeps to its plan, lags or lags badly, so the
//! lights, the dashboard and the bulletins show a realistic spread of green, yellow and red.
//! Every amount keeps to the rules the books enforce (no disbursement beyond approval, no
//! payment beyond the contract, each funding source paying its share of the works from what it
//! has disbursed).

use crate::dice::Dice;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use minxin_domain::control::finance::{MoneyKind, ProcurementMethod, uscc_check_char};
use minxin_domain::control::report::{DEFAULT_DUE_DAY, ReportPeriod, ReportState, due_date};
use minxin_domain::projects::project::Stage;
use minxin_storage::control::money::ContractInput;
use minxin_storage::control::reports::ReportInput;
use minxin_storage::control::seed::{PastContract, PastMoney, PastProgress, PastReport};
use minxin_storage::projects::{BudgetLine, Project};

const CONTRACTORS: [&str; 8] = [
    "示例市城建工程有限公司",
    "示例建设集团有限公司",
    "示例市政工程有限公司",
    "宏远建筑安装有限公司",
    "安居装饰工程有限公司",
    "清源水务工程有限公司",
    "绿洲园林绿化有限公司",
    "康宁养老服务有限公司",
];

const DONE: [&str; 6] = [
    "完成基础开挖和垫层浇筑，管线迁改同步推进",
    "主体结构施工按计划推进，完成本月混凝土浇筑",
    "外墙保温和屋面防水施工过半，质量验收合格",
    "完成设备采购和进场验收，开始安装调试",
    "道路面层摊铺完成约一半，照明基础施工完成",
    "完成室内装修和适老化改造，开展竣工前自查",
];

const PROBLEMS: [&str; 4] = [
    "连续降雨影响室外作业",
    "部分居民对施工时间有意见，已加强沟通",
    "管线产权单位配合迁改进度偏慢",
    "材料价格上涨，施工单位资金周转紧张",
];

const HELP: [&str; 3] = [
    "请街道协调管线迁改",
    "请住建局协调夜间施工许可",
    "请财政局加快拨付上级资金",
];

/// How a project keeps to its plan, in percent of the expected progress.
fn pace(dice: &mut Dice) -> i64 {
    match dice.below(100) {
        0..=59 => 95 + dice.below(10) as i64,
        60..=84 => 78 + dice.below(10) as i64,
        _ => 45 + dice.below(20) as i64,
    }
}

/// A unified social credit code for the invented contractor `n` that passes the check.
fn credit_code(n: usize) -> String {
    let first = format!("9199010{:010}", 3_000_000_017 + n as u64 * 7_919);
    let check = uscc_check_char(&first).unwrap_or('0');
    format!("{first}{check}")
}

/// A moment on `day` at `hour` in Beijing.
fn at(day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    let local = day
        .and_hms_opt(hour.saturating_sub(8), 17, 0)
        .unwrap_or_default();
    Utc.from_utc_datetime(&local)
}

/// The demo account that books the money.
const FINANCE: &str = "finance";

/// One budget line's money so far, in fen: what the books keep per funding source.
struct SourceBook {
    source: String,
    budget: i64,
    disbursed: i64,
    paid: i64,
}

/// Disburses from every line up to `share` percent of its budget, each line its own tranche
/// (computed from the running total, so rounding never drifts).
fn disburse(
    project_id: i64,
    lines: &mut [SourceBook],
    share: i64,
    on: NaiveDate,
    note: &str,
    past: &mut PastProgress,
) {
    for line in lines {
        let tranche = line.budget * share / 100 - line.disbursed;
        if tranche <= 0 {
            continue;
        }
        line.disbursed += tranche;
        past.money.push(PastMoney {
            project_id,
            kind: MoneyKind::Disbursement,
            source: line.source.clone(),
            amount_fen: tranche,
            contract: None,
            occurred_on: on,
            note: note.into(),
            created_by_name: FINANCE.to_owned(),
        });
    }
}

/// Splits payments bringing the total paid to `paid` over the lines in proportion to their
/// budgets (of `budget` in all), the last line taking the rounding; returns each line's
/// payment that is above zero and books it on the line.
fn shares(lines: &mut [SourceBook], paid: i64, budget: i64) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    let mut allotted = 0i64;
    let count = lines.len();
    for (k, line) in lines.iter_mut().enumerate() {
        let target = if k + 1 == count {
            paid - allotted
        } else {
            i64::try_from(i128::from(paid) * i128::from(line.budget) / i128::from(budget.max(1)))
                .unwrap_or(0)
        };
        allotted += target;
        let payment = target - line.paid;
        if payment > 0 {
            line.paid += payment;
            out.push((line.source.clone(), payment));
        }
    }
    out
}

/// What the invented progress of a project depends on.
pub(crate) struct Planned<'a> {
    /// The project.
    pub id: i64,
    /// Planned start and end.
    pub start: NaiveDate,
    /// Planned end.
    pub end: NaiveDate,
    /// Its budget lines.
    pub budget: &'a [BudgetLine],
    /// Whether a project manager files its reports (otherwise its department does).
    pub managed: bool,
}

impl<'a> Planned<'a> {
    /// The plan of a project as stored, if it has planned dates.
    pub(crate) fn of(p: &'a Project) -> Option<Self> {
        Some(Planned {
            id: p.id,
            start: p.planned_start?,
            end: p.planned_end?,
            budget: &p.budget,
            managed: p.manager_id.is_some(),
        })
    }
}

/// Adds the past progress of `project`, now at `stage`, to `past`.
pub(crate) fn invent(
    project: &Planned<'_>,
    stage: Stage,
    today: NaiveDate,
    dice: &mut Dice,
    past: &mut PastProgress,
) {
    let (start, end) = (project.start, project.end);
    if stage < Stage::Approved {
        return;
    }
    let approved_on = (start - Duration::days(20)).min(today);
    for line in project.budget {
        past.money.push(PastMoney {
            project_id: project.id,
            kind: MoneyKind::Approval,
            source: line.source.clone(),
            amount_fen: line.amount_fen,
            contract: None,
            occurred_on: approved_on,
            note: "年度预算批复".into(),
            created_by_name: FINANCE.to_owned(),
        });
    }
    if stage < Stage::Procurement {
        return;
    }
    let pace = pace(dice);
    let finished = stage >= Stage::Acceptance;
    let span = (end - start).num_days().max(30);
    let budget_fen: i64 = project.budget.iter().map(|l| l.amount_fen).sum();
    let reporter = if project.managed { "manager" } else { "dept" };
    let contract = (stage >= Stage::Construction).then(|| {
        let share = 86 + dice.below(12) as i64;
        let amount = budget_fen * share / 100 / 10_000 * 10_000;
        let n = dice.below(CONTRACTORS.len());
        let signed = (start + Duration::days(10 + dice.below(20) as i64)).min(today);
        past.contracts.push(PastContract {
            project_id: project.id,
            input: ContractInput {
                method: ProcurementMethod::ALL[dice.below(3)].code().into(),
                contractor: CONTRACTORS[n].into(),
                credit_code: credit_code(n),
                amount_fen: Some(amount),
                signed_on: Some(signed),
                starts_on: Some(signed + Duration::days(7)),
                ends_on: Some(end),
            },
            created_by: FINANCE.to_owned(),
        });
        (past.contracts.len() - 1, amount)
    });

    // What each budget line has disbursed and paid so far, in budget order.
    let mut lines: Vec<SourceBook> = project
        .budget
        .iter()
        .map(|l| SourceBook {
            source: l.source.clone(),
            budget: l.amount_fen,
            disbursed: 0,
            paid: 0,
        })
        .collect();
    let mut disbursed_share = 30;
    disburse(
        project.id,
        &mut lines,
        disbursed_share,
        (start + Duration::days(5)).min(today),
        "首期资金拨付",
        past,
    );
    let mut paid = 0i64;
    let mut percent = 0i64;
    let mut period = ReportPeriod::of(start);
    let mut reports = Vec::new();
    while due_date(period, DEFAULT_DUE_DAY) <= today && period <= ReportPeriod::of(end) {
        let month_end = period.next().first_day() - Duration::days(1);
        let elapsed = (month_end - start).num_days().clamp(0, span);
        let expected = elapsed * 100 / span;
        let target = if finished && period == ReportPeriod::of(end) {
            100
        } else {
            (expected * pace / 100).min(if finished { 100 } else { 99 })
        };
        percent = percent.max(target);
        reports.push((period, percent));
        // Payments follow progress, keeping a 20 % retention until acceptance.
        if let Some((index, amount)) = contract {
            let owed = amount * percent * if finished { 97 } else { 80 } / 10_000;
            let due = owed / 10_000 * 10_000 - paid;
            if due > 0 && month_end <= today {
                // Top up the tranches first, so payments never outrun disbursements.
                // Tranches run ahead of the works: when paid progress comes within ten points
                // of what is disbursed, the next 30 points (or the rest) follow.
                if percent + 10 > disbursed_share && disbursed_share < 100 {
                    disbursed_share = (disbursed_share + 30).max(percent + 10).min(100);
                    disburse(
                        project.id,
                        &mut lines,
                        disbursed_share,
                        month_end - Duration::days(3),
                        "按进度拨付",
                        past,
                    );
                }
                // Each source pays its share of the works, from what it has disbursed.
                paid += due;
                for (source, fen) in shares(&mut lines, paid, budget_fen) {
                    past.money.push(PastMoney {
                        project_id: project.id,
                        kind: MoneyKind::Payment,
                        source,
                        amount_fen: fen,
                        contract: Some(index),
                        occurred_on: month_end,
                        note: format!("{}月进度款", period.month()),
                        created_by_name: FINANCE.to_owned(),
                    });
                }
            }
        }
        period = period.next();
    }
    let count = reports.len();
    for (k, (period, percent)) in reports.into_iter().enumerate() {
        let latest = k + 1 == count && !finished;
        let roll = dice.below(100);
        if latest && roll < 12 {
            continue; // still missing
        }
        let due = due_date(period, DEFAULT_DUE_DAY);
        let filed = if roll.is_multiple_of(7) {
            due + Duration::days(1 + dice.below(8) as i64)
        } else {
            due - Duration::days(dice.below(5) as i64)
        }
        .min(today);
        let (state, reviewed, comment) = if latest && roll < 20 {
            (ReportState::Submitted, None, None)
        } else if latest && roll < 25 {
            (
                ReportState::Returned,
                Some(("office".to_owned(), at(filed + Duration::days(1), 15))),
                Some("请补充现场照片和本月完成工程量".to_owned()),
            )
        } else {
            let reviewed_on = (filed + Duration::days(1 + dice.below(3) as i64)).min(today);
            (
                ReportState::Accepted,
                Some(("office".to_owned(), at(reviewed_on, 16))),
                None,
            )
        };
        past.reports.push(PastReport {
            project_id: project.id,
            input: ReportInput {
                period: period.to_string(),
                percent_bp: u32::try_from(percent * 100).unwrap_or(10_000),
                done: (*dice.pick(&DONE)).to_owned(),
                problems: if pace < 90 {
                    (*dice.pick(&PROBLEMS)).to_owned()
                } else {
                    String::new()
                },
                help_needed: if pace < 70 {
                    (*dice.pick(&HELP)).to_owned()
                } else {
                    String::new()
                },
            },
            state,
            submitted_by_name: reporter.to_owned(),
            submitted_at: at(filed, 9 + (filed.day() % 8)),
            reviewed,
            review_comment: comment,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minxin_domain::control::finance::valid_uscc;

    #[test]
    fn every_source_pays_its_share_from_what_it_disbursed() {
        use minxin_domain::control::finance::balance::{SourceTotals, imbalances};
        use minxin_domain::control::finance::{MoneyRecord, summarise};
        use minxin_domain::kernel::money::Fen;
        use minxin_domain::projects::project::FundingSource;
        let budget: Vec<BudgetLine> = [
            ("county", 4_000_001),
            ("municipal", 3_900_000),
            ("provincial", 1_500_000),
            ("central", 2_500_003),
        ]
        .into_iter()
        .map(|(source, amount_fen)| BudgetLine {
            source: source.into(),
            amount_fen,
        })
        .collect();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut dice = Dice::new();
        for stage in [Stage::Construction, Stage::Acceptance] {
            let project = Planned {
                id: 1,
                start: NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
                end: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
                budget: &budget,
                managed: false,
            };
            let mut past = PastProgress::default();
            invent(&project, stage, today, &mut dice, &mut past);
            let records: Vec<MoneyRecord> = past
                .money
                .iter()
                .map(|m| MoneyRecord {
                    kind: m.kind,
                    source: m.source.parse().unwrap(),
                    amount: Fen(m.amount_fen),
                    contract_id: m.contract.map(|_| 1),
                    reverses: None,
                })
                .collect();
            let lines: Vec<(FundingSource, Fen)> = budget
                .iter()
                .map(|l| (l.source.parse().unwrap(), Fen(l.amount_fen)))
                .collect();
            let money = summarise(&lines, &records);
            assert_eq!(money.per_source.len(), 4, "{stage:?}");
            for s in &money.per_source {
                let totals = SourceTotals {
                    source: s.source,
                    approved: s.approved,
                    disbursed: s.disbursed,
                    paid: s.paid,
                };
                assert_eq!(imbalances(&totals), vec![], "{stage:?} {totals:?}");
                assert!(s.paid > Fen::ZERO, "{stage:?}: {} pays its share", s.source);
            }
        }
    }

    #[test]
    fn invented_credit_codes_pass_the_check() {
        for n in 0..CONTRACTORS.len() {
            assert!(valid_uscc(&credit_code(n)), "{}", credit_code(n));
        }
    }
}
