//! Near-duplicate service requests (SPEC §6): residents report the same broken streetlight
//! many times. Two requests of the same category, placed within a distance of each other and
//! received within a time window, are offered to staff for merging; staff decide.

use crate::kernel::geo::{Point, distance_metres};
use chrono::{DateTime, Duration, Utc};

/// How close two requests must be to be offered as duplicates; the office configures it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DuplicateRule {
    /// Largest distance in metres.
    pub metres: f64,
    /// Largest time between them.
    pub window: Duration,
}

impl Default for DuplicateRule {
    /// 100 m and three days: the same spot, the same incident.
    fn default() -> Self {
        DuplicateRule {
            metres: 100.0,
            window: Duration::days(3),
        }
    }
}

/// What the comparison needs of a request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sighting<'a> {
    /// Its category code.
    pub category: &'a str,
    /// Where, if it has a location.
    pub point: Option<Point>,
    /// When it was received.
    pub at: DateTime<Utc>,
}

/// Whether `a` and `b` are near-duplicates under `rule`; requests without a location never
/// are (nothing says they concern the same place).
pub fn near_duplicates(a: &Sighting<'_>, b: &Sighting<'_>, rule: &DuplicateRule) -> bool {
    let (Some(pa), Some(pb)) = (a.point, b.point) else {
        return false;
    };
    a.category == b.category
        && (a.at - b.at).abs() <= rule.window
        && distance_metres(pa, pb) <= rule.metres
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap() + Duration::hours(hour.into())
    }

    #[test]
    fn same_category_place_and_time() {
        let rule = DuplicateRule::default();
        let here = Point::new(30.6, 114.3);
        let near = Point::new(30.6005, 114.3005);
        let far = Point::new(30.61, 114.3);
        let light = |point, hour| Sighting {
            category: "streetlight",
            point,
            at: at(hour),
        };
        assert!(near_duplicates(
            &light(Some(here), 0),
            &light(Some(near), 30),
            &rule
        ));
        assert!(!near_duplicates(
            &light(Some(here), 0),
            &light(Some(far), 1),
            &rule
        ));
        assert!(!near_duplicates(
            &light(Some(here), 0),
            &light(Some(near), 73),
            &rule
        ));
        assert!(!near_duplicates(
            &light(Some(here), 0),
            &light(None, 1),
            &rule
        ));
        let road = Sighting {
            category: "road",
            point: Some(here),
            at: at(0),
        };
        assert!(!near_duplicates(&light(Some(here), 0), &road, &rule));
    }
}
