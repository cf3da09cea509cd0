//! Wording of service requests: refusals of workflow moves and the states they name, in the
//! caller's language.

use super::Lang;
use minxin_domain::service_request::{Refusal, RequestState};

impl Lang {
    /// Why a move on a request was refused.
    pub fn request_refusal(self, refusal: &Refusal) -> String {
        match refusal {
            Refusal::WrongState(state) => self.fill(
                "request.refusal.wrong_state",
                &[("state", self.request_state(*state).to_owned())],
            ),
            Refusal::NotYours => self.t("request.refusal.not_yours").into(),
            Refusal::TextMissing => self.t("request.refusal.text_missing").into(),
            Refusal::SameDepartment => self.t("request.refusal.same_department").into(),
            Refusal::SameRequest => self.t("request.refusal.same_request").into(),
        }
    }

    /// The name of a request state.
    pub fn request_state(self, state: RequestState) -> &'static str {
        self.t(&format!("request.state.{}", state.code()))
    }
}
