//! "我要反映" for residents without an account (issue 6): the request form at `/report` (and at
//! `/p/{code}/report`, where a signboard's QR code sends them with the project filled in), the
//! receipt shown once the request is committed, and following and rating it by receipt code at
//! `/track`. A refused form comes back with everything typed and a message at each field;
//! photos are checked by content and re-encoded before anything is stored. The receipt code
//! travels only in form bodies, never in a URL, so it stays out of logs and browser history.

use crate::control::pages::progress::photos::{Upload, prepare, read_upload};
use crate::kernel::chrome::Chrome;
use crate::kernel::client::Client;
use crate::kernel::error::Failure;
use crate::kernel::form::{FormErrors, WHOLE_FORM};
use crate::kernel::i18n::Lang;
use crate::kernel::observability::metrics::{IntakeChannel, intake};
use crate::kernel::page::{PathOf, html};
use crate::kernel::state::AppState;
use crate::kernel::tiles::TileSource;
use askama::Template;
use axum::Form;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Response};
use minxin_domain::kernel::time::format_local;
use minxin_domain::requests::intake::{Channel, IntakeDraft, MAX_PHOTOS};
use minxin_domain::requests::service_request::Rating;
use minxin_domain::{FieldProblem, Problem};
use minxin_storage::StoreError;
use minxin_storage::requests::{RequestPhoto, Submission, Tracked};
use serde::Deserialize;

/// The text fields of the request form.
pub(crate) const FIELDS: &[&str] = &[
    "category",
    "description",
    "lat",
    "lon",
    "address",
    "project",
    "name",
    "phone",
    "anonymous",
];

/// The request form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    pub(crate) category: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) lat: String,
    #[serde(default)]
    pub(crate) lon: String,
    #[serde(default)]
    pub(crate) address: String,
    #[serde(default)]
    pub(crate) project: String,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) phone: String,
    #[serde(default)]
    pub(crate) anonymous: bool,
}

impl RequestForm {
    /// The form as typed into a multipart upload of [`FIELDS`].
    pub(crate) fn from_upload(upload: &Upload) -> Self {
        RequestForm {
            category: upload.field("category"),
            description: upload.field("description"),
            lat: upload.field("lat"),
            lon: upload.field("lon"),
            address: upload.field("address"),
            project: upload.field("project").trim().to_owned(),
            name: upload.field("name"),
            phone: upload.field("phone"),
            anonymous: !upload.field("anonymous").is_empty(),
        }
    }

    /// What storage receives of the form with `photos` photos, as coming in through
    /// `channel`, or every field's problem at once.
    pub(crate) fn submission(
        &self,
        channel: Channel,
        photos: usize,
    ) -> Result<Submission, Vec<FieldProblem>> {
        let draft = IntakeDraft {
            category: self.category.clone(),
            description: self.description.clone(),
            lat: self.lat.clone(),
            lon: self.lon.clone(),
            address: self.address.clone(),
            name: self.name.clone(),
            phone: self.phone.clone(),
            anonymous: self.anonymous,
            ..IntakeDraft::default()
        };
        let project = Some(self.project.clone()).filter(|p| !p.is_empty());
        Submission::parse(draft, project, channel, photos)
    }

    /// What storage receives of a request staff enter on the channel typed as
    /// `channel_code`, or every problem at once, the channel's among them.
    pub(crate) fn staff_submission(
        &self,
        channel_code: &str,
        photos: usize,
    ) -> Result<Submission, Vec<FieldProblem>> {
        let typed = channel_code.trim();
        let channel = Channel::STAFF.into_iter().find(|c| c.code() == typed);
        let parsed = self.submission(channel.unwrap_or(Channel::Phone), photos);
        if channel.is_some() {
            return parsed;
        }
        let problem = if typed.is_empty() {
            Problem::Required
        } else {
            Problem::Malformed
        };
        let mut problems = vec![FieldProblem::new("channel", problem)];
        problems.extend(parsed.err().unwrap_or_default());
        Err(problems)
    }
}

/// The photos of a request form (a resident's, or a department's answer), checked by content
/// and re-encoded off the async threads; or the messages for the form, naming each file; fails
/// with 503 when the server is too busy decoding others' photos.
pub(crate) async fn checked_photos(
    state: &AppState,
    lang: Lang,
    upload: Upload,
) -> Result<Result<Vec<RequestPhoto>, FormErrors>, Failure> {
    let mut errors = FormErrors::default();
    if upload.truncated {
        errors.add(WHOLE_FORM, lang.t("requests.too_large"));
    }
    if upload.photos.len() > MAX_PHOTOS {
        errors.add(
            "photos",
            lang.problem(&minxin_domain::Problem::TooMany { max: MAX_PHOTOS }),
        );
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(match prepare(&state.decodes, lang, upload.photos).await? {
        Ok(photos) => Ok(photos
            .into_iter()
            .map(|p| RequestPhoto {
                display: p.display,
                thumbnail: p.thumbnail,
                width: p.width,
                height: p.height,
                had_location: p.had_location,
            })
            .collect()),
        Err(messages) => {
            for m in messages {
                errors.add("photos", m);
            }
            Err(errors)
        }
    })
}

/// A category as the form offers it.
pub(crate) struct Choice {
    /// The category code (Open311 service code).
    pub(crate) code: String,
    /// Its name in the page language.
    pub(crate) label: String,
}

/// The active categories as a form offers them, in `lang`.
pub(crate) async fn category_choices(
    state: &AppState,
    address: &str,
    lang: Lang,
) -> Result<Vec<Choice>, Failure> {
    Ok(state
        .store
        .residents(address)
        .categories()
        .await?
        .into_iter()
        .map(|k| Choice {
            label: match lang {
                Lang::Zh => k.name,
                Lang::En => k.name_en,
            },
            code: k.code,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "public/report.html")]
struct ReportPage {
    c: Chrome,
    action: String,
    categories: Vec<Choice>,
    form: RequestForm,
    errors: FormErrors,
    tiles: TileSource,
}

#[derive(Template)]
#[template(path = "public/receipt.html")]
struct ReceiptPage {
    c: Chrome,
    code: String,
    accept_by: String,
    answer_by: String,
}

/// A followed request as the page shows it.
struct TrackedView {
    category: String,
    description: String,
    address: String,
    state: &'static str,
    state_code: String,
    department: String,
    submitted_at: String,
    answer_by: String,
    answer: String,
    answered_at: String,
    rating: String,
    may_rate: bool,
    timeline: Vec<(String, &'static str, String)>,
    /// For a merged request: the state, department and answer of the one it joined.
    joined: Option<(&'static str, String, String)>,
}

#[derive(Template)]
#[template(path = "public/track.html")]
struct TrackPage {
    c: Chrome,
    code: String,
    tracked: Option<TrackedView>,
    errors: FormErrors,
}

/// The query of `/report`: the project a signboard named.
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    project: String,
}

/// The address a multipart form posts to, with the page's CSRF token in the query (a file
/// upload's body is not read for it).
pub(crate) fn action(c: &Chrome, path: &str) -> String {
    format!(
        "{path}?{}",
        serde_urlencoded::to_string([(crate::kernel::csrf::FIELD, c.csrf.as_str())])
            .unwrap_or_default()
    )
}

async fn form_page(
    state: &AppState,
    client: &Client,
    form: RequestForm,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let (c, jar) = Chrome::pre_session(state, client, "/report");
    let categories = category_choices(state, &client.address, client.lang).await?;
    let page = ReportPage {
        action: action(&c, "/report"),
        c,
        categories,
        form,
        errors,
        tiles: state.config.tiles.clone(),
    };
    Ok((jar, html(&page)?).into_response())
}

/// GET `/report`: the empty form, with the project of `?project=` filled in.
pub async fn new(
    State(state): State<AppState>,
    client: Client,
    Query(query): Query<ReportQuery>,
) -> Result<Response, Failure> {
    let form = RequestForm {
        project: query.project,
        ..RequestForm::default()
    };
    form_page(&state, &client, form, FormErrors::default()).await
}

/// GET `/p/{code}/report`: the form for a project, where its page and signboard link.
pub async fn for_project(
    State(state): State<AppState>,
    client: Client,
    PathOf(code): PathOf<String>,
) -> Result<Response, Failure> {
    let form = RequestForm {
        project: code,
        ..RequestForm::default()
    };
    form_page(&state, &client, form, FormErrors::default()).await
}

/// POST `/report`: the request with its photos; the receipt, or the form again.
pub async fn submit(
    State(state): State<AppState>,
    client: Client,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failure> {
    let lang = client.lang;
    let upload = read_upload(multipart, FIELDS, MAX_PHOTOS + 1).await?;
    let form = RequestForm::from_upload(&upload);
    if !state.intake_limit.admit(&client.address, state.clock.now()) {
        let mut errors = FormErrors::default();
        errors.add(WHOLE_FORM, lang.t("requests.too_many"));
        intake(IntakeChannel::Residents, false);
        let mut page = form_page(&state, &client, form, errors).await?;
        *page.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
        return Ok(page);
    }
    let photos = match checked_photos(&state, lang, upload).await? {
        Ok(photos) => photos,
        Err(errors) => {
            intake(IntakeChannel::Residents, false);
            return form_page(&state, &client, form, errors).await;
        }
    };
    let channel = if form.project.is_empty() {
        Channel::Portal
    } else {
        Channel::Signboard
    };
    let receipt = match form.submission(channel, photos.len()) {
        Ok(submission) => {
            let residents = state.store.residents(&client.address);
            let calendar = state.calendar.current();
            let now = state.clock.now();
            residents
                .submit(&submission, &photos, state.blobs.as_ref(), &calendar, now)
                .await
        }
        Err(problems) => Err(StoreError::Invalid(problems)),
    };
    intake(IntakeChannel::Residents, receipt.is_ok());
    match receipt {
        Ok(receipt) => html(&ReceiptPage {
            c: Chrome::anonymous(lang),
            code: receipt.code.to_string(),
            accept_by: format_local(receipt.deadlines.accept_by),
            answer_by: format_local(receipt.deadlines.answer_by),
        }),
        Err(e) => {
            let errors = FormErrors::from_store(lang, e)?;
            form_page(&state, &client, form, errors).await
        }
    }
}

fn view(lang: Lang, t: Tracked) -> TrackedView {
    let state = t.state.parse().ok();
    let label = |code: &str| lang.t(&format!("requests.step.{code}"));
    TrackedView {
        category: match lang {
            Lang::Zh => t.category_name,
            Lang::En => t.category_name_en,
        },
        description: t.description,
        address: t.address,
        state: state.map_or("", |s| lang.request_state(s)),
        may_rate: state == Some(minxin_domain::requests::service_request::RequestState::Answered),
        state_code: t.state,
        department: t.department_name.unwrap_or_default(),
        submitted_at: format_local(t.submitted_at),
        answer_by: format_local(t.answer_by),
        answer: t.answer.unwrap_or_default(),
        answered_at: t.answered_at.map(format_local).unwrap_or_default(),
        rating: t
            .rating
            .map(|r| lang.t(&format!("requests.rating.{r}")).to_owned())
            .unwrap_or_default(),
        joined: t.joined.map(|j| {
            (
                j.state.parse().map_or("", |st| lang.request_state(st)),
                j.department_name.unwrap_or_default(),
                j.answer.unwrap_or_default(),
            )
        }),
        timeline: t
            .timeline
            .into_iter()
            .map(|s| {
                (
                    format_local(s.at),
                    label(&s.kind),
                    s.department_name.unwrap_or_default(),
                )
            })
            .collect(),
    }
}

async fn track_page(
    state: &AppState,
    client: &Client,
    code: String,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let (c, jar) = Chrome::pre_session(state, client, "/track");
    let mut errors = errors;
    let tracked = if code.trim().is_empty() {
        None
    } else {
        match state.store.residents(&client.address).follow(&code).await {
            Ok(t) => Some(view(client.lang, t)),
            Err(StoreError::NotFound) => {
                errors.add("code", client.lang.t("requests.unknown_code"));
                None
            }
            Err(e) => return Err(e.into()),
        }
    };
    let page = TrackPage {
        c,
        code,
        tracked,
        errors,
    };
    Ok((jar, html(&page)?).into_response())
}

/// GET `/track`: the form to type a receipt code in.
pub async fn track_form(
    State(state): State<AppState>,
    client: Client,
) -> Result<Response, Failure> {
    track_page(&state, &client, String::new(), FormErrors::default()).await
}

/// The tracking form.
#[derive(Debug, Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    code: String,
}

/// POST `/track`: the request of the code typed.
pub async fn track(
    State(state): State<AppState>,
    client: Client,
    Form(form): Form<TrackForm>,
) -> Result<Response, Failure> {
    track_page(&state, &client, form.code, FormErrors::default()).await
}

/// The rating form.
#[derive(Debug, Deserialize)]
pub struct RateForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

/// POST `/track/rate`: the resident rates the answer; the request is shown again.
pub async fn rate(
    State(state): State<AppState>,
    client: Client,
    Form(form): Form<RateForm>,
) -> Result<Response, Failure> {
    let rating: Option<Rating> = form.rating.parse().ok();
    let mut errors = FormErrors::default();
    match rating {
        None => errors.add(
            "rating",
            client.lang.problem(&minxin_domain::Problem::Required),
        ),
        Some(rating) => {
            let rated = state
                .store
                .residents(&client.address)
                .rate(
                    &form.code,
                    rating,
                    &form.comment,
                    &state.calendar.current(),
                    state.clock.now(),
                )
                .await;
            if let Err(e) = rated {
                errors = FormErrors::from_store(client.lang, e)?;
            }
        }
    }
    track_page(&state, &client, form.code, errors).await
}
