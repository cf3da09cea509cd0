//! What every server-rendered page shares: rendering a template, redirecting with cookies, the
//! notice a redirect carries and path parameters read into a 404 page. Each context owns its
//! pages and their routes; handlers stay thin: parse the form, call storage through a scoped
//! handle, render a template.

use crate::kernel::error::Failure;
use askama::Template;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The optional `notice` a redirect can carry to the next page.
#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    /// A notice code, see [`crate::kernel::form::notice`].
    pub notice: Option<String>,
}

/// Renders a template into a response, or a 500 failure if the template cannot render.
pub fn html(page: &impl Template) -> Result<Response, Failure> {
    render(page).map(|body| Html(body).into_response())
}

/// Renders a template into its text, or a 500 failure if the template cannot render.
pub fn render(page: &impl Template) -> Result<String, Failure> {
    page.render().map_err(|e| {
        tracing::error!(error = %e, "template failed");
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    })
}

/// A redirect (303, so the browser follows with GET) that also sets cookies.
pub fn redirect_with_cookies(jar: CookieJar, to: &str) -> Response {
    (jar, Redirect::to(to)).into_response()
}

/// Path parameters of a public route; a path that cannot be read (bad percent-encoding) is a
/// 404 page in the visitor's language rather than a plain-text rejection.
pub struct PathOf<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathOf<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| PathOf(v))
            .map_err(|_| Failure::not_found())
    }
}

/// Any unknown path: a 404 page in the user's language.
pub async fn not_found() -> Failure {
    Failure::not_found()
}
