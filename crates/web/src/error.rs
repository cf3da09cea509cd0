//! Failures of a request, rendered in the caller's language: as an HTML page for browsers and
//! as `{ "code", "message", "fields" }` JSON for the API. Handlers return [`Failure`] without
//! knowing the language; a middleware on each side renders it with the request's language.

use crate::client::{api_lang, page_lang};
use crate::i18n::Lang;
use crate::pages::chrome::Chrome;
use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Json, Response};
use minxin_domain::FieldProblem;
use minxin_storage::StoreError;
use serde::Serialize;

/// Why a request failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code, also the message key under `error.`.
    pub code: &'static str,
    /// Field problems, for invalid input.
    pub fields: Vec<FieldProblem>,
    /// Seconds after which the client may try again, sent as `Retry-After` with a 503 for a
    /// server too busy to take the request now (issue 15 finding 6).
    pub retry_after: Option<u32>,
}

impl Failure {
    /// A failure with no field details.
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            code,
            fields: Vec::new(),
            retry_after: None,
        }
    }

    /// 503: the server cannot take the request now; the client may try again after
    /// `retry_after` seconds.
    pub fn busy(retry_after: u32) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy")
        }
    }

    /// 404.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found")
    }

    /// 401 for the API.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized")
    }

    /// 400 with field problems.
    pub fn invalid(fields: Vec<FieldProblem>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "invalid",
            fields,
            retry_after: None,
        }
    }

    /// `response` with the headers this failure calls for (`Retry-After`), however it was
    /// rendered: every way a failure becomes a response goes through here.
    fn finish(&self, mut response: Response) -> Response {
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Forbidden => Failure::new(StatusCode::FORBIDDEN, "forbidden"),
            StoreError::NotFound => Failure::not_found(),
            StoreError::Conflict => Failure::new(StatusCode::CONFLICT, "conflict"),
            StoreError::Invalid(fields) => Failure::invalid(fields),
            other => {
                tracing::error!(error = %other, "storage failure");
                Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = self.finish(self.status.into_response());
        response.extensions_mut().insert(self);
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    message: String,
    details: Vec<String>,
}

/// A complete error page for `status` with the message `error.<key>`-style key `key`.
pub fn error_page(lang: Lang, status: StatusCode, key: &str) -> Response {
    render_page(lang, status, lang.t(key).to_owned(), Vec::new())
}

fn render_page(lang: Lang, status: StatusCode, message: String, details: Vec<String>) -> Response {
    let page = ErrorPage {
        c: Chrome::anonymous(lang),
        message,
        details,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

fn field_lines(lang: Lang, fields: &[FieldProblem]) -> Vec<String> {
    fields
        .iter()
        .map(|f| format!("{}：{}", lang.field(f.field), lang.problem(&f.problem)))
        .collect()
}

/// Middleware for pages: renders a [`Failure`] as an HTML page in the cookie's language.
pub async fn render_page_failures(request: Request, next: Next) -> Response {
    let lang = page_lang(request.headers());
    let response = next.run(request).await;
    match response.extensions().get::<Failure>() {
        Some(f) => f.finish(render_page(
            lang,
            f.status,
            lang.t(&format!("error.{}", f.code)).to_owned(),
            field_lines(lang, &f.fields),
        )),
        None => response,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FieldError {
    field: String,
    code: String,
    message: String,
}

/// The JSON body of every API error.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    /// Stable machine-readable code.
    code: String,
    /// Human-readable message in the caller's language.
    message: String,
    /// Problems with individual fields, for `invalid`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldError>,
}

/// The JSON error body for a failure in `lang`.
pub(crate) fn error_body(lang: Lang, f: &Failure) -> ErrorBody {
    ErrorBody {
        code: f.code.to_owned(),
        message: lang.t(&format!("error.{}", f.code)).to_owned(),
        fields: f
            .fields
            .iter()
            .map(|p| FieldError {
                field: p.field.to_owned(),
                code: p.problem.code().to_owned(),
                message: lang.problem(&p.problem),
            })
            .collect(),
    }
}

/// Middleware for the API: renders a [`Failure`] (and bare 4xx/5xx) as a JSON error.
pub async fn render_api_failures(request: Request, next: Next) -> Response {
    let lang = api_lang(request.headers());
    let response = next.run(request).await;
    let status = response.status();
    let failure = match response.extensions().get::<Failure>() {
        Some(f) => f.clone(),
        None if (status.is_client_error() || status.is_server_error()) && !is_json(&response) => {
            Failure::new(status, generic_code(status))
        }
        None => return response,
    };
    let mut out =
        failure.finish((failure.status, Json(error_body(lang, &failure))).into_response());
    if failure.status == StatusCode::UNAUTHORIZED {
        out.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    out
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn generic_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::UNPROCESSABLE_ENTITY => "bad_request",
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::TOO_MANY_REQUESTS => "locked",
        StatusCode::SERVICE_UNAVAILABLE => "busy",
        _ => "internal",
    }
}
