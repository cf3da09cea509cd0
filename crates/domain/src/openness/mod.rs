//! What the public sees (SPEC §8): which projects and reports are public, signboards and the
//! OC4IDS open data.

pub mod oc4ids;
pub mod public;
pub mod signboard;
