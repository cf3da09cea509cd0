//! Service requests' wording on [`crate::kernel::i18n::Lang`]: the states of a request and the
//! calendar's and publishing check's refusals (`requests.rs`); the routing settings' refusals
//! word themselves in the domain.

mod requests;
