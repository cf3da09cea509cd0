//! How service requests word their refusals (workflow moves, routing rules) for the kernel's
//! [`Refusal`]: catalogue keys, no language.

use crate::kernel::refusal::{Message, Refusal};
use crate::requests::routing::RuleRefusal;
use crate::requests::service_request::Refusal as MoveRefusal;

impl Refusal for MoveRefusal {
    fn code(&self) -> &'static str {
        "request"
    }

    fn message(&self) -> Message {
        match self {
            MoveRefusal::WrongState(state) => Message::new("request.refusal.wrong_state")
                .key("state", format!("request.state.{}", state.code())),
            MoveRefusal::NotYours => Message::new("request.refusal.not_yours"),
            MoveRefusal::TextMissing => Message::new("request.refusal.text_missing"),
            MoveRefusal::SameDepartment => Message::new("request.refusal.same_department"),
            MoveRefusal::SameRequest => Message::new("request.refusal.same_request"),
        }
    }
}

impl Refusal for RuleRefusal {
    fn code(&self) -> &'static str {
        "routing"
    }

    fn message(&self) -> Message {
        match self {
            RuleRefusal::Duplicate => Message::new("routing.refusal.duplicate"),
            RuleRefusal::BoundaryNeeded => Message::new("routing.refusal.boundary_needed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::refusal::Arg;
    use crate::requests::service_request::RequestState;

    #[test]
    fn a_move_in_the_wrong_state_names_the_state() {
        let m = MoveRefusal::WrongState(RequestState::Closed).message();
        assert_eq!(m.key, "request.refusal.wrong_state");
        assert_eq!(
            m.args,
            vec![("state", Arg::Key("request.state.closed".into()))]
        );
    }
}
