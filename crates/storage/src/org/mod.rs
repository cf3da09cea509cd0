//! The organisation the data is scoped by: the region tree, the departments and the category
//! dictionary of projects.

pub mod categories;
pub mod departments;
pub mod regions;

pub use categories::{Category, CategoryChange, CategoryInput};

crate::kernel::scoped::handle!(
    /// The organisation's operations for one actor: regions, departments and categories.
    Org,
    org
);
