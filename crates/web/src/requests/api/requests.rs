//! The staff side of residents' service requests through the API (issue 15 finding 14), so a
//! 12345 hotline system can work the queues as staff do on the pages: the caller's queues, a
//! request's file, the moves (dispatch, 签收, start, 转办, answer, close, merge) with a version
//! check, and requests entered for a resident on a staff channel. Storage decides what the
//! caller may see and do; the moves are the domain's, worded per `Accept-Language`.

use crate::control::pages::progress::{copy_named, photo_response};
use crate::kernel::api::ApiCall;
use crate::kernel::api::{JsonBody, Versioned, parameter};
use crate::kernel::error::{ErrorBody, Failure};
use crate::kernel::state::AppState;
use crate::kernel::widgets::page_request;
use crate::projects::api::projects::PageQuery;
use crate::requests::pages::residents::RequestForm;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Json, Response};
use chrono::{DateTime, Utc};
use minxin_domain::requests::access::offered_moves;
use minxin_domain::requests::service_request::{Move, Party};
use minxin_domain::{FieldProblem, Problem};
use minxin_storage::Page;
use minxin_storage::control::reports::PhotoCopy;
use minxin_storage::requests::{QueueFilter, QueueRow, QueueView, RequestFile};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Which requests of the queues.
#[derive(Deserialize, IntoParams)]
pub struct QueueQuery {
    /// The queue: `open` (default: everything someone must act on), `dispatch` (waiting for
    /// the office), `overdue`, `answered` (waiting for the rating), `done` or `all`.
    #[param(pattern = "^(|open|dispatch|overdue|answered|done|all)$")]
    view: Option<String>,
    /// Only requests in this state: `submitted`, `assigned`, `accepted`, `in_progress`,
    /// `answered`, `closed` or `merged`.
    #[param(pattern = "^(|submitted|assigned|accepted|in_progress|answered|closed|merged)$")]
    state: Option<String>,
    /// Only this category (its code, as in Open311 `service_code`).
    category: Option<String>,
}

/// The requests in your scope that a queue shows, the most urgent first (newest first for
/// `answered`, `done` and `all`), paged; no contact details.
#[utoipa::path(get, path = "/requests", tag = "requests", params(QueueQuery, PageQuery),
    responses((status = 200, body = Page<QueueRow>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_requests(
    call: ApiCall,
    Query(q): Query<QueueQuery>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<QueueRow>>, Failure> {
    let mut problems = Vec::new();
    let view = parameter(
        "view",
        q.view.as_deref(),
        QueueView::from_code,
        &mut problems,
    );
    let wanted = parameter(
        "state",
        q.state.as_deref(),
        |s| s.parse().ok(),
        &mut problems,
    );
    let page = page_request(page.page.as_deref(), page.per_page.as_deref())
        .map_err(|f| problems.extend(f.fields))
        .unwrap_or_default();
    if !problems.is_empty() {
        return Err(Failure::invalid(problems));
    }
    let filter = QueueFilter {
        view: view.unwrap_or_default(),
        category: q.category.filter(|c| !c.trim().is_empty()),
        state: wanted,
        page,
    };
    let now = call.state.clock.now();
    Ok(Json(call.store().requests().queue(&filter, now).await?))
}

/// A request's file and what you may do with it.
#[derive(Serialize, ToSchema)]
pub struct RequestFileView {
    /// The request with its photos and the whole timeline with staff names; the resident's
    /// contact details and exact point only when you handle it (else contact is null and the
    /// point coarsened).
    pub request: RequestFile,
    /// The party you act as: `office` or `department`; absent when you only read.
    pub acts_as: Option<String>,
    /// The moves the workflow allows you now, as `move` codes of
    /// `POST /requests/{id}/moves`.
    pub moves: Vec<String>,
}

impl RequestFileView {
    fn new(request: RequestFile) -> Self {
        let moves = match (request.request(), request.party) {
            (Some(r), Some(party)) => offered_moves(request.id, r, party)
                .into_iter()
                .map(|k| k.code().to_owned())
                .collect(),
            _ => Vec::new(),
        };
        let acts_as = request.party.map(|p| {
            match p {
                Party::Office => "office",
                Party::Department(_) => "department",
                Party::Resident => "resident",
            }
            .to_owned()
        });
        RequestFileView {
            request,
            acts_as,
            moves,
        }
    }
}

/// One request's file, if it lies in your scope (else 404).
#[utoipa::path(get, path = "/requests/{id}", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = RequestFileView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn get_request(call: ApiCall, Path(id): Path<i64>) -> Result<Json<RequestFileView>, Failure> {
    let file = call.store().requests().file(id).await?;
    Ok(Json(RequestFileView::new(file)))
}

/// A photo of a request in your scope — the resident's or the answer's, as listed in its file
/// — as the re-encoded `display` copy or its `thumbnail` (JPEG; the original is never served).
#[utoipa::path(get, path = "/requests/{id}/photos/{photo}/{copy}", tag = "requests",
    params(("id" = i64, Path), ("photo" = i64, Path),
        ("copy" = String, Path, pattern = "^(display|thumbnail)$")),
    responses((status = 200, description = "The photo", content_type = "image/jpeg", body = Vec<u8>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_photo(
    call: ApiCall,
    Path((id, photo, copy)): Path<(i64, i64, String)>,
) -> Result<Response, Failure> {
    let copy = copy_named(&copy).ok_or_else(Failure::not_found)?;
    let thumbnail = copy == PhotoCopy::Thumbnail;
    let bytes = call
        .store()
        .requests()
        .photo(id, photo, thumbnail, call.state.blobs.as_ref())
        .await?;
    Ok(photo_response(bytes, "private, max-age=3600"))
}

/// A move on a request, named by `move`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "move", rename_all = "snake_case")]
pub enum MoveInput {
    /// The office dispatches it to a department.
    Assign {
        /// The department's id.
        #[schema(required = true, value_type = i64)]
        department: Option<i64>,
    },
    /// The holding department accepts it (签收).
    Accept,
    /// The holding department starts work.
    Start,
    /// The holding department (or the office) passes it on (转办), with a reason.
    Transfer {
        /// The department's id.
        #[schema(required = true, value_type = i64)]
        department: Option<i64>,
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// The holding department answers the resident.
    Answer {
        /// The answer.
        #[serde(default)]
        text: String,
    },
    /// The office closes an answered request nobody rated.
    Close,
    /// Fold it into the request it duplicates.
    Merge {
        /// The other request's id.
        #[schema(required = true, value_type = i64)]
        into: Option<i64>,
    },
}

impl MoveInput {
    /// The domain's move, or the missing field named.
    fn step(self) -> Result<Move, Failure> {
        let given = |field: &'static str, id: Option<i64>| {
            id.ok_or_else(|| Failure::invalid(vec![FieldProblem::new(field, Problem::Required)]))
        };
        Ok(match self {
            MoveInput::Assign { department } => Move::Assign {
                department: given("department", department)?,
            },
            MoveInput::Accept => Move::Accept,
            MoveInput::Start => Move::Start,
            MoveInput::Transfer { department, reason } => Move::Transfer {
                department: given("department", department)?,
                reason,
            },
            MoveInput::Answer { text } => Move::Answer { text },
            MoveInput::Close => Move::Close,
            MoveInput::Merge { into } => Move::MergeInto {
                request: given("into", into)?,
            },
        })
    }
}

/// Where a move left the request.
#[derive(Serialize, ToSchema)]
pub struct RequestMoved {
    /// The request's number.
    pub id: i64,
    /// Its state's code now.
    pub state: String,
    /// The version to send with the next move.
    pub version: i64,
}

/// Make a move; send the `version` you read (409 if the request changed since). A move the
/// workflow refuses is 400 with the reason in words (field `move`); a request outside your
/// scope is 404; a role that only reads (leader, grid worker) gets 403.
#[utoipa::path(post, path = "/requests/{id}/moves", tag = "requests", params(("id" = i64, Path)),
    request_body = Versioned<MoveInput>,
    responses((status = 201, body = RequestMoved), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_move(
    call: ApiCall,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Versioned<MoveInput>>,
) -> Result<(StatusCode, Json<RequestMoved>), Failure> {
    let step = body.data.step()?;
    let now = call.state.clock.now();
    let moved = call
        .store()
        .requests()
        .move_request(id, body.version, &step, now)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(RequestMoved {
            id,
            state: moved.code().to_owned(),
            version: body.version + 1,
        }),
    ))
}

/// A request taken from a resident by phone, at the counter or on a visit.
#[derive(Deserialize, ToSchema)]
pub struct EntryInput {
    /// How it came in: `phone`, `walk_in` or `visit`.
    #[serde(default)]
    #[schema(required = true, pattern = "^(phone|walk_in|visit)$")]
    pub channel: String,
    /// The category's code.
    #[serde(default)]
    #[schema(required = true, min_length = 1)]
    pub category: String,
    /// What is wrong, in the resident's words.
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = "\\S")]
    pub description: String,
    /// Latitude, WGS-84.
    pub lat: Option<f64>,
    /// Longitude, WGS-84.
    pub lon: Option<f64>,
    /// The address (needed when there is neither a point nor a project).
    #[serde(default)]
    pub address: String,
    /// The code of the project it concerns, if any.
    #[serde(default)]
    pub project: String,
    /// The resident's name.
    #[serde(default)]
    pub name: String,
    /// The resident's phone.
    #[serde(default)]
    pub phone: String,
    /// The resident wants no contact details kept.
    #[serde(default)]
    pub anonymous: bool,
}

impl EntryInput {
    /// The request as the pages' entry form would have it typed.
    fn form(self) -> RequestForm {
        let coordinate = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        RequestForm {
            category: self.category,
            description: self.description,
            lat: coordinate(self.lat),
            lon: coordinate(self.lon),
            address: self.address,
            project: self.project.trim().to_owned(),
            name: self.name,
            phone: self.phone,
            anonymous: self.anonymous,
        }
    }
}

/// A request just entered: its number, the receipt code to give the resident (shown once)
/// and its deadlines.
#[derive(Serialize, ToSchema)]
pub struct Entered {
    /// The request's number.
    pub id: i64,
    /// The resident's receipt code (查询码), to follow it at `/track`.
    pub receipt_code: String,
    /// Deadline for accepting.
    pub accept_by: DateTime<Utc>,
    /// Deadline for answering.
    pub answer_by: DateTime<Utc>,
    /// Whether a routing rule sent it straight to a department.
    pub routed: bool,
}

/// Enter a request for a resident on a staff channel (office, department staff, grid
/// workers); it is checked, placed and routed like a resident's own, and records you as its
/// enterer. Every problem of the input is reported at once.
#[utoipa::path(post, path = "/requests", tag = "requests", request_body = EntryInput,
    responses((status = 201, body = Entered), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_request(
    call: ApiCall,
    JsonBody(input): JsonBody<EntryInput>,
) -> Result<(StatusCode, Json<Entered>), Failure> {
    let channel = input.channel.clone();
    let submission = input
        .form()
        .staff_submission(&channel, 0)
        .map_err(Failure::invalid)?;
    let receipt = call
        .store()
        .requests()
        .enter(
            &submission,
            &[],
            call.state.blobs.as_ref(),
            &call.state.calendar.current(),
            call.state.clock.now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Entered {
            id: receipt.id,
            receipt_code: receipt.code.to_string(),
            accept_by: receipt.deadlines.accept_by,
            answer_by: receipt.deadlines.answer_by,
            routed: receipt.routed,
        }),
    ))
}

/// The request routes, for the API router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests, create_request))
        .routes(routes!(get_request))
        .routes(routes!(get_photo))
        .routes(routes!(create_move))
}
