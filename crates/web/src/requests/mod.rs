//! Residents' service requests: the residents' own pages (the form, the receipt, following and
//! rating), the staff's queues, files, moves, entry, routing settings, statistics and calendar,
//! Open311 GeoReport v2 with its keys, the API and the ten-minute escalation job (`jobs.rs`), with the wording of refusals (`i18n/`).

pub mod api;
mod i18n;
pub mod jobs;
pub mod open311;
pub mod pages;
