//! The web crate's end-to-end tests in a real headless Chromium, in one binary apart from the
//! HTTP-level tests so that `cargo test --test app` runs without a browser. Needs Debian's
//! `chromium` and `chromium-driver` (`./scripts/test` installs them); see `tests/common/chrome.rs`.

#[path = "../common/mod.rs"]
mod common;

mod dashboard;
mod portal;
mod progress;
mod projects;
mod requests;
mod sign_in;
