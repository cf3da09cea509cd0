//! Open311 GeoReport v2 (issue 6, item 8): the rules by which software outside talks to the
//! request intake — how our states read as `open`/`closed`, the w3c date-times and the default
//! 90-day window of `GET requests`, the attributes a service defines (the project code of a
//! signboard), and how a form-encoded `POST requests` becomes the same [`IntakeDraft`] the
//! portal form fills, with refusals named by the Open311 field the client sent. Pure, so the
//! web layer only parses and renders.

use crate::kernel::problem::{FieldProblem, Problem};
use crate::kernel::time::shanghai;
use crate::requests::intake::IntakeDraft;
use crate::requests::service_request::RequestState;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use std::collections::BTreeMap;

/// The longest span `GET requests` covers, and its default (the most recent 90 days).
pub const WINDOW_DAYS: i64 = 90;
/// The most requests one `GET requests` returns.
pub const MAX_RESULTS: u64 = 1_000;
/// The code of the one attribute every service defines: the project a signboard names.
pub const PROJECT_ATTRIBUTE: &str = "project";
/// What every Open311 API key starts with, so a leaked key is recognised for what it is.
pub const KEY_PREFIX: &str = "o311_";

/// A request's status as Open311 shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Reported and not finished.
    Open,
    /// Resolved: answered and closed, closed, or merged into another request.
    Closed,
}

impl Status {
    /// The Open311 code.
    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }

    /// The status of a request in `state`: only finished requests are closed (an answered one
    /// still waits for the resident's rating, which may reopen it).
    pub fn of(state: RequestState) -> Status {
        if state.is_final() {
            Status::Closed
        } else {
            Status::Open
        }
    }

    /// The workflow states that read as this status, for filtering in the database.
    pub fn states(self) -> Vec<RequestState> {
        RequestState::ALL
            .into_iter()
            .filter(|s| Status::of(*s) == self)
            .collect()
    }
}

/// `at` in the w3c format Open311 requires, in Beijing time: `2026-10-01T08:30:00+08:00`.
pub fn format_datetime(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A w3c date-time with its zone (`Z` or `±hh:mm`), as clients send `start_date`/`end_date`;
/// `None` for anything else (a time without a zone is ambiguous and refused).
pub fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The interval `GET requests` searches, inclusive at both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The earliest `requested_datetime` included.
    pub start: DateTime<Utc>,
    /// The latest `requested_datetime` included.
    pub end: DateTime<Utc>,
}

/// The search window from the optional `start_date` and `end_date` as typed: without either,
/// the 90 days up to `now`; with one, 90 days from or up to it; both may not span more than
/// 90 days nor end before they start. `Err` names the field.
pub fn window(
    start: Option<&str>,
    end: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Window, FieldProblem> {
    let span = Duration::days(WINDOW_DAYS);
    let parse = |field: &'static str, text: Option<&str>| match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => parse_datetime(t)
            .map(Some)
            .ok_or(FieldProblem::new(field, Problem::Malformed)),
    };
    let (start, end) = (parse("start_date", start)?, parse("end_date", end)?);
    let (start, end) = match (start, end) {
        (None, None) => (now - span, now),
        (Some(s), None) => (s, s + span),
        (None, Some(e)) => (e - span, e),
        (Some(s), Some(e)) => (s, e),
    };
    if end < start {
        return Err(FieldProblem::new("end_date", Problem::EndBeforeStart));
    }
    if end - start > span {
        return Err(FieldProblem::new(
            "end_date",
            Problem::TooManyDays {
                max: WINDOW_DAYS as usize,
            },
        ));
    }
    Ok(Window { start, end })
}

/// A comma-separated list parameter (`service_code=road,lighting`), empty items dropped.
pub fn list(text: Option<&str>) -> Vec<String> {
    text.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The `status` parameter: `open`, `closed` or both; `Err` for another word.
pub fn statuses(text: Option<&str>) -> Result<Vec<Status>, FieldProblem> {
    list(text)
        .iter()
        .map(|s| match s.as_str() {
            "open" => Ok(Status::Open),
            "closed" => Ok(Status::Closed),
            _ => Err(FieldProblem::new("status", Problem::Malformed)),
        })
        .collect()
}

/// The `service_request_id` parameter: numeric ids, comma separated; `Err` for anything else.
pub fn request_ids(text: Option<&str>) -> Result<Vec<i64>, FieldProblem> {
    list(text)
        .iter()
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| FieldProblem::new("service_request_id", Problem::Malformed))
        })
        .collect::<Result<Vec<_>, _>>()
        .and_then(|ids| {
            if ids.len() as u64 > MAX_RESULTS {
                Err(FieldProblem::new(
                    "service_request_id",
                    Problem::TooMany {
                        max: MAX_RESULTS as usize,
                    },
                ))
            } else {
                Ok(ids)
            }
        })
}

/// A `POST requests` as sent, before it is checked (the standard fields we use; `device_id`,
/// `account_id` and `media_url` are accepted and not kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostForm {
    /// `service_code`: our category code.
    pub service_code: String,
    /// `description`.
    pub description: String,
    /// `lat` (WGS-84).
    pub lat: String,
    /// `long` (WGS-84).
    pub long: String,
    /// `address_string`.
    pub address_string: String,
    /// `address_id`: we keep no master address file, so it stands for the place as text.
    pub address_id: String,
    /// `first_name`.
    pub first_name: String,
    /// `last_name`.
    pub last_name: String,
    /// `phone`.
    pub phone: String,
    /// `attribute[code]=value`, by code.
    pub attributes: BTreeMap<String, String>,
}

/// The intake draft a `POST requests` stands for, and the project code its `project` attribute
/// names. The name is `first_name last_name` as sent; an e-mail address is not kept (staff call
/// residents back by phone). An attribute the services do not define is refused rather than
/// dropped, so a misspelt `attribute[projet]` does not silently lose the project.
pub fn draft(form: &PostForm) -> Result<(IntakeDraft, Option<String>), FieldProblem> {
    if form.attributes.keys().any(|c| c != PROJECT_ATTRIBUTE) {
        return Err(FieldProblem::new("attribute", Problem::Unknown));
    }
    let project = form
        .attributes
        .get(PROJECT_ATTRIBUTE)
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    let address = if form.address_string.trim().is_empty() {
        form.address_id.trim()
    } else {
        form.address_string.trim()
    };
    let name = format!("{} {}", form.first_name.trim(), form.last_name.trim());
    Ok((
        IntakeDraft {
            category: form.service_code.clone(),
            description: form.description.clone(),
            lat: form.lat.clone(),
            lon: form.long.clone(),
            address: address.to_owned(),
            has_project: project.is_some(),
            name: name.trim().to_owned(),
            phone: form.phone.clone(),
            anonymous: false,
            photos: 0,
        },
        project,
    ))
}

/// The Open311 parameter a problem's field was sent as, so a refusal names what the client
/// typed (`long`, not the intake's `lon`); Open311's own parameters keep their names.
pub fn field_name(field: &'static str) -> &'static str {
    match field {
        "category" => "service_code",
        "lon" => "long",
        "address" => "address_string",
        "name" => "first_name",
        "project" => "attribute[project]",
        "photos" => "media_url",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn only_finished_requests_are_closed() {
        for state in RequestState::ALL {
            let closed = matches!(state, RequestState::Closed | RequestState::Merged);
            assert_eq!(Status::of(state) == Status::Closed, closed, "{state:?}");
        }
        assert!(Status::Open.states().contains(&RequestState::Answered));
        assert_eq!(
            Status::Closed.states(),
            vec![RequestState::Closed, RequestState::Merged]
        );
    }

    #[test]
    fn times_are_shown_in_beijing_and_read_with_their_zone() {
        let at = Utc.with_ymd_and_hms(2026, 9, 30, 16, 30, 0).unwrap();
        assert_eq!(format_datetime(at), "2026-10-01T00:30:00+08:00");
        assert_eq!(parse_datetime("2026-10-01T00:30:00+08:00"), Some(at));
        assert_eq!(parse_datetime("2026-09-30T16:30:00Z"), Some(at));
        assert_eq!(parse_datetime("2026-09-30T16:30:00"), None, "no zone");
        assert_eq!(parse_datetime("yesterday"), None);
    }

    #[test]
    fn the_window_defaults_to_ninety_days_and_never_spans_more() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let w = window(None, None, now).unwrap();
        assert_eq!((w.start, w.end), (now - Duration::days(90), now));
        let w = window(Some("2026-01-01T00:00:00Z"), None, now).unwrap();
        assert_eq!(w.end - w.start, Duration::days(90));
        let w = window(Some(""), Some("2026-06-01T00:00:00+08:00"), now).unwrap();
        assert_eq!(w.end - w.start, Duration::days(90));
        let err = window(
            Some("2026-01-01T00:00:00Z"),
            Some("2026-06-01T00:00:00Z"),
            now,
        );
        assert_eq!(
            err.unwrap_err(),
            FieldProblem::new("end_date", Problem::TooManyDays { max: 90 })
        );
        let err = window(
            Some("2026-02-01T00:00:00Z"),
            Some("2026-01-01T00:00:00Z"),
            now,
        );
        assert_eq!(err.unwrap_err().problem, Problem::EndBeforeStart);
        assert_eq!(
            window(Some("1 May"), None, now).unwrap_err().field,
            "start_date"
        );
    }

    #[test]
    fn list_parameters_are_comma_separated() {
        assert_eq!(list(Some(" road, ,lighting ")), vec!["road", "lighting"]);
        assert!(list(None).is_empty());
        assert_eq!(
            statuses(Some("open,closed")).unwrap(),
            vec![Status::Open, Status::Closed]
        );
        assert_eq!(statuses(Some("pending")).unwrap_err().field, "status");
        assert_eq!(request_ids(Some("3,4")).unwrap(), vec![3, 4]);
        assert!(request_ids(Some("3,abc")).is_err());
        let many = vec!["1"; 1_001].join(",");
        assert!(request_ids(Some(&many)).is_err());
    }

    #[test]
    fn a_post_becomes_the_portal_draft() {
        let mut form = PostForm {
            service_code: "road".into(),
            description: "坑".into(),
            lat: "30.5".into(),
            long: "114.5".into(),
            first_name: "Li".into(),
            last_name: "Wei".into(),
            phone: "13800001234".into(),
            ..PostForm::default()
        };
        form.attributes
            .insert("project".into(), " 2026-MX-0042 ".into());
        let (draft, project) = draft(&form).unwrap();
        assert_eq!(project.as_deref(), Some("2026-MX-0042"));
        assert!(draft.has_project);
        assert_eq!(
            (draft.lon.as_str(), draft.name.as_str()),
            ("114.5", "Li Wei")
        );
        let only_id = PostForm {
            address_id: "A-17".into(),
            ..PostForm::default()
        };
        assert_eq!(super::draft(&only_id).unwrap().0.address, "A-17");
        assert_eq!(super::draft(&only_id).unwrap().0.name, "");
        let mut unknown = PostForm::default();
        unknown.attributes.insert("projet".into(), "x".into());
        assert_eq!(super::draft(&unknown).unwrap_err().field, "attribute");
    }

    #[test]
    fn refusals_name_the_open311_parameter() {
        assert_eq!(field_name("lon"), "long");
        assert_eq!(field_name("category"), "service_code");
        assert_eq!(field_name("address"), "address_string");
        assert_eq!(field_name("project"), "attribute[project]");
        assert_eq!(field_name("start_date"), "start_date");
    }
}
