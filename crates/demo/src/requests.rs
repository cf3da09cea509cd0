//! Benchmark service requests: a year of invented residents' requests over the demo district's
//! communities, categories and channels, each in a state with the departments, deadlines, answer,
//! closing time and rating that state implies, so intake and the Open311 reads can be measured
//! against a million stored requests. Inserted in bulk through
//! [`Store::seed_bulk_requests`].

use crate::dice::Dice;
use crate::places::{Place, places};
use chrono::{DateTime, Duration, Utc};
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::requests::deadline::deadlines;
use minxin_domain::requests::intake::Channel;
use minxin_domain::requests::service_request::{Rating, RequestState};
use minxin_storage::requests::seed::BulkRequest;
use minxin_storage::{Store, StoreError};

/// Requests invented and inserted per round; each round reports progress.
const ROUND: usize = 10_000;

/// Per category: the department the office would route it to and what residents write.
const CATEGORIES: [(&str, &str, [&str; 3]); 8] = [
    (
        "road",
        "JTJ",
        [
            "{c}门口人行道砖松动，老人容易绊倒",
            "{c}附近路面有坑，雨天积水",
            "{c}路口井盖下沉",
        ],
    ),
    (
        "lighting",
        "CGJ",
        [
            "{c}小区外路灯不亮已有一周",
            "{c}公园路灯白天常亮",
            "{c}巷子里没有照明",
        ],
    ),
    (
        "drainage",
        "SWJ",
        ["{c}下雨后积水严重", "{c}雨水篦子堵塞", "{c}排水沟有异味"],
    ),
    (
        "construction",
        "ZJJ",
        [
            "{c}工地夜间施工噪音大",
            "{c}施工围挡破损有安全隐患",
            "{c}渣土车撒漏",
        ],
    ),
    (
        "quality",
        "ZJJ",
        [
            "{c}改造后的外墙开裂",
            "{c}新铺的路面起砂",
            "{c}加装电梯运行有异响",
        ],
    ),
    (
        "facility",
        "CGJ",
        ["{c}健身器材损坏", "{c}公交站座椅缺失", "{c}公厕无人保洁"],
    ),
    (
        "environment",
        "STHJ",
        [
            "{c}垃圾清运不及时",
            "{c}绿化带被占用堆放杂物",
            "{c}河道有漂浮物",
        ],
    ),
    (
        "suggestion",
        "MSZX",
        [
            "建议在{c}增设老年食堂",
            "建议{c}增加停车位",
            "建议{c}开放学校操场",
        ],
    ),
];

/// How requests come in, in percent (residents' channels first, then staff entry).
const CHANNELS: [(Channel, usize); 5] = [
    (Channel::Portal, 55),
    (Channel::Open311, 15),
    (Channel::Phone, 20),
    (Channel::WalkIn, 5),
    (Channel::Visit, 5),
];

const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];

/// What invented requests refer to, looked up once.
struct World {
    places: Vec<Place>,
    /// Per entry of [`CATEGORIES`]: its department's id and its answer days.
    categories: Vec<(i64, u32)>,
    grid: i64,
    calendar: WorkingCalendar,
}

impl World {
    async fn load(store: &Store) -> Result<World, StoreError> {
        let office = store.actor_for_cli("office").await?;
        let grid = store.actor_for_cli("grid").await?;
        let scoped = store.scoped(&office, minxin_storage::identity::bootstrap::CLI_ADDRESS);
        let regions = scoped.org().regions().await?;
        let places = places(&regions)?;
        let departments = scoped.org().departments(None).await?;
        let kinds = store
            .residents(minxin_storage::identity::bootstrap::CLI_ADDRESS)
            .categories()
            .await?;
        let mut categories = Vec::new();
        for (code, department, _) in CATEGORIES {
            let department = departments
                .iter()
                .find(|d| d.code == department)
                .ok_or(StoreError::NotFound)?;
            let kind = kinds
                .iter()
                .find(|k| k.code == code)
                .ok_or(StoreError::NotFound)?;
            categories.push((department.id, u32::try_from(kind.answer_days).unwrap_or(5)));
        }
        Ok(World {
            places,
            categories,
            grid: grid.account_id,
            calendar: WorkingCalendar::shipped(),
        })
    }

    /// Invents one request received within the year before `now`.
    fn invent(&self, dice: &mut Dice, now: DateTime<Utc>) -> BulkRequest {
        let which = dice.below(CATEGORIES.len());
        let (category, _, texts) = CATEGORIES[which];
        let (department, answer_days) = self.categories[which];
        let place = dice.pick(&self.places);
        let age = Duration::minutes(dice.below(365 * 24 * 60) as i64);
        let submitted_at = now - age;
        let due = deadlines(&self.calendar, submitted_at, 1, answer_days);
        let state = state_for(dice, age);
        let dispatched = state != RequestState::Submitted;
        let accepted = !matches!(state, RequestState::Submitted | RequestState::Assigned);
        let answered = matches!(state, RequestState::Answered | RequestState::Closed);
        let answered_at = answered.then(|| {
            let within = (due.answer_by - submitted_at).num_minutes().max(60);
            // Most answers come in time, one in ten late.
            let late = if dice.chance(10) { within } else { 0 };
            (submitted_at + Duration::minutes(dice.below(within as usize) as i64 + late)).min(now)
        });
        let closed_at = (state == RequestState::Closed)
            .then(|| answered_at.map(|at| (at + Duration::days(3)).min(now)))
            .flatten();
        let channel = pick_channel(dice);
        BulkRequest {
            category,
            description: dice.pick(&texts).replace("{c}", &place.name),
            point: place.cell.pick(dice),
            address: format!("{}{}", place.street, place.name),
            region_path: place.path.clone(),
            channel,
            entered_by: Channel::STAFF
                .contains(&channel)
                .then_some((self.grid, "grid")),
            contact: dice.chance(30).then(|| {
                (
                    format!("{}{}", dice.pick(&SURNAMES), dice.pick(&["先生", "女士"])),
                    format!("13{:09}", dice.below(1_000_000_000)),
                )
            }),
            state,
            holder: dispatched.then_some(department),
            owner: accepted.then_some(department),
            submitted_at,
            accept_by: due.accept_by,
            answer_by: due.answer_by,
            answer: answered_at.map(|at| ("已派人现场处理，问题已解决。".to_owned(), at)),
            closed_at,
            rating: closed_at.map(|_| match dice.below(10) {
                0 => Rating::Unsatisfied,
                1 | 2 => Rating::FairlySatisfied,
                _ => Rating::Satisfied,
            }),
            is_published: dice.chance(30),
        }
    }
}

/// Older requests are further along: the last days' still wait or are being worked on, most of
/// the year's are answered and closed.
fn state_for(dice: &mut Dice, age: Duration) -> RequestState {
    use RequestState::*;
    if age < Duration::days(3) {
        *dice.pick(&[Submitted, Assigned, Accepted, InProgress])
    } else if age < Duration::days(14) {
        *dice.pick(&[Assigned, Accepted, InProgress, Answered, Answered, Closed])
    } else if dice.chance(85) {
        Closed
    } else {
        *dice.pick(&[InProgress, Answered, Answered])
    }
}

fn pick_channel(dice: &mut Dice) -> Channel {
    let mut roll = dice.below(100);
    for (channel, percent) in CHANNELS {
        if roll < percent {
            return channel;
        }
        roll -= percent;
    }
    Channel::Portal
}

/// Adds `count` invented requests received in the year before `now` to a database holding the
/// demo district, reporting the number stored after every round.
pub async fn seed(
    store: &Store,
    count: usize,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize),
) -> Result<(), StoreError> {
    let world = World::load(store).await?;
    let mut dice = Dice::new();
    let mut done = 0;
    while done < count {
        let rows: Vec<BulkRequest> = (done..(done + ROUND).min(count))
            .map(|_| world.invent(&mut dice, now))
            .collect();
        done += store.seed_bulk_requests(&rows).await?;
        progress(done);
    }
    Ok(())
}
