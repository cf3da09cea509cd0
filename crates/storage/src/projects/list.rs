//! The project lists: the reserve pool (储备库) and the annual plan (年度清单), filtered, sorted
//! and paged. The same filter drives the pages, the API and the .xlsx export, so an export is
//! exactly what the list shows.

use super::read::joined;
use crate::error::StoreError;
use crate::page::{Page, PageRequest, contains};
use crate::schema::{Categories, ProjectLights, ProjectPartners, Projects};
use crate::scoped::Scoped;
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::Permission;
use minxin_domain::projects::project::Stage;
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};

/// Which list a project belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Pool {
    /// Demand and reserve stages: candidates not yet approved.
    Reserve,
    /// Approved and later: the annual plan.
    Plan,
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// By project code.
    #[default]
    Code,
    /// By name.
    Name,
    /// By planned budget.
    Budget,
    /// By planned end.
    PlannedEnd,
    /// By reported progress.
    Progress,
    /// By last change.
    Updated,
}

/// What a list can be filtered and sorted by; every field is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilter {
    /// Reserve pool or annual plan.
    #[param(inline)]
    pub pool: Option<Pool>,
    /// Plan year.
    pub year: Option<i32>,
    /// Category or subcategory id.
    pub category_id: Option<i64>,
    /// Stage code.
    pub stage: Option<String>,
    /// Lead or partner department.
    pub department_id: Option<i64>,
    /// Region (its whole subtree).
    pub region_id: Option<i64>,
    /// Text in the owner's name.
    pub owner: Option<String>,
    /// Traffic light: `red`, `yellow`, `green`, or `none` for projects without one.
    pub light: Option<String>,
    /// Text in code, name, address or description (Chinese works).
    pub q: Option<String>,
    /// Sort key.
    #[param(inline)]
    pub sort: Option<SortKey>,
    /// Sort descending.
    pub desc: Option<bool>,
}

/// A project as a list shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ProjectSummary {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Plan year.
    pub year: i32,
    /// Subcategory name.
    pub category_name: String,
    /// Region name.
    pub region_name: String,
    /// Lead department name.
    pub lead_department_name: String,
    /// Owner.
    pub owner_name: String,
    /// Stage code.
    pub stage: String,
    /// Hold code.
    pub hold: String,
    /// Planned budget in fen.
    pub budget_fen: i64,
    /// Planned start.
    pub planned_start: Option<NaiveDate>,
    /// Planned end.
    pub planned_end: Option<NaiveDate>,
    /// Reported percent complete.
    pub progress_percent: i32,
    /// Traffic light code, `None` while the project is not lit.
    pub light: Option<String>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// A list row with the total number of matching rows alongside.
#[derive(sqlx::FromRow)]
struct CountedSummary {
    #[sqlx(flatten)]
    summary: ProjectSummary,
    total: i64,
}

const SUMMARY_COLUMNS: [Projects; 12] = [
    Projects::Id,
    Projects::Code,
    Projects::Name,
    Projects::Year,
    Projects::OwnerName,
    Projects::Stage,
    Projects::Hold,
    Projects::BudgetFen,
    Projects::PlannedStart,
    Projects::PlannedEnd,
    Projects::ProgressPercent,
    Projects::UpdatedAt,
];

/// The light filter's value for projects without a light.
pub const NO_LIGHT: &str = "none";

fn pool_stages(pool: Pool) -> Vec<&'static str> {
    Stage::ALL
        .iter()
        .filter(|s| s.in_annual_plan() == (pool == Pool::Plan))
        .map(|s| s.code())
        .collect()
}

impl ProjectFilter {
    /// Applies the filter's conditions to a query over projects; `region_path` is the path of
    /// the filter's region, resolved beforehand.
    pub(crate) fn apply(&self, q: &mut SelectStatement, region_path: Option<&str>) {
        let col = |c: Projects| Expr::col((Projects::Table, c));
        if let Some(pool) = self.pool {
            q.and_where(col(Projects::Stage).is_in(pool_stages(pool)));
        }
        if let Some(year) = self.year {
            q.and_where(col(Projects::Year).eq(year));
        }
        if let Some(stage) = self.stage.as_deref().filter(|s| !s.is_empty()) {
            q.and_where(col(Projects::Stage).eq(stage));
        }
        if let Some(light) = self.light.as_deref().filter(|l| !l.is_empty()) {
            let column = Expr::col((Projects::Table, ProjectLights::Light));
            q.and_where(if light == NO_LIGHT {
                column.is_null()
            } else {
                column.eq(light)
            });
        }
        if let Some(category) = self.category_id {
            let children = Query::select()
                .column(Categories::Id)
                .from(Categories::Table)
                .and_where(Expr::col(Categories::ParentId).eq(category))
                .take();
            q.and_where(
                col(Projects::CategoryId)
                    .eq(category)
                    .or(col(Projects::CategoryId).in_subquery(children)),
            );
        }
        if let Some(department) = self.department_id {
            let partnered = Query::select()
                .column(ProjectPartners::ProjectId)
                .from(ProjectPartners::Table)
                .and_where(Expr::col(ProjectPartners::DepartmentId).eq(department))
                .take();
            q.and_where(
                col(Projects::LeadDepartmentId)
                    .eq(department)
                    .or(col(Projects::Id).in_subquery(partnered)),
            );
        }
        if let Some(path) = region_path {
            q.and_where(crate::regions::under(col(Projects::RegionPath), path));
        }
        if let Some(owner) = self
            .owner
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            q.and_where(col(Projects::OwnerName).like(contains(owner)));
        }
        if let Some(text) = self.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            q.and_where(
                col(Projects::Code)
                    .like(contains(&text.to_uppercase()))
                    .or(col(Projects::Name).like(contains(text)))
                    .or(col(Projects::Address).like(contains(text)))
                    .or(col(Projects::Description).like(contains(text))),
            );
        }
    }

    fn order(&self, q: &mut SelectStatement) {
        let column = match self.sort.unwrap_or_default() {
            SortKey::Code => Projects::Code,
            SortKey::Name => Projects::Name,
            SortKey::Budget => Projects::BudgetFen,
            SortKey::PlannedEnd => Projects::PlannedEnd,
            SortKey::Progress => Projects::ProgressPercent,
            SortKey::Updated => Projects::UpdatedAt,
        };
        let order = if self.desc.unwrap_or(false) {
            Order::Desc
        } else {
            Order::Asc
        };
        q.order_by((Projects::Table, column), order);
        // Codes are unique; other keys need the id to make paging stable. Ordering by the code
        // alone lets an index on (…, code) deliver rows already sorted.
        if !matches!(column, Projects::Code) {
            q.order_by((Projects::Table, Projects::Id), Order::Asc);
        }
    }
}

impl Scoped<'_> {
    /// The ids of the matching projects, in list order: only `projects` and its indexes, so
    /// the usual list sorts index entries instead of joined rows.
    fn matching_ids(&self, filter: &ProjectFilter, region_path: Option<&str>) -> SelectStatement {
        let mut q = Query::select()
            .column((Projects::Table, Projects::Id))
            .from(Projects::Table)
            .and_where(super::read::visible(self.actor))
            .take();
        filter.apply(&mut q, region_path);
        q
    }

    /// The rows of the projects whose ids `ids` selects (already limited), with their names
    /// joined in, in list order.
    fn listing(&self, filter: &ProjectFilter, ids: SelectStatement) -> SelectStatement {
        let mut q = joined(self.actor);
        q.columns(SUMMARY_COLUMNS.map(|c| (Projects::Table, c)))
            .column((Projects::Table, Projects::Version))
            .column((Projects::Table, ProjectLights::Light))
            .and_where(Expr::col((Projects::Table, Projects::Id)).in_subquery(ids));
        filter.order(&mut q);
        q
    }

    /// The path of the filter's region; a region the actor cannot see matches nothing.
    async fn filter_region(
        &self,
        tx: &mut crate::db::Tx,
        filter: &ProjectFilter,
    ) -> Result<Option<String>, StoreError> {
        Ok(match filter.region_id {
            Some(id) => Some(
                crate::regions::find(tx, &self.actor.scope, id)
                    .await?
                    // No path starts with "!", so an invisible region matches nothing.
                    .map_or_else(|| "!".to_owned(), |r| r.path),
            ),
            None => None,
        })
    }

    /// A page of the projects the actor may see that match `filter`, with the total count.
    pub async fn projects(
        &self,
        filter: &ProjectFilter,
        page: PageRequest,
    ) -> Result<Page<ProjectSummary>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        let region_path = self.filter_region(&mut tx, filter).await?;
        let count = Query::select()
            .expr(Expr::col(Alias::new("id")).count())
            .from_subquery(
                self.matching_ids(filter, region_path.as_deref()),
                "matching",
            )
            .take();
        let mut page_ids = self.matching_ids(filter, region_path.as_deref());
        filter.order(&mut page_ids);
        page_ids.limit(page.limit()).offset(page.offset());
        let listing = self.listing(filter, page_ids);
        let key = format!("{:?}", count.build(sea_query::SqliteQueryBuilder));
        if let Some(total) = self.counts.get(&key) {
            return Ok(Page::new(tx.all(&listing).await?, total, page));
        }
        let generation = crate::counts::generation();
        // The total rides along with the page as a scalar subquery, evaluated once: one round
        // trip instead of two. Only a page past the end needs the count on its own.
        let rows: Vec<CountedSummary> = tx
            .all(listing.clone().expr_as(
                Expr::SubQuery(None, Box::new(count.clone().into())),
                "total",
            ))
            .await?;
        let total = match rows.first() {
            Some(row) => row.total,
            None => tx.scalar(&count).await?,
        };
        self.counts.put(key, generation, total);
        let items = rows.into_iter().map(|r| r.summary).collect();
        Ok(Page::new(items, total, page))
    }

    /// Every matching project, in list order, for exports; at most `cap` rows.
    pub async fn all_projects(
        &self,
        filter: &ProjectFilter,
        cap: u64,
    ) -> Result<Vec<ProjectSummary>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        let region_path = self.filter_region(&mut tx, filter).await?;
        let mut ids = self.matching_ids(filter, region_path.as_deref());
        filter.order(&mut ids);
        ids.limit(cap);
        tx.all(&self.listing(filter, ids)).await
    }
}
