//! The one argument of a staff page: the application state and the fully signed-in user
//! together, so that a handler does not repeat the preamble of taking both, building the
//! scoped store, the chrome and the role check from them.

use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::i18n::Lang;
use crate::kernel::session::{Signed, ToSignIn};
use crate::kernel::state::AppState;
use crate::kernel::widgets::{permit, scoped};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use minxin_domain::{Actor, Permission};
use minxin_storage::Scoped;

/// A request from a fully signed-in user, with the state every page needs to answer it; a
/// browser that is not signed in is sent to sign in, as by [`Signed`].
pub struct Staff {
    /// The application state.
    pub state: AppState,
    /// The signed-in user and their client.
    pub signed: Signed,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ToSignIn;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ToSignIn> {
        let signed = Signed::from_request_parts(parts, state).await?;
        Ok(Staff {
            state: state.clone(),
            signed,
        })
    }
}

impl Staff {
    /// Storage on behalf of this user.
    pub fn store(&self) -> Scoped<'_> {
        scoped(&self.state, &self.signed)
    }

    /// The frame of this user's page at `path`.
    pub fn chrome(&self, path: &str) -> Chrome {
        Chrome::signed(&self.state, &self.signed, path)
    }

    /// Refuses a page whose forms this user's roles could not submit (see [`permit`]).
    pub fn permit(&self, permission: Permission) -> Result<(), Failure> {
        permit(&self.signed, permission)
    }

    /// The page language.
    pub fn lang(&self) -> Lang {
        self.signed.client.lang
    }

    /// Who is acting.
    pub fn actor(&self) -> &Actor {
        &self.signed.session.actor
    }
}
