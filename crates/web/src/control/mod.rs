//! Progress control: monthly reports with their photos, the books (contracts and money), the
//! lights and each region's light rules, reminders, bulletins and the leader dashboard, as
//! pages and as API operations, the nightly run as a job (`jobs.rs`), with the wording of their refusals and reasons (`i18n/`).

pub mod api;
mod i18n;
pub mod jobs;
pub mod pages;
