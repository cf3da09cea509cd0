//! Departments (部门/单位): government bodies and companies, each located in a region. A scope
//! narrowed to departments shows only those.

use super::Org;
use crate::kernel::db::Tx;
use crate::kernel::error::{Found, StoreError, in_use_as, taken_as};
use crate::kernel::schema::{Accounts, Departments, Regions};
use crate::kernel::scope::within;
use crate::kernel::scoped::Target;
use crate::kernel::write::{Audited, Change, versioned_update};
use crate::org::regions;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::problem::{FieldProblem, optional_line, required_line};
use minxin_domain::{DataScope, Permission, Problem};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};

/// A department as listed, with its region's name and path.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Department {
    /// Id.
    pub id: i64,
    /// Short unique code, e.g. `ZJJ` for 住建局.
    pub code: String,
    /// Full name.
    pub name: String,
    /// Region the department belongs to.
    pub region_id: i64,
    /// That region's name.
    pub region_name: String,
    /// That region's path (decides visibility).
    pub region_path: String,
    /// Office telephone, which may be published.
    pub phone: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl Audited for Department {
    fn target(&self) -> Target<'_> {
        Target {
            kind: "department",
            id: self.id,
            label: &self.name,
            region_path: &self.region_path,
        }
    }
}

/// Input for creating or editing a department.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DepartmentInput {
    /// Short unique code.
    pub code: String,
    /// Full name.
    pub name: String,
    /// Region id.
    pub region_id: i64,
    /// Office telephone.
    #[serde(default)]
    pub phone: String,
}

/// Departments inside `scope`, ordered by region then code.
pub(crate) fn in_scope(scope: &DataScope) -> SelectStatement {
    let mut q = Query::select()
        .columns([
            (Departments::Table, Departments::Id),
            (Departments::Table, Departments::Code),
            (Departments::Table, Departments::Name),
            (Departments::Table, Departments::RegionId),
            (Departments::Table, Departments::Phone),
            (Departments::Table, Departments::Version),
        ])
        .expr_as(Expr::col((Regions::Table, Regions::Name)), "region_name")
        .expr_as(Expr::col((Regions::Table, Regions::Path)), "region_path")
        .from(Departments::Table)
        .inner_join(
            Regions::Table,
            Expr::col((Regions::Table, Regions::Id))
                .equals((Departments::Table, Departments::RegionId)),
        )
        .and_where(within(scope, Expr::col((Regions::Table, Regions::Path))))
        .order_by((Regions::Table, Regions::Code), Order::Asc)
        .order_by((Departments::Table, Departments::Code), Order::Asc)
        .take();
    if !scope.departments.is_empty() {
        q.and_where(
            Expr::col((Departments::Table, Departments::Id)).is_in(scope.departments.clone()),
        );
    }
    q
}

/// Loads one department if it lies inside `scope`.
pub(crate) async fn find(
    tx: &mut Tx,
    scope: &DataScope,
    id: i64,
) -> Result<Option<Department>, StoreError> {
    tx.optional(
        &in_scope(scope)
            .and_where(Expr::col((Departments::Table, Departments::Id)).eq(id))
            .take(),
    )
    .await
}

/// A department to insert, its fields already checked (or trusted: bootstrap and seeding).
pub(crate) struct NewDepartment<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub region_id: i64,
    pub phone: Option<&'a str>,
}

/// Inserts a department without checks; for bootstrap and seeding.
pub(crate) async fn insert(tx: &mut Tx, new: &NewDepartment<'_>) -> Result<i64, StoreError> {
    let now = tx.now();
    tx.insert(
        Query::insert()
            .into_table(Departments::Table)
            .columns([
                Departments::Code,
                Departments::Name,
                Departments::RegionId,
                Departments::Phone,
                Departments::CreatedAt,
                Departments::UpdatedAt,
            ])
            .values_panic([
                new.code.into(),
                new.name.into(),
                new.region_id.into(),
                new.phone.into(),
                now.into(),
                now.into(),
            ])
            .take(),
    )
    .await
    .map_err(taken_as("code"))
}

struct Checked {
    code: String,
    name: String,
    region_id: i64,
    phone: Option<String>,
}

impl Org<'_> {
    /// Departments the actor may see, optionally only those containing `text` in name or code.
    pub async fn departments(&self, text: Option<&str>) -> Result<Vec<Department>, StoreError> {
        self.require(Permission::ReadOrganisation).await?;
        let mut q = in_scope(&self.actor.scope);
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            q.and_where(
                Expr::col((Departments::Table, Departments::Name))
                    .like(crate::kernel::page::contains(text.trim()))
                    .or(Expr::col((Departments::Table, Departments::Code))
                        .like(crate::kernel::page::contains(text.trim()))),
            );
        }
        let mut tx = self.db.read().await?;
        tx.all(&q).await
    }

    /// One department, if the actor may see it.
    pub async fn department(&self, id: i64) -> Result<Department, StoreError> {
        let mut tx = self.begin_read(Permission::ReadOrganisation).await?;
        find(&mut tx, &self.actor.scope, id).await?.found()
    }

    async fn check_department(
        &self,
        tx: &mut Tx,
        input: &DepartmentInput,
    ) -> Result<Checked, StoreError> {
        let mut problems = Vec::new();
        let code = required_line("code", &input.code, 20, &mut problems);
        let name = required_line("name", &input.name, 100, &mut problems);
        let phone = optional_line("phone", &input.phone, 30, &mut problems);
        if regions::find(tx, &self.actor.scope, input.region_id)
            .await?
            .is_none()
        {
            problems.push(FieldProblem::new("region_id", Problem::Unknown));
        }
        if problems.is_empty() {
            Ok(Checked {
                code,
                name,
                region_id: input.region_id,
                phone,
            })
        } else {
            Err(StoreError::Invalid(problems))
        }
    }

    /// Creates a department in a region inside the actor's scope.
    pub async fn create_department(
        &self,
        input: &DepartmentInput,
    ) -> Result<Department, StoreError> {
        let mut tx = self.begin_write(Permission::ManageOrganisation).await?;
        let c = self.check_department(&mut tx, input).await?;
        let new = NewDepartment {
            code: &c.code,
            name: &c.name,
            region_id: c.region_id,
            phone: c.phone.as_deref(),
        };
        let id = insert(&mut tx, &new).await?;
        let after = find(&mut tx, &self.actor.scope, id).await?.found()?;
        self.commit_change(tx, AuditAction::DepartmentCreate, Change::Created(&after))
            .await?;
        Ok(after)
    }

    /// Edits a department; refused with a conflict if someone else saved first.
    pub async fn update_department(
        &self,
        id: i64,
        version: i64,
        input: &DepartmentInput,
    ) -> Result<Department, StoreError> {
        let mut tx = self.begin_write(Permission::ManageOrganisation).await?;
        let before = find(&mut tx, &self.actor.scope, id).await?.found()?;
        let c = self.check_department(&mut tx, input).await?;
        tx.update_versioned(&versioned_update(
            Departments::Table,
            id,
            version,
            tx.now(),
            [
                (Departments::Code, c.code.into()),
                (Departments::Name, c.name.into()),
                (Departments::RegionId, c.region_id.into()),
                (Departments::Phone, c.phone.into()),
            ],
        ))
        .await
        .map_err(taken_as("code"))?;
        let after = find(&mut tx, &self.actor.scope, id).await?.found()?;
        self.commit_change(
            tx,
            AuditAction::DepartmentUpdate,
            Change::Updated {
                before: &before,
                after: &after,
            },
        )
        .await?;
        Ok(after)
    }

    /// Removes a department that no account belongs to.
    pub async fn delete_department(&self, id: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write(Permission::ManageOrganisation).await?;
        let before = find(&mut tx, &self.actor.scope, id).await?.found()?;
        let members = tx
            .scalar(
                &Query::select()
                    .expr(Expr::col(Accounts::Id).count())
                    .from(Accounts::Table)
                    .and_where(Expr::col(Accounts::DepartmentId).eq(id))
                    .take(),
            )
            .await?;
        if members > 0 {
            return Err(StoreError::invalid("id", Problem::InUse));
        }
        tx.execute(
            &Query::delete()
                .from_table(Departments::Table)
                .and_where(Expr::col(Departments::Id).eq(id))
                .take(),
        )
        .await
        .map_err(in_use_as("id"))?;
        self.commit_change(tx, AuditAction::DepartmentDelete, Change::Deleted(&before))
            .await
    }
}
