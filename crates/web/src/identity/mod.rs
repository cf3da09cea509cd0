//! Who is acting: sign-in with its second factor, sessions and API tokens, one's own account,
//! the office's accounts and their roles and scopes, the security policy and the audit log; and
//! the staff home page sign-in leads to. Pages and API operations over the same storage calls.

pub mod api;
pub mod pages;
