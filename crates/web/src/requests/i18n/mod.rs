//! Service requests' wording on [`crate::kernel::i18n::Lang`]: intake refusals
//! (`requests.rs`) and the routing settings' refusals (`routing.rs`).

mod requests;
mod routing;
