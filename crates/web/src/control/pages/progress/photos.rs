//! Report photos: reading the report form's multipart body (text fields and up to
//! [`MAX_PHOTOS`] photo files, each at most [`MAX_PHOTO_BYTES`]), preparing the copies off the
//! async threads within the submission's pixel budget and a bounded number at once, and serving the re-encoded copies. The original upload, which may carry a
//! GPS location, is kept in the blob store but has no route at all.

use crate::kernel::decode_slots::DecodeSlots;
use crate::kernel::error::Failure;
use crate::kernel::file_response::sandboxed;
use crate::kernel::i18n::Lang;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::scoped;
use crate::projects::pages::attachments::unreadable;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minxin_domain::control::report::MAX_PHOTOS;
use minxin_media::budget::{OverBudget, check_budget, decoded_pixels};
use minxin_media::{MAX_PHOTO_BYTES, PhotoProblem, prepare_photo};
use minxin_storage::control::reports::{NewPhoto, PhotoCopy};
use std::collections::HashMap;

/// The longest text field of an upload form, in bytes (a service request allows 4,000
/// characters of up to four bytes each); anything longer is cut and then refused by the length
/// rule.
const TEXT_FIELD_BYTES: usize = 16_000;

/// The text fields of the report form.
const REPORT_FIELDS: &[&str] = &["period", "percent", "done", "problems", "help_needed"];

/// A photo file as received: its name and content, or the fact that it was too large.
pub struct PhotoFile {
    /// The file name the browser sent (only to name it in messages).
    pub name: String,
    /// The content; empty when too large.
    pub bytes: Vec<u8>,
    /// Whether it exceeded [`MAX_PHOTO_BYTES`] (the rest was read and dropped).
    pub too_large: bool,
}

/// A form with photos (a progress report, a service request) as read from a multipart body.
#[derive(Default)]
pub struct Upload {
    /// Text fields by name.
    pub fields: HashMap<String, String>,
    /// Photo files, in the order sent; empty file inputs are skipped.
    pub photos: Vec<PhotoFile>,
    /// Whether the body as a whole exceeded the upload limit, so some of it is missing.
    pub truncated: bool,
}

impl Upload {
    /// The text field `name`, or blank.
    pub fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Reads the report form (see [`read_upload`]).
pub async fn read_report_upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Upload, Failure> {
    read_upload(multipart, REPORT_FIELDS, MAX_PHOTOS).await
}

/// Reads a form of the text `fields` and photos in the file input `photos`. Photos beyond
/// `max_photos` are counted but not kept; a body over the upload limit keeps what came before
/// the limit and is marked `truncated`, so the page can say so with the typed text kept.
pub async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
    fields: &[&str],
    max_photos: usize,
) -> Result<Upload, Failure> {
    let mut multipart =
        multipart.map_err(|_| Failure::new(StatusCode::BAD_REQUEST, "bad_request"))?;
    let mut upload = Upload::default();
    if let Err(f) = read_fields(&mut multipart, &mut upload, fields, max_photos).await {
        if f.status != StatusCode::PAYLOAD_TOO_LARGE {
            return Err(f);
        }
        upload.truncated = true;
    }
    Ok(upload)
}

async fn read_fields(
    multipart: &mut Multipart,
    upload: &mut Upload,
    fields: &[&str],
    max_photos: usize,
) -> Result<(), Failure> {
    while let Some(mut field) = multipart.next_field().await.map_err(|e| unreadable(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photos" {
            let file_name: String = field
                .file_name()
                .unwrap_or_default()
                .chars()
                .take(100)
                .collect();
            let mut file = PhotoFile {
                name: file_name,
                bytes: Vec::new(),
                too_large: false,
            };
            let keep = upload.photos.len() < max_photos;
            while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
                if file.too_large || file.bytes.len() + chunk.len() > MAX_PHOTO_BYTES {
                    file.too_large = true;
                    file.bytes = Vec::new();
                } else if keep {
                    file.bytes.extend_from_slice(&chunk);
                }
            }
            // A file input left empty still sends a part, without name or content.
            if !file.name.is_empty() || !file.bytes.is_empty() || file.too_large {
                upload.photos.push(file);
            }
        } else if fields.contains(&name.as_str()) {
            let mut text = field.text().await.map_err(|e| unreadable(&e))?;
            if text.len() > TEXT_FIELD_BYTES {
                let mut end = TEXT_FIELD_BYTES;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
            }
            upload.fields.insert(name, text);
        }
    }
    Ok(())
}

/// What is wrong with a photo, in `lang`, naming the file.
pub fn photo_message(lang: Lang, file: &str, problem: &PhotoProblem) -> String {
    let text = match problem {
        PhotoProblem::TooLarge { max_mb } => {
            lang.fill("reports.photo.too_large", &[("max_mb", max_mb.to_string())])
        }
        PhotoProblem::NotAnImage => lang.t("reports.photo.not_an_image").to_owned(),
        PhotoProblem::UnsupportedFormat => lang.t("reports.photo.unsupported").to_owned(),
        PhotoProblem::Corrupt => lang.t("reports.photo.corrupt").to_owned(),
        PhotoProblem::TooManyPixels { max_megapixels } => lang.fill(
            "reports.photo.too_many_pixels",
            &[("max", max_megapixels.to_string())],
        ),
    };
    if file.is_empty() {
        text
    } else {
        format!("{file}：{text}")
    }
}

/// Why the photos of a submission were refused together, in `lang`.
fn over_budget_message(lang: Lang, over: &OverBudget) -> String {
    lang.fill(
        "reports.photo.over_budget",
        &[
            ("total", over.total_megapixels.to_string()),
            ("max", over.max_megapixels.to_string()),
        ],
    )
}

/// Prepares every photo on a blocking thread (decoding and re-encoding take a good part of a
/// second each) under one of the process's decode slots. Returns the photos ready for storage,
/// or the messages for the form — one per refused file, or one for photos over the
/// submission's pixel budget, which are refused before anything is decoded; fails with 503
/// when no decode slot is free (issue 15 finding 6).
pub async fn prepare(
    slots: &DecodeSlots,
    lang: Lang,
    files: Vec<PhotoFile>,
) -> Result<Result<Vec<NewPhoto>, Vec<String>>, Failure> {
    if files.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let pixels = files.iter().map(|file| decoded_pixels(&file.bytes));
    if let Err(over) = check_budget(pixels) {
        return Ok(Err(vec![over_budget_message(lang, &over)]));
    }
    let slot = slots.acquire().await?;
    let outcome = tokio::task::spawn_blocking(move || {
        // Held until decoding ends, even if the client has gone away meanwhile.
        let _slot = slot;
        files
            .into_iter()
            .map(|file| {
                let prepared = if file.too_large {
                    Err(PhotoProblem::TooLarge {
                        max_mb: minxin_media::MAX_PHOTO_MB,
                    })
                } else {
                    prepare_photo(&file.bytes)
                };
                match prepared {
                    Ok(p) => Ok(NewPhoto {
                        original: file.bytes,
                        display: p.display,
                        thumbnail: p.thumbnail,
                        width: p.width,
                        height: p.height,
                        had_location: p.had_location,
                    }),
                    Err(problem) => Err(photo_message(lang, &file.name, &problem)),
                }
            })
            .collect::<Vec<_>>()
    })
    .await;
    // A panic while decoding means the image could not be read: say so rather than fail.
    let Ok(results) = outcome else {
        return Ok(Err(vec![lang.t("reports.photo.corrupt").to_owned()]));
    };
    let mut photos = Vec::new();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(photo) => photos.push(photo),
            Err(message) => problems.push(message),
        }
    }
    Ok(if problems.is_empty() {
        Ok(photos)
    } else {
        Err(problems)
    })
}

/// The path of a report photo: `{id}` of the project, `{photo}`, and the copy (`display` or
/// `thumbnail`); anything else is a 404.
pub struct PhotoPath(i64, i64, PhotoCopy);

impl<S: Send + Sync> FromRequestParts<S> for PhotoPath {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let Path((id, photo, copy)) =
            Path::<(String, String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|_| Failure::not_found())?;
        let copy = copy_named(&copy).ok_or_else(Failure::not_found)?;
        match (id.parse(), photo.parse()) {
            (Ok(id), Ok(photo)) => Ok(PhotoPath(id, photo, copy)),
            _ => Err(Failure::not_found()),
        }
    }
}

/// The copy a path segment names: `display` or `thumbnail` (the original has no name).
pub fn copy_named(segment: &str) -> Option<PhotoCopy> {
    match segment {
        "display" => Some(PhotoCopy::Display),
        "thumbnail" => Some(PhotoCopy::Thumbnail),
        _ => None,
    }
}

/// A photo copy as an inline JPEG with `cache_control`, `nosniff`, a sandboxing CSP and a
/// same-origin resource policy (also for the public portal's photos).
pub fn photo_response(bytes: Vec<u8>, cache_control: &'static str) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    sandboxed(&mut headers, cache_control);
    (headers, bytes).into_response()
}

/// GET /projects/{id}/reports/photos/{photo}/{copy} — a re-encoded copy (JPEG without
/// metadata), shown inline. The bytes of a photo never change, so the browser may keep them
/// for a day; `private` keeps shared caches from storing what only staff may see.
pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    PhotoPath(id, photo, copy): PhotoPath,
) -> Result<Response, Failure> {
    let bytes = scoped(&state, &s)
        .control()
        .report_photo(id, photo, copy, state.blobs.as_ref())
        .await?;
    Ok(photo_response(bytes, "private, max-age=86400, immutable"))
}
