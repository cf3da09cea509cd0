//! Project documents (项目文档): the panel the project page embeds (list, download, delete,
//! upload form), a page of its own at `/projects/{id}/attachments`, the upload and delete
//! posts, and the download with headers that keep a file from ever running in the browser.
//!
//! Uploads are `multipart/form-data`; the CSRF token travels in the form's action URL
//! (`?_csrf=`), see [`crate::csrf`]. The file's type is decided by its content in storage
//! ([`minxin_domain::projects::document::check`]); this module only streams the body in, stopping to keep
//! bytes beyond [`MAX_DOCUMENT_BYTES`].
//!
//! # Embedding the panel
//!
//! The project page's template struct gets a field `attachments: AttachmentsPanel` (built with
//! [`panel`] or [`panel_of`]) and its template says `{% include "_project_attachments.html" %}`.
//! The partial reads only `attachments`, so it needs nothing else from the including page.

use super::chrome::Chrome;
use super::form::notice;
use super::widgets::{Choice, Id, Input, Params, scoped};
use super::{NoticeQuery, html};
use crate::csrf;
use crate::error::Failure;
use crate::i18n::Lang;
use crate::security::UPLOAD_BODY_LIMIT;
use crate::session::Signed;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minxin_domain::projects::document::{Format, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_MB};
use minxin_domain::projects::project::DocumentKind;
use minxin_domain::{FieldProblem, Problem};
use minxin_storage::StoreError;
use minxin_storage::projects::{Attachment, Project, may_attach, may_remove};
use serde::Deserialize;

/// Routes of the attachment pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/projects/{id}/attachments",
            get(documents).post(upload).layer(upload_limit()),
        )
        .route("/projects/{id}/attachments/{aid}", get(download))
        .route("/projects/{id}/attachments/{aid}/delete", post(delete))
}

/// The body limit of an upload route: one document with its form fields.
pub fn upload_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)
}

/// The `{id}` of a project and `{aid}` of one of its documents; anything but numbers is a 404.
pub struct Ids(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let Path((a, b)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| Failure::not_found())?;
        match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) => Ok(Ids(a, b)),
            _ => Err(Failure::not_found()),
        }
    }
}

/// The name of a document kind in `lang`.
pub fn kind_name(lang: Lang, kind: &str) -> &'static str {
    match kind.parse::<DocumentKind>() {
        Ok(k) => lang.t(&format!("attachments.kinds.{}", k.code())),
        Err(_) => lang.t("attachments.kinds.other"),
    }
}

/// A size in bytes for people: `812 B`, `35.2 KB`, `1.4 MB`.
pub fn size_label(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes.max(0) as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

/// Where a form of the panel returns to: the project page (default) or the documents page.
fn back_to(project_id: i64, return_to: &str) -> String {
    match return_to {
        "documents" => format!("/projects/{project_id}/attachments"),
        _ => format!("/projects/{project_id}"),
    }
}

/// The `<input accept>` list: every accepted extension.
fn accept_list() -> String {
    Format::ALL
        .iter()
        .flat_map(|f| f.extensions().iter().map(|e| format!(".{e}")))
        .collect::<Vec<_>>()
        .join(",")
}

/// One document as a row of the panel.
pub struct AttachmentRow {
    /// Id.
    pub id: i64,
    /// Kind code.
    pub kind: String,
    /// Kind name in the page language.
    pub kind_label: &'static str,
    /// File name.
    pub file_name: String,
    /// Size for people.
    pub size: String,
    /// Uploader's user name.
    pub uploaded_by: String,
    /// Upload time in Beijing time.
    pub uploaded_at: String,
    /// Whether it was uploaded with a lifecycle transition.
    pub with_transition: bool,
    /// Download link.
    pub download_href: String,
    /// Link showing an image in the browser, for images.
    pub view_href: Option<String>,
    /// Target of the delete form.
    pub delete_href: String,
}

impl AttachmentRow {
    fn of(lang: Lang, a: &Attachment) -> Self {
        let href = format!("/projects/{}/attachments/{}", a.project_id, a.id);
        AttachmentRow {
            id: a.id,
            kind: a.kind.clone(),
            kind_label: kind_name(lang, &a.kind),
            file_name: a.file_name.clone(),
            size: size_label(a.size),
            uploaded_by: a.uploaded_by.clone(),
            uploaded_at: minxin_domain::kernel::time::format_local(a.uploaded_at),
            with_transition: a.transition_id.is_some(),
            view_href: a
                .format()
                .is_some_and(Format::is_image)
                .then(|| format!("{href}?inline=1")),
            delete_href: format!("{href}/delete"),
            download_href: href,
        }
    }
}

/// What `_project_attachments.html` shows: a project's documents and, when the user may add
/// some, the upload form. Include the partial in a page whose template struct has a field
/// `attachments` of this type.
pub struct AttachmentsPanel {
    /// The project.
    pub project_id: i64,
    /// Its documents, oldest first.
    pub items: Vec<AttachmentRow>,
    /// Whether the user may upload (at least site photos).
    pub can_upload: bool,
    /// Whether the user may remove documents.
    pub can_delete: bool,
    /// The kinds the user may upload, as options.
    pub kinds: Vec<Choice>,
    /// CSRF token for the panel's forms.
    pub csrf: String,
    /// Page language.
    pub lang: Lang,
    /// Where the panel's forms return to: `project` or `documents`.
    pub return_to: &'static str,
    /// The `accept` attribute of the file input.
    pub accept: String,
}

impl AttachmentsPanel {
    /// The message `key` in the page language.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The upload form's action, carrying the CSRF token (a multipart body is not searched for
    /// it).
    pub fn upload_action(&self) -> String {
        format!(
            "/projects/{}/attachments?{}",
            self.project_id,
            serde_urlencoded::to_string([(csrf::FIELD, &self.csrf)]).unwrap_or_default()
        )
    }

    /// The sentence about accepted files and the size limit.
    pub fn limits(&self) -> String {
        self.lang.fill(
            "attachments.limits",
            &[("max_mb", MAX_DOCUMENT_MB.to_string())],
        )
    }

    /// The same panel returning to the documents page after a post.
    fn on_documents_page(mut self) -> Self {
        self.return_to = "documents";
        self
    }
}

/// The documents panel of a visible project for the signed-in user (loads the project).
pub async fn panel(
    state: &AppState,
    signed: &Signed,
    project_id: i64,
) -> Result<AttachmentsPanel, Failure> {
    let project = scoped(state, signed).project(project_id).await?;
    panel_of(state, signed, &project).await
}

/// The documents panel of `project`, already loaded by the caller.
pub async fn panel_of(
    state: &AppState,
    signed: &Signed,
    project: &Project,
) -> Result<AttachmentsPanel, Failure> {
    let lang = signed.client.lang;
    let actor = &signed.session.actor;
    let items = scoped(state, signed).attachments(project.id).await?;
    let kinds: Vec<Choice> = DocumentKind::ALL
        .iter()
        .filter(|k| may_attach(actor, project, **k))
        .map(|k| Choice::new(k.code(), kind_name(lang, k.code()), ""))
        .collect();
    Ok(AttachmentsPanel {
        project_id: project.id,
        items: items.iter().map(|a| AttachmentRow::of(lang, a)).collect(),
        can_upload: !kinds.is_empty(),
        can_delete: may_remove(actor, project),
        kinds,
        csrf: csrf::binding(&signed.client.cookies)
            .map(|b| state.csrf.token(&b))
            .unwrap_or_default(),
        lang,
        return_to: "project",
        accept: accept_list(),
    })
}

#[derive(Template)]
#[template(path = "attachments.html")]
struct DocumentsPage {
    c: Chrome,
    project: Project,
    attachments: AttachmentsPanel,
}

/// GET /projects/{id}/attachments — the documents of one project on a page of their own.
pub async fn documents(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Params(q): Params<NoticeQuery>,
) -> Result<Response, Failure> {
    let project = scoped(&state, &s).project(id).await?;
    let attachments = panel_of(&state, &s, &project).await?.on_documents_page();
    html(&DocumentsPage {
        c: Chrome::signed(&state, &s, "/projects").with_notice(notice(q.notice.as_deref())),
        project,
        attachments,
    })
}

/// An upload as read from a multipart body.
#[derive(Default)]
pub struct Upload {
    /// The `kind` field.
    pub kind: String,
    /// The file's name as the client sent it.
    pub file_name: String,
    /// The file's content (empty when too large).
    pub bytes: Vec<u8>,
    /// Whether a `file` field was present.
    pub has_file: bool,
    /// Whether the file exceeded [`MAX_DOCUMENT_BYTES`] (the rest was read and dropped).
    pub too_large: bool,
    /// The `transition_id` field, if given.
    pub transition_id: String,
    /// The `return_to` field.
    pub return_to: String,
}

impl Upload {
    /// The document kind and the problems found before storage sees the file.
    pub fn checked(&self) -> Result<DocumentKind, StoreError> {
        let mut problems = Vec::new();
        let kind = match self.kind.trim() {
            "" => {
                problems.push(FieldProblem::new("kind", Problem::Required));
                None
            }
            code => code.parse::<DocumentKind>().ok().or_else(|| {
                problems.push(FieldProblem::new("kind", Problem::Malformed));
                None
            }),
        };
        if self.too_large {
            problems.push(FieldProblem::new(
                "file",
                Problem::FileTooLarge {
                    max_mb: MAX_DOCUMENT_MB,
                },
            ));
        } else if !self.has_file || self.bytes.is_empty() {
            problems.push(FieldProblem::new("file", Problem::Required));
        }
        match kind {
            Some(kind) if problems.is_empty() => Ok(kind),
            _ => Err(StoreError::Invalid(problems)),
        }
    }

    /// The `transition_id` field as a number, if given.
    pub fn transition(&self) -> Result<Option<i64>, StoreError> {
        match self.transition_id.trim() {
            "" => Ok(None),
            raw => raw
                .parse()
                .map(Some)
                .map_err(|_| StoreError::invalid("transition_id", Problem::Malformed)),
        }
    }
}

/// Why a multipart body could not be read: too large (413) or malformed (400).
pub fn unreadable(e: &MultipartError) -> Failure {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Failure::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    } else {
        Failure::new(StatusCode::BAD_REQUEST, "bad_request")
    }
}

/// Reads an upload: the short text fields, and the `file` field streamed up to
/// [`MAX_DOCUMENT_BYTES`] (anything beyond is read and dropped, so the client gets the answer
/// rather than a reset connection).
pub async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Upload, Failure> {
    let mut multipart =
        multipart.map_err(|_| Failure::new(StatusCode::BAD_REQUEST, "bad_request"))?;
    let mut upload = Upload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|e| unreadable(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" if !upload.has_file => {
                upload.has_file = true;
                upload.file_name = field.file_name().unwrap_or_default().to_owned();
                while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
                    if upload.too_large || upload.bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        upload.too_large = true;
                        upload.bytes = Vec::new();
                    } else {
                        upload.bytes.extend_from_slice(&chunk);
                    }
                }
            }
            "kind" | "transition_id" | "return_to" => {
                let text = field.text().await.map_err(|e| unreadable(&e))?;
                let text: String = text.chars().take(100).collect();
                match name.as_str() {
                    "kind" => upload.kind = text,
                    "transition_id" => upload.transition_id = text,
                    _ => upload.return_to = text,
                }
            }
            // Other fields (a second file, unknown names) are skipped unread.
            _ => {}
        }
    }
    Ok(upload)
}

/// Stores an upload through storage.
pub async fn store_upload(
    state: &AppState,
    store: &minxin_storage::Scoped<'_>,
    project_id: i64,
    upload: &Upload,
) -> Result<Attachment, StoreError> {
    let kind = upload.checked()?;
    let blobs = state.blobs.as_ref();
    match upload.transition()? {
        Some(t) => {
            store
                .attach_to_transition(project_id, t, kind, &upload.file_name, &upload.bytes, blobs)
                .await
        }
        None => {
            store
                .attach(project_id, kind, &upload.file_name, &upload.bytes, blobs)
                .await
        }
    }
}

#[derive(Template)]
#[template(path = "attachment_refused.html")]
struct RefusedPage {
    c: Chrome,
    lines: Vec<String>,
    back: String,
}

/// The label of a field of the upload form.
fn field_label(lang: Lang, field: &str) -> &'static str {
    match field {
        "kind" => lang.t("attachments.kind"),
        "transition_id" => lang.t("attachments.transition"),
        _ => lang.t("attachments.file"),
    }
}

/// The page telling why an upload was refused, with a link back.
fn refused(
    state: &AppState,
    s: &Signed,
    problems: &[FieldProblem],
    back: String,
) -> Result<Response, Failure> {
    let lang = s.client.lang;
    let status = if problems
        .iter()
        .any(|p| matches!(p.problem, Problem::FileTooLarge { .. }))
    {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = RefusedPage {
        c: Chrome::signed(state, s, "/projects"),
        lines: problems
            .iter()
            .map(|p| {
                format!(
                    "{}：{}",
                    field_label(lang, p.field),
                    lang.problem(&p.problem)
                )
            })
            .collect(),
        back,
    };
    Ok((status, html(&page)?).into_response())
}

/// POST /projects/{id}/attachments — multipart `kind`, `file`, optional `transition_id` and
/// `return_to`; the CSRF token is in the query string.
pub async fn upload(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failure> {
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(f) if f.status == StatusCode::PAYLOAD_TOO_LARGE => Upload {
            has_file: true,
            too_large: true,
            ..Upload::default()
        },
        Err(f) => return Err(f),
    };
    let back = back_to(id, &upload.return_to);
    match store_upload(&state, &scoped(&state, &s), id, &upload).await {
        Ok(_) => Ok(Redirect::to(&format!("{back}?notice=saved")).into_response()),
        Err(StoreError::Invalid(problems)) => refused(&state, &s, &problems, back),
        Err(other) => Err(other.into()),
    }
}

/// Query of a download: `inline=1` shows an image in the browser instead of saving it.
#[derive(Deserialize, Default)]
pub struct DownloadQuery {
    inline: Option<String>,
}

/// GET /projects/{id}/attachments/{aid} — the file, with headers that make the browser save it
/// (or show an image) and never interpret it.
pub async fn download(
    State(state): State<AppState>,
    s: Signed,
    Ids(id, aid): Ids,
    Params(q): Params<DownloadQuery>,
) -> Result<Response, Failure> {
    let (attachment, bytes) = scoped(&state, &s)
        .attachment(id, aid, state.blobs.as_ref())
        .await?;
    let inline = q.inline.as_deref() == Some("1");
    Ok(file_response(&attachment, bytes, inline))
}

/// The characters RFC 8187 allows unencoded in `filename*`.
fn is_attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b)
}

/// The ASCII stand-in for a file name in `filename="…"`: safe characters kept, others `_`;
/// a stem left without letters or digits becomes `document`.
pub fn ascii_file_name(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " -_.()[]+,".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let (stem, ext) = match mapped.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
        _ => (mapped.clone(), String::new()),
    };
    let stem = if stem.chars().any(|c| c.is_ascii_alphanumeric()) {
        stem
    } else {
        "document".to_owned()
    };
    let ext = if ext.chars().skip(1).all(|c| c.is_ascii_alphanumeric()) {
        ext
    } else {
        String::new()
    };
    format!("{stem}{ext}")
}

/// `Content-Disposition` for a file named `name`: `attachment` (or `inline`) with an ASCII
/// `filename` for old clients and the exact name, percent-encoded UTF-8, in `filename*`.
pub fn content_disposition(inline: bool, name: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if is_attr_char(b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" },
        ascii_file_name(name)
    )
}

/// The sandbox every downloaded file is served under: no scripts, plugins, forms or
/// subresources, only the image itself when an image is shown.
pub const DOWNLOAD_CSP: &str = "default-src 'none'; img-src 'self'; sandbox";

/// A response carrying a document: its checked media type (anything unknown as an opaque
/// byte stream), `attachment` disposition unless an image is asked for inline, `nosniff`, a
/// sandboxing CSP and no caching outside the browser.
pub fn file_response(attachment: &Attachment, bytes: Vec<u8>, inline: bool) -> Response {
    let format = attachment.format();
    let content_type = format.map_or("application/octet-stream", Format::content_type);
    let inline = inline && format.is_some_and(Format::is_image);
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(inline, &attachment.file_name))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_CSP),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    (headers, bytes).into_response()
}

/// The delete form: only where to return.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    return_to: String,
}

/// POST /projects/{id}/attachments/{aid}/delete
pub async fn delete(
    State(state): State<AppState>,
    s: Signed,
    Ids(id, aid): Ids,
    Input(form): Input<DeleteForm>,
) -> Result<Response, Failure> {
    scoped(&state, &s).remove_attachment(id, aid).await?;
    let back = back_to(id, &form.return_to);
    Ok(Redirect::to(&format!("{back}?notice=deleted")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_are_safe_for_any_name() {
        assert_eq!(
            content_disposition(false, "立项批复.pdf"),
            "attachment; filename=\"document.pdf\"; \
             filename*=UTF-8''%E7%AB%8B%E9%A1%B9%E6%89%B9%E5%A4%8D.pdf"
        );
        assert_eq!(
            content_disposition(true, "site photo 1.jpg"),
            "inline; filename=\"site photo 1.jpg\"; filename*=UTF-8''site%20photo%201.jpg"
        );
        let hostile = content_disposition(false, "a\";b\r\nX-Evil: 1;%41.pdf");
        assert!(!hostile.contains('\r') && !hostile.contains('\n'));
        assert!(hostile.starts_with("attachment; filename=\"a__b__X-Evil_ 1__41.pdf\";"));
        assert!(HeaderValue::from_str(&hostile).is_ok());
        assert_eq!(ascii_file_name("合同（盖章）"), "document");
        assert_eq!(ascii_file_name("report.pdf"), "report.pdf");
        assert_eq!(ascii_file_name("年报2025.xlsx"), "__2025.xlsx");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size_label(812), "812 B");
        assert_eq!(size_label(36_045), "35.2 KB");
        assert_eq!(size_label(20 * 1024 * 1024), "20.0 MB");
    }

    #[test]
    fn returns_only_to_known_places() {
        assert_eq!(back_to(7, "documents"), "/projects/7/attachments");
        assert_eq!(back_to(7, "https://evil.example"), "/projects/7");
        assert!(accept_list().contains(".pdf") && accept_list().contains(".docx"));
    }

    #[test]
    fn uploads_are_checked_before_storage() {
        let ok = Upload {
            kind: "approval".into(),
            has_file: true,
            bytes: b"%PDF-1.7".to_vec(),
            ..Upload::default()
        };
        assert_eq!(ok.checked().unwrap(), DocumentKind::Approval);
        let bad = Upload {
            kind: "secret".into(),
            too_large: true,
            has_file: true,
            ..Upload::default()
        };
        let Err(StoreError::Invalid(problems)) = bad.checked() else {
            panic!("refused")
        };
        assert_eq!(
            problems,
            vec![
                FieldProblem::new("kind", Problem::Malformed),
                FieldProblem::new("file", Problem::FileTooLarge { max_mb: 20 })
            ]
        );
        let Err(StoreError::Invalid(problems)) = Upload::default().checked() else {
            panic!("refused")
        };
        assert_eq!(problems.len(), 2);
        assert!(
            Upload {
                transition_id: "x".into(),
                ..Upload::default()
            }
            .transition()
            .is_err()
        );
    }
}
