//! Account administration (系统管理员): the account list with filters and paging, forms to create
//! an account with a temporary password, edit or disable it, and reset its password. Roles are
//! shown here but granted on the access pages by 安全管理员, which reuse this module's list.

use crate::kernel::chrome::Chrome;
use crate::kernel::edit::{self, Typed, Versioned};
use crate::kernel::error::Failure;
use crate::kernel::form::{FormErrors, notice};
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use crate::kernel::widgets::{
    Choice, Id, Input, Pager, Params, department_choices, optional_id, page_request, parsed,
    region_choices, required_id, settle,
};
use askama::Template;
use axum::response::Response;
use minxin_domain::Permission;
use minxin_domain::identity::segregation::may_manage_account;
use minxin_domain::kernel::time::format_local;
use minxin_storage::identity::accounts::{Account, AccountFilter, AccountInput};
use minxin_storage::org::departments::Department;
use minxin_storage::org::regions::Region;
use minxin_storage::{Scoped, StoreError};
use serde::Deserialize;

/// Filters and page of an account list, as typed in the query.
#[derive(Deserialize, Default)]
pub struct AccountQuery {
    q: Option<String>,
    department_id: Option<String>,
    page: Option<String>,
    notice: Option<String>,
}

impl AccountQuery {
    /// The notice a redirect asked to show.
    pub fn notice(&self) -> Option<&'static str> {
        notice(self.notice.as_deref())
    }
}

/// An account as one row of a list, with everything already in the page language.
pub struct AccountRow {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Real name.
    pub display_name: String,
    /// Mobile phone, or empty.
    pub phone: String,
    /// Home region's name.
    pub region_name: String,
    /// Department's name, or empty.
    pub department_name: String,
    /// Role names.
    pub roles: Vec<&'static str>,
    /// The data scope: root region and narrowing departments, or empty when none is granted.
    pub scope: String,
    /// Whether sign-in is blocked.
    pub disabled: bool,
    /// Whether the next sign-in must set a new password.
    pub must_change_password: bool,
    /// Whether a second factor is enrolled.
    pub totp_enabled: bool,
    /// Last successful sign-in in Beijing time, or empty.
    pub last_sign_in: String,
}

impl AccountRow {
    /// The row of `a`, naming its scope from the `regions` and `departments` the viewer sees.
    pub fn new(lang: Lang, a: &Account, regions: &[Region], departments: &[Department]) -> Self {
        let scope = match a.scope_region_id {
            None => String::new(),
            Some(id) => {
                let root = regions
                    .iter()
                    .find(|r| r.id == id)
                    .map_or_else(|| format!("#{id}"), |r| r.name.clone());
                let narrowed: Vec<String> = a
                    .scope_departments
                    .iter()
                    .map(|d| {
                        departments
                            .iter()
                            .find(|x| x.id == *d)
                            .map_or_else(|| format!("#{d}"), |x| x.name.clone())
                    })
                    .collect();
                if narrowed.is_empty() {
                    root
                } else {
                    format!("{root} · {}", narrowed.join("、"))
                }
            }
        };
        AccountRow {
            id: a.id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            phone: a.phone.clone().unwrap_or_default(),
            region_name: a.region_name.clone(),
            department_name: a.department_name.clone().unwrap_or_default(),
            roles: a
                .role_set()
                .iter()
                .map(|r| lang.t(&format!("role.{}", r.code())))
                .collect(),
            scope,
            disabled: a.disabled,
            must_change_password: a.must_change_password,
            totp_enabled: a.totp_enabled,
            last_sign_in: a.last_sign_in_at.map(format_local).unwrap_or_default(),
        }
    }
}

/// An account list with its filter form and pager; rows link to `{base}/{id}`.
pub struct AccountList {
    /// The list's own path, e.g. `/admin/accounts`.
    pub base: &'static str,
    /// The text filter as typed.
    pub q: String,
    /// Departments for the department filter.
    pub departments: Vec<Choice>,
    /// This page's rows.
    pub rows: Vec<AccountRow>,
    /// Links to other pages.
    pub pager: Pager,
}

/// The accounts `store`'s actor may see, filtered and paged as `query` asks.
async fn account_list(
    store: &Scoped<'_>,
    lang: Lang,
    query: &AccountQuery,
    base: &'static str,
) -> Result<AccountList, Failure> {
    let q = query.q.clone().unwrap_or_default();
    let department = query.department_id.clone().unwrap_or_default();
    let filter = AccountFilter {
        text: Some(q.trim().to_owned()).filter(|t| !t.is_empty()),
        department_id: department.trim().parse().ok(),
    };
    let page = store
        .identity()
        .accounts(&filter, page_request(query.page.as_deref(), None)?)
        .await?;
    let regions = store.org().regions().await?;
    let departments = store.org().departments(None).await?;
    Ok(AccountList {
        base,
        pager: Pager::new(
            lang,
            &page,
            base,
            &[("q", &q), ("department_id", &department)],
        ),
        rows: page
            .items
            .iter()
            .map(|a| AccountRow::new(lang, a, &regions, &departments))
            .collect(),
        departments: department_choices(&departments, std::slice::from_ref(&department)),
        q,
    })
}

/// The account list of 系统管理员 (`/admin/accounts`, where accounts are also created) and of
/// 安全管理员 (`/access`, where roles are granted): the same list under each page's words.
#[derive(Template)]
#[template(path = "accounts.html")]
struct ListPage {
    c: Chrome,
    list: AccountList,
    /// The catalogue keys of the page's title and introduction.
    title: &'static str,
    intro: &'static str,
    /// Whether the page offers a new account.
    may_create: bool,
}

/// The account list at `base` for those with `permission`: managing accounts (who may also
/// create them) or granting roles.
pub async fn list_page(
    staff: &Staff,
    q: &AccountQuery,
    permission: Permission,
    base: &'static str,
) -> Result<Response, Failure> {
    staff.permit(permission)?;
    let list = account_list(&staff.store(), staff.lang(), q, base).await?;
    let may_create = permission == Permission::ManageAccounts;
    let (title, intro) = if may_create {
        ("accounts.title", "accounts.intro")
    } else {
        ("access.title", "access.intro")
    };
    html(&ListPage {
        c: staff.chrome(base).with_notice(q.notice()),
        list,
        title,
        intro,
        may_create,
    })
}

/// GET /admin/accounts
pub async fn list(staff: Staff, Params(q): Params<AccountQuery>) -> Result<Response, Failure> {
    list_page(&staff, &q, Permission::ManageAccounts, "/admin/accounts").await
}

/// The account form as typed; the same form creates (with user name and temporary password)
/// and edits (with the disabled switch).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccountForm {
    username: String,
    display_name: String,
    phone: String,
    region_id: String,
    department_id: String,
    disabled: String,
    password: String,
    version: String,
}

impl AccountForm {
    fn of(a: &Account) -> Self {
        AccountForm {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            phone: a.phone.clone().unwrap_or_default(),
            region_id: a.region_id.to_string(),
            department_id: a.department_id.map(|d| d.to_string()).unwrap_or_default(),
            disabled: if a.disabled {
                "on".into()
            } else {
                String::new()
            },
            password: String::new(),
            version: a.version.to_string(),
        }
    }
}

impl Typed for AccountForm {
    type Input = AccountInput;

    fn input(&self) -> Result<AccountInput, StoreError> {
        let mut problems = Vec::new();
        let region_id = required_id("region_id", &self.region_id, &mut problems);
        let department_id = optional_id("department_id", &self.department_id, &mut problems);
        parsed(
            AccountInput {
                username: self.username.clone(),
                display_name: self.display_name.clone(),
                phone: self.phone.clone(),
                region_id,
                department_id,
                disabled: !self.disabled.is_empty(),
            },
            problems,
        )
    }
}

edit::versioned!(AccountForm, Account);

#[derive(Template)]
#[template(path = "account_form.html")]
struct FormPage {
    c: Chrome,
    errors: FormErrors,
    form: AccountForm,
    /// The account being edited; `None` when creating.
    account: Option<AccountRow>,
    /// Whether a system administrator may change the account (not 安全/审计管理员's).
    manageable: bool,
    regions: Vec<Choice>,
    departments: Vec<Choice>,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.account {
            Some(a) => format!("/admin/accounts/{}", a.id),
            None => "/admin/accounts".to_owned(),
        }
    }
}

async fn form_page(
    staff: &Staff,
    form: AccountForm,
    account: Option<&Account>,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let lang = staff.lang();
    let store = staff.store();
    let regions = store.org().regions().await?;
    let departments = store.org().departments(None).await?;
    html(&FormPage {
        c: staff.chrome("/admin/accounts"),
        errors,
        account: account.map(|a| AccountRow::new(lang, a, &regions, &departments)),
        manageable: account.is_none_or(|a| may_manage_account(&a.role_set())),
        regions: region_choices(&regions, &form.region_id),
        departments: department_choices(&departments, std::slice::from_ref(&form.department_id)),
        form,
    })
}

/// GET /admin/accounts/new
pub async fn new(staff: Staff) -> Result<Response, Failure> {
    staff.permit(Permission::ManageAccounts)?;
    form_page(&staff, AccountForm::default(), None, FormErrors::default()).await
}

/// POST /admin/accounts
pub async fn create(staff: Staff, Input(form): Input<AccountForm>) -> Result<Response, Failure> {
    let store = staff.store();
    store.require(Permission::ManageAccounts).await?;
    let password = form.password.clone();
    edit::create(
        staff.lang(),
        form,
        "/admin/accounts?notice=created",
        async |input| store.identity().create_account(input, &password).await,
        async |mut form, errors| {
            // A password is never sent back to the browser.
            form.password.clear();
            form_page(&staff, form, None, errors).await
        },
    )
    .await
}

/// GET /admin/accounts/{id}
pub async fn edit(staff: Staff, Id(id): Id) -> Result<Response, Failure> {
    staff.permit(Permission::ManageAccounts)?;
    let account = staff.store().identity().account(id).await?;
    let form = AccountForm::of(&account);
    form_page(&staff, form, Some(&account), FormErrors::default()).await
}

/// POST /admin/accounts/{id}
pub async fn update(
    staff: Staff,
    Id(id): Id,
    Input(form): Input<AccountForm>,
) -> Result<Response, Failure> {
    save(
        &staff,
        id,
        form,
        "/admin/accounts?notice=saved",
        async |version, input| {
            staff
                .store()
                .identity()
                .update_account(id, version, input)
                .await
        },
        async |mut form, current, errors| {
            form.username = current.username.clone();
            form_page(&staff, form, Some(&current), errors).await
        },
    )
    .await
}

/// The post of a form that edits account `id` (its details, or its roles and scope): cached
/// API tokens are forgotten after the write, since what a token may do follows the account.
pub(super) async fn save<F: Versioned, T>(
    staff: &Staff,
    id: i64,
    form: F,
    to: &str,
    write: impl AsyncFnOnce(i64, &F::Input) -> Result<T, StoreError>,
    again: impl AsyncFnOnce(F, Account, FormErrors) -> Result<Response, Failure>,
) -> Result<Response, Failure> {
    let store = staff.store();
    edit::update(
        staff.lang(),
        form,
        to,
        async |version, input| {
            let saved = write(version, input).await;
            staff.state.tokens.clear();
            saved
        },
        async || store.identity().account(id).await,
        again,
    )
    .await
}

/// The password-reset form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    password: String,
}

/// POST /admin/accounts/{id}/password
pub async fn reset_password(
    staff: Staff,
    Id(id): Id,
    Input(form): Input<ResetForm>,
) -> Result<Response, Failure> {
    let staff = &staff;
    let store = staff.store();
    let result = store.identity().reset_password(id, &form.password).await;
    settle(
        staff.lang(),
        result,
        "/admin/accounts?notice=saved",
        |errors, _| async move {
            let current = store.identity().account(id).await?;
            form_page(staff, AccountForm::of(&current), Some(&current), errors).await
        },
    )
    .await
}
