//! Roles and data scopes of accounts (安全管理员): granting and revoking roles, setting and
//! narrowing the scope, each checked against the separation of duties and audited.

use super::{AccessInput, Account, find};
use crate::identity::Identity;
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{AccountRoles, AccountScopeDepartments, Accounts};
use crate::kernel::write::Audited;
use crate::{org::departments, org::regions};
use minxin_domain::identity::segregation::check_grant;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::problem::FieldProblem;
use minxin_domain::{DataScope, Permission, Problem, Role, RoleSet};
use sea_query::{Expr, ExprTrait, Query};

/// Replaces an account's roles and scope, without checks.
pub(crate) async fn set_access(
    tx: &mut Tx,
    account_id: i64,
    roles: &RoleSet,
    scope_region_id: Option<i64>,
    scope_departments: &[i64],
    granted_by: Option<i64>,
) -> Result<(), StoreError> {
    tx.execute(
        &Query::delete()
            .from_table(AccountRoles::Table)
            .and_where(Expr::col(AccountRoles::AccountId).eq(account_id))
            .take(),
    )
    .await?;
    if !roles.is_empty() {
        let mut insert = Query::insert()
            .into_table(AccountRoles::Table)
            .columns([
                AccountRoles::AccountId,
                AccountRoles::Role,
                AccountRoles::GrantedBy,
                AccountRoles::GrantedAt,
            ])
            .take();
        for role in roles.iter() {
            insert.values_panic([
                account_id.into(),
                role.code().into(),
                granted_by.into(),
                tx.now().into(),
            ]);
        }
        tx.execute(&insert).await?;
    }
    narrow_scope(tx, account_id, scope_departments).await?;
    tx.execute(
        &Query::update()
            .table(Accounts::Table)
            .values([
                (Accounts::ScopeRegionId, scope_region_id.into()),
                (Accounts::UpdatedAt, tx.now().into()),
                (Accounts::Version, Expr::col(Accounts::Version).add(1)),
            ])
            .and_where(Expr::col(Accounts::Id).eq(account_id))
            .take(),
    )
    .await?;
    Ok(())
}

/// Replaces the departments an account's scope is narrowed to (none: the whole subtree).
pub(crate) async fn narrow_scope(
    tx: &mut Tx,
    account_id: i64,
    departments: &[i64],
) -> Result<(), StoreError> {
    tx.execute(
        &Query::delete()
            .from_table(AccountScopeDepartments::Table)
            .and_where(Expr::col(AccountScopeDepartments::AccountId).eq(account_id))
            .take(),
    )
    .await?;
    if departments.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert()
        .into_table(AccountScopeDepartments::Table)
        .columns([
            AccountScopeDepartments::AccountId,
            AccountScopeDepartments::DepartmentId,
        ])
        .take();
    for department in departments {
        insert.values_panic([account_id.into(), (*department).into()]);
    }
    tx.execute(&insert).await?;
    Ok(())
}

impl Identity<'_> {
    /// Grants and revokes roles and sets the data scope (安全管理员 only).
    pub async fn set_access(
        &self,
        id: i64,
        version: i64,
        input: &AccessInput,
    ) -> Result<Account, StoreError> {
        let mut tx = self.begin_write(Permission::GrantRoles).await?;
        let before = find(&mut tx, &self.actor.scope, id).await?;
        if before.version != version {
            return Err(StoreError::Conflict);
        }
        let mut problems = Vec::new();
        let mut roles = Vec::new();
        for code in &input.roles {
            match code.parse::<Role>() {
                Ok(role) => roles.push(role),
                Err(_) => problems.push(FieldProblem::new("roles", Problem::Malformed)),
            }
        }
        let roles = RoleSet::new(roles);
        let scope_path = match input.scope_region_id {
            Some(region) => match regions::find(&mut tx, &self.actor.scope, region).await? {
                Some(r) => Some(r.path),
                None => {
                    problems.push(FieldProblem::new("scope_region_id", Problem::Unknown));
                    None
                }
            },
            None => None,
        };
        for department in &input.scope_departments {
            if departments::find(&mut tx, &self.actor.scope, *department)
                .await?
                .is_none_or(|d| {
                    scope_path
                        .as_deref()
                        .is_none_or(|p| !d.region_path.starts_with(p))
                })
            {
                problems.push(FieldProblem::new("scope_departments", Problem::Unknown));
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let scope = DataScope {
            region_path: scope_path,
            departments: input.scope_departments.clone(),
        };
        if let Err(problem) = check_grant(self.actor, id, &roles, &scope) {
            let field = match problem {
                Problem::ScopeTooWide => "scope_region_id",
                _ => "roles",
            };
            return Err(StoreError::invalid(field, problem));
        }
        // Claim the row at the version the caller saw. On PostgreSQL this waits for a concurrent
        // change and then sees it, which the read above cannot; without it that change would be
        // silently overwritten.
        let claimed = tx
            .execute(
                &Query::update()
                    .table(Accounts::Table)
                    .value(Accounts::Version, Expr::col(Accounts::Version))
                    .and_where(Expr::col(Accounts::Id).eq(id))
                    .and_where(Expr::col(Accounts::Version).eq(version))
                    .take(),
            )
            .await?;
        if claimed == 0 {
            return Err(StoreError::Conflict);
        }
        set_access(
            &mut tx,
            id,
            &roles,
            input.scope_region_id,
            &input.scope_departments,
            Some(self.actor.account_id),
        )
        .await?;
        let after = find(&mut tx, &self.actor.scope, id).await?;
        self.record(
            &mut tx,
            AuditAction::RoleChange,
            after.target(),
            Some(&access_view(&before)),
            Some(&access_view(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// The roles and scope of `a` as the audit entry of an access change keeps them.
fn access_view(a: &Account) -> serde_json::Value {
    serde_json::json!({
        "roles": a.roles,
        "scope_region_id": a.scope_region_id,
        "scope_departments": a.scope_departments,
    })
}
