//! `/projects/new` and `/projects/{id}/edit`: every registry field of a project in one form.
//! Typed text is parsed here (numbers, dates, coordinates, money in 元 or 万元) into field
//! problems; storage checks the rest. A refused save shows the form again with everything as
//! typed; a save over someone else's newer save is refused and lists what differs.

use super::{optional_date, optional_int, required_int, today};
use crate::error::Failure;
use crate::i18n::Lang;
use crate::pages::chrome::Chrome;
use crate::pages::form::FormErrors;
use crate::pages::html;
use crate::pages::widgets::{Choice, Id, Input, optional_id, parsed, required_id, scoped, version};
use crate::session::Signed;
use crate::state::AppState;
use crate::tiles::TileSource;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use minxin_domain::kernel::money::Fen;
use minxin_domain::org::region::RegionLevel;
use minxin_domain::projects::access::{may_create, may_manage};
use minxin_domain::projects::project::FundingSource;
use minxin_domain::{FieldProblem, Problem, Role};
use minxin_storage::StoreError;
use minxin_storage::departments::Department;
use minxin_storage::projects::{Category, Project, ProjectInput};
use serde::Deserialize;
use std::collections::BTreeMap;

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

fn date_text(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn coordinate_text(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

impl ProjectForm {
    /// An empty form for a new project of this year.
    fn blank() -> Self {
        ProjectForm {
            year: today().year().to_string(),
            ..Default::default()
        }
    }

    /// The form showing `p` as stored.
    fn of(p: &Project) -> Self {
        let mut form = ProjectForm {
            code: p.code.clone(),
            name: p.name.clone(),
            category_id: p.category_id.to_string(),
            year: p.year.to_string(),
            region_id: p.region_id.to_string(),
            lead_department_id: p.lead_department_id.to_string(),
            partner_department_ids: p.partners.iter().map(|d| d.id.to_string()).collect(),
            manager_id: p.manager_id.map(|m| m.to_string()).unwrap_or_default(),
            owner_name: p.owner_name.clone(),
            owner_phone: p.owner_phone.clone(),
            public_phone: p.public_phone.clone(),
            latitude: coordinate_text(p.latitude),
            longitude: coordinate_text(p.longitude),
            address: p.address.clone(),
            planned_start: date_text(p.planned_start),
            planned_end: date_text(p.planned_end),
            beneficiaries: p.beneficiaries.map(|b| b.to_string()).unwrap_or_default(),
            description: p.description.clone(),
            goals: p.goals.clone(),
            is_public: if p.is_public {
                "on".into()
            } else {
                String::new()
            },
            version: p.version.to_string(),
            ..Default::default()
        };
        for line in &p.budget {
            if let Ok(source) = line.source.parse::<FundingSource>() {
                *form.budget_mut(source) = Fen(line.amount_fen).yuan_plain();
            }
        }
        form
    }

    /// The amount typed for `source`.
    fn budget(&self, source: FundingSource) -> &str {
        match source {
            FundingSource::Central => &self.budget_central,
            FundingSource::Provincial => &self.budget_provincial,
            FundingSource::Municipal => &self.budget_municipal,
            FundingSource::County => &self.budget_county,
            FundingSource::SocialCapital => &self.budget_social,
            FundingSource::Residents => &self.budget_residents,
        }
    }

    fn budget_mut(&mut self, source: FundingSource) -> &mut String {
        match source {
            FundingSource::Central => &mut self.budget_central,
            FundingSource::Provincial => &mut self.budget_provincial,
            FundingSource::Municipal => &mut self.budget_municipal,
            FundingSource::County => &mut self.budget_county,
            FundingSource::SocialCapital => &mut self.budget_social,
            FundingSource::Residents => &mut self.budget_residents,
        }
    }

    /// Whether the partner checkbox of department `id` is ticked.
    fn partners(&self) -> &[String] {
        &self.partner_department_ids
    }

    /// The typed values as storage input. Every value that cannot be read is a problem on its
    /// field.
    fn input(&self) -> Result<ProjectInput, StoreError> {
        let mut p = Vec::new();
        let manager_id = optional_id("manager_id", &self.manager_id, &mut p);
        let category_id = required_id("category_id", &self.category_id, &mut p);
        let year = required_int("year", &self.year, &mut p);
        let region_id = required_id("region_id", &self.region_id, &mut p);
        let lead_department_id =
            required_id("lead_department_id", &self.lead_department_id, &mut p);
        let mut partner_department_ids = Vec::new();
        for raw in self
            .partner_department_ids
            .iter()
            .filter(|r| !r.trim().is_empty())
        {
            match raw.trim().parse() {
                Ok(id) => partner_department_ids.push(id),
                Err(_) => {
                    p.push(FieldProblem::new(
                        "partner_department_ids",
                        Problem::Malformed,
                    ));
                    break;
                }
            }
        }
        let latitude = coordinate("latitude", &self.latitude, &mut p);
        let longitude = coordinate("longitude", &self.longitude, &mut p);
        let planned_start = optional_date("planned_start", &self.planned_start, &mut p);
        let planned_end = optional_date("planned_end", &self.planned_end, &mut p);
        let mut budget = BTreeMap::new();
        for source in FundingSource::ALL {
            let raw = self.budget(*source).trim();
            if raw.is_empty() {
                continue;
            }
            match Fen::parse_yuan(raw) {
                Ok(fen) if fen.0 < 0 => {
                    p.push(FieldProblem::new(budget_field(*source), Problem::Malformed));
                }
                Ok(fen) => {
                    budget.insert(*source, fen.0);
                }
                Err(problem) => p.push(FieldProblem::new(budget_field(*source), problem)),
            }
        }
        let beneficiaries = optional_int("beneficiaries", &self.beneficiaries, &mut p);
        parsed(
            ProjectInput {
                code: self.code.clone(),
                name: self.name.clone(),
                category_id,
                year,
                region_id,
                lead_department_id,
                partner_department_ids,
                owner_name: self.owner_name.clone(),
                owner_phone: self.owner_phone.clone(),
                public_phone: self.public_phone.clone(),
                manager_id,
                latitude,
                longitude,
                address: self.address.clone(),
                planned_start,
                planned_end,
                budget,
                beneficiaries,
                description: self.description.clone(),
                goals: self.goals.clone(),
                is_public: !self.is_public.is_empty(),
            },
            p,
        )
    }
}

/// A coordinate in decimal degrees; blank is `None`.
fn coordinate(field: &'static str, raw: &str, problems: &mut Vec<FieldProblem>) -> Option<f64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            problems.push(FieldProblem::new(field, Problem::Malformed));
            None
        }
    }
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

/// A field whose latest saved value differs from the input, shown after a conflict.
pub struct Difference {
    /// The field's label.
    pub label: &'static str,
    /// The latest saved value, readable.
    pub saved: String,
}

/// Whether two typed values mean the same: equal text, or equal numbers.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a == b
        || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if x == y)
        || matches!((Fen::parse_yuan(a), Fen::parse_yuan(b)), (Ok(x), Ok(y)) if x == y)
        || (a.is_empty() && Fen::parse_yuan(b) == Ok(Fen::ZERO))
        || (b.is_empty() && Fen::parse_yuan(a) == Ok(Fen::ZERO))
}

/// The fields where `mine` differs from the saved project `theirs`.
fn differences(lang: Lang, mine: &ProjectForm, theirs: &Project) -> Vec<Difference> {
    let saved = ProjectForm::of(theirs);
    let mut out = Vec::new();
    let mut check = |label: &'static str, a: &str, b: &str, shown: String| {
        if !same(a, b) {
            out.push(Difference {
                label,
                saved: if shown.is_empty() {
                    lang.t("projects.empty_value").to_owned()
                } else {
                    shown
                },
            });
        }
    };
    let t = |key: &str| lang.t(key);
    check(
        t("project.field.code"),
        &mine.code,
        &saved.code,
        saved.code.clone(),
    );
    check(
        t("project.field.name"),
        &mine.name,
        &saved.name,
        saved.name.clone(),
    );
    check(
        t("project.field.category"),
        &mine.category_id,
        &saved.category_id,
        theirs.category_name.clone(),
    );
    check(
        t("project.field.year"),
        &mine.year,
        &saved.year,
        saved.year.clone(),
    );
    check(
        t("project.field.region"),
        &mine.region_id,
        &saved.region_id,
        theirs.region_name.clone(),
    );
    check(
        t("project.field.lead"),
        &mine.lead_department_id,
        &saved.lead_department_id,
        theirs.lead_department_name.clone(),
    );
    let mut mine_partners = mine.partner_department_ids.clone();
    let mut their_partners = saved.partner_department_ids.clone();
    mine_partners.sort();
    their_partners.sort();
    if mine_partners != their_partners {
        check(
            t("project.field.partners"),
            "a",
            "b",
            theirs
                .partners
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
        );
    }
    check(
        t("project.field.owner_name"),
        &mine.owner_name,
        &saved.owner_name,
        saved.owner_name.clone(),
    );
    check(
        t("project.field.owner_phone"),
        &mine.owner_phone,
        &saved.owner_phone,
        saved.owner_phone.clone(),
    );
    check(
        t("project.field.public_phone"),
        &mine.public_phone,
        &saved.public_phone,
        saved.public_phone.clone(),
    );
    check(
        t("project.field.latitude"),
        &mine.latitude,
        &saved.latitude,
        saved.latitude.clone(),
    );
    check(
        t("project.field.longitude"),
        &mine.longitude,
        &saved.longitude,
        saved.longitude.clone(),
    );
    check(
        t("project.field.address"),
        &mine.address,
        &saved.address,
        saved.address.clone(),
    );
    check(
        t("project.field.planned_start"),
        &mine.planned_start,
        &saved.planned_start,
        saved.planned_start.clone(),
    );
    check(
        t("project.field.planned_end"),
        &mine.planned_end,
        &saved.planned_end,
        saved.planned_end.clone(),
    );
    for source in FundingSource::ALL {
        let theirs_text = saved.budget(*source).to_owned();
        check(
            super::source_name(lang, *source),
            mine.budget(*source),
            &theirs_text,
            theirs_text.clone(),
        );
    }
    check(
        t("project.field.beneficiaries"),
        &mine.beneficiaries,
        &saved.beneficiaries,
        saved.beneficiaries.clone(),
    );
    check(
        t("project.field.description"),
        &mine.description,
        &saved.description,
        saved.description.clone(),
    );
    check(
        t("project.field.goals"),
        &mine.goals,
        &saved.goals,
        saved.goals.clone(),
    );
    if mine.is_public.is_empty() != saved.is_public.is_empty() {
        let shown = if theirs.is_public {
            t("projects.yes")
        } else {
            t("projects.no")
        };
        check(t("project.field.is_public"), "a", "b", shown.to_owned());
    }
    out
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

/// Departments as options, labelled with their region, selected when `chosen` holds their id.
fn department_options(departments: &[&Department], chosen: &[String]) -> Vec<Choice> {
    departments
        .iter()
        .map(|d| {
            let value = d.id.to_string();
            Choice {
                selected: chosen.contains(&value),
                label: format!("{}（{}）", d.name, d.region_name),
                value,
            }
        })
        .collect()
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
    let categories = store.categories().await?;
    let regions = store.regions().await?;
    let departments = store.project_departments().await?;
    let managers = store
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
    let leads: Vec<&Department> = departments
        .iter()
        .filter(|d| actor.roles.has(Role::Office) || actor.scope.departments.contains(&d.id))
        .collect();
    let all: Vec<&Department> = departments.iter().collect();
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
        regions: crate::pages::widgets::region_choices(&regions, &form.region_id),
        leads: department_options(&leads, std::slice::from_ref(&form.lead_department_id)),
        partners: department_options(&all, form.partners()),
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
    let mut form = ProjectForm::blank();
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
    let result = async { scoped(&state, &s).create_project(&form.input()?).await }.await;
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
    let project = scoped(&state, &s).project(id).await?;
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
    let before = store.project(id).await?;
    if !may_manage(&s.session.actor, before.ownership()) {
        return Err(forbidden());
    }
    let result = async {
        let input = form.input()?;
        store
            .update_project(id, version(&form.version), &input)
            .await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}?notice=saved")).into_response()),
        Err(e) => {
            let conflict = matches!(e, StoreError::Conflict);
            let mut errors = FormErrors::from_store(lang, e)?;
            let current = store.project(id).await?;
            let mut differences = Vec::new();
            if conflict {
                errors.add("_form", lang.t("projects.conflict_hint"));
                differences = self::differences(lang, &form, &current);
                // Saving again now is a deliberate choice made after seeing the differences.
                form.version = current.version.to_string();
            }
            form_page(&state, &s, form, Some(&current), errors, differences).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProjectForm {
        ProjectForm {
            name: "示例项目".into(),
            category_id: "5".into(),
            year: "2026".into(),
            region_id: "3".into(),
            lead_department_id: "1".into(),
            owner_name: "张三".into(),
            owner_phone: "13800000000".into(),
            ..Default::default()
        }
    }

    fn problems(f: &ProjectForm) -> Vec<FieldProblem> {
        match f.input() {
            Err(StoreError::Invalid(p)) => p,
            Err(other) => panic!("{other}"),
            Ok(_) => Vec::new(),
        }
    }

    #[test]
    fn money_is_read_in_yuan_or_wan_per_source() {
        let mut f = form();
        f.budget_central = "1,234.50".into();
        f.budget_county = "12.5万元".into();
        f.budget_social = " ".into();
        f.manager_id = "9".into();
        let input = f.input().unwrap();
        assert_eq!(input.budget[&FundingSource::Central], 123_450);
        assert_eq!(input.budget[&FundingSource::County], 12_500_000);
        assert!(!input.budget.contains_key(&FundingSource::SocialCapital));
        assert_eq!(input.manager_id, Some(9));

        f.budget_provincial = "12.345".into();
        f.budget_residents = "-5".into();
        f.budget_municipal = "abc".into();
        assert_eq!(
            problems(&f),
            vec![
                FieldProblem::new("budget_provincial", Problem::MoneyPrecision),
                FieldProblem::new("budget_municipal", Problem::Malformed),
                FieldProblem::new("budget_residents", Problem::Malformed),
            ]
        );
    }

    #[test]
    fn unreadable_values_become_field_problems() {
        let mut f = form();
        f.year = "二〇二六".into();
        f.category_id = String::new();
        f.latitude = "NaN".into();
        f.longitude = "120.1".into();
        f.planned_start = "2026-13-01".into();
        f.beneficiaries = "1e3".into();
        f.partner_department_ids = vec!["2".into(), "x".into()];
        let fields: Vec<&str> = problems(&f).iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "category_id",
                "year",
                "partner_department_ids",
                "latitude",
                "planned_start",
                "beneficiaries"
            ]
        );
    }

    #[test]
    fn same_values_in_other_spellings_are_not_differences() {
        assert!(same("1200000.00", "120万"));
        assert!(same("", "0.00"));
        assert!(same("30.5", "30.50"));
        assert!(same(" 老旧小区 ", "老旧小区"));
        assert!(!same("A", "B"));
    }
}
