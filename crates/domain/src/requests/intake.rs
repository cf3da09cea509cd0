//! What a new service request must hold before it is accepted (SPEC §6, issue 6): a category,
//! what is wrong in at most 4,000 characters, at most nine photos, a place — a point, an address
//! or the project it concerns — and, unless the resident stays anonymous, an optional name and
//! phone. The same check serves the portal form, staff entry on a resident's behalf and Open311.

use crate::kernel::geo::Point;
use crate::kernel::phone::is_phone_number;
use crate::kernel::problem::{FieldProblem, Problem, optional_line, required_text};

/// The longest description, in characters.
pub const TEXT_MAX: usize = 4_000;
/// The most photos one request carries (at intake, and again with an answer).
pub const MAX_PHOTOS: usize = 9;
/// The longest address, name or phone, in characters.
pub const SHORT_MAX: usize = 200;

/// How a request reached us; recorded with it, and counted in statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The portal's "我要反映" form.
    Portal,
    /// The form opened from a signboard's QR code (the project pre-filled).
    Signboard,
    /// Software, through Open311 GeoReport v2.
    Open311,
    /// Staff took it by phone.
    Phone,
    /// Staff took it from a resident who came in.
    WalkIn,
    /// A grid worker took it on a visit (an elderly resident at home, say).
    Visit,
}

impl Channel {
    /// Every channel, residents' own first.
    pub const ALL: [Channel; 6] = [
        Channel::Portal,
        Channel::Signboard,
        Channel::Open311,
        Channel::Phone,
        Channel::WalkIn,
        Channel::Visit,
    ];

    /// The channels a staff member picks when entering a request for a resident.
    pub const STAFF: [Channel; 3] = [Channel::Phone, Channel::WalkIn, Channel::Visit];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Portal => "portal",
            Channel::Signboard => "signboard",
            Channel::Open311 => "open311",
            Channel::Phone => "phone",
            Channel::WalkIn => "walk_in",
            Channel::Visit => "visit",
        }
    }
}

impl std::str::FromStr for Channel {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Channel::ALL.into_iter().find(|c| c.code() == s).ok_or(())
    }
}

/// A request as typed, before it is checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntakeDraft {
    /// The category code chosen (checked against the catalogue by storage).
    pub category: String,
    /// What is wrong.
    pub description: String,
    /// Latitude as typed or set by the map, WGS-84.
    pub lat: String,
    /// Longitude as typed or set by the map, WGS-84.
    pub lon: String,
    /// The address, free text.
    pub address: String,
    /// Whether a project is named (its location then stands for the place if none is given).
    pub has_project: bool,
    /// The resident's name, optional.
    pub name: String,
    /// The resident's phone, optional.
    pub phone: String,
    /// Whether the resident wants no contact details kept.
    pub anonymous: bool,
    /// How many photos come with it.
    pub photos: usize,
}

/// A checked request, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    /// The category code.
    pub category: String,
    /// What is wrong, trimmed.
    pub description: String,
    /// Where, if a point was given.
    pub point: Option<Point>,
    /// The address, trimmed (may be empty when a point or project says where).
    pub address: String,
    /// The resident's name, `None` when anonymous or not given.
    pub name: Option<String>,
    /// The resident's phone, `None` when anonymous or not given.
    pub phone: Option<String>,
}

fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

/// The point typed as two numbers, both or neither; `Err` names what is wrong.
fn point(lat: &str, lon: &str) -> Result<Option<Point>, FieldProblem> {
    let (lat, lon) = (lat.trim(), lon.trim());
    if lat.is_empty() && lon.is_empty() {
        return Ok(None);
    }
    let parse = |text: &str, bound: f64| {
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.abs() <= bound)
    };
    match (parse(lat, 90.0), parse(lon, 180.0)) {
        (Some(lat), Some(lon)) => Ok(Some(Point { lat, lon })),
        (None, _) => Err(FieldProblem::new("lat", Problem::Malformed)),
        (_, None) => Err(FieldProblem::new("lon", Problem::Malformed)),
    }
}

/// The draft checked: the request to store, or every problem with the field it concerns.
pub fn check_intake(draft: &IntakeDraft) -> Result<Intake, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    if draft.category.trim().is_empty() {
        problems.push(FieldProblem::new("category", Problem::Required));
    }
    let description = required_text("description", &draft.description, TEXT_MAX, &mut problems);
    let address =
        optional_line("address", &draft.address, SHORT_MAX, &mut problems).unwrap_or_default();
    let point = point(&draft.lat, &draft.lon).unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    if point.is_none() && address.is_empty() && !draft.has_project && problems.is_empty() {
        problems.push(FieldProblem::new("address", Problem::Required));
    }
    let (name, phone) = if draft.anonymous {
        (None, None)
    } else {
        (
            optional_line("name", &draft.name, SHORT_MAX, &mut problems),
            Some(draft.phone.trim().to_owned()).filter(|s| !s.is_empty()),
        )
    };
    if phone
        .as_deref()
        .is_some_and(|p| too_long(p, SHORT_MAX) || !is_phone_number(p))
    {
        problems.push(FieldProblem::new("phone", Problem::Malformed));
    }
    if draft.photos > MAX_PHOTOS {
        problems.push(FieldProblem::new(
            "photos",
            Problem::TooMany { max: MAX_PHOTOS },
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Intake {
        category: draft.category.trim().to_owned(),
        description,
        point,
        address,
        name,
        phone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> IntakeDraft {
        IntakeDraft {
            category: "road".into(),
            description: "  人行道砖松动，老人容易绊倒  ".into(),
            lat: "30.2741".into(),
            lon: "120.1551".into(),
            name: "王女士".into(),
            phone: "13800001234".into(),
            ..IntakeDraft::default()
        }
    }

    fn fields(draft: &IntakeDraft) -> Vec<(&'static str, Problem)> {
        check_intake(draft)
            .unwrap_err()
            .into_iter()
            .map(|p| (p.field, p.problem))
            .collect()
    }

    #[test]
    fn a_complete_request_is_trimmed_and_kept() {
        let intake = check_intake(&draft()).unwrap();
        assert_eq!(intake.description, "人行道砖松动，老人容易绊倒");
        assert_eq!(
            intake.point,
            Some(Point {
                lat: 30.2741,
                lon: 120.1551
            })
        );
        assert_eq!(intake.name.as_deref(), Some("王女士"));
        assert_eq!(intake.phone.as_deref(), Some("13800001234"));
    }

    #[test]
    fn anonymous_requests_keep_no_contact_details() {
        let intake = check_intake(&IntakeDraft {
            anonymous: true,
            phone: "not a phone".into(),
            ..draft()
        })
        .unwrap();
        assert_eq!((intake.name, intake.phone), (None, None));
    }

    #[test]
    fn a_place_is_a_point_an_address_or_a_project() {
        let nowhere = IntakeDraft {
            lat: String::new(),
            lon: String::new(),
            ..draft()
        };
        assert_eq!(fields(&nowhere), vec![("address", Problem::Required)]);
        let addressed = IntakeDraft {
            address: "文三路 88 号".into(),
            ..nowhere.clone()
        };
        assert_eq!(check_intake(&addressed).unwrap().point, None);
        let project = IntakeDraft {
            has_project: true,
            ..nowhere
        };
        assert!(check_intake(&project).is_ok());
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let bad = IntakeDraft {
            category: " ".into(),
            description: "x".repeat(TEXT_MAX + 1),
            lat: "91".into(),
            phone: "请打给我".into(),
            name: "名".repeat(SHORT_MAX + 1),
            address: "址".repeat(SHORT_MAX + 1),
            photos: MAX_PHOTOS + 1,
            ..draft()
        };
        assert_eq!(
            fields(&bad),
            vec![
                ("category", Problem::Required),
                ("description", Problem::TooLong { max: TEXT_MAX }),
                ("address", Problem::TooLong { max: SHORT_MAX }),
                ("lat", Problem::Malformed),
                ("name", Problem::TooLong { max: SHORT_MAX }),
                ("phone", Problem::Malformed),
                ("photos", Problem::TooMany { max: MAX_PHOTOS }),
            ]
        );
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let full = IntakeDraft {
            description: "路".repeat(TEXT_MAX),
            ..draft()
        };
        assert!(check_intake(&full).is_ok());
        let half = IntakeDraft {
            lon: "east".into(),
            ..draft()
        };
        assert_eq!(fields(&half), vec![("lon", Problem::Malformed)]);
    }

    #[test]
    fn channels_round_trip_through_their_codes() {
        for channel in Channel::ALL {
            assert_eq!(channel.code().parse(), Ok(channel));
        }
        assert!("fax".parse::<Channel>().is_err());
        assert!(Channel::STAFF.iter().all(|c| Channel::ALL.contains(c)));
    }
}
