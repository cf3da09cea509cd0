//! Wording of service requests: the states of a request, the working-day calendar's and the
//! publishing check's refusals, in the caller's language.

use super::Lang;
use minxin_domain::kernel::calendar::CalendarError;
use minxin_domain::kernel::personal_data::PersonalData;
use minxin_domain::requests::service_request::RequestState;

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

    /// The name of a request state.
    pub fn request_state(self, state: RequestState) -> &'static str {
        self.t(&format!("request.state.{}", state.code()))
    }
}
