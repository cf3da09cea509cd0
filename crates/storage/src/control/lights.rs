//! The traffic light of every project (SPEC §5), computed by the domain rules from the data
//! stored here and kept on the project row with its reasons. A write that changes what a light
//! depends on refreshes that project's light in the same transaction (a service request's move
//! refreshes the light of the project it is about); a daily run refreshes them all, because
//! dates move.

use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{
    LightSettings, Milestones, ProgressReports, ProjectLights, Projects, Regions, ServiceRequests,
};
use crate::projects::milestones::PLAN_COLUMNS;
use crate::projects::{LightPort, Refreshing};
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::control::light::{self, Assessment, LightFacts, MilestoneFact, Thresholds};
use minxin_domain::control::report::{self, DEFAULT_DUE_DAY, ReportPeriod};
use minxin_domain::kernel::time::shanghai;
use minxin_domain::projects::project::{Hold, Stage};
use sea_query::{CaseStatement, Expr, ExprTrait, Query, SelectStatement};
use serde::Serialize;
use std::collections::HashMap;

/// The light rules of a region: thresholds and the monthly report's due day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LightRules {
    /// Deviation, milestone and report thresholds.
    #[schema(value_type = Object)]
    pub thresholds: Thresholds,
    /// Day of the following month by which a month's report is due.
    pub report_due_day: u32,
}

impl Default for LightRules {
    fn default() -> Self {
        Self {
            thresholds: Thresholds::default(),
            report_due_day: DEFAULT_DUE_DAY,
        }
    }
}

/// The date of `now` (the store's clock) in Asia/Shanghai, the date every deadline is counted
/// in.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&shanghai()).date_naive()
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    path: String,
    thresholds: String,
    report_due_day: i32,
}

/// Every region's own settings with its path, most specific (longest path) first.
pub(crate) async fn all_rules(tx: &mut Tx) -> Result<Vec<(String, LightRules)>, StoreError> {
    let rows: Vec<SettingsRow> = tx
        .all(
            &Query::select()
                .column((Regions::Table, Regions::Path))
                .column((LightSettings::Table, LightSettings::Thresholds))
                .column((LightSettings::Table, LightSettings::ReportDueDay))
                .from(LightSettings::Table)
                .inner_join(
                    Regions::Table,
                    Expr::col((Regions::Table, Regions::Id))
                        .equals((LightSettings::Table, LightSettings::RegionId)),
                )
                .take(),
        )
        .await?;
    let mut rules: Vec<(String, LightRules)> = rows
        .into_iter()
        .map(|r| {
            let rules = LightRules {
                thresholds: serde_json::from_str(&r.thresholds).unwrap_or_default(),
                report_due_day: u32::try_from(r.report_due_day).unwrap_or(DEFAULT_DUE_DAY),
            };
            (r.path, rules)
        })
        .collect();
    rules.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
    Ok(rules)
}

/// The rules that apply at `region_path`: the nearest region up the tree with its own
/// settings, else the defaults of SPEC §5.
pub(crate) fn rules_at(all: &[(String, LightRules)], region_path: &str) -> LightRules {
    all.iter()
        .find(|(path, _)| region_path.starts_with(path.as_str()))
        .map(|(_, rules)| rules.clone())
        .unwrap_or_default()
}

#[derive(sqlx::FromRow)]
struct LightRow {
    id: i64,
    stage: String,
    hold: String,
    region_path: String,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    progress_percent: i32,
    budget_fen: i64,
    paid_fen: i64,
    light: Option<String>,
    light_reasons: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Submission {
    project_id: i64,
    period: String,
    submitted_at: DateTime<Utc>,
}

/// Whether a project files monthly reports in `stage`: while it is procured and built.
pub(crate) fn reports_in(stage: Stage) -> bool {
    matches!(stage, Stage::Procurement | Stage::Construction)
}

/// The facts of one project for the rules.
fn facts(
    row: &LightRow,
    milestones: Vec<MilestoneFact>,
    submissions: &[Submission],
    overdue_requests: u32,
    rules: &LightRules,
    today: NaiveDate,
) -> Option<LightFacts> {
    let stage: Stage = row.stage.parse().ok()?;
    let hold: Hold = row.hold.parse().ok()?;
    let report = match row.planned_start {
        Some(start) if reports_in(stage) => report::light_status(
            start,
            today,
            rules.report_due_day,
            |period: ReportPeriod| {
                let wanted = period.to_string();
                submissions
                    .iter()
                    .find(|s| s.period == wanted)
                    .map(|s| s.submitted_at.with_timezone(&shanghai()).date_naive())
            },
        ),
        _ => light::ReportStatus::NotDue,
    };
    Some(LightFacts {
        stage,
        hold,
        today,
        planned_start: row.planned_start,
        planned_end: row.planned_end,
        milestones,
        reported_bp: u32::try_from(row.progress_percent.clamp(0, 100)).unwrap_or(0) * 100,
        report,
        budget_fen: row.budget_fen,
        spent_fen: row.paid_fen,
        overdue_requests,
    })
}

/// Rows per UPDATE when lights are written in bulk: small enough for every engine's limit on
/// bound values (three per row), large enough that 100,000 changes take 200 statements.
const WRITE_CHUNK: usize = 500;

/// Stores projects' assessments (or their absence) on their rows, many rows per statement:
/// `SET light = CASE id WHEN … END` works alike on both engines, where one UPDATE per project
/// cost a round trip each.
async fn store(tx: &mut Tx, changes: &[(i64, Option<Assessment>)]) -> Result<(), StoreError> {
    let now = tx.now();
    for chunk in changes.chunks(WRITE_CHUNK) {
        let mut light = CaseStatement::new();
        let mut reasons = CaseStatement::new();
        for (id, assessment) in chunk {
            let is = || Expr::col(Projects::Id).eq(*id);
            let a = assessment.as_ref();
            light = light.case(is(), Expr::val(a.map(|a| a.light.code().to_owned())));
            reasons = reasons.case(
                is(),
                Expr::val(a.and_then(|a| serde_json::to_string(a).ok())),
            );
        }
        tx.execute(
            &Query::update()
                .table(Projects::Table)
                .value(ProjectLights::Light, light)
                .value(ProjectLights::LightReasons, reasons)
                .value(ProjectLights::LightAt, now)
                .and_where(Expr::col(Projects::Id).is_in(chunk.iter().map(|(id, _)| *id)))
                .take(),
        )
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    project_id: i64,
    name: String,
    planned_date: NaiveDate,
    actual_date: Option<NaiveDate>,
    weight: i32,
}

/// A monthly report that was due and has not come in: its owner is reminded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MissingReport {
    /// The project.
    pub project_id: i64,
    /// The month not reported on, YYYY-MM.
    pub period: String,
}

/// What a run over every project did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefreshReport {
    /// Projects looked at.
    pub projects: usize,
    /// Projects whose light or reasons changed and were written.
    pub changed: usize,
    /// Reminders of missing monthly reports newly sent.
    pub reminded: usize,
    /// The reports found missing (to remind their owners).
    #[serde(skip)]
    pub(crate) missing: Vec<MissingReport>,
}

/// Which projects a refresh looks at.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Which<'a> {
    /// One project, after a write to it.
    One(i64),
    /// Every project in a region's subtree, after its rules changed.
    Under(&'a str),
    /// Every project, nightly.
    All,
}

/// Recomputes the lights of the projects `which` selects, for `today`, inside `tx`, and
/// writes those that changed. Everything is read in four statements whatever the count.
pub(crate) async fn refresh(
    tx: &mut Tx,
    which: Which<'_>,
    today: NaiveDate,
) -> Result<RefreshReport, StoreError> {
    let narrow = |q: &mut SelectStatement, project: Expr| match which {
        Which::One(id) => {
            q.and_where(project.eq(id));
        }
        Which::Under(path) => {
            q.and_where(
                project.in_subquery(
                    Query::select()
                        .column(Projects::Id)
                        .from(Projects::Table)
                        .and_where(crate::kernel::scope::under(
                            Expr::col(Projects::RegionPath),
                            path,
                        ))
                        .take(),
                ),
            );
        }
        Which::All => {}
    };
    let rules = all_rules(tx).await?;
    let mut projects = Query::select()
        .columns([
            Projects::Id,
            Projects::Stage,
            Projects::Hold,
            Projects::RegionPath,
            Projects::PlannedStart,
            Projects::PlannedEnd,
            Projects::ProgressPercent,
            Projects::BudgetFen,
        ])
        .columns([
            ProjectLights::PaidFen,
            ProjectLights::Light,
            ProjectLights::LightReasons,
        ])
        .from(Projects::Table)
        .take();
    narrow(&mut projects, Expr::col(Projects::Id));
    let rows: Vec<LightRow> = tx.all(&projects).await?;
    let mut milestones = Query::select()
        .columns(PLAN_COLUMNS)
        .from(Milestones::Table)
        .take();
    narrow(&mut milestones, Expr::col(Milestones::ProjectId));
    let milestones: Vec<MilestoneRow> = tx.all(&milestones).await?;
    // Only the latest month due matters; two months back covers every due day.
    let since = ReportPeriod::of(today - chrono::Duration::days(62)).to_string();
    let mut submissions = Query::select()
        .columns([
            ProgressReports::ProjectId,
            ProgressReports::Period,
            ProgressReports::SubmittedAt,
        ])
        .from(ProgressReports::Table)
        .and_where(Expr::col(ProgressReports::Period).gte(since))
        .take();
    narrow(&mut submissions, Expr::col(ProgressReports::ProjectId));
    let submissions: Vec<Submission> = tx.all(&submissions).await?;
    // Requests about a project past their deadline by the end of `today` (deadlines fall at
    // the end of a day, so one due today is not overdue yet).
    let end_of_today = (today + chrono::Duration::days(1))
        .and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(shanghai())
        .single()
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    let mut overdue = Query::select()
        .column(ServiceRequests::ProjectId)
        .expr(Expr::col(ServiceRequests::Id).count())
        .from(ServiceRequests::Table)
        .and_where(Expr::col(ServiceRequests::ProjectId).is_not_null())
        .cond_where(super::overdue::overdue(end_of_today))
        .group_by_col(ServiceRequests::ProjectId)
        .take();
    narrow(&mut overdue, Expr::col(ServiceRequests::ProjectId));
    let overdue: HashMap<i64, i64> = tx.all::<(i64, i64)>(&overdue).await?.into_iter().collect();

    let mut milestones_of: HashMap<i64, Vec<MilestoneFact>> = HashMap::new();
    for m in milestones {
        milestones_of
            .entry(m.project_id)
            .or_default()
            .push(MilestoneFact {
                name: m.name,
                planned: m.planned_date,
                done: m.actual_date,
                weight: u32::try_from(m.weight).unwrap_or(0),
            });
    }
    let mut submissions_of: HashMap<i64, Vec<Submission>> = HashMap::new();
    for s in submissions {
        submissions_of.entry(s.project_id).or_default().push(s);
    }
    let mut report = RefreshReport {
        projects: rows.len(),
        ..RefreshReport::default()
    };
    let mut changes = Vec::new();
    for row in &rows {
        let rule = rules_at(&rules, &row.region_path);
        let submitted = submissions_of.get(&row.id).map_or(&[][..], Vec::as_slice);
        let facts = facts(
            row,
            milestones_of.remove(&row.id).unwrap_or_default(),
            submitted,
            overdue
                .get(&row.id)
                .map_or(0, |n| u32::try_from(*n).unwrap_or(u32::MAX)),
            &rule,
            today,
        );
        if let Some(period) = facts.as_ref().and_then(|f| missing_period(f, submitted)) {
            report.missing.push(MissingReport {
                project_id: row.id,
                period,
            });
        }
        let assessment = facts.and_then(|f| light::assess(&f, &rule.thresholds));
        let light = assessment.as_ref().map(|a| a.light.code().to_owned());
        let reasons = assessment
            .as_ref()
            .and_then(|a| serde_json::to_string(a).ok());
        if row.light != light || row.light_reasons != reasons {
            changes.push((row.id, assessment));
        }
    }
    store(tx, &changes).await?;
    report.changed = changes.len();
    Ok(report)
}

/// The month whose report is late and still missing, if any (a report that came in late needs
/// no reminder).
fn missing_period(facts: &LightFacts, submitted: &[Submission]) -> Option<String> {
    match facts.report {
        light::ReportStatus::Late { year, month, .. } => {
            let period = ReportPeriod::new(year, month)?.to_string();
            (!submitted.iter().any(|s| s.period == period)).then_some(period)
        }
        _ => None,
    }
}

/// The light as the registry's port sees it ([`LightPort`]): what a change to a project
/// refreshes.
#[derive(Debug)]
pub(crate) struct Light;

impl LightPort for Light {
    fn refresh<'t>(&'t self, tx: &'t mut Tx, project_id: i64) -> Refreshing<'t> {
        Box::pin(refresh_light(tx, project_id))
    }
}

/// Recomputes and stores the light of one project, inside the caller's transaction.
pub(crate) async fn refresh_light(tx: &mut Tx, project_id: i64) -> Result<(), StoreError> {
    refresh(tx, Which::One(project_id), today(tx.now()))
        .await
        .map(|_| ())
}

/// Recomputes every project's light for `today` and writes those that changed, in one
/// transaction. Runs daily, because dates move even when no data does.
pub(crate) async fn refresh_all(
    db: &crate::kernel::db::Db,
    today: NaiveDate,
) -> Result<RefreshReport, StoreError> {
    let mut tx = db.begin().await?;
    let mut report = refresh(&mut tx, Which::All, today).await?;
    report.reminded = super::reminders::remind(&mut tx, &report.missing).await?;
    tx.commit().await?;
    Ok(report)
}
