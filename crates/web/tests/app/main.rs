//! The web crate's HTTP-level tests in one binary (one link instead of one per file): pages and
//! the JSON API through their routes, each module a former test file, all built on the
//! shared harness in `tests/common`.

#[path = "../common/mod.rs"]
mod common;

mod api;
mod api_contract;
mod attachments;
mod audit_privacy;
mod blob_storage;
mod bulletin;
mod dashboard;
mod downloads;
mod import;
mod jobs;
mod light_rules_pages;
mod numeric_params;
mod observability;
mod open311;
mod pages;
mod photo_limits;
mod portal_pages;
mod progress_api;
mod progress_pages;
mod project_pages;
mod public_pages;
mod publishing_pages;
mod read_only_posts;
mod request_pages;
mod request_settings_api;
mod request_stats_pages;
mod request_work_pages;
mod requests_api;
mod routing_pages;
mod signboards;
