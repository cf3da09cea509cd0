//! A request's file at `/requests/{id}`: what the resident wrote, where, the photos, the
//! deadlines and the whole timeline; the contact details for those handling it; and only the
//! moves the workflow rules allow the caller, each a small form. A refused move shows the
//! file again with the message at its form and the text typed kept.

use super::queue::{standing, summary};
use crate::control::pages::progress::photos::photo_response;
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use crate::kernel::tiles::TileSource;
use crate::kernel::widgets::Id;
use crate::requests::pages::residents::action;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use minxin_domain::Permission;
use minxin_domain::kernel::personal_data::{kinds_in, redact};
use minxin_domain::kernel::time::format_local;
use minxin_domain::requests::access::{MoveKind, offered_moves};
use minxin_domain::requests::deadline::Deadlines;
use minxin_domain::requests::duplicates::DuplicateRule;
use minxin_domain::requests::intake::{MAX_PHOTOS, TEXT_MAX};
use minxin_domain::requests::service_request::{Party, Request, RequestState};
use minxin_storage::requests::RequestFile;

/// What the caller typed into the file's forms, kept when a move is refused.
#[derive(Default)]
pub(super) struct Typed {
    /// The form the messages belong to (`move`, `answer`, `publish`).
    pub form: &'static str,
    /// The messages.
    pub errors: FormErrors,
    /// A transfer's reason.
    pub reason: String,
    /// An answer's text.
    pub answer: String,
    /// The wording for the public.
    pub wording: Option<String>,
}

/// The moves the file offers, as the rules allow them to the caller's party.
#[derive(Default)]
struct Offer {
    assign: bool,
    accept: bool,
    start: bool,
    transfer: bool,
    answer: bool,
    close: bool,
    merge: bool,
}

impl Offer {
    fn of(id: i64, request: Option<Request>, party: Option<Party>) -> Self {
        let (Some(request), Some(party)) = (request, party) else {
            return Offer::default();
        };
        let offered = offered_moves(id, request, party);
        let may = |kind: MoveKind| offered.contains(&kind);
        Offer {
            assign: may(MoveKind::Assign),
            accept: may(MoveKind::Accept),
            start: may(MoveKind::Start),
            transfer: may(MoveKind::Transfer),
            answer: may(MoveKind::Answer),
            close: may(MoveKind::Close),
            merge: may(MoveKind::Merge),
        }
    }
}

/// A near-duplicate as the file lists it.
struct Duplicate {
    id: i64,
    summary: String,
    state: &'static str,
    submitted: String,
    metres: u32,
}

/// One timeline entry as shown.
struct Line {
    at: String,
    kind: &'static str,
    actor: String,
    department: String,
    note: String,
}

#[derive(Template)]
#[template(path = "request_file.html")]
struct FilePage {
    c: Chrome,
    answer_action: String,
    r: RequestFile,
    category: String,
    state: &'static str,
    due: String,
    timeliness: &'static str,
    timeliness_label: &'static str,
    photos: Vec<(i64, &'static str)>,
    channel: &'static str,
    submitted: String,
    accept_by: String,
    answer_by: String,
    answered: String,
    rating: String,
    handles: bool,
    offer: Offer,
    departments: Vec<(i64, String)>,
    duplicates: Vec<Duplicate>,
    timeline: Vec<Line>,
    may_publish: bool,
    typed: Typed,
    wording: String,
    /// Whether the wording shown holds personal data, so the publisher is offered to confirm it.
    wording_has_personal_data: bool,
    tiles: TileSource,
    point: Option<(f64, f64)>,
    text_max: usize,
    max_photos: usize,
}

/// The file of request `id` with `typed` kept in its forms.
pub(super) async fn file_page(staff: &Staff, id: i64, typed: Typed) -> Result<Response, Failure> {
    let lang = staff.lang();
    let store = staff.store();
    let r = store.requests().file(id).await?;
    let now = staff.state.clock.now();
    let deadlines = Deadlines {
        accept_by: r.accept_by,
        answer_by: r.answer_by,
    };
    let (state_label, due, timeliness) = standing(lang, &r.state, deadlines, now);
    let offer = Offer::of(r.id, r.request(), r.party);
    let departments = if offer.assign || offer.transfer {
        store
            .requests()
            .departments()
            .await?
            .into_iter()
            .filter(|d| Some(d.id) != r.holder_department_id)
            .map(|d| (d.id, d.name))
            .collect()
    } else {
        Vec::new()
    };
    let duplicates = if r.state == RequestState::Merged.code() {
        Vec::new()
    } else {
        store
            .requests()
            .duplicates(&r, &DuplicateRule::default())
            .await?
            .into_iter()
            .map(|d| Duplicate {
                id: d.id,
                summary: summary(&d.description),
                state: d
                    .state
                    .parse()
                    .map_or("", |st: RequestState| lang.request_state(st)),
                submitted: format_local(d.submitted_at),
                metres: d.metres,
            })
            .collect()
    };
    let timeline = r
        .timeline
        .iter()
        .map(|step| Line {
            at: format_local(step.at),
            kind: lang.t(&format!("requests.step.{}", step.kind)),
            actor: step.actor_name.clone(),
            department: step.department_name.clone().unwrap_or_default(),
            note: step.note.clone(),
        })
        .collect();
    // The resident's words are offered with their personal data masked (issue 15 finding 12).
    let wording = typed.wording.clone().unwrap_or_else(|| {
        if r.public_description.is_empty() {
            redact(&r.description)
        } else {
            r.public_description.clone()
        }
    });
    let c = staff.chrome("/requests");
    let page = FilePage {
        answer_action: action(&c, &format!("/requests/{id}/answer")),
        c,
        category: match lang {
            Lang::Zh => r.category_name.clone(),
            Lang::En => r.category_name_en.clone(),
        },
        state: state_label,
        due,
        timeliness,
        timeliness_label: lang.t(&format!("request_work.timeliness.{timeliness}")),
        photos: r
            .photos
            .iter()
            .map(|p| (p.id, lang.t(&format!("request_work.photo.{}", p.stage))))
            .collect(),
        channel: lang.t(&format!("request_work.channel.{}", r.channel)),
        submitted: format_local(r.submitted_at),
        accept_by: format_local(r.accept_by),
        answer_by: format_local(r.answer_by),
        answered: r.answered_at.map(format_local).unwrap_or_default(),
        rating: r
            .rating
            .as_deref()
            .map(|code| lang.t(&format!("requests.rating.{code}")).to_owned())
            .unwrap_or_default(),
        handles: r.party.is_some(),
        offer,
        departments,
        duplicates,
        timeline,
        may_publish: staff.actor().may(Permission::ModerateRequests),
        typed,
        wording_has_personal_data: !kinds_in(&wording).is_empty(),
        wording,
        tiles: staff.state.config.tiles.clone(),
        point: r.point().map(|p| (p.lat, p.lon)),
        text_max: TEXT_MAX,
        max_photos: MAX_PHOTOS,
        r,
    };
    html(&page)
}

/// GET `/requests/{id}`
pub async fn show(staff: Staff, Id(id): Id) -> Result<Response, Failure> {
    file_page(&staff, id, Typed::default()).await
}

/// GET `/requests/{id}/photos/{photo}/{copy}`: a photo (`display` or `thumb`) of a request in
/// the caller's scope; private to staff, never cached by shared caches.
pub async fn photo(
    staff: Staff,
    Path((id, photo, copy)): Path<(i64, i64, String)>,
) -> Result<Response, Failure> {
    let thumbnail = match copy.as_str() {
        "thumb" => true,
        "display" => false,
        _ => return Err(Failure::not_found()),
    };
    let bytes = staff
        .store()
        .requests()
        .photo(id, photo, thumbnail, staff.state.blobs.as_ref())
        .await?;
    Ok(photo_response(bytes, "private, max-age=3600"))
}
