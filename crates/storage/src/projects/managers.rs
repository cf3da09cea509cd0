//! The project managers (项目负责人) a project can be assigned to. The project office may not
//! read accounts (that is the administrators' business), so this is the one narrow view it
//! gets: enabled `manager` accounts of its region, by name and department only.

use super::Registry;
use crate::identity::accounts::{enabled_with_role, join_home};
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Accounts, Departments, Regions};
use crate::kernel::scope::within;
use minxin_domain::projects::access::may_create;
use minxin_domain::{Actor, DataScope, Permission, Role};
use sea_query::{Expr, ExprTrait, Order, SelectStatement};
use serde::Serialize;

/// A manager as offered in the project form.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ManagerRef {
    /// Account id.
    pub id: i64,
    /// Real name.
    pub display_name: String,
    /// Department, if any.
    pub department_name: Option<String>,
}

/// Enabled manager accounts homed in the region subtree of `actor`'s scope.
fn assignable(actor: &Actor) -> SelectStatement {
    let region = DataScope {
        region_path: actor.scope.region_path.clone(),
        departments: Vec::new(),
    };
    enabled_with_role(Role::Manager)
        .column((Accounts::Table, Accounts::Id))
        .column((Accounts::Table, Accounts::DisplayName))
        .expr_as(
            Expr::col((Departments::Table, Departments::Name)),
            "department_name",
        )
        .apply(join_home)
        .and_where(within(&region, Expr::col((Regions::Table, Regions::Path))))
        .take()
}

/// Whether account `id` may be assigned as manager by `actor`.
pub(crate) async fn is_assignable(tx: &mut Tx, actor: &Actor, id: i64) -> Result<bool, StoreError> {
    let found: Option<ManagerRef> = tx
        .optional(
            &assignable(actor)
                .and_where(Expr::col((Accounts::Table, Accounts::Id)).eq(id))
                .take(),
        )
        .await?;
    Ok(found.is_some())
}

impl Registry<'_> {
    /// The managers the actor may assign to projects (those who may create projects only).
    pub async fn assignable_managers(&self) -> Result<Vec<ManagerRef>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        if !may_create(self.actor) {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.db.read().await?;
        tx.all(
            &assignable(self.actor)
                .order_by((Accounts::Table, Accounts::DisplayName), Order::Asc)
                .take(),
        )
        .await
    }
}
