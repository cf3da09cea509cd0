//! Monthly progress reports (月度进度填报): one per project and month, filed by whoever keeps the
//! project's progress, reviewed by the office (accepted, or returned with a comment and then
//! refiled). An accepted report sets the project's reported progress; filing, refiling and
//! reviewing refresh the light, since a late report turns it yellow.

use super::Control;
use super::lights::{all_rules, reports_in, rules_at, today};
use super::rows::{REPORT_COLUMNS, ReportRow, insert_reports};
use super::{lock_project, refresh_light};
use crate::kernel::blobs::BlobStore;
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{ProgressReports, Projects, ReportPhotos};
use crate::projects::read::find;
use chrono::{DateTime, Utc};
use minxin_domain::control::report::{
    self, ReportDraft, ReportPeriod, ReportRefusal, ReportState, ReviewAction,
};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::text::{self, Layout};
use minxin_domain::projects::access::may_report_progress;
use minxin_domain::projects::project::Stage;
use minxin_domain::{Permission, Problem};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};

/// A photo of a report: the display copy and thumbnail (both re-encoded without metadata) and
/// the original as uploaded, which only staff may fetch.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ReportPhoto {
    /// Id.
    pub id: i64,
    /// The report.
    pub report_id: i64,
    /// Blob key of the display copy.
    pub display: String,
    /// Blob key of the thumbnail.
    pub thumbnail: String,
    /// Blob key of the original upload (staff only: it may carry a location).
    #[serde(skip)]
    pub original: String,
    /// Display width in pixels.
    pub width: i32,
    /// Display height in pixels.
    pub height: i32,
    /// Whether the original carried a GPS location.
    pub had_location: bool,
}

/// A monthly progress report.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ProgressReport {
    /// Id.
    pub id: i64,
    /// Project.
    pub project_id: i64,
    /// The month reported on, YYYY-MM.
    pub period: String,
    /// Percent complete in basis points (0–10 000).
    pub percent_bp: i32,
    /// 本月完成情况.
    pub done: String,
    /// 存在问题.
    pub problems: String,
    /// 需协调事项.
    pub help_needed: String,
    /// submitted, accepted or returned.
    pub state: String,
    /// Who filed it.
    pub submitted_by_name: String,
    /// When it was first filed (decides whether it was on time).
    pub submitted_at: DateTime<Utc>,
    /// Who reviewed it last.
    pub reviewed_by_name: Option<String>,
    /// When it was reviewed last.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The office's comment when it was returned.
    pub review_comment: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Photos, in upload order.
    #[sqlx(skip)]
    pub photos: Vec<ReportPhoto>,
}

/// A report as filed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    /// The month reported on, YYYY-MM.
    pub period: String,
    /// Percent complete in basis points (0–10 000).
    pub percent_bp: u32,
    /// 本月完成情况 (required).
    pub done: String,
    /// 存在问题.
    #[serde(default)]
    pub problems: String,
    /// 需协调事项.
    #[serde(default)]
    pub help_needed: String,
}

/// A photo filed with a report: the upload as it came and the copies made from it by
/// `minxin_media::prepare_photo` (re-encoded, without metadata). Storage keeps all three as
/// blobs and records them with the report, in its transaction.
pub struct NewPhoto {
    /// The upload as it came (may carry a GPS location; never shown).
    pub original: Vec<u8>,
    /// The display copy (JPEG, no metadata).
    pub display: Vec<u8>,
    /// The thumbnail (JPEG, no metadata).
    pub thumbnail: Vec<u8>,
    /// Display width in pixels.
    pub width: u32,
    /// Display height in pixels.
    pub height: u32,
    /// Whether the original carried a GPS location.
    pub had_location: bool,
}

/// Which copy of a report photo to fetch: only the re-encoded copies are ever served, so a
/// location in the original cannot leak through a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoCopy {
    /// The display copy.
    Display,
    /// The thumbnail.
    Thumbnail,
}

/// A project's reports with what the reports page needs to judge them: the due day of its
/// region and the months due since it started that have no report at all.
#[derive(Debug, Clone, Serialize)]
pub struct ReportsOverview {
    /// The reports, newest month first, with their photos.
    pub reports: Vec<ProgressReport>,
    /// Day of the following month by which a month's report is due, from the region's rules.
    pub due_day: u32,
    /// Months due (from the planned start to the last month whose due date has passed) with no
    /// report, oldest first; empty while the project does not report (before procurement,
    /// after construction).
    pub missing: Vec<ReportPeriod>,
}

/// The office's decision on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Accept it.
    Accept,
    /// Send it back (a comment is required).
    Return,
}

fn refused(refusal: ReportRefusal) -> StoreError {
    StoreError::invalid("state", Problem::refused(refusal))
}

fn select() -> SelectStatement {
    Query::select()
        .column(ProgressReports::Id)
        .columns(REPORT_COLUMNS)
        .column(ProgressReports::Version)
        .from(ProgressReports::Table)
        .take()
}

/// The photos of the given reports, in upload order.
async fn photos_of(tx: &mut Tx, report_ids: Vec<i64>) -> Result<Vec<ReportPhoto>, StoreError> {
    if report_ids.is_empty() {
        return Ok(Vec::new());
    }
    tx.all(
        &Query::select()
            .columns([
                ReportPhotos::Id,
                ReportPhotos::ReportId,
                ReportPhotos::Display,
                ReportPhotos::Thumbnail,
                ReportPhotos::Original,
                ReportPhotos::Width,
                ReportPhotos::Height,
                ReportPhotos::HadLocation,
            ])
            .from(ReportPhotos::Table)
            .and_where(Expr::col(ReportPhotos::ReportId).is_in(report_ids))
            .order_by(ReportPhotos::Id, Order::Asc)
            .take(),
    )
    .await
}

/// The reports of a project, newest month first, with their photos.
pub(crate) async fn of_project(
    tx: &mut Tx,
    project_id: i64,
) -> Result<Vec<ProgressReport>, StoreError> {
    let mut reports: Vec<ProgressReport> = tx
        .all(
            &select()
                .and_where(Expr::col(ProgressReports::ProjectId).eq(project_id))
                .order_by(ProgressReports::Period, Order::Desc)
                .take(),
        )
        .await?;
    let photos = photos_of(tx, reports.iter().map(|r| r.id).collect()).await?;
    for r in &mut reports {
        r.photos = photos
            .iter()
            .filter(|p| p.report_id == r.id)
            .cloned()
            .collect();
    }
    Ok(reports)
}

async fn one(tx: &mut Tx, project_id: i64, report_id: i64) -> Result<ProgressReport, StoreError> {
    of_project(tx, project_id)
        .await?
        .into_iter()
        .find(|r| r.id == report_id)
        .ok_or(StoreError::NotFound)
}

fn check(input: &ReportInput, today: chrono::NaiveDate) -> Result<ReportPeriod, StoreError> {
    let draft = ReportDraft {
        percent_bp: input.percent_bp,
        done: input.done.clone(),
        problems: input.problems.clone(),
        help_needed: input.help_needed.clone(),
    };
    let mut problems = report::check_report(&draft);
    let period = input.period.trim().parse::<ReportPeriod>().ok();
    match period {
        None => problems.push(minxin_domain::FieldProblem::new(
            "period",
            Problem::Malformed,
        )),
        // A month can be reported once it has begun, not before.
        Some(p) if p.first_day() > today => problems.push(minxin_domain::FieldProblem::new(
            "period",
            Problem::Malformed,
        )),
        Some(_) => {}
    }
    match (period, problems.is_empty()) {
        (Some(p), true) => Ok(p),
        _ => Err(StoreError::Invalid(problems)),
    }
}

/// The row of a report as filed by `submitted_by` at `submitted_at`, once its rules pass:
/// what filing writes, and what the seed writes for a past month before setting its review.
pub(crate) fn filed_row<'a>(
    project_id: i64,
    input: &'a ReportInput,
    today: chrono::NaiveDate,
    submitted_by: (Option<i64>, &'a str),
    submitted_at: DateTime<Utc>,
) -> Result<ReportRow<'a>, StoreError> {
    let period = check(input, today)?;
    Ok(ReportRow {
        project_id,
        period: period.to_string(),
        percent_bp: i64::from(input.percent_bp),
        done: input.done.trim(),
        problems: input.problems.trim(),
        help_needed: input.help_needed.trim(),
        state: ReportState::Submitted,
        submitted_by,
        submitted_at,
        reviewed: None,
        review_comment: None,
    })
}

fn too_many_photos(refusal: ReportRefusal) -> StoreError {
    StoreError::invalid("photos", Problem::refused(refusal))
}

/// Stores the copies of each photo as blobs and records them under `report_id`.
async fn add_photos(
    tx: &mut Tx,
    report_id: i64,
    photos: &[NewPhoto],
    blobs: &dyn BlobStore,
) -> Result<(), StoreError> {
    for photo in photos {
        let original = blobs.put(&photo.original).await?;
        let display = blobs.put(&photo.display).await?;
        let thumbnail = blobs.put(&photo.thumbnail).await?;
        tx.insert(
            Query::insert()
                .into_table(ReportPhotos::Table)
                .columns([
                    ReportPhotos::ReportId,
                    ReportPhotos::Original,
                    ReportPhotos::Display,
                    ReportPhotos::Thumbnail,
                    ReportPhotos::Width,
                    ReportPhotos::Height,
                    ReportPhotos::HadLocation,
                    ReportPhotos::UploadedAt,
                ])
                .values_panic([
                    report_id.into(),
                    original.into(),
                    display.into(),
                    thumbnail.into(),
                    i64::from(photo.width).into(),
                    i64::from(photo.height).into(),
                    photo.had_location.into(),
                    tx.now().into(),
                ])
                .take(),
        )
        .await?;
    }
    Ok(())
}

/// The blob key of one copy of photo `photo_id`, with its report joined; the caller adds the
/// conditions on the report and its project that decide who may see it.
pub(crate) fn photo_key(photo_id: i64, copy: PhotoCopy) -> SelectStatement {
    let column = match copy {
        PhotoCopy::Display => ReportPhotos::Display,
        PhotoCopy::Thumbnail => ReportPhotos::Thumbnail,
    };
    Query::select()
        .column((ReportPhotos::Table, column))
        .from(ReportPhotos::Table)
        .inner_join(
            ProgressReports::Table,
            Expr::col((ProgressReports::Table, ProgressReports::Id))
                .equals((ReportPhotos::Table, ReportPhotos::ReportId)),
        )
        .and_where(Expr::col((ReportPhotos::Table, ReportPhotos::Id)).eq(photo_id))
        .take()
}

/// The bytes of a photo copy stored under `key`; a missing blob is a storage fault.
pub(crate) async fn photo_bytes(
    blobs: &dyn BlobStore,
    photo_id: i64,
    key: &str,
) -> Result<Vec<u8>, StoreError> {
    blobs
        .get(key)
        .await?
        .ok_or_else(|| StoreError::Blob(format!("report photo {photo_id} has no content ({key})")))
}

impl Control<'_> {
    /// The monthly reports of a visible project, newest month first.
    pub async fn reports(&self, project_id: i64) -> Result<Vec<ProgressReport>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        find(&mut tx, self.actor, project_id).await?;
        of_project(&mut tx, project_id).await
    }

    /// The reports of a visible project with its due day and the months due but never
    /// reported (see [`ReportsOverview`]).
    pub async fn reports_overview(&self, project_id: i64) -> Result<ReportsOverview, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        let reports = of_project(&mut tx, project_id).await?;
        let due_day = rules_at(&all_rules(&mut tx).await?, &project.region_path).report_due_day;
        let reporting = project.stage.parse::<Stage>().is_ok_and(reports_in);
        let missing = match project.planned_start {
            Some(start) if reporting => report::periods_due(start, today(self.now()), due_day)
                .into_iter()
                .filter(|p| !reports.iter().any(|r| r.period == p.to_string()))
                .collect(),
            _ => Vec::new(),
        };
        Ok(ReportsOverview {
            reports,
            due_day,
            missing,
        })
    }

    /// One copy of a photo of a visible project's report. A project out of scope, or a photo
    /// of another project, is "not found".
    pub async fn report_photo(
        &self,
        project_id: i64,
        photo_id: i64,
        copy: PhotoCopy,
        blobs: &dyn BlobStore,
    ) -> Result<Vec<u8>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        find(&mut tx, self.actor, project_id).await?;
        let (key,): (String,) = tx
            .optional(
                &photo_key(photo_id, copy)
                    .and_where(
                        Expr::col((ProgressReports::Table, ProgressReports::ProjectId))
                            .eq(project_id),
                    )
                    .take(),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        drop(tx);
        photo_bytes(blobs, photo_id, &key).await
    }

    /// Files the report for a month, or refiles one the office returned.
    pub async fn file_report(
        &self,
        project_id: i64,
        input: &ReportInput,
    ) -> Result<ProgressReport, StoreError> {
        self.file(project_id, input, None).await
    }

    /// Files or refiles a report with photos: the copies are stored as blobs and recorded
    /// with the report in its transaction. A report holds at most
    /// [`report::MAX_PHOTOS`] photos in all, those of earlier filings included.
    pub async fn file_report_with_photos(
        &self,
        project_id: i64,
        input: &ReportInput,
        photos: &[NewPhoto],
        blobs: &dyn BlobStore,
    ) -> Result<ProgressReport, StoreError> {
        self.file(project_id, input, Some((photos, blobs))).await
    }

    async fn file(
        &self,
        project_id: i64,
        input: &ReportInput,
        photos: Option<(&[NewPhoto], &dyn BlobStore)>,
    ) -> Result<ProgressReport, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        // Who may report is asked before what the report says (403, never its problems).
        if !may_report_progress(self.actor, project.ownership()) {
            return Err(StoreError::Forbidden);
        }
        let filed = filed_row(
            project_id,
            input,
            today(tx.now()),
            (Some(self.actor.account_id), &self.actor.username),
            tx.now(),
        )?;
        lock_project(&mut tx, project_id).await?;
        let existing = of_project(&mut tx, project_id)
            .await?
            .into_iter()
            .find(|r| r.period == filed.period);
        let state = existing.as_ref().and_then(|r| r.state.parse().ok());
        report::review(state, &ReviewAction::Submit).map_err(refused)?;
        let adding = photos.map_or(0, |(p, _)| p.len());
        report::check_photos(existing.as_ref().map_or(0, |r| r.photos.len()), adding)
            .map_err(too_many_photos)?;
        let id = match &existing {
            // A refiling keeps when and by whom the report was first filed.
            Some(before) => {
                tx.update_versioned(
                    &Query::update()
                        .table(ProgressReports::Table)
                        .value(ProgressReports::PercentBp, filed.percent_bp)
                        .value(ProgressReports::Done, filed.done)
                        .value(ProgressReports::Problems, filed.problems)
                        .value(ProgressReports::HelpNeeded, filed.help_needed)
                        .value(ProgressReports::State, filed.state.code())
                        .value(
                            ProgressReports::Version,
                            Expr::col(ProgressReports::Version).add(1),
                        )
                        .and_where(Expr::col(ProgressReports::Id).eq(before.id))
                        .and_where(Expr::col(ProgressReports::Version).eq(before.version))
                        .take(),
                )
                .await?;
                before.id
            }
            None => tx.insert(insert_reports([filed])).await?,
        };
        if let Some((photos, blobs)) = photos {
            add_photos(&mut tx, id, photos, blobs).await?;
        }
        let after = one(&mut tx, project_id, id).await?;
        refresh_light(&mut tx, project_id).await?;
        self.record(
            &mut tx,
            AuditAction::ReportChange,
            project.target(),
            existing.as_ref(),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The office accepts a report (it becomes the project's reported progress) or returns it
    /// with a comment. `version` is the report version the reviewer saw.
    pub async fn review_report(
        &self,
        project_id: i64,
        report_id: i64,
        version: i64,
        decision: Decision,
        comment: &str,
    ) -> Result<ProgressReport, StoreError> {
        self.require(Permission::ReviewReports).await?;
        text::check(comment, Layout::Lines).map_err(|p| StoreError::invalid("comment", p))?;
        let mut tx = self.db.begin().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        lock_project(&mut tx, project_id).await?;
        let before = one(&mut tx, project_id, report_id).await?;
        if before.version != version {
            return Err(StoreError::Conflict);
        }
        let action = match decision {
            Decision::Accept => ReviewAction::Accept,
            Decision::Return => ReviewAction::Return {
                comment: comment.to_owned(),
            },
        };
        let state = report::review(before.state.parse().ok(), &action).map_err(refused)?;
        let comment = comment.trim();
        tx.update_versioned(
            &Query::update()
                .table(ProgressReports::Table)
                .value(ProgressReports::State, state.code())
                .value(ProgressReports::ReviewedBy, self.actor.account_id)
                .value(ProgressReports::ReviewedByName, self.actor.username.clone())
                .value(ProgressReports::ReviewedAt, tx.now())
                .value(
                    ProgressReports::ReviewComment,
                    (!comment.is_empty()).then(|| comment.to_owned()),
                )
                .value(
                    ProgressReports::Version,
                    Expr::col(ProgressReports::Version).add(1),
                )
                .and_where(Expr::col(ProgressReports::Id).eq(report_id))
                .and_where(Expr::col(ProgressReports::Version).eq(version))
                .take(),
        )
        .await?;
        if state == ReportState::Accepted {
            tx.execute(
                &Query::update()
                    .table(Projects::Table)
                    .value(Projects::ProgressPercent, before.percent_bp / 100)
                    .value(Projects::ProgressNote, before.done.clone())
                    .value(Projects::Version, Expr::col(Projects::Version).add(1))
                    .value(Projects::UpdatedAt, tx.now())
                    .and_where(Expr::col(Projects::Id).eq(project_id))
                    .take(),
            )
            .await?;
        }
        let after = one(&mut tx, project_id, report_id).await?;
        refresh_light(&mut tx, project_id).await?;
        self.record(
            &mut tx,
            AuditAction::ReportChange,
            project.target(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
