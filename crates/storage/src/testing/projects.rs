//! Projects for tests of what happens once a project is under way (reports, money, lights,
//! dashboards, bulletins): created through the registry like any other, then put straight into
//! the stage the test needs — the lifecycle gates that would otherwise lead there are tested on
//! their own.

use super::{Fixture, execute_raw};
use crate::projects::ProjectInput;
use chrono::{Duration, NaiveDate};
use minxin_domain::projects::project::FundingSource;

/// What a test project looks like; [`TestProject::building`] gives the usual one.
#[derive(Debug, Clone)]
pub struct TestProject {
    /// Name.
    pub name: &'static str,
    /// The fixture account that creates it (the office of its district).
    pub office: &'static str,
    /// Region.
    pub region_id: i64,
    /// Lead department.
    pub lead_department_id: i64,
    /// Plan year.
    pub year: i32,
    /// Planned start.
    pub start: NaiveDate,
    /// Planned end.
    pub end: NaiveDate,
    /// Budget lines.
    pub budget: Vec<(FundingSource, i64)>,
    /// The stage it is put into.
    pub stage: &'static str,
    /// Reported percent complete.
    pub progress_percent: i32,
    /// Its project manager, if any.
    pub manager_id: Option<i64>,
}

impl TestProject {
    /// A 社区老年食堂 of district A's street, led by A-ZJ, in the 2026 plan, under construction
    /// since `started` days ago and due in `ends_in` days, with 1,000,000.00 元 from the county.
    pub fn building(f: &Fixture, name: &'static str, started: i64, ends_in: i64) -> Self {
        let today = crate::control::lights::today(f.store.db().now());
        TestProject {
            name,
            office: "office_a",
            region_id: f.street_a.id,
            lead_department_id: f.a_zj,
            year: 2026,
            start: today - Duration::days(started),
            end: today + Duration::days(ends_in),
            budget: vec![(FundingSource::County, 100_000_000)],
            stage: "construction",
            progress_percent: 0,
            manager_id: None,
        }
    }
}

impl Fixture {
    /// The id of the subcategory 老年食堂 (`public_service.elderly`) of the SPEC dictionary,
    /// the category every test project is filed under.
    ///
    /// # Panics
    ///
    /// When the dictionary lacks it (a broken fixture).
    pub async fn elderly_category(&self) -> i64 {
        let office = self.actor("office_a").await;
        self.store
            .scoped(&office, "t")
            .org()
            .categories()
            .await
            .expect("categories")
            .into_iter()
            .find(|c| c.code == "public_service.elderly")
            .expect("the SPEC dictionary has 老年食堂")
            .id
    }

    /// The registry input that creates `p`, filed under 老年食堂.
    pub async fn project_input(&self, p: &TestProject) -> ProjectInput {
        ProjectInput {
            name: p.name.into(),
            category_id: self.elderly_category().await,
            year: p.year,
            region_id: p.region_id,
            lead_department_id: p.lead_department_id,
            owner_name: "王建国".into(),
            owner_phone: "13800001234".into(),
            manager_id: p.manager_id,
            address: "幸福路 1 号".into(),
            planned_start: Some(p.start),
            planned_end: Some(p.end),
            budget: p.budget.iter().copied().collect(),
            is_public: true,
            ..ProjectInput::default()
        }
    }

    /// Creates `p` and returns its id.
    ///
    /// # Panics
    ///
    /// When the project cannot be created (a broken fixture).
    pub async fn project(&self, p: TestProject) -> i64 {
        let office = self.actor(p.office).await;
        let id = self
            .store
            .scoped(&office, "t")
            .projects()
            .create(
                &self
                    .project_input(&p)
                    .await
                    .parse()
                    .expect("a valid test project"),
            )
            .await
            .expect("a valid test project")
            .id;
        execute_raw(
            &self.store,
            &format!(
                "UPDATE projects SET stage = '{}', progress_percent = {} WHERE id = {id}",
                p.stage, p.progress_percent
            ),
        )
        .await
        .expect("stage set");
        id
    }

    /// The code of project `id`, by which the public pages, signboards and requests name it.
    ///
    /// # Panics
    ///
    /// When the project does not exist in district A.
    pub async fn project_code(&self, id: i64) -> String {
        let office = self.actor("office_a").await;
        let scoped = self.store.scoped(&office, "t");
        let project = scoped.projects().get(id).await.expect("the project exists");
        project.code
    }
}
