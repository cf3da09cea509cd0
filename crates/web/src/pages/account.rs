//! The signed-in user's own account: password change (also the forced first-time change), the
//! optional TOTP second factor, and their API tokens.

use super::chrome::Chrome;
use super::form::{FormErrors, notice};
use super::{NoticeQuery, html, redirect_with_cookies};
use crate::error::Failure;
use crate::i18n::Lang;
use crate::session::{Pending, SESSION_COOKIE, Signed, cookie};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minxin_domain::kernel::time::format_local;
use minxin_storage::auth::ApiToken;
use minxin_storage::totp;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    username: String,
    totp_enabled: bool,
    tokens: Vec<ApiToken>,
    errors: FormErrors,
}

impl AccountPage {
    fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        format_local(*at)
    }
}

/// GET /account
pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, Failure> {
    page(
        &state,
        &s,
        FormErrors::default(),
        notice(q.notice.as_deref()),
    )
    .await
}

async fn page(
    state: &AppState,
    s: &Signed,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> Result<Response, Failure> {
    let tokens = state.store.auth().tokens(&s.session.actor).await?;
    html(&AccountPage {
        c: Chrome::signed(state, s, "/account").with_notice(notice),
        username: s.session.actor.username.clone(),
        totp_enabled: s.session.totp_enabled,
        tokens,
        errors,
    })
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    c: Chrome,
    forced: bool,
    rules: String,
    errors: FormErrors,
}

async fn password_page(
    state: &AppState,
    p: &Pending,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let lang = p.client.lang;
    let policy = state
        .store
        .scoped(&p.session.actor, &p.client.address)
        .security_policy()
        .await?
        .password;
    let (c, _) = Chrome::pre_session(state, &p.client, "/account/password");
    let c = if p.session.must_change_password {
        c
    } else {
        Chrome::signed(
            state,
            &Signed {
                session: p.session.clone(),
                client: p.client.clone(),
            },
            "/account",
        )
    };
    html(&PasswordPage {
        c,
        forced: p.session.must_change_password,
        rules: rules(lang, &policy),
        errors,
    })
}

fn rules(lang: Lang, policy: &minxin_domain::identity::password_policy::PasswordPolicy) -> String {
    lang.fill(
        "password.rules",
        &[
            ("min", policy.min_length.to_string()),
            ("classes", policy.min_classes.to_string()),
            ("history", policy.history.to_string()),
        ],
    )
}

/// GET /account/password
pub async fn password_form(State(state): State<AppState>, p: Pending) -> Result<Response, Failure> {
    if p.session.second_factor_pending {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    password_page(&state, &p, FormErrors::default()).await
}

/// The password-change form.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// POST /account/password
pub async fn change_password(
    State(state): State<AppState>,
    p: Pending,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Failure> {
    if p.session.second_factor_pending {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    match state
        .store
        .auth()
        .change_password(
            &p.session,
            &form.current,
            &form.new,
            &form.confirm,
            &p.client.address,
        )
        .await
    {
        Ok(token) => {
            // The account's API tokens were revoked: forget any this instance still trusts.
            state.tokens.clear();
            let jar = p.client.cookies.clone().add(cookie(
                SESSION_COOKIE,
                token,
                state.config.secure_cookies,
            ));
            Ok(redirect_with_cookies(jar, "/account?notice=password"))
        }
        Err(e) => {
            let errors = FormErrors::from_store(p.client.lang, e)?;
            password_page(&state, &p, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "totp_setup.html")]
struct TotpSetupPage {
    c: Chrome,
    secret: String,
    qr_svg: String,
    errors: FormErrors,
}

fn qr_svg(url: &str) -> String {
    QrCode::new(url.as_bytes())
        .map(|code| {
            code.render::<svg::Color<'_>>()
                .min_dimensions(200, 200)
                .build()
        })
        .unwrap_or_default()
}

async fn setup_page(state: &AppState, s: &Signed, errors: FormErrors) -> Result<Response, Failure> {
    let secret = state.store.auth().begin_totp(&s.session).await?;
    let url = totp::enrolment_url(&secret, &s.session.actor.username).unwrap_or_default();
    html(&TotpSetupPage {
        c: Chrome::signed(state, s, "/account"),
        qr_svg: qr_svg(&url),
        secret,
        errors,
    })
}

/// GET /account/totp — the secret to scan, made and kept on the server for this session;
/// nothing is enrolled until the password and a code confirm it.
pub async fn totp_setup(State(state): State<AppState>, s: Signed) -> Result<Response, Failure> {
    if s.session.totp_enabled {
        return Ok(Redirect::to("/account").into_response());
    }
    setup_page(&state, &s, FormErrors::default()).await
}

/// The enrolment form: the account's password and a code from the app.
#[derive(Deserialize)]
pub struct TotpEnable {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

/// POST /account/totp
pub async fn totp_enable(
    State(state): State<AppState>,
    s: Signed,
    Form(form): Form<TotpEnable>,
) -> Result<Response, Failure> {
    match state
        .store
        .auth()
        .enable_totp(&s.session, &form.password, &form.code, &s.client.address)
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?notice=totp_on").into_response()),
        Err(e) => {
            let errors = FormErrors::from_store(s.client.lang, e)?;
            setup_page(&state, &s, errors).await
        }
    }
}

/// The form that switches the second factor off.
#[derive(Deserialize)]
pub struct TotpDisable {
    #[serde(default)]
    password: String,
}

/// POST /account/totp/disable
pub async fn totp_disable(
    State(state): State<AppState>,
    s: Signed,
    Form(form): Form<TotpDisable>,
) -> Result<Response, Failure> {
    match state
        .store
        .auth()
        .disable_totp(&s.session, &form.password, &s.client.address)
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?notice=totp_off").into_response()),
        Err(e) => {
            let errors = FormErrors::from_store(s.client.lang, e)?;
            page(&state, &s, errors, None).await
        }
    }
}

/// POST /account/tokens/{id}/revoke
pub async fn revoke_token(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    state
        .store
        .auth()
        .revoke_token(&s.session.actor, id, &s.client.address)
        .await?;
    state.tokens.clear();
    Ok(Redirect::to("/account?notice=revoked").into_response())
}
