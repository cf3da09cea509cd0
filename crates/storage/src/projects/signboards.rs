//! What signboards (公示牌) are printed from: a visible project with the names of its
//! contractors, one at a time for anyone who may read it, or a whole annual plan's public
//! projects at once for the office. Both reads go through the scope filter, so a project outside
//! the reader's scope is "not found".

use super::read::{Project, find, full, ordered};
use crate::db::Tx;
use crate::error::StoreError;
use crate::schema::{Contracts, Projects};
use crate::scoped::Scoped;
use minxin_domain::Permission;
use minxin_domain::projects::project::Stage;
use sea_query::{Expr, ExprTrait, Order};

/// A project as a signboard needs it.
#[derive(Debug, Clone)]
pub struct SignboardSource {
    /// The project with every registry field.
    pub project: Project,
    /// Contractor names of its contracts, oldest contract first (repeats possible).
    pub contractors: Vec<String>,
}

/// The public projects of one plan year, or the sign that there were more than asked for.
#[derive(Debug, Clone)]
pub struct PlanSignboards {
    /// The projects, in code order, at most the `cap` asked for.
    pub projects: Vec<SignboardSource>,
    /// Whether more projects match than `cap`.
    pub more: bool,
}

#[derive(sqlx::FromRow)]
struct ContractorRow {
    project_id: i64,
    contractor: String,
}

/// How many project ids one contractor query names, well under both engines' parameter limits.
const IDS_PER_QUERY: usize = 500;

/// The contractors of `projects`, filled in from their contracts.
async fn with_contractors(
    tx: &mut Tx,
    projects: Vec<Project>,
) -> Result<Vec<SignboardSource>, StoreError> {
    let mut rows: Vec<ContractorRow> = Vec::new();
    for chunk in projects.chunks(IDS_PER_QUERY) {
        let ids: Vec<i64> = chunk.iter().map(|p| p.id).collect();
        rows.extend(
            tx.all::<ContractorRow>(
                &sea_query::Query::select()
                    .columns([Contracts::ProjectId, Contracts::Contractor])
                    .from(Contracts::Table)
                    .and_where(Expr::col(Contracts::ProjectId).is_in(ids))
                    .order_by(Contracts::Id, Order::Asc)
                    .take(),
            )
            .await?,
        );
    }
    Ok(projects
        .into_iter()
        .map(|project| SignboardSource {
            contractors: rows
                .iter()
                .filter(|r| r.project_id == project.id)
                .map(|r| r.contractor.clone())
                .collect(),
            project,
        })
        .collect())
}

impl Scoped<'_> {
    /// One visible project with its contractors, for its signboard and QR code.
    pub async fn signboard_source(&self, id: i64) -> Result<SignboardSource, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        let project = find(&mut tx, self.actor, id).await?;
        with_contractors(&mut tx, vec![project])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// The public projects of plan year `year` in the actor's scope (and under `region_id`, if
    /// given), in code order, at most `cap` of them; the office prints them all at once.
    pub async fn plan_signboards(
        &self,
        year: i32,
        region_id: Option<i64>,
        cap: usize,
    ) -> Result<PlanSignboards, StoreError> {
        self.require(Permission::PrintSignboards).await?;
        let mut tx = self.db.read().await?;
        let col = |c: Projects| Expr::col((Projects::Table, c));
        let plan: Vec<&str> = Stage::ALL
            .iter()
            .filter(|s| s.in_annual_plan())
            .map(|s| s.code())
            .collect();
        let mut q = full(self.actor, tx.backend());
        q.and_where(col(Projects::Year).eq(year))
            .and_where(col(Projects::IsPublic).eq(true))
            .and_where(col(Projects::Stage).is_in(plan))
            .order_by((Projects::Table, Projects::Code), Order::Asc)
            .limit(u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1));
        if let Some(id) = region_id {
            let path = crate::regions::find(&mut tx, &self.actor.scope, id)
                .await?
                .ok_or(StoreError::NotFound)?
                .path;
            q.and_where(crate::regions::under(col(Projects::RegionPath), &path));
        }
        let mut projects: Vec<Project> = tx.all(&q).await?;
        let more = projects.len() > cap;
        projects.truncate(cap);
        let projects = projects.into_iter().map(ordered).collect();
        Ok(PlanSignboards {
            projects: with_contractors(&mut tx, projects).await?,
            more,
        })
    }
}
