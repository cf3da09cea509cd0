//! The category dictionary (项目类别): four top-level categories of SPEC §3 with subcategories,
//! which the project office may extend.

use crate::error::{StoreError, taken_as};
use crate::schema::Categories;
use crate::scoped::{Scoped, Target};
use chrono::Utc;
use minxin_domain::audit::AuditAction;
use minxin_domain::problem::{FieldProblem, required_line};
use minxin_domain::{Permission, Problem};
use sea_query::{Order, Query};
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
}

/// The whole dictionary, top-level categories each followed by their subcategories; the
/// dictionary is no secret, so staff and the public portal read the same.
pub(crate) async fn dictionary(tx: &mut crate::db::Tx) -> Result<Vec<Category>, StoreError> {
    let all: Vec<Category> = tx
        .all(
            &Query::select()
                .columns([
                    Categories::Id,
                    Categories::Code,
                    Categories::Name,
                    Categories::ParentId,
                    Categories::Sort,
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

impl Scoped<'_> {
    /// The whole dictionary, top-level categories each followed by their subcategories.
    pub async fn categories(&self) -> Result<Vec<Category>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        dictionary(&mut tx).await
    }

    /// Adds a category to the dictionary (项目办 only).
    pub async fn create_category(&self, input: &CategoryInput) -> Result<Category, StoreError> {
        self.require(Permission::ManageDictionary).await?;
        let mut p = Vec::new();
        let name = required_line("name", &input.name, 50, &mut p);
        let code = input.code.trim().to_owned();
        if code.is_empty()
            || code.len() > 60
            || !code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
        {
            p.push(FieldProblem::new("code", Problem::Malformed));
        }
        let mut tx = self.db.begin().await?;
        let existing: Vec<(i64, Option<i64>, i64)> = tx
            .all(
                &Query::select()
                    .columns([Categories::Id, Categories::ParentId, Categories::Sort])
                    .from(Categories::Table)
                    .take(),
            )
            .await?;
        // Subcategories hang under a top-level category; the dictionary has two levels.
        if let Some(parent) = input.parent_id
            && !existing
                .iter()
                .any(|(id, up, _)| *id == parent && up.is_none())
        {
            p.push(FieldProblem::new("parent_id", Problem::Unknown));
        }
        if !p.is_empty() {
            return Err(StoreError::Invalid(p));
        }
        let sort = existing.iter().map(|(_, _, s)| *s).max().unwrap_or(0) + 1;
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
                    ])
                    .values_panic([
                        code.clone().into(),
                        name.clone().into(),
                        input.parent_id.into(),
                        sort.into(),
                        Utc::now().into(),
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
        };
        self.record(
            &mut tx,
            AuditAction::CategoryCreate,
            Target {
                kind: "category",
                id,
                label: &category.name,
                region_path: self.actor.scope.region_path.as_deref().unwrap_or(""),
            },
            None::<&()>,
            Some(&category),
        )
        .await?;
        tx.commit().await?;
        Ok(category)
    }
}
