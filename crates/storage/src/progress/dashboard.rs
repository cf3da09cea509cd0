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

use super::lights::{LightRules, all_rules, reports_in, rules_at, today};
use crate::db::Tx;
use crate::error::StoreError;
use crate::projects::read::visible;
use crate::regions::{Region, in_scope, under, within};
use crate::schema::{
    BudgetLines, Departments, PlanSourceTotals, PlanTotals, ProgressReports, ProjectLights,
    Projects, SnapshotTotals, SourceMoney,
};
use crate::scoped::Scoped;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use minxin_domain::control::finance::{ProjectMoney, execution_rate_bp};
use minxin_domain::control::light::{AssessedReason, Assessment, Light};
use minxin_domain::control::ranking::{DepartmentTally, Ranked, on_time_bp, rank};
use minxin_domain::control::report::{self, ReportPeriod};
use minxin_domain::kernel::money::Fen;
use minxin_domain::kernel::time::shanghai;
use minxin_domain::projects::project::{FundingSource, Hold, Stage};
use minxin_domain::{Actor, Permission, Problem};
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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

/// `CAST(SUM(expr) AS BIGINT)`: PostgreSQL sums big integers as numeric.
fn total(expr: Expr) -> Expr {
    expr.sum().cast_as(Alias::new("BIGINT"))
}

/// `SUM(CASE WHEN condition THEN 1 ELSE 0 END)`.
fn count_if(condition: Expr) -> Expr {
    total(Expr::Case(Box::new(Expr::case(condition, 1).finally(0))))
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(std::cmp::max(n, 0)).unwrap_or(u32::MAX)
}

/// The annual-plan projects of `year` that `actor` sees inside the subtree at `root`.
fn selected(actor: &Actor, year: i32, root: &str) -> Expr {
    visible(actor)
        .and(under(
            Expr::col((Projects::Table, Projects::RegionPath)),
            root,
        ))
        .and(Expr::col((Projects::Table, Projects::Year)).eq(year))
        .and(Expr::col((Projects::Table, Projects::Stage)).is_in(plan_stages()))
}

/// The ids of the selected projects, for `project_id IN (…)`.
fn selected_ids(condition: &Expr) -> SelectStatement {
    Query::select()
        .column((Projects::Table, Projects::Id))
        .from(Projects::Table)
        .and_where(condition.clone())
        .take()
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    stage: String,
    light: Option<String>,
    department_id: i64,
    projects: i64,
    budget_fen: i64,
    paid_fen: i64,
}

/// Which projects the figures cover: the plan year, the region subtree and the caller.
struct Selection<'a> {
    actor: &'a Actor,
    year: i32,
    root: &'a str,
}

impl Selection<'_> {
    /// The selected project rows, for figures that need them one by one.
    fn condition(&self) -> Expr {
        selected(self.actor, self.year, self.root)
    }

    /// Whether the totals of migration 6 hold exactly these projects: they are kept by region
    /// and lead department, so a caller narrowed to departments (who also sees the projects
    /// their departments partner in or they manage) is counted from the projects themselves.
    fn totals_suffice(&self) -> bool {
        self.actor.scope.departments.is_empty()
    }

    /// The selected rows of a totals table with the given year, path and stage columns.
    fn totals<C: sea_query::IntoColumnRef + Copy>(&self, year: C, path: C, stage: C) -> Expr {
        within(&self.actor.scope, Expr::col(path))
            .and(under(Expr::col(path), self.root))
            .and(Expr::col(year).eq(self.year))
            .and(Expr::col(stage).is_in(plan_stages()))
    }
}

/// The stage codes of the annual plan.
fn plan_stages() -> Vec<&'static str> {
    Stage::ALL
        .iter()
        .filter(|s| s.in_annual_plan())
        .map(|s| s.code())
        .collect()
}

/// Projects grouped by stage, light and lead department, with budget and paid.
async fn groups(tx: &mut Tx, selection: &Selection<'_>) -> Result<Vec<GroupRow>, StoreError> {
    let query = if selection.totals_suffice() {
        Query::select()
            .column(PlanTotals::Stage)
            .expr_as(Expr::cust("NULLIF(light, '')"), Alias::new("light"))
            .expr_as(
                Expr::col(PlanTotals::LeadDepartmentId),
                Alias::new("department_id"),
            )
            .expr_as(
                total(Expr::col(PlanTotals::Projects)),
                Alias::new("projects"),
            )
            .expr_as(
                total(Expr::col(PlanTotals::BudgetFen)),
                Alias::new("budget_fen"),
            )
            .expr_as(
                total(Expr::col(PlanTotals::PaidFen)),
                Alias::new("paid_fen"),
            )
            .from(PlanTotals::Table)
            .and_where(selection.totals(
                PlanTotals::Year,
                PlanTotals::RegionPath,
                PlanTotals::Stage,
            ))
            .group_by_col(PlanTotals::Stage)
            .group_by_col(PlanTotals::Light)
            .group_by_col(PlanTotals::LeadDepartmentId)
            .and_having(Expr::col(PlanTotals::Projects).sum().gt(0))
            .take()
    } else {
        Query::select()
            .column(Projects::Stage)
            .column(ProjectLights::Light)
            .expr_as(
                Expr::col(Projects::LeadDepartmentId),
                Alias::new("department_id"),
            )
            .expr_as(Expr::col(Projects::Id).count(), Alias::new("projects"))
            .expr_as(
                total(Expr::col(Projects::BudgetFen)),
                Alias::new("budget_fen"),
            )
            .expr_as(
                total(Expr::col(ProjectLights::PaidFen)),
                Alias::new("paid_fen"),
            )
            .from(Projects::Table)
            .and_where(selection.condition())
            .group_by_col(Projects::Stage)
            .group_by_col(ProjectLights::Light)
            .group_by_col(Projects::LeadDepartmentId)
            .take()
    };
    tx.all(&query).await
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    source: String,
    #[sqlx(flatten)]
    money: Investment,
}

/// `CAST(0 AS BIGINT)`, for a money column a part of a union does not have.
fn zero() -> Expr {
    Expr::val(0i64).cast_as(Alias::new("BIGINT"))
}

/// Planned money by source from the budget lines, and approved, disbursed and paid from the
/// per-source totals, of the selected projects one by one.
fn by_source_of_projects(condition: &Expr) -> SelectStatement {
    let planned = Query::select()
        .column(BudgetLines::Source)
        .expr_as(
            total(Expr::col(BudgetLines::AmountFen)),
            Alias::new("planned_fen"),
        )
        .expr_as(zero(), Alias::new("approved_fen"))
        .expr_as(zero(), Alias::new("disbursed_fen"))
        .expr_as(zero(), Alias::new("paid_fen"))
        .from(BudgetLines::Table)
        .and_where(Expr::col(BudgetLines::ProjectId).in_subquery(selected_ids(condition)))
        .group_by_col(BudgetLines::Source)
        .take();
    let moved = Query::select()
        .column(SourceMoney::Source)
        .expr_as(zero(), Alias::new("planned_fen"))
        .expr_as(
            total(Expr::col(SourceMoney::ApprovedFen)),
            Alias::new("approved_fen"),
        )
        .expr_as(
            total(Expr::col(SourceMoney::DisbursedFen)),
            Alias::new("disbursed_fen"),
        )
        .expr_as(
            total(Expr::col(SourceMoney::PaidFen)),
            Alias::new("paid_fen"),
        )
        .from(SourceMoney::Table)
        .and_where(Expr::col(SourceMoney::ProjectId).in_subquery(selected_ids(condition)))
        .group_by_col(SourceMoney::Source)
        .take();
    planned
        .clone()
        .union(sea_query::UnionType::All, moved)
        .take()
}

/// Money by source of the selection from the totals of migration 6.
fn by_source_of_totals(selection: &Selection<'_>) -> SelectStatement {
    let sum = |c: PlanSourceTotals, name: &str| (total(Expr::col(c)), Alias::new(name));
    let mut q = Query::select();
    q.column(PlanSourceTotals::Source);
    for (c, name) in [
        (PlanSourceTotals::PlannedFen, "planned_fen"),
        (PlanSourceTotals::ApprovedFen, "approved_fen"),
        (PlanSourceTotals::DisbursedFen, "disbursed_fen"),
        (PlanSourceTotals::PaidFen, "paid_fen"),
    ] {
        let (e, alias) = sum(c, name);
        q.expr_as(e, alias);
    }
    q.from(PlanSourceTotals::Table)
        .and_where(selection.totals(
            PlanSourceTotals::Year,
            PlanSourceTotals::RegionPath,
            PlanSourceTotals::Stage,
        ))
        .group_by_col(PlanSourceTotals::Source)
        .take()
}

/// Investment by funding source of the selected projects.
async fn by_source(
    tx: &mut Tx,
    selection: &Selection<'_>,
) -> Result<Vec<SourceInvestment>, StoreError> {
    let query = if selection.totals_suffice() {
        by_source_of_totals(selection)
    } else {
        by_source_of_projects(&selection.condition())
    };
    let rows: Vec<SourceRow> = tx.all(&query).await?;
    let mut out: Vec<SourceInvestment> = Vec::new();
    for &source in FundingSource::ALL {
        let mut money = Investment::default();
        for r in rows.iter().filter(|r| r.source == source.code()) {
            money.add(&r.money);
        }
        if money != Investment::default() {
            out.push(SourceInvestment { source, money });
        }
    }
    Ok(out)
}

/// The report rules of one part of the region: which month was last due, the first instant
/// after its due date, and the day before which a project must have started to owe it.
struct DueMonth {
    period: ReportPeriod,
    late_from: DateTime<Utc>,
    started_before: NaiveDate,
}

impl DueMonth {
    /// The last month whose report was due before `today` under `rules`, if any.
    fn of(rules: &LightRules, today: NaiveDate) -> Option<DueMonth> {
        let period =
            report::periods_due(today - Duration::days(62), today, rules.report_due_day).pop()?;
        let due = report::due_date(period, rules.report_due_day);
        let late_from = (due + Duration::days(1))
            .and_time(NaiveTime::MIN)
            .and_local_timezone(shanghai())
            .single()?
            .with_timezone(&Utc);
        Some(DueMonth {
            period,
            late_from,
            started_before: period.next().first_day(),
        })
    }
}

/// A value that differs by the rules of the part of the region a project lies in: the regions
/// with their own rules below `root` (most specific first), else the rules at `root`.
fn per_rules<V: Into<Expr> + Clone>(parts: &[(String, V)], otherwise: V) -> Expr {
    let path = || Expr::col((Projects::Table, Projects::RegionPath));
    let mut arms = parts.iter();
    match arms.next() {
        None => otherwise.into(),
        Some((first, value)) => {
            let mut case = Expr::case(under(path(), first), value.clone());
            for (root, value) in arms {
                case = case.case(under(path(), root), value.clone());
            }
            Expr::Case(Box::new(case.finally(otherwise)))
        }
    }
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    department_id: i64,
    due: i64,
    late: i64,
    missing: i64,
}

/// Reports due, late and missing per lead department for the last month due, and that month
/// under the rules at `root`.
async fn reports(
    tx: &mut Tx,
    condition: &Expr,
    root: &str,
    today: NaiveDate,
) -> Result<(Option<ReportPeriod>, Vec<ReportRow>), StoreError> {
    let rules = all_rules(tx).await?;
    let at_root = DueMonth::of(&rules_at(&rules, root), today);
    let below: Vec<(String, DueMonth)> = rules
        .iter()
        .filter(|(path, _)| path.starts_with(root) && path.len() > root.len())
        .filter_map(|(path, r)| Some((path.clone(), DueMonth::of(r, today)?)))
        .collect();
    let Some(at_root) = at_root else {
        return Ok((None, Vec::new()));
    };
    let part = |f: &dyn Fn(&DueMonth) -> sea_query::Value| -> Expr {
        let parts: Vec<(String, sea_query::Value)> =
            below.iter().map(|(p, d)| (p.clone(), f(d))).collect();
        per_rules(&parts, f(&at_root))
    };
    let period = part(&|d| d.period.to_string().into());
    let late_from = part(&|d| d.late_from.into());
    let started_before = part(&|d| d.started_before.into());
    let reporting: Vec<&str> = Stage::ALL
        .iter()
        .filter(|s| reports_in(**s))
        .map(|s| s.code())
        .collect();
    let report = |c: ProgressReports| Expr::col((ProgressReports::Table, c));
    let rows = tx
        .all(
            &Query::select()
                .expr_as(
                    Expr::col((Projects::Table, Projects::LeadDepartmentId)),
                    Alias::new("department_id"),
                )
                .expr_as(
                    Expr::col((Projects::Table, Projects::Id)).count(),
                    Alias::new("due"),
                )
                .expr_as(
                    count_if(report(ProgressReports::SubmittedAt).gte(late_from)),
                    Alias::new("late"),
                )
                .expr_as(
                    count_if(report(ProgressReports::SubmittedAt).is_null()),
                    Alias::new("missing"),
                )
                .from(Projects::Table)
                .left_join(
                    ProgressReports::Table,
                    report(ProgressReports::ProjectId)
                        .equals((Projects::Table, Projects::Id))
                        .and(report(ProgressReports::Period).eq(period)),
                )
                .and_where(condition.clone())
                .and_where(Expr::col((Projects::Table, Projects::Stage)).is_in(reporting))
                .and_where(Expr::col((Projects::Table, Projects::Hold)).eq(Hold::Active.code()))
                .and_where(Expr::col((Projects::Table, Projects::PlannedStart)).lt(started_before))
                .group_by_col((Projects::Table, Projects::LeadDepartmentId))
                .take(),
        )
        .await?;
    Ok((Some(at_root.period), rows))
}

#[derive(sqlx::FromRow)]
struct RedRow {
    id: i64,
    code: String,
    name: String,
    department_id: i64,
    light_reasons: Option<String>,
}

/// The first red projects by code.
async fn red_projects(tx: &mut Tx, condition: &Expr) -> Result<Vec<RedRow>, StoreError> {
    tx.all(
        &Query::select()
            .columns([Projects::Id, Projects::Code, Projects::Name])
            .expr_as(
                Expr::col(Projects::LeadDepartmentId),
                Alias::new("department_id"),
            )
            .column(ProjectLights::LightReasons)
            .from(Projects::Table)
            .and_where(condition.clone())
            .and_where(Expr::col(ProjectLights::Light).eq(Light::Red.code()))
            .order_by(Projects::Code, Order::Asc)
            .limit(RED_LIST_MAX)
            .take(),
    )
    .await
}

/// Department names by id.
async fn department_names(tx: &mut Tx, ids: Vec<i64>) -> Result<HashMap<i64, String>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = tx
        .all(
            &Query::select()
                .columns([Departments::Id, Departments::Name])
                .from(Departments::Table)
                .and_where(Expr::col(Departments::Id).is_in(ids))
                .take(),
        )
        .await?;
    Ok(rows.into_iter().collect())
}

#[derive(sqlx::FromRow)]
struct TrendRow {
    period: String,
    light: String,
    projects: i64,
    paid_fen: i64,
}

/// The months of the trend: the [`TREND_MONTHS`] up to this month, or up to December of a
/// past plan year.
fn trend_window(year: i32, today: NaiveDate) -> (ReportPeriod, ReportPeriod) {
    let last = if year < today.year() {
        ReportPeriod::new(year, 12).unwrap_or_else(|| ReportPeriod::of(today))
    } else {
        ReportPeriod::of(today)
    };
    let mut first = last;
    for _ in 1..TREND_MONTHS {
        let back = first.first_day() - Duration::days(1);
        first = ReportPeriod::of(back);
    }
    (first, last)
}

/// Lights and paid per month of the snapshots inside the region, from their totals (kept by
/// triggers on the snapshots, see migration 5).
async fn trends(
    tx: &mut Tx,
    actor: &Actor,
    root: &str,
    window: (ReportPeriod, ReportPeriod),
) -> Result<Vec<TrendPoint>, StoreError> {
    let path = || Expr::col(SnapshotTotals::RegionPath);
    let mut q = Query::select()
        .column(SnapshotTotals::Period)
        .column(SnapshotTotals::Light)
        .expr_as(
            total(Expr::col(SnapshotTotals::Projects)),
            Alias::new("projects"),
        )
        .expr_as(
            total(Expr::col(SnapshotTotals::PaidFen)),
            Alias::new("paid_fen"),
        )
        .from(SnapshotTotals::Table)
        .and_where(Expr::col(SnapshotTotals::Period).gte(window.0.to_string()))
        .and_where(Expr::col(SnapshotTotals::Period).lte(window.1.to_string()))
        .and_where(within(&actor.scope, path()))
        .and_where(under(path(), root))
        .group_by_col(SnapshotTotals::Period)
        .group_by_col(SnapshotTotals::Light)
        .take();
    if !actor.scope.departments.is_empty() {
        q.and_where(
            Expr::col(SnapshotTotals::LeadDepartmentId).is_in(actor.scope.departments.clone()),
        );
    }
    let rows: Vec<TrendRow> = tx.all(&q).await?;
    let mut points: BTreeMap<ReportPeriod, TrendPoint> = BTreeMap::new();
    for r in rows.into_iter().filter(|r| r.projects > 0) {
        let Ok(period) = r.period.parse::<ReportPeriod>() else {
            continue;
        };
        let point = points.entry(period).or_insert(TrendPoint {
            period,
            green: 0,
            yellow: 0,
            red: 0,
            paid_fen: 0,
        });
        point.paid_fen += r.paid_fen;
        let n = to_u32(r.projects);
        match r.light.parse::<Light>() {
            Ok(Light::Green) => point.green += n,
            Ok(Light::Yellow) => point.yellow += n,
            Ok(Light::Red) => point.red += n,
            Err(_) => {}
        }
    }
    Ok(points.into_values().collect())
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

impl Scoped<'_> {
    /// The leader dashboard of a region in the caller's scope for a plan year (leader,
    /// office). A region outside the scope is "not found".
    pub async fn dashboard(&self, query: &DashboardQuery) -> Result<Dashboard, StoreError> {
        self.require(Permission::ReadDashboard).await?;
        let today = today();
        let year = query.year.unwrap_or_else(|| today.year());
        if !(2000..=2100).contains(&year) {
            return Err(StoreError::invalid("year", Problem::Malformed));
        }
        let mut tx = self.db.read().await?;
        let region: Option<Region> = match (query.region_id, &self.actor.scope.region_path) {
            (Some(id), _) => Some(
                crate::regions::find(&mut tx, &self.actor.scope, id)
                    .await?
                    .ok_or(StoreError::NotFound)?,
            ),
            (None, Some(root)) => {
                tx.optional(
                    &in_scope(&self.actor.scope)
                        .and_where(Expr::col(crate::schema::Regions::Path).eq(root.as_str()))
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
