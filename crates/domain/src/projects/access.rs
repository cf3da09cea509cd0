//! Who may do what to one project, beyond the role check: the project office manages every
//! project in its scope, department staff those their department leads (partners only read),
//! and a project manager keeps the progress of the projects assigned to them.

use crate::identity::actor::Actor;
use crate::identity::role::Role;

/// The facts about a project that access depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectOwnership {
    /// The lead department.
    pub lead_department_id: i64,
    /// The account assigned as project manager, if any.
    pub manager_id: Option<i64>,
}

/// Whether the actor's own departments include `department_id`. An actor whose scope is not
/// narrowed to departments has no departments of their own.
fn in_own_departments(actor: &Actor, department_id: i64) -> bool {
    actor.scope.departments.contains(&department_id)
}

/// Whether `actor` may edit the registry fields and milestones and move the project through
/// its lifecycle.
pub fn may_manage(actor: &Actor, project: ProjectOwnership) -> bool {
    actor.roles.has(Role::Office)
        || (actor.roles.has(Role::Dept) && in_own_departments(actor, project.lead_department_id))
}

/// Whether `actor` may update the project's progress (percent complete, progress note,
/// milestone completion).
pub fn may_report_progress(actor: &Actor, project: ProjectOwnership) -> bool {
    may_manage(actor, project)
        || (actor.roles.has(Role::Manager) && project.manager_id == Some(actor.account_id))
}

/// Whether `actor` may create projects at all (office anywhere in scope, department staff for
/// their own departments).
pub fn may_create(actor: &Actor) -> bool {
    actor.roles.has(Role::Office)
        || (actor.roles.has(Role::Dept) && !actor.scope.departments.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::role::RoleSet;
    use crate::org::scope::DataScope;

    fn actor(role: Role, departments: Vec<i64>) -> Actor {
        Actor {
            account_id: 7,
            username: "u".into(),
            roles: RoleSet::new([role]),
            scope: DataScope {
                region_path: Some("/1/".into()),
                departments,
            },
        }
    }

    const LED_BY_5: ProjectOwnership = ProjectOwnership {
        lead_department_id: 5,
        manager_id: Some(7),
    };

    #[test]
    fn office_manages_everything_in_scope() {
        assert!(may_manage(&actor(Role::Office, vec![]), LED_BY_5));
        assert!(may_create(&actor(Role::Office, vec![])));
    }

    #[test]
    fn departments_manage_what_they_lead() {
        assert!(may_manage(&actor(Role::Dept, vec![5]), LED_BY_5));
        assert!(!may_manage(&actor(Role::Dept, vec![6]), LED_BY_5));
        assert!(!may_manage(&actor(Role::Dept, vec![]), LED_BY_5));
        assert!(may_create(&actor(Role::Dept, vec![6])));
        assert!(!may_create(&actor(Role::Dept, vec![])));
    }

    #[test]
    fn managers_report_on_their_own_projects_only() {
        let manager = actor(Role::Manager, vec![5]);
        assert!(!may_manage(&manager, LED_BY_5));
        assert!(may_report_progress(&manager, LED_BY_5));
        let other = ProjectOwnership {
            manager_id: Some(8),
            ..LED_BY_5
        };
        assert!(!may_report_progress(&manager, other));
        assert!(!may_create(&manager));
    }

    #[test]
    fn readers_change_nothing() {
        for role in [Role::Leader, Role::Finance, Role::Supervisor, Role::Grid] {
            let a = actor(role, vec![5]);
            assert!(!may_manage(&a, LED_BY_5) && !may_report_progress(&a, LED_BY_5));
            assert!(!may_create(&a));
        }
    }
}
