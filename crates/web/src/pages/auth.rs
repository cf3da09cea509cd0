//! Signing in and out: the password form, the second-factor step, sign-out and the language
//! switch.

use super::chrome::Chrome;
use super::home::WORK_HOME;
use super::{html, redirect_with_cookies};
use crate::client::{Client, LANG_COOKIE};
use crate::error::Failure;
use crate::i18n::Lang;
use crate::session::{Pending, SESSION_COOKIE, cookie, removal};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cookie::time as cookie_time;
use minxin_domain::kernel::redirect::same_site_path;
use minxin_domain::kernel::time::format_local;
use minxin_storage::Auth;
use minxin_storage::auth::{Attempt, SignInError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    username: String,
    next: String,
    error: Option<String>,
}

/// Query of the sign-in page.
#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

/// Only same-site paths are followed after sign-in or a language switch, never another host
/// ([`same_site_path`]); anything else goes to the work home.
fn safe_next(next: Option<&str>) -> String {
    next.and_then(same_site_path)
        .unwrap_or(WORK_HOME)
        .to_owned()
}

/// GET /login
pub async fn form(
    State(state): State<AppState>,
    client: Client,
    Query(q): Query<LoginQuery>,
) -> Result<Response, Failure> {
    let (c, jar) = Chrome::pre_session(&state, &client, "/login");
    let page = LoginPage {
        c: c.with_notice(super::form::notice(q.notice.as_deref())),
        username: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
    };
    Ok((jar, html(&page)?).into_response())
}

/// The sign-in form as posted.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn refusal_message(lang: Lang, e: &SignInError) -> Option<String> {
    let local = |t| format_local(t);
    Some(match e {
        SignInError::BadCredentials => lang.t("login.bad_credentials").into(),
        SignInError::AccountLocked(until) => {
            lang.fill("login.account_locked", &[("until", local(*until))])
        }
        SignInError::AddressLocked(until) => {
            lang.fill("login.address_locked", &[("until", local(*until))])
        }
        SignInError::Disabled => lang.t("login.disabled").into(),
        SignInError::PasswordChangeRequired | SignInError::SecondFactorRequired => return None,
        SignInError::Store(_) => return None,
    })
}

/// POST /login
pub async fn submit(
    State(state): State<AppState>,
    client: Client,
    Form(form): Form<LoginForm>,
) -> Result<Response, Failure> {
    let lang = client.lang;
    let next = safe_next(Some(&form.next));
    let again = |error: String| -> Result<Response, Failure> {
        let (c, jar) = Chrome::pre_session(&state, &client, "/login");
        let page = LoginPage {
            c,
            username: form.username.chars().take(64).collect(),
            next: next.clone(),
            error: Some(error),
        };
        Ok((jar, html(&page)?).into_response())
    };
    if let Err(minxin_storage::StoreError::Invalid(problems)) =
        Auth::check_form(&form.username, &form.password)
    {
        let message = problems
            .iter()
            .map(|p| format!("{}：{}", lang.field(p.field), lang.problem(&p.problem)))
            .collect::<Vec<_>>()
            .join("；");
        return again(message);
    }
    let attempt = Attempt {
        username: &form.username,
        password: &form.password,
        address: &client.address,
        user_agent: &client.user_agent,
    };
    match state.store.auth().sign_in(&attempt).await {
        Ok(signed_in) => {
            let jar = client.cookies.clone().add(cookie(
                SESSION_COOKIE,
                signed_in.token,
                state.config.secure_cookies,
            ));
            let target = if signed_in.second_factor_pending {
                "/login/totp".to_owned()
            } else if signed_in.must_change_password {
                "/account/password".to_owned()
            } else {
                next
            };
            Ok(redirect_with_cookies(jar, &target))
        }
        Err(SignInError::Store(e)) => Err(e.into()),
        Err(refusal) => again(refusal_message(lang, &refusal).unwrap_or_default()),
    }
}

#[derive(Template)]
#[template(path = "totp_verify.html")]
struct TotpPage {
    c: Chrome,
    error: Option<String>,
}

/// GET /login/totp
pub async fn totp_form(State(state): State<AppState>, p: Pending) -> Result<Response, Failure> {
    if !p.session.second_factor_pending {
        return Ok(Redirect::to(WORK_HOME).into_response());
    }
    let (c, _) = Chrome::pre_session(&state, &p.client, "/login/totp");
    html(&TotpPage { c, error: None })
}

/// The second-factor form.
#[derive(Deserialize)]
pub struct TotpForm {
    #[serde(default)]
    code: String,
}

/// POST /login/totp
pub async fn totp_submit(
    State(state): State<AppState>,
    p: Pending,
    Form(form): Form<TotpForm>,
) -> Result<Response, Failure> {
    let ok = state
        .store
        .auth()
        .verify_second_factor(&p.session, &form.code, &p.client.address)
        .await?;
    if ok {
        let target = if p.session.must_change_password {
            "/account/password"
        } else {
            WORK_HOME
        };
        return Ok(Redirect::to(target).into_response());
    }
    let (c, _) = Chrome::pre_session(&state, &p.client, "/login/totp");
    let error = Some(p.client.lang.problem(&minxin_domain::Problem::WrongTotp));
    html(&TotpPage { c, error })
}

/// POST /logout
pub async fn sign_out(State(state): State<AppState>, p: Pending) -> Result<Response, Failure> {
    state
        .store
        .auth()
        .sign_out(&p.session, &p.client.address)
        .await?;
    let jar = p.client.cookies.clone().add(removal(SESSION_COOKIE));
    Ok(redirect_with_cookies(jar, "/login?notice=signed_out"))
}

/// Query of the language switch.
#[derive(Deserialize)]
pub struct LangQuery {
    to: String,
    next: Option<String>,
}

/// GET /lang?to=en&next=/path — remembers the language for a year.
pub async fn switch_language(
    State(state): State<AppState>,
    client: Client,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = Lang::from_tag(&q.to).unwrap_or_default();
    let mut c = cookie(
        LANG_COOKIE,
        lang.tag().to_owned(),
        state.config.secure_cookies,
    );
    c.set_max_age(Some(cookie_time::Duration::days(365)));
    redirect_with_cookies(client.cookies.clone().add(c), &safe_next(q.next.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::{WORK_HOME, safe_next};

    #[test]
    fn only_local_paths_are_followed_else_home() {
        assert_eq!(
            safe_next(Some("/admin/accounts?page=2")),
            "/admin/accounts?page=2"
        );
        assert_eq!(safe_next(Some("/\t/evil.example")), WORK_HOME);
        assert_eq!(safe_next(None), WORK_HOME);
    }
}
