//! What each role may do. Storage asks [`allows`] before every read and write, so a page or API
//! route that forgot a check still cannot reach data it should not.

use crate::identity::role::{Role, RoleSet};

/// An action on a kind of data. New capabilities add variants here and rows in [`granted_by`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read regions and departments in scope; every signed-in role needs this to work at all.
    ReadOrganisation,
    /// Create, rename and remove regions and departments.
    ManageOrganisation,
    /// Read accounts in scope.
    ReadAccounts,
    /// Create and edit accounts, reset passwords, unlock, disable.
    ManageAccounts,
    /// Grant and revoke roles and data scopes.
    GrantRoles,
    /// Read and export the audit log.
    ReadAudit,
    /// Change system configuration such as the security policy.
    ManageConfiguration,
    /// Read projects in scope.
    ReadProjects,
    /// Extend the category dictionary.
    ManageDictionary,
    /// Record contracts, budget approvals, disbursements and payments (and their corrections).
    RecordMoney,
    /// Accept or return monthly progress reports.
    ReviewReports,
    /// Set the traffic-light thresholds and the report due day of a region.
    ManageLightRules,
    /// See the leader dashboard and the bulletins of a region.
    ReadDashboard,
    /// Print the signboards (公示牌) of a whole annual plan at once.
    PrintSignboards,
    /// Dispatch, accept, transfer, answer and merge residents' service requests.
    HandleRequests,
    /// Enter a service request on a resident's behalf (phone, counter, visit).
    EnterRequests,
    /// Read service requests in scope (queues, a request's file); contact details only go to
    /// those handling it, see `request_access::handles`.
    ReadRequests,
    /// Decide which requests the public sees, in what words; set routing rules and community
    /// boundaries; enter the years of the working-day calendar deadlines count on.
    ModerateRequests,
    /// Issue, list and revoke the API keys Open311 clients post service requests with.
    ManageOpen311Keys,
}

/// The roles that carry `permission`. 三员分立: the three administrator permissions each belong to
/// exactly one administrator role and to nobody else.
pub fn granted_by(permission: Permission) -> &'static [Role] {
    use Role::*;
    match permission {
        Permission::ReadOrganisation => &Role::ALL,
        Permission::ManageOrganisation | Permission::ManageConfiguration => &[Sysadmin],
        Permission::ReadAccounts => &[Sysadmin, Secadmin],
        Permission::ManageAccounts => &[Sysadmin],
        Permission::GrantRoles => &[Secadmin],
        Permission::ReadAudit => &[Auditor],
        Permission::ReadProjects => &[
            Leader, Office, Dept, Manager, Finance, Supervisor, Evaluator, Grid,
        ],
        Permission::ManageDictionary
        | Permission::ReviewReports
        | Permission::ManageLightRules
        | Permission::PrintSignboards
        | Permission::ManageOpen311Keys => &[Office],
        Permission::RecordMoney => &[Finance],
        Permission::ReadDashboard => &[Leader, Office],
        Permission::HandleRequests => &[Office, Dept],
        Permission::EnterRequests => &[Office, Dept, Grid],
        Permission::ReadRequests => &[Leader, Office, Dept, Supervisor, Grid],
        Permission::ModerateRequests => &[Office],
    }
}

/// Whether an account holding `roles` may do `permission`.
pub fn allows(roles: &RoleSet, permission: Permission) -> bool {
    granted_by(permission).iter().any(|r| roles.has(*r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrator_duties_are_separate() {
        let only = |r: Role| RoleSet::new([r]);
        assert!(allows(&only(Role::Sysadmin), Permission::ManageAccounts));
        assert!(!allows(&only(Role::Sysadmin), Permission::GrantRoles));
        assert!(!allows(&only(Role::Sysadmin), Permission::ReadAudit));
        assert!(allows(&only(Role::Secadmin), Permission::GrantRoles));
        assert!(!allows(&only(Role::Secadmin), Permission::ManageAccounts));
        assert!(!allows(&only(Role::Secadmin), Permission::ReadAudit));
        assert!(allows(&only(Role::Auditor), Permission::ReadAudit));
        assert!(!allows(
            &only(Role::Auditor),
            Permission::ManageOrganisation
        ));
        assert!(!allows(&only(Role::Auditor), Permission::GrantRoles));
    }

    #[test]
    fn business_roles_hold_no_administrator_duty() {
        for role in Role::ALL.into_iter().filter(|r| !r.is_administrator()) {
            let set = RoleSet::new([role]);
            for p in [
                Permission::ManageOrganisation,
                Permission::ManageAccounts,
                Permission::ReadAccounts,
                Permission::GrantRoles,
                Permission::ReadAudit,
                Permission::ManageConfiguration,
            ] {
                assert!(!allows(&set, p), "{role} must not have {p:?}");
            }
            assert!(allows(&set, Permission::ReadOrganisation));
            assert!(allows(&set, Permission::ReadProjects));
        }
    }

    #[test]
    fn no_role_no_permission() {
        assert!(!allows(&RoleSet::default(), Permission::ReadOrganisation));
    }
}
