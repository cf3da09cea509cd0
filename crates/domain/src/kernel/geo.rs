//! Coordinates on the public map. Locations are stored in WGS-84 (which CGCS2000, China's
//! official datum, matches to within centimetres); tile sources approved for the mainland draw
//! their maps in GCJ-02, the obfuscated datum of GB 20263, so a marker must be shifted into the
//! datum of the tiles it is drawn on, and a visible area read off such a map shifted back before
//! it is compared with stored locations. The shift is the published GCJ-02 formula; outside
//! China it is the identity, as it is for the tile sources themselves.

use crate::kernel::problem::Problem;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

/// A point in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Latitude, north positive.
    pub lat: f64,
    /// Longitude, east positive.
    pub lon: f64,
}

/// A location that is somewhere on the globe: latitude within ±90°, longitude within ±180°
/// (what a project's location may be; nothing narrower is required of it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates(Point);

impl Coordinates {
    /// The location at `lat`, `lon`; [`Problem::Malformed`] off the globe (or not a number).
    pub fn new(lat: f64, lon: f64) -> Result<Coordinates, Problem> {
        if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
            Ok(Coordinates(Point { lat, lon }))
        } else {
            Err(Problem::Malformed)
        }
    }

    /// The point.
    pub fn point(self) -> Point {
        self.0
    }
}

/// Cells of the public grid per degree: a published point is a multiple of 0.001°, about
/// 111 m north–south and 96 m east–west at 30° N, so it lies within about 75 m of the truth.
pub const COARSE_PER_DEGREE: f64 = 1000.0;

/// The spacing of the public grid in degrees.
pub const COARSE_DEGREES: f64 = 1.0 / COARSE_PER_DEGREE;

/// The datum a tile source draws in, so markers land on the right street.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Datum {
    /// WGS-84 / CGCS2000: OpenStreetMap and 天地图.
    #[default]
    Wgs84,
    /// GCJ-02: the mainland's commercial tile sources (AutoNavi/高德 and the like).
    Gcj02,
}

impl FromStr for Datum {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s.to_ascii_lowercase().as_str() {
            "wgs84" | "cgcs2000" => Ok(Datum::Wgs84),
            "gcj02" => Ok(Datum::Gcj02),
            _ => Err(()),
        }
    }
}

/// Krasovsky 1940 semi-major axis and eccentricity squared, as the GCJ-02 formula uses them.
const AXIS: f64 = 6_378_245.0;
const ECCENTRICITY2: f64 = 0.006_693_421_622_965_943;

/// Whether the GCJ-02 shift applies: a rectangle around the mainland, as every published
/// implementation draws it.
fn in_china(p: Point) -> bool {
    (72.004..=137.8347).contains(&p.lon) && (0.8293..=55.8271).contains(&p.lat)
}

fn shift_lat(x: f64, y: f64) -> f64 {
    -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0
        + (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0
        + (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0
}

fn shift_lon(x: f64, y: f64) -> f64 {
    300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0
        + (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0
        + (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0
}

/// The GCJ-02 position of a WGS-84 point.
fn wgs84_to_gcj02(p: Point) -> Point {
    if !in_china(p) {
        return p;
    }
    let (x, y) = (p.lon - 105.0, p.lat - 35.0);
    let rad = p.lat / 180.0 * PI;
    let magic = 1.0 - ECCENTRICITY2 * rad.sin() * rad.sin();
    let root = magic.sqrt();
    let d_lat = shift_lat(x, y) * 180.0 / ((AXIS * (1.0 - ECCENTRICITY2)) / (magic * root) * PI);
    let d_lon = shift_lon(x, y) * 180.0 / (AXIS / root * rad.cos() * PI);
    Point::new(p.lat + d_lat, p.lon + d_lon)
}

/// The WGS-84 point whose GCJ-02 position is `p`: the shift varies slowly, so subtracting the
/// shift measured at the current guess converges to well under a centimetre in a few steps.
fn gcj02_to_wgs84(p: Point) -> Point {
    let mut guess = p;
    for _ in 0..4 {
        let there = wgs84_to_gcj02(guess);
        guess = Point::new(
            guess.lat - (there.lat - p.lat),
            guess.lon - (there.lon - p.lon),
        );
    }
    guess
}

impl Point {
    /// The point at `lat`, `lon`: shorter than the struct literal where points are many, as in
    /// the tests of distances, datums and duplicates.
    pub const fn new(lat: f64, lon: f64) -> Point {
        Point { lat, lon }
    }

    /// This stored (WGS-84) point as drawn on a map in `datum`.
    pub fn on_map(self, datum: Datum) -> Point {
        match datum {
            Datum::Wgs84 => self,
            Datum::Gcj02 => wgs84_to_gcj02(self),
        }
    }

    /// The stored (WGS-84) point of a position read off a map in `datum`.
    pub fn from_map(self, datum: Datum) -> Point {
        match datum {
            Datum::Wgs84 => self,
            Datum::Gcj02 => gcj02_to_wgs84(self),
        }
    }

    /// This point as the public may see it (issue 15): snapped to the nearest multiple of
    /// [`COARSE_DEGREES`], so a published request shows the block, not the resident's door.
    /// The database backfills stored requests with the same rounding
    /// ([`COARSE_PER_DEGREE`]: `ROUND(x * 1000) / 1000`).
    pub fn coarsened(self) -> Point {
        let snap = |v: f64| (v * COARSE_PER_DEGREE).round() / COARSE_PER_DEGREE;
        Point::new(snap(self.lat), snap(self.lon))
    }
}

/// A visible map area, the way Leaflet's `getBounds().toBBoxString()` writes it:
/// `west,south,east,north` in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    /// South-west corner.
    pub south_west: Point,
    /// North-east corner.
    pub north_east: Point,
}

/// Why a bounding box was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxError {
    /// Not four comma-separated numbers.
    Malformed,
    /// Outside ±90° / ±180°, or south of its own south edge.
    OutOfRange,
}

impl fmt::Display for BoxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BoxError::Malformed => "bbox must be west,south,east,north",
            BoxError::OutOfRange => "bbox is outside the globe or upside down",
        })
    }
}

impl FromStr for BoundingBox {
    type Err = BoxError;

    fn from_str(s: &str) -> Result<Self, BoxError> {
        let numbers: Vec<f64> = s
            .split(',')
            .map(|n| n.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| BoxError::Malformed)?;
        let [west, south, east, north] = numbers[..] else {
            return Err(BoxError::Malformed);
        };
        let lat_ok = |v: f64| (-90.0..=90.0).contains(&v);
        // Leaflet reports longitudes past ±180° when the world is panned round; clamp them.
        let clamp = |v: f64| v.clamp(-180.0, 180.0);
        if !(lat_ok(south) && lat_ok(north)) || south > north || west > east || !west.is_finite() {
            return Err(BoxError::OutOfRange);
        }
        Ok(BoundingBox {
            south_west: Point::new(south, clamp(west)),
            north_east: Point::new(north, clamp(east)),
        })
    }
}

impl BoundingBox {
    /// The stored-datum area of a box read off a map in `datum`, widened by the largest
    /// difference of the shift between its corners so no marker near an edge is lost.
    pub fn from_map(self, datum: Datum) -> BoundingBox {
        let sw = self.south_west.from_map(datum);
        let ne = self.north_east.from_map(datum);
        let nw = Point::new(self.north_east.lat, self.south_west.lon).from_map(datum);
        let se = Point::new(self.south_west.lat, self.north_east.lon).from_map(datum);
        BoundingBox {
            south_west: Point::new(sw.lat.min(se.lat), sw.lon.min(nw.lon)),
            north_east: Point::new(ne.lat.max(nw.lat), ne.lon.max(se.lon)),
        }
    }

    /// Whether a stored point lies inside, edges included.
    pub fn contains(&self, p: Point) -> bool {
        (self.south_west.lat..=self.north_east.lat).contains(&p.lat)
            && (self.south_west.lon..=self.north_east.lon).contains(&p.lon)
    }
}

/// Mean Earth radius in metres (IUGG).
const EARTH_RADIUS: f64 = 6_371_008.8;

/// The great-circle distance between two points in metres (haversine).
pub fn distance_metres(a: Point, b: Point) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Point, b: Point, degrees: f64) -> bool {
        (a.lat - b.lat).abs() < degrees && (a.lon - b.lon).abs() < degrees
    }

    #[test]
    fn coordinates_stay_on_the_globe() {
        let here = Coordinates::new(30.6, 114.3).unwrap().point();
        assert_eq!((here.lat, here.lon), (30.6, 114.3));
        assert!(Coordinates::new(90.0, -180.0).is_ok());
        assert!(Coordinates::new(-90.0, 180.0).is_ok());
        for (lat, lon) in [(90.1, 0.0), (-90.1, 0.0), (0.0, 180.1), (0.0, -180.1)] {
            assert_eq!(Coordinates::new(lat, lon), Err(Problem::Malformed));
        }
        assert_eq!(Coordinates::new(f64::NAN, 0.0), Err(Problem::Malformed));
    }

    #[test]
    fn distances_match_known_values() {
        let tiananmen = Point::new(39.9087, 116.3975);
        let pudong = Point::new(31.2397, 121.4998);
        let km = distance_metres(tiananmen, pudong) / 1000.0;
        assert!((km - 1067.0).abs() < 5.0, "{km}");
        let north = Point::new(30.6009, 114.3);
        let here = Point::new(30.6, 114.3);
        assert!((distance_metres(here, north) - 100.1).abs() < 0.5);
    }

    /// Reference values from the `eviltransform` package (PyPI 0.1.1), an independent
    /// implementation of the same formula: `eviltransform.wgs2gcj(lat, lon)`.
    #[test]
    fn shifts_into_gcj02_like_the_reference_implementation() {
        let cases = [
            ((39.908_692, 116.397_477), (39.910_095_5, 116.403_720_7)),
            ((31.230_416, 121.473_701), (31.228_473_7, 121.478_224_1)),
            ((22.543_096, 114.057_865), (22.540_378_7, 114.062_979_0)),
        ];
        for ((lat, lon), (glat, glon)) in cases {
            let shifted = Point { lat, lon }.on_map(Datum::Gcj02);
            assert!(
                close(shifted, Point::new(glat, glon), 1e-6),
                "{lat},{lon} → {shifted:?}"
            );
        }
    }

    #[test]
    fn outside_china_nothing_moves() {
        let tokyo = Point::new(35.6812, 139.7671);
        assert_eq!(tokyo.on_map(Datum::Gcj02), tokyo);
        assert_eq!(tokyo.from_map(Datum::Gcj02), tokyo);
    }

    #[test]
    fn the_inverse_returns_to_the_stored_point_within_a_centimetre() {
        let stored = Point::new(30.2741, 120.1551);
        let back = stored.on_map(Datum::Gcj02).from_map(Datum::Gcj02);
        assert!(close(back, stored, 1e-7), "{back:?}");
        assert_eq!(stored.on_map(Datum::Wgs84), stored);
    }

    #[test]
    fn reads_leaflet_bounding_boxes() {
        let b: BoundingBox = "120.1,30.2,120.3,30.4".parse().unwrap();
        assert_eq!(b.south_west, Point::new(30.2, 120.1));
        assert!(b.contains(Point::new(30.3, 120.2)));
        assert!(!b.contains(Point::new(30.5, 120.2)));
        let wide: BoundingBox = "-200,-10,200,10".parse().unwrap();
        assert_eq!(wide.south_west.lon, -180.0);
        assert_eq!(wide.north_east.lon, 180.0);
        assert_eq!("1,2,3".parse::<BoundingBox>(), Err(BoxError::Malformed));
        assert_eq!("a,2,3,4".parse::<BoundingBox>(), Err(BoxError::Malformed));
        assert_eq!(
            "1,50,3,40".parse::<BoundingBox>(),
            Err(BoxError::OutOfRange)
        );
        assert_eq!(
            "1,-95,3,40".parse::<BoundingBox>(),
            Err(BoxError::OutOfRange)
        );
        assert_eq!(
            "NaN,1,3,4".parse::<BoundingBox>(),
            Err(BoxError::OutOfRange)
        );
    }

    #[test]
    fn a_box_read_off_a_gcj02_map_still_holds_its_markers() {
        let stored = Point::new(30.2741, 120.1551);
        let drawn = stored.on_map(Datum::Gcj02);
        let tight = BoundingBox {
            south_west: Point::new(drawn.lat - 1e-4, drawn.lon - 1e-4),
            north_east: Point::new(drawn.lat + 1e-4, drawn.lon + 1e-4),
        };
        assert!(!tight.contains(stored), "the shift is hundreds of metres");
        assert!(tight.from_map(Datum::Gcj02).contains(stored));
    }

    #[test]
    fn a_coarsened_point_is_on_the_public_grid_and_near_the_truth() {
        let exact = Point::new(30.274567, 120.155432);
        let shown = exact.coarsened();
        assert_eq!(shown, Point::new(30.275, 120.155));
        assert_ne!(shown, exact);
        assert!(distance_metres(exact, shown) < 75.0);
        assert_eq!(shown.coarsened(), shown, "coarsening twice changes nothing");
        let south_west = Point::new(-33.86785, -151.20732).coarsened();
        assert_eq!(south_west, Point::new(-33.868, -151.207));
    }
}
