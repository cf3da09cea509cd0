//! The caller of every storage operation: who they are, what roles they hold and what they may
//! see. Storage receives an [`Actor`] instead of trusting its caller to have checked.

use crate::identity::permission::{self, Permission};
use crate::identity::role::RoleSet;
use crate::org::scope::DataScope;
use serde::Serialize;

/// A signed-in account as seen by the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The account's id.
    pub account_id: i64,
    /// The account's user name, kept for the audit log.
    pub username: String,
    /// The account's roles.
    pub roles: RoleSet,
    /// The account's data scope.
    pub scope: DataScope,
}

impl Actor {
    /// Whether the actor's roles carry `permission`.
    pub fn may(&self, permission: Permission) -> bool {
        permission::allows(&self.roles, permission)
    }
}
