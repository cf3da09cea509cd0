//! The light rules of a region (SPEC §5 thresholds and the monthly report's due day), set by
//! the project office. A region without settings of its own inherits its nearest ancestor's,
//! and the SPEC's defaults apply above them all. Changing a region's rules re-lights every
//! project under it at once, in the same transaction.

use super::Control;
use super::lights::{LightRules, RefreshReport, Which, all_rules, refresh, rules_at, today};
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::LightSettings;
use crate::kernel::scoped::Target;
use crate::org::regions;
use minxin_domain::control::light::{ThresholdProblem, Thresholds};
use minxin_domain::control::report::check_due_day;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::{Permission, Problem};
use sea_query::{Expr, ExprTrait, Query};
use serde::{Deserialize, Serialize};

/// A region's rules as the settings page shows them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionLightRules {
    /// The region.
    pub region_id: i64,
    /// Its name.
    pub region_name: String,
    /// The rules that apply there.
    pub rules: LightRules,
    /// Whether the region has settings of its own (otherwise they are inherited).
    pub own: bool,
    /// Version of its own settings, for optimistic concurrency.
    pub version: Option<i64>,
}

/// New rules for a region.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LightRulesInput {
    /// Deviation, milestone and report thresholds.
    #[schema(value_type = Object)]
    pub thresholds: Thresholds,
    /// Day of the following month by which a month's report is due (1–28).
    pub report_due_day: u32,
    /// The version read, `None` when the region had no settings of its own.
    pub version: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct OwnRow {
    thresholds: String,
    report_due_day: i32,
    version: i64,
}

/// A region's own settings, if it has any.
async fn own_settings(tx: &mut Tx, region_id: i64) -> Result<Option<OwnRow>, StoreError> {
    tx.optional(
        &Query::select()
            .columns([
                LightSettings::Thresholds,
                LightSettings::ReportDueDay,
                LightSettings::Version,
            ])
            .from(LightSettings::Table)
            .and_where(Expr::col(LightSettings::RegionId).eq(region_id))
            .take(),
    )
    .await
}

/// The form field a threshold refusal belongs to.
fn field_of(problem: ThresholdProblem, t: &Thresholds) -> &'static str {
    match problem {
        ThresholdProblem::DeviationOutOfRange { value_bp } if value_bp == t.deviation_yellow_bp => {
            "deviation_yellow_bp"
        }
        ThresholdProblem::DeviationOutOfRange { .. } => "deviation_red_bp",
        ThresholdProblem::YellowNotBelowRed { .. } => "deviation_yellow_bp",
        ThresholdProblem::MilestoneDaysOutOfRange { .. } => "milestone_red_days",
        ThresholdProblem::ReportGraceOutOfRange { .. } => "report_grace_days",
    }
}

impl Control<'_> {
    /// The rules that apply in a region of the caller's scope, and whether they are its own.
    pub async fn light_rules(&self, region_id: i64) -> Result<RegionLightRules, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        let region = regions::find(&mut tx, &self.actor.scope, region_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let own = own_settings(&mut tx, region_id).await?;
        let all = all_rules(&mut tx).await?;
        Ok(RegionLightRules {
            region_id,
            region_name: region.name,
            rules: rules_at(&all, &region.path),
            own: own.is_some(),
            version: own.map(|o| o.version),
        })
    }

    /// Sets a region's own rules (office) and re-lights the projects under it.
    pub async fn set_light_rules(
        &self,
        region_id: i64,
        input: &LightRulesInput,
    ) -> Result<RefreshReport, StoreError> {
        self.require(Permission::ManageLightRules).await?;
        input.thresholds.validate().map_err(|problem| {
            StoreError::invalid(
                field_of(problem, &input.thresholds),
                Problem::refused(problem),
            )
        })?;
        let due_day = check_due_day(input.report_due_day)
            .map_err(|p| StoreError::invalid("report_due_day", p))?;
        let mut tx = self.db.begin().await?;
        let region = regions::find(&mut tx, &self.actor.scope, region_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = own_settings(&mut tx, region_id).await?;
        // A struct of numbers always serialises.
        let thresholds = serde_json::to_string(&input.thresholds).unwrap_or_default();
        let due = i32::try_from(due_day).unwrap_or(i32::MAX);
        match (&before, input.version) {
            (Some(_), Some(version)) => {
                tx.update_versioned(
                    &Query::update()
                        .table(LightSettings::Table)
                        .value(LightSettings::Thresholds, thresholds)
                        .value(LightSettings::ReportDueDay, due)
                        .value(LightSettings::UpdatedAt, tx.now())
                        .value(LightSettings::Version, version + 1)
                        .and_where(Expr::col(LightSettings::RegionId).eq(region_id))
                        .and_where(Expr::col(LightSettings::Version).eq(version))
                        .take(),
                )
                .await?;
            }
            (None, None) => {
                tx.execute(
                    &Query::insert()
                        .into_table(LightSettings::Table)
                        .columns([
                            LightSettings::RegionId,
                            LightSettings::Thresholds,
                            LightSettings::ReportDueDay,
                            LightSettings::UpdatedAt,
                            LightSettings::Version,
                        ])
                        .values_panic([
                            region_id.into(),
                            thresholds.into(),
                            due.into(),
                            tx.now().into(),
                            1i64.into(),
                        ])
                        .take(),
                )
                .await?;
            }
            // Someone else created or removed the settings since the form was read.
            _ => return Err(StoreError::Conflict),
        }
        let was = before.map(|b| LightRules {
            thresholds: serde_json::from_str(&b.thresholds).unwrap_or_default(),
            report_due_day: u32::try_from(b.report_due_day).unwrap_or_default(),
        });
        let now = LightRules {
            thresholds: input.thresholds,
            report_due_day: due_day,
        };
        self.record(
            &mut tx,
            AuditAction::LightRulesChange,
            Target {
                kind: "region",
                id: region.id,
                label: &region.name,
                region_path: &region.path,
            },
            was.as_ref(),
            Some(&now),
        )
        .await?;
        let today = today(tx.now());
        let report = refresh(&mut tx, Which::Under(&region.path), today).await?;
        tx.commit().await?;
        Ok(report)
    }
}
