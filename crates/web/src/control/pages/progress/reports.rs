//! `/projects/{id}/reports`: a project's monthly reports (月度进度填报), newest month first, with
//! their review state, lateness and photos; the months due but never reported; the form to
//! file (or refile a returned) report with photos; and the office's accept / return forms.
//! Storage decides who may file and review; the page only hides forms that could not succeed.

use super::photos::{PhotoFile, prepare, read_report_upload};
use super::{csrf_action, notice_of};
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Id, Input, Params, scoped, version};
use crate::projects::pages::attachments::Ids;
use crate::projects::pages::{errors_of, settle_prefixed};
use askama::Template;
use axum::extract::Multipart;
use axum::extract::State;
use axum::extract::multipart::MultipartRejection;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Months;
use minxin_domain::control::light::percent_text;
use minxin_domain::control::report::{
    self, MAX_PHOTOS, ReportPeriod, ReportState, ReportTimeliness,
};
use minxin_domain::kernel::time::{format_local, shanghai};
use minxin_domain::projects::access::may_report_progress;
use minxin_domain::{FieldProblem, Problem};
use minxin_media::MAX_PHOTO_MB;
use minxin_storage::StoreError;
use minxin_storage::control::lights::today;
use minxin_storage::control::reports::{Decision, ProgressReport, ReportInput, ReportsOverview};
use minxin_storage::projects::Project;
use serde::Deserialize;

/// The report form as typed (photos cannot be kept: a browser never refills a file input).
#[derive(Debug, Clone, Default)]
pub struct ReportForm {
    /// The month, YYYY-MM.
    pub period: String,
    /// Percent complete as typed.
    pub percent: String,
    /// 本月完成情况.
    pub done: String,
    /// 存在问题.
    pub problems: String,
    /// 需协调事项.
    pub help_needed: String,
}

impl ReportForm {
    /// A blank form for the latest month due without a report, else the month before this one
    /// (the month being reported on now).
    fn blank(latest_missing: Option<&ReportPeriod>, today: chrono::NaiveDate) -> Self {
        let last_month = today
            .checked_sub_months(Months::new(1))
            .map_or_else(|| ReportPeriod::of(today), ReportPeriod::of);
        ReportForm {
            period: latest_missing.copied().unwrap_or(last_month).to_string(),
            ..ReportForm::default()
        }
    }

    /// The form filled from a returned report, to refile it.
    fn refiling(r: &ProgressReport) -> Self {
        ReportForm {
            period: r.period.clone(),
            percent: percent_text(u32::try_from(r.percent_bp).unwrap_or(0)),
            done: r.done.clone(),
            problems: r.problems.clone(),
            help_needed: r.help_needed.clone(),
        }
    }

    /// The input for storage, or the percent's problem.
    fn input(&self) -> Result<ReportInput, FieldProblem> {
        let percent_bp =
            report::parse_percent(&self.percent).map_err(|p| FieldProblem::new("percent", p))?;
        Ok(ReportInput {
            period: self.period.trim().to_owned(),
            percent_bp,
            done: self.done.clone(),
            problems: self.problems.clone(),
            help_needed: self.help_needed.clone(),
        })
    }
}

/// A photo as a thumbnail linking to its display copy.
pub struct PhotoLink {
    /// The thumbnail's address.
    pub thumbnail: String,
    /// The display copy's address.
    pub display: String,
    /// Whether a location was removed from it.
    pub had_location: bool,
}

/// A report as a row of the page.
pub struct ReportRow {
    /// Id.
    pub id: i64,
    /// YYYY-MM.
    pub period: String,
    /// Percent complete, e.g. `45.5`.
    pub percent: String,
    /// 本月完成情况.
    pub done: String,
    /// 存在问题.
    pub problems: String,
    /// 需协调事项.
    pub help_needed: String,
    /// submitted, accepted or returned.
    pub state: String,
    /// The state in words (待审核 / 已通过 / 已退回).
    pub state_label: &'static str,
    /// The office's comment on a returned report.
    pub comment: String,
    /// Who reviewed it last and when, if anyone did.
    pub reviewed: String,
    /// Who filed it.
    pub filer: String,
    /// When it was first filed, Beijing time.
    pub filed_at: String,
    /// "Filed N days late", when it was.
    pub late: Option<String>,
    /// Photos in upload order.
    pub photos: Vec<PhotoLink>,
    /// Optimistic-concurrency version for the review forms.
    pub version: i64,
}

impl ReportRow {
    fn of(lang: Lang, r: &ProgressReport, due_day: u32, today: chrono::NaiveDate) -> Self {
        let state = r.state.parse::<ReportState>().ok();
        let state_label = match state {
            Some(ReportState::Accepted) => lang.t("reports.state.accepted"),
            Some(ReportState::Returned) => lang.t("reports.state.returned"),
            _ => lang.t("reports.state.submitted"),
        };
        let filed_on = r.submitted_at.with_timezone(&shanghai()).date_naive();
        let late =
            r.period.parse::<ReportPeriod>().ok().and_then(|period| {
                match report::lateness(period, due_day, Some(filed_on), today) {
                    ReportTimeliness::Late { days } => {
                        Some(lang.fill("reports.late", &[("days", days.to_string())]))
                    }
                    _ => None,
                }
            });
        let base = format!("/projects/{}/reports/photos", r.project_id);
        ReportRow {
            id: r.id,
            period: r.period.clone(),
            percent: percent_text(u32::try_from(r.percent_bp).unwrap_or(0)),
            done: r.done.clone(),
            problems: r.problems.clone(),
            help_needed: r.help_needed.clone(),
            state: r.state.clone(),
            state_label,
            comment: r.review_comment.clone().unwrap_or_default(),
            reviewed: match (&r.reviewed_by_name, r.reviewed_at) {
                (Some(who), Some(at)) => format!("{who} · {}", format_local(at)),
                _ => String::new(),
            },
            filer: r.submitted_by_name.clone(),
            filed_at: format_local(r.submitted_at),
            late,
            photos: r
                .photos
                .iter()
                .map(|p| PhotoLink {
                    thumbnail: format!("{base}/{}/thumbnail", p.id),
                    display: format!("{base}/{}/display", p.id),
                    had_location: p.had_location,
                })
                .collect(),
            version: r.version,
        }
    }
}

#[derive(Template)]
#[template(path = "project_reports.html")]
struct ReportsPage {
    c: Chrome,
    errors: FormErrors,
    p: Project,
    rows: Vec<ReportRow>,
    missing: Vec<String>,
    due_day: u32,
    can_file: bool,
    can_review: bool,
    form: ReportForm,
    file_action: String,
    /// The report whose review form was posted and the comment typed.
    reviewing: Option<(i64, String)>,
    photo_hint: String,
}

impl ReportsPage {
    /// The comment typed into the review form of report `id`, if that one was posted.
    fn comment_of(&self, id: &i64) -> &str {
        match &self.reviewing {
            Some((r, comment)) if r == id => comment,
            _ => "",
        }
    }

    /// The messages of the review form of report `id`.
    fn review_errors(&self, id: &i64) -> Vec<&str> {
        let mut all = self.errors.of(&format!("rv{id}_state"));
        all.extend(self.errors.of(&format!("rv{id}_form")));
        all
    }
}

/// What the page shows again after a refused form.
#[derive(Default)]
struct Again {
    errors: FormErrors,
    form: Option<ReportForm>,
    reviewing: Option<(i64, String)>,
}

async fn page(
    state: &AppState,
    s: &Signed,
    id: i64,
    again: Again,
    notice: Option<&'static str>,
    refile: Option<i64>,
) -> Result<Response, Failure> {
    let lang = s.client.lang;
    let store = scoped(state, s);
    let p = store.projects().get(id).await?;
    let ReportsOverview {
        reports,
        due_day,
        missing,
    } = store.control().reports_overview(id).await?;
    let actor = &s.session.actor;
    let today = today(state.clock.now());
    let form = again.form.unwrap_or_else(|| {
        refile
            .and_then(|r| reports.iter().find(|x| x.id == r))
            .filter(|r| r.state == ReportState::Returned.code())
            .map_or_else(
                || ReportForm::blank(missing.last(), today),
                ReportForm::refiling,
            )
    });
    let page = ReportsPage {
        c: Chrome::signed(state, s, &format!("/projects/{id}")).with_notice(notice),
        errors: again.errors,
        rows: reports
            .iter()
            .map(|r| ReportRow::of(lang, r, due_day, today))
            .collect(),
        missing: missing.iter().map(ToString::to_string).collect(),
        due_day,
        can_file: may_report_progress(actor, p.ownership()),
        can_review: report::may_review(&actor.roles),
        form,
        file_action: csrf_action(state, s, &format!("/projects/{id}/reports")),
        reviewing: again.reviewing,
        photo_hint: lang.fill(
            "reports.photo_hint",
            &[
                ("max", MAX_PHOTOS.to_string()),
                ("max_mb", MAX_PHOTO_MB.to_string()),
            ],
        ),
        p,
    };
    html(&page)
}

/// Query of the reports page: a notice, and a returned report to refile.
#[derive(Deserialize, Default)]
pub struct ReportsQuery {
    notice: Option<String>,
    refile: Option<i64>,
}

/// GET /projects/{id}/reports
pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Params(q): Params<ReportsQuery>,
) -> Result<Response, Failure> {
    let notice = notice_of(q.notice.as_deref());
    page(&state, &s, id, Again::default(), notice, q.refile).await
}

/// The problems with the photos of a filing before any is decoded: too many for the report, or
/// a body cut at the upload limit.
fn count_problems(
    lang: Lang,
    existing: usize,
    files: &[PhotoFile],
    truncated: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    if truncated {
        problems.push(lang.fill(
            "reports.photo.body_too_large",
            &[(
                "max_mb",
                (crate::kernel::security::UPLOAD_BODY_LIMIT / 1024 / 1024).to_string(),
            )],
        ));
    }
    if let Err(refusal) = report::check_photos(existing, files.len()) {
        problems.push(lang.problem(&Problem::refused(refusal)));
    }
    problems
}

/// POST /projects/{id}/reports — multipart: period, percent, done, problems, help_needed and
/// any number of `photos`; the CSRF token is in the query string.
pub async fn file(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failure> {
    let lang = s.client.lang;
    let upload = read_report_upload(multipart).await?;
    let form = ReportForm {
        period: upload.field("period"),
        percent: upload.field("percent"),
        done: upload.field("done"),
        problems: upload.field("problems"),
        help_needed: upload.field("help_needed"),
    };
    let store = scoped(&state, &s);
    // Spares the decoding of photos for someone storage would refuse anyway (it decides again).
    if !may_report_progress(
        &s.session.actor,
        store.projects().get(id).await?.ownership(),
    ) {
        return Err(StoreError::Forbidden.into());
    }
    // The photos this month's report already holds (a returned one keeps its photos).
    let existing = store
        .control()
        .reports(id)
        .await?
        .iter()
        .find(|r| r.period == form.period.trim())
        .map_or(0, |r| r.photos.len());
    let mut errors = FormErrors::default();
    for message in count_problems(lang, existing, &upload.photos, upload.truncated) {
        errors.add("photos", message);
    }
    let input = form.input();
    if let Err(p) = &input {
        errors.add(p.field, lang.problem(&p.problem));
    }
    let refused = |errors| Again {
        errors,
        form: Some(form.clone()),
        reviewing: None,
    };
    let (Ok(input), true) = (input, errors.is_empty()) else {
        return page(&state, &s, id, refused(errors), None, None).await;
    };
    let photos = match prepare(&state.decodes, lang, upload.photos).await? {
        Ok(photos) => photos,
        Err(messages) => {
            for m in messages {
                errors.add("photos", m);
            }
            errors.add("photos", lang.t("reports.photo.choose_again"));
            return page(&state, &s, id, refused(errors), None, None).await;
        }
    };
    match store
        .control()
        .file_report_with_photos(id, &input, &photos, state.blobs.as_ref())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/reports?notice=filed")).into_response()),
        Err(e) => {
            let mut errors = errors_of(lang, e, "")?;
            if !photos.is_empty() {
                errors.add("photos", lang.t("reports.photo.choose_again"));
            }
            page(&state, &s, id, refused(errors), None, None).await
        }
    }
}

/// The review form: the decision, the comment and the version seen.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    decision: String,
    comment: String,
    version: String,
}

/// POST /projects/{id}/reports/{report}/review
pub async fn review(
    State(state): State<AppState>,
    s: Signed,
    Ids(id, report_id): Ids,
    Input(form): Input<ReviewForm>,
) -> Result<Response, Failure> {
    let decision = match form.decision.as_str() {
        "accept" => Decision::Accept,
        _ => Decision::Return,
    };
    let result = scoped(&state, &s)
        .control()
        .review_report(
            id,
            report_id,
            version(&form.version),
            decision,
            &form.comment,
        )
        .await;
    let notice = match decision {
        Decision::Accept => "accepted",
        Decision::Return => "returned",
    };
    let to = format!("/projects/{id}/reports?notice={notice}");
    let prefix = format!("rv{report_id}_");
    settle_prefixed(s.client.lang, result, &to, &prefix, async |errors| {
        let again = Again {
            errors,
            form: None,
            reviewing: Some((report_id, form.comment)),
        };
        page(&state, &s, id, again, None, None).await
    })
    .await
}
