//! The life of a resident's service request (诉求, SPEC §6) as a state machine: submitted →
//! assigned → accepted (签收) → in progress → answered → rated → closed. A department may
//! transfer (转办) a request it holds to another with a reason; the first department to accept
//! stays its coordinating owner to the end (首问负责制). An unsatisfied rating reopens it once;
//! the second time it is closed as it stands. Staff may merge a near-duplicate into another
//! request. Every move is checked here, without I/O, so storage, pages and the Open311 API all
//! refuse the same things in the same words.

use std::fmt;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Received; waiting in the office's dispatch queue.
    Submitted,
    /// Sent to a department, not yet accepted by it.
    Assigned,
    /// Accepted (签收) by the department holding it.
    Accepted,
    /// Being worked on.
    InProgress,
    /// Answered; waiting for the resident's rating.
    Answered,
    /// Finished.
    Closed,
    /// Folded into another request (a near-duplicate).
    Merged,
}

impl RequestState {
    /// Every state, in workflow order.
    pub const ALL: [RequestState; 7] = [
        RequestState::Submitted,
        RequestState::Assigned,
        RequestState::Accepted,
        RequestState::InProgress,
        RequestState::Answered,
        RequestState::Closed,
        RequestState::Merged,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            RequestState::Submitted => "submitted",
            RequestState::Assigned => "assigned",
            RequestState::Accepted => "accepted",
            RequestState::InProgress => "in_progress",
            RequestState::Answered => "answered",
            RequestState::Closed => "closed",
            RequestState::Merged => "merged",
        }
    }

    /// Whether work on it is over (Open311's `closed`).
    pub fn is_final(self) -> bool {
        matches!(self, RequestState::Closed | RequestState::Merged)
    }

    /// Whether a department holds it and can still act on it.
    fn held(self) -> bool {
        matches!(
            self,
            RequestState::Assigned | RequestState::Accepted | RequestState::InProgress
        )
    }
}

impl std::str::FromStr for RequestState {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        RequestState::ALL
            .into_iter()
            .find(|state| state.code() == s)
            .ok_or(())
    }
}

/// The resident's rating of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rating {
    /// 满意.
    Satisfied,
    /// 基本满意.
    FairlySatisfied,
    /// 不满意.
    Unsatisfied,
}

impl Rating {
    /// Every rating, best first.
    pub const ALL: [Rating; 3] = [
        Rating::Satisfied,
        Rating::FairlySatisfied,
        Rating::Unsatisfied,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Rating::Satisfied => "satisfied",
            Rating::FairlySatisfied => "fairly_satisfied",
            Rating::Unsatisfied => "unsatisfied",
        }
    }

    /// Whether it counts towards the satisfaction rate (满意率 counts both kinds of content).
    pub fn is_content(self) -> bool {
        !matches!(self, Rating::Unsatisfied)
    }
}

impl std::str::FromStr for Rating {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Rating::ALL.into_iter().find(|r| r.code() == s).ok_or(())
    }
}

/// Who acts on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The project office, which dispatches and moderates.
    Office,
    /// Staff of a department (by id).
    Department(i64),
    /// The resident who submitted it (holder of the receipt code).
    Resident,
}

/// A move on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// The office (or a routing rule) sends it to a department.
    Assign {
        /// The department.
        department: i64,
    },
    /// The holding department accepts it (签收).
    Accept,
    /// The holding department starts work.
    Start,
    /// The holding department passes it to another, with a reason (转办).
    Transfer {
        /// The department it goes to.
        department: i64,
        /// Why.
        reason: String,
    },
    /// The holding department answers.
    Answer {
        /// The answer.
        text: String,
    },
    /// The resident rates the answer.
    Rate(Rating),
    /// The office closes an answered request nobody rated in time.
    Close,
    /// Staff fold it into another request.
    MergeInto {
        /// The request it joins.
        request: i64,
    },
}

/// What a request is, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Its state.
    pub state: RequestState,
    /// The department holding it now.
    pub holder: Option<i64>,
    /// The first department that accepted it (首问负责), kept through transfers.
    pub owner: Option<i64>,
    /// How often an unsatisfied rating has reopened it.
    pub reopened: u8,
}

impl Request {
    /// A request just received, in the dispatch queue.
    pub fn new() -> Self {
        Request {
            state: RequestState::Submitted,
            holder: None,
            owner: None,
            reopened: 0,
        }
    }
}

impl Default for Request {
    fn default() -> Self {
        Self::new()
    }
}

/// Why a move was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    /// Not allowed in the request's state.
    WrongState(RequestState),
    /// This party may not make this move (e.g. a department that does not hold it).
    NotYours,
    /// A transfer or answer without its text.
    TextMissing,
    /// A transfer to the department that holds it already.
    SameDepartment,
    /// Merging a request into itself.
    SameRequest,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::WrongState(s) => write!(f, "not possible while the request is {}", s.code()),
            Refusal::NotYours => f.write_str("this request is not yours to move"),
            Refusal::TextMissing => f.write_str("a reason or answer is required"),
            Refusal::SameDepartment => f.write_str("the request is with that department already"),
            Refusal::SameRequest => f.write_str("a request cannot be merged into itself"),
        }
    }
}

/// How many times an unsatisfied rating reopens a request.
pub const MAX_REOPENINGS: u8 = 1;

/// The request after `party` makes `step` on request `id`, or why not.
pub fn apply(id: i64, request: Request, party: Party, step: &Move) -> Result<Request, Refusal> {
    use RequestState as S;
    let holds = |p: Party| matches!(p, Party::Department(d) if request.holder == Some(d));
    let staff = matches!(party, Party::Office) || holds(party);
    let needs = |ok: bool| if ok { Ok(()) } else { Err(Refusal::NotYours) };
    let in_state = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(Refusal::WrongState(request.state))
        }
    };
    let mut next = request;
    match step {
        Move::Assign { department } => {
            in_state(matches!(request.state, S::Submitted | S::Assigned))?;
            needs(party == Party::Office)?;
            next.state = S::Assigned;
            next.holder = Some(*department);
        }
        Move::Accept => {
            in_state(request.state == S::Assigned)?;
            needs(holds(party))?;
            next.state = S::Accepted;
            next.owner = request.owner.or(request.holder);
        }
        Move::Start => {
            in_state(request.state == S::Accepted)?;
            needs(holds(party))?;
            next.state = S::InProgress;
        }
        Move::Transfer { department, reason } => {
            in_state(request.state.held())?;
            needs(staff)?;
            if reason.trim().is_empty() {
                return Err(Refusal::TextMissing);
            }
            if request.holder == Some(*department) {
                return Err(Refusal::SameDepartment);
            }
            next.state = S::Assigned;
            next.holder = Some(*department);
        }
        Move::Answer { text } => {
            in_state(matches!(request.state, S::Accepted | S::InProgress))?;
            needs(holds(party))?;
            if text.trim().is_empty() {
                return Err(Refusal::TextMissing);
            }
            next.state = S::Answered;
        }
        Move::Rate(rating) => {
            in_state(request.state == S::Answered)?;
            needs(party == Party::Resident)?;
            if *rating == Rating::Unsatisfied && request.reopened < MAX_REOPENINGS {
                next.state = S::InProgress;
                next.reopened += 1;
            } else {
                next.state = S::Closed;
            }
        }
        Move::Close => {
            in_state(request.state == S::Answered)?;
            needs(party == Party::Office)?;
            next.state = S::Closed;
        }
        Move::MergeInto { request: other } => {
            in_state(!request.state.is_final() && request.state != S::Answered)?;
            needs(staff)?;
            if *other == id {
                return Err(Refusal::SameRequest);
            }
            next.state = S::Merged;
        }
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestState as S;

    const A: i64 = 1;
    const B: i64 = 2;

    fn run(steps: &[(Party, Move)]) -> Result<Request, Refusal> {
        steps
            .iter()
            .try_fold(Request::new(), |r, (party, step)| apply(9, r, *party, step))
    }

    fn answer() -> Move {
        Move::Answer {
            text: "已修复".into(),
        }
    }

    fn transfer(to: i64) -> Move {
        Move::Transfer {
            department: to,
            reason: "属地管理".into(),
        }
    }

    #[test]
    fn the_happy_path_ends_closed() {
        let r = run(&[
            (Party::Office, Move::Assign { department: A }),
            (Party::Department(A), Move::Accept),
            (Party::Department(A), Move::Start),
            (Party::Department(A), answer()),
            (Party::Resident, Move::Rate(Rating::Satisfied)),
        ])
        .unwrap();
        assert_eq!(r.state, S::Closed);
        assert_eq!((r.holder, r.owner, r.reopened), (Some(A), Some(A), 0));
    }

    #[test]
    fn the_first_department_to_accept_stays_the_owner() {
        let r = run(&[
            (Party::Office, Move::Assign { department: A }),
            (Party::Department(A), Move::Accept),
            (Party::Department(A), transfer(B)),
        ])
        .unwrap();
        assert_eq!(
            (r.state, r.holder, r.owner),
            (S::Assigned, Some(B), Some(A))
        );
        let r = apply(9, r, Party::Department(B), &Move::Accept).unwrap();
        assert_eq!(r.owner, Some(A), "B works on it, A coordinates");
        let r = apply(9, r, Party::Department(B), &answer()).unwrap();
        assert_eq!(r.state, S::Answered);
        // A transfer before anyone accepted leaves no owner yet.
        let r = run(&[
            (Party::Office, Move::Assign { department: A }),
            (Party::Department(A), transfer(B)),
            (Party::Department(B), Move::Accept),
        ])
        .unwrap();
        assert_eq!(r.owner, Some(B));
    }

    #[test]
    fn unsatisfied_reopens_once_then_closes() {
        let answered = run(&[
            (Party::Office, Move::Assign { department: A }),
            (Party::Department(A), Move::Accept),
            (Party::Department(A), answer()),
        ])
        .unwrap();
        let reopened = apply(
            9,
            answered,
            Party::Resident,
            &Move::Rate(Rating::Unsatisfied),
        )
        .unwrap();
        assert_eq!((reopened.state, reopened.reopened), (S::InProgress, 1));
        let again = apply(9, reopened, Party::Department(A), &answer()).unwrap();
        let closed = apply(9, again, Party::Resident, &Move::Rate(Rating::Unsatisfied)).unwrap();
        assert_eq!(closed.state, S::Closed, "the second time it stays closed");
        let fair = apply(
            9,
            answered,
            Party::Resident,
            &Move::Rate(Rating::FairlySatisfied),
        )
        .unwrap();
        assert_eq!(fair.state, S::Closed);
        assert!(Rating::FairlySatisfied.is_content() && !Rating::Unsatisfied.is_content());
    }

    #[test]
    fn every_move_is_refused_outside_its_states() {
        let moves = [
            (Party::Office, Move::Assign { department: A }),
            (Party::Department(A), Move::Accept),
            (Party::Department(A), Move::Start),
            (Party::Department(A), transfer(B)),
            (Party::Department(A), answer()),
            (Party::Resident, Move::Rate(Rating::Satisfied)),
            (Party::Office, Move::Close),
            (Party::Office, Move::MergeInto { request: 7 }),
        ];
        // Which states each move is allowed in (with the holder A where one is needed).
        let allowed: [&[S]; 8] = [
            &[S::Submitted, S::Assigned],
            &[S::Assigned],
            &[S::Accepted],
            &[S::Assigned, S::Accepted, S::InProgress],
            &[S::Accepted, S::InProgress],
            &[S::Answered],
            &[S::Answered],
            &[S::Submitted, S::Assigned, S::Accepted, S::InProgress],
        ];
        for ((party, step), states) in moves.iter().zip(allowed) {
            for state in S::ALL {
                let request = Request {
                    state,
                    holder: Some(A),
                    owner: None,
                    reopened: 0,
                };
                let result = apply(9, request, *party, step);
                if states.contains(&state) {
                    assert!(result.is_ok(), "{step:?} in {state:?}: {result:?}");
                } else {
                    assert_eq!(
                        result,
                        Err(Refusal::WrongState(state)),
                        "{step:?} in {state:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn only_the_right_party_moves() {
        let assigned = Request {
            state: S::Assigned,
            holder: Some(A),
            owner: None,
            reopened: 0,
        };
        let refused = |party, step: Move| apply(9, assigned, party, &step);
        assert_eq!(
            refused(Party::Department(A), Move::Assign { department: B }),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            refused(Party::Department(B), Move::Accept),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            refused(Party::Office, Move::Accept),
            Err(Refusal::NotYours),
            "the office dispatches, departments accept"
        );
        assert_eq!(
            refused(Party::Resident, transfer(B)),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            refused(Party::Department(B), transfer(A)),
            Err(Refusal::NotYours)
        );
        assert!(
            refused(Party::Office, transfer(B)).is_ok(),
            "the office may redirect"
        );
        let answered = Request {
            state: S::Answered,
            ..assigned
        };
        assert_eq!(
            apply(
                9,
                answered,
                Party::Department(A),
                &Move::Rate(Rating::Satisfied)
            ),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            apply(9, answered, Party::Department(A), &Move::Close),
            Err(Refusal::NotYours)
        );
    }

    #[test]
    fn texts_departments_and_merges_are_checked() {
        let held = Request {
            state: S::InProgress,
            holder: Some(A),
            owner: Some(A),
            reopened: 0,
        };
        let blank = Move::Transfer {
            department: B,
            reason: "  ".into(),
        };
        assert_eq!(
            apply(9, held, Party::Department(A), &blank),
            Err(Refusal::TextMissing)
        );
        assert_eq!(
            apply(
                9,
                held,
                Party::Department(A),
                &Move::Answer {
                    text: String::new()
                }
            ),
            Err(Refusal::TextMissing)
        );
        assert_eq!(
            apply(9, held, Party::Department(A), &transfer(A)),
            Err(Refusal::SameDepartment)
        );
        assert_eq!(
            apply(9, held, Party::Office, &Move::MergeInto { request: 9 }),
            Err(Refusal::SameRequest)
        );
        let merged = apply(
            9,
            held,
            Party::Department(A),
            &Move::MergeInto { request: 3 },
        )
        .unwrap();
        assert!(merged.state.is_final());
    }

    #[test]
    fn codes_round_trip() {
        for state in S::ALL {
            assert_eq!(state.code().parse::<S>(), Ok(state));
        }
        assert!("open".parse::<S>().is_err());
        for rating in Rating::ALL {
            assert_eq!(rating.code().parse::<Rating>(), Ok(rating));
        }
        assert!("meh".parse::<Rating>().is_err());
    }
}
