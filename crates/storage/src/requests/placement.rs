//! Where intake places and routes a new request (issue 15): the region it is placed in decides
//! whose queue it lands in, by [`minxin_domain::requests::placement`] — the smallest region whose boundary
//! contains its point, the region of the project it names, of the nearest project within the
//! configured distance, else the region of the office that dispatches what nothing placed —
//! so every request lies in some office's scope. The department comes from the office's rules
//! ([`minxin_domain::requests::routing`]) over the boundaries containing the point.

use crate::db::Tx;
use crate::error::StoreError;
use crate::schema::*;
use minxin_domain::Permission;
use minxin_domain::identity::permission::granted_by;
use minxin_domain::kernel::geo::Point;
use minxin_domain::org::boundary::Area;
use minxin_domain::requests::placement::{Candidates, nearest, place, search_box};
use minxin_domain::requests::routing::{RoutingRule, route};
use sea_query::{Expr, ExprTrait, Order, Query};

/// A community boundary as intake reads it.
#[derive(sqlx::FromRow)]
pub(super) struct BoundaryRow {
    /// The community's region id (also the boundary's id).
    pub(super) region_id: i64,
    /// That region's path, where a request inside it is placed.
    pub(super) path: String,
    geojson: String,
}

/// Where routing sends a request: the boundaries containing its point, deepest first, and
/// the department the office's rules pick, if any.
pub(super) struct Routed {
    /// The boundaries containing the point.
    pub(super) containing: Vec<BoundaryRow>,
    /// The department picked; `None` leaves the request in the dispatch queue.
    pub(super) department: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: i64,
    category: Option<String>,
    region_id: Option<i64>,
    department_id: i64,
}

/// How a request of category `category` at `point` is routed ([`minxin_domain::requests::routing::route`]
/// over every boundary and rule): intake and the office's point test ask the same question.
pub(super) async fn routed(
    tx: &mut Tx,
    category: &str,
    point: Option<Point>,
) -> Result<Routed, StoreError> {
    let containing = containing_boundaries(tx, point).await?;
    let rules = rules(tx).await?;
    let ids: Vec<i64> = containing.iter().map(|b| b.region_id).collect();
    let department = route(&rules, category, &ids).map(|r| r.department);
    Ok(Routed {
        containing,
        department,
    })
}

/// The community boundaries containing `point`, the most specific (deepest region) first.
async fn containing_boundaries(
    tx: &mut Tx,
    point: Option<Point>,
) -> Result<Vec<BoundaryRow>, StoreError> {
    let Some(point) = point else {
        return Ok(Vec::new());
    };
    let rows: Vec<BoundaryRow> = tx
        .all(
            Query::select()
                .column((CommunityBoundaries::Table, CommunityBoundaries::RegionId))
                .column((Regions::Table, Regions::Path))
                .column((CommunityBoundaries::Table, CommunityBoundaries::Geojson))
                .from(CommunityBoundaries::Table)
                .inner_join(
                    Regions::Table,
                    Expr::col((Regions::Table, Regions::Id))
                        .equals((CommunityBoundaries::Table, CommunityBoundaries::RegionId)),
                ),
        )
        .await?;
    let mut inside: Vec<BoundaryRow> = rows
        .into_iter()
        .filter(|b| Area::from_geojson(&b.geojson).is_ok_and(|area| area.contains(point)))
        .collect();
    inside.sort_by_key(|b| std::cmp::Reverse(b.path.len()));
    Ok(inside)
}

/// The office's routing rules, oldest first.
async fn rules(tx: &mut Tx) -> Result<Vec<RoutingRule>, StoreError> {
    let rows: Vec<RuleRow> = tx
        .all(
            Query::select()
                .column((RoutingRules::Table, RoutingRules::Id))
                .expr_as(
                    Expr::col((RequestCategories::Table, RequestCategories::Code)),
                    sea_query::Alias::new("category"),
                )
                .column((RoutingRules::Table, RoutingRules::RegionId))
                .column((RoutingRules::Table, RoutingRules::DepartmentId))
                .from(RoutingRules::Table)
                .left_join(
                    RequestCategories::Table,
                    Expr::col((RequestCategories::Table, RequestCategories::Id))
                        .equals((RoutingRules::Table, RoutingRules::CategoryId)),
                )
                .order_by((RoutingRules::Table, RoutingRules::Id), Order::Asc),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| RoutingRule {
            id: r.id,
            category: r.category,
            boundary: r.region_id,
            department: r.department_id,
        })
        .collect())
}

/// The path of the top of the region tree, where requests without a place belong.
pub(super) async fn root_path(tx: &mut Tx) -> Result<String, StoreError> {
    let row: Option<(String,)> = tx
        .optional(
            Query::select()
                .column(Regions::Path)
                .from(Regions::Table)
                .and_where(Expr::col(Regions::ParentId).is_null())
                .order_by(Regions::Id, Order::Asc)
                .limit(1),
        )
        .await?;
    row.map(|(path,)| path)
        .ok_or_else(|| StoreError::Config("the region tree is empty".into()))
}

/// The region path a request is placed in: `containing` are the boundaries holding its point
/// (deepest first), `project` the path of the project it names; `near_metres` is how far a
/// project may be for its region to count. Never a region outside every dispatching office's
/// scope ([`place`]); the top region only while no account dispatches.
pub(super) async fn region_for(
    tx: &mut Tx,
    containing: &[BoundaryRow],
    project: Option<&str>,
    point: Option<Point>,
    near_metres: u32,
) -> Result<String, StoreError> {
    let offices = office_scopes(tx).await?;
    let offices: Vec<&str> = offices.iter().map(String::as_str).collect();
    let boundary = containing.first().map(|b| b.path.as_str());
    let near = match (boundary, project, point) {
        (None, None, Some(point)) => nearest_project_region(tx, point, near_metres).await?,
        _ => None,
    };
    let candidates = Candidates {
        boundary,
        project,
        near_project: near.as_deref(),
    };
    match place(&candidates, &offices) {
        Some((path, _)) => Ok(path.to_owned()),
        None => root_path(tx).await,
    }
}

#[derive(sqlx::FromRow)]
struct ProjectPlace {
    region_path: String,
    latitude: f64,
    longitude: f64,
}

/// The region path of the project nearest to `point` within `metres`, if any: the projects in
/// the box around it are read by their coordinates, the distance decided by the domain.
async fn nearest_project_region(
    tx: &mut Tx,
    point: Point,
    metres: u32,
) -> Result<Option<String>, StoreError> {
    let metres = f64::from(metres);
    let area = search_box(point, metres);
    let p = Projects::Table;
    let rows: Vec<ProjectPlace> = tx
        .all(
            Query::select()
                .columns([
                    (p, Projects::RegionPath),
                    (p, Projects::Latitude),
                    (p, Projects::Longitude),
                ])
                .from(p)
                .and_where(
                    Expr::col((p, Projects::Latitude))
                        .between(area.south_west.lat, area.north_east.lat),
                )
                .and_where(
                    Expr::col((p, Projects::Longitude))
                        .between(area.south_west.lon, area.north_east.lon),
                ),
        )
        .await?;
    Ok(nearest(
        point,
        rows.into_iter().map(|r| {
            let at = Point {
                lat: r.latitude,
                lon: r.longitude,
            };
            (r.region_path, at)
        }),
        metres,
    ))
}

/// The scope roots (region paths) of the enabled accounts whose roles dispatch requests and
/// whose scope is a whole region, not narrowed to departments: the offices of
/// [`minxin_domain::requests::placement::place`].
async fn office_scopes(tx: &mut Tx) -> Result<Vec<String>, StoreError> {
    let a = Accounts::Table;
    let roles = granted_by(Permission::ModerateRequests)
        .iter()
        .map(|r| r.code());
    let scopes: Vec<(String,)> = tx
        .all(
            Query::select()
                .distinct()
                .column((Regions::Table, Regions::Path))
                .from(a)
                .inner_join(
                    Regions::Table,
                    Expr::col((Regions::Table, Regions::Id)).equals((a, Accounts::ScopeRegionId)),
                )
                .and_where(Expr::col((a, Accounts::Disabled)).eq(false))
                .and_where(
                    Expr::col((a, Accounts::Id)).in_subquery(
                        Query::select()
                            .column(AccountRoles::AccountId)
                            .from(AccountRoles::Table)
                            .and_where(Expr::col(AccountRoles::Role).is_in(roles))
                            .take(),
                    ),
                )
                .and_where(
                    Expr::col((a, Accounts::Id)).not_in_subquery(
                        Query::select()
                            .column(AccountScopeDepartments::AccountId)
                            .from(AccountScopeDepartments::Table)
                            .take(),
                    ),
                ),
        )
        .await?;
    Ok(scopes.into_iter().map(|(path,)| path).collect())
}
