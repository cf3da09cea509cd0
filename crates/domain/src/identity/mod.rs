//! Who is acting and what they may do: roles, permissions, actors, 三员分立, and the password,
//! lockout and session policies of sign-in.

pub mod actor;
pub mod lockout;
pub mod password_policy;
pub mod permission;
pub mod role;
pub mod security_policy;
pub mod segregation;
pub mod session_policy;
