//! `/projects/new` and `/projects/{id}/edit`: every registry field of a project in one form.
//! Typed text is read (numbers, dates, coordinates, money in 元 or 万元) and parsed into a
//! draft with every field problem at once (`input.rs`); storage checks what needs the database. A refused save shows the form again with everything
//! as typed; a save over someone else's newer save is refused and lists what differs
//! (`conflict.rs`).

use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::tiles::TileSource;
use crate::kernel::widgets::{Choice, Id, Input, department_choices, scoped, version};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minxin_domain::Role;
use minxin_domain::org::region::RegionLevel;
use minxin_domain::projects::access::{may_create, may_manage};
use minxin_domain::projects::project::FundingSource;
use minxin_storage::StoreError;
use minxin_storage::org::Category;
use minxin_storage::org::departments::Department;
use minxin_storage::projects::Project;
use serde::Deserialize;

mod conflict;
mod input;

use conflict::Difference;
/// The form field of a funding source's amount.
pub fn budget_field(source: FundingSource) -> &'static str {
    match source {
        FundingSource::Central => "budget_central",
        FundingSource::Provincial => "budget_provincial",
        FundingSource::Municipal => "budget_municipal",
        FundingSource::County => "budget_county",
        FundingSource::SocialCapital => "budget_social",
        FundingSource::Residents => "budget_residents",
    }
}

/// The project form as typed. Everything is text so that whatever was typed can be shown again.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectForm {
    code: String,
    name: String,
    category_id: String,
    year: String,
    region_id: String,
    lead_department_id: String,
    partner_department_ids: Vec<String>,
    manager_id: String,
    owner_name: String,
    owner_phone: String,
    public_phone: String,
    latitude: String,
    longitude: String,
    address: String,
    planned_start: String,
    planned_end: String,
    budget_central: String,
    budget_provincial: String,
    budget_municipal: String,
    budget_county: String,
    budget_social: String,
    budget_residents: String,
    beneficiaries: String,
    description: String,
    goals: String,
    is_public: String,
    version: String,
}

/// Subcategories for the category select, grouped under their top-level category.
pub struct CategoryGroup {
    /// The top-level category's name.
    pub label: String,
    /// Its subcategories.
    pub options: Vec<Choice>,
}

/// Subcategories grouped by top-level category (the dictionary has two levels).
pub fn category_groups(categories: &[Category], current: &str) -> Vec<CategoryGroup> {
    categories
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|top| CategoryGroup {
            label: top.name.clone(),
            options: categories
                .iter()
                .filter(|c| c.parent_id == Some(top.id))
                .map(|c| Choice::new(c.id, c.name.clone(), current))
                .collect(),
        })
        .filter(|g| !g.options.is_empty())
        .collect()
}

/// One funding source's input.
pub struct BudgetRow {
    /// Form field name and element id.
    pub field: &'static str,
    /// The source's name.
    pub label: &'static str,
    /// As typed.
    pub value: String,
}

/// What the form page shows about the project being edited.
pub struct Header {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

#[derive(Template)]
#[template(path = "project_form.html")]
struct FormPage {
    c: Chrome,
    errors: FormErrors,
    form: ProjectForm,
    project: Option<Header>,
    groups: Vec<CategoryGroup>,
    regions: Vec<Choice>,
    leads: Vec<Choice>,
    partners: Vec<Choice>,
    managers: Vec<Choice>,
    budget: Vec<BudgetRow>,
    differences: Vec<Difference>,
    tiles: TileSource,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.project {
            Some(p) => format!("/projects/{}/edit", p.id),
            None => "/projects".to_owned(),
        }
    }

    fn back(&self) -> String {
        match &self.project {
            Some(p) => format!("/projects/{}", p.id),
            None => "/projects".to_owned(),
        }
    }
}

async fn form_page(
    state: &AppState,
    s: &Signed,
    form: ProjectForm,
    project: Option<&Project>,
    errors: FormErrors,
    differences: Vec<Difference>,
) -> Result<Response, Failure> {
    let lang = s.client.lang;
    let store = scoped(state, s);
    let categories = store.org().categories().await?;
    let regions = store.org().regions().await?;
    let departments = store.projects().project_departments().await?;
    let managers = store
        .projects()
        .assignable_managers()
        .await?
        .into_iter()
        .map(|m| {
            let label = match m.department_name {
                Some(d) => format!("{}（{d}）", m.display_name),
                None => m.display_name,
            };
            Choice::new(m.id, label, &form.manager_id)
        })
        .collect();
    let actor = &s.session.actor;
    // Department staff lead only with their own departments (storage refuses anything else).
    let leads: Vec<Department> = departments
        .iter()
        .filter(|d| actor.roles.has(Role::Office) || actor.scope.departments.contains(&d.id))
        .cloned()
        .collect();
    let regions: Vec<_> = regions
        .into_iter()
        .filter(|r| r.level().is_ok_and(|l| l >= RegionLevel::District))
        .collect();
    html(&FormPage {
        c: Chrome::signed(
            state,
            s,
            &project.map_or_else(
                || "/projects/new".to_owned(),
                |p| format!("/projects/{}/edit", p.id),
            ),
        ),
        errors,
        groups: category_groups(&categories, &form.category_id),
        regions: crate::kernel::widgets::region_choices(&regions, &form.region_id),
        leads: department_choices(&leads, std::slice::from_ref(&form.lead_department_id)),
        partners: department_choices(&departments, form.partners()),
        managers,
        budget: FundingSource::ALL
            .iter()
            .map(|source| BudgetRow {
                field: budget_field(*source),
                label: super::source_name(lang, *source),
                value: form.budget(*source).to_owned(),
            })
            .collect(),
        differences,
        project: project.map(|p| Header {
            id: p.id,
            code: p.code.clone(),
            name: p.name.clone(),
        }),
        form,
        tiles: state.config.tiles.clone(),
    })
}

fn forbidden() -> Failure {
    Failure::new(StatusCode::FORBIDDEN, "forbidden")
}

/// GET /projects/new
pub async fn new(State(state): State<AppState>, s: Signed) -> Result<Response, Failure> {
    if !may_create(&s.session.actor) {
        return Err(forbidden());
    }
    let mut form = ProjectForm::blank(crate::projects::pages::today(&state));
    // Department staff with one department lead with it; preselect it.
    if let [only] = s.session.actor.scope.departments[..] {
        form.lead_department_id = only.to_string();
    }
    form_page(&state, &s, form, None, FormErrors::default(), Vec::new()).await
}

/// POST /projects
pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    Input(form): Input<ProjectForm>,
) -> Result<Response, Failure> {
    // Storage refuses anyway; checking first spares a refused user a form full of messages.
    if !may_create(&s.session.actor) {
        return Err(forbidden());
    }
    let result = async { scoped(&state, &s).projects().create(&form.draft()?).await }.await;
    match result {
        Ok(project) => {
            Ok(Redirect::to(&format!("/projects/{}?notice=created", project.id)).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_store(s.client.lang, e)?;
            form_page(&state, &s, form, None, errors, Vec::new()).await
        }
    }
}

/// GET /projects/{id}/edit
pub async fn edit(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> Result<Response, Failure> {
    let project = scoped(&state, &s).projects().get(id).await?;
    if !may_manage(&s.session.actor, project.ownership()) {
        return Err(forbidden());
    }
    let form = ProjectForm::of(&project);
    form_page(
        &state,
        &s,
        form,
        Some(&project),
        FormErrors::default(),
        Vec::new(),
    )
    .await
}

/// POST /projects/{id}/edit
pub async fn update(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Input(mut form): Input<ProjectForm>,
) -> Result<Response, Failure> {
    let lang = s.client.lang;
    let store = scoped(&state, &s);
    let before = store.projects().get(id).await?;
    if !may_manage(&s.session.actor, before.ownership()) {
        return Err(forbidden());
    }
    let result = async {
        let draft = form.draft()?;
        store
            .projects()
            .update(id, version(&form.version), &draft)
            .await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}?notice=saved")).into_response()),
        Err(e) => {
            let conflict = matches!(e, StoreError::Conflict);
            let mut errors = FormErrors::from_store(lang, e)?;
            let current = store.projects().get(id).await?;
            let mut differences = Vec::new();
            if conflict {
                errors.add("_form", lang.t("projects.conflict_hint"));
                differences = conflict::differences(lang, &form, &current);
                // Saving again now is a deliberate choice made after seeing the differences.
                form.version = current.version.to_string();
            }
            form_page(&state, &s, form, Some(&current), errors, differences).await
        }
    }
}
