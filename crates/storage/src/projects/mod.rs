//! The project registry (项目库): projects with their partners, budget lines, milestones,
//! lifecycle and documents. Every read is narrowed to the actor's data scope; every change is
//! checked against [`minxin_domain::projects::access`] and audited with before and after.

mod attachments;
mod import;
pub(crate) mod lifecycle;
pub(crate) mod list;
mod managers;
pub(crate) mod milestones;
pub(crate) mod read;
pub mod seed;
mod signboards;
mod write;

pub use attachments::{Attachment, may_attach, may_remove};
pub use import::{IMPORT_MOVE, ImportOptions, ImportPlan, ImportReport, RowAction, RowPlan};
pub use lifecycle::{GateView, TransitionInput, TransitionRecord};
pub use list::{NO_LIGHT, Pool, ProjectFilter, ProjectSummary, SortKey};
pub use managers::ManagerRef;
pub use milestones::{Milestone, MilestoneInput};
pub use minxin_domain::projects::draft::{ProjectDraft, ProjectInput};
pub use minxin_domain::projects::progress::{ProgressInput, ProgressUpdate};
pub use read::{BudgetLine, DepartmentRef, Project};
pub use signboards::{PlanSignboards, SignboardSource};

use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use std::future::Future;
use std::pin::Pin;

/// What a light refresh returns: a future borrowing the transaction it writes in.
pub(crate) type Refreshing<'t> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 't>>;

/// Control's traffic light as projects need it: a change to a project's registry data,
/// milestones or stage brings its light up to date in the same transaction. Projects sit below
/// control, so they declare this port and control implements it (`control::lights::Light`);
/// the crate root hands it to the store, where the registry's operations find it.
pub(crate) trait LightPort: std::fmt::Debug + Send + Sync {
    /// Recomputes and stores the light of project `project_id` inside `tx`.
    fn refresh<'t>(&'t self, tx: &'t mut Tx, project_id: i64) -> Refreshing<'t>;
}

crate::kernel::scoped::handle!(
    /// The project registry (项目库) for one actor: projects, milestones, lifecycle,
    /// documents, import and signboards.
    Registry,
    projects
);
