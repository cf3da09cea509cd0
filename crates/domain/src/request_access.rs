//! Who may see and move a service request, beyond the role check (issue 6). The office
//! dispatches and sees every request in its region scope; department staff see the requests
//! their departments hold or coordinate (首问) and act on those they hold; grid workers and
//! leaders read. Contact details go only to those handling the request: the office and the
//! departments holding or coordinating it.

use crate::actor::Actor;
use crate::role::Role;
use crate::service_request::Party;

/// The facts about one request that access depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestOwnership {
    /// The department holding it now.
    pub holder: Option<i64>,
    /// The coordinating department (首问).
    pub owner: Option<i64>,
}

fn own(actor: &Actor, department: Option<i64>) -> Option<i64> {
    department.filter(|d| actor.scope.departments.contains(d))
}

/// The party `actor` acts as on a request: the office, or the department of theirs that holds
/// it (or, failing that, coordinates it); `None` for those who only read.
pub fn party_of(actor: &Actor, request: RequestOwnership) -> Option<Party> {
    if actor.roles.has(Role::Office) {
        return Some(Party::Office);
    }
    if !actor.roles.has(Role::Dept) {
        return None;
    }
    own(actor, request.holder)
        .or_else(|| own(actor, request.owner))
        .map(Party::Department)
}

/// Whether `actor` handles the request, and so may see the resident's contact details.
pub fn handles(actor: &Actor, request: RequestOwnership) -> bool {
    party_of(actor, request).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::RoleSet;
    use crate::scope::DataScope;

    fn actor(role: Role, departments: Vec<i64>) -> Actor {
        Actor {
            account_id: 3,
            username: "u".into(),
            roles: RoleSet::new([role]),
            scope: DataScope {
                region_path: Some("/1/".into()),
                departments,
            },
        }
    }

    const HELD_BY_2_OWNED_BY_5: RequestOwnership = RequestOwnership {
        holder: Some(2),
        owner: Some(5),
    };

    #[test]
    fn the_office_dispatches_everything() {
        let office = actor(Role::Office, vec![]);
        assert_eq!(party_of(&office, HELD_BY_2_OWNED_BY_5), Some(Party::Office));
        let queued = RequestOwnership {
            holder: None,
            owner: None,
        };
        assert!(handles(&office, queued));
    }

    #[test]
    fn departments_act_on_what_they_hold_or_coordinate() {
        let holder = actor(Role::Dept, vec![2]);
        assert_eq!(
            party_of(&holder, HELD_BY_2_OWNED_BY_5),
            Some(Party::Department(2))
        );
        let owner = actor(Role::Dept, vec![5, 9]);
        assert_eq!(
            party_of(&owner, HELD_BY_2_OWNED_BY_5),
            Some(Party::Department(5))
        );
        let both = actor(Role::Dept, vec![5, 2]);
        assert_eq!(
            party_of(&both, HELD_BY_2_OWNED_BY_5),
            Some(Party::Department(2))
        );
        assert!(!handles(&actor(Role::Dept, vec![7]), HELD_BY_2_OWNED_BY_5));
        assert!(!handles(&actor(Role::Dept, vec![]), HELD_BY_2_OWNED_BY_5));
    }

    #[test]
    fn readers_see_no_contact_details() {
        for role in [Role::Leader, Role::Grid, Role::Supervisor, Role::Manager] {
            assert!(
                !handles(&actor(role, vec![2, 5]), HELD_BY_2_OWNED_BY_5),
                "{role}"
            );
        }
    }
}
