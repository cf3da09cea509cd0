//! Role and data-scope grants (安全管理员): the account list, and per account a form of role
//! checkboxes, the root region of the data scope and the departments it may be narrowed to.

use super::accounts::{AccountQuery, AccountRow, list_page, save};
use crate::kernel::chrome::Chrome;
use crate::kernel::edit::{self, Typed};
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use crate::kernel::widgets::{
    Choice, Id, Input, Params, department_choices, optional_id, parsed, region_choices,
};
use askama::Template;
use axum::response::Response;
use minxin_domain::{FieldProblem, Permission, Problem, Role};
use minxin_storage::StoreError;
use minxin_storage::identity::accounts::{AccessInput, Account};
use serde::Deserialize;

/// GET /access
pub async fn list(staff: Staff, Params(q): Params<AccountQuery>) -> Result<Response, Failure> {
    list_page(&staff, &q, Permission::GrantRoles, "/access").await
}

/// The grant form as typed: checked role codes, the scope's root region and checked
/// departments.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccessForm {
    roles: Vec<String>,
    scope_region_id: String,
    scope_departments: Vec<String>,
    version: String,
}

impl AccessForm {
    fn of(a: &Account) -> Self {
        AccessForm {
            roles: a.roles.clone(),
            scope_region_id: a.scope_region_id.map(|r| r.to_string()).unwrap_or_default(),
            scope_departments: a.scope_departments.iter().map(|d| d.to_string()).collect(),
            version: a.version.to_string(),
        }
    }
}

impl Typed for AccessForm {
    type Input = AccessInput;

    fn input(&self) -> Result<AccessInput, StoreError> {
        let mut problems = Vec::new();
        let scope_region_id = optional_id("scope_region_id", &self.scope_region_id, &mut problems);
        let mut scope_departments = Vec::new();
        for raw in &self.scope_departments {
            match raw.trim().parse() {
                Ok(id) => scope_departments.push(id),
                Err(_) => problems.push(FieldProblem::new("scope_departments", Problem::Malformed)),
            }
        }
        parsed(
            AccessInput {
                roles: self.roles.clone(),
                scope_region_id,
                scope_departments,
            },
            problems,
        )
    }
}

edit::versioned!(AccessForm);

#[derive(Template)]
#[template(path = "access_form.html")]
struct FormPage {
    c: Chrome,
    errors: FormErrors,
    form: AccessForm,
    account: AccountRow,
    /// Whether the account is the granter's own, which 三员分立 forbids changing.
    own: bool,
    roles: Vec<Choice>,
    regions: Vec<Choice>,
    departments: Vec<Choice>,
}

async fn form_page(
    staff: &Staff,
    form: AccessForm,
    account: &Account,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let lang = staff.lang();
    let store = staff.store();
    let regions = store.org().regions().await?;
    let departments = store.org().departments(None).await?;
    let roles = Role::ALL
        .iter()
        .map(|r| Choice {
            value: r.code().to_owned(),
            label: lang.t(&format!("role.{}", r.code())).to_owned(),
            selected: form.roles.iter().any(|x| x == r.code()),
        })
        .collect();
    html(&FormPage {
        c: staff.chrome("/access"),
        errors,
        account: AccountRow::new(lang, account, &regions, &departments),
        own: account.id == staff.actor().account_id,
        roles,
        regions: region_choices(&regions, &form.scope_region_id),
        departments: department_choices(&departments, &form.scope_departments),
        form,
    })
}

/// GET /access/{id}
pub async fn edit(staff: Staff, Id(id): Id) -> Result<Response, Failure> {
    staff.permit(Permission::GrantRoles)?;
    let account = staff.store().identity().account(id).await?;
    form_page(
        &staff,
        AccessForm::of(&account),
        &account,
        FormErrors::default(),
    )
    .await
}

/// POST /access/{id}
pub async fn update(
    staff: Staff,
    Id(id): Id,
    Input(form): Input<AccessForm>,
) -> Result<Response, Failure> {
    save(
        &staff,
        id,
        form,
        "/access?notice=saved",
        async |version, input| {
            staff
                .store()
                .identity()
                .set_access(id, version, input)
                .await
        },
        async |form, current, errors| form_page(&staff, form, &current, errors).await,
    )
    .await
}
