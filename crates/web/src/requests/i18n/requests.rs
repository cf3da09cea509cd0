//! Wording of service requests: refusals of workflow moves and the states they name, in the
//! caller's language.

use crate::kernel::i18n::Lang;
use minxin_domain::kernel::calendar::CalendarError;
use minxin_domain::kernel::personal_data::PersonalData;
use minxin_domain::requests::service_request::{Refusal, RequestState};

impl Lang {
    /// Why a text was not published: the personal data it still holds, named by kind.
    pub fn personal_data_found(self, found: &[PersonalData]) -> String {
        let kinds: Vec<&str> = found
            .iter()
            .map(|kind| {
                self.t(match kind {
                    PersonalData::Mobile => "request_work.personal_data.mobile",
                    PersonalData::Landline => "request_work.personal_data.landline",
                    PersonalData::IdNumber => "request_work.personal_data.id_number",
                    PersonalData::Email => "request_work.personal_data.email",
                })
            })
            .collect();
        let kinds = kinds.join(self.t("request_work.personal_data.separator"));
        self.fill("request_work.personal_data.found", &[("kinds", kinds)])
    }

    /// Why a year of the working-day calendar was refused.
    pub fn calendar_refusal(self, refusal: &CalendarError) -> String {
        let day = |d: &chrono::NaiveDate| d.to_string();
        match refusal {
            CalendarError::Unreadable(why) => {
                self.fill("request.calendar.unreadable", &[("why", why.clone())])
            }
            CalendarError::NotOneYear(n) => {
                self.fill("request.calendar.not_one_year", &[("n", n.to_string())])
            }
            CalendarError::DuplicateYear(y) => self.fill(
                "request.calendar.duplicate_year",
                &[("year", y.to_string())],
            ),
            CalendarError::OutsideYear(y, d) => self.fill(
                "request.calendar.outside_year",
                &[("year", y.to_string()), ("day", day(d))],
            ),
            CalendarError::Backwards(a, b) => self.fill(
                "request.calendar.backwards",
                &[("first", day(a)), ("last", day(b))],
            ),
            CalendarError::WorkdayNotWeekend(d) => {
                self.fill("request.calendar.not_weekend", &[("day", day(d))])
            }
            CalendarError::Contradiction(d) => {
                self.fill("request.calendar.contradiction", &[("day", day(d))])
            }
        }
    }

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
