//! Reading a bulletin (月度通报, quarterly and annual summaries) from the monthly light snapshots
//! alone, inside the reader's scope; the domain (`minxin_domain::control::bulletin`) builds it.

use super::snapshots::{SnapshotEntry, months};
use crate::db::Tx;
use crate::error::StoreError;
use crate::regions::within;
use crate::schema::LightSnapshots;
use crate::scoped::Scoped;
use minxin_domain::control::bulletin::{
    self, Bulletin, BulletinPeriod, Group, MonthRows, SnapshotRow,
};
use minxin_domain::control::light::{Assessment, Light};
use minxin_domain::control::report::ReportPeriod;
use minxin_domain::kernel::money::Fen;
use minxin_domain::{Actor, Permission};
use sea_query::{Alias, Expr, ExprTrait, Func, Query};

/// The snapshot rows `actor` may see: inside the region scope and, when the scope is narrowed
/// to departments, led by one of them.
fn visible(actor: &Actor) -> Expr {
    let mut condition = within(
        &actor.scope,
        Expr::col((LightSnapshots::Table, LightSnapshots::RegionPath)),
    );
    if !actor.scope.departments.is_empty() {
        condition = condition.and(
            Expr::col(LightSnapshots::LeadDepartmentId).is_in(actor.scope.departments.clone()),
        );
    }
    condition
}

/// A stored row as the domain sees it; `None` for a row whose codes no longer parse.
fn row_of(e: SnapshotEntry) -> Option<SnapshotRow> {
    let light: Option<Light> = e.light.as_deref().and_then(|l| l.parse().ok());
    // Only red, yellow and late rows show their reasons: parse no more JSON than needed.
    let needs_reasons = e.report_late || light.is_some_and(|l| l > Light::Green);
    let reasons = if needs_reasons {
        serde_json::from_str::<Assessment>(&e.reasons)
            .map(|a| a.reasons)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Some(SnapshotRow {
        project_id: e.project_id,
        code: e.project_code,
        name: e.project_name,
        region_name: e.region_name,
        department_id: e.lead_department_id,
        department_name: e.lead_department_name,
        stage: e.stage.parse().ok()?,
        hold: e.hold.parse().ok()?,
        light,
        reasons,
        budget: Fen(e.budget_fen),
        approved: Fen(e.approved_fen),
        disbursed: Fen(e.disbursed_fen),
        paid: Fen(e.paid_fen),
        report_due: e.report_due,
        report_late: e.report_late,
    })
}

/// The visible rows of one month.
async fn rows(tx: &mut Tx, actor: &Actor, month: ReportPeriod) -> Result<MonthRows, StoreError> {
    let entries: Vec<SnapshotEntry> = tx
        .all(
            &Query::select()
                .columns(super::snapshots::ENTRY_COLUMNS.into_iter().skip(1))
                .from(LightSnapshots::Table)
                .and_where(Expr::col(LightSnapshots::Period).eq(month.to_string()))
                .and_where(visible(actor))
                .take(),
        )
        .await?;
    Ok(MonthRows {
        month,
        rows: entries.into_iter().filter_map(row_of).collect(),
    })
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    period: String,
    stage: String,
    hold: String,
    light: Option<String>,
    projects: i64,
    budget_fen: i64,
    approved_fen: i64,
    disbursed_fen: i64,
    paid_fen: i64,
    reports_due: i64,
    reports_late: i64,
}

/// The visible rows of `months` summed by month, stage, hold and light: a year of 100,000
/// projects is a few hundred groups instead of 1.2 million rows.
async fn series(
    tx: &mut Tx,
    actor: &Actor,
    months: &[ReportPeriod],
) -> Result<Vec<(ReportPeriod, Vec<Group>)>, StoreError> {
    let sum = |col: LightSnapshots, alias: &str| {
        (
            Func::sum(Expr::col(col)).cast_as(Alias::new("BIGINT")),
            alias.to_owned(),
        )
    };
    let flag_sum = |col: LightSnapshots, alias: &str| {
        (
            Func::sum(Into::<Expr>::into(
                Expr::case(Expr::col(col).eq(true), 1).finally(0),
            ))
            .cast_as(Alias::new("BIGINT")),
            alias.to_owned(),
        )
    };
    let keys = [
        LightSnapshots::Period,
        LightSnapshots::Stage,
        LightSnapshots::Hold,
        LightSnapshots::Light,
    ];
    let mut q = Query::select()
        .columns(keys)
        .expr_as(Expr::col(LightSnapshots::ProjectId).count(), "projects")
        .from(LightSnapshots::Table)
        .and_where(Expr::col(LightSnapshots::Period).is_in(months.iter().map(ToString::to_string)))
        .and_where(visible(actor))
        .group_by_columns(keys)
        .take();
    for (expr, alias) in [
        sum(LightSnapshots::BudgetFen, "budget_fen"),
        sum(LightSnapshots::ApprovedFen, "approved_fen"),
        sum(LightSnapshots::DisbursedFen, "disbursed_fen"),
        sum(LightSnapshots::PaidFen, "paid_fen"),
        flag_sum(LightSnapshots::ReportDue, "reports_due"),
        flag_sum(LightSnapshots::ReportLate, "reports_late"),
    ] {
        q.expr_as(expr, alias);
    }
    let groups: Vec<GroupRow> = tx.all(&q).await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(months
        .iter()
        .map(|&month| {
            let wanted = month.to_string();
            let of_month = groups
                .iter()
                .filter(|g| g.period == wanted)
                .filter_map(|g| {
                    Some(Group {
                        stage: g.stage.parse().ok()?,
                        hold: g.hold.parse().ok()?,
                        light: g.light.as_deref().and_then(|l| l.parse().ok()),
                        projects: count(g.projects),
                        budget: Fen(g.budget_fen),
                        approved: Fen(g.approved_fen),
                        disbursed: Fen(g.disbursed_fen),
                        paid: Fen(g.paid_fen),
                        reports_due: count(g.reports_due),
                        reports_late: count(g.reports_late),
                    })
                })
                .collect();
            (month, of_month)
        })
        .collect())
}

/// The months of `period` that have been taken, oldest first.
fn taken_in(taken: &[ReportPeriod], period: BulletinPeriod) -> Vec<ReportPeriod> {
    let wanted = period.months();
    let mut found: Vec<ReportPeriod> = taken
        .iter()
        .copied()
        .filter(|m| wanted.contains(m))
        .collect();
    found.sort();
    found
}

impl Scoped<'_> {
    /// The bulletin of `period` for the caller's scope (leaders and the office), from the
    /// snapshots only: `NotFound` when no month of the period has been taken.
    pub async fn bulletin(&self, period: BulletinPeriod) -> Result<Bulletin, StoreError> {
        self.require(Permission::ReadDashboard).await?;
        let mut tx = self.db.read().await?;
        let taken: Vec<ReportPeriod> = months(&mut tx)
            .await?
            .iter()
            .filter_map(|m| m.period.parse().ok())
            .collect();
        let in_period = taken_in(&taken, period);
        let closing = *in_period.last().ok_or(StoreError::NotFound)?;
        let before = match period
            .previous()
            .and_then(|p| taken_in(&taken, p).last().copied())
        {
            Some(month) => Some(rows(&mut tx, self.actor, month).await?),
            None => None,
        };
        let series = match period {
            BulletinPeriod::Month(_) => Vec::new(),
            _ => series(&mut tx, self.actor, &in_period).await?,
        };
        let closing = rows(&mut tx, self.actor, closing).await?;
        Ok(bulletin::build(period, closing, before, series))
    }
}
