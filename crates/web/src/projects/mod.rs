//! The project registry: the list, a project's file, its form, milestones and lifecycle, its
//! documents and attachments, and the annual plan's Excel import and export, as pages and as
//! API operations.

pub mod api;
pub mod pages;
