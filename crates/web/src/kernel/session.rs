//! Session cookies and the extractors that turn them into a signed-in user. Pages that need a
//! fully signed-in user take [`Signed`]; the few pages that finish signing in (second factor,
//! forced password change, sign-out) take [`Pending`].

use crate::kernel::client::Client;
use crate::kernel::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use minxin_storage::identity::auth::SessionContext;

/// Where staff land after signing in: the portal has `/`, so their home page is one step in.
pub const WORK_HOME: &str = "/work";

/// The session cookie: an opaque random token, stored server-side only as a digest.
pub const SESSION_COOKIE: &str = "minxin_session";
/// The pre-session cookie that binds CSRF tokens before sign-in.
pub const PRE_SESSION_COOKIE: &str = "minxin_pre";

/// A cookie with the project's defaults: HttpOnly, SameSite=Lax, path `/`, Secure over HTTPS.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .build()
}

/// A cookie that deletes `name`.
pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut c = Cookie::build((name, "")).path("/").build();
    c.make_removal();
    c
}

/// A request from a browser with a session, whatever state its sign-in is in.
pub struct Pending {
    /// The session.
    pub session: SessionContext,
    /// The client.
    pub client: Client,
}

/// A request from a fully signed-in user: password current, second factor done.
pub struct Signed {
    /// The session.
    pub session: SessionContext,
    /// The client.
    pub client: Client,
}

/// Where to send a browser that is not (fully) signed in.
pub struct ToSignIn(Redirect);

impl IntoResponse for ToSignIn {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

fn sign_in_redirect(parts: &Parts) -> ToSignIn {
    let next = parts
        .uri
        .path_and_query()
        .map_or(WORK_HOME, |p| p.as_str())
        .to_owned();
    let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    ToSignIn(Redirect::to(&format!("/login?{query}")))
}

impl FromRequestParts<AppState> for Pending {
    type Rejection = ToSignIn;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ToSignIn> {
        let client = Client::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let Some(token) = client
            .cookies
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
        else {
            return Err(sign_in_redirect(parts));
        };
        match state.store.auth().session(&token).await {
            Ok(Some(session)) => Ok(Pending { session, client }),
            Ok(None) => Err(sign_in_redirect(parts)),
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                Err(sign_in_redirect(parts))
            }
        }
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = ToSignIn;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ToSignIn> {
        let Pending { session, client } = Pending::from_request_parts(parts, state).await?;
        if session.second_factor_pending {
            return Err(ToSignIn(Redirect::to("/login/totp")));
        }
        if session.must_change_password {
            return Err(ToSignIn(Redirect::to("/account/password")));
        }
        Ok(Signed { session, client })
    }
}
