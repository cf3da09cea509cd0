//! Project documents over the API: list, upload (`multipart/form-data` with `kind` and `file`)
//! and download, with the same checks as the pages (type by content, 20 MB per file, data
//! scope, who may attach what).

use super::ApiUser;
use crate::error::{ErrorBody, Failure};
use crate::pages::attachments::{file_response, read_upload, store_upload, upload_limit};
use crate::state::AppState;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Json, Response};
use minxin_domain::Problem;
use minxin_domain::projects::document::MAX_DOCUMENT_MB;
use minxin_storage::StoreError;
use minxin_storage::projects::Attachment;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The multipart form of an upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// Document kind: consultation, approval, contract, acceptance, evaluation,
    /// maintenance_plan, photo (managers and project managers) or other.
    kind: String,
    /// The file: PDF, JPEG, PNG, WebP, GIF, DOCX, XLSX, PPTX, DOC, XLS or PPT, judged by its
    /// content, at most 20 MB.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
    /// A transition of the project to link the document to (evidence of a lifecycle move).
    transition_id: Option<i64>,
}

/// The documents of a project in your scope, oldest first.
#[utoipa::path(get, path = "/projects/{id}/attachments", tag = "projects",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Attachment>)))]
async fn list_attachments(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Attachment>>, Failure> {
    Ok(Json(user.store(&state).attachments(id).await?))
}

/// Attach a document (project managers of the project: any kind; whoever reports its progress:
/// site photos). The type is decided by the content; a web page, script or program is refused
/// whatever its name.
#[utoipa::path(post, path = "/projects/{id}/attachments", tag = "projects",
    params(("id" = i64, Path)),
    request_body(content = inline(AttachmentUpload), content_type = "multipart/form-data"),
    responses((status = 201, body = Attachment),
        (status = 400, description = "No file, unknown kind, or a type that is not accepted", body = ErrorBody), (status = 413, description = "Larger than 20 MB", body = ErrorBody)))]
async fn upload_attachment(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Attachment>), Failure> {
    let upload = read_upload(multipart).await?;
    match store_upload(&state, &user.store(&state), id, &upload).await {
        Ok(attachment) => Ok((StatusCode::CREATED, Json(attachment))),
        Err(StoreError::Invalid(fields)) => {
            let too_large = fields.iter().any(|f| {
                f.problem
                    == Problem::FileTooLarge {
                        max_mb: MAX_DOCUMENT_MB,
                    }
            });
            let mut failure = Failure::invalid(fields);
            if too_large {
                failure.status = StatusCode::PAYLOAD_TOO_LARGE;
            }
            Err(failure)
        }
        Err(other) => Err(other.into()),
    }
}

/// Download a document: its checked media type, `Content-Disposition: attachment` with the
/// file name, `nosniff` and a sandboxing Content-Security-Policy.
#[utoipa::path(get, path = "/projects/{id}/attachments/{aid}", tag = "projects",
    params(("id" = i64, Path), ("aid" = i64, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>)))]
async fn download_attachment(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, Failure> {
    let (attachment, bytes) = user
        .store(&state)
        .attachment(id, aid, state.blobs.as_ref())
        .await?;
    Ok(file_response(&attachment, bytes, false))
}

/// Remove a document (project managers of the project). Its content is kept for the record.
#[utoipa::path(delete, path = "/projects/{id}/attachments/{aid}", tag = "projects",
    params(("id" = i64, Path), ("aid" = i64, Path)),
    responses((status = 204)))]
async fn delete_attachment(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<StatusCode, Failure> {
    user.store(&state).remove_attachment(id, aid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Routes of this module; the upload route accepts bodies up to
/// [`crate::security::UPLOAD_BODY_LIMIT`].
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_attachments, upload_attachment))
        .layer(upload_limit())
        .routes(routes!(download_attachment, delete_attachment))
}
