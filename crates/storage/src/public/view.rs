//! A project's public page in data: what a resident in front of the building site may know
//! (SPEC §8) and nothing more. Built from the same reads as the staff pages, then cut down:
//! the office's published line, else the owner's phone masked, no account names, no review comments, no reasons typed by staff,
//! only accepted reports, only the re-encoded copies of photos.

use super::requests::{PublicRequest, of_project as requests_of};
use super::{Public, Row, by_code};
use crate::db::Tx;
use crate::error::StoreError;
use crate::progress::money::books;
use crate::progress::reports::{ProgressReport, of_project as reports_of};
use crate::projects::lifecycle::timeline;
use crate::projects::milestones::of_project as milestones_of;
use chrono::{DateTime, NaiveDate, Utc};
use minxin_domain::control::finance::ProjectMoney;
use minxin_domain::control::light::Assessment;
use minxin_domain::openness::public::{public_contact_phone, report_is_shown};
use serde::Serialize;

/// One step of the stage timeline: when and what, never who or why (the reasons are staff's
/// words and may name people).
#[derive(Debug, Clone, Serialize)]
pub struct PublicTransition {
    /// When.
    pub at: DateTime<Utc>,
    /// The move code (create, advance, return, suspend, resume, cancel, import).
    pub action: String,
    /// Stage before.
    pub from_stage: String,
    /// Stage after.
    pub to_stage: String,
    /// Hold after (active, suspended, cancelled).
    pub to_hold: String,
}

/// A milestone: name and dates.
#[derive(Debug, Clone, Serialize)]
pub struct PublicMilestone {
    /// Name.
    pub name: String,
    /// Planned date.
    pub planned: NaiveDate,
    /// Actual date, once met.
    pub actual: Option<NaiveDate>,
}

/// A photo of an accepted report, by id: only its display copy and thumbnail are served.
#[derive(Debug, Clone, Serialize)]
pub struct PublicPhoto {
    /// Id, for the photo routes.
    pub id: i64,
    /// Display width in pixels.
    pub width: i32,
    /// Display height in pixels.
    pub height: i32,
}

/// An accepted monthly report: the month, the percent complete and what was done. Problems and
/// requests for help are the office's working material; names and comments are staff's.
#[derive(Debug, Clone, Serialize)]
pub struct PublicReport {
    /// The month, YYYY-MM.
    pub period: String,
    /// Percent complete in basis points.
    pub percent_bp: i32,
    /// 本月完成情况.
    pub done: String,
    /// When the office accepted it.
    pub accepted_at: Option<DateTime<Utc>>,
    /// Its photos.
    pub photos: Vec<PublicPhoto>,
}

/// Everything a project's public page shows.
#[derive(Debug, Clone, Serialize)]
pub struct PublicProject {
    /// Project code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Plan year.
    pub year: i32,
    /// What is built or provided.
    pub description: String,
    /// What it should achieve.
    pub goals: String,
    /// Number of people who benefit.
    pub beneficiaries: Option<i64>,
    /// Subcategory name.
    pub category_name: String,
    /// Top-level category name.
    pub parent_category_name: Option<String>,
    /// Street or community.
    pub region_name: String,
    /// Street address.
    pub address: String,
    /// Latitude, WGS-84.
    pub latitude: Option<f64>,
    /// Longitude, WGS-84.
    pub longitude: Option<f64>,
    /// The lead unit.
    pub lead_department_name: String,
    /// Partner units.
    pub partner_names: Vec<String>,
    /// The accountable person.
    pub owner_name: String,
    /// The phone the public sees: the office line in full when published, else the owner's
    /// phone masked (138****1234); empty when neither is on record.
    pub contact_phone: String,
    /// Whether `contact_phone` is the office's published line (公开电话) rather than the
    /// owner's masked phone (负责人电话（已隐藏）).
    pub contact_is_office_line: bool,
    /// Contractors, from the contracts, each once.
    pub contractors: Vec<String>,
    /// Planned start.
    pub planned_start: Option<NaiveDate>,
    /// Planned end.
    pub planned_end: Option<NaiveDate>,
    /// Actual start.
    pub actual_start: Option<NaiveDate>,
    /// Actual end.
    pub actual_end: Option<NaiveDate>,
    /// Stage code.
    pub stage: String,
    /// Hold code.
    pub hold: String,
    /// Percent complete from the last accepted report.
    pub progress_percent: i32,
    /// The stage timeline, oldest first.
    pub timeline: Vec<PublicTransition>,
    /// Milestones in plan order.
    pub milestones: Vec<PublicMilestone>,
    /// The light and its reasons, if the project is lit.
    pub light: Option<Assessment>,
    /// Budget, approved, disbursed and paid by funding source and in total.
    pub money: ProjectMoney,
    /// Accepted reports, newest month first.
    pub reports: Vec<PublicReport>,
    /// Residents' requests about it that the office published, newest first.
    pub requests: Vec<PublicRequest>,
    /// When anything shown here last changed.
    pub last_modified: DateTime<Utc>,
}

fn public_report(report: ProgressReport) -> Option<PublicReport> {
    let state = report.state.parse().ok()?;
    report_is_shown(state).then(|| PublicReport {
        period: report.period,
        percent_bp: report.percent_bp,
        done: report.done,
        accepted_at: report.reviewed_at,
        photos: report
            .photos
            .into_iter()
            .map(|p| PublicPhoto {
                id: p.id,
                width: p.width,
                height: p.height,
            })
            .collect(),
    })
}

async fn view(tx: &mut Tx, row: Row) -> Result<PublicProject, StoreError> {
    let changed_at = row.changed_at();
    let p = row.project;
    let books = books(tx, &p).await?;
    let mut contractors: Vec<String> = Vec::new();
    for c in books.contracts {
        if !contractors.contains(&c.contractor) {
            contractors.push(c.contractor);
        }
    }
    let reports: Vec<PublicReport> = reports_of(tx, p.id)
        .await?
        .into_iter()
        .filter_map(public_report)
        .collect();
    let timeline: Vec<PublicTransition> = timeline(tx, p.id)
        .await?
        .into_iter()
        .map(|t| PublicTransition {
            at: t.at,
            action: t.action,
            from_stage: t.from_stage,
            to_stage: t.to_stage,
            to_hold: t.to_hold,
        })
        .collect();
    let milestones = milestones_of(tx, p.id)
        .await?
        .into_iter()
        .map(|m| PublicMilestone {
            name: m.name,
            planned: m.planned_date,
            actual: m.actual_date,
        })
        .collect();
    let requests = requests_of(tx, p.id).await?;
    let last_modified = timeline
        .iter()
        .map(|t| t.at)
        .chain(reports.iter().filter_map(|r| r.accepted_at))
        .chain(requests.iter().map(|r| r.updated_at))
        .fold(changed_at, DateTime::max);
    let phone = public_contact_phone(&p.public_phone, &p.owner_phone);
    Ok(PublicProject {
        light: p.assessment(),
        contact_phone: phone.number,
        contact_is_office_line: phone.office_line,
        code: p.code,
        name: p.name,
        year: p.year,
        description: p.description,
        goals: p.goals,
        beneficiaries: p.beneficiaries,
        category_name: p.category_name,
        parent_category_name: p.parent_category_name,
        region_name: p.region_name,
        address: p.address,
        latitude: p.latitude,
        longitude: p.longitude,
        lead_department_name: p.lead_department_name,
        partner_names: p.partners.into_iter().map(|d| d.name).collect(),
        owner_name: p.owner_name,
        contractors,
        planned_start: p.planned_start,
        planned_end: p.planned_end,
        actual_start: p.actual_start,
        actual_end: p.actual_end,
        stage: p.stage,
        hold: p.hold,
        progress_percent: p.progress_percent,
        timeline,
        milestones,
        money: books.summary,
        reports,
        requests,
        last_modified,
    })
}

impl Public<'_> {
    /// The public page of the project with `code`; "not found" unless it is public.
    pub async fn project(&self, code: &str) -> Result<PublicProject, StoreError> {
        let mut tx = self.db.read().await?;
        let row = by_code(&mut tx, code).await?;
        view(&mut tx, row).await
    }
}
