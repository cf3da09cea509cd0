//! Projects for the dashboard tests: lit as the light refresh would leave them.

use chrono::{Datelike, Duration};
use minxin_domain::control::light::{AssessedReason, Assessment, Light, Reason};
use minxin_storage::testing::today;
use minxin_storage::testing::{Fixture, TestProject, execute_raw};

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
pub async fn lit_project(fx: &Fixture, name: &'static str, light: Light) -> i64 {
    let id = fx
        .project(TestProject {
            name,
            year: today().year(),
            ..TestProject::building(fx, name, 60, 120)
        })
        .await;
    set_light(fx, id, light).await;
    id
}

/// Puts `light` (with [`overdue`] as its reason) on project `id`, whatever the rules would say.
pub async fn set_light(fx: &Fixture, id: i64, light: Light) {
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
            "UPDATE projects SET light = '{}', light_reasons = '{}' WHERE id = {id}",
            light.code(),
            serde_json::to_string(&assessment).unwrap(),
        ),
    )
    .await
    .unwrap();
}
