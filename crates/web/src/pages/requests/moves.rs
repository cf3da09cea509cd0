//! The moves staff make from a request's file: dispatch, 签收, start, 转办 with a reason, close
//! and merge (one small form each, `POST /requests/{id}/move`), the answer with photos of the
//! work done (multipart, `POST /requests/{id}/answer`) and the office's publishing
//! (`POST /requests/{id}/publish`). Each carries the version the file was read at; success goes
//! back to the file, a refusal shows it again with the message and the text typed.

use super::file::{Typed, file_page};
use crate::error::Failure;
use crate::pages::form::FormErrors;
use crate::pages::progress::photos::read_upload;
use crate::pages::public::requests::checked_photos;
use crate::pages::widgets::{Id, scoped, version};
use crate::session::Signed;
use crate::state::AppState;
use axum::Form;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use minxin_domain::Problem;
use minxin_domain::requests::intake::MAX_PHOTOS;
use minxin_domain::requests::service_request::Move;
use minxin_storage::StoreError;
use serde::Deserialize;

/// A move's form.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    version: String,
    #[serde(default, rename = "move")]
    step: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    into: String,
}

/// The move a form names, or the problem with it.
fn step_of(form: &MoveForm) -> Result<Move, StoreError> {
    let id = |field: &'static str, raw: &str| {
        raw.trim()
            .parse::<i64>()
            .map_err(|_| StoreError::invalid(field, Problem::Required))
    };
    Ok(match form.step.as_str() {
        "assign" => Move::Assign {
            department: id("department", &form.department)?,
        },
        "accept" => Move::Accept,
        "start" => Move::Start,
        "transfer" => Move::Transfer {
            department: id("department", &form.department)?,
            reason: form.reason.clone(),
        },
        "close" => Move::Close,
        "merge" => Move::MergeInto {
            request: id("into", &form.into)?,
        },
        _ => return Err(StoreError::invalid("move", Problem::Malformed)),
    })
}

/// Back to the file after a move, or the file again with what went wrong.
async fn settled<T>(
    state: &AppState,
    s: &Signed,
    id: i64,
    result: Result<T, StoreError>,
    typed: Typed,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(e) => {
            let errors = FormErrors::from_store(s.client.lang, e)?;
            let mut page = file_page(state, s, id, Typed { errors, ..typed }).await?;
            *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
    }
}

/// POST `/requests/{id}/move`
pub async fn make(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Form(form): Form<MoveForm>,
) -> Result<Response, Failure> {
    let result = match step_of(&form) {
        Ok(step) => {
            scoped(&state, &s)
                .move_request(id, version(&form.version), &step, state.clock.now())
                .await
        }
        Err(e) => Err(e),
    };
    let typed = Typed {
        form: "move",
        reason: form.reason,
        ..Typed::default()
    };
    settled(&state, &s, id, result, typed).await
}

/// POST `/requests/{id}/answer`: the answer's text and photos (multipart).
pub async fn answer(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failure> {
    let upload = read_upload(multipart, &["version", "text"], MAX_PHOTOS + 1).await?;
    let text = upload.field("text");
    let at = upload.field("version");
    let typed = |errors: FormErrors| Typed {
        form: "answer",
        errors,
        answer: text.clone(),
        ..Typed::default()
    };
    let photos = match checked_photos(&state, s.client.lang, upload).await? {
        Ok(photos) => photos,
        Err(errors) => return file_page(&state, &s, id, typed(errors)).await,
    };
    let result = scoped(&state, &s)
        .answer_request(
            id,
            version(&at),
            &text,
            &photos,
            state.blobs.as_ref(),
            state.clock.now(),
        )
        .await;
    settled(&state, &s, id, result, typed(FormErrors::default())).await
}

/// The publishing form: the wording for the public, and whether to withdraw instead.
#[derive(Debug, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    wording: String,
    #[serde(default)]
    withdraw: String,
    /// The publisher's confirmation that the wording holds no personal data, though the scan
    /// found some.
    #[serde(default)]
    confirm_no_personal_data: String,
}

/// POST `/requests/{id}/publish`
pub async fn publish(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Form(form): Form<PublishForm>,
) -> Result<Response, Failure> {
    let wording = form.withdraw.is_empty().then_some(form.wording.as_str());
    let result = scoped(&state, &s)
        .publish_request(
            id,
            version(&form.version),
            wording,
            !form.confirm_no_personal_data.is_empty(),
            state.clock.now(),
        )
        .await;
    let typed = Typed {
        form: "publish",
        wording: Some(form.wording.clone()),
        ..Typed::default()
    };
    settled(&state, &s, id, result, typed).await
}
