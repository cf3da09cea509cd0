//! The region tree (行政区划). Regions carry a materialised path of ids so that "inside the
//! actor's subtree" is a prefix match in SQL. Ordered by code, which for GB/T 2260 codes is
//! depth-first tree order.

use super::Org;
use crate::kernel::db::Tx;
use crate::kernel::error::{Found, StoreError, in_use_as, taken_as};
use crate::kernel::schema::{Accounts, Departments, Regions};
use crate::kernel::scoped::Target;
use crate::kernel::write::{Audited, Change, versioned_update};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::problem::{FieldProblem, required_line};
use minxin_domain::org::region::{RegionLevel, check_code, check_placement};
use minxin_domain::{DataScope, Permission, Problem};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};

/// A region as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Region {
    /// Id.
    pub id: i64,
    /// GB/T 2260-style code.
    pub code: String,
    /// Name, e.g. 示例区.
    pub name: String,
    /// Level code: province, city, district, street or community.
    pub level: String,
    /// Parent region, `None` for the root.
    pub parent_id: Option<i64>,
    /// Materialised path of ids, e.g. `/1/2/`.
    pub path: String,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl Region {
    /// The region's level; a stored value that does not parse means the database was edited
    /// behind Minxin's back.
    pub fn level(&self) -> Result<RegionLevel, StoreError> {
        self.level
            .parse()
            .map_err(|_| StoreError::Config(format!("region {} has unknown level", self.id)))
    }

    /// How deep in the tree the region sits (root = 0).
    pub fn depth(&self) -> usize {
        self.path.matches('/').count().saturating_sub(2)
    }
}

impl Audited for Region {
    fn target(&self) -> Target<'_> {
        Target {
            kind: "region",
            id: self.id,
            label: &self.name,
            region_path: &self.path,
        }
    }
}

/// Input for creating or editing a region.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RegionInput {
    /// GB/T 2260-style code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Level code; ignored on edit.
    #[serde(default)]
    pub level: String,
    /// Parent region id; required when creating below the root, ignored on edit.
    #[serde(default)]
    pub parent_id: Option<i64>,
}

const COLUMNS: [Regions; 7] = [
    Regions::Id,
    Regions::Code,
    Regions::Name,
    Regions::Level,
    Regions::ParentId,
    Regions::Path,
    Regions::Version,
];

/// Regions inside `scope`, in tree order.
pub(crate) fn in_scope(scope: &DataScope) -> SelectStatement {
    Query::select()
        .columns(COLUMNS)
        .from(Regions::Table)
        .and_where(crate::kernel::scope::within(
            scope,
            Expr::col((Regions::Table, Regions::Path)),
        ))
        .order_by(Regions::Code, Order::Asc)
        .take()
}

/// Loads one region if it lies inside `scope`.
pub(crate) async fn find(
    tx: &mut Tx,
    scope: &DataScope,
    id: i64,
) -> Result<Option<Region>, StoreError> {
    tx.optional(
        &in_scope(scope)
            .and_where(Expr::col(Regions::Id).eq(id))
            .take(),
    )
    .await
}

/// Loads one region regardless of scope; for infrastructure such as building an actor.
pub(crate) async fn find_any(tx: &mut Tx, id: i64) -> Result<Option<Region>, StoreError> {
    tx.optional(
        &Query::select()
            .columns(COLUMNS)
            .from(Regions::Table)
            .and_where(Expr::col(Regions::Id).eq(id))
            .take(),
    )
    .await
}

/// Inserts a region without any permission check; used by bootstrap and demo seeding, and by
/// [`Org::create_region`] after its checks.
pub(crate) async fn insert(
    tx: &mut Tx,
    code: &str,
    name: &str,
    level: RegionLevel,
    parent: Option<&Region>,
) -> Result<Region, StoreError> {
    let now = tx.now();
    let id = tx
        .insert(
            Query::insert()
                .into_table(Regions::Table)
                .columns([
                    Regions::Code,
                    Regions::Name,
                    Regions::Level,
                    Regions::ParentId,
                    Regions::Path,
                    Regions::CreatedAt,
                    Regions::UpdatedAt,
                ])
                .values_panic([
                    code.into(),
                    name.into(),
                    level.code().into(),
                    parent.map(|p| p.id).into(),
                    "".into(),
                    now.into(),
                    now.into(),
                ])
                .take(),
        )
        .await
        .map_err(taken_as("code"))?;
    let path = format!("{}{id}/", parent.map_or("/", |p| p.path.as_str()));
    tx.execute(
        &Query::update()
            .table(Regions::Table)
            .value(Regions::Path, path)
            .and_where(Expr::col(Regions::Id).eq(id))
            .take(),
    )
    .await?;
    find_any(tx, id).await?.found()
}

impl Org<'_> {
    /// Every region the actor may see, in tree order.
    pub async fn regions(&self) -> Result<Vec<Region>, StoreError> {
        let mut tx = self.begin_read(Permission::ReadOrganisation).await?;
        tx.all(&in_scope(&self.actor.scope)).await
    }

    /// One region, if the actor may see it.
    pub async fn region(&self, id: i64) -> Result<Region, StoreError> {
        let mut tx = self.begin_read(Permission::ReadOrganisation).await?;
        find(&mut tx, &self.actor.scope, id).await?.found()
    }

    /// Creates a region under a parent inside the actor's scope.
    pub async fn create_region(&self, input: &RegionInput) -> Result<Region, StoreError> {
        self.require(Permission::ManageOrganisation).await?;
        let mut problems = Vec::new();
        let name = required_line("name", &input.name, 50, &mut problems);
        let code = input.code.trim().to_owned();
        let level = input.level.parse::<RegionLevel>();
        if let Err(p) = &level {
            problems.push(FieldProblem::new("level", p.clone()));
        }
        let mut tx = self.db.begin().await?;
        let parent = match input.parent_id {
            Some(id) => find(&mut tx, &self.actor.scope, id).await?,
            None => None,
        };
        if parent.is_none() {
            problems.push(FieldProblem::new("parent_id", Problem::Unknown));
        }
        if let (Ok(level), Some(parent)) = (&level, &parent) {
            let level = *level;
            let parent_level = parent.level()?;
            if let Err(p) = check_code(level, &code)
                .and_then(|()| check_placement(level, &code, parent_level, &parent.code))
            {
                let field = if p == Problem::RegionParentLevel {
                    "level"
                } else {
                    "code"
                };
                problems.push(FieldProblem::new(field, p));
            }
        }
        let (Ok(level), true) = (level, problems.is_empty()) else {
            return Err(StoreError::Invalid(problems));
        };
        let region = insert(&mut tx, &code, &name, level, parent.as_ref()).await?;
        self.commit_change(tx, AuditAction::RegionCreate, Change::Created(&region))
            .await?;
        Ok(region)
    }

    /// Renames a region or corrects its code; the code may change only while it has no children,
    /// since children's codes extend it.
    pub async fn update_region(
        &self,
        id: i64,
        version: i64,
        input: &RegionInput,
    ) -> Result<Region, StoreError> {
        let mut tx = self.begin_write(Permission::ManageOrganisation).await?;
        let before = find(&mut tx, &self.actor.scope, id).await?.found()?;
        let mut problems = Vec::new();
        let name = required_line("name", &input.name, 50, &mut problems);
        let code = input.code.trim().to_owned();
        if code != before.code {
            let level = before.level()?;
            if let Err(p) = check_code(level, &code) {
                problems.push(FieldProblem::new("code", p));
            } else if let Some(parent_id) = before.parent_id {
                let parent = find_any(&mut tx, parent_id).await?.found()?;
                if let Err(p) = check_placement(level, &code, parent.level()?, &parent.code) {
                    problems.push(FieldProblem::new("code", p));
                }
            }
            if children(&mut tx, id).await? > 0 {
                problems.push(FieldProblem::new("code", Problem::InUse));
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        tx.update_versioned(&versioned_update(
            Regions::Table,
            id,
            version,
            tx.now(),
            [(Regions::Name, name.into()), (Regions::Code, code.into())],
        ))
        .await
        .map_err(taken_as("code"))?;
        let after = find_any(&mut tx, id).await?.found()?;
        self.commit_change(
            tx,
            AuditAction::RegionUpdate,
            Change::Updated {
                before: &before,
                after: &after,
            },
        )
        .await?;
        Ok(after)
    }

    /// Removes a region that nothing refers to any more.
    pub async fn delete_region(&self, id: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write(Permission::ManageOrganisation).await?;
        let before = find(&mut tx, &self.actor.scope, id).await?.found()?;
        if before.parent_id.is_none() || dependants(&mut tx, id).await? > 0 {
            return Err(StoreError::invalid("id", Problem::InUse));
        }
        tx.execute(
            &Query::delete()
                .from_table(Regions::Table)
                .and_where(Expr::col(Regions::Id).eq(id))
                .take(),
        )
        .await
        .map_err(in_use_as("id"))?;
        self.commit_change(tx, AuditAction::RegionDelete, Change::Deleted(&before))
            .await
    }
}

async fn children(tx: &mut Tx, id: i64) -> Result<i64, StoreError> {
    tx.scalar(
        &Query::select()
            .expr(Expr::col(Regions::Id).count())
            .from(Regions::Table)
            .and_where(Expr::col(Regions::ParentId).eq(id))
            .take(),
    )
    .await
}

async fn dependants(tx: &mut Tx, id: i64) -> Result<i64, StoreError> {
    let departments = tx
        .scalar(
            &Query::select()
                .expr(Expr::col(Departments::Id).count())
                .from(Departments::Table)
                .and_where(Expr::col(Departments::RegionId).eq(id))
                .take(),
        )
        .await?;
    let accounts = tx
        .scalar(
            &Query::select()
                .expr(Expr::col(Accounts::Id).count())
                .from(Accounts::Table)
                .and_where(
                    Expr::col(Accounts::RegionId)
                        .eq(id)
                        .or(Expr::col(Accounts::ScopeRegionId).eq(id)),
                )
                .take(),
        )
        .await?;
    Ok(children(tx, id).await? + departments + accounts)
}
