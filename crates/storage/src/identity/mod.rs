//! Who acts: accounts and their roles, sign-in, sessions, the second factor and API tokens
//! ([`Auth`]), the security policy, and what whoever runs the binary may do without an actor
//! (bootstrap).

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod credentials;
pub mod settings;
pub mod totp;

pub use auth::Auth;

crate::kernel::scoped::handle!(
    /// The operations on accounts, the security policy and the audit log for one actor.
    Identity,
    identity
);
