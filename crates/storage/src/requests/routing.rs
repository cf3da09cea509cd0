//! The office's routing of service requests (issue 6, item 3): community boundaries imported
//! as GeoJSON ([`minxin_domain::org::boundary_import`]) and rules by category and boundary picking
//! the department a new request goes to. Everything is done through [`Requests`] with
//! `ModerateRequests`, within the caller's region scope: only boundaries of regions in scope,
//! only rules whose department (and boundary, if any) is in scope; every change is audited.
//! An import is all or nothing and replaces the boundaries of the regions it names in place, so
//! the rules naming them stay; removing a boundary removes its rules with it. The point test
//! asks what intake asks ([`super::placement::routed`]), so it shows what a request would get.

use super::Requests;
use super::intake::category;
use super::placement::routed;
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::*;
use crate::kernel::scope::within;
use crate::kernel::scoped::Target;
use crate::org::departments::{self, Department};
use crate::org::regions::{self, Region};
use chrono::{DateTime, Utc};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::geo::Point;
use minxin_domain::kernel::problem::FieldProblem;
use minxin_domain::org::boundary::Area;
use minxin_domain::org::boundary_import::{BoundaryRefusal, read_import};
use minxin_domain::requests::routing::{RuleRefusal, repeats};
use minxin_domain::{DataScope, Permission, Problem};
use sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::Serialize;

/// A community boundary as the office's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CommunityBoundary {
    /// The region's id, which is also the boundary's.
    pub region_id: i64,
    /// The region's code.
    pub code: String,
    /// The region's name.
    pub name: String,
    /// How many polygons the boundary has (more than one for a community in parts).
    pub polygons: usize,
    /// When it was last imported.
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct BoundaryListRow {
    region_id: i64,
    code: String,
    name: String,
    geojson: String,
    updated_at: DateTime<Utc>,
}

/// A routing rule as the office's page lists it, with the names of what it refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RuleListing {
    /// Id; among equally specific rules the older wins.
    pub id: i64,
    /// The category's code; `None` for any category.
    pub category_code: Option<String>,
    /// The category's name.
    pub category_name: Option<String>,
    /// The category's English name.
    pub category_name_en: Option<String>,
    /// The boundary's region id; `None` for anywhere.
    pub boundary: Option<i64>,
    /// That region's name.
    pub boundary_name: Option<String>,
    /// The department requests go to.
    pub department_id: i64,
    /// Its name.
    pub department_name: String,
    /// When the rule was added.
    pub created_at: DateTime<Utc>,
}

/// A rule as the office adds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewRule {
    /// The category code; `None` for any category.
    pub category: Option<String>,
    /// The boundary's region id; `None` for anywhere (whole-tree offices only).
    pub boundary: Option<i64>,
    /// The department.
    pub department: i64,
}

/// Where a request at a tested point would go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Straight to this department (its name).
    Department(String),
    /// To a department outside the caller's scope, by another office's rule.
    OutsideScope,
    /// No rule fits: the office's dispatch queue.
    DispatchQueue,
}

/// The answer of the point test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointRoute {
    /// The names of the boundaries in scope containing the point, the deepest first.
    pub boundaries: Vec<String>,
    /// Where the request would go.
    pub destination: Destination,
}

/// What the audit log keeps of an imported boundary (not the geometry itself).
#[derive(Serialize)]
struct ImportAudit {
    feature: usize,
    polygons: usize,
    replaced: bool,
}

/// Boundaries whose region lies inside the caller's scope, by region code.
fn boundaries_in_scope(scope: &DataScope) -> SelectStatement {
    Query::select()
        .column((CommunityBoundaries::Table, CommunityBoundaries::RegionId))
        .column((Regions::Table, Regions::Code))
        .column((Regions::Table, Regions::Name))
        .column((CommunityBoundaries::Table, CommunityBoundaries::Geojson))
        .column((CommunityBoundaries::Table, CommunityBoundaries::UpdatedAt))
        .from(CommunityBoundaries::Table)
        .inner_join(
            Regions::Table,
            Expr::col((Regions::Table, Regions::Id))
                .equals((CommunityBoundaries::Table, CommunityBoundaries::RegionId)),
        )
        .and_where(within(scope, Expr::col((Regions::Table, Regions::Path))))
        .order_by((Regions::Table, Regions::Code), Order::Asc)
        .take()
}

/// Rules whose department, and boundary if any, lie inside the caller's scope, oldest first.
fn rules_in_scope(scope: &DataScope) -> SelectStatement {
    let department_region = Alias::new("department_region");
    let boundary_region = Alias::new("boundary_region");
    let mut q = Query::select()
        .column((RoutingRules::Table, RoutingRules::Id))
        .expr_as(
            Expr::col((RequestCategories::Table, RequestCategories::Code)),
            "category_code",
        )
        .expr_as(
            Expr::col((RequestCategories::Table, RequestCategories::Name)),
            "category_name",
        )
        .expr_as(
            Expr::col((RequestCategories::Table, RequestCategories::NameEn)),
            "category_name_en",
        )
        .expr_as(
            Expr::col((RoutingRules::Table, RoutingRules::RegionId)),
            "boundary",
        )
        .expr_as(
            Expr::col((boundary_region.clone(), Regions::Name)),
            "boundary_name",
        )
        .column((RoutingRules::Table, RoutingRules::DepartmentId))
        .expr_as(
            Expr::col((Departments::Table, Departments::Name)),
            "department_name",
        )
        .column((RoutingRules::Table, RoutingRules::CreatedAt))
        .from(RoutingRules::Table)
        .inner_join(
            Departments::Table,
            Expr::col((Departments::Table, Departments::Id))
                .equals((RoutingRules::Table, RoutingRules::DepartmentId)),
        )
        .join_as(
            JoinType::InnerJoin,
            Regions::Table,
            department_region.clone(),
            Expr::col((department_region.clone(), Regions::Id))
                .equals((Departments::Table, Departments::RegionId)),
        )
        .left_join(
            RequestCategories::Table,
            Expr::col((RequestCategories::Table, RequestCategories::Id))
                .equals((RoutingRules::Table, RoutingRules::CategoryId)),
        )
        .join_as(
            JoinType::LeftJoin,
            Regions::Table,
            boundary_region.clone(),
            Expr::col((boundary_region.clone(), Regions::Id))
                .equals((RoutingRules::Table, RoutingRules::RegionId)),
        )
        .and_where(within(scope, Expr::col((department_region, Regions::Path))))
        .and_where(
            Expr::col((RoutingRules::Table, RoutingRules::RegionId))
                .is_null()
                .or(within(scope, Expr::col((boundary_region, Regions::Path)))),
        )
        .order_by((RoutingRules::Table, RoutingRules::Id), Order::Asc)
        .take();
    if !scope.departments.is_empty() {
        q.and_where(
            Expr::col((Departments::Table, Departments::Id)).is_in(scope.departments.clone()),
        );
    }
    q
}

/// The boundary of region `id`, if its region lies in `scope`.
async fn boundary_in_scope(
    tx: &mut Tx,
    scope: &DataScope,
    id: i64,
) -> Result<Option<Region>, StoreError> {
    let Some(region) = regions::find(tx, scope, id).await? else {
        return Ok(None);
    };
    let stored: Option<(i64,)> = tx
        .optional(
            &Query::select()
                .column(CommunityBoundaries::RegionId)
                .from(CommunityBoundaries::Table)
                .and_where(Expr::col(CommunityBoundaries::RegionId).eq(id))
                .take(),
        )
        .await?;
    Ok(stored.map(|_| region))
}

/// Writes the boundary of `region` — replacing it in place when there is one, so the rules
/// naming it stay — and says whether one was replaced.
async fn put_boundary(
    tx: &mut Tx,
    region: i64,
    geojson: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let replaced = tx
        .execute(
            &Query::update()
                .table(CommunityBoundaries::Table)
                .value(CommunityBoundaries::Geojson, geojson)
                .value(CommunityBoundaries::UpdatedAt, now)
                .and_where(Expr::col(CommunityBoundaries::RegionId).eq(region))
                .take(),
        )
        .await?
        > 0;
    if !replaced {
        tx.execute(
            &Query::insert()
                .into_table(CommunityBoundaries::Table)
                .columns([
                    CommunityBoundaries::RegionId,
                    CommunityBoundaries::Geojson,
                    CommunityBoundaries::UpdatedAt,
                ])
                .values_panic([region.into(), geojson.into(), now.into()])
                .take(),
        )
        .await?;
    }
    Ok(replaced)
}

fn refused(refusal: BoundaryRefusal) -> StoreError {
    StoreError::invalid("file", Problem::refused(refusal))
}

impl Requests<'_> {
    /// The community boundaries in the caller's scope, by region code.
    pub async fn community_boundaries(&self) -> Result<Vec<CommunityBoundary>, StoreError> {
        self.require(Permission::ModerateRequests).await?;
        let rows: Vec<BoundaryListRow> = self
            .db
            .read()
            .await?
            .all(&boundaries_in_scope(&self.actor.scope))
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| CommunityBoundary {
                polygons: Area::from_geojson(&r.geojson).map_or(0, |a| a.polygons.len()),
                region_id: r.region_id,
                code: r.code,
                name: r.name,
                updated_at: r.updated_at,
            })
            .collect())
    }

    /// Imports a GeoJSON file of community boundaries (see
    /// [`minxin_domain::org::boundary_import`]; `fallback_code` names the community of features
    /// without a code): all or nothing, each region in the caller's scope, one audit entry per
    /// community. Returns the regions imported, in file order.
    pub async fn import_boundaries(
        &self,
        text: &str,
        fallback_code: &str,
    ) -> Result<Vec<Region>, StoreError> {
        self.require(Permission::ModerateRequests).await?;
        let features = read_import(text, fallback_code).map_err(refused)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let mut imported = Vec::with_capacity(features.len());
        for f in &features {
            let region: Option<Region> = tx
                .optional(
                    &regions::in_scope(&self.actor.scope)
                        .and_where(Expr::col((Regions::Table, Regions::Code)).eq(f.code.as_str()))
                        .take(),
                )
                .await?;
            let Some(region) = region else {
                return Err(refused(BoundaryRefusal::UnknownRegion {
                    feature: f.feature,
                    code: f.code.clone(),
                }));
            };
            let replaced = put_boundary(&mut tx, region.id, &f.geojson, now).await?;
            let audit = ImportAudit {
                feature: f.feature,
                polygons: f.area.polygons.len(),
                replaced,
            };
            self.audit_boundary(
                &mut tx,
                AuditAction::BoundaryImport,
                &region,
                None::<&()>,
                Some(&audit),
            )
            .await?;
            imported.push(region);
        }
        tx.commit().await?;
        Ok(imported)
    }

    /// Removes the boundary of region `id`, and with it the rules naming it; a boundary outside
    /// the caller's scope is "not found".
    pub async fn delete_boundary(&self, id: i64) -> Result<(), StoreError> {
        self.require(Permission::ModerateRequests).await?;
        let mut tx = self.db.begin().await?;
        let region = boundary_in_scope(&mut tx, &self.actor.scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let rules = tx
            .execute(
                &Query::delete()
                    .from_table(RoutingRules::Table)
                    .and_where(Expr::col(RoutingRules::RegionId).eq(id))
                    .take(),
            )
            .await?;
        tx.execute(
            &Query::delete()
                .from_table(CommunityBoundaries::Table)
                .and_where(Expr::col(CommunityBoundaries::RegionId).eq(id))
                .take(),
        )
        .await?;
        let removed = serde_json::json!({ "rules_removed": rules });
        self.audit_boundary(
            &mut tx,
            AuditAction::BoundaryDelete,
            &region,
            Some(&removed),
            None::<&()>,
        )
        .await?;
        tx.commit().await
    }

    /// The routing rules in the caller's scope, oldest first.
    pub async fn routing_rules(&self) -> Result<Vec<RuleListing>, StoreError> {
        self.require(Permission::ModerateRequests).await?;
        self.db
            .read()
            .await?
            .all(&rules_in_scope(&self.actor.scope))
            .await
    }

    /// Adds a rule: the category (if any) must exist, the boundary (if any) and the department
    /// lie in the caller's scope, a rule without a boundary needs a whole-tree scope, and no
    /// rule for the same category and boundary may exist.
    pub async fn add_routing_rule(&self, rule: &NewRule) -> Result<RuleListing, StoreError> {
        self.require(Permission::ModerateRequests).await?;
        let scope = &self.actor.scope;
        let mut tx = self.db.begin().await?;
        let mut problems = Vec::new();
        let category_id = match &rule.category {
            Some(code) => match category(&mut tx, code).await {
                Ok(c) => Some(c.id),
                Err(StoreError::Invalid(mut p)) => {
                    problems.append(&mut p);
                    None
                }
                Err(e) => return Err(e),
            },
            None => None,
        };
        let boundary = match rule.boundary {
            Some(id) => boundary_in_scope(&mut tx, scope, id).await?,
            None => None,
        };
        if rule.boundary.is_some() && boundary.is_none() {
            problems.push(FieldProblem::new("boundary", Problem::Unknown));
        }
        if rule.boundary.is_none() && !scope.is_whole_tree() {
            let refusal = RuleRefusal::BoundaryNeeded;
            problems.push(FieldProblem::new("boundary", Problem::refused(refusal)));
        }
        let department = departments::find(&mut tx, scope, rule.department).await?;
        if department.is_none() {
            problems.push(FieldProblem::new("department", Problem::Unknown));
        }
        let (Some(department), true) = (department, problems.is_empty()) else {
            return Err(StoreError::Invalid(problems));
        };
        let existing: Vec<(Option<i64>, Option<i64>)> = tx
            .all(
                &Query::select()
                    .columns([RoutingRules::CategoryId, RoutingRules::RegionId])
                    .from(RoutingRules::Table)
                    .take(),
            )
            .await?;
        if repeats(&existing, category_id, rule.boundary) {
            let refusal = RuleRefusal::Duplicate;
            return Err(StoreError::invalid("_form", Problem::refused(refusal)));
        }
        let id = tx
            .insert(
                Query::insert()
                    .into_table(RoutingRules::Table)
                    .columns([
                        RoutingRules::CategoryId,
                        RoutingRules::RegionId,
                        RoutingRules::DepartmentId,
                        RoutingRules::CreatedAt,
                    ])
                    .values_panic([
                        category_id.into(),
                        rule.boundary.into(),
                        department.id.into(),
                        tx.now().into(),
                    ])
                    .take(),
            )
            .await?;
        let listed = self.rule_in_scope(&mut tx, id).await?;
        self.audit_rule(&mut tx, &department, id, None, Some(&listed))
            .await?;
        tx.commit().await?;
        Ok(listed)
    }

    /// Removes rule `id`; a rule outside the caller's scope is "not found".
    pub async fn delete_routing_rule(&self, id: i64) -> Result<(), StoreError> {
        self.require(Permission::ModerateRequests).await?;
        let mut tx = self.db.begin().await?;
        let before = self.rule_in_scope(&mut tx, id).await?;
        tx.execute(
            &Query::delete()
                .from_table(RoutingRules::Table)
                .and_where(Expr::col(RoutingRules::Id).eq(id))
                .take(),
        )
        .await?;
        let department = departments::find(&mut tx, &self.actor.scope, before.department_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.audit_rule(&mut tx, &department, id, Some(&before), None)
            .await?;
        tx.commit().await
    }

    /// Audits a change to the boundary of `region`.
    async fn audit_boundary<B: Serialize, A: Serialize>(
        &self,
        tx: &mut Tx,
        action: AuditAction,
        region: &Region,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<(), StoreError> {
        let target = Target {
            kind: "community_boundary",
            id: region.id,
            label: &region.name,
            region_path: &region.path,
        };
        self.record(tx, action, target, before, after).await
    }

    /// Audits a change to rule `id`, which sends requests to `department`.
    async fn audit_rule(
        &self,
        tx: &mut Tx,
        department: &Department,
        id: i64,
        before: Option<&RuleListing>,
        after: Option<&RuleListing>,
    ) -> Result<(), StoreError> {
        let target = Target {
            kind: "routing_rule",
            id,
            label: &department.name,
            region_path: &department.region_path,
        };
        self.record(tx, AuditAction::RoutingChange, target, before, after)
            .await
    }

    async fn rule_in_scope(&self, tx: &mut Tx, id: i64) -> Result<RuleListing, StoreError> {
        tx.optional(
            &rules_in_scope(&self.actor.scope)
                .and_where(Expr::col((RoutingRules::Table, RoutingRules::Id)).eq(id))
                .take(),
        )
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Where a request of category `code` at `point` would be routed now, by every
    /// boundary and rule as intake sees them; only what lies in the caller's scope is named.
    pub async fn test_route(&self, code: &str, point: Point) -> Result<PointRoute, StoreError> {
        self.require(Permission::ModerateRequests).await?;
        let scope = &self.actor.scope;
        let mut tx = self.db.read().await?;
        let known = category(&mut tx, code).await?;
        let routed = routed(&mut tx, &known.code, Some(point)).await?;
        let mut boundaries = Vec::new();
        for b in routed
            .containing
            .iter()
            .filter(|b| scope.covers_region(&b.path))
        {
            if let Some(region) = regions::find(&mut tx, scope, b.region_id).await? {
                boundaries.push(region.name);
            }
        }
        let destination = match routed.department {
            Some(id) => match departments::find(&mut tx, scope, id).await? {
                Some(d) => Destination::Department(d.name),
                None => Destination::OutsideScope,
            },
            None => Destination::DispatchQueue,
        };
        Ok(PointRoute {
            boundaries,
            destination,
        })
    }
}
