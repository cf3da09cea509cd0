//! The leader dashboard (领导驾驶舱): the figures of one region's annual plan — projects by stage
//! and by light, investment by funding source, monthly reports on time, the red projects, the
//! department ranking and the trends of the monthly light snapshots.
//!
//! Counts, budget, paid and the money by source come from the totals of migration 6 (the plan
//! years added up by region, lead department, stage and light or funding source, kept by
//! triggers), so a district's figures are a few hundred rows; a caller narrowed to departments
//! is counted from the project rows and the per-source money kept beside the money records
//! ([`store_source_money`]) instead. Reports are the one report per project of the last month
//! due, trends the snapshot totals: no request adds up money records or the history of reports.

mod queries;

use super::Control;
use super::lights::today;
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::SourceMoney;
use crate::org::regions::{Region, in_scope};
use chrono::Datelike;
use minxin_domain::control::finance::{ProjectMoney, execution_rate_bp};
use minxin_domain::control::light::{AssessedReason, Assessment, Light};
use minxin_domain::control::ranking::{DepartmentTally, Ranked, on_time_bp, rank};
use minxin_domain::control::report::ReportPeriod;
use minxin_domain::kernel::money::Fen;
use minxin_domain::projects::project::{FundingSource, Stage};
use minxin_domain::{Permission, Problem};
use queries::{
    GroupRow, Selection, by_source, department_names, groups, red_projects, reports, to_u32,
    trend_window, trends,
};
use sea_query::{Expr, ExprTrait, Query};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// At most this many red projects are listed with their reasons (the count is always exact).
pub const RED_LIST_MAX: u64 = 50;

/// Months of trend shown.
pub const TREND_MONTHS: u32 = 12;

/// What the dashboard is asked for: a region inside the caller's scope (the whole scope when
/// absent) and a plan year (the current year in Asia/Shanghai when absent).
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
pub struct DashboardQuery {
    /// A region inside the caller's scope, with its whole subtree.
    pub region_id: Option<i64>,
    /// Plan year.
    pub year: Option<i32>,
}

/// Projects in one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StageCount {
    /// Stage code (approved … archived).
    pub stage: String,
    /// Projects.
    pub count: u32,
}

/// Projects by traffic light.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LightCounts {
    /// Green.
    pub green: u32,
    /// Yellow.
    pub yellow: u32,
    /// Red.
    pub red: u32,
    /// Without a light (suspended, cancelled, archived, …).
    pub unlit: u32,
}

/// Investment in fen, net of corrections.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema,
)]
pub struct Investment {
    /// Planned (the projects' budget lines).
    pub planned_fen: i64,
    /// Approved (预算批复).
    pub approved_fen: i64,
    /// Disbursed (资金拨付).
    pub disbursed_fen: i64,
    /// Paid (资金支付).
    pub paid_fen: i64,
}

impl Investment {
    /// Adds another amount into this one.
    fn add(&mut self, other: &Investment) {
        self.planned_fen += other.planned_fen;
        self.approved_fen += other.approved_fen;
        self.disbursed_fen += other.disbursed_fen;
        self.paid_fen += other.paid_fen;
    }
}

/// Investment from one funding source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SourceInvestment {
    /// Funding source code.
    #[schema(value_type = String)]
    pub source: FundingSource,
    /// The amounts.
    #[serde(flatten)]
    pub money: Investment,
}

/// The monthly reports of the last month due.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReportFigures {
    /// The month (YYYY-MM) whose reports were last due under the region's rules.
    pub period: Option<String>,
    /// Reports due (projects in procurement or construction that had started).
    pub due: u32,
    /// Filed on or before the due date.
    pub on_time: u32,
    /// Filed after the due date.
    pub late: u32,
    /// Not filed.
    pub missing: u32,
    /// On-time rate in basis points; absent when nothing was due.
    pub on_time_rate_bp: Option<u32>,
}

/// A red project and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RedProject {
    /// Project id.
    pub id: i64,
    /// Project code.
    pub code: String,
    /// Project name.
    pub name: String,
    /// Lead department.
    pub department: String,
    /// The reasons, worst first; worded by the web layer in the reader's language.
    #[serde(skip)]
    pub reasons: Vec<AssessedReason>,
}

/// One department in the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DepartmentRank {
    /// Department id.
    pub department_id: i64,
    /// Department name.
    pub department: String,
    /// Place from 1; equal scores share a place.
    pub place: u32,
    /// Score in basis points (see `minxin_domain::control::ranking`).
    pub score_bp: u32,
    /// The tally behind the score.
    #[schema(value_type = Object)]
    pub tally: DepartmentTally,
}

/// One month of the trend, from its light snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    /// The month (YYYY-MM).
    #[schema(value_type = String)]
    pub period: ReportPeriod,
    /// Green projects.
    pub green: u32,
    /// Yellow projects.
    pub yellow: u32,
    /// Red projects.
    pub red: u32,
    /// Paid by the end of the month, in fen.
    pub paid_fen: i64,
}

/// The dashboard's figures for one region and plan year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// Plan year.
    pub year: i32,
    /// The region shown (the caller's whole scope unless narrowed).
    pub region_id: Option<i64>,
    /// Its name.
    pub region_name: String,
    /// Projects of the annual plan.
    pub projects: u32,
    /// Projects by stage, every annual-plan stage in lifecycle order.
    pub by_stage: Vec<StageCount>,
    /// Projects by light.
    pub lights: LightCounts,
    /// Investment by funding source (sources with any money), in [`FundingSource::ALL`] order.
    pub by_source: Vec<SourceInvestment>,
    /// All sources together; planned is the projects' whole budget.
    pub total: Investment,
    /// Payment progress (paid ÷ planned) in basis points; absent without a budget.
    pub execution_rate_bp: Option<u32>,
    /// Monthly reports of the last month due.
    pub reports: ReportFigures,
    /// Red projects with their reasons, by code, at most [`RED_LIST_MAX`].
    #[serde(skip)]
    pub red_projects: Vec<RedProject>,
    /// Departments ranked best first.
    pub ranking: Vec<DepartmentRank>,
    /// The last months' snapshots, oldest first (months without a snapshot are left out).
    pub trends: Vec<TrendPoint>,
}

/// Replaces a project's per-source money with its books' summary, inside the transaction of
/// the money record that changed them.
pub(crate) async fn store_source_money(
    tx: &mut Tx,
    project_id: i64,
    summary: &ProjectMoney,
) -> Result<(), StoreError> {
    tx.execute(
        &Query::delete()
            .from_table(SourceMoney::Table)
            .and_where(Expr::col(SourceMoney::ProjectId).eq(project_id))
            .take(),
    )
    .await?;
    let mut insert = Query::insert();
    insert.into_table(SourceMoney::Table).columns([
        SourceMoney::ProjectId,
        SourceMoney::Source,
        SourceMoney::ApprovedFen,
        SourceMoney::DisbursedFen,
        SourceMoney::PaidFen,
    ]);
    let mut any = false;
    for s in summary
        .per_source
        .iter()
        .filter(|s| (s.approved, s.disbursed, s.paid) != (Fen::ZERO, Fen::ZERO, Fen::ZERO))
    {
        insert.values_panic([
            project_id.into(),
            s.source.code().into(),
            s.approved.0.into(),
            s.disbursed.0.into(),
            s.paid.0.into(),
        ]);
        any = true;
    }
    if any {
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// Adds the groups into the dashboard's counts and the departments' tallies.
fn tally_groups(
    rows: &[GroupRow],
    by_stage: &mut [StageCount],
    lights: &mut LightCounts,
    tallies: &mut BTreeMap<i64, DepartmentTally>,
) -> (u32, i64) {
    let mut projects = 0;
    let mut budget = 0;
    for r in rows {
        let n = to_u32(r.projects);
        projects += n;
        budget += r.budget_fen;
        if let Some(line) = by_stage.iter_mut().find(|s| s.stage == r.stage) {
            line.count += n;
        }
        let tally = tallies.entry(r.department_id).or_default();
        let light = r.light.as_deref().and_then(|l| l.parse::<Light>().ok());
        let mut part = DepartmentTally {
            projects: n,
            budget: Fen(r.budget_fen),
            paid: Fen(r.paid_fen),
            ..DepartmentTally::default()
        };
        match light {
            Some(Light::Green) => {
                lights.green += n;
                part.green = n;
            }
            Some(Light::Yellow) => {
                lights.yellow += n;
                part.yellow = n;
            }
            Some(Light::Red) => {
                lights.red += n;
                part.red = n;
            }
            None => lights.unlit += n,
        }
        tally.add(&part);
    }
    (projects, budget)
}

impl Control<'_> {
    /// The leader dashboard of a region in the caller's scope for a plan year (leader,
    /// office). A region outside the scope is "not found".
    pub async fn dashboard(&self, query: &DashboardQuery) -> Result<Dashboard, StoreError> {
        self.require(Permission::ReadDashboard).await?;
        let today = today(self.now());
        let year = query.year.unwrap_or_else(|| today.year());
        if !(2000..=2100).contains(&year) {
            return Err(StoreError::invalid("year", Problem::Malformed));
        }
        let mut tx = self.db.read().await?;
        let region: Option<Region> = match (query.region_id, &self.actor.scope.region_path) {
            (Some(id), _) => Some(
                crate::org::regions::find(&mut tx, &self.actor.scope, id)
                    .await?
                    .ok_or(StoreError::NotFound)?,
            ),
            (None, Some(root)) => {
                tx.optional(
                    &in_scope(&self.actor.scope)
                        .and_where(
                            Expr::col(crate::kernel::schema::Regions::Path).eq(root.as_str()),
                        )
                        .take(),
                )
                .await?
            }
            (None, None) => None,
        };
        // Without a region the scope is empty: a path no project has selects nothing.
        let root = region.as_ref().map_or("", |r| r.path.as_str()).to_owned();
        let selection = Selection {
            actor: self.actor,
            year,
            root: &root,
        };
        let condition = selection.condition();

        let mut by_stage: Vec<StageCount> = Stage::ALL
            .iter()
            .filter(|s| s.in_annual_plan())
            .map(|s| StageCount {
                stage: s.code().to_owned(),
                count: 0,
            })
            .collect();
        let mut lights = LightCounts::default();
        let mut tallies: BTreeMap<i64, DepartmentTally> = BTreeMap::new();
        // The five reads are independent: each on its own pooled connection, at the same time,
        // so the figures take as long as the slowest read rather than all of them together.
        let window = trend_window(year, today);
        let (groups, by_source, (period, report_rows), reds, trends) = tokio::try_join!(
            async { groups(&mut self.db.read().await?, &selection).await },
            async { by_source(&mut self.db.read().await?, &selection).await },
            async { reports(&mut self.db.read().await?, &condition, &root, today).await },
            async { red_projects(&mut self.db.read().await?, &condition).await },
            async { trends(&mut self.db.read().await?, self.actor, &root, window).await },
        )?;
        let (projects, budget) = tally_groups(&groups, &mut by_stage, &mut lights, &mut tallies);
        let mut total = Investment::default();
        for s in &by_source {
            total.add(&s.money);
        }
        total.planned_fen = budget;

        let mut reports = ReportFigures {
            period: period.map(|p| p.to_string()),
            ..ReportFigures::default()
        };
        for r in &report_rows {
            let (due, late, missing) = (to_u32(r.due), to_u32(r.late), to_u32(r.missing));
            reports.due += due;
            reports.late += late;
            reports.missing += missing;
            let tally = tallies.entry(r.department_id).or_default();
            tally.reports_due += due;
            tally.reports_late += late + missing;
        }
        reports.on_time = reports.due.saturating_sub(reports.late + reports.missing);
        reports.on_time_rate_bp = on_time_bp(&DepartmentTally {
            reports_due: reports.due,
            reports_late: reports.late + reports.missing,
            ..DepartmentTally::default()
        });

        let ranked: Vec<Ranked<i64>> = rank(tallies.into_iter().collect());
        let mut ids: Vec<i64> = ranked.iter().map(|r| r.key).collect();
        ids.extend(reds.iter().map(|r| r.department_id));
        ids.sort_unstable();
        ids.dedup();
        let names = department_names(&mut tx, ids).await?;
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();

        Ok(Dashboard {
            year,
            region_id: region.as_ref().map(|r| r.id),
            region_name: region.map(|r| r.name).unwrap_or_default(),
            projects,
            by_stage,
            lights,
            execution_rate_bp: execution_rate_bp(Fen(total.planned_fen), Fen(total.paid_fen)),
            by_source,
            total,
            reports,
            red_projects: reds
                .into_iter()
                .map(|r| RedProject {
                    department: name(r.department_id),
                    reasons: r
                        .light_reasons
                        .as_deref()
                        .and_then(|j| serde_json::from_str::<Assessment>(j).ok())
                        .map(|a| a.reasons)
                        .unwrap_or_default(),
                    id: r.id,
                    code: r.code,
                    name: r.name,
                })
                .collect(),
            ranking: ranked
                .into_iter()
                .map(|r| DepartmentRank {
                    department: name(r.key),
                    department_id: r.key,
                    place: r.place,
                    score_bp: r.score_bp,
                    tally: r.tally,
                })
                .collect(),
            trends,
        })
    }
}
