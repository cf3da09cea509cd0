//! The traffic light of every project (SPEC §5), computed by the domain rules from the data
//! stored here and kept on the project row with its reasons. A write that changes what a light
//! depends on refreshes that project's light in the same transaction; a daily run refreshes
//! them all, because dates move.

use crate::db::Tx;
use crate::error::StoreError;
use crate::schema::{LightSettings, Milestones, ProgressReports, ProjectLights, Projects, Regions};
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::light::{self, Assessment, LightFacts, MilestoneFact, Thresholds};
use minxin_domain::project::{Hold, Stage};
use minxin_domain::report::{self, DEFAULT_DUE_DAY, ReportPeriod};
use minxin_domain::time::shanghai;
use sea_query::{Expr, ExprTrait, Query, SelectStatement};
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

/// Today in Asia/Shanghai, the date every deadline is counted in.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&shanghai()).date_naive()
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
        overdue_requests: 0,
    })
}

/// Stores a project's assessment (or its absence) on its row.
async fn store(
    tx: &mut Tx,
    project_id: i64,
    assessment: Option<&Assessment>,
) -> Result<(), StoreError> {
    tx.execute(
        &Query::update()
            .table(Projects::Table)
            .value(
                ProjectLights::Light,
                assessment.map(|a| a.light.code().to_owned()),
            )
            .value(
                ProjectLights::LightReasons,
                assessment.and_then(|a| serde_json::to_string(a).ok()),
            )
            .value(ProjectLights::LightAt, Utc::now())
            .and_where(Expr::col(Projects::Id).eq(project_id))
            .take(),
    )
    .await?;
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

/// What a run over every project did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RefreshReport {
    /// Projects looked at.
    pub projects: usize,
    /// Projects whose light or reasons changed and were written.
    pub changed: usize,
}

/// Recomputes the lights of one project (`only`) or of all, for `today`, inside `tx`, and
/// writes those that changed. Everything is read in four statements whatever the count.
async fn refresh(
    tx: &mut Tx,
    only: Option<i64>,
    today: NaiveDate,
) -> Result<RefreshReport, StoreError> {
    let narrow = |q: &mut SelectStatement, column: Expr| {
        if let Some(id) = only {
            q.and_where(column.eq(id));
        }
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
        .columns([
            Milestones::ProjectId,
            Milestones::Name,
            Milestones::PlannedDate,
            Milestones::ActualDate,
            Milestones::Weight,
        ])
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
        changed: 0,
    };
    for row in &rows {
        let rule = rules_at(&rules, &row.region_path);
        let assessment = facts(
            row,
            milestones_of.remove(&row.id).unwrap_or_default(),
            submissions_of.get(&row.id).map_or(&[][..], Vec::as_slice),
            &rule,
            today,
        )
        .and_then(|f| light::assess(&f, &rule.thresholds));
        let light = assessment.as_ref().map(|a| a.light.code().to_owned());
        let reasons = assessment
            .as_ref()
            .and_then(|a| serde_json::to_string(a).ok());
        if row.light != light || row.light_reasons != reasons {
            store(tx, row.id, assessment.as_ref()).await?;
            report.changed += 1;
        }
    }
    Ok(report)
}

/// Recomputes and stores the light of one project, inside the caller's transaction.
pub(crate) async fn refresh_light(tx: &mut Tx, project_id: i64) -> Result<(), StoreError> {
    refresh(tx, Some(project_id), today()).await.map(|_| ())
}

/// Recomputes every project's light for `today` and writes those that changed, in one
/// transaction. Runs daily, because dates move even when no data does.
pub(crate) async fn refresh_all(
    db: &crate::db::Db,
    today: NaiveDate,
) -> Result<RefreshReport, StoreError> {
    let mut tx = db.begin().await?;
    let report = refresh(&mut tx, None, today).await?;
    tx.commit().await?;
    Ok(report)
}
