//! The project set-ups of [`TestApp`]: projects created through the registry or seeded
//! straight in, the dictionary's categories, milestones and reports, and the reads-back tests
//! check what a page stored with. The tests call these instead of storage, so that a change of
//! storage's API touches few lines.

use super::TestApp;
use minxin_storage::PageRequest;
use minxin_storage::control::reports::{ProgressReport, ReportInput};
use minxin_storage::kernel::blobs::ObjectBlobStore;
use minxin_storage::org::Category;
use minxin_storage::projects::seed::BulkProject;
use minxin_storage::projects::{
    Attachment, Milestone, MilestoneInput, Project, ProjectFilter, ProjectInput,
};
use minxin_storage::testing::{PublicSeed, TestProject};

impl TestApp {
    /// Creates project `p` in the fixture; returns its id.
    pub async fn project(&self, p: TestProject) -> i64 {
        self.fx().project(p).await
    }

    /// The first subcategory of the dictionary as `office_a` reads it, for projects whose
    /// category does not matter.
    pub async fn subcategory(&self) -> i64 {
        self.categories()
            .await
            .into_iter()
            .find(|c| c.parent_id.is_some())
            .unwrap()
            .id
    }

    /// The id of the dictionary's category `name` as `office_a` reads it.
    pub async fn category(&self, name: &str) -> i64 {
        self.categories()
            .await
            .into_iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("the dictionary has no category {name}"))
            .id
    }

    async fn categories(&self) -> Vec<Category> {
        let office = self.actor("office_a").await;
        self.store()
            .scoped(&office, "t")
            .org()
            .categories()
            .await
            .unwrap()
    }

    /// Creates the project of `input` as account `username` through the registry.
    pub async fn create_project(&self, username: &str, input: &ProjectInput) -> Project {
        let actor = self.actor(username).await;
        self.store()
            .scoped(&actor, "t")
            .projects()
            .create(&input.parse().unwrap())
            .await
            .unwrap()
    }

    /// Project `id` as `office_a` reads it now, for checks of what a request stored.
    pub async fn read_project(&self, id: i64) -> Project {
        let office = self.actor("office_a").await;
        self.store()
            .scoped(&office, "t")
            .projects()
            .get(id)
            .await
            .unwrap()
    }

    /// Saves `input` over project `id` at `version` as account `username`, as its edit form
    /// would.
    pub async fn update_project(
        &self,
        username: &str,
        id: i64,
        version: i64,
        input: &ProjectInput,
    ) {
        let actor = self.actor(username).await;
        self.store()
            .scoped(&actor, "t")
            .projects()
            .update(id, version, &input.parse().unwrap())
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", self.backend));
    }

    /// Plans the milestone `input` on project `project_id` as `office_a`.
    pub async fn add_milestone(&self, project_id: i64, input: &MilestoneInput) -> Milestone {
        let office = self.actor("office_a").await;
        self.store()
            .scoped(&office, "t")
            .projects()
            .add_milestone(project_id, input)
            .await
            .unwrap()
    }

    /// Seeds the projects of `rows` straight into the registry, as the demo seeding does.
    pub async fn bulk_projects(&self, rows: &[BulkProject]) {
        self.store().seed_bulk_projects(rows).await.unwrap();
    }

    /// Files the progress report `input` on project `project_id` as account `username`.
    pub async fn file_report(&self, username: &str, project_id: i64, input: &ReportInput) {
        let actor = self.actor(username).await;
        self.store()
            .scoped(&actor, "t")
            .control()
            .file_report(project_id, input)
            .await
            .unwrap();
    }

    /// A public project named `name` with photos in this app's data directory, as the public
    /// pages show it.
    pub async fn public_project(&self, name: &'static str) -> PublicSeed {
        let blobs = ObjectBlobStore::local(&self.state.config.data_dir).unwrap();
        self.fx().public_project(name, &blobs).await
    }

    /// Project `project_id`'s progress reports as `office_a` reads them.
    pub async fn reports(&self, project_id: i64) -> Vec<ProgressReport> {
        let office = self.actor("office_a").await;
        self.store()
            .scoped(&office, "t")
            .control()
            .reports(project_id)
            .await
            .unwrap()
    }

    /// Project `project_id`'s documents as `office_a` lists them.
    pub async fn attachments(&self, project_id: i64) -> Vec<Attachment> {
        let office = self.actor("office_a").await;
        self.store()
            .scoped(&office, "t")
            .projects()
            .attachments(project_id)
            .await
            .unwrap()
    }

    /// Every project account `username` finds with `filter` (the first 200), read in full.
    pub async fn projects(&self, username: &str, filter: &ProjectFilter) -> Vec<Project> {
        let actor = self.actor(username).await;
        let scoped = self.store().scoped(&actor, "t");
        let page = scoped
            .projects()
            .list(filter, PageRequest::new(None, Some(200)))
            .await
            .unwrap();
        let mut out = Vec::new();
        for summary in page.items {
            out.push(scoped.projects().get(summary.id).await.unwrap());
        }
        out
    }

    /// How many projects `office_a` finds in the registry.
    pub async fn project_total(&self) -> i64 {
        let office = self.actor("office_a").await;
        self.store()
            .scoped(&office, "t")
            .projects()
            .list(&ProjectFilter::default(), PageRequest::new(None, None))
            .await
            .unwrap()
            .total
    }
}
