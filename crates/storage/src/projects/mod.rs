//! The project registry (项目库): projects with their partners, budget lines, milestones,
//! lifecycle and documents. Every read is narrowed to the actor's data scope; every change is
//! checked against [`minxin_domain::projects::access`] and audited with before and after.

mod attachments;
pub(crate) mod categories;
mod import;
pub(crate) mod lifecycle;
pub(crate) mod list;
mod managers;
pub(crate) mod milestones;
pub(crate) mod read;
mod signboards;
mod write;

pub use attachments::{Attachment, may_attach, may_remove};
pub use categories::{Category, CategoryChange, CategoryInput};
pub use import::{IMPORT_MOVE, ImportOptions, ImportPlan, ImportReport, RowAction, RowPlan};
pub use lifecycle::{GateView, TransitionInput, TransitionRecord};
pub use list::{NO_LIGHT, Pool, ProjectFilter, ProjectSummary, SortKey};
pub use managers::ManagerRef;
pub use milestones::{Milestone, MilestoneInput};
pub use read::{BudgetLine, DepartmentRef, Project};
pub use signboards::{PlanSignboards, SignboardSource};
pub use write::{ProgressInput, ProjectInput};
