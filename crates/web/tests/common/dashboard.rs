//! Projects for the dashboard tests: lit as the light refresh would leave them.

use chrono::{Datelike, Duration};
use minxin_domain::light::{AssessedReason, Assessment, Light, Reason};
use minxin_domain::project::FundingSource;
use minxin_storage::progress::lights::today;
use minxin_storage::projects::ProjectInput;
use minxin_storage::testing::{Fixture, execute_raw};

/// The reason every red test project carries.
pub fn overdue() -> Reason {
    Reason::MilestoneOverdue {
        name: "主体施工".into(),
        planned: today() - Duration::days(21),
        days: 21,
    }
}

/// A project of this year's plan in district A's street, under construction, with `light`
/// (and [`overdue`] as its reason); returns its id.
pub async fn lit_project(fx: &Fixture, name: &str, light: Light) -> i64 {
    let office = fx.actor("office_a").await;
    let s = fx.store.scoped(&office, "t");
    let category = s
        .categories()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.parent_id.is_some())
        .unwrap()
        .id;
    let p = s
        .create_project(&ProjectInput {
            name: name.into(),
            category_id: category,
            year: today().year(),
            region_id: fx.street_a.id,
            lead_department_id: fx.a_zj,
            owner_name: "王建国".into(),
            owner_phone: "13800001234".into(),
            planned_start: Some(today() - Duration::days(60)),
            planned_end: Some(today() + Duration::days(120)),
            budget: [(FundingSource::County, 100_000_000)].into_iter().collect(),
            ..ProjectInput::default()
        })
        .await
        .unwrap();
    let assessment = Assessment {
        light,
        reasons: vec![AssessedReason {
            light,
            reason: overdue(),
        }],
    };
    execute_raw(
        &fx.store,
        &format!(
            "UPDATE projects SET stage = 'construction', light = '{}', light_reasons = '{}' \
             WHERE id = {}",
            light.code(),
            serde_json::to_string(&assessment).unwrap(),
            p.id
        ),
    )
    .await
    .unwrap();
    p.id
}
