//! Minxin's domain: the vocabulary of SPEC §3 as plain types, and the rules that govern them as
//! pure functions. Nothing here touches a database, a clock or the network, so every rule can be
//! tested directly and reused by storage, pages, the API and the CLI alike.

pub mod actor;
pub mod audit;
pub mod boundary;
pub mod boundary_import;
pub mod bulletin;
pub mod calendar;
mod codes;
pub mod document;
pub mod duplicates;
pub mod finance;
pub mod geo;
pub mod import;
pub mod lifecycle;
pub mod light;
pub mod lockout;
pub mod money;
pub mod oc4ids;
pub mod open311;
pub mod password_policy;
pub mod permission;
pub mod personal_data;
pub mod placement;
pub mod portal_map;
pub mod problem;
pub mod progress;
pub mod project;
pub mod project_access;
pub mod project_code;
pub mod public;
pub mod ranking;
pub mod rate_limit;
pub mod receipt;
pub mod region;
pub mod report;
pub mod request_access;
pub mod request_deadline;
pub mod request_intake;
pub mod request_stats;
pub mod role;
pub mod routing;
pub mod scope;
pub mod security_policy;
pub mod segregation;
pub mod service_request;
pub mod session_policy;
pub mod signboard;
pub mod three_rates;
pub mod time;

pub use actor::Actor;
pub use permission::Permission;
pub use problem::{FieldProblem, Problem};
pub use role::{Role, RoleSet};
pub use scope::DataScope;
