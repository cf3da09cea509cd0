//! The roles of SPEC §2. An account holds a set of roles; what each role may do is decided in
//! [`crate::identity::permission`], and which roles may be combined in [`crate::identity::segregation`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A role an account can hold. The string codes are stable: they are stored, used as demo user
/// names and appear in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 系统管理员: accounts, organisation tree, configuration.
    Sysadmin,
    /// 安全管理员: grants and revokes roles and data scopes.
    Secadmin,
    /// 审计管理员: reads the audit log and the ledger.
    Auditor,
    /// 领导: reads everything in their region, approves stage gates.
    Leader,
    /// 管理中心: the project office.
    Office,
    /// 部门人员: department staff.
    Dept,
    /// 项目负责人: keeps one project's progress.
    Manager,
    /// 财政: budget approvals and disbursements.
    Finance,
    /// 监督委员: residents' representatives and deputies.
    Supervisor,
    /// 第三方评估: third-party evaluators.
    Evaluator,
    /// 网格员: grid workers entering requests for residents.
    Grid,
}

impl Role {
    /// Every role, in the order of SPEC §2.
    pub const ALL: [Role; 11] = [
        Role::Sysadmin,
        Role::Secadmin,
        Role::Auditor,
        Role::Leader,
        Role::Office,
        Role::Dept,
        Role::Manager,
        Role::Finance,
        Role::Supervisor,
        Role::Evaluator,
        Role::Grid,
    ];

    /// The three administrator roles that 三员分立 keeps apart.
    pub const ADMINISTRATORS: [Role; 3] = [Role::Sysadmin, Role::Secadmin, Role::Auditor];

    /// The stable code stored in the database and shown in the API.
    pub fn code(self) -> &'static str {
        match self {
            Role::Sysadmin => "sysadmin",
            Role::Secadmin => "secadmin",
            Role::Auditor => "auditor",
            Role::Leader => "leader",
            Role::Office => "office",
            Role::Dept => "dept",
            Role::Manager => "manager",
            Role::Finance => "finance",
            Role::Supervisor => "supervisor",
            Role::Evaluator => "evaluator",
            Role::Grid => "grid",
        }
    }

    /// Whether this is one of the three separated administrator roles.
    pub fn is_administrator(self) -> bool {
        Self::ADMINISTRATORS.contains(&self)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error of parsing an unknown role code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role code `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// The roles one account holds, kept sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    /// Builds a set from any roles, dropping repeats.
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut v: Vec<Role> = roles.into_iter().collect();
        v.sort();
        v.dedup();
        Self(v)
    }

    /// Whether the set holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    /// Whether the set holds no role at all (a fresh account waiting for 安全管理员).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The roles in SPEC order.
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    /// The set with `role` added.
    pub fn with(&self, role: Role) -> Self {
        Self::new(self.iter().chain([role]))
    }

    /// The set with `role` removed.
    pub fn without(&self, role: Role) -> Self {
        Self::new(self.iter().filter(|r| *r != role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn role_set_is_sorted_and_unique() {
        let set = RoleSet::new([Role::Office, Role::Leader, Role::Office]);
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![Role::Leader, Role::Office]
        );
        assert!(set.with(Role::Dept).has(Role::Dept));
        assert!(!set.without(Role::Office).has(Role::Office));
    }
}
