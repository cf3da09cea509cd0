//! The category dictionary (项目类别): four top-level categories of SPEC §3 with subcategories,
//! which the project office may extend. The shipped dictionary is everyone's; a category an
//! office adds belongs to a region and is seen only where `domain::category::visible` says
//! (its region, above and below, never a sibling district), and only an office covering every
//! region that uses it may rename it (issue 15 finding 11).

use super::Org;
use crate::kernel::db::Tx;
use crate::kernel::error::{Found, StoreError, taken_as};
use crate::kernel::schema::{Categories, Projects, Regions};
use crate::kernel::scoped::{Scoped, Target};
use crate::org::regions;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::problem::{FieldProblem, required_line};
use minxin_domain::org::category::{self, NAME_MAX};
use minxin_domain::{Permission, Problem};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};

/// A category or subcategory.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Category {
    /// Id.
    pub id: i64,
    /// Stable code, e.g. `infrastructure.old_housing`.
    pub code: String,
    /// Name, e.g. 老旧小区改造.
    pub name: String,
    /// The top-level category, for a subcategory.
    pub parent_id: Option<i64>,
    /// Display order.
    pub sort: i64,
    /// The region the category belongs to; `None` for the shipped dictionary, everyone's.
    pub region_id: Option<i64>,
    /// That region's path, which decides who sees the category.
    #[serde(skip)]
    pub region_path: Option<String>,
}

/// A new subcategory (or top-level category without a parent).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CategoryInput {
    /// Name.
    pub name: String,
    /// Stable code: lower-case letters, digits, `_` and `.`.
    pub code: String,
    /// Parent category id; empty for a new top-level category.
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// The region it belongs to, inside the caller's scope; empty for the scope's own region.
    #[serde(default)]
    pub region_id: Option<i64>,
}

/// A category renamed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CategoryChange {
    /// The new name.
    pub name: String,
}

/// The whole dictionary, top-level categories each followed by their subcategories; the
/// dictionary is no secret, so the public portal reads all of it.
pub(crate) async fn dictionary(tx: &mut Tx) -> Result<Vec<Category>, StoreError> {
    let all: Vec<Category> = tx
        .all(
            &Query::select()
                .columns([
                    Categories::Id,
                    Categories::Code,
                    Categories::Name,
                    Categories::ParentId,
                    Categories::Sort,
                    Categories::RegionId,
                    Categories::RegionPath,
                ])
                .from(Categories::Table)
                .order_by(Categories::Sort, Order::Asc)
                .order_by(Categories::Id, Order::Asc)
                .take(),
        )
        .await?;
    let mut ordered = Vec::with_capacity(all.len());
    for top in all.iter().filter(|c| c.parent_id.is_none()) {
        ordered.push(top.clone());
        ordered.extend(all.iter().filter(|c| c.parent_id == Some(top.id)).cloned());
    }
    Ok(ordered)
}

/// The dictionary as seen from the region at `from` (`None`: the whole tree sees all); a
/// subcategory only under a top-level category that is seen too.
pub(crate) async fn seen_from(
    tx: &mut Tx,
    from: Option<&str>,
) -> Result<Vec<Category>, StoreError> {
    let all = dictionary(tx).await?;
    let seen =
        |c: &Category| from.is_none_or(|from| category::visible(c.region_path.as_deref(), from));
    let tops: Vec<i64> = all
        .iter()
        .filter(|c| c.parent_id.is_none() && seen(c))
        .map(|c| c.id)
        .collect();
    Ok(all
        .into_iter()
        .filter(|c| seen(c) && c.parent_id.is_none_or(|p| tops.contains(&p)))
        .collect())
}

/// The path the caller's categories are seen from: `None` for a whole-tree scope.
pub(crate) fn viewpoint(scoped: &Scoped<'_>) -> Result<Option<String>, StoreError> {
    let scope = &scoped.actor.scope;
    match &scope.region_path {
        _ if scope.is_whole_tree() => Ok(None),
        Some(path) => Ok(Some(path.clone())),
        None => Err(StoreError::Forbidden),
    }
}

/// A name problem: `name` is used by another category with the same parent among `seen`.
fn name_taken(seen: &[Category], name: &str, parent: Option<i64>, except: Option<i64>) -> bool {
    seen.iter()
        .any(|c| c.parent_id == parent && c.name == name && Some(c.id) != except)
}

impl Org<'_> {
    /// The dictionary the caller's scope sees, top-level categories each followed by their
    /// subcategories.
    pub async fn categories(&self) -> Result<Vec<Category>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let from = viewpoint(self)?;
        let mut tx = self.db.read().await?;
        seen_from(&mut tx, from.as_deref()).await
    }

    /// Adds a category to the dictionary (项目办 only), for a region in the caller's scope
    /// (by default the scope's own region).
    pub async fn create_category(&self, input: &CategoryInput) -> Result<Category, StoreError> {
        self.require(Permission::ManageDictionary).await?;
        let mut p = Vec::new();
        let name = required_line("name", &input.name, NAME_MAX, &mut p);
        let code = input.code.trim().to_owned();
        if code.is_empty()
            || code.len() > 60
            || !code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
        {
            p.push(FieldProblem::new("code", Problem::Malformed));
        }
        let scope = &self.actor.scope;
        let mut tx = self.db.begin().await?;
        let region = match input.region_id {
            Some(id) => regions::find(&mut tx, scope, id).await?,
            None => {
                let root = scope.region_path.clone().ok_or(StoreError::Forbidden)?;
                tx.optional(
                    &regions::in_scope(scope)
                        .and_where(Expr::col((Regions::Table, Regions::Path)).eq(root))
                        .take(),
                )
                .await?
            }
        };
        let Some(region) = region else {
            p.push(FieldProblem::new("region_id", Problem::Unknown));
            return Err(StoreError::Invalid(p));
        };
        let seen = seen_from(&mut tx, Some(&region.path)).await?;
        // Subcategories hang under a top-level category; the dictionary has two levels.
        if let Some(parent) = input.parent_id
            && !seen.iter().any(|c| c.id == parent && c.parent_id.is_none())
        {
            p.push(FieldProblem::new("parent_id", Problem::Unknown));
        }
        if name_taken(&seen, &name, input.parent_id, None) {
            p.push(FieldProblem::new("name", Problem::Taken));
        }
        if !p.is_empty() {
            return Err(StoreError::Invalid(p));
        }
        let sort = tx
            .scalar(
                &Query::select()
                    .expr(Expr::col(Categories::Sort).max().if_null(0))
                    .from(Categories::Table)
                    .take(),
            )
            .await?
            + 1;
        let id = tx
            .insert(
                Query::insert()
                    .into_table(Categories::Table)
                    .columns([
                        Categories::Code,
                        Categories::Name,
                        Categories::ParentId,
                        Categories::Sort,
                        Categories::CreatedAt,
                        Categories::RegionId,
                        Categories::RegionPath,
                    ])
                    .values_panic([
                        code.clone().into(),
                        name.clone().into(),
                        input.parent_id.into(),
                        sort.into(),
                        tx.now().into(),
                        region.id.into(),
                        region.path.clone().into(),
                    ])
                    .take(),
            )
            .await
            .map_err(taken_as("code"))?;
        let category = Category {
            id,
            code,
            name,
            parent_id: input.parent_id,
            sort,
            region_id: Some(region.id),
            region_path: Some(region.path),
        };
        self.record(
            &mut tx,
            AuditAction::CategoryCreate,
            target(&category, &self.actor.scope.region_path),
            None::<&()>,
            Some(&category),
        )
        .await?;
        tx.commit().await?;
        Ok(category)
    }

    /// Renames category `id` (项目办 only): the caller must see it, and its scope must cover
    /// the category's region and every region with a project of that category.
    pub async fn update_category(
        &self,
        id: i64,
        change: &CategoryChange,
    ) -> Result<Category, StoreError> {
        self.require(Permission::ManageDictionary).await?;
        let from = viewpoint(self)?;
        let mut p = Vec::new();
        let name = required_line("name", &change.name, NAME_MAX, &mut p);
        let mut tx = self.db.begin().await?;
        let before = seen_from(&mut tx, from.as_deref())
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .found()?;
        let used_in: Vec<(String,)> = tx
            .all(
                &Query::select()
                    .distinct()
                    .column(Projects::RegionPath)
                    .from(Projects::Table)
                    .and_where(Expr::col(Projects::CategoryId).eq(id))
                    .take(),
            )
            .await?;
        let home = before.region_path.as_deref();
        if !category::may_change(
            &self.actor.scope,
            home,
            used_in.iter().map(|(path,)| path.as_str()),
        ) {
            return Err(StoreError::Forbidden);
        }
        // Unique among what the category's own region sees (the whole tree for a shipped one).
        let seen = seen_from(&mut tx, home).await?;
        if name_taken(&seen, &name, before.parent_id, Some(id)) {
            p.push(FieldProblem::new("name", Problem::Taken));
        }
        if !p.is_empty() {
            return Err(StoreError::Invalid(p));
        }
        tx.execute(
            &Query::update()
                .table(Categories::Table)
                .value(Categories::Name, name.clone())
                .and_where(Expr::col(Categories::Id).eq(id))
                .take(),
        )
        .await?;
        let after = Category {
            name,
            ..before.clone()
        };
        self.record(
            &mut tx,
            AuditAction::CategoryUpdate,
            target(&after, &self.actor.scope.region_path),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// A category as the audit log names it, filed under its region (a shipped one under the
/// actor's scope, `scope`).
fn target<'a>(category: &'a Category, scope: &'a Option<String>) -> Target<'a> {
    Target {
        kind: "category",
        id: category.id,
        label: &category.name,
        region_path: category
            .region_path
            .as_deref()
            .or(scope.as_deref())
            .unwrap_or(""),
    }
}
