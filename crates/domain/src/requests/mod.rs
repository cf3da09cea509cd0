//! Service requests (SPEC §6): intake, routing and placement, the workflow and its working-day
//! deadlines, access, duplicates, statistics and the three rates, and Open311.

pub mod access;
pub mod deadline;
pub mod duplicates;
pub mod intake;
pub mod open311;
pub mod placement;
pub mod receipt;
mod refusals;
pub mod routing;
pub mod service_request;
pub mod stats;
pub mod three_rates;
