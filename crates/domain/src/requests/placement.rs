//! Where a new service request is placed in the region tree (issue 15): the region decides whose
//! queue it lands in, so a request must never be placed where no office can see it. The order:
//! the smallest region whose boundary contains its point; else the region of the project it
//! names; else the region of the nearest project within a configured distance — each only if an
//! office's scope covers it; else the region of the office that takes the requests placed
//! nowhere else (its dispatch queue).

use crate::kernel::geo::{BoundingBox, Point, distance_metres};

/// How far from a project a request without a boundary may be to be placed in its region, when
/// the configuration does not say: a neighbourhood, not a district.
pub const DEFAULT_NEAR_PROJECT_METRES: u32 = 2_000;

/// Metres per degree of latitude (and of longitude on the equator).
const METRES_PER_DEGREE: f64 = 111_320.0;

/// What placed a request where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacedBy {
    /// A boundary contains its point.
    Boundary,
    /// It names a project.
    Project,
    /// A project lies within the configured distance of its point.
    NearProject,
    /// Nothing did: it waits in the dispatch queue of the office taking such requests.
    DispatchQueue,
}

/// The region paths a request could be placed in, as intake found them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Candidates<'a> {
    /// The smallest region whose boundary contains the point.
    pub boundary: Option<&'a str>,
    /// The region of the project the request names.
    pub project: Option<&'a str>,
    /// The region of the nearest project within the configured distance.
    pub near_project: Option<&'a str>,
}

/// The region a request is placed in, and why (see the module documentation for the order),
/// given `offices`, the scope roots (region paths) of the accounts that dispatch requests: a
/// candidate no office's scope covers is passed over, so that nobody could see the request,
/// and what is left goes to the widest office ([`dispatch_region`]). `None` only when no
/// account dispatches at all.
pub fn place<'a>(c: &Candidates<'a>, offices: &[&'a str]) -> Option<(&'a str, PlacedBy)> {
    let covered = |path: &str| offices.iter().any(|o| path.starts_with(o));
    [
        (c.boundary, PlacedBy::Boundary),
        (c.project, PlacedBy::Project),
        (c.near_project, PlacedBy::NearProject),
    ]
    .into_iter()
    .find_map(|(path, by)| path.filter(|p| covered(p)).map(|p| (p, by)))
    .or_else(|| dispatch_region(offices.iter().copied()).map(|p| (p, PlacedBy::DispatchQueue)))
}

/// The item of `candidates` nearest to `point` and at most `within_metres` from it.
pub fn nearest<T>(
    point: Point,
    candidates: impl IntoIterator<Item = (T, Point)>,
    within_metres: f64,
) -> Option<T> {
    candidates
        .into_iter()
        .map(|(item, at)| (distance_metres(point, at), item))
        .filter(|(d, _)| *d <= within_metres)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, item)| item)
}

/// A box around `point` holding every point within `metres` of it, so the database can
/// pre-select the candidates of [`nearest`] by index.
pub fn search_box(point: Point, metres: f64) -> BoundingBox {
    let dlat = metres / METRES_PER_DEGREE;
    // Longitude degrees shrink with the latitude; 89° bounds the division near the poles.
    let dlon = dlat / point.lat.abs().min(89.0).to_radians().cos();
    BoundingBox {
        south_west: Point::new(point.lat - dlat, point.lon - dlon),
        north_east: Point::new(point.lat + dlat, point.lon + dlon),
    }
}

/// The region whose office takes requests placed nowhere else, from the scope roots (region
/// paths) of the accounts that dispatch requests: the widest one (fewest levels), the first by
/// path among equals, so the same office always gets them. `None` when no account dispatches.
pub fn dispatch_region<'a>(office_scopes: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    office_scopes
        .into_iter()
        .min_by_key(|path| (path.matches('/').count(), *path))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: Point = Point::new(30.58, 114.30);

    const OFFICES: [&str; 2] = ["/1/2/", "/1/2/5/"];

    fn candidates<'a>(
        boundary: Option<&'a str>,
        project: Option<&'a str>,
        near_project: Option<&'a str>,
    ) -> Candidates<'a> {
        Candidates {
            boundary,
            project,
            near_project,
        }
    }

    #[test]
    fn a_boundary_wins_then_the_named_project_then_a_near_one_then_the_dispatch_queue() {
        let all = candidates(Some("/1/2/3/4/"), Some("/1/2/5/"), Some("/1/2/6/"));
        assert_eq!(
            place(&all, &OFFICES),
            Some(("/1/2/3/4/", PlacedBy::Boundary))
        );
        let no_boundary = candidates(None, Some("/1/2/5/"), Some("/1/2/6/"));
        assert_eq!(
            place(&no_boundary, &OFFICES),
            Some(("/1/2/5/", PlacedBy::Project))
        );
        let near = candidates(None, None, Some("/1/2/6/"));
        assert_eq!(
            place(&near, &OFFICES),
            Some(("/1/2/6/", PlacedBy::NearProject))
        );
        assert_eq!(
            place(&Candidates::default(), &OFFICES),
            Some(("/1/2/", PlacedBy::DispatchQueue))
        );
    }

    #[test]
    fn a_region_no_office_covers_is_passed_over() {
        let elsewhere = candidates(Some("/1/9/3/"), None, Some("/1/2/6/"));
        assert_eq!(
            place(&elsewhere, &OFFICES),
            Some(("/1/2/6/", PlacedBy::NearProject))
        );
        let nowhere = candidates(Some("/1/9/3/"), Some("/1/9/"), None);
        assert_eq!(
            place(&nowhere, &OFFICES),
            Some(("/1/2/", PlacedBy::DispatchQueue))
        );
        assert_eq!(place(&nowhere, &[]), None);
    }

    #[test]
    fn the_nearest_project_counts_only_within_the_distance() {
        let north = |metres: f64| Point::new(HERE.lat + metres / METRES_PER_DEGREE, HERE.lon);
        let projects = [("far", north(1_900.0)), ("near", north(400.0))];
        assert_eq!(nearest(HERE, projects, 2_000.0), Some("near"));
        assert_eq!(
            nearest(HERE, [("far", north(1_900.0))], 2_000.0),
            Some("far")
        );
        assert_eq!(nearest(HERE, [("far", north(2_100.0))], 2_000.0), None);
        assert_eq!(nearest(HERE, Vec::<(&str, Point)>::new(), 2_000.0), None);
    }

    #[test]
    fn the_search_box_holds_every_point_within_the_distance() {
        let b = search_box(HERE, 2_000.0);
        for bearing in 0..36 {
            let angle = f64::from(bearing * 10).to_radians();
            let d = 1_999.0 / METRES_PER_DEGREE;
            let p = Point::new(
                HERE.lat + d * angle.cos(),
                HERE.lon + d * angle.sin() / HERE.lat.to_radians().cos(),
            );
            assert!(distance_metres(HERE, p) <= 2_000.0);
            assert!(b.contains(p), "bearing {bearing}0° falls outside");
        }
    }

    #[test]
    fn the_widest_dispatching_office_takes_what_nothing_placed() {
        assert_eq!(
            dispatch_region(["/1/2/3/", "/1/7/", "/1/2/"]),
            Some("/1/2/")
        );
        assert_eq!(dispatch_region(["/1/", "/1/2/"]), Some("/1/"));
        assert_eq!(dispatch_region([]), None);
    }
}
