//! The dashboard's queries: the plan's groups by stage, light and department from the totals
//! (or the project rows, for a caller narrowed to departments), money by funding source,
//! the reports of the last month due, the red projects and the trends of the snapshot totals.

use super::{Investment, RED_LIST_MAX, SourceInvestment, TREND_MONTHS, TrendPoint};
use crate::control::lights::{LightRules, all_rules, reports_in, rules_at};
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{
    BudgetLines, Departments, PlanSourceTotals, PlanTotals, ProgressReports, ProjectLights,
    Projects, SnapshotTotals, SourceMoney,
};
use crate::kernel::scope::{under, within};
use crate::projects::read::visible;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use minxin_domain::Actor;
use minxin_domain::control::light::Light;
use minxin_domain::control::report::{self, ReportPeriod};
use minxin_domain::kernel::time::shanghai;
use minxin_domain::projects::project::{FundingSource, Hold, Stage};
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use std::collections::{BTreeMap, HashMap};

/// `CAST(SUM(expr) AS BIGINT)`: PostgreSQL sums big integers as numeric.
pub(super) fn total(expr: Expr) -> Expr {
    expr.sum().cast_as(Alias::new("BIGINT"))
}

/// `SUM(CASE WHEN condition THEN 1 ELSE 0 END)`.
fn count_if(condition: Expr) -> Expr {
    total(Expr::Case(Box::new(Expr::case(condition, 1).finally(0))))
}

pub(super) fn to_u32(n: i64) -> u32 {
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
pub(super) struct GroupRow {
    pub(super) stage: String,
    pub(super) light: Option<String>,
    pub(super) department_id: i64,
    pub(super) projects: i64,
    pub(super) budget_fen: i64,
    pub(super) paid_fen: i64,
}

/// Which projects the figures cover: the plan year, the region subtree and the caller.
pub(super) struct Selection<'a> {
    pub(super) actor: &'a Actor,
    pub(super) year: i32,
    pub(super) root: &'a str,
}

impl Selection<'_> {
    /// The selected project rows, for figures that need them one by one.
    pub(super) fn condition(&self) -> Expr {
        selected(self.actor, self.year, self.root)
    }

    /// Whether the totals of migration 6 hold exactly these projects: they are kept by region
    /// and lead department, so a caller narrowed to departments (who also sees the projects
    /// their departments partner in or they manage) is counted from the projects themselves.
    pub(super) fn totals_suffice(&self) -> bool {
        self.actor.scope.departments.is_empty()
    }

    /// The selected rows of a totals table with the given year, path and stage columns.
    pub(super) fn totals<C: sea_query::IntoColumnRef + Copy>(
        &self,
        year: C,
        path: C,
        stage: C,
    ) -> Expr {
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
pub(super) async fn groups(
    tx: &mut Tx,
    selection: &Selection<'_>,
) -> Result<Vec<GroupRow>, StoreError> {
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
pub(super) struct SourceRow {
    pub(super) source: String,
    #[sqlx(flatten)]
    pub(super) money: Investment,
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
pub(super) async fn by_source(
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
pub(super) struct ReportRow {
    pub(super) department_id: i64,
    pub(super) due: i64,
    pub(super) late: i64,
    pub(super) missing: i64,
}

/// Reports due, late and missing per lead department for the last month due, and that month
/// under the rules at `root`.
pub(super) async fn reports(
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
pub(super) struct RedRow {
    pub(super) id: i64,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) department_id: i64,
    pub(super) light_reasons: Option<String>,
}

/// The first red projects by code.
pub(super) async fn red_projects(tx: &mut Tx, condition: &Expr) -> Result<Vec<RedRow>, StoreError> {
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
pub(super) async fn department_names(
    tx: &mut Tx,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, StoreError> {
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
pub(super) struct TrendRow {
    pub(super) period: String,
    pub(super) light: String,
    pub(super) projects: i64,
    pub(super) paid_fen: i64,
}

/// The months of the trend: the [`TREND_MONTHS`] up to this month, or up to December of a
/// past plan year.
pub(super) fn trend_window(year: i32, today: NaiveDate) -> (ReportPeriod, ReportPeriod) {
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
pub(super) async fn trends(
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
