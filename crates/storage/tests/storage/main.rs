//! The storage suite, one module per concern, in one test binary so the suite links once.
//! Every test runs on SQLite and, when `MINXIN_TEST_DATABASE_URL` is set, on PostgreSQL too;
//! set-up is shared through `minxin_storage::testing`.

mod attachments;
mod blobs;
mod bulletin;
mod categories;
mod credentials;
mod dashboard;
mod foundation;
mod health;
mod import;
mod in_use;
mod job_schedule;
mod jobs;
mod light_rules;
mod open311;
mod placement;
mod plan_totals;
mod portal;
mod progress;
mod projects;
mod public;
mod publishing;
mod report_photos;
mod request_stats;
mod requests;
mod routing;
mod signboards;
mod support;
