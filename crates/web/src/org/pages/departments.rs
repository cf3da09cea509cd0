//! 部门/单位 administration (系统管理员): the departments in scope with a text filter, and forms
//! to create, edit and remove them.

use crate::kernel::chrome::Chrome;
use crate::kernel::edit::{self, Typed};
use crate::kernel::error::Failure;
use crate::kernel::form::{FormErrors, notice};
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use crate::kernel::widgets::{
    Choice, Id, Input, Params, parsed, region_choices, required_id, settle,
};
use askama::Template;
use axum::response::Response;
use minxin_domain::Permission;
use minxin_storage::StoreError;
use minxin_storage::org::departments::{Department, DepartmentInput};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "departments.html")]
struct ListPage {
    c: Chrome,
    departments: Vec<Department>,
    q: String,
    manage: bool,
    errors: FormErrors,
    failed: Option<String>,
}

/// Query of the department list.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    notice: Option<String>,
}

async fn list_page(
    staff: &Staff,
    q: String,
    errors: FormErrors,
    failed: Option<String>,
    notice: Option<&'static str>,
) -> Result<Response, Failure> {
    let text = Some(q.trim()).filter(|t| !t.is_empty());
    let departments = staff.store().org().departments(text).await?;
    html(&ListPage {
        c: staff.chrome("/admin/departments").with_notice(notice),
        departments,
        q,
        manage: true,
        errors,
        failed,
    })
}

/// GET /admin/departments
pub async fn list(staff: Staff, Params(q): Params<ListQuery>) -> Result<Response, Failure> {
    staff.permit(Permission::ManageOrganisation)?;
    let text = q.q.unwrap_or_default();
    let notice = notice(q.notice.as_deref());
    list_page(&staff, text, FormErrors::default(), None, notice).await
}

/// The department form as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DepartmentForm {
    code: String,
    name: String,
    region_id: String,
    phone: String,
    version: String,
}

impl DepartmentForm {
    /// The form of a stored department.
    fn of(d: &Department) -> Self {
        DepartmentForm {
            code: d.code.clone(),
            name: d.name.clone(),
            region_id: d.region_id.to_string(),
            phone: d.phone.clone().unwrap_or_default(),
            version: d.version.to_string(),
        }
    }
}

impl Typed for DepartmentForm {
    type Input = DepartmentInput;

    fn input(&self) -> Result<DepartmentInput, StoreError> {
        let mut problems = Vec::new();
        let region_id = required_id("region_id", &self.region_id, &mut problems);
        parsed(
            DepartmentInput {
                code: self.code.clone(),
                name: self.name.clone(),
                region_id,
                phone: self.phone.clone(),
            },
            problems,
        )
    }
}

edit::versioned!(DepartmentForm, Department);

#[derive(Template)]
#[template(path = "department_form.html")]
struct FormPage {
    c: Chrome,
    errors: FormErrors,
    form: DepartmentForm,
    /// The id of the department being edited; `None` when creating.
    id: Option<i64>,
    regions: Vec<Choice>,
}

impl FormPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/admin/departments/{id}"),
            None => "/admin/departments".to_owned(),
        }
    }
}

async fn form_page(
    staff: &Staff,
    form: DepartmentForm,
    id: Option<i64>,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let regions = staff.store().org().regions().await?;
    html(&FormPage {
        c: staff.chrome("/admin/departments"),
        regions: region_choices(&regions, &form.region_id),
        errors,
        form,
        id,
    })
}

/// GET /admin/departments/new
pub async fn new(staff: Staff) -> Result<Response, Failure> {
    staff.permit(Permission::ManageOrganisation)?;
    form_page(
        &staff,
        DepartmentForm::default(),
        None,
        FormErrors::default(),
    )
    .await
}

/// POST /admin/departments
pub async fn create(staff: Staff, Input(form): Input<DepartmentForm>) -> Result<Response, Failure> {
    staff
        .store()
        .require(Permission::ManageOrganisation)
        .await?;
    edit::create(
        staff.lang(),
        form,
        "/admin/departments?notice=created",
        async |input| staff.store().org().create_department(input).await,
        async |form, errors| form_page(&staff, form, None, errors).await,
    )
    .await
}

/// GET /admin/departments/{id}
pub async fn edit(staff: Staff, Id(id): Id) -> Result<Response, Failure> {
    staff.permit(Permission::ManageOrganisation)?;
    let department = staff.store().org().department(id).await?;
    let form = DepartmentForm::of(&department);
    form_page(&staff, form, Some(id), FormErrors::default()).await
}

/// POST /admin/departments/{id}
pub async fn update(
    staff: Staff,
    Id(id): Id,
    Input(form): Input<DepartmentForm>,
) -> Result<Response, Failure> {
    let store = staff.store();
    edit::update(
        staff.lang(),
        form,
        "/admin/departments?notice=saved",
        async |version, input| store.org().update_department(id, version, input).await,
        async || store.org().department(id).await,
        async |form, _, errors| form_page(&staff, form, Some(id), errors).await,
    )
    .await
}

/// POST /admin/departments/{id}/delete
pub async fn delete(staff: Staff, Id(id): Id) -> Result<Response, Failure> {
    let staff = &staff;
    let store = staff.store();
    let result = store.org().delete_department(id).await;
    settle(
        staff.lang(),
        result,
        "/admin/departments?notice=deleted",
        |errors, _| async move {
            let name = store.org().department(id).await?.name;
            list_page(staff, String::new(), errors, Some(name), None).await
        },
    )
    .await
}
