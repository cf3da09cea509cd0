//! 三员分立: the system, security and audit administrators are three different people, none of
//! whom also does business work, and an administrator never widens their own powers.

use crate::identity::actor::Actor;
use crate::identity::role::{Role, RoleSet};
use crate::kernel::problem::Problem;
use crate::org::scope::DataScope;

/// Checks that one account may hold all of `roles` at once.
pub fn check_role_set(roles: &RoleSet) -> Result<(), Problem> {
    let administrators = roles.iter().filter(|r| r.is_administrator()).count();
    let total = roles.iter().count();
    if administrators > 0 && total > 1 {
        Err(Problem::RolesSegregated)
    } else {
        Ok(())
    }
}

/// Whether a system administrator may edit, reset or disable an account holding `target_roles`.
/// Never one held by the security or audit administrator: resetting their password would let
/// the system administrator take over their duties.
pub fn may_manage_account(target_roles: &RoleSet) -> bool {
    !target_roles.has(Role::Secadmin) && !target_roles.has(Role::Auditor)
}

/// Checks that `granter` may give the account `target_id` the roles `roles` and scope `scope`.
pub fn check_grant(
    granter: &Actor,
    target_id: i64,
    roles: &RoleSet,
    scope: &DataScope,
) -> Result<(), Problem> {
    if granter.account_id == target_id {
        return Err(Problem::SelfGrant);
    }
    check_role_set(roles)?;
    if !granter.scope.contains(scope) {
        return Err(Problem::ScopeTooWide);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secadmin() -> Actor {
        Actor {
            account_id: 2,
            username: "secadmin".into(),
            roles: RoleSet::new([Role::Secadmin]),
            scope: DataScope::region("/1/"),
        }
    }

    #[test]
    fn administrators_hold_one_role_only() {
        assert!(check_role_set(&RoleSet::new([Role::Sysadmin])).is_ok());
        assert!(check_role_set(&RoleSet::new([Role::Office, Role::Dept])).is_ok());
        assert!(check_role_set(&RoleSet::default()).is_ok());
        assert_eq!(
            check_role_set(&RoleSet::new([Role::Sysadmin, Role::Auditor])),
            Err(Problem::RolesSegregated)
        );
        assert_eq!(
            check_role_set(&RoleSet::new([Role::Secadmin, Role::Office])),
            Err(Problem::RolesSegregated)
        );
    }

    #[test]
    fn sysadmin_cannot_take_over_the_other_administrators() {
        assert!(may_manage_account(&RoleSet::new([Role::Office])));
        assert!(may_manage_account(&RoleSet::new([Role::Sysadmin])));
        assert!(!may_manage_account(&RoleSet::new([Role::Secadmin])));
        assert!(!may_manage_account(&RoleSet::new([Role::Auditor])));
    }

    #[test]
    fn no_self_grant_and_no_wider_scope() {
        let g = secadmin();
        let office = RoleSet::new([Role::Office]);
        assert!(check_grant(&g, 9, &office, &DataScope::region("/1/4/")).is_ok());
        assert_eq!(
            check_grant(&g, 2, &office, &DataScope::region("/1/")),
            Err(Problem::SelfGrant)
        );
        assert_eq!(
            check_grant(&g, 9, &office, &DataScope::region("/7/")),
            Err(Problem::ScopeTooWide)
        );
        assert_eq!(
            check_grant(
                &g,
                9,
                &RoleSet::new([Role::Auditor, Role::Leader]),
                &g.scope
            ),
            Err(Problem::RolesSegregated)
        );
    }
}
