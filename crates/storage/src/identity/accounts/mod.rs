//! Accounts (账户): created and kept by 系统管理员, given roles and data scopes by
//! 安全管理员. Passwords obey the security policy and are never reused within its history.

mod access;
mod passwords;
mod views;

pub(crate) use access::{narrow_scope, set_access};
use passwords::remember_password;
pub(crate) use passwords::{check_new_password, store_password};
pub(crate) use views::{enabled_with_role, join_home};

use super::Identity;
use crate::identity::credentials::hash_password_blocking;
use crate::kernel::db::Tx;
use crate::kernel::error::{Found, StoreError, taken_as};
use crate::kernel::page::{Page, PageRequest};
use crate::kernel::schema::{
    AccountRoles, AccountScopeDepartments, Accounts, Departments, Regions, Sessions,
};
use crate::kernel::scope::within;
use crate::kernel::scoped::Target;
use crate::kernel::write::{Audited, Change, versioned_update};
use crate::{org::departments, org::regions};
use chrono::{DateTime, Utc};
use minxin_domain::identity::segregation::may_manage_account;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::problem::{FieldProblem, optional_line, required_line};
use minxin_domain::{Actor, DataScope, Permission, Problem, RoleSet};
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};

/// An account as administrators see it. Never carries the password hash or TOTP secret.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Account {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Real name shown in pages.
    pub display_name: String,
    /// Mobile phone; personal data, only for administrators.
    pub phone: Option<String>,
    /// Home region.
    pub region_id: i64,
    /// Home region's name.
    pub region_name: String,
    /// Home region's path.
    pub region_path: String,
    /// Department, if any.
    pub department_id: Option<i64>,
    /// Department's name.
    pub department_name: Option<String>,
    /// Whether sign-in is blocked.
    pub disabled: bool,
    /// Whether the next sign-in must set a new password.
    pub must_change_password: bool,
    /// Whether a TOTP second factor is enrolled.
    pub totp_enabled: bool,
    /// Root region of the data scope, `None` until granted.
    pub scope_region_id: Option<i64>,
    /// Last successful sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Role codes.
    #[sqlx(skip)]
    pub roles: Vec<String>,
    /// Departments the scope is narrowed to.
    #[sqlx(skip)]
    pub scope_departments: Vec<i64>,
}

impl Account {
    /// The account's roles, ignoring codes this version does not know.
    pub fn role_set(&self) -> RoleSet {
        RoleSet::new(self.roles.iter().filter_map(|r| r.parse().ok()))
    }
}

impl Audited for Account {
    fn target(&self) -> Target<'_> {
        Target {
            kind: "account",
            id: self.id,
            label: &self.username,
            region_path: &self.region_path,
        }
    }
}

/// What an administrator fills in to create or edit an account.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AccountInput {
    /// Sign-in name: letters, digits, `.`, `_`, `-`; ignored on edit.
    #[serde(default)]
    pub username: String,
    /// Real name.
    pub display_name: String,
    /// Mobile phone.
    #[serde(default)]
    pub phone: String,
    /// Home region.
    pub region_id: i64,
    /// Department.
    #[serde(default)]
    pub department_id: Option<i64>,
    /// Blocks sign-in when true; ignored on create.
    #[serde(default)]
    pub disabled: bool,
}

/// What 安全管理员 sets: roles and data scope.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AccessInput {
    /// Role codes.
    pub roles: Vec<String>,
    /// Root region of the scope; `None` removes all access.
    pub scope_region_id: Option<i64>,
    /// Departments to narrow the scope to; empty for all.
    #[serde(default)]
    pub scope_departments: Vec<i64>,
}

/// What the account list can be filtered by.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    /// Text in user name, name or phone.
    pub text: Option<String>,
    /// Only accounts of this department.
    pub department_id: Option<i64>,
}

fn listing() -> SelectStatement {
    Query::select()
        .columns([
            (Accounts::Table, Accounts::Id),
            (Accounts::Table, Accounts::Username),
            (Accounts::Table, Accounts::DisplayName),
            (Accounts::Table, Accounts::Phone),
            (Accounts::Table, Accounts::RegionId),
            (Accounts::Table, Accounts::DepartmentId),
            (Accounts::Table, Accounts::Disabled),
            (Accounts::Table, Accounts::MustChangePassword),
            (Accounts::Table, Accounts::ScopeRegionId),
            (Accounts::Table, Accounts::LastSignInAt),
            (Accounts::Table, Accounts::Version),
        ])
        .expr_as(
            Expr::col((Accounts::Table, Accounts::TotpSecret)).is_not_null(),
            "totp_enabled",
        )
        .expr_as(Expr::col((Regions::Table, Regions::Name)), "region_name")
        .expr_as(Expr::col((Regions::Table, Regions::Path)), "region_path")
        .expr_as(
            Expr::col((Departments::Table, Departments::Name)),
            "department_name",
        )
        .from(Accounts::Table)
        .apply(join_home)
        .take()
}

fn in_scope(scope: &DataScope) -> SelectStatement {
    let mut q = listing()
        .and_where(within(scope, Expr::col((Regions::Table, Regions::Path))))
        .take();
    if !scope.departments.is_empty() {
        q.and_where(
            Expr::col((Accounts::Table, Accounts::DepartmentId)).is_in(scope.departments.clone()),
        );
    }
    q
}

async fn with_access(tx: &mut Tx, mut accounts: Vec<Account>) -> Result<Vec<Account>, StoreError> {
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    if ids.is_empty() {
        return Ok(accounts);
    }
    let roles: Vec<(i64, String)> = tx
        .all(
            &Query::select()
                .columns([AccountRoles::AccountId, AccountRoles::Role])
                .from(AccountRoles::Table)
                .and_where(Expr::col(AccountRoles::AccountId).is_in(ids.clone()))
                .order_by(AccountRoles::Role, Order::Asc)
                .take(),
        )
        .await?;
    let narrowed: Vec<(i64, i64)> = tx
        .all(
            &Query::select()
                .columns([
                    AccountScopeDepartments::AccountId,
                    AccountScopeDepartments::DepartmentId,
                ])
                .from(AccountScopeDepartments::Table)
                .and_where(Expr::col(AccountScopeDepartments::AccountId).is_in(ids))
                .take(),
        )
        .await?;
    for a in &mut accounts {
        a.roles = roles
            .iter()
            .filter(|(id, _)| *id == a.id)
            .map(|(_, r)| r.clone())
            .collect();
        a.scope_departments = narrowed
            .iter()
            .filter(|(id, _)| *id == a.id)
            .map(|(_, d)| *d)
            .collect();
    }
    Ok(accounts)
}

async fn find(tx: &mut Tx, scope: &DataScope, id: i64) -> Result<Account, StoreError> {
    let account: Account = tx
        .optional(
            &in_scope(scope)
                .and_where(Expr::col((Accounts::Table, Accounts::Id)).eq(id))
                .take(),
        )
        .await?
        .found()?;
    Ok(with_access(tx, vec![account]).await?.remove(0))
}

/// Builds the [`Actor`] for an account, or `None` if it does not exist or is disabled.
pub(crate) async fn load_actor(tx: &mut Tx, account_id: i64) -> Result<Option<Actor>, StoreError> {
    let Some(account) = tx
        .optional::<Account>(
            &listing()
                .and_where(Expr::col((Accounts::Table, Accounts::Id)).eq(account_id))
                .take(),
        )
        .await?
    else {
        return Ok(None);
    };
    if account.disabled {
        return Ok(None);
    }
    let account = with_access(tx, vec![account]).await?.remove(0);
    let region_path = match account.scope_region_id {
        Some(id) => regions::find_any(tx, id).await?.map(|r| r.path),
        None => None,
    };
    Ok(Some(Actor {
        account_id: account.id,
        username: account.username.clone(),
        roles: account.role_set(),
        scope: DataScope {
            region_path,
            departments: account.scope_departments,
        },
    }))
}

/// Fields needed to insert an account, already validated.
pub(crate) struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub phone: Option<&'a str>,
    pub region_id: i64,
    pub department_id: Option<i64>,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

/// Inserts an account and its first password-history entry, without checks.
pub(crate) async fn insert(tx: &mut Tx, new: NewAccount<'_>) -> Result<i64, StoreError> {
    let now = tx.now();
    let id = tx
        .insert(
            Query::insert()
                .into_table(Accounts::Table)
                .columns([
                    Accounts::Username,
                    Accounts::DisplayName,
                    Accounts::Phone,
                    Accounts::RegionId,
                    Accounts::DepartmentId,
                    Accounts::PasswordHash,
                    Accounts::MustChangePassword,
                    Accounts::PasswordChangedAt,
                    Accounts::CreatedAt,
                    Accounts::UpdatedAt,
                ])
                .values_panic([
                    new.username.into(),
                    new.display_name.into(),
                    new.phone.into(),
                    new.region_id.into(),
                    new.department_id.into(),
                    new.password_hash.into(),
                    new.must_change_password.into(),
                    now.into(),
                    now.into(),
                    now.into(),
                ])
                .take(),
        )
        .await
        .map_err(taken_as("username"))?;
    remember_password(tx, id, new.password_hash).await?;
    Ok(id)
}

fn valid_username(name: &str) -> bool {
    (2..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

struct CheckedAccount {
    display_name: String,
    phone: Option<String>,
}

impl Identity<'_> {
    /// Accounts the actor may see, filtered and paged.
    pub async fn accounts(
        &self,
        filter: &AccountFilter,
        page: PageRequest,
    ) -> Result<Page<Account>, StoreError> {
        self.require(Permission::ReadAccounts).await?;
        let mut q = in_scope(&self.actor.scope);
        if let Some(text) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let like = crate::kernel::page::contains(text);
            q.and_where(
                Expr::col((Accounts::Table, Accounts::Username))
                    .like(like.clone())
                    .or(Expr::col((Accounts::Table, Accounts::DisplayName)).like(like.clone()))
                    .or(Expr::col((Accounts::Table, Accounts::Phone)).like(like)),
            );
        }
        if let Some(department) = filter.department_id {
            q.and_where(Expr::col((Accounts::Table, Accounts::DepartmentId)).eq(department));
        }
        let mut tx = self.db.read().await?;
        let total = tx
            .scalar(
                &Query::select()
                    .expr(Expr::col(Alias::new("id")).count())
                    .from_subquery(q.clone(), "listed")
                    .take(),
            )
            .await?;
        let rows = tx
            .all(
                &q.order_by((Accounts::Table, Accounts::Username), Order::Asc)
                    .limit(page.limit())
                    .offset(page.offset())
                    .take(),
            )
            .await?;
        let rows = with_access(&mut tx, rows).await?;
        Ok(Page::new(rows, total, page))
    }

    /// One account, if the actor may see it.
    pub async fn account(&self, id: i64) -> Result<Account, StoreError> {
        let mut tx = self.begin_read(Permission::ReadAccounts).await?;
        find(&mut tx, &self.actor.scope, id).await
    }

    async fn check_account(
        &self,
        tx: &mut Tx,
        input: &AccountInput,
        problems: &mut Vec<FieldProblem>,
    ) -> Result<CheckedAccount, StoreError> {
        let display_name = required_line("display_name", &input.display_name, 50, problems);
        let phone = optional_line("phone", &input.phone, 20, problems);
        if phone.as_deref().is_some_and(|p| {
            !p.bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
        }) {
            problems.push(FieldProblem::new("phone", Problem::Malformed));
        }
        if regions::find(tx, &self.actor.scope, input.region_id)
            .await?
            .is_none()
        {
            problems.push(FieldProblem::new("region_id", Problem::Unknown));
        }
        if let Some(department) = input.department_id
            && departments::find(tx, &self.actor.scope, department)
                .await?
                .is_none()
        {
            problems.push(FieldProblem::new("department_id", Problem::Unknown));
        }
        Ok(CheckedAccount {
            display_name,
            phone,
        })
    }

    /// Creates an account with a temporary password that must be changed at first sign-in.
    /// The account has no roles until 安全管理员 grants them.
    pub async fn create_account(
        &self,
        input: &AccountInput,
        initial_password: &str,
    ) -> Result<Account, StoreError> {
        let mut tx = self.begin_write(Permission::ManageAccounts).await?;
        let mut problems = Vec::new();
        let username = input.username.trim();
        if !valid_username(username) {
            problems.push(FieldProblem::new("username", Problem::Malformed));
        }
        let c = self.check_account(&mut tx, input, &mut problems).await?;
        match check_new_password(&mut tx, None, username, initial_password, "password").await {
            Err(StoreError::Invalid(p)) => problems.extend(p),
            Err(other) => return Err(other),
            Ok(()) => {}
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let hash = hash_password_blocking(initial_password.to_owned()).await;
        let id = insert(
            &mut tx,
            NewAccount {
                username,
                display_name: &c.display_name,
                phone: c.phone.as_deref(),
                region_id: input.region_id,
                department_id: input.department_id,
                password_hash: &hash,
                must_change_password: true,
            },
        )
        .await?;
        let after = find(&mut tx, &self.actor.scope, id).await?;
        self.commit_change(tx, AuditAction::AccountCreate, Change::Created(&after))
            .await?;
        Ok(after)
    }

    async fn manageable(&self, tx: &mut Tx, id: i64) -> Result<Account, StoreError> {
        let account = find(tx, &self.actor.scope, id).await?;
        // An account that sees more than the actor is not theirs to edit or reset: taking it
        // over would widen the actor's own scope.
        let region_path = match account.scope_region_id {
            Some(region) => regions::find_any(tx, region).await?.map(|r| r.path),
            None => None,
        };
        let scope = DataScope {
            region_path,
            departments: account.scope_departments.clone(),
        };
        if !may_manage_account(&account.role_set()) || !self.actor.scope.contains(&scope) {
            return Err(StoreError::Forbidden);
        }
        Ok(account)
    }

    /// Edits an account's details or disables it; refused on a stale version.
    pub async fn update_account(
        &self,
        id: i64,
        version: i64,
        input: &AccountInput,
    ) -> Result<Account, StoreError> {
        let mut tx = self.begin_write(Permission::ManageAccounts).await?;
        let before = self.manageable(&mut tx, id).await?;
        let mut problems = Vec::new();
        let c = self.check_account(&mut tx, input, &mut problems).await?;
        if input.disabled && id == self.actor.account_id {
            problems.push(FieldProblem::new("disabled", Problem::SelfGrant));
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        tx.update_versioned(&versioned_update(
            Accounts::Table,
            id,
            version,
            tx.now(),
            [
                (Accounts::DisplayName, c.display_name.into()),
                (Accounts::Phone, c.phone.into()),
                (Accounts::RegionId, input.region_id.into()),
                (Accounts::DepartmentId, input.department_id.into()),
                (Accounts::Disabled, input.disabled.into()),
            ],
        ))
        .await?;
        if input.disabled {
            tx.execute(
                &Query::delete()
                    .from_table(Sessions::Table)
                    .and_where(Expr::col(Sessions::AccountId).eq(id))
                    .take(),
            )
            .await?;
        }
        let after = find(&mut tx, &self.actor.scope, id).await?;
        self.commit_change(
            tx,
            AuditAction::AccountUpdate,
            Change::Updated {
                before: &before,
                after: &after,
            },
        )
        .await?;
        Ok(after)
    }

    /// Sets a temporary password that the owner must change at next sign-in.
    pub async fn reset_password(&self, id: i64, password: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write(Permission::ManageAccounts).await?;
        let account = self.manageable(&mut tx, id).await?;
        check_new_password(&mut tx, Some(id), &account.username, password, "password").await?;
        store_password(&mut tx, id, password, true, None).await?;
        self.record(
            &mut tx,
            AuditAction::AccountUpdate,
            account.target(),
            None::<&()>,
            Some(&serde_json::json!({ "password": "reset", "must_change_password": true })),
        )
        .await?;
        tx.commit().await
    }
}
