//! Openness: what the public sees without an account — the portal, a project's public page, its
//! photos and the open data (`pages/`) — and the signboards with their QR codes that point
//! there (`signboards/`).

pub mod pages;
pub mod signboards;
