//! Who may see and move a service request, beyond the role check (issue 6). The office
//! dispatches and sees every request in its region scope; department staff see the requests
//! their departments hold or coordinate (首问) and act on those they hold; grid workers and
//! leaders read. Contact details go only to those handling the request: the office and the
//! departments holding or coordinating it.

use crate::identity::actor::Actor;
use crate::identity::role::Role;
use crate::requests::service_request::{Move, Party, Request, apply};

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

/// A kind of staff move, named the way the file page's forms and the API's move bodies name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MoveKind {
    /// Dispatch to a department.
    Assign,
    /// 签收.
    Accept,
    /// Start work.
    Start,
    /// 转办 with a reason.
    Transfer,
    /// Answer the resident.
    Answer,
    /// Close an answered request nobody rated.
    Close,
    /// Fold into another request.
    Merge,
}

impl MoveKind {
    /// Every kind, in workflow order.
    pub const ALL: [MoveKind; 7] = [
        MoveKind::Assign,
        MoveKind::Accept,
        MoveKind::Start,
        MoveKind::Transfer,
        MoveKind::Answer,
        MoveKind::Close,
        MoveKind::Merge,
    ];

    /// The code in forms and JSON.
    pub fn code(self) -> &'static str {
        match self {
            MoveKind::Assign => "assign",
            MoveKind::Accept => "accept",
            MoveKind::Start => "start",
            MoveKind::Transfer => "transfer",
            MoveKind::Answer => "answer",
            MoveKind::Close => "close",
            MoveKind::Merge => "merge",
        }
    }

    /// A move of this kind with stand-in details that no rule objects to: another department
    /// than the holder, another request, some text.
    fn sample(self, id: i64, request: Request) -> Move {
        let elsewhere = request.holder.map_or(0, |h| h + 1);
        match self {
            MoveKind::Assign => Move::Assign {
                department: elsewhere,
            },
            MoveKind::Accept => Move::Accept,
            MoveKind::Start => Move::Start,
            MoveKind::Transfer => Move::Transfer {
                department: elsewhere,
                reason: "-".into(),
            },
            MoveKind::Answer => Move::Answer { text: "-".into() },
            MoveKind::Close => Move::Close,
            MoveKind::Merge => Move::MergeInto { request: id + 1 },
        }
    }
}

/// The kinds of move `party` may make on request `id` now, by the workflow rules: what a file
/// offers its reader, so that pages and API clients are only shown moves that can succeed.
pub fn offered_moves(id: i64, request: Request, party: Party) -> Vec<MoveKind> {
    MoveKind::ALL
        .into_iter()
        .filter(|kind| apply(id, request, party, &kind.sample(id, request)).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::role::RoleSet;
    use crate::org::scope::DataScope;

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

    #[test]
    fn a_file_offers_only_the_moves_the_rules_allow() {
        use crate::requests::service_request::RequestState;
        let queued = Request::new();
        assert_eq!(
            offered_moves(7, queued, Party::Office),
            vec![MoveKind::Assign, MoveKind::Merge]
        );
        let held = Request {
            state: RequestState::Assigned,
            holder: Some(2),
            ..Request::new()
        };
        assert_eq!(
            offered_moves(7, held, Party::Department(2)),
            vec![MoveKind::Accept, MoveKind::Transfer, MoveKind::Merge]
        );
        assert!(offered_moves(7, held, Party::Department(5)).is_empty());
        let answered = Request {
            state: RequestState::Answered,
            ..held
        };
        assert_eq!(
            offered_moves(7, answered, Party::Office),
            vec![MoveKind::Close]
        );
    }
}
