//! Identity pages: signing in and out (`auth.rs`), one's own account, password, second factor
//! and tokens (`account.rs`), the office's accounts (`accounts.rs`), roles and data scopes
//! (`access.rs`), the security policy (`security.rs`), the audit log (`audit.rs`) and the staff
//! home page (`home.rs`).

pub mod access;
pub mod account;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod home;
pub mod security;

use crate::kernel::session::WORK_HOME;
use crate::kernel::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The identity pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(WORK_HOME, get(home::show))
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
        .route("/access", get(access::list))
        .route("/access/{id}", get(access::edit).post(access::update))
        .route("/audit", get(audit::show))
        .route("/audit.csv", get(audit::csv))
}
