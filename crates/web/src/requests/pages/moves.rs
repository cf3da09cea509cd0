//! The moves staff make from a request's file: dispatch, 签收, start, 转办 with a reason, close
//! and merge (one small form each, `POST /requests/{id}/move`), the answer with photos of the
//! work done (multipart, `POST /requests/{id}/answer`) and the office's publishing
//! (`POST /requests/{id}/publish`). Each carries the version the file was read at; success goes
//! back to the file, a refusal shows it again with the message and the text typed.

use super::file::{Typed, file_page};
use crate::control::pages::progress::photos::read_upload;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::staff::Staff;
use crate::kernel::widgets::{Id, version};
use crate::requests::pages::residents::checked_photos;
use axum::Form;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
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
    staff: &Staff,
    id: i64,
    result: Result<T, StoreError>,
    typed: Typed,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(e) => {
            let errors = FormErrors::from_store(staff.lang(), e)?;
            let mut page = file_page(staff, id, Typed { errors, ..typed }).await?;
            *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
    }
}

/// POST `/requests/{id}/move`
pub async fn make(
    staff: Staff,
    Id(id): Id,
    Form(form): Form<MoveForm>,
) -> Result<Response, Failure> {
    let result = match step_of(&form) {
        Ok(step) => {
            staff
                .store()
                .requests()
                .move_request(id, version(&form.version), &step, staff.state.clock.now())
                .await
        }
        Err(e) => Err(e),
    };
    let typed = Typed {
        form: "move",
        reason: form.reason,
        ..Typed::default()
    };
    settled(&staff, id, result, typed).await
}

/// POST `/requests/{id}/answer`: the answer's text and photos (multipart).
pub async fn answer(
    staff: Staff,
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
    let photos = match checked_photos(&staff.state, staff.lang(), upload).await? {
        Ok(photos) => photos,
        Err(errors) => return file_page(&staff, id, typed(errors)).await,
    };
    let result = staff
        .store()
        .requests()
        .answer(
            id,
            version(&at),
            &text,
            &photos,
            staff.state.blobs.as_ref(),
            staff.state.clock.now(),
        )
        .await;
    settled(&staff, id, result, typed(FormErrors::default())).await
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
    staff: Staff,
    Id(id): Id,
    Form(form): Form<PublishForm>,
) -> Result<Response, Failure> {
    let wording = form.withdraw.is_empty().then_some(form.wording.as_str());
    let result = staff
        .store()
        .requests()
        .publish(
            id,
            version(&form.version),
            wording,
            !form.confirm_no_personal_data.is_empty(),
            staff.state.clock.now(),
        )
        .await;
    let typed = Typed {
        form: "publish",
        wording: Some(form.wording.clone()),
        ..Typed::default()
    };
    settled(&staff, id, result, typed).await
}
