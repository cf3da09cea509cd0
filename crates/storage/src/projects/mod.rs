//! The project registry (项目库): projects with their partners, budget lines, milestones,
//! lifecycle and documents. Every read is narrowed to the actor's data scope; every change is
//! checked against [`minxin_domain::project_access`] and audited with before and after.

mod categories;
mod lifecycle;
mod list;
mod milestones;
mod read;
mod write;

pub use categories::{Category, CategoryInput};
pub use lifecycle::{GateView, TransitionInput, TransitionRecord};
pub use list::{Pool, ProjectFilter, ProjectSummary, SortKey};
pub use milestones::{Milestone, MilestoneInput};
pub use read::{BudgetLine, DepartmentRef, Project};
pub use write::{ProgressInput, ProjectInput};
