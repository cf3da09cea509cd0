//! 行政区划 administration (系统管理员): the region tree in code order, and forms to add a region
//! under another, rename or re-code one, and remove one that nothing uses.

use crate::kernel::chrome::Chrome;
use crate::kernel::edit::{self, Typed};
use crate::kernel::error::Failure;
use crate::kernel::form::{FormErrors, notice};
use crate::kernel::i18n::Lang;
use crate::kernel::page::{NoticeQuery, html};
use crate::kernel::staff::Staff;
use crate::kernel::widgets::{
    Choice, Id, Input, Params, optional_id, parsed, region_choices, settle,
};
use askama::Template;
use axum::response::Response;
use minxin_domain::Permission;
use minxin_domain::org::region::RegionLevel;
use minxin_storage::StoreError;
use minxin_storage::org::regions::{Region, RegionInput};
use serde::Deserialize;

/// A region as a row of the tree.
pub struct TreeRow {
    /// Id.
    pub id: i64,
    /// GB/T 2260 code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The level's name in the page language.
    pub level: &'static str,
    /// Depth below the root, for indentation.
    pub depth: usize,
    /// Whether a region can be added below it.
    pub has_child_level: bool,
}

/// The name of a region level in `lang`.
pub fn level_name(lang: Lang, level: &str) -> &'static str {
    lang.t(&format!("level.{level}"))
}

/// Regions as tree rows, in the (code) order storage returns them.
pub fn tree(lang: Lang, regions: &[Region]) -> Vec<TreeRow> {
    regions
        .iter()
        .map(|r| TreeRow {
            id: r.id,
            code: r.code.clone(),
            name: r.name.clone(),
            level: level_name(lang, &r.level),
            depth: r.depth().min(4),
            has_child_level: r.level().ok().and_then(RegionLevel::child).is_some(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "regions.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<TreeRow>,
    manage: bool,
    errors: FormErrors,
    failed: Option<String>,
}

async fn list_page(
    staff: &Staff,
    c: Chrome,
    errors: FormErrors,
    failed: Option<String>,
) -> Result<Response, Failure> {
    let regions = staff.store().org().regions().await?;
    html(&ListPage {
        rows: tree(c.lang, &regions),
        c,
        manage: true,
        errors,
        failed,
    })
}

/// GET /admin/regions
pub async fn list(staff: Staff, Params(q): Params<NoticeQuery>) -> Result<Response, Failure> {
    staff.permit(Permission::ManageOrganisation)?;
    let c = staff
        .chrome("/admin/regions")
        .with_notice(notice(q.notice.as_deref()));
    list_page(&staff, c, FormErrors::default(), None).await
}

/// The region form as typed; the same form creates (all fields) and edits (name and code).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegionForm {
    parent_id: String,
    level: String,
    code: String,
    name: String,
    version: String,
}

impl RegionForm {
    fn of(region: &Region) -> Self {
        RegionForm {
            parent_id: region.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            level: region.level.clone(),
            code: region.code.clone(),
            name: region.name.clone(),
            version: region.version.to_string(),
        }
    }
}

impl Typed for RegionForm {
    type Input = RegionInput;

    fn input(&self) -> Result<RegionInput, StoreError> {
        let mut problems = Vec::new();
        let parent_id = optional_id("parent_id", &self.parent_id, &mut problems);
        parsed(
            RegionInput {
                code: self.code.clone(),
                name: self.name.clone(),
                level: self.level.clone(),
                parent_id,
            },
            problems,
        )
    }
}

edit::versioned!(RegionForm, Region);

#[derive(Template)]
#[template(path = "region_form.html")]
struct FormPage {
    c: Chrome,
    errors: FormErrors,
    form: RegionForm,
    /// The region being edited; `None` when creating.
    region: Option<Region>,
    parents: Vec<Choice>,
    levels: Vec<Choice>,
    /// For editing: the level and the parent's name, shown but not editable.
    level_label: &'static str,
    parent_name: String,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.region {
            Some(r) => format!("/admin/regions/{}", r.id),
            None => "/admin/regions".to_owned(),
        }
    }
}

async fn form_page(
    staff: &Staff,
    form: RegionForm,
    region: Option<Region>,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let lang = staff.lang();
    let regions = staff.store().org().regions().await?;
    let levels = RegionLevel::ALL
        .iter()
        .skip(1)
        .map(|l| Choice::new(l.code(), level_name(lang, l.code()), &form.level))
        .collect();
    let parent_name = region
        .as_ref()
        .and_then(|r| regions.iter().find(|p| Some(p.id) == r.parent_id))
        .map(|p| p.name.clone())
        .unwrap_or_default();
    html(&FormPage {
        c: staff.chrome("/admin/regions"),
        parents: region_choices(&regions, &form.parent_id),
        levels,
        level_label: region.as_ref().map_or("", |r| level_name(lang, &r.level)),
        parent_name,
        errors,
        form,
        region,
    })
}

/// Query of the new-region form: the parent to preselect.
#[derive(Deserialize, Default)]
pub struct NewQuery {
    parent: Option<String>,
}

/// GET /admin/regions/new
pub async fn new(staff: Staff, Params(q): Params<NewQuery>) -> Result<Response, Failure> {
    staff.permit(Permission::ManageOrganisation)?;
    let mut form = RegionForm::default();
    if let Some(parent) = q.parent.as_deref().and_then(|p| p.parse().ok()) {
        let parent = staff.store().org().region(parent).await?;
        form.level = parent
            .level()
            .ok()
            .and_then(RegionLevel::child)
            .map(|l| l.code().to_owned())
            .unwrap_or_default();
        form.parent_id = parent.id.to_string();
    }
    form_page(&staff, form, None, FormErrors::default()).await
}

/// POST /admin/regions
pub async fn create(staff: Staff, Input(form): Input<RegionForm>) -> Result<Response, Failure> {
    edit::create(
        staff.lang(),
        form,
        "/admin/regions?notice=created",
        async |input| staff.store().org().create_region(input).await,
        async |form, errors| form_page(&staff, form, None, errors).await,
    )
    .await
}

/// GET /admin/regions/{id}
pub async fn edit(staff: Staff, Id(id): Id) -> Result<Response, Failure> {
    staff.permit(Permission::ManageOrganisation)?;
    let region = staff.store().org().region(id).await?;
    form_page(
        &staff,
        RegionForm::of(&region),
        Some(region),
        FormErrors::default(),
    )
    .await
}

/// POST /admin/regions/{id}
pub async fn update(
    staff: Staff,
    Id(id): Id,
    Input(form): Input<RegionForm>,
) -> Result<Response, Failure> {
    let store = staff.store();
    edit::update(
        staff.lang(),
        form,
        "/admin/regions?notice=saved",
        async |version, input| store.org().update_region(id, version, input).await,
        async || store.org().region(id).await,
        async |form, current, errors| form_page(&staff, form, Some(current), errors).await,
    )
    .await
}

/// POST /admin/regions/{id}/delete
pub async fn delete(staff: Staff, Id(id): Id) -> Result<Response, Failure> {
    let staff = &staff;
    let store = staff.store();
    let result = store.org().delete_region(id).await;
    settle(
        staff.lang(),
        result,
        "/admin/regions?notice=deleted",
        |errors, _| async move {
            let name = store.org().region(id).await?.name;
            let c = staff.chrome("/admin/regions");
            list_page(staff, c, errors, Some(name)).await
        },
    )
    .await
}
