//! Progress control's wording on [`crate::kernel::i18n::Lang`]: money refusals and light reasons
//! (`progress.rs`) and the bulletin's sentences (`bulletin.rs`).

mod bulletin;
mod progress;
