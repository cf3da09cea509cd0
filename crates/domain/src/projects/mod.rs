//! The project registry (SPEC §3–4): the project and its code, the lifecycle's stages and gates,
//! documents, who may see and change a project, the registry fields parsed once at the edge
//! (`draft`, `fields`), a manager's progress (`progress`), and the annual plan's import.

pub mod access;
pub mod code;
pub mod document;
pub mod draft;
pub mod fields;
pub mod import;
pub mod lifecycle;
pub mod progress;
pub mod project;
