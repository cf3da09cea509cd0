//! Minxin's domain: the vocabulary of SPEC §3 as plain types, and the rules that govern them as
//! pure functions. Nothing here touches a database, a clock or the network, so every rule can be
//! tested directly and reused by storage, pages, the API and the CLI alike.
//!
//! One module per bounded context, in downward order: a context may use those listed before
//! it, never those after it, and the kernel uses none (`scripts/module-cycles` checks this).

pub mod kernel;

pub mod org;

pub mod identity;

pub mod projects;

pub mod control;

pub mod requests;

pub mod openness;

pub use identity::actor::Actor;
pub use identity::permission::Permission;
pub use identity::role::{Role, RoleSet};
pub use kernel::problem::{FieldProblem, Problem};
pub use org::scope::DataScope;
