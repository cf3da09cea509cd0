//! The portal's reads ("一张图"): public projects as a list, as markers or clusters for the
//! visible part of the map, in batches for the list's downloads, and the choices the filters
//! offer. One [`PortalFilter`] drives them all, so the map, the list and a download always agree.

use super::{Public, shown};
use crate::db::{Tx, grid_cell};
use crate::error::StoreError;
use crate::page::{Page, PageRequest};
use crate::projects::Category;
use crate::projects::categories::dictionary;
use crate::projects::list::ProjectFilter;
use crate::projects::read::named;
use crate::schema::{PlanTotals, ProjectLights, Projects, Regions};
use chrono::NaiveDate;
use minxin_domain::kernel::geo::BoundingBox;
use minxin_domain::kernel::map_grid::{Grid, MAX_MARKERS, needs_clusters};
use minxin_domain::openness::public::shown_stages;
use minxin_domain::org::region::RegionLevel;
use sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};

/// What a resident can narrow the portal to; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalFilter {
    /// Plan year.
    pub year: Option<i32>,
    /// Category or subcategory id.
    pub category_id: Option<i64>,
    /// Stage code.
    pub stage: Option<String>,
    /// Street or township (its whole subtree).
    pub street_id: Option<i64>,
    /// Traffic light: `red`, `yellow`, `green`, or `none`.
    pub light: Option<String>,
    /// Text in code, name, address or description.
    pub q: Option<String>,
}

impl PortalFilter {
    /// The same conditions as the staff lists apply, so the public list and the registry agree
    /// on what a filter means.
    fn as_project_filter(&self) -> ProjectFilter {
        ProjectFilter {
            year: self.year,
            category_id: self.category_id,
            stage: self.stage.clone(),
            region_id: self.street_id,
            light: self.light.clone(),
            q: self.q.clone(),
            ..ProjectFilter::default()
        }
    }
}

/// A public project as the portal lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PortalProject {
    /// Project code, the key of its public page.
    pub code: String,
    /// Name.
    pub name: String,
    /// Plan year.
    pub year: i32,
    /// Subcategory name.
    pub category_name: String,
    /// Street or community.
    pub region_name: String,
    /// Street address.
    pub address: String,
    /// The lead unit.
    pub lead_department_name: String,
    /// Stage code.
    pub stage: String,
    /// Hold code.
    pub hold: String,
    /// Traffic light code, `None` while unlit.
    pub light: Option<String>,
    /// Percent complete.
    pub progress_percent: i32,
    /// Planned budget in fen.
    pub budget_fen: i64,
    /// Paid so far in fen.
    pub paid_fen: i64,
    /// Planned start.
    pub planned_start: Option<NaiveDate>,
    /// Planned end.
    pub planned_end: Option<NaiveDate>,
    /// Latitude, WGS-84.
    pub latitude: Option<f64>,
    /// Longitude, WGS-84.
    pub longitude: Option<f64>,
}

/// One project on the map: enough to colour it and label its popup.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Marker {
    /// Project code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Latitude, WGS-84.
    pub latitude: f64,
    /// Longitude, WGS-84.
    pub longitude: f64,
    /// Stage code.
    pub stage: String,
    /// Hold code.
    pub hold: String,
    /// Traffic light code.
    pub light: Option<String>,
}

/// Projects of one grid cell, when a view holds more than [`MAX_MARKERS`].
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Cluster {
    /// How many projects.
    pub count: i64,
    /// Their mean latitude, where the cluster is drawn.
    pub latitude: f64,
    /// Their mean longitude.
    pub longitude: f64,
    /// The southmost of them, with the other three edges the area to zoom into.
    pub south: f64,
    /// The westmost.
    pub west: f64,
    /// The northmost.
    pub north: f64,
    /// The eastmost.
    pub east: f64,
}

/// What the map shows of one visible area: markers, or clusters when there are too many.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MapView {
    /// Matching projects in the area.
    pub total: i64,
    /// Each project, when at most [`MAX_MARKERS`] match.
    pub markers: Vec<Marker>,
    /// Grid cells with their counts, when more match.
    pub clusters: Vec<Cluster>,
}

/// A street or township the filter offers, with its district for places of the same name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Street {
    /// Region id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The district's name.
    pub district: Option<String>,
}

/// The choices of the portal's filters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    /// Plan years, newest first.
    pub years: Vec<i32>,
    /// The category dictionary, each top-level category followed by its subcategories.
    pub categories: Vec<Category>,
    /// Streets and townships in code order.
    pub streets: Vec<Street>,
}

/// The path of the filter's street; an unknown one matches nothing (no path starts with "!").
async fn street_path(tx: &mut Tx, filter: &PortalFilter) -> Result<Option<String>, StoreError> {
    Ok(match filter.street_id {
        Some(id) => Some(
            crate::regions::find_any(tx, id)
                .await?
                .map_or_else(|| "!".to_owned(), |r| r.path),
        ),
        None => None,
    })
}

/// Public projects matching `filter`, selecting nothing yet.
fn matching(filter: &PortalFilter, street: Option<&str>, base: SelectStatement) -> SelectStatement {
    let mut q = base;
    q.and_where(shown());
    filter.as_project_filter().apply(&mut q, street);
    q
}

/// `q` narrowed to stored locations inside `area`.
fn inside(mut q: SelectStatement, area: &BoundingBox) -> SelectStatement {
    let col = |c: Projects| Expr::col((Projects::Table, c));
    q.and_where(
        col(Projects::Latitude)
            .between(area.south_west.lat, area.north_east.lat)
            .and(col(Projects::Longitude).between(area.south_west.lon, area.north_east.lon)),
    );
    q
}

/// Every column of [`PortalProject`].
fn listed() -> SelectStatement {
    let mut q = named();
    q.columns(
        [
            Projects::Code,
            Projects::Name,
            Projects::Year,
            Projects::Address,
            Projects::Stage,
            Projects::Hold,
            Projects::ProgressPercent,
            Projects::BudgetFen,
            Projects::PlannedStart,
            Projects::PlannedEnd,
            Projects::Latitude,
            Projects::Longitude,
        ]
        .map(|c| (Projects::Table, c)),
    )
    .columns([ProjectLights::Light, ProjectLights::PaidFen].map(|c| (Projects::Table, c)));
    q
}

/// The list order: the newest plan first, then by code (unique, so paging is stable).
fn newest_first(q: &mut SelectStatement) {
    q.order_by((Projects::Table, Projects::Year), Order::Desc)
        .order_by((Projects::Table, Projects::Code), Order::Asc);
}

impl Public<'_> {
    /// A page of the public projects matching `filter`, newest plan first, with the total.
    pub async fn portal_projects(
        &self,
        filter: &PortalFilter,
        page: PageRequest,
    ) -> Result<Page<PortalProject>, StoreError> {
        let mut tx = self.db.read().await?;
        let street = street_path(&mut tx, filter).await?;
        let count = matching(
            filter,
            street.as_deref(),
            Query::select()
                .expr(Expr::col((Projects::Table, Projects::Id)).count())
                .from(Projects::Table)
                .take(),
        );
        let key = format!("public {:?}", count.build(sea_query::SqliteQueryBuilder));
        let total = match self.counts.get(&key) {
            Some(total) => total,
            None => {
                let generation = crate::counts::generation();
                let total = tx.scalar(&count).await?;
                self.counts.put(key, generation, total);
                total
            }
        };
        let mut rows = matching(filter, street.as_deref(), listed());
        newest_first(&mut rows);
        rows.limit(page.limit()).offset(page.offset());
        Ok(Page::new(tx.all(&rows).await?, total, page))
    }

    /// The public projects matching `filter` after `after` (a position in list order, the
    /// year and code of the last row of the previous batch), at most `limit` of them: the
    /// list's downloads read it batch by batch instead of holding the whole list.
    pub async fn portal_batch(
        &self,
        filter: &PortalFilter,
        after: Option<(i32, String)>,
        limit: u64,
    ) -> Result<Vec<PortalProject>, StoreError> {
        let mut tx = self.db.read().await?;
        let street = street_path(&mut tx, filter).await?;
        let mut rows = matching(filter, street.as_deref(), listed());
        if let Some((year, code)) = after {
            let col = |c: Projects| Expr::col((Projects::Table, c));
            rows.and_where(
                col(Projects::Year).lt(year).or(col(Projects::Year)
                    .eq(year)
                    .and(col(Projects::Code).gt(code))),
            );
        }
        newest_first(&mut rows);
        rows.limit(limit);
        tx.all(&rows).await
    }

    /// What the map shows of `area` (stored datum) for `filter`: every matching project as a
    /// marker, or, beyond [`MAX_MARKERS`], one cluster per occupied grid cell.
    pub async fn portal_map(
        &self,
        filter: &PortalFilter,
        area: &BoundingBox,
    ) -> Result<MapView, StoreError> {
        let mut tx = self.db.read().await?;
        let street = street_path(&mut tx, filter).await?;
        let located = |base| inside(matching(filter, street.as_deref(), base), area);
        // Counting stops one past the marker limit: a crowded view is not counted twice (its
        // clusters add up to its total), and index entries are read at most that far.
        let first = located(
            Query::select()
                .expr(Expr::val(1))
                .from(Projects::Table)
                .limit(MAX_MARKERS as u64 + 1)
                .take(),
        );
        let bounded = tx
            .scalar(
                &Query::select()
                    .expr(Expr::col(Asterisk).count())
                    .from_subquery(first, Alias::new("first"))
                    .take(),
            )
            .await?;
        if !needs_clusters(bounded) {
            let mut q = located(
                Query::select()
                    .from(Projects::Table)
                    .columns(
                        [
                            Projects::Code,
                            Projects::Name,
                            Projects::Latitude,
                            Projects::Longitude,
                            Projects::Stage,
                            Projects::Hold,
                        ]
                        .map(|c| (Projects::Table, c)),
                    )
                    .column((Projects::Table, ProjectLights::Light))
                    .take(),
            );
            q.order_by((Projects::Table, Projects::Code), Order::Asc)
                .limit(MAX_MARKERS as u64);
            return Ok(MapView {
                total: bounded,
                markers: tx.all(&q).await?,
                clusters: Vec::new(),
            });
        }
        let grid = Grid::over(area);
        let lat = || Expr::col((Projects::Table, Projects::Latitude));
        let lon = || Expr::col((Projects::Table, Projects::Longitude));
        let mut q = located(
            Query::select()
                .from(Projects::Table)
                .expr_as(Expr::col((Projects::Table, Projects::Id)).count(), "count")
                .expr_as(lat().avg(), "latitude")
                .expr_as(lon().avg(), "longitude")
                .expr_as(lat().min(), "south")
                .expr_as(lon().min(), "west")
                .expr_as(lat().max(), "north")
                .expr_as(lon().max(), "east")
                .take(),
        );
        q.add_group_by([
            grid_cell("projects.latitude", grid.south, grid.cell),
            grid_cell("projects.longitude", grid.west, grid.cell),
        ])
        .order_by(Alias::new("count"), Order::Desc);
        let clusters: Vec<Cluster> = tx.all(&q).await?;
        Ok(MapView {
            total: clusters.iter().map(|c| c.count).sum(),
            markers: Vec::new(),
            clusters,
        })
    }

    /// The choices the portal's filters offer: the plan years, the category dictionary and
    /// the streets and townships. Years come from the plan totals (a few hundred rows) rather
    /// than from every project.
    pub async fn portal_facets(&self) -> Result<Facets, StoreError> {
        let mut tx = self.db.read().await?;
        let years: Vec<(i32,)> = tx
            .all(
                &Query::select()
                    .distinct()
                    .column(PlanTotals::Year)
                    .from(PlanTotals::Table)
                    .and_where(
                        Expr::col(PlanTotals::Stage)
                            .is_in(shown_stages().map(|s| s.code().to_owned())),
                    )
                    .and_where(Expr::col(PlanTotals::Projects).gt(0))
                    .order_by(PlanTotals::Year, Order::Desc)
                    .take(),
            )
            .await?;
        let categories = dictionary(&mut tx).await?;
        let district = Query::select()
            .column((Alias::new("d"), Regions::Name))
            .from_as(Regions::Table, Alias::new("d"))
            .and_where(
                Expr::col((Alias::new("d"), Regions::Id))
                    .equals((Regions::Table, Regions::ParentId)),
            )
            .take();
        let streets = tx
            .all(
                &Query::select()
                    .columns([
                        (Regions::Table, Regions::Id),
                        (Regions::Table, Regions::Name),
                    ])
                    .expr_as(Expr::SubQuery(None, Box::new(district.into())), "district")
                    .from(Regions::Table)
                    .and_where(
                        Expr::col((Regions::Table, Regions::Level)).eq(RegionLevel::Street.code()),
                    )
                    .order_by((Regions::Table, Regions::Code), Order::Asc)
                    .take(),
            )
            .await?;
        Ok(Facets {
            years: years.into_iter().map(|(y,)| y).collect(),
            categories,
            streets,
        })
    }
}
