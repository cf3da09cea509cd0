//! Operations for whoever runs the binary (the CLI and demo seeding), who already controls the
//! database and so is trusted without an actor: the first regions, departments and accounts,
//! and the actor of a named account for work done in its name. Each change is still recorded
//! in the audit log, with `cli` as the source address.

use crate::identity::accounts::{self, NewAccount, load_actor};
use crate::identity::credentials::hash_password_blocking;
use crate::kernel::audit::{self, NewEntry};
use crate::kernel::db::Tx;
use crate::kernel::error::{Found, StoreError};
use crate::kernel::schema::{Accounts, Departments, Regions};
use crate::{Store, org::departments, org::regions};
use minxin_domain::identity::segregation::check_role_set;
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::org::region::{RegionLevel, check_code, check_placement};
use minxin_domain::{Actor, FieldProblem, Problem, RoleSet};
use sea_query::{Expr, ExprTrait, Query};

/// The source address recorded for command-line operations.
pub const CLI_ADDRESS: &str = "cli";

/// A new account created from the command line.
#[derive(Debug, Clone)]
pub struct CliAccount<'a> {
    /// Sign-in name.
    pub username: &'a str,
    /// Real name.
    pub display_name: &'a str,
    /// Initial password (checked against the policy).
    pub password: &'a str,
    /// Roles to hold.
    pub roles: RoleSet,
    /// Code of the home region.
    pub region_code: &'a str,
    /// Code of the department, if any.
    pub department_code: Option<&'a str>,
    /// Code of the scope's root region; `None` gives no data access.
    pub scope_region_code: Option<&'a str>,
    /// Whether the password must be changed at first sign-in.
    pub must_change_password: bool,
}

async fn region_by_code(tx: &mut Tx, code: &str) -> Result<regions::Region, StoreError> {
    let id: Option<(i64,)> = tx
        .optional(
            &Query::select()
                .column(Regions::Id)
                .from(Regions::Table)
                .and_where(Expr::col(Regions::Code).eq(code))
                .take(),
        )
        .await?;
    let (id,) = id.ok_or_else(|| StoreError::invalid("region", minxin_domain::Problem::Unknown))?;
    regions::find_any(tx, id).await?.found()
}

async fn department_by_code(tx: &mut Tx, code: &str) -> Result<i64, StoreError> {
    let id: Option<(i64,)> = tx
        .optional(
            &Query::select()
                .column(Departments::Id)
                .from(Departments::Table)
                .and_where(Expr::col(Departments::Code).eq(code))
                .take(),
        )
        .await?;
    id.map(|(id,)| id)
        .ok_or_else(|| StoreError::invalid("department", minxin_domain::Problem::Unknown))
}

pub(crate) fn entry(
    action: AuditAction,
    kind: &'static str,
    id: i64,
    label: &str,
    path: &str,
) -> NewEntry {
    NewEntry {
        actor_id: None,
        actor_name: CLI_ADDRESS.into(),
        address: CLI_ADDRESS.into(),
        action,
        outcome: AuditOutcome::Success,
        target_type: kind,
        target_id: Some(id.to_string()),
        target_label: label.to_owned(),
        before: None,
        after: None,
        region_path: path.to_owned(),
    }
}

/// Records the command line's creation of a `kind` record in the audit log and commits `tx`.
async fn commit_created(
    mut tx: Tx,
    action: AuditAction,
    kind: &'static str,
    id: i64,
    label: &str,
    path: &str,
) -> Result<(), StoreError> {
    audit::append(&mut tx, entry(action, kind, id, label, path)).await?;
    tx.commit().await
}

impl Store {
    /// The actor of an enabled account, for command-line work done in that account's name
    /// (imports, demo seeding): its roles and scope apply exactly as if it were signed in.
    pub async fn actor_for_cli(&self, username: &str) -> Result<Actor, StoreError> {
        let mut tx = self.db().begin().await?;
        let id: Option<(i64,)> = tx
            .optional(
                &Query::select()
                    .column(Accounts::Id)
                    .from(Accounts::Table)
                    .and_where(Expr::col(Accounts::Username).eq(username))
                    .take(),
            )
            .await?;
        let (id,) = id.ok_or_else(|| StoreError::invalid("username", Problem::Unknown))?;
        load_actor(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::invalid("username", Problem::Unknown))
    }

    /// The actor of an enabled account by id, for background work done in its name (a queued
    /// import runs as the account that confirmed it, with its roles and scope as they are when
    /// it runs); `None` when the account is gone or disabled.
    pub async fn actor_of(&self, account_id: i64) -> Result<Option<Actor>, StoreError> {
        load_actor(&mut self.db().read().await?, account_id).await
    }

    /// Whether the database holds no region yet (a fresh install).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let mut tx = self.db().begin().await?;
        let count = tx
            .scalar(
                &Query::select()
                    .expr(Expr::col(Regions::Id).count())
                    .from(Regions::Table)
                    .take(),
            )
            .await?;
        Ok(count == 0)
    }

    /// Creates a region under the region with `parent_code` (or as a root), checking its code.
    pub async fn bootstrap_region(
        &self,
        code: &str,
        name: &str,
        level: RegionLevel,
        parent_code: Option<&str>,
    ) -> Result<regions::Region, StoreError> {
        let mut tx = self.db().begin().await?;
        check_code(level, code).map_err(|p| StoreError::invalid("code", p))?;
        let parent = match parent_code {
            Some(code) => Some(region_by_code(&mut tx, code).await?),
            None => None,
        };
        if let Some(parent) = &parent {
            check_placement(level, code, parent.level()?, &parent.code)
                .map_err(|p| StoreError::invalid("code", p))?;
        }
        let region = regions::insert(&mut tx, code, name, level, parent.as_ref()).await?;
        commit_created(
            tx,
            AuditAction::RegionCreate,
            "region",
            region.id,
            name,
            &region.path,
        )
        .await?;
        Ok(region)
    }

    /// Creates a department in the region with `region_code`.
    pub async fn bootstrap_department(
        &self,
        code: &str,
        name: &str,
        region_code: &str,
        phone: Option<&str>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.db().begin().await?;
        let region = region_by_code(&mut tx, region_code).await?;
        let new = departments::NewDepartment {
            code,
            name,
            region_id: region.id,
            phone,
        };
        let id = departments::insert(&mut tx, &new).await?;
        commit_created(
            tx,
            AuditAction::DepartmentCreate,
            "department",
            id,
            name,
            &region.path,
        )
        .await?;
        Ok(id)
    }

    /// Creates an account with roles and scope, checking the password policy and 三员分立.
    pub async fn bootstrap_account(&self, new: &CliAccount<'_>) -> Result<i64, StoreError> {
        check_role_set(&new.roles).map_err(|p| StoreError::invalid("roles", p))?;
        let mut tx = self.db().begin().await?;
        accounts::check_new_password(&mut tx, None, new.username, new.password, "password").await?;
        let region = region_by_code(&mut tx, new.region_code).await?;
        let department = match new.department_code {
            Some(code) => Some(department_by_code(&mut tx, code).await?),
            None => None,
        };
        let scope = match new.scope_region_code {
            Some(code) => Some(region_by_code(&mut tx, code).await?.id),
            None => None,
        };
        if new.username.trim().is_empty() {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "username",
                minxin_domain::Problem::Required,
            )]));
        }
        let hash = hash_password_blocking(new.password.to_owned()).await;
        let id = accounts::insert(
            &mut tx,
            NewAccount {
                username: new.username.trim(),
                display_name: new.display_name,
                phone: None,
                region_id: region.id,
                department_id: department,
                password_hash: &hash,
                must_change_password: new.must_change_password,
            },
        )
        .await?;
        accounts::set_access(&mut tx, id, &new.roles, scope, &[], None).await?;
        commit_created(
            tx,
            AuditAction::AccountCreate,
            "account",
            id,
            new.username,
            &region.path,
        )
        .await?;
        Ok(id)
    }

    /// Narrows an account's data scope to the departments with the given codes.
    pub async fn bootstrap_scope_departments(
        &self,
        account_id: i64,
        department_codes: &[&str],
    ) -> Result<(), StoreError> {
        let mut tx = self.db().begin().await?;
        let mut departments = Vec::new();
        for code in department_codes {
            departments.push(department_by_code(&mut tx, code).await?);
        }
        accounts::narrow_scope(&mut tx, account_id, &departments).await?;
        tx.commit().await
    }
}
