//! The working-day calendar at `/requests/calendar`: the years deadlines count on, shipped or
//! entered by the office, and the form on which the office enters the next year's holidays and
//! adjusted working days (调休) as the State Council announces them, in the format of the
//! shipped file. A refused year comes back with the message and the text as typed.

use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use askama::Template;
use axum::Form;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use minxin_domain::Permission;
use minxin_domain::kernel::time::shanghai;
use serde::Deserialize;

/// One year as listed.
struct Year {
    year: i32,
    source: String,
    entered: bool,
    off: Vec<String>,
    on: String,
}

#[derive(Template)]
#[template(path = "request_calendar.html")]
struct CalendarPage {
    c: Chrome,
    years: Vec<Year>,
    text: String,
    errors: FormErrors,
}

/// A blank arrangement of the year after the last one known, to fill in.
fn template(next: i32) -> String {
    format!(
        "[[year]]\nyear = {next}\nsource = \"国务院办公厅关于{next}年部分节假日安排的通知\"\noff = [\n  [\"{next}-01-01\", \"{next}-01-01\", \"元旦\"],\n]\non = []\n"
    )
}

async fn page(
    staff: &Staff,
    text: Option<String>,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let listed = staff.store().calendar().years().await?;
    let this_year = staff.state.clock.now().with_timezone(&shanghai()).year();
    let next = listed
        .iter()
        .map(|y| y.year.year + 1)
        .max()
        .unwrap_or(this_year);
    let years = listed
        .into_iter()
        .map(|y| Year {
            year: y.year.year,
            source: y.year.source,
            entered: y.entered,
            off: y
                .year
                .off
                .iter()
                .map(|(first, last, name)| format!("{name} {first} – {last}"))
                .collect(),
            on: y
                .year
                .on
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
    html(&CalendarPage {
        c: staff.chrome("/requests"),
        years,
        text: text.unwrap_or_else(|| template(next)),
        errors,
    })
}

/// GET `/requests/calendar`
pub async fn show(staff: Staff) -> Result<Response, Failure> {
    staff.permit(Permission::ModerateRequests)?;
    page(&staff, None, FormErrors::default()).await
}

/// The form: one year's arrangement.
#[derive(Debug, Deserialize)]
pub struct YearForm {
    #[serde(default)]
    arrangement: String,
}

/// POST `/requests/calendar`: keeps the year and counts deadlines on it from now on.
pub async fn enter(staff: Staff, Form(form): Form<YearForm>) -> Result<Response, Failure> {
    let entered = staff
        .store()
        .calendar()
        .enter_year(&form.arrangement, staff.state.clock.now())
        .await;
    match entered {
        Ok(calendar) => {
            staff.state.calendar.replace(calendar);
            Ok(Redirect::to("/requests/calendar").into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_store(staff.lang(), e)?;
            let mut reply = page(&staff, Some(form.arrangement), errors).await?;
            *reply.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(reply)
        }
    }
}
