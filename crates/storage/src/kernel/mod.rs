//! The foundation every context stands on: the database and its dialects, the schema and its
//! migrations, errors and pages, the audit log's append, the [`Scoped`] entry handle with its
//! permission check, the working-day calendar, the job queue, blobs and sealing, and the operator's health figures
//! (`health.rs`). The kernel
//! imports no context.

pub mod audit;
pub mod blobs;
pub mod calendar;
pub(crate) mod counts;
pub mod db;
pub(crate) mod derived;
pub mod error;
pub mod health;
pub mod jobs;
pub mod migrate;
pub(crate) mod migrations;
pub mod page;
pub(crate) mod schema;
pub(crate) mod scope;
pub mod scoped;
pub mod sealing;
pub(crate) mod write;

pub use scoped::Scoped;
