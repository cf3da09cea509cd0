//! About two hundred invented projects for the demo district, spread over categories, stages,
//! departments and communities, with budgets by funding source, milestones and a past
//! timeline, so that lists, filters and project pages look like a real year's work.
//!
//! The data is generated from a fixed seed, so every fresh demo looks the same.

use crate::dice::Dice;
use crate::places::{Place, places};
use crate::progress::Planned;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use minxin_domain::projects::project::{FundingSource, Hold, Stage};
use minxin_storage::control::seed::PastProgress;
use minxin_storage::projects::seed::PastMove;
use minxin_storage::projects::{MilestoneInput, ProjectInput};
use minxin_storage::{Store, StoreError};
use std::collections::BTreeMap;

/// How many projects the demo has.
pub const COUNT: usize = 200;

/// Name patterns per subcategory code: `{c}` a community, `{s}` a street, `{e}` an estate.
const PATTERNS: [(&str, &[&str], &str); 18] = [
    (
        "infrastructure.old_housing",
        &["{c}{e}老旧小区改造", "{c}{e}二次供水及管网改造"],
        "ZJJ",
    ),
    ("infrastructure.lifts", &["{c}{e}既有住宅加装电梯"], "ZJJ"),
    (
        "infrastructure.roads",
        &[
            "{s}背街小巷提升改造",
            "{c}通组道路硬化",
            "{s}人行道及无障碍设施改造",
        ],
        "JTJ",
    ),
    (
        "infrastructure.water",
        &["{c}农村饮水安全巩固提升", "{s}老旧供水管网改造"],
        "SWJ",
    ),
    (
        "infrastructure.parking",
        &["{c}停车泊位增设", "{s}公共停车场建设"],
        "CGJ",
    ),
    (
        "public_service.education",
        &[
            "{s}中心幼儿园新建",
            "{s}小学教学楼改扩建",
            "{s}中学食堂提升改造",
        ],
        "JYJ",
    ),
    (
        "public_service.health",
        &["{c}社区卫生服务站标准化建设", "{c}村卫生室提升"],
        "WJJ",
    ),
    (
        "public_service.elderly",
        &[
            "{c}社区老年食堂",
            "{s}综合养老服务中心",
            "{c}居家养老服务站",
        ],
        "MZJ",
    ),
    ("public_service.childcare", &["{c}普惠托育点建设"], "WJJ"),
    (
        "public_service.culture_sport",
        &["{c}全民健身广场", "{s}文化活动中心改造", "{c}农家书屋提升"],
        "WLJ",
    ),
    (
        "public_service.employment",
        &["{s}零工市场建设", "{s}就业服务驿站"],
        "RSJ",
    ),
    (
        "environment.waste",
        &["{c}垃圾分类投放点改造", "{s}再生资源回收站建设"],
        "CGJ",
    ),
    (
        "environment.parks",
        &["{s}口袋公园建设", "{c}绿地提质改造"],
        "CGJ",
    ),
    (
        "environment.sewage",
        &["{c}生活污水治理", "{s}雨污分流改造"],
        "SWJ",
    ),
    (
        "environment.rural_living",
        &["{c}人居环境整治提升", "{c}农村户厕改造"],
        "NYJ",
    ),
    (
        "governance.safety",
        &["{c}智能安防小区建设", "{s}消防设施补短板"],
        "CGJ",
    ),
    (
        "governance.community",
        &["{c}党群服务中心提升", "{c}邻里中心建设"],
        "MZJ",
    ),
    ("governance.smart", &["{s}智慧社区平台建设"], "FGJ"),
];

const ESTATES: [&str; 12] = [
    "纺织厂宿舍",
    "粮食局家属院",
    "机械厂小区",
    "人民路3号院",
    "建设新村",
    "电力小区",
    "文化里",
    "光明花园",
    "幸福苑",
    "团结新村",
    "供销社宿舍",
    "东风小区",
];

const OWNERS: [&str; 16] = [
    "王建国",
    "李秀英",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄丽",
    "周强",
    "吴敏",
    "徐斌",
    "孙倩",
    "马骏",
    "胡军",
    "郭芳",
    "何涛",
];

/// The lifecycle position of each demo project, by share of the portfolio.
const STAGE_SHARES: [(Stage, usize); 9] = [
    (Stage::Demand, 14),
    (Stage::Reserve, 30),
    (Stage::Approved, 24),
    (Stage::Procurement, 20),
    (Stage::Construction, 62),
    (Stage::Acceptance, 18),
    (Stage::Evaluation, 10),
    (Stage::Maintenance, 14),
    (Stage::Archived, 8),
];

const BUILD_MILESTONES: [(&str, i32); 5] = [
    ("前期手续", 10),
    ("招标采购", 10),
    ("主体施工", 50),
    ("配套完善", 20),
    ("竣工验收", 10),
];

const SERVICE_MILESTONES: [(&str, i32); 4] = [
    ("方案论证", 15),
    ("场地改造", 45),
    ("设备采购安装", 25),
    ("试运营", 15),
];

/// What invented projects refer to: the demo district's communities, departments and
/// categories, looked up once.
pub(crate) struct World {
    places: Vec<Place>,
    departments: Vec<(String, i64)>,
    categories: Vec<(String, i64)>,
    manager_id: i64,
}

/// An invented project: its registry input, where it sits and which stage it has reached.
pub(crate) struct Invented {
    pub input: ProjectInput,
    pub region_path: String,
    pub category_code: &'static str,
}

impl World {
    /// Reads the demo district as the `office` account sees it.
    pub(crate) async fn load(store: &Store) -> Result<World, StoreError> {
        let office = store.actor_for_cli("office").await?;
        let manager = store.actor_for_cli("manager").await?;
        let scoped = store.scoped(&office, minxin_storage::identity::bootstrap::CLI_ADDRESS);
        let regions = scoped.org().regions().await?;
        Ok(World {
            places: places(&regions)?,
            departments: scoped
                .org()
                .departments(None)
                .await?
                .into_iter()
                .map(|d| (d.code, d.id))
                .collect(),
            categories: scoped
                .org()
                .categories()
                .await?
                .into_iter()
                .map(|c| (c.code, c.id))
                .collect(),
            manager_id: manager.account_id,
        })
    }

    fn department(&self, code: &str) -> Result<i64, StoreError> {
        self.departments
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| *id)
            .ok_or(StoreError::NotFound)
    }

    /// Invents one project of `year` that has reached `stage`.
    pub(crate) fn invent(
        &self,
        dice: &mut Dice,
        year: i32,
        stage: Stage,
        today: NaiveDate,
    ) -> Result<Invented, StoreError> {
        let (code, patterns, lead) = *dice.pick(&PATTERNS);
        let category_id = self
            .categories
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| *id)
            .ok_or(StoreError::NotFound)?;
        let place = dice.pick(&self.places);
        let (latitude, longitude) = place.cell.pick(dice);
        let estate = *dice.pick(&ESTATES);
        let name = dice
            .pick(patterns)
            .replace("{c}", &place.name)
            .replace("{s}", &place.street)
            .replace("{e}", estate);
        // This year's projects not yet under way start soon (approved) or have just started
        // (in procurement); the others started in the first half of their year.
        let start = match stage {
            s if s <= Stage::Approved && year == today.year() => {
                today + Duration::days(20 + dice.below(100) as i64)
            }
            Stage::Procurement if year == today.year() => {
                today - Duration::days(dice.below(60) as i64)
            }
            _ => NaiveDate::from_ymd_opt(year, 1 + dice.below(6) as u32, 1 + dice.below(28) as u32)
                .unwrap_or(today),
        };
        let end = start + Duration::days(150 + dice.below(300) as i64);
        let lead_id = self.department(lead)?;
        let mut partners = Vec::new();
        for candidate in ["FGJ", "CZJ", "DHJD", "STHJ", "MZJ"] {
            let id = self.department(candidate)?;
            if id != lead_id && dice.chance(20) {
                partners.push(id);
            }
        }
        let input = ProjectInput {
            code: String::new(),
            name,
            category_id,
            year,
            region_id: place.id,
            lead_department_id: lead_id,
            partner_department_ids: partners,
            owner_name: (*dice.pick(&OWNERS)).to_owned(),
            owner_phone: format!("13{:09}", dice.next() % 1_000_000_000),
            // The civil affairs bureau publishes its office line for the projects it leads;
            // the others show their owner's phone masked.
            public_phone: office_line(lead),
            manager_id: (lead == "ZJJ" && dice.chance(50)).then_some(self.manager_id),
            latitude: Some(latitude),
            longitude: Some(longitude),
            address: format!("示例区{}{}", place.street, place.name),
            planned_start: Some(start),
            planned_end: Some(end),
            budget: budget(dice, code, place.rural()),
            beneficiaries: Some(200 + dice.below(8000) as i64),
            description: format!("{}，惠及{}居民。", dice.pick(&DESCRIPTIONS), place.name),
            goals: (*dice.pick(&GOALS)).to_owned(),
            is_public: stage >= Stage::Approved || dice.chance(30),
        };
        Ok(Invented {
            input,
            region_path: place.path.clone(),
            category_code: code,
        })
    }
}

/// The office line a project led by the department `code` publishes (公开联系电话), so the
/// demo shows both kinds of public phone: the civil affairs bureau's telephone from the
/// organisation data, nothing for the other departments.
fn office_line(code: &str) -> String {
    if code != "MZJ" {
        return String::new();
    }
    crate::data::DEPARTMENTS
        .iter()
        .find(|(c, ..)| *c == code)
        .map(|(.., phone)| (*phone).to_owned())
        .unwrap_or_default()
}

/// Seeds the demo projects as the `office` account; `today` anchors all dates.
pub async fn seed(
    store: &Store,
    today: NaiveDate,
    mut progress: impl FnMut(&str),
) -> Result<(), StoreError> {
    let world = World::load(store).await?;
    let office = store.actor_for_cli("office").await?;
    let scoped = store.scoped(&office, minxin_storage::identity::bootstrap::CLI_ADDRESS);
    let mut dice = Dice::new();
    let mut past = PastProgress::default();
    let stages: Vec<Stage> = STAGE_SHARES
        .iter()
        .flat_map(|(stage, n)| std::iter::repeat_n(*stage, *n))
        .collect();
    for (i, stage) in stages.iter().enumerate().take(COUNT) {
        let year = if *stage >= Stage::Acceptance {
            2025
        } else {
            2026
        };
        let invented = world.invent(&mut dice, year, *stage, today)?;
        let draft = invented.input.parse().map_err(StoreError::Invalid)?;
        let project = scoped.projects().create(&draft).await?;
        let (start, end) = (
            invented.input.planned_start.unwrap_or(today),
            invented.input.planned_end.unwrap_or(today),
        );
        let plan: &[(&str, i32)] = if invented.category_code.starts_with("public_service") {
            &SERVICE_MILESTONES
        } else {
            &BUILD_MILESTONES
        };
        if *stage >= Stage::Approved {
            plan_milestones(
                &scoped, project.id, plan, start, end, *stage, today, &mut dice,
            )
            .await?;
        }
        let hold = match i % 41 {
            7 if *stage == Stage::Construction => Hold::Suspended,
            19 if *stage <= Stage::Procurement => Hold::Cancelled,
            _ => Hold::Active,
        };
        store
            .seed_project_history(project.id, &history(*stage, hold, start, today, &mut dice))
            .await?;
        if let Some(planned) = Planned::of(&project) {
            crate::progress::invent(&planned, *stage, today, &mut dice, &mut past);
        }
        if (i + 1) % 50 == 0 {
            progress(&format!("  {} projects", i + 1));
        }
    }
    progress(&format!(
        "progress 月度进度与资金: {} reports, {} contracts, {} money records",
        past.reports.len(),
        past.contracts.len(),
        past.money.len()
    ));
    store.seed_progress(&past).await?;
    let lights = store.refresh_lights().await?;
    progress(&format!(
        "  lights 红黄绿灯: {} projects, {} reminders",
        lights.projects, lights.reminded
    ));
    Ok(())
}

const DESCRIPTIONS: [&str; 6] = [
    "改造老化管网、外墙保温和屋面防水，完善无障碍设施",
    "新建服务用房并配置必要设备，引入专业机构运营",
    "提升道路路面、照明和排水，增设休憩设施",
    "更新设施设备，优化功能布局，延长服务时间",
    "建设集中处理设施，完善收集管网和日常管护机制",
    "补齐功能短板，建立群众评议和长效管护制度",
];

const GOALS: [&str; 4] = [
    "按期完工，群众满意度达到 90% 以上",
    "服务覆盖率提升至 95%，运营后年服务人次不少于 1 万",
    "消除安全隐患，设施完好率保持 98% 以上",
    "实现全年稳定运行，投诉办结率 100%",
];

/// A budget split by funding source, in fen, that adds up exactly.
fn budget(dice: &mut Dice, category: &str, rural: bool) -> BTreeMap<FundingSource, i64> {
    let total_wan = 30 + dice.below(1470) as i64;
    let total = total_wan * 1_000_000;
    let mut shares: Vec<(FundingSource, i64)> = vec![(FundingSource::County, 40)];
    shares.push((FundingSource::Municipal, 20 + dice.below(20) as i64));
    if dice.chance(50) || rural {
        shares.push((FundingSource::Provincial, 15));
    }
    if category.contains("water") || category.contains("old_housing") || category.contains("roads")
    {
        shares.push((FundingSource::Central, 25));
    }
    if category.contains("lifts") {
        shares.push((FundingSource::Residents, 30));
    }
    if category.contains("parking") || category.contains("elderly") {
        shares.push((FundingSource::SocialCapital, 20));
    }
    let weight: i64 = shares.iter().map(|(_, w)| w).sum();
    let mut lines = BTreeMap::new();
    let mut left = total;
    for (k, (source, w)) in shares.iter().enumerate() {
        let amount = if k + 1 == shares.len() {
            left
        } else {
            total * w / weight / 100 * 100
        };
        left -= amount;
        lines.insert(*source, amount);
    }
    lines
}

#[allow(clippy::too_many_arguments)]
async fn plan_milestones(
    scoped: &minxin_storage::Scoped<'_>,
    project_id: i64,
    plan: &[(&str, i32)],
    start: NaiveDate,
    end: NaiveDate,
    stage: Stage,
    today: NaiveDate,
    dice: &mut Dice,
) -> Result<(), StoreError> {
    let span = (end - start).num_days().max(1);
    let mut elapsed = 0;
    for (k, (name, weight)) in plan.iter().enumerate() {
        elapsed += span * i64::from(*weight) / 100;
        let planned = if k + 1 == plan.len() {
            end
        } else {
            start + Duration::days(elapsed)
        };
        let done = match stage {
            s if s >= Stage::Acceptance => true,
            Stage::Construction => planned + Duration::days(dice.below(40) as i64 - 10) < today,
            Stage::Procurement => k == 0,
            _ => false,
        };
        let actual = done.then(|| (planned + Duration::days(dice.below(25) as i64 - 8)).min(today));
        scoped
            .projects()
            .add_milestone(
                project_id,
                &MilestoneInput {
                    name: (*name).to_owned(),
                    planned_date: Some(planned),
                    weight: *weight,
                    actual_date: actual,
                },
            )
            .await?;
    }
    Ok(())
}

const ACTORS: [&str; 3] = ["office", "dept", "leader"];

/// The past moves that brought a project to `stage` (and `hold`), dated between its start and
/// today.
fn history(
    stage: Stage,
    hold: Hold,
    start: NaiveDate,
    today: NaiveDate,
    dice: &mut Dice,
) -> Vec<PastMove> {
    let mut moves = Vec::new();
    let steps = stage.index();
    let first = start - Duration::days(120);
    let span = (today.min(start + Duration::days(400)) - first)
        .num_days()
        .max(steps as i64 + 1);
    let at = |day: i64| {
        let date = first + Duration::days(day);
        Utc.with_ymd_and_hms(
            date.year(),
            date.month(),
            date.day(),
            9 + (day % 8) as u32,
            30,
            0,
        )
        .single()
        .unwrap_or_else(Utc::now)
    };
    let mut current = Stage::Demand;
    for k in 0..steps {
        let Some(next) = current.next() else { break };
        let day = span * (k as i64 + 1) / (steps as i64 + 1);
        moves.push(PastMove {
            at: at(day),
            actor_name: (*dice.pick(&ACTORS)).to_owned(),
            action: "advance",
            from: (current, Hold::Active),
            to: (next, Hold::Active),
            reason: String::new(),
        });
        current = next;
    }
    if hold != Hold::Active {
        let (action, reason) = if hold == Hold::Suspended {
            ("suspend", "管线迁改未完成，暂停施工")
        } else {
            ("cancel", "选址调整，项目并入其他工程")
        };
        moves.push(PastMove {
            at: at(span),
            actor_name: "office".into(),
            action,
            from: (current, Hold::Active),
            to: (current, hold),
            reason: reason.into(),
        });
    }
    moves
}
