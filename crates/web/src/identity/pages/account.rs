//! The signed-in user's own account: password change (also the forced first-time change), the
//! optional TOTP second factor, and their API tokens.

use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::{FormErrors, notice};
use crate::kernel::i18n::Lang;
use crate::kernel::page::{NoticeQuery, html, redirect_with_cookies};
use crate::kernel::session::{Pending, SESSION_COOKIE, Signed, cookie};
use crate::kernel::staff::Staff;
use crate::kernel::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minxin_domain::kernel::time::format_local;
use minxin_storage::identity::auth::ApiToken;
use minxin_storage::identity::totp;
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
pub async fn show(staff: Staff, Query(q): Query<NoticeQuery>) -> Result<Response, Failure> {
    page(&staff, FormErrors::default(), notice(q.notice.as_deref())).await
}

async fn page(
    staff: &Staff,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> Result<Response, Failure> {
    let tokens = staff.state.store.auth().tokens(staff.actor()).await?;
    html(&AccountPage {
        c: staff.chrome("/account").with_notice(notice),
        username: staff.actor().username.clone(),
        totp_enabled: staff.signed.session.totp_enabled,
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
        .identity()
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

async fn setup_page(staff: &Staff, errors: FormErrors) -> Result<Response, Failure> {
    let secret = staff
        .state
        .store
        .auth()
        .begin_totp(&staff.signed.session)
        .await?;
    let url = totp::enrolment_url(&secret, &staff.actor().username).unwrap_or_default();
    html(&TotpSetupPage {
        c: staff.chrome("/account"),
        qr_svg: qr_svg(&url),
        secret,
        errors,
    })
}

/// GET /account/totp — the secret to scan, made and kept on the server for this session;
/// nothing is enrolled until the password and a code confirm it.
pub async fn totp_setup(staff: Staff) -> Result<Response, Failure> {
    if staff.signed.session.totp_enabled {
        return Ok(Redirect::to("/account").into_response());
    }
    setup_page(&staff, FormErrors::default()).await
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
pub async fn totp_enable(staff: Staff, Form(form): Form<TotpEnable>) -> Result<Response, Failure> {
    match staff
        .state
        .store
        .auth()
        .enable_totp(
            &staff.signed.session,
            &form.password,
            &form.code,
            &staff.signed.client.address,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?notice=totp_on").into_response()),
        Err(e) => {
            let errors = FormErrors::from_store(staff.lang(), e)?;
            setup_page(&staff, errors).await
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
    staff: Staff,
    Form(form): Form<TotpDisable>,
) -> Result<Response, Failure> {
    match staff
        .state
        .store
        .auth()
        .disable_totp(
            &staff.signed.session,
            &form.password,
            &staff.signed.client.address,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?notice=totp_off").into_response()),
        Err(e) => {
            let errors = FormErrors::from_store(staff.lang(), e)?;
            page(&staff, errors, None).await
        }
    }
}

/// POST /account/tokens/{id}/revoke
pub async fn revoke_token(staff: Staff, Path(id): Path<i64>) -> Result<Response, Failure> {
    staff
        .state
        .store
        .auth()
        .revoke_token(staff.actor(), id, &staff.signed.client.address)
        .await?;
    staff.state.tokens.clear();
    Ok(Redirect::to("/account?notice=revoked").into_response())
}
