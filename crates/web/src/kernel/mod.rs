//! The foundation every context builds on, importing none of them: the application state and
//! its configuration (`state.rs`), failures and their rendering (`error.rs`), sessions and CSRF
//! (`session.rs`, `csrf.rs`), a staff page's one argument (`staff.rs`), the caller's address
//! and language (`client.rs`), languages and catalogues (`i18n.rs`; each context words its own refusals in its `i18n/`), what every page
//! shares — rendering (`page.rs`), the chrome around it (`chrome.rs`), widgets and form helpers
//! (`widgets.rs`, `form.rs`, the post of a create or edit form in `edit.rs`), file downloads
//! (`disposition.rs`, `download.rs`, `file_response.rs`) — HTTP caching (`http_cache.rs`,
//! `page_cache.rs`), static files (`assets.rs`), the background worker (`jobs.rs`), metrics, probes and request ids
//! (`observability/`), security
//! headers and the upload body limit (`security.rs`), the map tile source (`tiles.rs`), the
//! process-wide limits and caches (`decode_slots.rs`, `intake_limit.rs`, `token_cache.rs`,
//! `calendar_state.rs`, `open311_state.rs`) and the JSON API's callers, extractors and OpenAPI
//! plumbing (`api/`).

pub mod api;
pub(crate) mod assets;
pub mod calendar_state;
pub mod chrome;
pub mod client;
pub mod csrf;
pub mod decode_slots;
pub mod disposition;
pub mod download;
pub mod edit;
pub mod error;
pub mod file_response;
pub mod form;
pub mod http_cache;
pub mod i18n;
pub mod intake_limit;
pub mod jobs;
pub mod observability;
pub mod open311_state;
pub mod page;
pub mod page_cache;
pub mod security;
pub mod session;
pub mod staff;
pub mod state;
pub mod tiles;
pub mod token_cache;
pub mod widgets;
