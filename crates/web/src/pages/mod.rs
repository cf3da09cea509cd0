//! Server-rendered pages for staff. Each module owns one area and its routes; handlers stay thin:
//! parse the form, call storage through a scoped handle, render a template.

pub mod access;
pub mod account;
pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod bulletins;
pub mod chrome;
pub mod dashboard;
pub mod departments;
pub mod form;
pub mod home;
pub mod import;
pub mod light_rules;
pub mod open311_keys;
pub mod org;
pub mod progress;
pub mod projects;
pub mod public;
pub mod regions;
pub mod reminders;
pub mod requests;
pub mod security;
pub mod signboards;
pub mod widgets;

use crate::error::{Failure, render_page_failures};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

/// The optional `notice` a redirect can carry to the next page.
#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    /// A notice code, see [`form::notice`].
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

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(home::WORK_HOME, get(home::show))
        .route("/login", get(auth::form).post(auth::submit))
        .route("/login/totp", get(auth::totp_form).post(auth::totp_submit))
        .route("/logout", post(auth::sign_out))
        .route("/lang", get(auth::switch_language))
        .route("/account", get(account::show))
        .route(
            "/account/password",
            get(account::password_form).post(account::change_password),
        )
        .route(
            "/account/totp",
            get(account::totp_setup).post(account::totp_enable),
        )
        .route("/account/totp/disable", post(account::totp_disable))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin/regions", get(regions::list).post(regions::create))
        .route("/admin/regions/new", get(regions::new))
        .route(
            "/admin/regions/{id}",
            get(regions::edit).post(regions::update),
        )
        .route("/admin/regions/{id}/delete", post(regions::delete))
        .route(
            "/admin/departments",
            get(departments::list).post(departments::create),
        )
        .route("/admin/departments/new", get(departments::new))
        .route(
            "/admin/departments/{id}",
            get(departments::edit).post(departments::update),
        )
        .route("/admin/departments/{id}/delete", post(departments::delete))
        .route(
            "/admin/accounts",
            get(accounts::list).post(accounts::create),
        )
        .route("/admin/accounts/new", get(accounts::new))
        .route(
            "/admin/accounts/{id}",
            get(accounts::edit).post(accounts::update),
        )
        .route(
            "/admin/accounts/{id}/password",
            post(accounts::reset_password),
        )
        .route("/admin/security", get(security::show).post(security::save))
        .route("/org", get(org::show))
        .route("/access", get(access::list))
        .route("/access/{id}", get(access::edit).post(access::update))
        .route("/audit", get(audit::show))
        .route("/audit.csv", get(audit::csv))
        .route(
            "/light-rules",
            get(light_rules::show).post(light_rules::save),
        )
        .route(
            "/open311-keys",
            get(open311_keys::list).post(open311_keys::create),
        )
        .route("/open311-keys/{id}/revoke", post(open311_keys::revoke))
        .route("/reminders", get(reminders::list))
        .route("/reminders/{id}/read", post(reminders::read))
        .route("/dashboard", get(dashboard::show))
        .merge(projects::routes())
        .merge(import::routes())
        .merge(attachments::routes())
        .merge(progress::routes())
        .merge(bulletins::routes())
        .merge(signboards::routes())
        .merge(requests::routes())
        .merge(public::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(render_page_failures))
}

/// Any unknown path: a 404 page in the user's language.
async fn not_found() -> Failure {
    Failure::not_found()
}
