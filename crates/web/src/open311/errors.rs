//! Open311 errors in the spec's format — `[{"code":400,"description":"…"}]`, or
//! `<errors><error><code>…</code><description>…</description></error></errors>` — with the
//! HTTP status in `code`: 400 for missing or invalid parameters (each refused field named),
//! 403 for a missing or bad `api_key`, 404 for an unknown resource, service, request, token or
//! jurisdiction, 413 for an oversized body, 429 over a key's allowance. Descriptions follow
//! `Accept-Language` (Chinese by default, English for the usual Open311 client).

use super::format::{Format, Node};
use crate::i18n::Lang;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minxin_domain::FieldProblem;
use minxin_domain::requests::open311::field_name;
use minxin_storage::StoreError;

/// A refused Open311 call, rendered in the format it asked for.
#[derive(Debug)]
pub struct Open311Error {
    status: StatusCode,
    format: Format,
    descriptions: Vec<String>,
}

impl Open311Error {
    /// One error with `status` and `description`.
    pub fn new(format: Format, status: StatusCode, description: impl Into<String>) -> Self {
        Self {
            status,
            format,
            descriptions: vec![description.into()],
        }
    }

    /// 404 with the message `key`, filled with `value` as `{value}`.
    pub fn not_found(format: Format, lang: Lang, key: &str, value: &str) -> Self {
        Self::new(
            format,
            StatusCode::NOT_FOUND,
            lang.fill(key, &[("value", value.to_owned())]),
        )
    }

    /// 400 naming every refused parameter; intake fields are named as the client sent them.
    pub fn invalid(format: Format, lang: Lang, problems: &[FieldProblem]) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            format,
            descriptions: problems
                .iter()
                .map(|p| {
                    lang.fill(
                        "open311.invalid",
                        &[
                            ("field", field_name(p.field).to_owned()),
                            ("problem", lang.problem(&p.problem)),
                        ],
                    )
                })
                .collect(),
        }
    }

    /// 413: the body is larger than a call may send.
    pub fn too_large(format: Format, lang: Lang) -> Self {
        Self::new(
            format,
            StatusCode::PAYLOAD_TOO_LARGE,
            lang.t("open311.too_large"),
        )
    }

    /// A storage failure: not found → 404, refused input → 400, the database → 500.
    pub fn store(format: Format, lang: Lang, error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::not_found(format, lang, "open311.no_resource", ""),
            StoreError::Invalid(problems) => Self::invalid(format, lang, &problems),
            StoreError::Forbidden => Self::new(
                format,
                StatusCode::FORBIDDEN,
                lang.t("open311.api_key_invalid"),
            ),
            other => {
                tracing::error!(error = %other, "Open311 call failed");
                Self::new(
                    format,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang.t("open311.service_error"),
                )
            }
        }
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let code = i64::from(self.status.as_u16());
        let errors = self
            .descriptions
            .into_iter()
            .map(|d| {
                Node::Object(vec![
                    ("code", Node::Int(code)),
                    ("description", Node::Text(d)),
                ])
            })
            .collect();
        self.format
            .render(self.status, "errors", &Node::List("error", errors))
    }
}
